// Reading and creating .dev.vars, the local secrets file wrangler dev loads.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function parseDevVars(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/i);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

export const readDevVars = (file) => (existsSync(file) ? parseDevVars(readFileSync(file, "utf8")) : {});

/** Fresh random secrets plus the development settings API.md fixes for `npm start`. */
export function freshDevVars() {
  return {
    ENVIRONMENT: "development",
    NOTIFY_RETRY_DELAYS: "1,2,4,8",
    PLATFORM_ADMIN_TOKEN: `fp_admin_${randomBytes(24).toString("base64url")}`,
    JWT_SECRET: randomBytes(48).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
}

/** Writes .dev.vars only when it is missing; returns its values and whether it was created. */
export function ensureDevVars(file) {
  if (existsSync(file)) return { vars: readDevVars(file), created: false };
  const vars = freshDevVars();
  const lines = Object.entries(vars).map(([key, value]) => `${key}=${value}`);
  writeFileSync(file, `# Written by npm start with fresh random dev secrets. Never commit this file.\n${lines.join("\n")}\n`, { mode: 0o600 });
  return { vars, created: true };
}

/** The values of `--var KEY:VALUE` arguments (they win over .dev.vars in wrangler dev). */
export function varArgs(args) {
  const vars = {};
  args.forEach((arg, i) => {
    const value = arg === "--var" ? args[i + 1] : arg.startsWith("--var=") ? arg.slice(6) : undefined;
    const match = value?.match(/^([^:]+):(.*)$/s);
    if (match) vars[match[1]] = match[2];
  });
  return vars;
}

/** The value of `--name value` or `--name=value` in wrangler-style arguments. */
export function flagValue(args, name, fallback) {
  const i = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (i < 0) return fallback;
  return args[i].includes("=") ? args[i].slice(name.length + 1) : args[i + 1];
}

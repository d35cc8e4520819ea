// Reading and creating .dev.vars, the local secrets file wrangler dev loads.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import webPush from "web-push";

export function parseDevVars(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/i);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

export const readDevVars = (file) => (existsSync(file) ? parseDevVars(readFileSync(file, "utf8")) : {});

/**
 * Fresh random secrets plus the development settings docs/api.md fixes for `npm start`. Provider
 * credentials are placeholders: point TWILIO_API_URL / SENDGRID_API_URL at a local stand-in
 * (`npm start -- --var TWILIO_API_URL:http://127.0.0.1:9000`) or put real ones here.
 */
export function freshDevVars() {
  const vapid = webPush.generateVAPIDKeys();
  return {
    ENVIRONMENT: "development",
    NOTIFY_RETRY_DELAYS: "1,2,4,8",
    APP_URL: "http://127.0.0.1:8787",
    PLATFORM_ADMIN_TOKEN: `fp_admin_${randomBytes(24).toString("base64url")}`,
    JWT_SECRET: randomBytes(48).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // The keyring of personal data and secrets at rest (docs/configuration.md); rotate with npm run keys:rotate.
    PII_KEYS: JSON.stringify({ k1: randomBytes(32).toString("base64") }),
    PII_ACTIVE_KEY: "k1",
    // Blind-index keys with ids, so the index rotates like the keyring (docs/security.md).
    PII_INDEX_KEYS: JSON.stringify({ i1: randomBytes(32).toString("base64") }),
    PII_INDEX_ACTIVE: "i1",
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    TWILIO_ACCOUNT_SID: "ACdevelopment",
    TWILIO_AUTH_TOKEN: randomBytes(16).toString("hex"),
    SENDGRID_API_KEY: `SG.dev-${randomBytes(12).toString("base64url")}`,
  };
}

/**
 * Writes .dev.vars when it is missing, and adds any setting a newer FleetPulse needs to an
 * existing one (never changing what is there). Returns its values and whether it was created.
 */
export function ensureDevVars(file) {
  const fresh = freshDevVars();
  if (existsSync(file)) {
    const vars = readDevVars(file);
    // A file with the single PII_INDEX_KEY keeps it: new index keys would start a rotation nobody asked for.
    const indexKeys = "PII_INDEX_KEY" in vars ? ["PII_INDEX_KEYS", "PII_INDEX_ACTIVE"] : [];
    const missing = Object.entries(fresh).filter(([key]) => !(key in vars) && !indexKeys.includes(key));
    if (missing.length) appendFileSync(file, `${missing.map(([key, value]) => `${key}=${value}`).join("\n")}\n`);
    return { vars: { ...Object.fromEntries(missing), ...vars }, created: false };
  }
  const lines = Object.entries(fresh).map(([key, value]) => `${key}=${value}`);
  writeFileSync(file, `# Written by npm start with fresh random dev secrets. Never commit this file.\n${lines.join("\n")}\n`, {
    mode: 0o600,
  });
  return { vars: fresh, created: true };
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

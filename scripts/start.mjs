#!/usr/bin/env node
// `npm start [-- <wrangler dev args>]`: prepare everything and run the product locally, with demo
// traffic (scripts/simulate.mjs) so the fleet moves; `npm start -- --no-demo` runs it still.
// Re-running keeps local data (.wrangler/state); Ctrl-C stops wrangler, workerd and the demo.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDependencies, run, bin } from "./lib/run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// `--no-demo` is ours; everything else goes to `wrangler dev`.
const demoTraffic = !process.argv.includes("--no-demo");
const userArgs = process.argv.slice(2).filter((arg) => arg !== "--no-demo");

ensureDependencies(root);
// Imported after the install so a fresh clone can run this file at all.
const { ensureDevVars, flagValue, varArgs } = await import("./lib/dev-vars.mjs");
const { applyLocalMigrations, stopProcessGroup, waitForServer } = await import("./lib/dev-server.mjs");
const { printCredentials, seedDemo } = await import("./lib/seed.mjs");

const devVars = ensureDevVars(path.join(root, ".dev.vars"));
const vars = { ...devVars.vars, ...varArgs(userArgs) };
if (devVars.created) console.log(`• Wrote .dev.vars with fresh dev secrets. Platform admin token: ${devVars.vars.PLATFORM_ADMIN_TOKEN}`);

console.log("• Generating worker-configuration.d.ts…");
run(
  bin(root, "wrangler"),
  ["types", "--include-runtime=false", "--strict-vars=false", "--env-interface", "Env", "worker-configuration.d.ts"],
  { cwd: root, stdio: "ignore" },
);
console.log("• Applying local D1 migrations…");
applyLocalMigrations(flagValue(userArgs, "--persist-to"));
if (existsSync(path.join(root, "vite.config.ts"))) {
  console.log("• Building the PWA…");
  run(bin(root, "vite"), ["build", "--logLevel", "warn"], { cwd: root });
}

const port = Number(flagValue(userArgs, "--port", 8787));
const url = `http://127.0.0.1:${port}`;
// Our defaults come first so the caller's own arguments after `--` win.
const defaults = [
  ...(flagValue(userArgs, "--port") ? [] : ["--port", "8787"]),
  ...(flagValue(userArgs, "--ip") ? [] : ["--ip", "127.0.0.1"]),
];
const child = spawn(bin(root, "wrangler"), ["dev", ...defaults, ...userArgs], { cwd: root, stdio: "inherit", detached: true });

/** The demo traffic, once the tenant is seeded; stopped with the server. */
let demo = null;

const shutdown = async () => {
  demo?.kill("SIGTERM");
  await stopProcessGroup(child);
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
child.on("exit", (code) => {
  demo?.kill("SIGTERM");
  process.exit(code ?? 0);
});

try {
  await waitForServer(url, child, []);
  const stateDir = flagValue(userArgs, "--persist-to", path.join(root, ".wrangler/state"));
  const seed = await seedDemo({
    url,
    platformToken: vars.PLATFORM_ADMIN_TOKEN,
    credentialsFile: path.join(stateDir, "demo-credentials.json"),
  });
  printCredentials(seed, url);
  if (demoTraffic && seed.webhookSecret) {
    // Runs until Ctrl-C, printing only the faults it injects, so the Live alerts screen has something to show.
    const simArgs = ["--url", url, "--tenant", seed.tenant, "--secret", seed.webhookSecret, "--minutes", "0", "--quiet"];
    demo = spawn(process.execPath, [path.join(root, "scripts/simulate.mjs"), ...simArgs], { cwd: root, stdio: "inherit" });
    demo.on("exit", (code) => {
      if (code) console.error(`• Demo traffic stopped (exit ${code}); the server keeps running. \`npm run simulate\` restarts it.`);
    });
    console.log("• Demo traffic: 20 vehicles report every second, with a fault every 20 s (`npm start -- --no-demo` turns it off).");
  } else if (demoTraffic) {
    console.log("• No webhook secret saved for the demo tenant: demo traffic is off (`npm run simulate -- --secret whsec_…`).");
  }
  console.log(`\nFleetPulse is running: app ${url}/  ·  API reference ${url}/api/docs  ·  Ctrl-C stops it.`);
} catch (error) {
  console.error(`✗ Could not prepare the local server: ${error.message}`);
  await stopProcessGroup(child);
  process.exit(1);
}

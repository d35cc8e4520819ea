#!/usr/bin/env node
// `npm run seed [-- --url http://127.0.0.1:8787] [--tenant demo] [--persist-to DIR]`: seeds a demo
// tenant (users of every role, 20 vehicles) into a server that is already running, through its API.
// `npm start` does this by itself for "demo"; this adds more tenants or re-seeds after a wipe.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureDependencies } from "./lib/run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: process.env.FLEETPULSE_URL ?? "http://127.0.0.1:8787" },
    tenant: { type: "string", default: "demo" },
    "persist-to": { type: "string", default: path.join(root, ".wrangler/state") },
  },
});
const url = args.url.replace(/\/+$/, "");

ensureDependencies(root);
// Imported after the install so a fresh clone can run this file at all.
const { readDevVars } = await import("./lib/dev-vars.mjs");
const { printCredentials, seedDemo } = await import("./lib/seed.mjs");

const fail = (message) => {
  console.error(`✗ ${message}`);
  process.exit(1);
};

const platformToken = process.env.PLATFORM_ADMIN_TOKEN ?? readDevVars(path.join(root, ".dev.vars")).PLATFORM_ADMIN_TOKEN;
if (!platformToken) fail("No platform admin token: set PLATFORM_ADMIN_TOKEN, or run `npm start` once (it writes .dev.vars with one).");

try {
  const res = await fetch(`${url}/api/openapi.json`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) fail(`${url} answered ${res.status} to /api/openapi.json: is it a FleetPulse server?`);
} catch (error) {
  fail(
    `No FleetPulse server answers at ${url} (${error.cause?.code ?? error.message}). Start one with \`npm start\` (which seeds "demo" itself), or pass --url.`,
  );
}

// "demo" keeps its credentials where `npm start` reads them; other tenants get a file of their own.
const credentialsFile = path.join(args["persist-to"], args.tenant === "demo" ? "demo-credentials.json" : `${args.tenant}-credentials.json`);
try {
  const seed = await seedDemo({ url, platformToken, credentialsFile, slug: args.tenant });
  printCredentials(seed, url);
  if (seed.created) console.log(`Credentials saved to ${path.relative(root, credentialsFile)}.`);
} catch (error) {
  fail(`Seeding ${args.tenant} failed: ${error.message}`);
}

#!/usr/bin/env node
// `npm run deploy`: build the PWA, apply D1 migrations to the remote database, deploy.
// Needs `wrangler login` (or CLOUDFLARE_API_TOKEN) and the resources listed in docs/deploying.md.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { bin, ensureDependencies, run } from "./lib/run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
ensureDependencies(root);
if (readFileSync(path.join(root, "wrangler.toml"), "utf8").includes("00000000-0000-4000-8000-000000000000")) {
  console.error("Set database_id in wrangler.toml to the id `wrangler d1 create fleetpulse` printed (see docs/deploying.md).");
  process.exit(1);
}
run(bin(root, "vite"), ["build"], { cwd: root });
run(bin(root, "wrangler"), ["d1", "migrations", "apply", "DB", "--remote"], { cwd: root });
run(bin(root, "wrangler"), ["deploy"], { cwd: root });

#!/usr/bin/env node
// `npm run check`: type-check every part, bundle the Worker as `wrangler deploy` would
// (without deploying) and report its gzip size.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bin, ensureDependencies, run } from "./lib/run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
ensureDependencies(root);

run(bin(root, "wrangler"), ["types", "--include-runtime=false", "--strict-vars=false", "--env-interface", "Env", "worker-configuration.d.ts"], { cwd: root, stdio: "ignore" });
console.log("• tsc: worker, durable objects and their tests");
run(bin(root, "tsc"), ["-p", "tsconfig.json"], { cwd: root });
if (existsSync(path.join(root, "app/tsconfig.json"))) {
  console.log("• tsc: app");
  run(bin(root, "tsc"), ["-p", "app/tsconfig.json", "--noEmit"], { cwd: root });
}

// The dry run bundles the static assets too, so the PWA must be built first.
console.log("• vite build (PWA)");
run(bin(root, "vite"), ["build", "--logLevel", "warn"], { cwd: root });
const appJs = readdirSync(path.join(root, "dist/app/assets")).filter((f) => f.endsWith(".js"));
const appGzip = appJs.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(root, "dist/app/assets", f)), { level: 9 }).length, 0);
console.log(`PWA JavaScript: ${(appGzip / 1024).toFixed(1)} KiB gzip across ${appJs.length} file(s) (budget for the first visit: 200 KB)`);

const outdir = path.join(root, ".tmp/bundle");
rmSync(outdir, { recursive: true, force: true });
console.log("• wrangler deploy --dry-run");
run(bin(root, "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], { cwd: root });
const files = readdirSync(outdir).filter((f) => /\.(m?js|wasm|bin)$/.test(f));
const raw = files.reduce((sum, f) => sum + statSync(path.join(outdir, f)).size, 0);
const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(outdir, f)), { level: 9 }).length, 0);
console.log(`Worker bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (${files.join(", ")})`);

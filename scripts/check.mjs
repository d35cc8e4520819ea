#!/usr/bin/env node
// `npm run check` (and so CI): lint, format, layer rules, types of every part, the PWA build and the
// Worker bundled as `wrangler deploy` would (without deploying), with its gzip size. Cheapest
// steps first; the first failure stops the run with what to do about it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bin, ensureDependencies } from "./lib/run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
ensureDependencies(root);

/** Runs one step; on failure prints what failed and how to fix it, and exits with its code. */
function step(title, command, args, hint, options = {}) {
  console.log(`• ${title}`);
  const started = Date.now();
  const result = spawnSync(bin(root, command), args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(`\n✗ ${title} failed (${command} exit ${result.status ?? result.signal}).`);
    if (hint) console.error(`  ${hint}`);
    process.exit(result.status || 1);
  }
  console.log(`  ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const FORMAT_HINT = "Run `npx biome check --write` to format (and apply safe lint fixes), then review the diff.";
step(
  "biome lint",
  "biome",
  ["lint", "--max-diagnostics=50"],
  "Fix the diagnostics above, or add a `// biome-ignore lint/<group>/<rule>: <why>` where the code is deliberate.",
);
step("biome format (check only)", "biome", ["format", "--max-diagnostics=20"], FORMAT_HINT);
step(
  "dependency rules (dependency-cruiser)",
  "depcruise",
  [
    "worker",
    "durable-objects",
    "app",
    "test",
    "models",
    "scripts",
    "bench",
    "vite.config.ts",
    "vitest.config.ts",
    "drizzle.config.ts",
    "--config",
    ".dependency-cruiser.cjs",
    "--output-type",
    "err",
  ],
  "The layer rules and their reasons are in .dependency-cruiser.cjs (see docs/architecture.md).",
);

// Env and binding types come from wrangler.toml; the Worker's tsconfig includes the generated file.
step(
  "wrangler types",
  "wrangler",
  ["types", "--include-runtime=false", "--strict-vars=false", "--env-interface", "Env", "worker-configuration.d.ts"],
  null,
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
step("tsc: worker, durable objects, unit and workerd tests", "tsc", ["-p", "tsconfig.json"], null);
step("tsc: app (PWA)", "tsc", ["-p", "app/tsconfig.json", "--noEmit"], null);
if (existsSync(path.join(root, "test/browser/tsconfig.json"))) {
  step("tsc: browser tests", "tsc", ["-p", "test/browser/tsconfig.json", "--noEmit"], null);
}

// The dry run bundles the static assets too, so the PWA must be built first.
step("vite build (PWA and the /api/docs renderer)", "vite", ["build", "--logLevel", "warn"], null);
const assetsDir = path.join(root, "dist/app/assets");
const appJs = readdirSync(assetsDir).filter((f) => f.endsWith(".js"));
const appGzip = appJs.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(assetsDir, f)), { level: 9 }).length, 0);
console.log(`PWA JavaScript: ${(appGzip / 1024).toFixed(1)} KiB gzip across ${appJs.length} file(s) (budget for the first visit: 200 KB)`);

const outdir = path.join(root, ".tmp/bundle");
rmSync(outdir, { recursive: true, force: true });
step("wrangler deploy --dry-run", "wrangler", ["deploy", "--dry-run", "--outdir", outdir], null);
const files = readdirSync(outdir).filter((f) => /\.(m?js|wasm|bin)$/.test(f));
const raw = files.reduce((sum, f) => sum + statSync(path.join(outdir, f)).size, 0);
const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(outdir, f)), { level: 9 }).length, 0);
console.log(`Worker bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (${files.join(", ")})`);
// Issue #18's budget, edge models included. What was cut to meet it and how to find what grew:
// docs/decisions/0309-worker-bundle-zod-locales-and-vapid-webcrypto.md (`wrangler deploy --dry-run --metafile`).
const WORKER_GZIP_BUDGET_KIB = 600;
if (gzip / 1024 > WORKER_GZIP_BUDGET_KIB) {
  console.error(`\n✗ Worker bundle is over its budget of ${WORKER_GZIP_BUDGET_KIB} KiB gzip.`);
  console.error(
    "  Find what grew with `npx wrangler deploy --dry-run --outdir .tmp/x --metafile .tmp/meta.json` (bytesInOutput per input).",
  );
  process.exit(1);
}
console.log("\n✓ check passed");

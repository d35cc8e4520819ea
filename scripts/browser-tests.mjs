#!/usr/bin/env node
// The browser tests' entry (`npm run test:browser`, called by `npm test`): builds the PWA when
// its sources are newer than dist/app, then runs the vitest project "browser" against the real
// Worker under `wrangler dev`. Without Chromium the tests are skipped locally and fail on CI.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (!existsSync(chromium)) {
  if (process.env.CI === "true") {
    console.error(
      `Browser tests cannot run: Chromium is not at ${chromium} (set CHROMIUM_PATH, or install it with apt-get install -y chromium).`,
    );
    process.exit(1);
  }
  console.log(`Chromium is not at ${chromium}: browser tests skipped.`);
  console.log("Install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH) to run them.");
  process.exit(0);
}

/** Newest modification time under `target` (a file or a directory, recursively). */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules") continue;
    latest = Math.max(latest, newest(path.join(target, entry)));
  }
  return latest;
}

const builtIndex = path.join(ROOT, "dist/app/index.html");
const built = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
const sources = Math.max(newest(path.join(ROOT, "app")), newest(path.join(ROOT, "vite.config.ts")));
if (built < sources) {
  console.log(built ? "App sources changed since the last build: building the PWA…" : "Building the PWA…");
  const build = spawnSync("npx", ["vite", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const run = spawnSync("npx", ["vitest", "run", "--project", "browser", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
process.exit(run.status ?? 1);

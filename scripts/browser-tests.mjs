#!/usr/bin/env node
// The browser tests' entry (`npm run test:browser`, called by `npm test`): builds the PWA when
// its sources are newer than dist/app, then runs the vitest project "browser" against the real
// Worker under `wrangler dev`, and "browser-wall-clock" beside it. Without Chromium the tests are
// skipped locally and fail on CI.
import { spawn, spawnSync } from "node:child_process";
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

const args = process.argv.slice(2);
const vitest = (projects, extra, stdio) =>
  spawn("npx", ["vitest", "run", ...projects.flatMap((p) => ["--project", p]), ...extra], { cwd: ROOT, stdio });
const exitCode = (child) => new Promise((resolve) => child.once("close", (code) => resolve(code ?? 1)));

// A file filter is an argument that is neither a flag nor the value of a flag given apart (`-t name`).
const fileFilters = args.filter((arg, i) => !arg.startsWith("-") && !(i > 0 && /^-[^=]+$/.test(args[i - 1])));
if (fileFilters.length) {
  // Chosen files: one run over both projects (only the projects with a matching file start a server).
  process.exit(await exitCode(vitest(["browser", "browser-wall-clock"], args, "inherit")));
}

// The whole suite: the main project, then the tests that wait on the wall clock (vitest.config.ts,
// WALL_CLOCK_BROWSER_TESTS) against a dev server of their own. Not side by side: wrangler dev
// instances of one Worker share a dev registry, and one starting or stopping restarts the other's
// Worker mid-request (a fresh-clone CI run failed that way). Flags go to the main run.
const main = await exitCode(vitest(["browser"], args, "inherit"));
console.log("\n• Browser tests that wait on the wall clock:");
const clock = await exitCode(vitest(["browser-wall-clock"], [], "inherit"));
process.exit(main || clock);

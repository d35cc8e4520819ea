#!/usr/bin/env node
// `npm test`: the whole suite — unit and workerd integration tests always, then browser tests
// against the real app under wrangler dev (scripts/browser-tests.mjs decides about Chromium).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bin, ensureDependencies, run } from "./lib/run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
ensureDependencies(root);

if (existsSync(path.join(root, "vite.config.ts"))) {
  console.log("• Building the PWA…");
  run(bin(root, "vite"), ["build", "--logLevel", "warn"], { cwd: root });
} else if (!existsSync(path.join(root, "dist/app/index.html"))) {
  // wrangler's assets binding needs the directory to exist.
  mkdirSync(path.join(root, "dist/app"), { recursive: true });
  writeFileSync(path.join(root, "dist/app/index.html"), "<!doctype html><title>FleetPulse</title>\n");
}

console.log("• Unit and workerd integration tests…");
run(bin(root, "vitest"), ["run", "--project", "unit", "--project", "workers"], { cwd: root });

if (existsSync(path.join(root, "scripts/browser-tests.mjs"))) {
  console.log("• Browser tests…");
  run(process.execPath, [path.join(root, "scripts/browser-tests.mjs")], { cwd: root });
}

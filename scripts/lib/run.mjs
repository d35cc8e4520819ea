// Small process helpers shared by the npm scripts.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, statSync } from "node:fs";
import path from "node:path";

/** Runs a command inheriting stdio; exits this process with its code on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(`\n✗ ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return result;
}

/** Runs `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureDependencies(root) {
  const marker = path.join(root, "node_modules/.package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // A linked node_modules (a git worktree sharing another checkout's install) is not ours to reinstall.
  if (existsSync(path.join(root, "node_modules")) && lstatSync(path.join(root, "node_modules")).isSymbolicLink()) return;
  console.log("• Installing dependencies (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root });
}

export const bin = (root, name) => path.join(root, "node_modules/.bin", name);

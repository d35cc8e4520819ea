#!/usr/bin/env node
// Where the sequential new-alert tail comes from: `node bench/tail-probe.mjs [posts] [pairs]`.
// Builds two throwaway git worktrees of HEAD in the system's temp folder, each with one line of
// the tenant object's alarm changed (durable-objects/hub-alarm.ts, `#alertWork`):
//   - "sync only": alerts are written to D1, nothing is queued (no planning, no sending);
//   - "no alert work": neither.
// and measures, alternating with this tree as it is, the sequential new alert → manager's socket
// latency the hot-path bench measures (bench/latency.mjs, at the runtime, not through the dev
// proxy). The variants are not products: they lose every notification. They show how much of the
// tail is the alert itself and how much the work behind it, which shares the runtime's thread.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const posts = Number(process.argv[2] ?? 300);
const pairs = Number(process.argv[3] ?? 2);
const ALARM = "durable-objects/hub-alarm.ts";
const SYNC_LOOP = /( {6}while \(\(await this\.syncNow\(false\)\) >= SYNC_PAGE\) \{\n[^\n]*\n {6}\}\n)/;

/** A worktree of HEAD whose `#alertWork` returns early, before (`no alert work`) or after (`sync only`) the D1 sync. */
function variant(name, afterSync) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `fp-tail-${name.replaceAll(" ", "-")}-`));
  rmSync(dir, { recursive: true });
  execFileSync("git", ["worktree", "add", "--detach", "-f", dir, "HEAD"], { cwd: here, stdio: "ignore" });
  for (const link of ["node_modules", "bench/node_modules", "dist"])
    if (existsSync(path.join(here, link))) symlinkSync(path.join(here, link), path.join(dir, link));
  if (existsSync(path.join(here, ".dev.vars"))) cpSync(path.join(here, ".dev.vars"), path.join(dir, ".dev.vars"));
  const file = path.join(dir, ALARM);
  const source = readFileSync(file, "utf8");
  if (!SYNC_LOOP.test(source)) throw new Error(`${ALARM}: the alert work's sync loop moved; update bench/tail-probe.mjs`);
  const stop = "      if (now > 0) return; // bench/tail-probe.mjs variant\n";
  writeFileSync(
    file,
    source.replace(SYNC_LOOP, (loop) => (afterSync ? loop + stop : stop + loop)),
  );
  return { name, dir };
}

/** Sequential new alerts against the tree at `dir` (its own dev server and bench code), as bench/before-after.mjs does. */
async function sequential(dir) {
  const { startDevServer } = await import(`${dir}/scripts/lib/dev-server.mjs`);
  const { runtimeUrl } = await import(`${dir}/scripts/lib/runtime-url.mjs`);
  const { api } = await import(`${dir}/bench/lib/api.mjs`);
  const { createBenchVehicles, fleetpulseNewAlertLatency, vehiclesNeeded } = await import(`${dir}/bench/latency.mjs`);
  const persistDir = mkdtempSync(path.join(os.tmpdir(), "fp-tail-run-"));
  const server = await startDevServer({ persistDir });
  try {
    const { demo } = server;
    const url = server.runtime ?? runtimeUrl(server.pid, "/api/openapi.json");
    const login = async (c) => (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...c })).token;
    const manager = await login(demo.users.manager);
    const admins = [];
    for (let i = 0; i < 4; i++) admins.push(await login(demo.users.admin));
    const run = { posters: 1, rounds: posts, warmup: 20 };
    const fresh = await createBenchVehicles({ url, tokens: admins, prefix: "SEQ", count: vehiclesNeeded(run) });
    const ctx = { url, secret: demo.webhookSecret, slug: "demo", token: manager };
    return await fleetpulseNewAlertLatency({ ...ctx, vehiclesByExternal: fresh, ...run, prefix: "SEQ" });
  } finally {
    await server.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

const trees = [{ name: "as is", dir: here }, variant("sync only", true), variant("no alert work", false)];
const rows = [];
try {
  for (let pair = 0; pair < pairs; pair++)
    for (const tree of trees) {
      const load = os.loadavg()[0];
      const s = await sequential(tree.dir);
      rows.push({ tree: tree.name, load, ...s });
      console.log(`${tree.name}: ${s.p50} / ${s.p95} / ${s.p99} / ${s.max} ms (n=${s.n}), load ${load.toFixed(2)}`);
    }
} finally {
  for (const tree of trees.slice(1)) execFileSync("git", ["worktree", "remove", "--force", tree.dir], { cwd: here, stdio: "ignore" });
}
console.log("| tree | load at start | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.tree} | ${r.load.toFixed(2)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} |`);

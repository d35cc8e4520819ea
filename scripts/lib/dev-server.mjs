// Starts the real product under `wrangler dev` (local D1, Queues, Durable Objects) on a fresh,
// private state directory, seeds the demo tenant and returns how to reach it. Used by the
// browser tests and the benchmarks; `npm start` uses the same pieces on the default state.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshDevVars } from "./dev-vars.mjs";
import { runtimeUrlOr } from "./runtime-url.mjs";
import { seedDemo } from "./seed.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const WRANGLER = path.join(ROOT, "node_modules/.bin/wrangler");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function applyLocalMigrations(persistDir) {
  const args = ["d1", "migrations", "apply", "DB", "--local", ...(persistDir ? ["--persist-to", persistDir] : [])];
  const result = spawnSync(WRANGLER, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (result.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${result.stdout}\n${result.stderr}`);
}

export async function waitForServer(url, child, output, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output.join("").slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/openapi.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${output.join("").slice(-4000)}`);
}

/** Stops a detached child and everything it started (wrangler leaves workerd otherwise). */
export function stopProcessGroup(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    kill("SIGTERM");
  });
}

/**
 * @param {{port?: number, vars?: Record<string,string>, seed?: boolean, keepState?: boolean, persistDir?: string, config?: string}} [options]
 *   `persistDir` reuses a state directory (then it is kept); otherwise a fresh one is made and removed on stop.
 *   `config`: another wrangler configuration file in the project root (a benchmark's raised limits).
 */
export async function startDevServer(options = {}) {
  const port = options.port ?? (await freePort());
  const persistDir = options.persistDir ?? mkdtempSync(path.join(tmpdir(), "fleetpulse-state-"));
  const keepState = options.keepState ?? Boolean(options.persistDir);
  const vars = { ...freshDevVars(), APP_URL: `http://127.0.0.1:${port}`, ...options.vars };
  applyLocalMigrations(persistDir);

  const inspectorPort = await freePort();
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistDir,
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
    ...(options.config ? ["--config", options.config] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "true" },
  });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, 200);
    // DEV_SERVER_LOG=<file> keeps everything wrangler printed, for a run that needs reading after.
    if (process.env.DEV_SERVER_LOG) appendFileSync(process.env.DEV_SERVER_LOG, chunk);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(child);
    if (!keepState) rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, child, output);
    // Where the Worker's runtime answers without wrangler's reload proxy (scripts/lib/runtime-url.mjs).
    const runtime = await runtimeUrlOr(url, child.pid, "/api/openapi.json");
    const demo = options.seed === false ? null : await seedDemo({ url, platformToken: vars.PLATFORM_ADMIN_TOKEN });
    return {
      url,
      runtime,
      port,
      pid: child.pid,
      inspectorPort,
      persistDir,
      platformToken: vars.PLATFORM_ADMIN_TOKEN,
      vars,
      demo,
      output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Starts the bench floor (bench/floor/worker.js) under the same wrangler as FleetPulse.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopProcessGroup, WRANGLER } from "../../scripts/lib/dev-server.mjs";
import { runtimeUrlOr } from "../../scripts/lib/runtime-url.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The floor's webhook secret (also in wrangler.toml's vars): benchmark-only. */
export const FLOOR_SECRET = "whsec_YmVuY2gtZmxvb3Itc2VjcmV0LTAxMjM0NTY3ODk=";

export async function startFloorServer() {
  const port = await freePort();
  const persistDir = mkdtempSync(path.join(tmpdir(), "fleetpulse-floor-"));
  const args = ["dev", "-c", path.join(here, "wrangler.toml"), "--ip", "127.0.0.1", "--port", String(port)];
  args.push(
    "--persist-to",
    persistDir,
    "--inspector-port",
    String(await freePort()),
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
  );
  const child = spawn(WRANGLER, args, {
    cwd: here,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "true" },
  });
  const output = [];
  child.stdout.on("data", (c) => output.push(c.toString()));
  child.stderr.on("data", (c) => output.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(child);
    rmSync(persistDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`bench floor did not start:\n${output.join("").slice(-3000)}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const runtime = await runtimeUrlOr(url, child.pid, "/health");
  return { url, runtime, pid: child.pid, secret: FLOOR_SECRET, slug: "floor", stop };
}

// Bundles the scheduler the API uses (worker/domain/maintenance/scheduler.ts, plain TS) with
// esbuild and imports it: Node 20 cannot run TypeScript itself, and the bench must measure the
// very same code, not a copy.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SCHEDULER_ENTRY = path.join(ROOT, "worker/domain/maintenance/scheduler.ts");

let loaded;

/** The scheduler module's exports (`autoSchedule`, `buildGrid`, `verifySchedule`, …). */
export function loadScheduler() {
  loaded ??= (async () => {
    const out = await build({
      entryPoints: [SCHEDULER_ENTRY],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      write: false,
      logLevel: "error",
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-scheduler-"));
    const file = path.join(dir, "scheduler.mjs");
    writeFileSync(file, out.outputFiles[0].text);
    try {
      return await import(pathToFileURL(file).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return loaded;
}

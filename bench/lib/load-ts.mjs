// Bundles a module of the product (plain TS) with esbuild and imports it: Node 20 cannot run
// TypeScript itself, and a bench must measure the very same code, not a copy.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const loaded = new Map();

/** The exports of `entry` (a path from the project root), bundled once per process. */
export function loadTs(entry) {
  if (!loaded.has(entry)) {
    loaded.set(
      entry,
      (async () => {
        const out = await build({
          entryPoints: [path.join(ROOT, entry)],
          bundle: true,
          format: "esm",
          platform: "node",
          target: "node20",
          write: false,
          logLevel: "error",
        });
        const dir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-ts-"));
        const file = path.join(dir, "module.mjs");
        writeFileSync(file, out.outputFiles[0].text);
        try {
          return await import(pathToFileURL(file).href);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      })(),
    );
  }
  return loaded.get(entry);
}

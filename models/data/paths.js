// Resolves the training-data folder (Node only). The datasets are committed next to this file
// (models/data/, provenance in its README.md); FLEETPULSE_DATA_DIR points elsewhere.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

/** @returns {URL} folder URL ending in '/' */
export function dataDir() {
  const env = process.env.FLEETPULSE_DATA_DIR;
  if (env) return pathToFileURL(env.endsWith("/") ? env : `${env}/`);
  return new URL("./", import.meta.url);
}

/**
 * Reads a data file and checks it is byte-for-byte the file models/data/README.md lists.
 * @param {string} rel path inside the data folder @param {string} sha256 expected hex digest
 * @returns {string}
 */
export function readDataText(rel, sha256) {
  const bytes = readFileSync(fileURLToPath(new URL(rel, dataDir())));
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== sha256) throw new Error(`${rel}: sha256 ${got}, expected ${sha256} (see models/data/README.md)`);
  return bytes.toString("utf8");
}

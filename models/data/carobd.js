// carOBD loader (Node only): gunzips the committed per-drive CSVs, checks each against the
// sha256 list of the originals, and maps the columns the vehicle models use onto FleetPulse's
// canonical reading names (models/data/README.md, section 3).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { dataDir } from "./paths.js";

/** carOBD header (without the " ()" suffix) → canonical FleetPulse reading name. */
export const CAROBD_COLUMNS = {
  ENGINE_RUN_TINE: "engineRunTimeS",
  ENGINE_RPM: "rpm",
  VEHICLE_SPEED: "speedKph",
  ENGINE_LOAD: "engineLoadPct",
  COOLANT_TEMPERATURE: "coolantTempC",
  INTAKE_AIR_TEMP: "intakeAirTempC",
  CONTROL_MODULE_VOLTAGE: "batteryV",
  FUEL_TANK: "fuelPct",
  THROTTLE: "throttlePct",
};

/** @typedef {{ name: string, kind: string, rows: Record<string, number>[] }} CarObdDrive one file, 1 Hz rows */

const folder = () => new URL("carobd/", dataDir());

/** Expected sha256 of each original CSV, from SHA256SUMS.csv-originals. @returns {Map<string, string>} */
function originalHashes() {
  const text = readFileSync(fileURLToPath(new URL("SHA256SUMS.csv-originals", folder())), "utf8");
  const map = new Map();
  for (const line of text.split("\n")) {
    const [hash, name] = line.trim().split(/\s+/);
    if (hash && name) map.set(name, hash);
  }
  return map;
}

/** All drive names ("drive1", "idle12", ...), sorted by kind then number. @returns {string[]} */
export function listCarObdDrives() {
  return readdirSync(fileURLToPath(folder()))
    .filter((f) => f.endsWith(".csv.gz"))
    .map((f) => f.replace(".csv.gz", ""))
    .sort((a, b) => {
      const [ka, na] = splitName(a);
      const [kb, nb] = splitName(b);
      return ka === kb ? na - nb : ka < kb ? -1 : 1;
    });
}

/** @param {string} name @returns {[string, number]} kind and number, e.g. ["idle", 12] */
export function splitName(name) {
  const m = /^([a-z]+)(\d+)$/.exec(name);
  if (!m) throw new Error(`unexpected carOBD file name ${name}`);
  return [m[1], Number(m[2])];
}

/**
 * Parses one drive. Rows with fewer values than the header (live6.csv's truncated rows) are dropped.
 * @param {string} name @param {Map<string, string>} [hashes]
 * @returns {CarObdDrive}
 */
export function loadCarObdDrive(name, hashes = originalHashes()) {
  const bytes = gunzipSync(readFileSync(fileURLToPath(new URL(`${name}.csv.gz`, folder()))));
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== hashes.get(`${name}.csv`)) throw new Error(`carobd/${name}.csv: sha256 ${got} is not the original's`);
  const lines = bytes
    .toString("utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0);
  const header = lines[0].split(",").map((h) => h.trim().replace(/ \(\)$/, ""));
  const width = header.filter((h) => h.length > 0).length;
  const cols = Object.entries(CAROBD_COLUMNS).map(([col, canonical]) => {
    const i = header.indexOf(col);
    if (i < 0) throw new Error(`${name}: missing column ${col}`);
    return /** @type {[number, string]} */ ([i, canonical]);
  });
  /** @type {Record<string, number>[]} */ const rows = [];
  for (const line of lines.slice(1)) {
    const f = line
      .split(",")
      .map((v) => v.trim())
      .filter((v, i, a) => v.length > 0 || i < a.length - 1);
    if (f.length < width) continue;
    /** @type {Record<string, number>} */ const row = {};
    for (const [i, canonical] of cols) row[canonical] = Number(f[i]);
    rows.push(row);
  }
  return { name, kind: splitName(name)[0], rows };
}

/** Loads several drives (checks hashes once). @param {string[]} names */
export function loadCarObdDrives(names) {
  const hashes = originalHashes();
  return names.map((n) => loadCarObdDrive(n, hashes));
}

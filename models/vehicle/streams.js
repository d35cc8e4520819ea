// carOBD drive rows → FleetPulse reading streams (pure). The logger wrote about two rows per
// second with many repeated values; the engine's own run-time counter (ENGINE_RUN_TINE, whole
// seconds, usually +2 s every ~4 rows) is the clock, and rows sharing a counter value are spread
// evenly over the interval to the next value.

/** Readings a telematics vendor would send (carOBD's extra columns are dropped). */
const SENT = ["rpm", "speedKph", "engineLoadPct", "intakeAirTempC", "coolantTempC", "batteryV", "fuelPct"];

/**
 * @param {Record<string, number>[]} rows one drive, in file order
 * @param {number} base ms of the engine start (run-time 0)
 * @param {{ drop?: readonly string[] }} [opts] readings to leave out (missing-input variants)
 * @returns {{ ts: number, readings: Record<string, number> }[]}
 */
export function driveStream(rows, base, opts = {}) {
  const drop = new Set(opts.drop ?? []);
  /** @type {{ ts: number, readings: Record<string, number> }[]} */ const out = [];
  let i = 0;
  while (i < rows.length) {
    const run = rows[i].engineRunTimeS;
    let j = i;
    while (j < rows.length && rows[j].engineRunTimeS === run) j++;
    const next = j < rows.length ? rows[j].engineRunTimeS : run + (j - i) * 0.5;
    const step = ((next - run) * 1000) / (j - i);
    for (let k = i; k < j; k++) {
      /** @type {Record<string, number>} */ const readings = {};
      for (const name of SENT) if (!drop.has(name)) readings[name] = rows[k][name];
      out.push({ ts: Math.round(base + run * 1000 + (k - i) * step), readings });
    }
    i = j;
  }
  return out;
}

/** Engine hours of a drive by its own run-time counter. @param {Record<string, number>[]} rows */
export function engineHours(rows) {
  return rows.length ? (rows[rows.length - 1].engineRunTimeS - rows[0].engineRunTimeS) / 3600 : 0;
}

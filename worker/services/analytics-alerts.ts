/**
 * Alert analytics for [from, to): counts per local time bucket and severity, time to
 * acknowledge / resolve (mean and p90, both measured from creation), top rules and vehicles.
 *
 * Read from the trigger-kept rollups (migration 0009) for the whole 15-minute slots and UTC days
 * inside the period, and from the alerts themselves (covering index `alerts_tenant_created`) for the
 * parts at either end, so the cost follows the number of slots and days, not of alerts. Results
 * are exact; only p90 over more than `EXACT_P90_LIMIT` acknowledged (or resolved) alerts comes
 * from the latency histogram, to two significant digits of whole seconds (`p90Approximate`).
 */
import { SEVERITIES, type Severity } from "../db/schema";
import { iso } from "../lib/time";
import type { Bucket, BucketRange } from "./analytics-buckets";

export interface AlertAnalyticsQuery {
  bucket: Bucket;
  from: number;
  to: number;
  timeZone: string;
  buckets: BucketRange[];
}

export interface TopRule {
  ruleId: string | null;
  type: string;
  name: string | null;
  count: number;
}

export interface TopVehicle {
  vehicleId: string;
  name: string | null;
  count: number;
}

export type SeriesPoint = { start: string; end: string } & Record<Severity, number>;

export interface AlertAnalytics {
  bucket: Bucket;
  timeZone: string;
  from: string;
  to: string;
  series: SeriesPoint[];
  totals: Record<Severity, number> & { all: number; acknowledged: number; resolved: number };
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  p90TtaSeconds: number | null;
  p90TtrSeconds: number | null;
  /** True when a p90 was read from the histogram (more than EXACT_P90_LIMIT values). */
  p90Approximate: boolean;
  topRules: TopRule[];
  topVehicles: TopVehicle[];
}

const TOP_N = 5;
const SLOT_MS = 900_000;
const DAY_MS = 86_400_000;
export const EXACT_P90_LIMIT = 10_000;

type Range = [number, number];

/**
 * Splits [from, to) into whole units (slots or days, as unit numbers) and the raw ranges left at
 * either end; with no whole unit inside, all of it is raw.
 */
function split(from: number, to: number, unit: number): { whole: Range | null; raw: Range[] } {
  const first = Math.ceil(from / unit);
  const end = Math.floor(to / unit);
  if (first >= end) return { whole: null, raw: [[from, to]] };
  return {
    whole: [first, end],
    raw: (
      [
        [from, first * unit],
        [end * unit, to],
      ] as Range[]
    ).filter(([a, b]) => b > a),
  };
}

/** Whole seconds rounded down to two significant digits — the same expression as the migration's triggers. */
const binSql = (sec: string) =>
  `CASE WHEN ${sec} < 100 THEN ${sec} WHEN ${sec} < 1000 THEN ${sec} / 10 * 10 WHEN ${sec} < 10000 THEN ${sec} / 100 * 100 ` +
  `WHEN ${sec} < 100000 THEN ${sec} / 1000 * 1000 WHEN ${sec} < 1000000 THEN ${sec} / 10000 * 10000 ELSE ${sec} / 100000 * 100000 END`;

/**
 * `columns` of the alerts in the raw ranges, one index range per SELECT joined by UNION ALL (an OR
 * of ranges would make SQLite walk the tenant's whole index); binds ranges from `?{first}` on.
 */
function rawAlerts(ranges: Range[], first: number, columns: string, extra = "") {
  if (!ranges.length) return `SELECT ${columns} FROM alerts a WHERE a.tenant_id = ?1 AND 0`;
  return ranges
    .map(
      (_, i) =>
        `SELECT ${columns} FROM alerts a WHERE a.tenant_id = ?1 AND a.created_at >= ?${first + 2 * i} AND a.created_at < ?${first + 2 * i + 1}${extra}`,
    )
    .join(" UNION ALL ");
}

/** Nearest-rank p90 of `column - created_at` over the alerts in [from, to) that have it (exact). */
const exactP90Sql = (column: string) => `
  SELECT d FROM (
    SELECT a.${column} - a.created_at AS d, row_number() OVER (ORDER BY a.${column} - a.created_at) AS rn, count(*) OVER () AS c
    FROM alerts a WHERE a.tenant_id = ?1 AND a.created_at >= ?2 AND a.created_at < ?3 AND a.${column} IS NOT NULL
  ) WHERE rn * 10 >= c * 9 ORDER BY rn LIMIT 1`;

/** Nearest rank over histogram bins (seconds) → milliseconds. */
function p90FromBins(bins: { bin: number; n: number }[]): number | null {
  const total = bins.reduce((s, b) => s + b.n, 0);
  if (!total) return null;
  let seen = 0;
  for (const b of bins.sort((x, y) => x.bin - y.bin)) {
    seen += b.n;
    if (seen * 10 >= total * 9) return b.bin * 1000;
  }
  return null;
}

const seconds = (ms: number | null | undefined) => (ms == null ? null : ms / 1000);

interface Cell {
  i: number;
  severity: Severity;
  n: number;
  acked: number;
  ackMs: number;
  resolved: number;
  resolveMs: number;
}

export async function alertAnalytics(
  d1: D1Database,
  tenantId: string,
  q: AlertAnalyticsQuery,
  options: { exactP90Limit?: number } = {},
): Promise<AlertAnalytics> {
  const slots = split(q.from, q.to, SLOT_MS);
  const days = split(q.from, q.to, DAY_MS);
  const [slotLo, slotHi] = slots.whole ?? [0, 0];
  const [dayLo, dayHi] = days.whole ?? [0, 0];
  const rawBinds = (ranges: Range[]) => ranges.flat();

  // Bucket i's whole slots: [max(start, first whole slot), min(end, last whole slot)), in slot numbers.
  const slotRanges = JSON.stringify(q.buckets.map((b) => [Math.max(b.start / SLOT_MS, slotLo), Math.min(b.end / SLOT_MS, slotHi)]));
  const top = (key: string, rollup: string, rollupKey: string) =>
    d1
      .prepare(
        `SELECT k, sum(n) AS n FROM (
           SELECT ${rollupKey} AS k, n FROM ${rollup} WHERE tenant_id = ?1 AND day >= ?2 AND day < ?3
           UNION ALL SELECT k, count(*) AS n FROM (${rawAlerts(days.raw, 4, `${key} AS k`)}) GROUP BY k
         ) GROUP BY k HAVING sum(n) > 0 ORDER BY sum(n) DESC, k LIMIT ${TOP_N}`,
      )
      .bind(tenantId, dayLo, dayHi, ...rawBinds(days.raw));

  const [cells, edges, vehicleTop, ruleTop] = await d1.batch([
    d1
      .prepare(
        `SELECT CAST(b.key AS INTEGER) AS i, s.severity AS severity, sum(s.n) AS n, sum(s.acked) AS acked, sum(s.ack_ms) AS ackMs,
                sum(s.resolved) AS resolved, sum(s.resolve_ms) AS resolveMs
         FROM json_each(?2) b CROSS JOIN alert_slot_stats s ON s.tenant_id = ?1 AND s.slot >= b.value ->> 0 AND s.slot < b.value ->> 1
         GROUP BY b.key, s.severity`,
      )
      .bind(tenantId, slotRanges),
    d1
      .prepare(
        rawAlerts(
          slots.raw,
          2,
          "a.created_at AS createdAt, a.severity AS severity, a.acknowledged_at AS acknowledgedAt, a.resolved_at AS resolvedAt",
        ),
      )
      .bind(tenantId, ...rawBinds(slots.raw)),
    top("a.vehicle_id", "alert_day_vehicles", "vehicle_id"),
    top("coalesce(a.rule_id, '') || char(31) || a.type", "alert_day_rules", "rule_key || char(31) || type"),
  ]);

  const series: SeriesPoint[] = q.buckets.map((b) => ({ start: iso(b.start), end: iso(b.end), critical: 0, high: 0, medium: 0, low: 0 }));
  const sum = { critical: 0, high: 0, medium: 0, low: 0, all: 0, acknowledged: 0, resolved: 0 };
  let ackMs = 0;
  let resolveMs = 0;
  const add = (i: number, c: Omit<Cell, "i">) => {
    series[i]![c.severity] += c.n;
    if (SEVERITIES.includes(c.severity)) sum[c.severity] += c.n;
    sum.all += c.n;
    sum.acknowledged += c.acked;
    sum.resolved += c.resolved;
    ackMs += c.ackMs;
    resolveMs += c.resolveMs;
  };
  for (const cell of cells!.results as unknown as Cell[]) add(cell.i, cell);
  // The raw ends: each alert into the bucket that holds it (buckets are sorted and contiguous).
  for (const a of edges!.results as { createdAt: number; severity: Severity; acknowledgedAt: number | null; resolvedAt: number | null }[]) {
    let lo = 0;
    let hi = q.buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (q.buckets[mid]!.start <= a.createdAt) lo = mid;
      else hi = mid - 1;
    }
    add(lo, {
      severity: a.severity,
      n: 1,
      acked: a.acknowledgedAt == null ? 0 : 1,
      ackMs: a.acknowledgedAt == null ? 0 : a.acknowledgedAt - a.createdAt,
      resolved: a.resolvedAt == null ? 0 : 1,
      resolveMs: a.resolvedAt == null ? 0 : a.resolvedAt - a.createdAt,
    });
  }

  // p90: exact by sorting the period's alerts while there are few enough, else from the histogram.
  const limit = options.exactP90Limit ?? EXACT_P90_LIMIT;
  const histogram = (kind: "ack" | "resolve", column: string) =>
    d1
      .prepare(
        `SELECT bin, sum(n) AS n FROM (
           SELECT bin, n FROM alert_latency_bins WHERE tenant_id = ?1 AND kind = ?2 AND day >= ?3 AND day < ?4
           UNION ALL SELECT bin, count(*) AS n FROM (${rawAlerts(days.raw, 5, `${binSql(`((a.${column} - a.created_at) / 1000)`)} AS bin`, ` AND a.${column} IS NOT NULL`)}) GROUP BY bin
         ) GROUP BY bin HAVING sum(n) > 0`,
      )
      .bind(tenantId, kind, dayLo, dayHi, ...rawBinds(days.raw));
  const exact = (column: string) => d1.prepare(exactP90Sql(column)).bind(tenantId, q.from, q.to);
  const ackExact = sum.acknowledged <= limit;
  const resolveExact = sum.resolved <= limit;
  const [tta, ttr] = await d1.batch([
    ackExact ? exact("acknowledged_at") : histogram("ack", "acknowledged_at"),
    resolveExact ? exact("resolved_at") : histogram("resolve", "resolved_at"),
  ]);
  const p90 = (result: D1Result | undefined, isExact: boolean) =>
    isExact ? ((result?.results[0] as { d: number } | undefined)?.d ?? null) : p90FromBins(result!.results as { bin: number; n: number }[]);

  const rules = await ruleNames(d1, tenantId, ruleTop!.results as { k: string; n: number }[]);
  const vehicleRows = vehicleTop!.results as { k: string; n: number }[];
  const names = await vehicleNames(
    d1,
    tenantId,
    vehicleRows.map((v) => v.k),
  );
  return {
    bucket: q.bucket,
    timeZone: q.timeZone,
    from: iso(q.from),
    to: iso(q.to),
    series,
    totals: sum,
    mttaSeconds: sum.acknowledged ? ackMs / sum.acknowledged / 1000 : null,
    mttrSeconds: sum.resolved ? resolveMs / sum.resolved / 1000 : null,
    p90TtaSeconds: seconds(p90(tta, ackExact)),
    p90TtrSeconds: seconds(p90(ttr, resolveExact)),
    p90Approximate: (!ackExact && sum.acknowledged > 0) || (!resolveExact && sum.resolved > 0),
    topRules: rules,
    topVehicles: vehicleRows.map((v) => ({ vehicleId: v.k, name: names.get(v.k) ?? null, count: v.n })),
  };
}

async function vehicleNames(d1: D1Database, tenantId: string, ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const { results } = await d1
    .prepare(`SELECT id, name FROM vehicles WHERE tenant_id = ?1 AND id IN (${ids.map((_, i) => `?${i + 2}`).join(", ")})`)
    .bind(tenantId, ...ids)
    .all<{ id: string; name: string }>();
  return new Map(results.map((r) => [r.id, r.name]));
}

/** Top-rule keys (`ruleId` or '' + U+001F + type) with the rules' names. */
async function ruleNames(d1: D1Database, tenantId: string, rows: { k: string; n: number }[]): Promise<TopRule[]> {
  const parsed = rows.map((r) => {
    const [ruleKey, type] = r.k.split("\u001f") as [string, string];
    return { ruleId: ruleKey || null, type, count: r.n };
  });
  const ids = parsed.flatMap((r) => (r.ruleId ? [r.ruleId] : []));
  const names = new Map<string, string>();
  if (ids.length) {
    const { results } = await d1
      .prepare(`SELECT id, name FROM alert_rules WHERE tenant_id = ?1 AND id IN (${ids.map((_, i) => `?${i + 2}`).join(", ")})`)
      .bind(tenantId, ...ids)
      .all<{ id: string; name: string }>();
    for (const r of results) names.set(r.id, r.name);
  }
  return parsed.map((r) => ({ ruleId: r.ruleId, type: r.type, name: r.ruleId ? (names.get(r.ruleId) ?? null) : null, count: r.count }));
}

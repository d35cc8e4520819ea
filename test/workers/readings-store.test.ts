/**
 * The downsampled per-vehicle readings store behind GET /api/vehicles/:id/readings: minute
 * buckets with mean/min/max/last, one page per vehicle and hour (in a row per group of vehicles)
 * written on the alarm after the batches that touched it (buffered until then, served from the buffer meanwhile), a week answered
 * in at most 500 points, folding into 5-minute buckets after two days, and pruning by the
 * tenant's `readingsDays`.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, login, postTelemetry } from "./helpers";
import { addReading, emptyBucket, encodeBucket } from "../../durable-objects/readings-codec";
import { driveTime, freezeClock, runHubAlarm, runHubAlarmSettled } from "./drive";

driveTime();

const MIN = 60_000;
/** A page: one vehicle's minute buckets of an hour (readings-codec.ts), stored in its group's row. */
const PAGE = 60 * MIN;
const DAY = 86_400_000;

/** A minute about ten minutes before `now` whose next minute is in the same page. */
function minuteBefore(now: number) {
  const minute = Math.floor(now / MIN) * MIN - 10 * MIN;
  return (minute + MIN) % PAGE === 0 ? minute - MIN : minute;
}
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

interface Point {
  ts: string;
  readings: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  last: Record<string, number>;
  count: Record<string, number>;
}
interface Series {
  vehicleId: string;
  from: string;
  resolutionSeconds: number;
  points: Point[];
}

const readings = async (token: string, vehicleId: string, hours: number) => {
  const res = await call("GET", `/api/vehicles/${vehicleId}/readings?hours=${hours}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as Series;
};

/**
 * Stored rows by kind: `span` PAGE counts hour pages of minute buckets (a row per group of
 * vehicles and hour, `reading_groups`; parts of one row count once), the other spans per-vehicle
 * rows of `reading_buckets`.
 */
const bucketRows = (tenantId: string) =>
  runInDurableObject(hubOf(tenantId), (_hub, state) =>
    state.storage.sql
      .exec<{ span: number; n: number }>(
        `SELECT span, sum(n) AS n FROM (
           SELECT span, count(*) AS n FROM reading_buckets GROUP BY span
           UNION ALL SELECT ${PAGE} AS span, count(DISTINCT grp || '|' || start) AS n FROM reading_groups HAVING n > 0)
         GROUP BY span ORDER BY span`,
      )
      .toArray(),
  );

async function runRetention(tenantId: string) {
  await runInDurableObject(hubOf(tenantId), (_hub, state) =>
    state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
  );
  await runHubAlarm(tenantId);
}

describe("readings store", { timeout: 60_000 }, () => {
  it("one minute bucket per vehicle and minute a batch touches, with mean, min, max, last and count", async () => {
    const tenant = await createTenant();
    const { "B-1": one, "B-2": two } = await addVehicles(tenant, ["B-1", "B-2"]);
    const minute = minuteBefore(freezeClock());
    const at = (offset: number) => new Date(minute + offset).toISOString();
    // Out of order within the minute: `last` follows event time, not arrival.
    const events = [
      { vehicleId: "B-1", ts: at(50_000), readings: { engineTempC: 96, speedKph: 60 } },
      { vehicleId: "B-1", ts: at(10_000), readings: { engineTempC: 90 } },
      { vehicleId: "B-1", ts: at(30_000), readings: { engineTempC: 93.5 } },
      ...Array.from({ length: 50 }, (_, i) => ({ vehicleId: "B-2", ts: at(i * 1000), readings: { batteryV: 13.9 } })),
    ];
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    expect(await bucketRows(tenant.id)).toEqual([]); // buffered: the request writes no bucket
    await runHubAlarmSettled(tenant.id);
    // 53 events, two vehicles, one minute: one row (the two vehicles' hour pages share their group's row).
    expect(await bucketRows(tenant.id)).toEqual([{ span: PAGE, n: 1 }]);

    const series = await readings(tenant.admin.token, one!.id, 1);
    expect(series.resolutionSeconds).toBe(60);
    expect(series.points).toEqual([
      {
        ts: new Date(minute).toISOString(),
        readings: { engineTempC: expect.closeTo(93.1667, 3), speedKph: 60 },
        min: { engineTempC: 90, speedKph: 60 },
        max: { engineTempC: 96, speedKph: 60 },
        last: { engineTempC: 96, speedKph: 60 },
        count: { engineTempC: 3, speedKph: 1 },
      },
    ]);
    expect((await readings(tenant.admin.token, two!.id, 1)).points[0]).toMatchObject({
      readings: { batteryV: 13.9 },
      count: { batteryV: 50 },
    });

    // A later batch into the same minute merges into the same row.
    await postTelemetry(tenant, { events: [{ vehicleId: "B-1", ts: at(55_000), readings: { engineTempC: 80 } }] });
    await runHubAlarmSettled(tenant.id);
    expect(await bucketRows(tenant.id)).toEqual([{ span: PAGE, n: 1 }]);
    const merged = (await readings(tenant.admin.token, one!.id, 1)).points[0]!;
    expect(merged).toMatchObject({ min: { engineTempC: 80 }, last: { engineTempC: 80 }, count: { engineTempC: 4 } });

    // The next minute, in the same hour: the same page row, a point of its own.
    await postTelemetry(tenant, { events: [{ vehicleId: "B-1", ts: at(MIN + 5_000), readings: { engineTempC: 70 } }] });
    await runHubAlarmSettled(tenant.id);
    expect(await bucketRows(tenant.id)).toEqual([{ span: PAGE, n: 1 }]);
    const points = (await readings(tenant.admin.token, one!.id, 1)).points.map((p) => [p.ts, p.count.engineTempC, p.last.engineTempC]);
    expect(points).toEqual([
      [new Date(minute).toISOString(), 4, 80],
      [new Date(minute + MIN).toISOString(), 1, 70],
    ]);
  });

  it("reads and folds minute rows stored before pages beside the pages", async () => {
    const tenant = await createTenant();
    const { "L-1": vehicle } = await addVehicles(tenant, ["L-1"]);
    const minute = minuteBefore(freezeClock());
    const event = { vehicleId: "L-1", ts: new Date(minute).toISOString(), readings: { fuelPct: 50 } };
    expect((await postTelemetry(tenant, { events: [event] })).status).toBe(202);
    await runHubAlarmSettled(tenant.id);
    // As the store wrote it before pages: one row for one minute, here the minute after.
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => {
      const sql = state.storage.sql;
      const series = sql.exec<{ id: number }>("SELECT id FROM reading_series WHERE vehicle_id = ?", vehicle!.id).one().id;
      const bucket = emptyBucket();
      addReading(bucket, sql.exec<{ id: number }>("SELECT id FROM reading_metrics WHERE name = 'fuelPct'").one().id, 40, true);
      bucket.newestTs = minute + MIN;
      sql.exec(
        "INSERT INTO reading_buckets (series, span, start, data) VALUES (?, ?, ?, ?)",
        series,
        MIN,
        minute + MIN,
        encodeBucket(bucket, minute + MIN),
      );
    });
    const points = (await readings(tenant.admin.token, vehicle!.id, 1)).points.map((p) => [p.ts, p.last.fuelPct]);
    expect(points).toEqual([
      [new Date(minute).toISOString(), 50],
      [new Date(minute + MIN).toISOString(), 40],
    ]);
    // Three days on, the retention job folds both into 5-minute buckets.
    freezeClock(minute + 3 * DAY);
    await runRetention(tenant.id);
    expect(await bucketRows(tenant.id)).toEqual([{ span: DAY, n: 1 }]); // one day page
    const { token } = await login(tenant.slug, tenant.admin.email, tenant.admin.password);
    const folded = (await readings(token, vehicle!.id, 80)).points;
    expect(folded.reduce((n, p) => n + (p.count.fuelPct ?? 0), 0)).toBe(2);
  });

  it("a week of data answers in at most 500 points, folds into 5-minute buckets after two days, and is pruned by readingsDays", async () => {
    const tenant = await createTenant();
    const { "W-1": vehicle } = await addVehicles(tenant, ["W-1"]);
    const now = freezeClock();
    // One reading every 10 minutes for 7 days (late events up to 7 days old are accepted).
    const events = Array.from({ length: 7 * 144 - 2 }, (_, i) => ({
      vehicleId: "W-1",
      ts: new Date(now - (7 * 144 - 2 - i) * 10 * MIN).toISOString(),
      readings: { fuelPct: i % 100, odometerKm: 1000 + i },
    }));
    for (let i = 0; i < events.length; i += 1000)
      expect((await postTelemetry(tenant, { events: events.slice(i, i + 1000) })).status).toBe(202);
    await runHubAlarmSettled(tenant.id);
    // Older than two days went straight into 5-minute buckets, a day's to a row; the last two days are minutes, an hour's to a row.
    const rows = await bucketRows(tenant.id);
    const recent = events.filter((e) => Date.parse(e.ts) >= now - 2 * DAY);
    const older = events.filter((e) => Date.parse(e.ts) < now - 2 * DAY);
    const pages = (list: typeof events, span: number) => new Set(list.map((e) => Math.floor(Date.parse(e.ts) / span))).size;
    expect(rows).toEqual([
      { span: PAGE, n: pages(recent, PAGE) },
      { span: DAY, n: pages(older, DAY) },
    ]);

    const week = await readings(tenant.admin.token, vehicle!.id, 168);
    expect(week.resolutionSeconds).toBe(21 * 60);
    expect(week.points.length).toBeLessThanOrEqual(500);
    const total = (s: Series) => s.points.reduce((sum, p) => sum + (p.count.odometerKm ?? 0), 0);
    expect(total(week)).toBe(events.length);
    expect(week.points[0]!.min.odometerKm).toBe(1000);
    expect(week.points.at(-1)!.last.odometerKm).toBe(1000 + events.length - 1);
    const times = week.points.map((p) => Date.parse(p.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Three days on, the retention job folds minute buckets older than two days; nothing is lost.
    freezeClock(now + 3 * DAY);
    await runRetention(tenant.id);
    const after = await bucketRows(tenant.id);
    expect(after.find((r) => r.span === PAGE || r.span === MIN)).toBeUndefined();
    const { token } = await login(tenant.slug, tenant.admin.email, tenant.admin.password); // the first token expired meanwhile
    const later = await readings(token, vehicle!.id, 168);
    // The window moved three days: every reading whose (now 5-minute) bucket starts inside it is there.
    const bucketStart = (ts: string) => Math.floor(Date.parse(ts) / (5 * MIN)) * 5 * MIN;
    const inside = events.filter((e) => bucketStart(e.ts) >= Date.parse(later.from)).length;
    expect(total(later)).toBe(inside);

    // With readingsDays = 7, ten days after the newest reading the store is empty.
    expect((await call("PUT", "/api/settings", { token, body: { retention: { readingsDays: 7 } } })).status).toBe(200);
    freezeClock(now + 10 * DAY);
    await runRetention(tenant.id);
    expect(await bucketRows(tenant.id)).toEqual([]);
  });
});

/**
 * Durable Object storage per vehicle-day at one reading every 10 s, with retention applied
 * (goal ≤ 200 KB): simulated days of telemetry through the real webhook, the hourly retention job
 * run at each day's end, and the object's own `databaseSize` read after it. Freed pages are reused,
 * so once the raw window and the minute tier are full the size grows by what a day costs for good.
 * `npm run bench -- --only readings` reads the figures this prints (bench/readings.mjs).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RETENTION_DEFAULTS } from "../../durable-objects/retention";
import { addVehicles, call, createTenant, postTelemetry } from "./helpers";
import { driveTime, freezeClock, runHubAlarm } from "./drive";

driveTime();

const DAY = 86_400_000;
const STEP = 10_000;
const VEHICLES = ["D-1", "D-2"];
/**
 * Raw window (set to 2 days here; the default 7 only delays the steady state and raises its level,
 * not the growth per day) and minute tier (2 days) full from day 5 on: days 6 and 7 are steady.
 */
const RAW_DAYS = 2;
const DAYS = 7;
const BATCH = 1000;
const GOAL = 200 * 1024;

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

/** A truck's twelve usual readings (scripts/sim/vehicle-model.mjs shape), drifting smoothly. */
function reading(vehicleId: string, i: number, ts: number) {
  const wave = Math.sin(i / 90);
  return {
    vehicleId,
    ts: new Date(ts).toISOString(),
    readings: {
      speedKph: +(70 + 20 * wave).toFixed(1),
      rpm: Math.round(1800 + 300 * wave),
      engineTempC: +(90 + wave).toFixed(1),
      coolantTempC: +(86 + wave).toFixed(1),
      oilPressureKpa: Math.round(320 + 10 * wave),
      batteryV: +(13.9 + 0.05 * wave).toFixed(2),
      fuelPct: +(80 - (i % 8640) / 200).toFixed(1),
      odometerKm: +(40_000 + i * 0.2).toFixed(2),
      engineHours: +(1200 + i / 360).toFixed(3),
      accelG: +(0.05 * wave).toFixed(3),
      lat: +(52.52 + i * 0.00001).toFixed(5),
      lon: +(13.4 + i * 0.00001).toFixed(5),
    },
  };
}

describe("readings storage per vehicle-day", { timeout: 300_000 }, () => {
  it(`stays within ${GOAL / 1024} KB per vehicle-day at one reading every 10 s once retention is steady`, async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, VEHICLES);
    const put = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { retention: { rawTelemetryDays: RAW_DAYS } } });
    expect(put.status).toBe(200);
    const start = Math.floor((Date.now() - DAY) / DAY) * DAY;
    const sizes: number[] = [];
    let index = 0;
    for (let day = 0; day < DAYS; day++) {
      freezeClock(start + (day + 1) * DAY);
      const events = [];
      for (let ts = start + day * DAY; ts < start + (day + 1) * DAY; ts += STEP, index++) {
        for (const v of VEHICLES) events.push(reading(v, index, ts));
      }
      for (let i = 0; i < events.length; i += BATCH) {
        expect((await postTelemetry(tenant, { events: events.slice(i, i + BATCH) })).status).toBe(202);
      }
      await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
        state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
      );
      await runHubAlarm(tenant.id);
      sizes.push(await runInDurableObject(hubOf(tenant.id), (_hub, state) => state.storage.sql.databaseSize));
    }
    const perVehicle = (bytes: number) => Math.round(bytes / VEHICLES.length);
    const figures = {
      vehicles: VEHICLES.length,
      days: DAYS,
      readingsPerVehicleDay: DAY / STEP,
      batchEvents: BATCH,
      databaseSizeByDay: sizes,
      /** Day 1: raw events, minute buckets, state; nothing past a window yet. */
      firstDayBytesPerVehicle: perVehicle(sizes[0]!),
      /** What each further day adds for good once the raw window and minute tier are full. */
      steadyBytesPerVehicleDay: perVehicle((sizes[DAYS - 1]! - sizes[DAYS - 3]!) / 2),
      footprintBytesPerVehicle: perVehicle(sizes[DAYS - 1]!),
      rawDays: RAW_DAYS,
      defaults: RETENTION_DEFAULTS,
    };
    console.log(`READINGS_STORAGE ${JSON.stringify(figures)}`);
    expect(figures.steadyBytesPerVehicleDay).toBeLessThanOrEqual(GOAL);
  });
});

/**
 * A vehicle's risk is scored again once its readings reach a new minute of event time (the models
 * read closed minutes), at once when its trouble codes change, and not for every batch in between:
 * at one reading every 10 s in batches of many vehicles, scoring each batch cost more than all the
 * rules together.
 */
import { describe, expect, it } from "vitest";
import { driveTime } from "./drive";
import { addVehicles, call, createTenant, isoAt, ORDINARY_READINGS, postTelemetry, type TestTenant } from "./helpers";

driveTime();

/** A minute's start an hour ago, so each event's minute is known. */
const MINUTE_START = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;

interface Risk {
  at: string | null;
  components: { component: string; score: number }[];
}

const riskOf = async (tenant: TestTenant, vehicleId: string) =>
  (await (await call("GET", `/api/vehicles/${vehicleId}/risk`, { token: tenant.admin.token })).json()) as Risk;

async function report(tenant: TestTenant, externalId: string, seconds: number, dtc?: string[]) {
  const event = { vehicleId: externalId, ts: isoAt(seconds, MINUTE_START), readings: ORDINARY_READINGS, ...(dtc ? { dtc } : {}) };
  expect((await postTelemetry(tenant, { events: [event] })).status).toBe(202);
}

describe("a vehicle's risk is scored once a minute of event time", () => {
  it("keeps the risk within the minute, scores it in the next minute and at once on a new trouble code", async () => {
    const tenant = await createTenant();
    const { RF1: vehicle } = await addVehicles(tenant, ["RF1"]);

    await report(tenant, "RF1", 5);
    const first = await riskOf(tenant, vehicle!.id);
    expect(first.at).not.toBeNull();

    await report(tenant, "RF1", 15);
    await report(tenant, "RF1", 45);
    expect((await riskOf(tenant, vehicle!.id)).at).toBe(first.at);

    await report(tenant, "RF1", 65);
    const nextMinute = await riskOf(tenant, vehicle!.id);
    expect(nextMinute.at).not.toBe(first.at);

    // A code in the same minute is scored at once: the engine's component rises now, not a minute later.
    await report(tenant, "RF1", 75, ["P0217"]);
    const coded = await riskOf(tenant, vehicle!.id);
    expect(coded.at).not.toBe(nextMinute.at);
    const engine = (risk: Risk) => risk.components.find((c) => c.component === "engine")?.score ?? 0;
    expect(engine(coded)).toBeGreaterThan(engine(nextMinute));
  });
});

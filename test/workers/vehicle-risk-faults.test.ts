/**
 * Developing faults seen by the health models, end to end through the signed webhook: a coolant
 * drifting up after the engine's normal was learnt, and brake pads wearing toward their limit over
 * days. Each raises its component's risk, names it in words, and opens one predictive work order
 * due by the forecast.
 */
import { describe, expect, it } from "vitest";
import { driveTime, runHubAlarm } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";

driveTime();

const DAY = 86_400_000;

interface Component {
  component: string;
  score: number;
  score7d: number;
  label: string;
  dueDate: string | null;
  evidence: { name: string }[];
}
const componentsOf = async (tenant: TestTenant, vehicleId: string) =>
  ((await (await call("GET", `/api/vehicles/${vehicleId}/risk`, { token: tenant.admin.token })).json()) as { components: Component[] })
    .components;
const workOrdersOf = async (tenant: TestTenant, vehicleId: string) =>
  (
    (await (await call("GET", `/api/work-orders?vehicleId=${vehicleId}&limit=100`, { token: tenant.admin.token })).json()) as {
      items: { component: string | null; dueDate: string | null; source: string; status: string }[];
    }
  ).items;

/** Steady driving at one event per 10 s from second `from`, `minutes` long; `coolant(i)` per event. */
function drive(externalId: string, from: number, minutes: number, coolant: (i: number, n: number) => number) {
  const n = minutes * 6;
  return Array.from({ length: n }, (_, i) => {
    const speedKph = 60 + 2 * Math.sin(i / 10);
    return {
      vehicleId: externalId,
      ts: isoAt(from + i * 10),
      readings: {
        speedKph,
        rpm: 900 + speedKph * 20,
        engineLoadPct: 40 + Math.sin(i / 6),
        intakeAirTempC: 22,
        coolantTempC: coolant(i, n),
      },
    };
  });
}

async function post(tenant: TestTenant, events: unknown[]) {
  for (let i = 0; i < events.length; i += 500) expect((await postTelemetry(tenant, { events: events.slice(i, i + 500) })).status).toBe(202);
}

describe("developing faults", { timeout: 120_000 }, () => {
  it("a coolant drifting up after an hour of normal driving: cooling risk from low to high, named, one due-dated work order", async () => {
    const tenant = await createTenant();
    const { "HOT-1": hot, "OK-1": ok } = await addVehicles(tenant, ["HOT-1", "OK-1"]);
    // A cold start warming up over the first ten minutes, then steady.
    const normal = (i: number) => Math.min(89, 25 + (64 * i) / 60) + 0.3 * Math.sin(i / 17);
    const start = -7_200; // two hours ago (isoAt counts from an hour ago)
    await post(tenant, drive("HOT-1", start, 60, normal));
    await post(tenant, drive("OK-1", start, 60, normal));
    const cooling = async (id: string) => (await componentsOf(tenant, id)).find((c) => c.component === "cooling")!;
    const before = await cooling(hot!.id);
    expect(before.label).toBe("low");
    expect((await cooling(ok!.id)).label).toBe("low");
    // Then 20 minutes in which the coolant creeps 10 °C above normal.
    const warm = (i: number) => 89 + 0.3 * Math.sin(i / 17);
    await post(
      tenant,
      drive("HOT-1", start + 3_600, 20, (i, n) => warm(i) + (10 * i) / n),
    );
    const hotCooling = await cooling(hot!.id);
    expect(hotCooling.score).toBeGreaterThan(before.score);
    expect(hotCooling.label).toBe("high");
    expect(hotCooling.evidence[0]!.name).toMatch(/^coolant \d+ °C above this vehicle's normal at this load$/);

    const proposedAt = Date.now();
    await runHubAlarm(tenant.id);
    const orders = await workOrdersOf(tenant, hot!.id);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ source: "predictive", status: "open", component: "cooling" });
    // No wear date for a residual: due sooner the higher the 7-day risk (2, 7 or 21 days).
    const dueInDays = (Date.parse(orders[0]!.dueDate!) - proposedAt) / DAY;
    expect([2, 7, 21].some((d) => Math.abs(dueInDays - d) < 0.01)).toBe(true);
    expect(await workOrdersOf(tenant, ok!.id)).toHaveLength(0);
  });

  it("brake pads wearing toward the limit over days: a due date from the forecast, on the component and the work order", async () => {
    const tenant = await createTenant();
    const { "PAD-1": worn } = await addVehicles(tenant, ["PAD-1"]);
    // Six days of readings, every two hours: 4.5 mm falling 0.15 mm a day to 3.6 mm (the limit is 3 mm: about 4 days left).
    const events = Array.from({ length: 72 }, (_, i) => ({
      vehicleId: "PAD-1",
      ts: new Date(Date.now() - 6 * DAY + i * 2 * 3_600_000).toISOString(),
      readings: { speedKph: 50, brakePadMm: Number((4.5 - (0.15 * i) / 12).toFixed(3)) },
    }));
    await post(tenant, events);
    const brakes = (await componentsOf(tenant, worn!.id)).find((c) => c.component === "brakes")!;
    expect(brakes.label).toBe("high");
    expect(brakes.dueDate).not.toBeNull();
    const dueIn = (Date.parse(brakes.dueDate!) - Date.now()) / DAY;
    expect(dueIn).toBeGreaterThan(1);
    expect(dueIn).toBeLessThan(14);
    expect(brakes.evidence[0]!.name).toMatch(/^brake pads 3\.\d mm, falling/);

    await runHubAlarm(tenant.id);
    const [order, ...more] = await workOrdersOf(tenant, worn!.id);
    expect(more).toHaveLength(0);
    expect(order).toMatchObject({ component: "brakes", source: "predictive" });
    expect(Math.abs(Date.parse(order!.dueDate!) - Date.parse(brakes.dueDate!))).toBeLessThan(60_000);
  });
});

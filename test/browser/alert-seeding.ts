/** Raising known alerts through signed telemetry webhooks, and reading them back through the API. */
import { expect } from "vitest";
import { postTelemetry } from "../../scripts/lib/telemetry-client.mjs";
import { apiGet } from "./api-client";
import type { FleetPulseContext } from "./support";

export interface ApiAlert {
  id: string;
  vehicleId: string;
  severity: string;
  status: string;
  message: string;
}

async function send(ctx: FleetPulseContext, events: object[]) {
  const res = await postTelemetry(ctx.url, ctx.tenant, ctx.webhookSecret, events);
  expect(res.status, res.body).toBe(202);
}

/** A `high` alert from the built-in DTC rule; `code` appears in its message. */
export const raiseDtc = (ctx: FleetPulseContext, externalId: string, code: string) =>
  send(ctx, [{ vehicleId: externalId, ts: new Date().toISOString(), readings: { speedKph: 30 }, dtc: [code] }]);

/** A `critical` alert: engine temperature above 110 °C for over 60 s (three readings a minute apart). */
export const raiseOverheating = (ctx: FleetPulseContext, externalId: string) =>
  send(
    ctx,
    [120, 60, 0].map((ago) => ({
      vehicleId: externalId,
      ts: new Date(Date.now() - ago * 1000).toISOString(),
      readings: { engineTempC: 121 },
    })),
  );

/** A `medium` alert: battery below 11.8 V for over 300 s. */
export const raiseLowBattery = (ctx: FleetPulseContext, externalId: string) =>
  send(
    ctx,
    [400, 200, 0].map((ago) => ({
      vehicleId: externalId,
      ts: new Date(Date.now() - ago * 1000).toISOString(),
      readings: { batteryV: 11.2 },
    })),
  );

/** Waits until the alerts list (through the API) has an alert whose message contains `text`. */
export async function waitForAlert(ctx: FleetPulseContext, token: string, text: string, timeoutMs = 20_000): Promise<ApiAlert> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await apiGet<{ items: ApiAlert[] }>(ctx, token, "/api/alerts?limit=200");
    const found = page.items.find((a) => a.message.includes(text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No alert containing "${text}" after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

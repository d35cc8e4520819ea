// Alert raised (signed webhook POST) → Web Push request received, decrypted and verified by the
// local push-service stand-in. Each round raises a new critical alert and resolves it after.
import { start as startStandIn } from "../test/stand-ins/providers.mjs";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { summarize } from "./lib/stats.mjs";
import { api } from "./lib/api.mjs";

export async function pushLatency({ url, secret, slug, token, vapidPublicKey, rounds }) {
  const standIn = await startStandIn({ vapidPublicKey, twilio: { sid: "ACbench", token: "bench" }, sendgridKey: "SG.bench" });
  try {
    const subscription = await (await fetch(`${standIn.url}/__push/subscriptions`, { method: "POST" })).json();
    const id = subscription.endpoint.split("/").pop();
    await api(url, "POST", "/api/push/subscriptions", token, subscription);
    await api(url, "PUT", "/api/me/preferences", token, {
      channels: { critical: ["push"], high: [], medium: [], low: [] },
      quietHours: null,
      digestMinutes: 0,
    });
    // A vehicle of its own: rules ignore events older than a vehicle's newest, and other scenarios post "now".
    const vehicle = await api(url, "POST", "/api/vehicles", token, { externalId: `PUSH-${Date.now()}`, name: "Push bench unit" });
    let ts = Date.now() - rounds * 11_000 - 60_000;
    const samples = [];
    const resolved = new Set();
    for (let i = 0; i < rounds; i++) {
      const seen = (await (await fetch(`${standIn.url}/__received?kind=push&id=${id}`)).json()).received.length;
      const t0 = performance.now();
      // Low oil pressure held for 10 s: a critical alert.
      const events = [0, 10_000].map((dt) => ({
        vehicleId: vehicle.externalId,
        ts: new Date((ts += dt)).toISOString(),
        readings: { oilPressureKpa: 60 },
      }));
      const res = await postTelemetry(url, slug, secret, events);
      if (res.status !== 202) throw new Error(`webhook → ${res.status}`);
      let push;
      while (!push) {
        const list = (await (await fetch(`${standIn.url}/__received?kind=push&id=${id}`)).json()).received;
        // Resolved notices also arrive as pushes: wait for the push of the new alert.
        push = list.slice(seen).find((p) => !resolved.has(p.payload.alertId));
        if (push) break;
        if (performance.now() - t0 > 15_000) throw new Error("no push within 15 s");
        else await new Promise((r) => setTimeout(r, 10));
      }
      samples.push(performance.now() - t0);
      // Resolving ends the cooldown, so the next round raises a new alert (and a new push).
      resolved.add(push.payload.alertId);
      await api(url, "POST", `/api/alerts/${push.payload.alertId}/resolve`, token, {});
      ts += 1_000;
    }
    return summarize(samples);
  } finally {
    await standIn.close();
  }
}

// Sustained ingest for one tenant: signed batches of 100 events, every default rule evaluated.
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { SimVehicle } from "../scripts/sim/vehicle-model.mjs";
import { summarize } from "./lib/stats.mjs";

export async function ingestThroughput({ url, secret, slug, vehicles, concurrency, seconds, batchSize = 100 }) {
  const fleet = vehicles.map((v, i) => new SimVehicle(v.externalId, i));
  let ts = Date.now() - 6 * 24 * 3600_000; // far enough back for a long run of 1 s steps
  const nextBatch = () => Array.from({ length: batchSize }, (_, i) => fleet[i % fleet.length].step((ts += 50)));
  const latencies = [];
  let events = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const batch = nextBatch();
        const t0 = performance.now();
        const res = await postTelemetry(url, slug, secret, batch);
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
        latencies.push(performance.now() - t0);
        events += batch.length;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { eventsPerSecond: Math.round(events / elapsed), events, seconds: +elapsed.toFixed(1), batchLatency: summarize(latencies) };
}

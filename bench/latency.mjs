// Webhook POST → alert received on a live socket, for FleetPulse and the Socket.IO reference.
import { io as ioClient } from "socket.io-client";
import WebSocket from "ws";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { summarize } from "./lib/stats.mjs";

/**
 * Runs `posters` concurrent loops of `rounds` posts each; every post must produce exactly one
 * message on the socket for that poster's key, and its latency is POST start → message.
 */
async function measure({ posters, rounds, warmup, post, onMessage }) {
  const waiting = new Map();
  onMessage((key) => waiting.get(key)?.());
  const samples = [];
  await Promise.all(
    Array.from({ length: posters }, async (_, p) => {
      for (let i = 0; i < warmup + rounds; i++) {
        const arrived = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no message for poster ${p} round ${i}`)), 10_000);
          waiting.set(p, () => {
            clearTimeout(timer);
            resolve(performance.now());
          });
        });
        const started = performance.now();
        const [status] = await Promise.all([post(p, i), arrived]);
        if (status >= 300) throw new Error(`POST answered ${status}`);
        if (i >= warmup) samples.push((await arrived) - started);
      }
    }),
  );
  return summarize(samples);
}

export async function fleetpulseLatency({ url, secret, slug, token, vehicles, posters, rounds, warmup = 20 }) {
  const ws = new WebSocket(`${url.replace("http", "ws")}/api/live`, [`bearer.${token}`]);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const posterOf = new Map(vehicles.map((v, i) => [v.id, i]));
  const clock = vehicles.map(() => Date.now() - 60_000);
  try {
    return await measure({
      posters,
      rounds,
      warmup,
      onMessage: (deliver) =>
        ws.on("message", (data) => {
          const message = JSON.parse(data.toString());
          if (message.alert) deliver(posterOf.get(message.alert.vehicleId));
        }),
      // A cleared DTC then a present one: the DTC rule triggers once (a new alert or, inside the
      // cooldown, an occurrence update), so each POST yields exactly one alert event.
      post: async (p) => {
        const t = (clock[p] += 2);
        const vehicle = vehicles[p].externalId;
        const res = await postTelemetry(url, slug, secret, [
          { vehicleId: vehicle, ts: new Date(t).toISOString(), readings: { speedKph: 50 }, dtc: [] },
          { vehicleId: vehicle, ts: new Date(t + 1).toISOString(), readings: { speedKph: 50 }, dtc: ["P0217"] },
        ]);
        return res.status;
      },
    });
  } finally {
    ws.close();
  }
}

export async function referenceLatency({ url, posters, rounds, warmup = 20 }) {
  const socket = ioClient(url, { transports: ["websocket"], query: { room: "tenant" } });
  await new Promise((resolve) => socket.once("connect", resolve));
  try {
    return await measure({
      posters,
      rounds,
      warmup,
      onMessage: (deliver) => socket.on("alert", (body) => deliver(body.poster)),
      post: async (p) => {
        const res = await fetch(`${url}/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            poster: p,
            events: [{ vehicleId: `TRUCK-${p}`, ts: new Date().toISOString(), readings: { speedKph: 50 }, dtc: ["P0217"] }],
          }),
        });
        await res.text();
        return res.status;
      },
    });
  } finally {
    socket.close();
  }
}

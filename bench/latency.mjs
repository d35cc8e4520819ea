// Webhook POST → a NEW alert on a manager's live socket: FleetPulse, the bare Worker + Durable
// Object floor (bench/floor) and the seed design's Fastify + Socket.IO reference.
import { io as ioClient } from "socket.io-client";
import WebSocket from "ws";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { api } from "./lib/api.mjs";
import { summarize } from "./lib/stats.mjs";

/** Vehicles the new-alert runs use up: one per POST, so every POST raises a new alert. */
export const vehiclesNeeded = ({ posters, rounds, warmup }) => posters * (rounds + warmup);

/**
 * Runs `posters` concurrent loops of `warmup + rounds` posts; each post waits for the socket
 * message carrying its own key (a vehicle used once), so a late or stray message can never be
 * counted for another post. Latency is POST start → that message. `trace`, when given, gets each
 * counted post's start (`performance.now()` and ms since the run began), POST response time and socket time.
 */
async function measure({ posters, rounds, warmup, keyOf, post, onMessage, trace }) {
  const waiting = new Map();
  onMessage((key) => waiting.get(key)?.());
  const samples = [];
  const began = performance.now();
  await Promise.all(
    Array.from({ length: posters }, async (_, p) => {
      for (let i = 0; i < warmup + rounds; i++) {
        const key = keyOf(p, i);
        const arrived = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no message for ${key}`)), 15_000);
          waiting.set(key, () => {
            clearTimeout(timer);
            waiting.delete(key);
            resolve(performance.now());
          });
        });
        const started = performance.now();
        const answered = post(key).then((status) => ({ status, at: performance.now() }));
        const [{ status, at: responded }, socket] = await Promise.all([answered, arrived]);
        if (status >= 300) throw new Error(`POST answered ${status}`);
        if (i < warmup) continue;
        samples.push(socket - started);
        trace?.push({ key, start: started, at: started - began, response: responded - started, socket: socket - started });
      }
    }),
  );
  return summarize(samples);
}

const vehicleKey = (prefix, posters) => (p, i) => `${prefix}-${i * posters + p}`;

/** Creates `count` vehicles named `${prefix}-${n}` through the API, spread over several sessions. */
export async function createBenchVehicles({ url, tokens, prefix, count }) {
  const byExternal = new Map();
  let next = 0;
  await Promise.all(
    tokens.map(async (token) => {
      while (next < count) {
        const n = next++;
        const externalId = `${prefix}-${n}`;
        const vehicle = await api(url, "POST", "/api/vehicles", token, { externalId, name: `Bench ${n}` });
        byExternal.set(externalId, vehicle.id);
      }
    }),
  );
  return byExternal;
}

/**
 * Registers `count` vehicles `${prefix}-${n}` in CSV imports of up to 1,000 (the import's limit): a
 * fleet of hundreds would outlast the API's rate limit one POST at a time. Returns [{externalId, id}].
 */
export async function importBenchVehicles({ url, token, prefix, count }) {
  const vehicles = [];
  for (let from = 0; from < count; from += 1000) {
    const lines = Array.from({ length: Math.min(1000, count - from) }, (_, i) => `${prefix}-${from + i},Bench ${from + i}`);
    const { items } = await api(url, "POST", "/api/vehicles/import", token, { csv: ["externalId,name", ...lines].join("\n") });
    vehicles.push(...items.map((v) => ({ externalId: v.externalId, id: v.id })));
  }
  return vehicles;
}

/** The signed event raising a new alert (DTC P0217 on a vehicle that has none open). */
const newAlertEvent = (externalId) => ({ vehicleId: externalId, ts: new Date().toISOString(), readings: { speedKph: 50 }, dtc: ["P0217"] });

export async function fleetpulseNewAlertLatency({ url, secret, slug, token, vehiclesByExternal, prefix, posters, rounds, warmup, trace }) {
  const ws = new WebSocket(`${url.replace("http", "ws")}/api/live`, [`bearer.${token}`]);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const externalOf = new Map([...vehiclesByExternal].map(([externalId, id]) => [id, externalId]));
  try {
    return await measure({
      posters,
      rounds,
      warmup,
      trace,
      keyOf: vehicleKey(prefix, posters),
      onMessage: (deliver) =>
        ws.on("message", (data) => {
          const message = JSON.parse(data.toString());
          if (message.type === "alert") deliver(externalOf.get(message.alert.vehicleId));
        }),
      post: async (externalId) => (await postTelemetry(url, slug, secret, [newAlertEvent(externalId)])).status,
    });
  } finally {
    ws.close();
  }
}

/**
 * On a started dev server with the demo tenant: `rounds` sequential posts, each raising a new alert,
 * timed to the manager's socket. `beforeRun` is called once the vehicles exist, right before the posts.
 */
export async function sequentialNewAlerts(server, { rounds, warmup, prefix, beforeRun = async () => {} }) {
  const { url, demo } = server;
  const token = (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.manager })).token;
  const run = { posters: 1, rounds, warmup };
  const fresh = await createBenchVehicles({ url, tokens: [token], prefix, count: vehiclesNeeded(run) });
  const context = await beforeRun();
  const latency = await fleetpulseNewAlertLatency({
    url,
    secret: demo.webhookSecret,
    slug: "demo",
    token,
    vehiclesByExternal: fresh,
    prefix,
    ...run,
  });
  return { latency, context };
}

export async function floorLatency({ url, secret, slug, prefix, posters, rounds, warmup, trace }) {
  const ws = new WebSocket(`${url.replace("http", "ws")}/api/live`);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  try {
    return await measure({
      posters,
      rounds,
      warmup,
      trace,
      keyOf: vehicleKey(prefix, posters),
      onMessage: (deliver) => ws.on("message", (data) => deliver(JSON.parse(data.toString()).alert.vehicleId)),
      post: async (externalId) => (await postTelemetry(url, slug, secret, [newAlertEvent(externalId)])).status,
    });
  } finally {
    ws.close();
  }
}

export async function referenceLatency({ url, prefix, posters, rounds, warmup, trace }) {
  const socket = ioClient(url, { transports: ["websocket"], query: { room: "tenant" } });
  await new Promise((resolve) => socket.once("connect", resolve));
  try {
    return await measure({
      posters,
      rounds,
      warmup,
      trace,
      keyOf: vehicleKey(prefix, posters),
      onMessage: (deliver) => socket.on("alert", (body) => deliver(body.events[0].vehicleId)),
      post: async (externalId) => {
        const res = await fetch(`${url}/webhook`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ events: [newAlertEvent(externalId)] }),
        });
        await res.text();
        return res.status;
      },
    });
  } finally {
    socket.close();
  }
}

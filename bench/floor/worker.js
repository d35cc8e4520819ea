// The bench floor (see wrangler.toml): POST /webhooks/:slug/telemetry → HMAC check → Room.ingest
// by RPC → one message per event on every socket; GET /api/live → hibernated WebSocket; GET
// /api/alerts → a same-size alert page from memory (the list bench's floor).
import { DurableObject } from "cloudflare:workers";

const encoder = new TextEncoder();
let keyPromise;

function hmacKey(secret) {
  keyPromise ??= crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return keyPromise;
}

async function verified(request, body, secret) {
  const id = request.headers.get("webhook-id");
  const timestamp = request.headers.get("webhook-timestamp");
  const header = request.headers.get("webhook-signature") ?? "";
  if (!id || !timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const head = encoder.encode(`${id}.${timestamp}.`);
  const message = new Uint8Array(head.byteLength + body.byteLength);
  message.set(head, 0);
  message.set(new Uint8Array(body), head.byteLength);
  const key = await hmacKey(secret);
  for (const part of header.split(" ")) {
    const [version, signature] = part.split(",");
    if (version !== "v1" || !signature) continue;
    const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", key, bytes, message)) return true;
  }
  return false;
}

// The list floor: `GET /api/alerts` answers a page the size of FleetPulse's (50 alerts in the
// contract's shape, facets, a cursor) with no auth or storage, so the list bench can set its
// latency beside what the runtime and wrangler's proxy cost for a same-size JSON answer.
const LIST_PAGE = {
  items: Array.from({ length: 50 }, (_, i) => ({
    id: `bench_${String(99_950 + i).padStart(7, "0")}`,
    seq: 99_951 + i,
    vehicleId: "veh_0123456789abcdef",
    ruleId: null,
    type: "engine_overheating",
    severity: "high",
    status: "open",
    message: `Engine overheating on Truck ${i}: value ${i}`,
    value: i,
    peakValue: null,
    occurrences: 1,
    createdAt: "2026-12-02T12:00:00.000Z",
    lastSeenAt: "2026-12-02T12:00:00.000Z",
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    snoozedUntil: null,
    silenced: false,
    note: null,
    assignee: null,
    commentCount: 0,
  })),
  nextCursor: "WzE3NjQ2NzY4MDAwMDAsImJlbmNoXzAwOTk5NTAiXQ",
  facets: {
    severity: { critical: 8333, high: 8333, medium: 8334, low: 8333 },
    status: { open: 33334, acknowledged: 33333, resolved: 33333 },
  },
};

export class Room extends DurableObject {
  ingest(events) {
    const sockets = this.ctx.getWebSockets();
    for (const event of events) {
      if (!event.dtc?.length) continue;
      const message = JSON.stringify({ type: "alert.created", alert: { vehicleId: event.vehicleId, dtc: event.dtc } });
      for (const ws of sockets) ws.send(message);
    }
    return { accepted: events.length };
  }

  fetch() {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage() {}
  webSocketClose(ws, code) {
    ws.close(code, "bye");
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const room = env.ROOM.get(env.ROOM.idFromName("tenant"));
    if (url.pathname === "/api/live") return room.fetch(request);
    if (request.method === "POST" && url.pathname.startsWith("/webhooks/")) {
      const body = await request.arrayBuffer();
      if (!(await verified(request, body, env.WEBHOOK_SECRET))) return new Response("bad signature", { status: 401 });
      let events;
      try {
        events = JSON.parse(new TextDecoder().decode(body)).events;
      } catch {
        return new Response("bad json", { status: 400 });
      }
      if (!Array.isArray(events)) return new Response("no events", { status: 400 });
      return Response.json(await room.ingest(events), { status: 202 });
    }
    if (request.method === "GET" && url.pathname === "/api/alerts") return Response.json(LIST_PAGE);
    if (url.pathname === "/health") return new Response("ok");
    return new Response("not found", { status: 404 });
  },
};

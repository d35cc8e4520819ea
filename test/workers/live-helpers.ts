import { exports } from "cloudflare:workers";
import { HEARTBEAT } from "../../worker/domain/live-protocol";

export interface LiveSocket {
  ws: WebSocket;
  messages: { type: string; seq?: number; alert?: { id: string; vehicleId: string; status: string; type: string; occurrences: number } }[];
  /** Resolves with the first message (from the start) that matches, waiting up to `ms`. */
  waitFor(match: (m: LiveSocket["messages"][number]) => boolean, ms?: number): Promise<LiveSocket["messages"][number]>;
  /** A heartbeat round trip: resolves once every message sent to this socket before it has arrived. */
  roundTrip(ms?: number): Promise<void>;
  close(): void;
}

/** Opens /api/live as a browser would (token in the query or the bearer subprotocol). */
export async function openLive(token: string, via: "query" | "protocol" = "query"): Promise<LiveSocket & { response: Response }> {
  const url = via === "query" ? `http://fleetpulse.test/api/live?token=${encodeURIComponent(token)}` : "http://fleetpulse.test/api/live";
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (via === "protocol") headers["sec-websocket-protocol"] = `bearer.${token}`;
  const response = await exports.default.fetch(new Request(url, { headers }));
  const ws = response.webSocket;
  if (!ws) throw new Error(`no websocket: ${response.status} ${await response.text()}`);
  ws.accept();
  const messages: LiveSocket["messages"] = [];
  const waiters = new Set<() => void>();
  /** Round trips waiting for their pong; those pongs are not recorded in `messages`. */
  const roundTrips: (() => void)[] = [];
  ws.addEventListener("message", (event) => {
    if (event.data === HEARTBEAT.response && roundTrips.length) return roundTrips.shift()!();
    messages.push(JSON.parse(event.data as string));
    for (const wake of waiters) wake();
  });
  const waitFor: LiveSocket["waitFor"] = (match, ms = 3000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = messages.find(match);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; got ${JSON.stringify(messages)}`));
      }, ms);
      waiters.add(check);
      check();
    });
  // The runtime answers the heartbeat on the same socket, after whatever the object sent before it.
  const roundTrip: LiveSocket["roundTrip"] = (ms = 3000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no pong")), ms);
      roundTrips.push(() => {
        clearTimeout(timer);
        resolve();
      });
      ws.send(HEARTBEAT.request);
    });
  return { ws, response, messages, waitFor, roundTrip, close: () => ws.close(1000, "done") };
}

/**
 * Before asserting that a socket got nothing more: one heartbeat round trip on each, so every
 * message already sent to it has arrived (a fixed sleep only made that likely).
 */
export const settle = (...sockets: Pick<LiveSocket, "roundTrip">[]) => Promise.all(sockets.map((s) => s.roundTrip()));

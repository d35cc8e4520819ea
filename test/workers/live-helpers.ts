import { exports } from "cloudflare:workers";

export interface LiveSocket {
  ws: WebSocket;
  messages: { type: string; seq?: number; alert?: { id: string; vehicleId: string; status: string; type: string; occurrences: number } }[];
  /** Resolves with the first message (from the start) that matches, waiting up to `ms`. */
  waitFor(match: (m: LiveSocket["messages"][number]) => boolean, ms?: number): Promise<LiveSocket["messages"][number]>;
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
  ws.addEventListener("message", (event) => {
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
  return { ws, response, messages, waitFor, close: () => ws.close(1000, "done") };
}

/** Lets in-flight socket messages arrive before asserting that something did not. */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

import type { AlertEvent } from "../worker/domain/alert";
import { ClientMessage } from "../worker/domain/live-protocol";
import type { AlertBook } from "./alert-book";
import { type SessionFacts, sessionTags } from "./live-sessions";
import { broadcast, broadcastWorkOrder, canSee, sseFrame, toMessage, type DriverOf, type SseClient, type Viewer } from "./live-room";

/**
 * The tenant's live room: WebSockets through the hibernation API (they survive the object's
 * eviction, their viewer in the attachment) and Server-Sent Events streams (these keep the
 * object awake). The Worker has verified the viewer's token before the request gets here.
 */
export class LiveSockets {
  readonly #sse = new Set<SseClient>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly book: AlertBook,
  ) {}

  /** Upgrades to a WebSocket, or opens an SSE stream when the path ends in `/sse`. */
  async open(request: Request, viewer: Viewer, loadDriverOf: () => Promise<DriverOf>): Promise<Response> {
    if (new URL(request.url).pathname.endsWith("/sse")) return this.#openSse(viewer, request, await loadDriverOf());
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [viewer.role, ...sessionTags(viewer as Viewer & SessionFacts)]);
    server.serializeAttachment(ownView(viewer));
    server.send(JSON.stringify({ type: "hello", seq: this.book.seq }));
    const protocol = request.headers
      .get("sec-websocket-protocol")
      ?.split(",")
      .map((p) => p.trim())
      .find((p) => p.startsWith("bearer."));
    return new Response(null, { status: 101, webSocket: client, headers: protocol ? { "sec-websocket-protocol": protocol } : {} });
  }

  /** A socket's `{"type":"resume","since":N}`: replays the events after N the viewer may see. */
  async resume(ws: WebSocket, message: string | ArrayBuffer, loadDriverOf: () => Promise<DriverOf>) {
    const viewer = ws.deserializeAttachment() as Viewer;
    let parsed: ClientMessage;
    try {
      parsed = ClientMessage.parse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
    } catch {
      ws.send(JSON.stringify({ type: "error", message: 'Expected {"type":"resume","since":N}' }));
      return;
    }
    const driverOf = await loadDriverOf();
    for (const event of this.book.eventsSince(parsed.since)) {
      if (canSee(viewer, event, driverOf)) ws.send(JSON.stringify(toMessage(event)));
    }
  }

  /**
   * Sends events to the room. A continuing episode's updates arrive here already coalesced: the
   * alert book logs them at most once per alert per LIVE_COALESCE_MS (alert-book.ts).
   */
  broadcast(events: AlertEvent[], driverOf: DriverOf) {
    broadcast(events, this.ctx.getWebSockets(), this.#sse, driverOf);
  }

  broadcastWorkOrder(workOrder: Record<string, unknown>) {
    broadcastWorkOrder(workOrder, this.ctx.getWebSockets(), this.#sse);
  }

  #openSse(viewer: Viewer, request: Request, driverOf: DriverOf): Response {
    const since = Number(request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("since") ?? Number.NaN);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const client: SseClient = { viewer: ownView(viewer), writer: writable.getWriter() };
    const replay = Number.isFinite(since)
      ? this.book
          .eventsSince(since)
          .filter((e) => canSee(viewer, e, driverOf))
          .map(sseFrame)
          .join("")
      : "";
    const hello = `retry: 2000\nevent: hello\ndata: ${JSON.stringify({ type: "hello", seq: this.book.seq })}\n\n`;
    client.writer.write(new TextEncoder().encode(hello + replay)).catch(() => this.#sse.delete(client));
    this.#sse.add(client);
    client.writer.closed.catch(() => undefined).finally(() => this.#sse.delete(client));
    return new Response(readable, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }
}

/** What a socket keeps of its viewer: who, the role, and for a technician its technician record. */
const ownView = (viewer: Viewer): Viewer => ({
  userId: viewer.userId,
  role: viewer.role,
  ...(viewer.role === "technician" ? { technicianId: viewer.technicianId ?? null } : {}),
});

/** Closes a socket the client closed or that failed; it may be closed already. */
export function closeQuietly(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // already closed
  }
}

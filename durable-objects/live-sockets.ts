import { LIVE_COALESCE_MS, type AlertEvent } from "../worker/domain/alert";
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
  /** When each alert was last sent on the stream (wall clock); lost on eviction, which only sends one update sooner. */
  readonly #lastSent = new Map<string, number>();
  /** Alerts whose latest update is held back (their due times live in `live_pending`, which survives eviction). */
  readonly #pending = new Set<string>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly book: AlertBook,
  ) {
    for (const row of ctx.storage.sql.exec<{ alert_id: string }>("SELECT alert_id FROM live_pending")) this.#pending.add(row.alert_id);
  }

  /** Upgrades to a WebSocket, or opens an SSE stream when the path ends in `/sse`. */
  async open(request: Request, viewer: Viewer, loadDriverOf: () => Promise<DriverOf>): Promise<Response> {
    if (new URL(request.url).pathname.endsWith("/sse")) return this.#openSse(viewer, request, await loadDriverOf());
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [viewer.role, ...sessionTags(viewer as Viewer & SessionFacts)]);
    server.serializeAttachment({ userId: viewer.userId, role: viewer.role } satisfies Viewer);
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
   * Sends events to the room. A continuing episode's update (`continuing`) for an alert sent less
   * than LIVE_COALESCE_MS ago is held back instead; the alarm sends the alert's latest state
   * when it is due (`flushDue`), unless a newer update of it went out first. The event log keeps
   * every update, so a resume still replays each one.
   */
  broadcast(events: AlertEvent[], driverOf: DriverOf, now = Date.now()) {
    let send = events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const id = event.alert.id;
      const last = this.#lastSent.get(id);
      if (event.continuing && last !== undefined && now - last < LIVE_COALESCE_MS) {
        if (send === events) send = events.slice(0, i);
        this.#hold(id, last + LIVE_COALESCE_MS);
        continue;
      }
      if (send !== events) send.push(event);
      this.#sent(id, now);
    }
    broadcast(send, this.ctx.getWebSockets(), this.#sse, driverOf);
  }

  /** The earliest held-back update's due time, if any (the alarm is armed for it). */
  nextDueAt(): number | null {
    if (!this.#pending.size) return null;
    return this.ctx.storage.sql.exec<{ next: number | null }>("SELECT MIN(due_at) AS next FROM live_pending").one().next;
  }

  /** Sends the latest state of every alert whose held-back update is due at `now` (the trailing update). */
  flushDue(now: number, driverOf: DriverOf) {
    if (!this.#pending.size) return;
    const due: AlertEvent[] = [];
    for (const { alert_id: id } of this.ctx.storage.sql
      .exec<{ alert_id: string }>("SELECT alert_id FROM live_pending WHERE due_at <= ?", now)
      .toArray()) {
      const alert = this.book.get(id);
      if (alert) due.push({ seq: alert.seq, kind: "alert.updated", alert });
      this.#sent(id, now);
    }
    broadcast(
      due.sort((a, b) => a.seq - b.seq),
      this.ctx.getWebSockets(),
      this.#sse,
      driverOf,
    );
  }

  #hold(id: string, dueAt: number) {
    if (this.#pending.has(id)) return;
    this.#pending.add(id);
    this.ctx.storage.sql.exec("INSERT INTO live_pending (alert_id, due_at) VALUES (?, ?) ON CONFLICT (alert_id) DO NOTHING", id, dueAt);
  }

  #sent(id: string, now: number) {
    if (this.#pending.delete(id)) this.ctx.storage.sql.exec("DELETE FROM live_pending WHERE alert_id = ?", id);
    this.#lastSent.set(id, now);
    if (this.#lastSent.size > 1000) for (const [key, at] of this.#lastSent) if (now - at >= LIVE_COALESCE_MS) this.#lastSent.delete(key);
  }

  broadcastWorkOrder(workOrder: Record<string, unknown>) {
    broadcastWorkOrder(workOrder, this.ctx.getWebSockets(), this.#sse);
  }

  #openSse(viewer: Viewer, request: Request, driverOf: DriverOf): Response {
    const since = Number(request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("since") ?? Number.NaN);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const client: SseClient = { viewer, writer: writable.getWriter() };
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

/** Closes a socket the client closed or that failed; it may be closed already. */
export function closeQuietly(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // already closed
  }
}

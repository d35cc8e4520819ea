/**
 * One WebSocket to /api/live for the whole app, opened with a single-use ticket (`?ticket=`, from
 * POST /api/live/ticket with the session cookie) so no token ever sits in a URL,
 * shared by every screen that follows the live stream (Live alerts, Overview, work orders).
 * Opened by the first subscriber, closed shortly after the last leaves; after an unexpected drop
 * it reconnects with backoff and resumes from the last seq it saw, so nothing is lost.
 */
import { useEffect, useRef, useSyncExternalStore } from "react";
import type { ServerMessage } from "../../worker/domain/live-protocol";
import { apiFetch } from "./api";
import { endRejected, onSessionEnd, session } from "./session";

export type LiveState = "connecting" | "live" | "reconnecting";
type Listener = (message: ServerMessage) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<() => void>();
let state: LiveState = "connecting";
let socket: WebSocket | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let idleClose: ReturnType<typeof setTimeout> | undefined;
let attempts = 0;
/** The last seq seen on this connection; null on a fresh start (no replay of what came before). */
let lastSeq: number | null = null;
/** The close code of a socket whose session was revoked or expired (docs/security.md). */
const SESSION_ENDED = 4001;

function setState(next: LiveState) {
  if (state === next) return;
  state = next;
  for (const listener of stateListeners) listener();
}

function receive(message: ServerMessage) {
  if (message.type === "hello") {
    attempts = 0;
    setState("live");
    // After a reconnect, ask for everything missed since the last event seen.
    if (lastSeq !== null && lastSeq < message.seq) socket?.send(JSON.stringify({ type: "resume", since: lastSeq }));
    else lastSeq = message.seq;
  } else if (message.type === "alert" || message.type === "alert.updated") {
    lastSeq = Math.max(lastSeq ?? 0, message.seq);
  }
  for (const listener of listeners) listener(message);
}

/** A ticket for one socket (30 seconds, single use); null when signed out, refused or offline. */
async function liveTicket(): Promise<string | null> {
  try {
    const response = await apiFetch("/api/live/ticket", { method: "POST" });
    return response.ok ? ((await response.json()) as { ticket: string }).ticket : null;
  } catch {
    return null;
  }
}

function scheduleRetry() {
  setState("reconnecting");
  retry = setTimeout(() => void connect(), Math.min(10_000, 500 * 2 ** attempts++));
}

/** Set while a ticket is being fetched, so two subscribers do not open two sockets. */
let opening = false;

async function connect() {
  const signedIn = session.get();
  if (!signedIn || !listeners.size || opening) return;
  opening = true;
  const ticket = await liveTicket();
  opening = false;
  // Signed out, left, or another connect won meanwhile.
  if (!session.get() || session.get()?.id !== signedIn.id || !listeners.size || socket) return;
  if (!ticket) return scheduleRetry();
  const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/api/live?ticket=${encodeURIComponent(ticket)}`);
  socket = ws;
  ws.onmessage = (event) => {
    if (socket === ws) receive(JSON.parse(String(event.data)) as ServerMessage);
  };
  ws.onclose = (event) => {
    if (socket !== ws) return;
    socket = null;
    // 4001: the access token the socket was opened under expired or was revoked. If the session
    // has been extended since, a new ticket opens the next socket (resuming from the last seq);
    // otherwise the session is over.
    if (event.code === SESSION_ENDED) {
      const current = session.get();
      if (!current || current.expiresAt <= Date.now() + 5_000) return endRejected();
    }
    scheduleRetry();
  };
}

function disconnect() {
  clearTimeout(retry);
  const ws = socket;
  socket = null;
  ws?.close(1000, "leaving");
  lastSeq = null;
  attempts = 0;
  setState("connecting");
}

// A signed-out user's socket must not stay open.
onSessionEnd(disconnect);

/** Receives every live message while subscribed; the first subscriber opens the socket. */
export function subscribeLive(listener: Listener): () => void {
  listeners.add(listener);
  clearTimeout(idleClose);
  if (!socket && listeners.size === 1) {
    clearTimeout(retry);
    void connect();
  }
  return () => {
    listeners.delete(listener);
    // Moving between two live screens keeps the socket: the next one subscribes right after.
    if (!listeners.size) idleClose = setTimeout(disconnect, 1000);
  };
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    () => state,
  );
}

/** Calls the latest `handler` for every live message while the component is mounted. */
export function useLiveMessages(handler: Listener) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribeLive((message) => latest.current(message)), []);
}

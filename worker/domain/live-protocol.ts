/**
 * The live stream's messages (WebSocket and SSE), shared by the Durable Object and the PWA.
 * Client → server messages are parsed with zod on receipt.
 */
import { z } from "zod";
import type { Alert } from "./alert";

export const ClientMessage = z.discriminatedUnion("type", [z.object({ type: z.literal("resume"), since: z.number().int().min(0) })]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { type: "hello"; seq: number }
  | { type: "alert"; seq: number; alert: Alert }
  /** Any change to an alert: its episode, acknowledge/resolve/snooze, and alert work (assignee, commentCount, reopen). */
  | { type: "alert.updated"; seq: number; alert: Alert }
  | { type: "workorder.updated"; workOrder: Record<string, unknown> }
  | { type: "error"; message: string };

/** The heartbeat pair answered by the runtime without waking a hibernated object. */
export const HEARTBEAT = { request: '{"type":"ping"}', response: '{"type":"pong"}' } as const;

/** Live stream header naming the viewer, set by the Worker after it verified the token (never by the client). */
export const VIEWER_HEADER = "x-fleetpulse-viewer";

/**
 * Live sockets end with their token (docs/security.md): each WebSocket is tagged with its user,
 * its token id and the token's expiry, so a logout or revocation closes the matching sockets at
 * once (`closeSessions`, called by the Worker) and the object's alarm closes expired ones
 * (`closeExpiredSessions` + `armSessionExpiry`). `resume` replays are rate-limited per user.
 */

/** The token facts the Worker adds to the viewer it hands the object. */
export interface SessionFacts {
  userId: string;
  jti?: string;
  /** The sign-in (refresh family) of the token: ending it closes every socket of that sign-in. */
  fam?: string;
  /** Token expiry, epoch seconds. */
  exp?: number;
}

/** Close code for a socket whose token expired or was revoked: the client should sign in again. */
export const SESSION_ENDED = 4001;

export const sessionTags = (s: SessionFacts) => [
  `user:${s.userId}`,
  ...(s.jti ? [`jti:${s.jti}`] : []),
  // Tagged like a token id, so `closeSessions(…, familyId)` (endSessions RPC) closes the whole sign-in.
  ...(s.fam ? [`jti:${s.fam}`] : []),
  ...(s.exp ? [`exp:${s.exp}`] : []),
];

const tagValue = (ctx: DurableObjectState, ws: WebSocket, prefix: string) =>
  ctx
    .getTags(ws)
    .find((t) => t.startsWith(prefix))
    ?.slice(prefix.length);

function end(ws: WebSocket, reason: string) {
  try {
    ws.close(SESSION_ENDED, reason);
  } catch {
    // already closed
  }
}

/** Closes the sockets of one token (`jti`) or sign-in (its family id), or of every token of the user; returns how many. */
export function closeSessions(ctx: DurableObjectState, userId: string, jti?: string): number {
  const sockets = ctx.getWebSockets(jti ? `jti:${jti}` : `user:${userId}`);
  for (const ws of sockets) end(ws, "session ended");
  return sockets.length;
}

/** Closes every socket whose token has expired by `nowMs`. */
export function closeExpiredSessions(ctx: DurableObjectState, nowMs = Date.now()) {
  for (const ws of ctx.getWebSockets()) {
    const exp = Number(tagValue(ctx, ws, "exp:"));
    if (exp && exp * 1000 <= nowMs) end(ws, "token expired");
  }
}

/** Makes the object's alarm fire by the earliest expiry of an open socket (never later than it is set). */
export async function armSessionExpiry(ctx: DurableObjectState) {
  const exps = ctx
    .getWebSockets()
    .map((ws) => Number(tagValue(ctx, ws, "exp:")))
    .filter((exp) => exp > 0);
  if (!exps.length) return;
  const at = Math.min(...exps) * 1000;
  const current = await ctx.storage.getAlarm();
  if (current === null || current > at) await ctx.storage.setAlarm(at);
}

/** False (after telling the socket) when the socket's user has replayed too often this minute. */
export async function resumeAllowed(ctx: DurableObjectState, limiter: RateLimit, ws: WebSocket): Promise<boolean> {
  const userId = tagValue(ctx, ws, "user:");
  if (!userId) return true;
  const { success } = await limiter.limit({ key: `resume:${userId}` });
  if (!success) ws.send(JSON.stringify({ type: "error", message: "Too many resume requests. Try again in 60 seconds." }));
  return success;
}

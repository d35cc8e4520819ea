/**
 * Extending the session: POST /api/auth/refresh with the HttpOnly refresh cookie (the browser
 * sends it; no script sees it). The server rotates the refresh token on each use and ends the
 * sign-in if a used one comes back, so tabs take turns (a Web Lock) and a tab that finds the
 * session already extended by another while it waited does not refresh again.
 */
import { endRejected, localExpiries, session } from "./session";

const LOCK = "fleetpulse-session-refresh";

export type RefreshResult = "extended" | "ended" | "offline";

async function post(): Promise<RefreshResult> {
  let response: Response;
  try {
    response = await fetch("/api/auth/refresh", { method: "POST", credentials: "same-origin" });
  } catch {
    return "offline";
  }
  if (response.status === 401 || response.status === 403) {
    endRejected();
    return "ended";
  }
  if (!response.ok) return "offline";
  const body = (await response.json()) as { expiresAt: string; expiresInSeconds: number; refreshExpiresAt: string };
  const { expiresAt, refreshExpiresAt } = localExpiries(body);
  session.extend(expiresAt, refreshExpiresAt);
  return "extended";
}

/** Extends the session once across every tab of this origin. */
export function refreshSession(): Promise<RefreshResult> {
  const before = session.get();
  if (!before) return Promise.resolve("ended");
  const run = async (): Promise<RefreshResult> => {
    const now = session.get();
    if (!now || now.id !== before.id) return "ended";
    // Another tab extended it while this one waited for the lock (the storage event told us).
    if (now.expiresAt > before.expiresAt) return "extended";
    return await post();
  };
  if (!navigator.locks) return run();
  // The lock resolves with what `run` resolves to (its typing nests the promise).
  return navigator.locks.request(LOCK, run) as unknown as Promise<RefreshResult>;
}

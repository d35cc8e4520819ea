/**
 * The signed-in session: who is signed in and until when, kept in localStorage so it survives
 * reloads (online or offline) until the access cookie's expiry. The tokens themselves live in
 * HttpOnly cookies (docs/security.md): no script here can read them, and nothing here stores one.
 */
import type { Role, User } from "./api-types";

export interface Session {
  /** This sign-in on this device (random): tells a late answer of an older session from the current one. */
  id: string;
  user: User;
  /** The organization slug typed at sign-in (the API only returns the tenant id). */
  tenant: string;
  /** Access cookie expiry, epoch milliseconds: refreshed before then, or the session ends. */
  expiresAt: number;
  /** End of the sign-in (the refresh family), epoch milliseconds: no refresh goes past it. */
  refreshExpiresAt: number;
}

const KEY = "fleetpulse.session";

/**
 * The server's expiries on this device's clock: `expiresInSeconds` counts from now, so a device
 * whose clock is off still warns and refreshes in time; the sign-in's end moves by the same offset.
 */
export function localExpiries(answer: { expiresAt: string; expiresInSeconds: number; refreshExpiresAt: string }) {
  const expiresAt = Date.now() + answer.expiresInSeconds * 1000;
  const offset = expiresAt - Date.parse(answer.expiresAt);
  return { expiresAt, refreshExpiresAt: Date.parse(answer.refreshExpiresAt) + offset };
}

export const STAFF_ROLES: readonly Role[] = ["admin", "manager", "technician"];
export const isStaff = (role: Role) => STAFF_ROLES.includes(role);

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session & { token?: unknown };
    // An entry from before cookie sessions held the token itself: it goes, and with it that sign-in.
    if ("token" in session) {
      localStorage.removeItem(KEY);
      return null;
    }
    if (typeof session.id !== "string" || typeof session.expiresAt !== "number" || !session.user) return null;
    if (session.expiresAt <= Date.now()) {
      localStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = read();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
/** Why the last session ended, shown once on the sign-in screen. */
let endReason: string | null = null;

export const EXPIRED = "Your session has expired. Please sign in again.";
export const REVOKED = "Your session ended: you were signed out on another device or by an administrator. Please sign in again.";

/**
 * How a session ended. `signedOut` (a sign-out here or elsewhere, a deactivation): the device
 * forgets the user's cached answers and queued offline actions. Expiry keeps the queued actions
 * for the same user's next sign-in.
 */
export interface SessionEnded {
  userId: string;
  signedOut: boolean;
}

function emit() {
  for (const listener of listeners) listener();
}

function armExpiry() {
  clearTimeout(expiryTimer);
  if (!current) return;
  // setTimeout overflows past ~24.8 days; re-check daily in that case.
  const wait = Math.min(current.expiresAt - Date.now(), 86_400_000);
  expiryTimer = setTimeout(
    () => {
      if (current && current.expiresAt <= Date.now()) end(EXPIRED, false);
      else armExpiry();
    },
    Math.max(wait, 0),
  );
}
armExpiry();

// Another tab signed in or out; this tab closes what belonged to the old session (its socket).
window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  const before = current;
  current = read();
  armExpiry();
  if (before && before.id !== current?.id) {
    const expired = before.expiresAt <= Date.now() + 5_000;
    if (!current) endReason = expired ? EXPIRED : null;
    runEndHooks({ userId: before.user.id, signedOut: !current && !expired });
  }
  emit();
});

const endHooks = new Set<(ended: SessionEnded) => void>();
/** Runs when a session ends (sign-out, revocation or expiry): used to drop what was the user's. */
export function onSessionEnd(hook: (ended: SessionEnded) => void) {
  endHooks.add(hook);
}
function runEndHooks(ended: SessionEnded) {
  for (const hook of endHooks) hook(ended);
}

export const session = {
  get: () => current,
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  start(user: User, tenant: string, expiresAt: number, refreshExpiresAt: number) {
    current = { id: crypto.randomUUID(), user, tenant, expiresAt, refreshExpiresAt };
    endReason = null;
    localStorage.setItem(KEY, JSON.stringify(current));
    armExpiry();
    emit();
  },
  /** A refresh moved the access cookie's expiry (here or in another tab: the storage event carries it). */
  extend(expiresAt: number, refreshExpiresAt: number) {
    if (!current) return;
    current = { ...current, expiresAt, refreshExpiresAt };
    localStorage.setItem(KEY, JSON.stringify(current));
    armExpiry();
    emit();
  },
  updateUser(user: User) {
    if (!current) return;
    current = { ...current, user };
    localStorage.setItem(KEY, JSON.stringify(current));
    emit();
  },
  /** Reads (and clears) the reason the previous session ended. */
  takeEndReason() {
    const reason = endReason;
    endReason = null;
    return reason;
  },
};

/** Ends the session here; `signedOut` is false only for an expiry (see `SessionEnded`). */
export function end(reason: string | null = null, signedOut = true) {
  if (!current) return;
  const userId = current.user.id;
  current = null;
  endReason = reason;
  clearTimeout(expiryTimer);
  localStorage.removeItem(KEY);
  runEndHooks({ userId, signedOut });
  emit();
}

/**
 * The server no longer accepts the token (a 401, or the live socket closed with 4001): past its
 * `exp` it expired, before it the session was revoked (signed out elsewhere, or deactivated).
 */
export function endRejected() {
  if (!current) return;
  const expired = current.expiresAt <= Date.now() + 5_000;
  end(expired ? EXPIRED : REVOKED, !expired);
}

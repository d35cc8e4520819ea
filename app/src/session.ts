/**
 * The signed-in session: the API's JWT and who it belongs to, kept in localStorage so it
 * survives reloads (online or offline) until the token's `exp`.
 */
import type { Role, User } from "./api-types";

export interface Session {
  token: string;
  user: User;
  /** The organization slug typed at sign-in (the API only returns the tenant id). */
  tenant: string;
  /** Token expiry, epoch milliseconds; from the JWT's `exp` claim. */
  expiresAt: number;
}

const KEY = "fleetpulse.session";

export const STAFF_ROLES: readonly Role[] = ["admin", "manager", "technician"];
export const isStaff = (role: Role) => STAFF_ROLES.includes(role);

/** `exp` (seconds) from a JWT's payload, or null if the token is not a readable JWT. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== "string" || typeof session.expiresAt !== "number" || !session.user) return null;
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
      if (current && current.expiresAt <= Date.now()) end("Your session has expired. Please sign in again.");
      else armExpiry();
    },
    Math.max(wait, 0),
  );
}
armExpiry();

// Another tab signed in or out.
window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  current = read();
  armExpiry();
  emit();
});

const endHooks = new Set<() => void>();
/** Runs when a session ends (sign-out or expiry): used to drop cached API data. */
export function onSessionEnd(hook: () => void) {
  endHooks.add(hook);
}

export const session = {
  get: () => current,
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  start(token: string, user: User, tenant: string, fallbackExpiresAt: number) {
    current = { token, user, tenant, expiresAt: tokenExpiry(token) ?? fallbackExpiresAt };
    endReason = null;
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

export function end(reason: string | null = null) {
  if (!current) return;
  current = null;
  endReason = reason;
  clearTimeout(expiryTimer);
  localStorage.removeItem(KEY);
  for (const hook of endHooks) hook();
  emit();
}

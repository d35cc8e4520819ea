/**
 * The typed API client (`hc<AppType>`) and the fetch it runs on: authenticated by the HttpOnly
 * session cookie (same-origin requests carry it; no token passes through script), turns
 * problem JSON into `ApiError`s, keeps the last answer of every GET so an offline reload still
 * shows data, and reports whether what the screen shows is live or from that cache.
 */
import { hc } from "hono/client";
import type { AppType, Client, Problem } from "./api-types";
import { connectivity } from "./connectivity";
import { end, endRejected, onSessionEnd, session } from "./session";

/** Shared with the service worker (src/sw.ts), which fills it network-first as well. */
export const API_CACHE = "fleetpulse-api-v1";
/** Set on responses the service worker or this module answered from the cache (epoch ms). */
export const CACHED_AT_HEADER = "x-fleetpulse-cached-at";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** The network could not be reached and nothing was cached for this request. */
export class OfflineError extends Error {
  constructor() {
    super("You are offline and this has not been loaded on this device before.");
  }
}

function retryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readCache(url: string): Promise<Response | undefined> {
  if (!("caches" in self)) return undefined;
  const cache = await caches.open(API_CACHE);
  return (await cache.match(url)) ?? undefined;
}

async function writeCache(url: string, response: Response) {
  if (!("caches" in self)) return;
  const headers = new Headers(response.headers);
  headers.set(CACHED_AT_HEADER, String(Date.now()));
  const body = await response.arrayBuffer();
  const cache = await caches.open(API_CACHE);
  await cache.put(url, new Response(body, { status: response.status, statusText: response.statusText, headers }));
}

/**
 * Every Cache Storage cache except the app shell's precache (workbox, no user data): whatever a
 * future cache holds, a signed-out user's answers do not stay on the device.
 */
export async function clearUserCaches() {
  if (!("caches" in self)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((name) => !name.startsWith("workbox-precache")).map((name) => caches.delete(name)));
}

onSessionEnd(() => {
  // Cached answers belong to the user who fetched them.
  void clearUserCaches().catch(() => {});
});

/** The fetch under the typed client. */
export async function apiFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const request = new Request(input, { credentials: "same-origin", ...init });
  // Which sign-in this request was made under (the cookie is the browser's to send).
  const sessionId = session.get()?.id;
  const isGet = request.method === "GET";
  let response: Response;
  try {
    response = await fetch(request);
  } catch {
    // Network down (or the service worker had nothing cached either).
    if (isGet) {
      const cached = await readCache(request.url);
      if (cached) {
        connectivity.showingCached(Number(cached.headers.get(CACHED_AT_HEADER)) || Date.now());
        return cached;
      }
    }
    connectivity.requestFailed();
    throw new OfflineError();
  }
  const cachedAt = response.headers.get(CACHED_AT_HEADER);
  if (cachedAt) {
    // The service worker answered from its cache: the network failed on its side.
    connectivity.showingCached(Number(cachedAt) || Date.now());
  } else if (isGet && response.ok) {
    connectivity.live();
    // The service worker caches what it fetches itself; before it controls the page we do.
    if (!navigator.serviceWorker?.controller) void writeCache(request.url, response.clone()).catch(() => {});
  }
  // Only the session this request was made under: a late 401 must not end a newer one.
  if (response.status === 401 && sessionId && sessionId === session.get()?.id) endRejected();
  return response;
}

/**
 * Signs out here at once (cached answers and this user's queued actions go, through the session
 * end hooks), and tells the server (best effort) so the sign-in ends, its cookies are cleared and
 * its live sockets close; offline, the access cookie stays valid on the server until it expires.
 */
export function signOut() {
  const signedIn = session.get();
  end();
  if (signedIn) void fetch("/api/auth/logout", { method: "POST", credentials: "same-origin", keepalive: true }).catch(() => {});
}

export const client: Client = hc<AppType>(location.origin, { fetch: apiFetch });

type SuccessJson<R> = R extends { ok: true; json(): Promise<infer T> } ? T : never;
interface AnyResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: Headers;
  json(): Promise<unknown>;
}

/** Resolves to the JSON of a 2xx response; otherwise throws an `ApiError` built from the problem body. */
export async function unwrap<R extends AnyResponse>(pending: Promise<R>): Promise<SuccessJson<R>> {
  const response = await pending;
  if (response.ok) return (await response.json()) as SuccessJson<R>;
  let problem: Problem = { status: response.status, title: response.statusText };
  try {
    problem = (await response.json()) as Problem;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, problem, retryAfter(response.headers.get("retry-after")));
}

/** A one-line, human message for any error a screen may get while loading. */
export function describeError(error: unknown): string {
  if (error instanceof OfflineError) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 404) return "This was not found. It may have been removed, or it is not visible to your account.";
    if (error.status === 403) return "Your role does not have access to this.";
    if (error.status === 429) return `Too many requests. Please wait ${error.retryAfterSeconds ?? 60} seconds and try again.`;
    if (error.status >= 500) return "The server had a problem. Please try again in a moment.";
    return error.problem.detail ?? error.problem.title ?? `The request failed (HTTP ${error.status}).`;
  }
  return "Something went wrong. Please try again.";
}

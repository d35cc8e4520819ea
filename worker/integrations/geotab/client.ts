import type { GeotabConfig } from "../config";

/**
 * The few MyGeotab JSON-RPC calls the poller needs (`Authenticate`, `GetFeed`, `Get`), over an
 * injectable `fetch` so a stand-in can play Geotab in tests and development.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export class GeotabError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

export interface GeotabSession {
  url: string;
  credentials: { database: string; userName: string; sessionId: string };
}

// MyGeotab spreads databases over federated servers; only those hosts are ever followed.
const GEOTAB_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.geotab(gov)?\.com$/i;

/**
 * The JSON-RPC endpoint on `server`. With the production base (a geotab.com host) the host is
 * swapped for the tenant's server; any other base (a local stand-in) is used as it is.
 */
export function geotabUrl(base: string, server: string): string {
  const url = new URL(base);
  if (!GEOTAB_HOST.test(url.hostname)) return url.toString();
  if (!GEOTAB_HOST.test(server)) throw new GeotabError("InvalidServer", `"${server}" is not a MyGeotab server`);
  url.hostname = server;
  return url.toString();
}

interface RpcError {
  name?: string;
  message?: string;
  data?: { type?: string };
  errors?: { name?: string; message?: string }[];
}

async function rpc<T>(fetchImpl: FetchLike, url: string, method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetchImpl(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ method, params }),
  });
  if (!res.ok) throw new GeotabError("HttpError", `${method} answered HTTP ${res.status}`);
  const body = (await res.json()) as { result?: T; error?: RpcError };
  if (body.error) {
    const type = body.error.errors?.[0]?.name ?? body.error.data?.type ?? body.error.name ?? "JSONRPCError";
    throw new GeotabError(type, body.error.message ?? method);
  }
  if (body.result === undefined) throw new GeotabError("JSONRPCError", `${method} returned no result`);
  return body.result;
}

/** Signs in; follows the `path` Geotab answers when the database lives on another server. */
export async function authenticate(fetchImpl: FetchLike, baseUrl: string, config: GeotabConfig): Promise<GeotabSession> {
  const url = geotabUrl(baseUrl, config.server);
  const result = await rpc<{ credentials: GeotabSession["credentials"]; path?: string }>(fetchImpl, url, "Authenticate", {
    database: config.database,
    userName: config.userName,
    password: config.password,
  });
  const moved = result.path && result.path !== "ThisServer" ? geotabUrl(url, result.path) : url;
  return { url: moved, credentials: result.credentials };
}

export interface FeedPage {
  data: unknown[];
  toVersion: string;
}

/** One page of a feed from `fromVersion`; without one, the feed is seeded by `search` (e.g. `fromDate`). */
export function getFeed(
  fetchImpl: FetchLike,
  session: GeotabSession,
  typeName: string,
  fromVersion: string | undefined,
  resultsLimit: number,
  search?: Record<string, unknown>,
): Promise<FeedPage> {
  return rpc<FeedPage>(fetchImpl, session.url, "GetFeed", {
    typeName,
    ...(fromVersion ? { fromVersion } : { search }),
    resultsLimit,
    credentials: session.credentials,
  });
}

/** `Get` of an entity type, e.g. the devices (for their serial numbers) or one diagnostic by id. */
export function getEntities<T>(
  fetchImpl: FetchLike,
  session: GeotabSession,
  typeName: string,
  resultsLimit: number,
  search?: Record<string, unknown>,
): Promise<T[]> {
  return rpc<T[]>(fetchImpl, session.url, "Get", {
    typeName,
    ...(search ? { search } : {}),
    resultsLimit,
    credentials: session.credentials,
  });
}

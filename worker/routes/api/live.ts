import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { VIEWER_HEADER } from "../../domain/live-protocol";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { tenantHub } from "../../lib/hub";
import { type TokenClaims, verifyToken } from "../../lib/jwt";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize, bearerToken } from "../../middleware/authorize";
import { requestToken } from "../../middleware/request-token";
import { bearerSecurity, errors, json } from "../../schemas/common";
import { sessionRole } from "../../services/sessions";
import { technicianOfUser } from "../../services/shop";
import { issueTicket, LIVE_TICKET_SECONDS, redeemTicket } from "../../services/url-tickets";

/** How often an open SSE stream re-checks its token (expiry, logout, revocation). */
const SSE_SESSION_CHECK_MS = 10_000;

/** Token from `Authorization`, `?token=` or the `bearer.<token>` WebSocket subprotocol. */
function liveToken(request: Request, query: string | undefined): string | undefined {
  const protocols =
    request.headers
      .get("sec-websocket-protocol")
      ?.split(",")
      .map((p) => p.trim()) ?? [];
  const fromProtocol = protocols.find((p) => p.startsWith("bearer."))?.slice("bearer.".length);
  return bearerToken(request.headers.get("authorization") ?? undefined, query) ?? fromProtocol;
}

/**
 * An SSE stream that ends when its token does: the object keeps WebSockets (it closes those
 * itself, durable-objects/live-sessions.ts); this Worker request holds the stream, so it checks.
 */
function untilSessionEnds(body: ReadableStream<Uint8Array>, env: Env, claims: TokenClaims): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const stop = new AbortController();
  let open = true;
  body
    .pipeTo(writable, { signal: stop.signal })
    .catch(() => undefined)
    .finally(() => {
      open = false;
    });
  void (async () => {
    while (open) {
      await new Promise((resolve) => setTimeout(resolve, SSE_SESSION_CHECK_MS));
      if (open && (Date.now() >= claims.exp * 1000 || !(await sessionRole(env.DB, claims)))) stop.abort("session ended");
    }
  })();
  return readable;
}

/**
 * The session behind a live request: a single-use `?ticket=` (the app), else a token (API
 * clients: header, `?token=` or the subprotocol — a token in a URL lands in logs; docs/security.md).
 */
async function liveClaims(env: Env, request: Request): Promise<TokenClaims | null> {
  const url = new URL(request.url);
  const ticket = url.searchParams.get("ticket");
  if (ticket !== null) return (await redeemTicket<TokenClaims>(env.DB, "live", ticket))?.payload ?? null;
  const token = liveToken(request, url.searchParams.get("token") ?? undefined);
  return token ? await verifyToken(token, env.JWT_SECRET) : null;
}

/** Verifies the caller and its session, then hands the request to the tenant's object with who is watching. */
async function toRoom(env: Env, request: Request) {
  const claims = await liveClaims(env, request);
  const role = claims && claims.exp * 1000 > Date.now() && (await sessionRole(env.DB, claims));
  if (!claims || !role) throw new AppError("unauthorized", "A valid token or ticket is required.");
  // A technician's stream carries only the work orders it may read (open ones and its own).
  const technicianId =
    role === "technician" ? ((await technicianOfUser(database(env.DB), claims.tenantId, claims.userId))?.id ?? null) : undefined;
  // The token id, its sign-in and expiry let the object close this socket on logout, revocation or expiry.
  const viewer = JSON.stringify({
    userId: claims.userId,
    role,
    tenantId: claims.tenantId,
    jti: claims.jti,
    fam: claims.fam,
    exp: claims.exp,
    technicianId,
  });
  const forwarded = new Request(request);
  forwarded.headers.set(VIEWER_HEADER, viewer);
  const response = await tenantHub(env, claims.tenantId).fetch(forwarded);
  const body = response.body && !response.webSocket ? untilSessionEnds(response.body, env, claims) : response.body;
  // A stub's response has immutable headers; rebuild it so middleware can add its own.
  return new Response(body, { status: response.status, headers: response.headers, webSocket: response.webSocket });
}

const ticketRoute = createRoute({
  method: "post",
  path: "/ticket",
  summary: "A single-use ticket (30 seconds) to open the live stream with ?ticket= instead of a token in the URL",
  tags: ["Live"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  responses: {
    201: json(z.object({ ticket: z.string(), expiresAt: z.string() }).openapi("LiveTicket"), "Ticket"),
    401: errors[401],
    403: errors[403],
  },
});

const ws = createRoute({
  method: "get",
  path: "/",
  summary: "Live alert stream over WebSocket (?ticket= from POST /api/live/ticket; API clients: ?token= or subprotocol bearer.<token>)",
  tags: ["Live"],
  responses: {
    101: { description: "Switching protocols; see docs/api.md for the messages" },
    401: errors[401],
    426: { description: "Not a WebSocket upgrade" },
  },
});
const sse = createRoute({
  method: "get",
  path: "/sse",
  summary: "The same stream as Server-Sent Events (id = seq; honours Last-Event-ID; ?ticket=, Authorization or ?token=)",
  tags: ["Live"],
  responses: { 200: { description: "text/event-stream" }, 401: errors[401] },
});

export const liveRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(ticketRoute, async (c) => {
    // authorize has verified the token (header or the app's cookie); the ticket stands for that session.
    const claims = (await verifyToken(requestToken(c)!, c.env.JWT_SECRET))!;
    const { ticket, expiresAt } = await issueTicket(c.env.DB, "live", claims, claims, LIVE_TICKET_SECONDS);
    c.header("cache-control", "no-store");
    return c.json({ ticket, expiresAt: new Date(expiresAt).toISOString() }, 201);
  })
  .openapi(ws, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new AppError("upgrade_required");
    }
    return (await toRoom(c.env, c.req.raw)) as never;
  })
  .openapi(sse, async (c) => (await toRoom(c.env, c.req.raw)) as never);

import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { VIEWER_HEADER } from "../../domain/live-protocol";
import type { AppEnv } from "../../env";
import { tenantHub } from "../../lib/hub";
import { type TokenClaims, verifyToken } from "../../lib/jwt";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { bearerToken } from "../../middleware/authorize";
import { errors } from "../../schemas/common";
import { sessionRole } from "../../services/sessions";

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

/** Verifies the caller and its session, then hands the request to the tenant's object with who is watching. */
async function toRoom(env: Env, request: Request, token: string | undefined) {
  const claims = token ? await verifyToken(token, env.JWT_SECRET) : null;
  const role = claims && (await sessionRole(env.DB, claims));
  if (!claims || !role) throw new AppError("unauthorized", "A valid token is required.");
  // The token id and expiry let the object close this socket on logout, revocation or expiry.
  const viewer = JSON.stringify({ userId: claims.userId, role, tenantId: claims.tenantId, jti: claims.jti, exp: claims.exp });
  const forwarded = new Request(request);
  forwarded.headers.set(VIEWER_HEADER, viewer);
  const response = await tenantHub(env, claims.tenantId).fetch(forwarded);
  const body = response.body && !response.webSocket ? untilSessionEnds(response.body, env, claims) : response.body;
  // A stub's response has immutable headers; rebuild it so middleware can add its own.
  return new Response(body, { status: response.status, headers: response.headers, webSocket: response.webSocket });
}

const ws = createRoute({
  method: "get",
  path: "/",
  summary: "Live alert stream over WebSocket (token as ?token= or subprotocol bearer.<token>)",
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
  summary: "The same stream as Server-Sent Events (id = seq; honours Last-Event-ID)",
  tags: ["Live"],
  responses: { 200: { description: "text/event-stream" }, 401: errors[401] },
});

export const liveRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(ws, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new AppError("upgrade_required");
    }
    return (await toRoom(c.env, c.req.raw, liveToken(c.req.raw, c.req.query("token")))) as never;
  })
  .openapi(sse, async (c) => (await toRoom(c.env, c.req.raw, liveToken(c.req.raw, c.req.query("token")))) as never);

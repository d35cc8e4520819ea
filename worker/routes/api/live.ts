import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { VIEWER_HEADER } from "../../domain/live-protocol";
import type { AppEnv } from "../../env";
import { tenantHub } from "../../lib/hub";
import { verifyToken } from "../../lib/jwt";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { bearerToken } from "../../middleware/authorize";
import { errors } from "../../schemas/common";

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

/** Verifies the caller, then hands the request to the tenant's object with who is watching. */
async function toRoom(env: Env, request: Request, token: string | undefined) {
  const claims = token ? await verifyToken(token, env.JWT_SECRET) : null;
  if (!claims) throw new AppError("unauthorized", "A valid token is required.");
  const viewer = JSON.stringify({ userId: claims.userId, role: claims.role, tenantId: claims.tenantId });
  const forwarded = new Request(request);
  forwarded.headers.set(VIEWER_HEADER, viewer);
  const response = await tenantHub(env, claims.tenantId).fetch(forwarded);
  // A stub's response has immutable headers; rebuild it so middleware can add its own.
  return new Response(response.body, { status: response.status, headers: response.headers, webSocket: response.webSocket });
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

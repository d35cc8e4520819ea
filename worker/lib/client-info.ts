import type { Context } from "hono";

/** Caller's address and agent as Cloudflare reports them (loopback under wrangler dev). */
export function clientInfo(c: Context) {
  return {
    ip: c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "127.0.0.1",
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
  };
}

/** OpenAPI pieces for optimistic concurrency (worker/lib/etag.ts): the If-Match header, the ETag header and the 412. */
import type { z } from "@hono/zod-openapi";
import { ProblemSchema } from "./common";

/**
 * The optional If-Match request header, documented as an OpenAPI parameter rather than validated
 * by a zod `headers` schema: a schema would make `header` a required argument of every typed
 * client call of the route, while the header is optional. Handlers read it with `c.req.header`.
 */
export const ifMatchParameter = {
  name: "if-match",
  in: "header" as const,
  required: false,
  description: "The ETag read with GET: the change applies only if the resource is still at that version (else 412)",
  schema: { type: "string" as const },
};

export const etagHeader = {
  etag: { description: "The version of the resource's editable state, for If-Match", schema: { type: "string" as const } },
};

/** A response whose body is `schema`, with the resource's ETag. */
export const withEtag = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  headers: etagHeader,
  content: { "application/json": { schema } },
});

export const precondition412 = (current: z.ZodType) => ({
  description: "If-Match names an older version: nothing changed; `current` is the resource now, its ETag in the `etag` header",
  headers: etagHeader,
  content: { "application/problem+json": { schema: ProblemSchema.extend({ current }) } },
});

import { z } from "@hono/zod-openapi";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    requestId: z.string().optional().openapi({ description: "Same as the x-request-id header; quote it when reporting an error" }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** Standard error responses, spread into each route's `responses`. */
export const errors = {
  400: problem("Invalid request: `errors` names every bad field"),
  401: problem("Missing, invalid or expired token"),
  403: problem("Role not allowed"),
  404: problem("Not found in the caller's scope"),
  409: problem("Conflict"),
  413: problem("Body over 1 MiB"),
  429: problem("Too many requests; see retry-after"),
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A required JSON request body (so a wrong content type is validated, not skipped). */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const IsoDate = z.iso.datetime({ offset: true });

export const bearerSecurity = [{ bearerAuth: [] }];

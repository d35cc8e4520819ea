import { z } from "@hono/zod-openapi";

/** Group names (depot, region, vehicle type): trimmed, each at most once; empty = all. */
export const GroupList = z
  .array(z.string().trim().min(1).max(60))
  .max(20)
  .refine((l) => new Set(l).size === l.length, "Each group at most once")
  .openapi({ example: ["depot-north"], description: "Groups (depot, region, vehicle type); empty = all" });

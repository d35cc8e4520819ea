/** Alert work: assigning an alert, its comment thread (docs/alert-work.md). */
import { z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "./common";

export const AssigneeBody = z
  .strictObject({
    userId: z.string().min(1).max(64).nullable().openapi({ description: "An active user of the tenant; null unassigns" }),
  })
  .openapi("AlertAssigneeChange");

export const CommentBody = z.strictObject({ body: z.string().trim().min(1).max(4000) }).openapi("AlertCommentBody");

export const AlertComment = z
  .object({
    id: z.string(),
    alertId: z.string(),
    body: z.string(),
    author: z.object({ id: z.string(), name: z.string() }),
    createdAt: z.string(),
  })
  .openapi("AlertComment");

export const AlertCommentList = listOf(AlertComment, "AlertCommentList");

/** Oldest first, like a conversation. */
export const CommentQuery = PageQuery;

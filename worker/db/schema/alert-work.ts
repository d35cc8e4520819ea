/** Alert work: the comment thread of an alert (its assignee and comment count live on the alert). */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenantRef } from "./core";

/** Comments on an alert, oldest first; never edited or deleted, so an alert's count only grows. */
export const alertComments = sqliteTable(
  "alert_comments",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    alertId: text("alert_id").notNull(),
    authorId: text("author_id").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
  },
  (t) => [index("alert_comments_alert").on(t.tenantId, t.alertId, t.createdAt, t.id)],
);

export type AlertCommentRow = typeof alertComments.$inferSelect;

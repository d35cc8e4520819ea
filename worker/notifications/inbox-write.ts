/**
 * An in-app notification is two rows: its delivery (`sent` at once) and the inbox item. They are
 * written in one D1 transaction and the item only when the delivery row is new, so a retried
 * planning job neither doubles the item nor leaves a delivery without it.
 */
import { insertRow } from "../db/row-insert";
import { deliveries } from "../db/schema";

/** Inbox item ids are `newId(INBOX_ID_PREFIX, createdAt)`: their key orders a user's inbox by time. */
export const INBOX_ID_PREFIX = "inb";

export interface InboxItemFields {
  id: string;
  tenantId: string;
  userId: string;
  alertId: string | null;
  topic: string | null;
  title: string;
  body: string;
  url: string;
  createdAt: number;
}

/** The two statements, in order, for a D1 batch that may carry more (a planning job's writes). */
export function inAppStatements(d1: D1Database, row: typeof deliveries.$inferInsert, item: InboxItemFields) {
  return [
    insertRow(d1, deliveries, row, "on conflict do nothing"),
    // changes(): rows the statement before changed — 0 when the delivery already existed.
    d1
      .prepare(
        "INSERT INTO inbox_items (id, tenant_id, user_id, alert_id, topic, title, body, url, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1",
      )
      .bind(item.id, item.tenantId, item.userId, item.alertId, item.topic, item.title, item.body, item.url, item.createdAt),
  ];
}

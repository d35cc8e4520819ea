/**
 * Alert work: assign an alert to a person, comment on it, reopen it. The alert itself changes in
 * the tenant's object (the owner of alerts and their `seq`), so each change is one `alert.updated`
 * on the live stream and reaches D1 like any other; the comment thread lives in D1.
 */
import { and, asc, count, eq } from "drizzle-orm";
import { alertComments, users, vehicles } from "../db/schema";
import { database, inTenant, pastCursor } from "../db/client";
import type { Alert, AlertWorkChange } from "../domain/alert";
import type { AuthContext } from "../env";
import { tenantHub } from "../lib/hub";
import { newId } from "../lib/ids";
import { AppError, fieldError } from "../lib/problem";
import { iso } from "../lib/time";

export interface AlertCommentJson {
  id: string;
  alertId: string;
  body: string;
  author: { id: string; name: string };
  createdAt: string;
}

const viewerOf = (auth: AuthContext) => ({ userId: auth.userId, role: auth.role });

/** The alert as its object holds it, if the caller may see it (a driver: its own vehicle's); else 404. */
async function visibleAlert(env: Env, auth: AuthContext, alertId: string): Promise<Alert> {
  const alert = await tenantHub(env, auth.tenantId).alert(auth.tenantId, viewerOf(auth), alertId);
  if (!alert) throw new AppError("not_found", "No such alert.");
  return alert;
}

async function record(env: Env, auth: AuthContext, alertId: string, change: AlertWorkChange): Promise<Alert> {
  const result = await tenantHub(env, auth.tenantId).work(auth.tenantId, viewerOf(auth), alertId, change);
  if (!result.ok) throw new AppError(result.error, result.detail);
  return result.alert;
}

/**
 * Assigns the alert to `userId` (or nobody). The assignee must be an active user of the tenant
 * who can see the alert: staff, or the driver of the alert's vehicle. Otherwise 400 at `userId`.
 */
export async function assignAlert(env: Env, auth: AuthContext, alertId: string, userId: string | null): Promise<Alert> {
  const alert = await visibleAlert(env, auth, alertId);
  if (userId === null) return await record(env, auth, alertId, { action: "assign", assignee: null });
  const db = database(env.DB);
  const [user] = await db
    .select({ id: users.id, name: users.name, role: users.role, active: users.active })
    .from(users)
    .where(inTenant(users, auth.tenantId, eq(users.id, userId)));
  if (!user?.active) throw fieldError("userId", "No active user with this id in your organization.");
  if (user.role === "driver") {
    const [vehicle] = await db
      .select({ driverId: vehicles.driverId })
      .from(vehicles)
      .where(inTenant(vehicles, auth.tenantId, eq(vehicles.id, alert.vehicleId)));
    if (vehicle?.driverId !== user.id) throw fieldError("userId", "A driver can only be assigned alerts of their own vehicle.");
  }
  return await record(env, auth, alertId, { action: "assign", assignee: { id: user.id, name: user.name } });
}

/**
 * Adds a comment to the alert's thread and counts it on the alert. The count handed to the object
 * is the thread's size after the insert, so concurrent comments never lower it.
 */
export async function commentOnAlert(env: Env, auth: AuthContext, alertId: string, body: string): Promise<AlertCommentJson> {
  await visibleAlert(env, auth, alertId);
  const db = database(env.DB);
  const now = Date.now();
  const row = { id: newId("cmt", now), tenantId: auth.tenantId, alertId, authorId: auth.userId, body, createdAt: now };
  const [, [total], [author]] = await db.batch([
    db.insert(alertComments).values(row),
    db
      .select({ n: count() })
      .from(alertComments)
      .where(inTenant(alertComments, auth.tenantId, eq(alertComments.alertId, alertId))),
    db
      .select({ name: users.name })
      .from(users)
      .where(inTenant(users, auth.tenantId, eq(users.id, auth.userId))),
  ]);
  await record(env, auth, alertId, { action: "comment", count: total?.n ?? 1 });
  return commentJson(alertId, { ...row, authorName: author?.name ?? null });
}

export interface CommentRow {
  id: string;
  body: string;
  createdAt: number;
  authorId: string;
  authorName: string | null;
}

export const commentJson = (alertId: string, r: CommentRow): AlertCommentJson => ({
  id: r.id,
  alertId,
  body: r.body,
  author: { id: r.authorId, name: r.authorName ?? "a former user" },
  createdAt: iso(r.createdAt),
});

/** One page of the alert's comments, oldest first (`limit + 1` rows), each with its author's current name. */
export async function listComments(env: Env, auth: AuthContext, alertId: string, limit: number, after?: [number, string]) {
  await visibleAlert(env, auth, alertId);
  const rows: CommentRow[] = await database(env.DB)
    .select({
      id: alertComments.id,
      body: alertComments.body,
      createdAt: alertComments.createdAt,
      authorId: alertComments.authorId,
      authorName: users.name,
    })
    .from(alertComments)
    .leftJoin(users, and(eq(users.id, alertComments.authorId), eq(users.tenantId, alertComments.tenantId)))
    .where(
      inTenant(
        alertComments,
        auth.tenantId,
        eq(alertComments.alertId, alertId),
        pastCursor(alertComments.createdAt, alertComments.id, after, "asc"),
      ),
    )
    .orderBy(asc(alertComments.createdAt), asc(alertComments.id))
    .limit(limit + 1);
  return rows;
}

/** Reopens a resolved alert (409 otherwise). */
export const reopenAlert = (env: Env, auth: AuthContext, alertId: string) => record(env, auth, alertId, { action: "reopen" });

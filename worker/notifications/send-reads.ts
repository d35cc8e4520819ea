/**
 * What sending reads, read once for every delivery a planning job hands over at once (its rows,
 * the alerts they name, the silences active now, the recipients and their push subscriptions)
 * instead of six reads per delivery. Each row is still claimed on its own right before its
 * provider request (./delivery-state.ts), so a change made after these reads (an
 * acknowledgement, a cancellation) still stops a send: the claim finds the row no longer queued.
 */
import { inArray } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { deliveries, pushSubscriptions, users, type Delivery } from "../db/schema";
import { activeSilences, alertIdsOf, cancellable, namedAlerts, type ActiveSilence, type NamedAlert } from "./cancellation";

export interface SendReads {
  rows: Map<string, Delivery>;
  alerts: Map<string, NamedAlert>;
  silences: ActiveSilence[];
  users: Map<string, typeof users.$inferSelect>;
  subscriptions: Map<string, typeof pushSubscriptions.$inferSelect>;
}

/** D1 binds at most 100 parameters per statement. */
async function inChunks<T>(ids: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 90) out.push(...(await read(ids.slice(i, i + 90))));
  return out;
}

export async function readForSending(db: Db, tenantId: string, ids: string[], now: number): Promise<SendReads> {
  const found = await inChunks(ids, (chunk) =>
    db
      .select()
      .from(deliveries)
      .where(inTenant(deliveries, tenantId, inArray(deliveries.id, chunk))),
  );
  const rows = new Map(found.filter((r) => r.status === "queued").map((r) => [r.id, r]));
  const queued = [...rows.values()];
  const alertIds = queued.flatMap((r) => [...(r.alertId ? [r.alertId] : []), ...alertIdsOf(r)]);
  const userIds = [...new Set(queued.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const subIds = queued.flatMap((r) => (r.channel === "push" && r.target ? [r.target] : []));
  const [alerts, silences, people, subs] = await Promise.all([
    alertIds.length ? namedAlerts(db, tenantId, alertIds) : new Map<string, NamedAlert>(),
    queued.some(cancellable) ? activeSilences(db, tenantId, now) : [],
    inChunks(userIds, (chunk) =>
      db
        .select()
        .from(users)
        .where(inTenant(users, tenantId, inArray(users.id, chunk))),
    ),
    inChunks(subIds, (chunk) =>
      db
        .select()
        .from(pushSubscriptions)
        .where(inTenant(pushSubscriptions, tenantId, inArray(pushSubscriptions.id, chunk))),
    ),
  ]);
  return {
    rows,
    alerts,
    silences,
    users: new Map(people.map((u) => [u.id, u])),
    subscriptions: new Map(subs.map((s) => [s.id, s])),
  };
}

/**
 * What sending reads, read once for every delivery a planning job hands over at once (its rows,
 * the alerts they name, the silences active now, the recipients and their push subscriptions)
 * instead of six reads per delivery. Each row is still claimed on its own right before its
 * provider request (./delivery-state.ts), so a change made after these reads (an
 * acknowledgement, a cancellation) still stops a send: the claim finds the row no longer queued.
 */
import { inArray } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { idChunks } from "../lib/id-chunks";
import { deliveries, pushSubscriptions, users, type Delivery } from "../db/schema";
import { resolveSilenceGroups } from "../services/vehicle-groups";
import { activeSilencesQuery, alertIdsOf, cancellable, namedAlertsQuery, type ActiveSilence, type NamedAlert } from "./cancellation";

export interface SendReads {
  rows: Map<string, Delivery>;
  alerts: Map<string, NamedAlert>;
  silences: ActiveSilence[];
  users: Map<string, typeof users.$inferSelect>;
  subscriptions: Map<string, typeof pushSubscriptions.$inferSelect>;
}

/** The rows (one read), then everything sending them needs (one batch of reads). */
export async function readForSending(db: Db, tenantId: string, ids: string[], now: number): Promise<SendReads> {
  const found: Delivery[] = [];
  for (const chunk of idChunks(ids))
    found.push(
      ...(await db
        .select()
        .from(deliveries)
        .where(inTenant(deliveries, tenantId, inArray(deliveries.id, chunk)))),
    );
  const rows = new Map(found.filter((r) => r.status === "queued").map((r) => [r.id, r]));
  const queued = [...rows.values()];
  const alertChunks = idChunks(queued.flatMap((r) => [...(r.alertId ? [r.alertId] : []), ...alertIdsOf(r)]));
  const userChunks = idChunks(queued.flatMap((r) => (r.userId ? [r.userId] : [])));
  const subChunks = idChunks(queued.flatMap((r) => (r.channel === "push" && r.target ? [r.target] : [])));
  const wantsSilences = queued.some(cancellable);
  const queries = [
    ...alertChunks.map((c) => namedAlertsQuery(db, tenantId, c)),
    ...userChunks.map((c) =>
      db
        .select()
        .from(users)
        .where(inTenant(users, tenantId, inArray(users.id, c))),
    ),
    ...subChunks.map((c) =>
      db
        .select()
        .from(pushSubscriptions)
        .where(inTenant(pushSubscriptions, tenantId, inArray(pushSubscriptions.id, c))),
    ),
    ...(wantsSilences ? [activeSilencesQuery(db, tenantId, now)] : []),
  ];
  const results = queries.length ? ((await db.batch(queries as unknown as Parameters<Db["batch"]>[0])) as unknown as unknown[][]) : [];
  let at = 0;
  const take = <T>(n: number) => results.slice(at, (at += n)).flat() as T[];
  const alerts = take<NamedAlert>(alertChunks.length);
  const people = take<typeof users.$inferSelect>(userChunks.length);
  const subs = take<typeof pushSubscriptions.$inferSelect>(subChunks.length);
  const stored = take<Parameters<typeof resolveSilenceGroups>[2][number]>(wantsSilences ? 1 : 0);
  return {
    rows,
    alerts: new Map(alerts.map((a) => [a.id, a])),
    silences: stored.length ? await resolveSilenceGroups(db, tenantId, stored) : [],
    users: new Map(people.map((u) => [u.id, u])),
    subscriptions: new Map(subs.map((s) => [s.id, s])),
  };
}

/**
 * What sending reads, read once for every delivery a planning job hands over at once (its rows,
 * the alerts they name, the silences active now, the recipients and their push subscriptions)
 * instead of six reads per delivery. Each row is still claimed on its own right before its
 * provider request (./delivery-state.ts), so a change made after these reads (an
 * acknowledgement, a cancellation) still stops a send: the claim finds the row no longer queued.
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { ofTenant, type Db } from "../db/client";
import { placeholder, preparedStatements } from "../db/prepared-batch";
import { deliveries, pushSubscriptions, users, type Delivery } from "../db/schema";
import { resolveSilenceGroups } from "../services/vehicle-groups";
import { activeSilencesQuery, namedAlertsQuery, type ActiveSilence, type NamedAlert } from "./cancellation";

export interface SendReads {
  /** The deliveries asked for (`rows` has those of them still queued). */
  ids: Set<string>;
  rows: Map<string, Delivery>;
  alerts: Map<string, NamedAlert>;
  silences: ActiveSilence[];
  users: Map<string, typeof users.$inferSelect>;
  subscriptions: Map<string, typeof pushSubscriptions.$inferSelect>;
}

/**
 * The reads, each built once (`preparedBatch`): the ids are one JSON array parameter, so any
 * number of rows is one statement each, and what the rows name (their alerts, grouped ones
 * included; their recipients; their push subscriptions) is found by subqueries over the queued
 * rows themselves, in the same batch: one D1 round trip (two before: the rows, then what they name).
 * Every lookup goes by id; the tenant is checked on the rows found (`ofTenant`), never used to find
 * them (a tenant's index would walk its whole delivery history: notification-reads.test.ts).
 */
function sendReads(db: Db) {
  const tenantId = placeholder<string>("tenantId");
  const ids = placeholder<string>("ids");
  const listed = sql`${deliveries.id} in (select value from json_each(${ids}))`;
  const queued = (...more: SQL[]) => and(listed, ofTenant(deliveries.tenantId, tenantId), sql`+${deliveries.status} = 'queued'`, ...more);
  // Their own alert, and the alerts a group's message carries (MessageSpec.alerts).
  const namedIds = sql`(select ${deliveries.alertId} from ${deliveries} where ${queued()}
    union select json_extract(named.value, '$.id') from ${deliveries}, json_each(${deliveries.message}, '$.alerts') as named where ${queued()})`;
  const recipients = db.select({ id: deliveries.userId }).from(deliveries).where(queued());
  const subscriptions = db
    .select({ id: deliveries.target })
    .from(deliveries)
    .where(queued(eq(deliveries.channel, "push")));
  return [
    db
      .select()
      .from(deliveries)
      .where(and(listed, ofTenant(deliveries.tenantId, tenantId))),
    namedAlertsQuery(db, tenantId, namedIds),
    db
      .select()
      .from(users)
      .where(and(inArray(users.id, recipients), ofTenant(users.tenantId, tenantId))),
    db
      .select()
      .from(pushSubscriptions)
      .where(and(inArray(pushSubscriptions.id, subscriptions), ofTenant(pushSubscriptions.tenantId, tenantId))),
    activeSilencesQuery(db, tenantId, placeholder<number>("now")),
  ] as const;
}

/**
 * The statements reading these deliveries and everything sending them needs, and how to take their
 * results: for a batch of their own (`readForSending`) or at the end of the planning job's write
 * batch, which then reads the rows it has just written (planning-job.ts).
 */
export function sendReadStatements(db: Db, tenantId: string, ids: string[], now: number) {
  const unique = [...new Set(ids)];
  const { statements, map } = preparedStatements(db, "readForSending", () => sendReads(db), { tenantId, ids: JSON.stringify(unique), now });
  const take = async (results: D1Result[]): Promise<SendReads> => {
    const [found, named, people, subs, stored] = map(results);
    return {
      ids: new Set(unique),
      rows: new Map(found.filter((r) => r.status === "queued").map((r) => [r.id, r])),
      alerts: new Map(named.map((a) => [a.id, a])),
      silences: stored.length ? await resolveSilenceGroups(db, tenantId, stored) : [],
      users: new Map(people.map((u) => [u.id, u])),
      subscriptions: new Map(subs.map((s) => [s.id, s])),
    };
  };
  return { statements, take };
}

/** The rows and everything sending them needs, in one D1 batch. */
export async function readForSending(db: Db, tenantId: string, ids: string[], now: number): Promise<SendReads> {
  const reads = sendReadStatements(db, tenantId, ids, now);
  return reads.take(await db.$client.batch(reads.statements));
}

/**
 * What one planning job reads once and writes once (planner.ts plans each recipient in between):
 * its inputs in one D1 batch (its audience with their preferences and push subscriptions, what an
 * earlier run planned) and its new rows, in-app items and decisions in another.
 * docs/notifications-pipeline.md.
 */
import { eq, isNull, sql } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { insertRow } from "../db/row-insert";
import { alertDecisions, alerts, deliveries, users, type Channel, type Delivery } from "../db/schema";
import { DecisionLog, isoAt } from "./decisions";
import { preferencesFrom, preferencesQuery, type Preferences } from "./preferences";
import {
  audienceQuery,
  pushTargetsFrom,
  pushTargetsQuery,
  recipientsFrom,
  type Audience,
  type PushTargets,
  type ScopedRecipient,
} from "./recipients";
import { namingAlert } from "./alert-deliveries";
import { resumeExisting, type Planned } from "./resume";
import { sendReadStatements, type SendReads } from "./send-reads";

type EarlierRow = { id: string; status: string; dueAt: number | null };
/** What an earlier run of this job planned, by (user, channel, step, target). */
export type PlannedBefore = Map<string, EarlierRow>;
export const plannedKey = (userId: string | null, channel: string, step: number, target: string | null) =>
  `${userId ?? ""}|${channel}|${step}|${target ?? ""}`;

type EarlierFull = EarlierRow & { userId: string | null; channel: string; step: number; target: string | null };

/**
 * The deliveries an earlier run of this alert's planning wrote, read once per job. A first run
 * finds none with one indexed read (the alert's own rows, and whether it has decisions; read with
 * the job's other inputs, below). Only a repeated run (a retried or redelivered job, or an
 * escalation step: rows or decisions exist, or the queue says so) also looks for the groups and
 * digests the alert joined, whose rows name it only in their message, through the alert's
 * decisions (alert-deliveries.ts). A join whose decision an interrupted run never wrote is found
 * again by joining: a group is an open group naming the alert (planner.ts), a digest takes an alert
 * it names once (digest.ts).
 */
async function plannedBefore(db: Db, tenantId: string, alertId: string, own: EarlierFull[], repeated: boolean): Promise<PlannedBefore> {
  const rows = [...own];
  if (repeated)
    rows.push(
      ...(await db.all<EarlierFull>(sql`
        SELECT d.id AS id, d.status AS status, d.due_at AS dueAt, d.user_id AS userId, d.channel AS channel, d.step AS step, d.target AS target
        FROM deliveries d WHERE ${namingAlert(tenantId, alertId)} AND d.topic IS NULL`)),
    );
  return new Map(rows.map((r) => [plannedKey(r.userId, r.channel, r.step, r.target), r]));
}

/** A new delivery row, and what to record if it is new and held. */
interface PendingRow {
  row: typeof deliveries.$inferInsert & { id: string; dueAt: number };
  /** Sent when due (not refused up front). */
  sendable: boolean;
  held: { channel: Channel; reason: "quiet_hours" | "digest" | "grouped" } | null;
  userId: string;
}

/**
 * A job's new rows, written in ONE D1 batch after every recipient is planned (a round trip per
 * row before): the in-app deliveries with their inbox items, the other channels' rows and the
 * job's decisions. Ids are deterministic and inserts skip existing rows, so a repeated job writes
 * nothing twice. Several jobs' writes share one batch through `writePlans`.
 */
export class PlannedWrites {
  readonly inbox: D1PreparedStatement[] = [];
  readonly rows: PendingRow[] = [];

  /**
   * The statements writing the rows, the in-app items and the decisions (its held rows' among
   * them), the rows due now, and how to take the statements' results: a row an earlier run wrote
   * is resumed, a new one is handed to sending.
   */
  async prepare(db: Db, tenantId: string, now: number, decisions: DecisionLog) {
    for (const { row, sendable, held, userId } of this.rows)
      if (sendable && held)
        decisions.add({
          alertId: row.alertId!,
          userId,
          channel: held.channel,
          outcome: "held",
          reason: held.reason,
          detail: { deliveryId: row.id, until: isoAt(row.dueAt) },
        });
    const inserts = this.rows.map(({ row }) => insertRow(db.$client, deliveries, row, 'on conflict do nothing returning "id"'));
    const statements = [...this.inbox, ...inserts, ...(await decisions.statements(db, tenantId, now))];
    const dueNow = this.rows.filter(({ row, sendable }) => sendable && row.dueAt <= now).map(({ row }) => row.id);
    const take = async (results: D1Result[], out: Planned[]) => {
      const inserted = results.slice(this.inbox.length, this.inbox.length + inserts.length);
      for (const [i, { row, sendable }] of this.rows.entries()) {
        if (!inserted[i]!.results.length)
          await resumeExisting(db, row.id, now, out); // an earlier run of this job wrote it
        else if (sendable) out.push({ id: row.id, dueAt: row.dueAt });
      }
    };
    return { statements, dueNow, take };
  }
}

/** One planning job's results: its rows and decisions to write, and where its deliveries go. */
export interface PlanPart {
  writes: PlannedWrites;
  decisions: DecisionLog;
  out: Planned[];
}

export const newPlanPart = (): PlanPart => ({ writes: new PlannedWrites(), decisions: new DecisionLog(), out: [] });

/**
 * Writes the rows, in-app items and decisions of any number of planning jobs of one tenant in ONE
 * D1 batch (a transaction), with sending's reads for the rows due now at its end, so a page that
 * goes out at once costs no further round trip before its claim.
 */
export async function writePlans(db: Db, tenantId: string, now: number, parts: PlanPart[]): Promise<SendReads | undefined> {
  const prepared = [];
  for (const part of parts) prepared.push(await part.writes.prepare(db, tenantId, now, part.decisions));
  const statements = prepared.flatMap((p) => p.statements);
  if (!statements.length) return;
  const dueNow = prepared.flatMap((p) => p.dueNow);
  const reads = dueNow.length ? sendReadStatements(db, tenantId, dueNow, now) : null;
  const results = await db.$client.batch([...statements, ...(reads?.statements ?? [])]);
  let at = 0;
  for (const [i, p] of prepared.entries()) await p.take(results.slice(at, (at += p.statements.length)), parts[i]!.out);
  return reads?.take(results.slice(statements.length));
}

export interface JobInputs {
  /** Everyone the job's audience names, before routing by group. */
  audience: ScopedRecipient[];
  prefs: Map<string, Preferences>;
  earlier: PlannedBefore;
  pushTargets: PushTargets;
  /** Open groups of the alert's vehicle (planner.ts joins a non-critical alert to one), by (user, channel, step 0, target). */
  openGroups: Map<string, Delivery>;
}

/**
 * What planning reads once per job rather than per recipient and channel: the audience, their
 * preferences and push subscriptions, and what an earlier run planned. The queries go into one
 * D1 batch (a raise adds its alert, webhooks and open groups to it: planner.ts); `readInputs` takes the results.
 */
export function inputQueries(db: Db, tenantId: string, alertId: string, audience: Audience) {
  const audienceIds = db.select({ id: users.id }).from(users).where(audience);
  const own = db
    .select({
      id: deliveries.id,
      status: deliveries.status,
      dueAt: deliveries.dueAt,
      userId: deliveries.userId,
      channel: deliveries.channel,
      step: deliveries.step,
      target: deliveries.target,
    })
    .from(deliveries)
    .where(inTenant(deliveries, tenantId, eq(deliveries.alertId, alertId), isNull(deliveries.topic)));
  const decided = db
    .select({ id: alertDecisions.id })
    .from(alertDecisions)
    .where(inTenant(alertDecisions, tenantId, eq(alertDecisions.alertId, alertId)))
    .limit(1);
  return [
    audienceQuery(db, audience),
    preferencesQuery(db, audienceIds),
    pushTargetsQuery(db, tenantId, audienceIds),
    own,
    decided,
  ] as const;
}

/**
 * Unsent, not yet due group messages about the alert's vehicle, for the whole audience at once (a
 * read per recipient and channel before): a raise's non-critical alert joins its recipient's one.
 * Only a raise groups (step 0), so only its batch reads them (planner.ts).
 */
export function openGroupsQuery(db: Db, tenantId: string, alertId: string, now: number) {
  const vehicleOfAlert = db
    .select({ vehicleId: alerts.vehicleId })
    .from(alerts)
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
  return db
    .select()
    .from(deliveries)
    .where(
      inTenant(
        deliveries,
        tenantId,
        eq(deliveries.step, 0),
        eq(deliveries.status, "queued"),
        sql`${deliveries.dueAt} > ${now}`,
        sql`json_extract(${deliveries.message}, '$.vehicleId') = (${vehicleOfAlert})`,
        sql`json_extract(${deliveries.message}, '$.severity') != 'critical'`,
        sql`${deliveries.topic} IS NULL AND json_extract(${deliveries.message}, '$.digest') IS NULL`,
      ),
    );
}

type InputRows = [
  Parameters<typeof recipientsFrom>[0],
  Parameters<typeof preferencesFrom>[0],
  Parameters<typeof pushTargetsFrom>[0],
  EarlierFull[],
  { id: string }[],
  /** A raise's open groups (`openGroupsQuery`); an escalation step reads none. */
  Delivery[]?,
];

export async function readInputs(db: Db, tenantId: string, alertId: string, rows: unknown[], retried: boolean): Promise<JobInputs> {
  const [userRows, prefRows, subRows, ownRows, decidedRows, groupRows] = rows as InputRows;
  const openGroups = new Map<string, Delivery>();
  for (const row of groupRows ?? []) {
    const key = plannedKey(row.userId, row.channel, row.step, row.target);
    if (!openGroups.has(key)) openGroups.set(key, row);
  }
  const audience = recipientsFrom(userRows);
  const repeated = retried || ownRows.length > 0 || decidedRows.length > 0;
  return {
    audience,
    prefs: preferencesFrom(
      prefRows,
      audience.map((r) => r.userId),
    ),
    earlier: await plannedBefore(db, tenantId, alertId, ownRows, repeated),
    pushTargets: pushTargetsFrom(subRows),
    openGroups,
  };
}

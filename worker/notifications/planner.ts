/**
 * Turns an alert (or an escalation step) into delivery rows: who is told, on which channels,
 * when. Rows have deterministic ids, so planning the same job twice plans nothing new; a retried
 * job (one that failed halfway) returns the rows an earlier run wrote that are still `queued`,
 * so they are sent too.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import {
  alertDecisions,
  alertRules,
  alerts,
  CHANNELS,
  deliveries,
  escalationPolicies,
  tenants,
  vehicles,
  type AlertRow,
  type Channel,
} from "../db/schema";
import { inScope } from "../domain/groups";
import { newId } from "../lib/ids";
import { deliveryId, renderMessage, type MessageSpec } from "./message";
import { preferencesFrom, preferencesQuery, type Preferences } from "./preferences";
import { inAppStatements } from "./inbox-write";
import { quietUntil } from "./quiet-hours";
import { resume, resumeExisting, type Planned } from "./resume";
import {
  alertAudience,
  channelTargets,
  pushTargetsFrom,
  pushTargetsQuery,
  splitByScope,
  usersWithRoles,
  type PushTargets,
  type ScopedRecipient,
} from "./recipients";
import { DecisionLog, isoAt, silenceOf } from "./decisions";
import { joinDigest, openingDigest } from "./digest";
import { yieldTurn } from "../lib/yield-turn";
import { planAlertWebhooks } from "./alert-webhooks";

export type { Planned };

export interface AlertContext {
  alert: AlertRow;
  spec: MessageSpec;
  driverId: string | null;
  groupWaitMs: number;
  /** The vehicle's groups, for routing by group. */
  vehicleGroups: string[];
}

export async function loadAlert(db: Db, tenantId: string, alertId: string): Promise<AlertContext | null> {
  const [row] = await db
    .select({
      alert: alerts,
      vehicleName: vehicles.name,
      driverId: vehicles.driverId,
      vehicleGroups: vehicles.groups,
      ruleName: alertRules.name,
      groupWait: tenants.groupWaitSeconds,
    })
    .from(alerts)
    .innerJoin(tenants, eq(tenants.id, alerts.tenantId))
    .leftJoin(vehicles, eq(vehicles.id, alerts.vehicleId))
    .leftJoin(alertRules, eq(alertRules.id, alerts.ruleId))
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
  if (!row) return null;
  const vehicleName = row.vehicleName ?? row.alert.vehicleId;
  return {
    alert: row.alert,
    driverId: row.driverId ?? null,
    groupWaitMs: row.groupWait * 1000,
    vehicleGroups: row.vehicleGroups ?? [],
    spec: {
      vehicleId: row.alert.vehicleId,
      vehicleName,
      severity: row.alert.severity,
      alerts: [{ id: row.alert.id, ruleName: row.ruleName ?? row.alert.type, message: row.alert.message }],
    },
  };
}

type EarlierRow = { id: string; status: string; dueAt: number | null };
/** What an earlier run of this job planned, by (user, channel, step, target). */
export type PlannedBefore = Map<string, EarlierRow>;
const plannedKey = (userId: string | null, channel: string, step: number, target: string | null) =>
  `${userId ?? ""}|${channel}|${step}|${target ?? ""}`;

type EarlierFull = EarlierRow & { userId: string | null; channel: string; step: number; target: string | null };

/**
 * The deliveries an earlier run of this alert's planning wrote, read once per job. A first run
 * finds none with one indexed read (the alert's own rows, and whether it has decisions; read with
 * the job's other inputs, below). Only a repeated run (a retried or redelivered job: rows or
 * decisions exist, or the queue says so) also looks for the groups and digests the alert joined,
 * whose rows name it only in their message: a scan of the tenant's deliveries, paid once per
 * repeated job, not per channel.
 */
async function plannedBefore(db: Db, tenantId: string, alertId: string, own: EarlierFull[], repeated: boolean): Promise<PlannedBefore> {
  const rows = [...own];
  if (repeated)
    rows.push(
      ...(await db.all<EarlierFull>(sql`
        SELECT d.id AS id, d.status AS status, d.due_at AS dueAt, d.user_id AS userId, d.channel AS channel, d.step AS step, d.target AS target
        FROM deliveries d, json_each(d.message, '$.alerts') a
        WHERE d.tenant_id = ${tenantId} AND d.topic IS NULL AND json_extract(a.value, '$.id') = ${alertId}`)),
    );
  return new Map(rows.map((r) => [plannedKey(r.userId, r.channel, r.step, r.target), r]));
}

/** An open (unsent, not yet due) group delivery for the same user, channel and vehicle. */
async function openGroup(
  db: Db,
  tenantId: string,
  userId: string,
  channel: Channel,
  target: string | null,
  vehicleId: string,
  now: number,
) {
  const [row] = await db
    .select()
    .from(deliveries)
    .where(
      inTenant(
        deliveries,
        tenantId,
        eq(deliveries.userId, userId),
        eq(deliveries.channel, channel),
        eq(deliveries.step, 0),
        eq(deliveries.status, "queued"),
        sql`coalesce(${deliveries.target}, '') = ${target ?? ""}`,
        sql`${deliveries.dueAt} > ${now}`,
        sql`json_extract(${deliveries.message}, '$.vehicleId') = ${vehicleId}`,
        sql`json_extract(${deliveries.message}, '$.severity') != 'critical'`,
        sql`${deliveries.topic} IS NULL AND json_extract(${deliveries.message}, '$.digest') IS NULL`,
      ),
    )
    .limit(1);
  return row;
}

interface PlanInput {
  db: Db;
  env: Env;
  ctx: AlertContext;
  recipient: ScopedRecipient;
  prefs: Preferences;
  channels: Channel[];
  step: number;
  now: number;
  out: Planned[];
  decisions: DecisionLog;
  earlier: PlannedBefore;
  pushTargets: PushTargets;
  writes: PlannedWrites;
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
 * nothing twice.
 */
class PlannedWrites {
  readonly inbox: D1PreparedStatement[] = [];
  readonly rows: PendingRow[] = [];

  /** Writes the rows, the in-app items and the job's decisions (its held rows' among them) in one batch. */
  async write(db: Db, tenantId: string, now: number, out: Planned[], decisions: DecisionLog) {
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
    const inserts = this.rows.map(({ row }) => {
      const q = db.insert(deliveries).values(row).onConflictDoNothing().returning({ id: deliveries.id }).toSQL();
      return db.$client.prepare(q.sql).bind(...q.params);
    });
    const statements = [...this.inbox, ...inserts, ...(await decisions.statements(db, tenantId, now))];
    if (!statements.length) return;
    const results = await db.$client.batch(statements);
    const inserted = results.slice(this.inbox.length, this.inbox.length + inserts.length);
    for (const [i, { row, sendable }] of this.rows.entries()) {
      if (!inserted[i]!.results.length)
        await resumeExisting(db, row.id, now, out); // an earlier run of this job wrote it
      else if (sendable) out.push({ id: row.id, dueAt: row.dueAt });
    }
  }
}

/** Plans one recipient's deliveries on the given channels. */
async function planRecipient({
  db,
  env,
  ctx,
  recipient,
  prefs,
  channels,
  step,
  now,
  out,
  decisions,
  earlier,
  pushTargets,
  writes,
}: PlanInput) {
  const { alert, spec } = ctx;
  const critical = alert.severity === "critical";
  const quietEnd = critical ? null : quietUntil(prefs.quietHours, now);
  const decide = (channel: Channel | null, outcome: "held" | "skipped", reason: Parameters<DecisionLog["add"]>[0]["reason"], detail = {}) =>
    decisions.add({ alertId: alert.id, userId: recipient.userId, channel, outcome, reason, detail });
  if (step === 0) {
    // Channels the user's preferences leave out for this severity: one line says so.
    const notOn = CHANNELS.filter((c) => !channels.includes(c));
    if (notOn.length) decide(null, "skipped", "preference", { severity: alert.severity, channels, notOn });
  }
  for (const channel of new Set(channels)) {
    if (channel === "inapp") {
      writes.inbox.push(...(await planInbox(db, env, ctx, recipient, step, now)));
      continue;
    }
    for (const target of channelTargets(pushTargets, recipient.userId, channel)) {
      const before = earlier.get(plannedKey(recipient.userId, channel, step, target));
      if (before) {
        resume(before, now, out);
        continue;
      }
      const digesting = step === 0 && !critical && prefs.digestMinutes > 0;
      // A digest: the user's non-critical alerts of a window, across vehicles, in one message.
      const digest = digesting ? await joinDigest(db, alert.tenantId, recipient.userId, channel, target, spec, now) : null;
      if (digest) {
        decide(channel, "held", "digest", { deliveryId: digest });
        continue;
      }
      // Grouping: non-critical alerts of one vehicle within the tenant's window share one message.
      if (step === 0 && !critical && !digesting) {
        const group = await openGroup(db, alert.tenantId, recipient.userId, channel, target, alert.vehicleId, now);
        const grouped = group?.message as unknown as MessageSpec | undefined;
        if (group && grouped!.alerts.some((a) => a.id === alert.id)) {
          resume(group, now, out); // joined by an earlier run of this job
          continue;
        }
        if (group) {
          const message = { ...grouped, alerts: [...grouped!.alerts, ...spec.alerts] };
          // Only while nobody has claimed it: a group being sent is closed, this alert gets its own row.
          const joined = await db
            .update(deliveries)
            .set({ message: message as never, updatedAt: now })
            .where(and(eq(deliveries.id, group.id), eq(deliveries.status, "queued")))
            .returning({ id: deliveries.id });
          if (joined.length) {
            decide(channel, "held", "grouped", { deliveryId: group.id, until: isoAt(Math.max(group.dueAt ?? now, now)) });
            continue;
          }
        }
      }
      const unreachable =
        (channel === "sms" || channel === "voice") && !recipient.hasPhone ? "No phone number on the user's profile" : null;
      const holdMs = digesting ? prefs.digestMinutes * 60_000 : step === 0 && !critical ? ctx.groupWaitMs : 0;
      const dueAt = Math.max(now + holdMs, quietEnd ?? 0);
      const id = await deliveryId([alert.id, recipient.userId, channel, step, target]);
      // Why it waits: quiet hours when they end last, else the digest window or the grouping window.
      const why = quietEnd !== null && quietEnd >= now + holdMs ? "quiet_hours" : digesting ? "digest" : "grouped";
      writes.rows.push({
        row: {
          id,
          tenantId: alert.tenantId,
          alertId: alert.id,
          userId: recipient.userId,
          channel,
          step,
          target,
          status: unreachable ? "failed" : "queued",
          lastError: unreachable,
          dueAt,
          message: (digesting ? openingDigest(spec) : { ...spec, ...(step ? { escalationStep: step } : {}) }) as never,
          updatedAt: now,
        },
        sendable: !unreachable,
        held: dueAt > now ? { channel, reason: why } : null,
        userId: recipient.userId,
      });
    }
  }
}

/**
 * In-app: the live stream already showed it; the inbox keeps it until read. Never deferred. The
 * delivery row and the inbox item go into the job's one D1 batch (a transaction), the item only
 * when the row is new, so a retried job adds neither twice and never leaves one without the other.
 */
async function planInbox(db: Db, env: Env, ctx: AlertContext, recipient: ScopedRecipient, step: number, now: number) {
  const id = await deliveryId([ctx.alert.id, recipient.userId, "inapp", step, null]);
  const message = renderMessage({ ...ctx.spec, ...(step ? { escalationStep: step } : {}) }, env.APP_URL);
  const tenantId = ctx.alert.tenantId;
  return inAppStatements(
    env.DB,
    db,
    {
      id,
      tenantId,
      alertId: ctx.alert.id,
      userId: recipient.userId,
      channel: "inapp",
      step,
      status: "sent",
      attempts: 1,
      sentAt: now,
      message: ctx.spec as never,
      updatedAt: now,
    },
    {
      id: newId("inb", now),
      tenantId,
      userId: recipient.userId,
      alertId: ctx.alert.id,
      topic: null,
      title: message.title,
      body: message.body,
      url: message.url,
      createdAt: now,
    },
  );
}

/** What planning reads once per job rather than per recipient and channel, in one D1 round trip. */
async function planningInputs(db: Db, tenantId: string, alertId: string, audience: ScopedRecipient[], retried: boolean) {
  const userIds = audience.map((r) => r.userId);
  const chunks: string[][] = [];
  for (let i = 0; i < userIds.length; i += 90) chunks.push(userIds.slice(i, i + 90));
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
  const [ownRows, decidedRows, ...perChunk] = (await db.batch([
    own,
    decided,
    ...chunks.map((c) => preferencesQuery(db, c)),
    ...chunks.map((c) => pushTargetsQuery(db, tenantId, c)),
  ] as unknown as Parameters<Db["batch"]>[0])) as unknown as unknown[][];
  const prefRows = perChunk.slice(0, chunks.length).flat() as Parameters<typeof preferencesFrom>[0];
  const subRows = perChunk.slice(chunks.length).flat() as Parameters<typeof pushTargetsFrom>[0];
  const earlierRows = ownRows as EarlierFull[];
  const repeated = retried || earlierRows.length > 0 || decidedRows!.length > 0;
  return {
    prefs: preferencesFrom(prefRows, userIds),
    earlier: await plannedBefore(db, tenantId, alertId, earlierRows, repeated),
    pushTargets: pushTargetsFrom(subRows),
  };
}

/** A new alert: everyone allowed to see it, on the channels their preferences name for its severity. */
export async function planRaised(
  env: Env,
  tenantId: string,
  alertId: string,
  now = Date.now(),
  retried = false,
): Promise<Planned[] | null> {
  const db = database(env.DB);
  const ctx = await loadAlert(db, tenantId, alertId);
  if (!ctx) return null;
  const out: Planned[] = [];
  const decisions = new DecisionLog();
  const { inScope: audience, outOfScope } = splitByScope(await alertAudience(db, tenantId, ctx.driverId), ctx.vehicleGroups, ctx.driverId);
  outOfScope.forEach((r) => void scopeDecision(decisions, ctx, r));
  if (ctx.alert.silenced) {
    const silenceId = await silenceOf(db, tenantId, ctx.alert, now);
    for (const r of audience)
      decisions.add({
        alertId: ctx.alert.id,
        userId: r.userId,
        channel: null,
        outcome: "skipped",
        reason: "silenced",
        detail: { silenceId },
      });
    await decisions.write(db, tenantId, now);
    return out;
  }
  const { prefs, earlier, pushTargets } = await planningInputs(db, tenantId, alertId, audience, retried);
  const writes = new PlannedWrites();
  for (const recipient of audience) {
    await yieldTurn(); // a recipient's rows are several D1 calls: waiting requests go first (yield-turn.ts)
    const p = prefs.get(recipient.userId)!;
    const channels = p.channels[ctx.alert.severity];
    await planRecipient({ db, env, ctx, recipient, prefs: p, channels, step: 0, now, out, decisions, earlier, pushTargets, writes });
  }
  await writes.write(db, tenantId, now, out, decisions);
  await planAlertWebhooks(db, ctx, "alert.created", null, now, out);
  return out;
}

/** An escalation step: every user of its roles on its channels (overriding preferences; quiet hours still hold non-critical). */
export async function planEscalation(
  env: Env,
  job: { tenantId: string; alertId: string; step: number; roles: Parameters<typeof usersWithRoles>[2]; channels: Channel[] },
  now = Date.now(),
  retried = false,
) {
  const db = database(env.DB);
  const ctx = await loadAlert(db, job.tenantId, job.alertId);
  if (!ctx) return null;
  const out: Planned[] = [];
  if (ctx.alert.status !== "open") return out;
  const decisions = new DecisionLog();
  const everyone = await usersWithRoles(db, job.tenantId, job.roles);
  // A group-scoped step is for alerts of vehicles in its groups only; users are scoped as on a raise.
  const stepGroups = await stepGroupsOf(db, job.tenantId, ctx.alert.severity, job.step);
  const { inScope: audience, outOfScope } = inScope(stepGroups, ctx.vehicleGroups)
    ? splitByScope(everyone, ctx.vehicleGroups, ctx.driverId)
    : { inScope: [], outOfScope: everyone };
  outOfScope.forEach((r) => void scopeDecision(decisions, ctx, r, { step: job.step, stepGroups }));
  const { prefs, earlier, pushTargets } = await planningInputs(db, job.tenantId, job.alertId, audience, retried);
  const writes = new PlannedWrites();
  for (const recipient of audience) {
    await yieldTurn();
    await planRecipient({
      db,
      env,
      ctx,
      recipient,
      prefs: prefs.get(recipient.userId)!,
      channels: job.channels,
      step: job.step,
      now,
      out,
      decisions,
      earlier,
      pushTargets,
      writes,
    });
  }
  await writes.write(db, job.tenantId, now, out, decisions);
  return out;
}

/** Records that a user was not told because the alert's vehicle is outside their (or the step's) groups. */
function scopeDecision(decisions: DecisionLog, ctx: AlertContext, r: ScopedRecipient, extra: Record<string, unknown> = {}) {
  decisions.add({
    alertId: ctx.alert.id,
    userId: r.userId,
    channel: null,
    outcome: "skipped",
    reason: "group_scope",
    detail: { userGroups: r.groups, vehicleGroups: ctx.vehicleGroups, ...extra },
  });
}

/** The groups an escalation step is scoped to, read from the policy as it is now (empty = all). */
async function stepGroupsOf(db: Db, tenantId: string, severity: AlertRow["severity"], step: number): Promise<string[]> {
  const [policy] = await db
    .select({ steps: escalationPolicies.steps })
    .from(escalationPolicies)
    .where(and(eq(escalationPolicies.tenantId, tenantId), eq(escalationPolicies.severity, severity)));
  return policy?.steps[step - 1]?.groups ?? [];
}

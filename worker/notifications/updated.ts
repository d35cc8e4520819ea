/**
 * `alert.updated` for customer endpoints: a change to an alert (a continuing episode's new value
 * or peak, its episode cleared, it reopened, new DTC codes, it was acknowledged) as one signed
 * webhook per endpoint subscribed to the event. The tenant's object queues these at most once per
 * alert per LIVE_COALESCE_MS for a continuing episode (durable-objects/notify-outbox.ts). People
 * are not told: the live stream and the alert screens show it. Nothing is planned once the alert
 * is resolved: its `alert.resolved` carries the final state.
 */
import { database } from "../db/client";
import { enabledWebhooks, planAlertWebhooks } from "./alert-webhooks";
import { loadAlert } from "./planner";
import type { Planned } from "./resume";

export async function planUpdated(
  env: Env,
  job: { tenantId: string; alertId: string; change: string; at: string },
  now = Date.now(),
): Promise<Planned[] | null> {
  const db = database(env.DB);
  const ctx = await loadAlert(db, job.tenantId, job.alertId);
  if (!ctx) return null;
  const out: Planned[] = [];
  if (ctx.alert.status === "resolved") return out;
  await planAlertWebhooks(db, ctx, await enabledWebhooks(db, job.tenantId), "alert.updated", `${job.change}@${job.at}`, now, out);
  return out;
}

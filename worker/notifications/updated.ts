/**
 * `alert.updated` for customer endpoints: a change to an alert (its episode cleared, it reopened,
 * it was acknowledged) as one signed webhook per endpoint subscribed to the event. People are not
 * told: the live stream and the alert screens show it.
 */
import { database } from "../db/client";
import { planAlertWebhooks } from "./alert-webhooks";
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
  await planAlertWebhooks(db, ctx, "alert.updated", `${job.change}@${job.at}`, now, out);
  return out;
}

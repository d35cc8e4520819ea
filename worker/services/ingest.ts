import type { IncomingEvent } from "../domain/telemetry";
import { tenantHub } from "../lib/hub";
import { AppError } from "../lib/problem";

/**
 * Hands validated events to the tenant's Durable Object, which records the batch durably
 * under `key` (the idempotency key) before answering. Shared by every vendor route.
 */
export async function ingestEvents(env: Env, tenantId: string, key: string, events: IncomingEvent[]) {
  const result = await tenantHub(env, tenantId).ingest(tenantId, key, events);
  if (!result.ok) throw new AppError("validation", "The batch has invalid events; nothing was stored.", result.errors);
  return result;
}

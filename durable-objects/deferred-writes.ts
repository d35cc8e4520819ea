/**
 * How long the tenant object may keep work off the request path (docs/architecture.md, "The hot
 * path"). The webhook's request does only what the new alert needs (the batch stored, the rules
 * run, the alert logged and broadcast); the rest waits for the object's alarm:
 *
 * - the D1 sync, notification jobs, predictive work orders and escalation schedule of new alert
 *   events run ALERT_WORK_DELAY_MS after the first of them, so a burst of alerts shares one sync
 *   and one queue send, and none of it runs in front of the next request; a critical alert does
 *   not wait for the window (its alarm is due at once, still after the response);
 * - the readings store's buffer and the vehicles' model state are written DEFERRED_WRITE_MS after
 *   the first change, one row per (vehicle, bucket) and per vehicle however many batches changed them.
 *
 * Both are durable before the 202: alert events and their alarm commit with the batch, and the raw
 * batch is what a new instance rebuilds the readings buffer from (readings-store.ts).
 */
export const ALERT_WORK_DELAY_MS = 250;
export const DEFERRED_WRITE_MS = 5_000;

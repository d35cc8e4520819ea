/**
 * How long the tenant object may keep work off the request path (docs/architecture.md, "The hot
 * path"). The webhook's request does only what the new alert needs (the batch stored, the rules
 * run, the alert logged and broadcast); the rest waits for the object's alarm:
 *
 * - the D1 sync, notification jobs, predictive work orders and escalation schedule of new alert
 *   events run ALERT_WORK_DELAY_MS after the first of them, so a burst of alerts shares one sync
 *   and one queue send, and none of it runs in front of the next request; a critical alert does
 *   not wait for the window (its alarm is due at once, still after the response). The window is
 *   short: what a burst's alerts share runs in one stretch on the object's and the consumer's
 *   thread, and the next webhook waits behind it (250 ms: new alert → socket p99 33 ms under
 *   back-to-back alerts, 50 ms: 16–21 ms, at +17 % CPU per alert; BENCHMARKS.md, session 21);
 * - the vehicles' model state (health models, risk), set after the response, rides in the journal
 *   of the first batch at least MODEL_STATE_RIDE_MS after it changed (vehicle-states.ts): putting
 *   every scored vehicle's state into every batch was about half of each batch's journal and the
 *   largest share of the object's ingest CPU at high batch rates. Only when no batch comes within
 *   DEFERRED_WRITE_MS does the alarm journal it as a row of its own. Longer than the reporting
 *   cadence of a live fleet (10 s in the cost model), so such a fleet pays no row for it; an
 *   eviction loses at most those seconds of model state (the next reading scores the vehicle
 *   again), never rule state;
 * - the readings store's buffer and the vehicles' settled states are written SETTLE_MS after the
 *   first change (sooner when the buffer or the journal grows past its bound), one row per
 *   (group of vehicles, hour page) and per page of vehicle states however many batches changed them. Every such write is a
 *   billed row: at one reading per vehicle every 10 s, writing them every few seconds was about
 *   two rows per event, the largest line of the bill (BENCHMARKS.md, "Cost model").
 *
 * All of it is durable before it is written there: alert events and their alarm commit with the
 * batch, the rule state as the batch row's journal (vehicle-states.ts), and the raw batch is
 * what a new instance rebuilds the readings buffer from (readings-store.ts).
 */
export const ALERT_WORK_DELAY_MS = 50;
export const DEFERRED_WRITE_MS = 30_000;
export const MODEL_STATE_RIDE_MS = 10_000;
export const SETTLE_MS = 10 * 60_000;

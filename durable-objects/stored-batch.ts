import type { TelemetryEvent } from "../worker/domain/telemetry";
import { type BodyEvent, incomingEvent } from "../worker/lib/telemetry-body";

/**
 * What a batch's row keeps in `ingested_batches.events`, from which an evicted object rebuilds its
 * readings buffer and a rule preview replays history. Either the events as the rules took them
 * (a JSON array), or, for a Standard Webhooks body taken whole, the verified body's own text with
 * the batch's vehicles' ids beside it: `{"ids":{externalId: id},"body":<text>}`. The text is
 * already at hand, so the batch is stored without serialising 500 events again; reading it back
 * (rare: after an eviction, for a preview) pays the mapping instead.
 */
export function storedEvents(events: TelemetryEvent[], body?: { text: string; externals: Iterable<[string, string]> }): string {
  if (!body) return JSON.stringify(events);
  return `{"ids":${JSON.stringify(Object.fromEntries(body.externals))},"body":${body.text}}`;
}

/** A row's events as the rules took them, whichever way they were stored. */
export function readStoredEvents(stored: string): TelemetryEvent[] {
  const value = JSON.parse(stored) as TelemetryEvent[] | { ids: Record<string, string>; body: { events: BodyEvent[] } };
  if (Array.isArray(value)) return value;
  return value.body.events.map((e) => ({ ...incomingEvent(e), vehicleId: value.ids[e.vehicleId]! }));
}

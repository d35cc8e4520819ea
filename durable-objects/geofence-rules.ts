import type { GeofenceShape } from "../worker/domain/geo";
import { type GeoChange, stepGeofence, unknownGeoState } from "../worker/domain/geofence-state";
import { appliesTo, RULE_KIND_DEFAULTS, type RuleDef, type Signal } from "../worker/domain/rule-engine";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import type { RecordSignal } from "./offline-watch";
import type { VehicleStates } from "./vehicle-states";

/**
 * `enter`, `exit` and `dwell` rules over the batch's position fixes (events carrying `lat` and
 * `lon`), in event-time order. Each (rule, vehicle) pair keeps its side of the fence in
 * `pair.geo` (worker/domain/geofence-state.ts: buffer band, consecutive fixes, late fixes ignored).
 *
 * Episodes: `enter` opens on a confirmed entry and clears on the confirmed exit; `exit` the other
 * way round; `dwell` opens at the first fix at least `minutes` after the confirmed entry and
 * clears on the exit. A rule whose geofence is gone evaluates nothing.
 */
export function evaluateGeofences(
  ordered: TelemetryEvent[],
  rules: RuleDef[],
  shapes: ReadonlyMap<string, GeofenceShape>,
  states: VehicleStates,
  record: RecordSignal,
) {
  for (const event of ordered) {
    const { lat, lon } = event.readings;
    if (lat === undefined || lon === undefined) continue;
    for (const rule of rules) {
      const shape = rule.geofenceId ? shapes.get(rule.geofenceId) : undefined;
      if (!shape || !appliesTo(rule, event.vehicleId)) continue;
      const pair = states.pair(rule.id, event.vehicleId);
      const before = pair.geo ?? unknownGeoState();
      const step = stepGeofence(before, shape, { ts: event.ts, lat, lon }, hysteresis(rule));
      if (step.state === before) continue;
      const next = { ...pair, geo: step.state, lastTs: event.ts };
      const kind = signalKind(rule, next.fired, step.state.enteredAt, event.ts, step.change);
      if (kind) record(rule, event.vehicleId, { kind, ts: event.ts, value: null }, { ...next, fired: kind === "open" });
      else states.setPair(rule.id, event.vehicleId, next);
    }
  }
}

const hysteresis = (rule: RuleDef) => ({
  bufferM: rule.bufferM ?? RULE_KIND_DEFAULTS.bufferM,
  fixes: rule.fixes ?? RULE_KIND_DEFAULTS.fixes,
});

function signalKind(
  rule: RuleDef,
  fired: boolean,
  enteredAt: number | null,
  ts: number,
  change: GeoChange | undefined,
): Signal["kind"] | undefined {
  const openOn = rule.kind === "exit" ? "exited" : "entered";
  if (rule.kind !== "dwell") {
    if (change === openOn && !fired) return "open";
    if (change && change !== openOn && fired) return "clear";
    return undefined;
  }
  if (enteredAt === null) return fired ? "clear" : undefined;
  if (!fired && ts - enteredAt >= (rule.minutes ?? 0) * 60_000) return "open";
  return undefined;
}

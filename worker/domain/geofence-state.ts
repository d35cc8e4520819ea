/**
 * Where a vehicle is relative to one geofence, with hysteresis against GPS jitter. Pure: one
 * `GeoState` per (geofence rule, vehicle), advanced fix by fix in event time.
 *
 * - A fix votes "inside" only when it is at least `bufferM` inside the boundary and "outside" only
 *   when at least `bufferM` outside it; a fix within the band votes nothing, so a vehicle parked
 *   on the fence line never flips.
 * - The side changes after `fixes` consecutive votes for the other side; a vote for the current
 *   side resets the count.
 * - A fix not newer than the newest one evaluated is ignored (late or duplicated fixes never flip
 *   the state backwards in time).
 * - The first confirmed side is taken silently: a fence drawn around a parked vehicle does not
 *   "enter" it. `enteredAt` is the time of the first fix of the streak that confirmed "inside".
 */
import { type GeofenceShape, signedDistanceM } from "./geo";

export interface GeoState {
  /** The confirmed side, or null before any confirmation. */
  inside: boolean | null;
  /** The side the current streak votes for, its consecutive votes, and the time of the first. */
  pending: boolean | null;
  streak: number;
  streakSince: number;
  /** When the vehicle was confirmed inside (first fix of the confirming streak), null outside. */
  enteredAt: number | null;
  /** Newest fix evaluated. */
  lastTs: number;
}

export interface Hysteresis {
  bufferM: number;
  fixes: number;
}

export type GeoChange = "entered" | "exited" | "settled";

export const unknownGeoState = (): GeoState => ({
  inside: null,
  pending: null,
  streak: 0,
  streakSince: 0,
  enteredAt: null,
  lastTs: -Infinity,
});

/** Advances the state by one fix; returns the same object when the fix is ignored (late or duplicate). */
export function stepGeofence(
  state: GeoState,
  shape: GeofenceShape,
  fix: { ts: number; lat: number; lon: number },
  h: Hysteresis,
): { state: GeoState; change?: GeoChange } {
  if (fix.ts <= state.lastTs) return { state };
  const d = signedDistanceM(shape, fix.lat, fix.lon);
  const vote = d <= -h.bufferM ? true : d >= h.bufferM ? false : null;
  const next: GeoState = { ...state, lastTs: fix.ts };
  if (vote === null) return { state: next };
  if (vote === state.inside) {
    next.pending = null;
    next.streak = 0;
    return { state: next };
  }
  if (vote === state.pending) next.streak = state.streak + 1;
  else Object.assign(next, { pending: vote, streak: 1, streakSince: fix.ts });
  if (next.streak < h.fixes) return { state: next };
  next.inside = vote;
  next.pending = null;
  next.streak = 0;
  next.enteredAt = vote ? next.streakSince : null;
  if (state.inside === null) return { state: next, change: "settled" };
  return { state: next, change: vote ? "entered" : "exited" };
}

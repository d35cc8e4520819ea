// Words of the virtual sensors' model cards that no computation produces: written by train.mjs
// into a new card and kept by goals.mjs when it adds the held-out evaluation.

/** What each served virtual sensor is for, and what it is not for. */
export const INTENDED_USE = {
  "carobd-coolant":
    "Expected coolant temperature of a warm, running road-vehicle engine, for the per-vehicle residual detector of the cooling component (models/vehicle/detector.js) in the tenant's object. The residual is judged against the same vehicle's own normal: not an absolute temperature reference, not for a single reading, and not for a cold engine (gated below 10 engine minutes).",
  "carobd-voltage":
    "Expected charging (control-module) voltage of a running engine, for the per-vehicle residual detector of the charging component in the tenant's object, judged against the same vehicle's own normal. Not a battery state-of-health test: resting voltage is a separate trend (models/vehicle/trend.js).",
};

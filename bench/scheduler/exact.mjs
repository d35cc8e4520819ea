// The exact optimum of small scheduling instances with glpk.js: a time-indexed MILP on the
// same slot grid the scheduler uses (scheduler.buildGrid), minimising the same primary
// objective — priority-weighted lateness, with the same penalty for a work order left out.
//
//   x[j,k,s] = 1 if work order j starts on technician k at slot s (only where k has the skill,
//              is on shift and free for all of j's slots, and the vehicle is not booked)
//   u[j]     = 1 if j is left out
//   Σ_{k,s} x[j,k,s] + u[j] = 1                                   each work order once
//   Σ_{j,s: s ≤ t < s+p_j} x[j,k,s] ≤ 1                           technician k, slot t
//   Σ_{j of v} Σ_{k,s: s ≤ t < s+p_j} x[j,k,s] ≤ 1                vehicle v, slot t
//   Σ_{j,k,s: s ≤ t < s+p_j} x[j,k,s] ≤ Σ_b (capacity_b − taken_b,t)   bays, slot t
//
// The bay rows pool all bays' places. Fixed intervals fit into unit places whenever no more than
// the places are in use at any moment (interval graphs are perfect), so pooling loses nothing
// when there are no prior bookings; with prior bookings it can only make the optimum smaller,
// which makes the reported gap an upper bound.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** glpk.js's synchronous Node build, or null when the bench dependency (bench/package.json) is not installed. */
export async function loadGlpk() {
  try {
    require.resolve("glpk.js/node");
  } catch {
    return null;
  }
  const { default: GLPK } = await import("glpk.js/node");
  return GLPK();
}

export function solveExact(glpk, scheduler, input, { timeLimitSeconds = 60 } = {}) {
  const grid = scheduler.buildGrid(input);
  const objective = [];
  const binaries = [];
  const rows = [];
  const techRows = new Map();
  const vehicleRows = new Map();
  const bayRows = new Map();
  const add = (map, key, name) => {
    let row = map.get(key);
    if (!row) map.set(key, (row = { name, vars: [] }));
    return row;
  };
  const starts = [];
  for (const job of grid.jobs) {
    const vars = [];
    const vehicleBusy = grid.vehicleBase[job.vehicle];
    for (const k of job.eligible) {
      const avail = grid.techAvail[k];
      for (let s = 0; s + job.p <= grid.nSlots; s++) {
        let ok = true;
        for (let i = s; i < s + job.p && ok; i++) ok = avail[i] === 1 && vehicleBusy[i] === 0;
        if (!ok) continue;
        const name = `x_${job.index}_${k}_${s}`;
        const end = grid.t0 + s * grid.slotMs + job.durMs;
        objective.push({ name, coef: scheduler.latenessCost(job, end) });
        binaries.push(name);
        vars.push({ name, coef: 1 });
        starts.push({ name, job, k, s });
        for (let t = s; t < s + job.p; t++) {
          add(techRows, `${k}:${t}`, `tech_${k}_${t}`).vars.push({ name, coef: 1 });
          add(vehicleRows, `${job.vehicle}:${t}`, `veh_${job.vehicle}_${t}`).vars.push({ name, coef: 1 });
          if (grid.bayIds.length) add(bayRows, t, `bay_${t}`).vars.push({ name, coef: 1 });
        }
      }
    }
    const u = `u_${job.index}`;
    objective.push({ name: u, coef: scheduler.unscheduledCost(job, grid) });
    binaries.push(u);
    vars.push({ name: u, coef: 1 });
    rows.push({ name: `once_${job.index}`, vars, bnds: { type: glpk.GLP_FX, lb: 1, ub: 1 } });
  }
  const upTo = (ub) => ({ type: glpk.GLP_UP, lb: 0, ub });
  for (const row of techRows.values()) if (row.vars.length > 1) rows.push({ ...row, bnds: upTo(1) });
  for (const row of vehicleRows.values()) if (row.vars.length > 1) rows.push({ ...row, bnds: upTo(1) });
  for (const [t, row] of bayRows) {
    const free = grid.bayCapacity.reduce((sum, cap, b) => sum + Math.max(0, cap - grid.bayBase[b][t]), 0);
    rows.push({ ...row, bnds: upTo(free) });
  }
  const started = performance.now();
  const solved = glpk.solve(
    { name: "schedule", objective: { direction: glpk.GLP_MIN, name: "weightedLateness", vars: objective }, subjectTo: rows, binaries },
    { msglev: glpk.GLP_MSG_OFF, presol: true, tmlim: timeLimitSeconds },
  );
  const ms = performance.now() - started;
  const placements = starts
    .filter((x) => solved.result.vars[x.name] > 0.5)
    .map(({ job, k, s }) => {
      const start = grid.t0 + s * grid.slotMs;
      return { workOrderId: job.id, technicianId: grid.techIds[k], bayId: null, start, end: start + job.durMs };
    });
  return {
    optimal: solved.result.status === glpk.GLP_OPT,
    status: solved.result.status,
    cost: solved.result.z,
    placements,
    variables: binaries.length,
    constraints: rows.length,
    ms,
  };
}

// The per-vehicle state's working copy: every part built by one function with every key present,
// in one order, whether the state is new, came back from the previous call or was parsed from
// storage. V8 then sees one hidden class per part, so the per-reading loops stay monomorphic
// (states of mixed origin used to deoptimise them on every batch). Keys whose value is
// `undefined` are left out by JSON, so the stored JSON is the same as before.

/** @typedef {import('./index').VehicleHealthState} VehicleHealthState */
/** @typedef {import('./index').SensorDetectorState} SensorDetectorState */
/** @typedef {import('./trend.js').TrendState} TrendState */
/** @typedef {import('./signals.js').SignalState} SignalState */
/** @typedef {import('./signals.js').MinuteAcc} MinuteAcc */
/** @typedef {{ l5: number, l20: number, s5: number, r5: number }} Smoothed */

/** @param {Smoothed} e @returns {Smoothed} */
export const smoothedCopy = (e) => ({ l5: e.l5, l20: e.l20, s5: e.s5, r5: e.r5 });

/** An open minute's sums, empty. @param {number} b minute index @returns {MinuteAcc} */
export function emptyMinute(b) {
  return {
    b,
    n: 0,
    on: 0,
    rpm: 0,
    spd: 0,
    load: 0,
    nLoad: 0,
    iat: 0,
    nIat: 0,
    cool: 0,
    nCool: 0,
    volt: 0,
    nVolt: 0,
    run: 0,
    dCool: 0,
    nDCool: 0,
    ew: undefined,
  };
}

/** @param {MinuteAcc} a @returns {MinuteAcc} */
function minuteCopy(a) {
  return {
    b: a.b,
    n: a.n,
    on: a.on,
    rpm: a.rpm,
    spd: a.spd,
    load: a.load,
    nLoad: a.nLoad,
    iat: a.iat,
    nIat: a.nIat,
    cool: a.cool,
    nCool: a.nCool,
    volt: a.volt,
    nVolt: a.nVolt,
    run: a.run,
    dCool: a.dCool,
    nDCool: a.nDCool,
    ew: a.ew ? smoothedCopy(a.ew) : undefined,
  };
}

/** @param {SignalState} s @returns {SignalState} */
function signalCopy(s) {
  return {
    runStart: s.runStart,
    lastRun: s.lastRun,
    lastTs: s.lastTs,
    ew: s.ew ? smoothedCopy(s.ew) : null,
    acc: s.acc ? minuteCopy(s.acc) : null,
    pc: s.pc ?? null,
  };
}

/** @param {SensorDetectorState} d @returns {SensorDetectorState} */
function detectorCopy(d) {
  return { n: d.n, mean: d.mean, m2: d.m2, up: d.up, down: d.down, ex: d.ex, z: d.z, q: d.q, last: d.last, exp: d.exp, end: d.end };
}

/** @param {TrendState} t @returns {TrendState} */
function trendCopy(t) {
  return {
    t0: t.t0,
    tl: t.tl,
    w: t.w,
    st: t.st,
    sy: t.sy,
    stt: t.stt,
    sty: t.sty,
    syy: t.syy,
    nb: t.nb,
    first: t.first,
    firstT: t.firstT,
    bk: t.bk,
    bn: t.bn,
    bs: t.bs,
    last: t.last,
  };
}

/** @param {VehicleHealthState} o @returns {VehicleHealthState} */
export function stateCopy(o) {
  return {
    v: 1,
    sig: signalCopy(o.sig),
    cool: detectorCopy(o.cool),
    volt: detectorCopy(o.volt),
    rough: detectorCopy(o.rough),
    pads: trendCopy(o.pads),
    tyre: trendCopy(o.tyre),
    rest: trendCopy(o.rest),
    nominalV: o.nominalV,
    offSince: o.offSince ?? null,
    seen: o.seen,
    lastTs: o.lastTs,
  };
}

/** To 1e-5 when fractional; integers (timestamps, counts), null and non-finite values as they are. @param {any} v */
const r5 = (v) => (typeof v === "number" && !Number.isInteger(v) && Number.isFinite(v) ? Math.round(v * 1e5) / 1e5 : v);

/** @param {Smoothed} e */
function roundSmoothed(e) {
  e.l5 = r5(e.l5);
  e.l20 = r5(e.l20);
  e.s5 = r5(e.s5);
  e.r5 = r5(e.r5);
}

/** @param {SensorDetectorState} d */
function roundDetector(d) {
  d.n = r5(d.n);
  d.mean = r5(d.mean);
  d.m2 = r5(d.m2);
  d.up = r5(d.up);
  d.down = r5(d.down);
  d.ex = r5(d.ex);
  d.z = r5(d.z);
  d.q = r5(d.q);
  d.last = r5(d.last);
  d.exp = r5(d.exp);
  d.end = r5(d.end);
}

/** @param {TrendState} t */
function roundTrend(t) {
  t.t0 = r5(t.t0);
  t.tl = r5(t.tl);
  t.w = r5(t.w);
  t.st = r5(t.st);
  t.sy = r5(t.sy);
  t.stt = r5(t.stt);
  t.sty = r5(t.sty);
  t.syy = r5(t.syy);
  t.nb = r5(t.nb);
  t.first = r5(t.first);
  t.firstT = r5(t.firstT);
  t.bk = r5(t.bk);
  t.bn = r5(t.bn);
  t.bs = r5(t.bs);
  t.last = r5(t.last);
}

/** @param {MinuteAcc} a */
function roundMinute(a) {
  a.b = r5(a.b);
  a.n = r5(a.n);
  a.on = r5(a.on);
  a.rpm = r5(a.rpm);
  a.spd = r5(a.spd);
  a.load = r5(a.load);
  a.nLoad = r5(a.nLoad);
  a.iat = r5(a.iat);
  a.nIat = r5(a.nIat);
  a.cool = r5(a.cool);
  a.nCool = r5(a.nCool);
  a.volt = r5(a.volt);
  a.nVolt = r5(a.nVolt);
  a.run = r5(a.run);
  a.dCool = r5(a.dCool);
  a.nDCool = r5(a.nDCool);
  if (a.ew) roundSmoothed(a.ew);
}

/**
 * Rounds the state's fractional numbers to 1e-5 in place (keeps the stored JSON small; all values
 * are sums and statistics in units where 1e-5 is far below sensor resolution). The top-level
 * fields (timestamps, the nominal voltage, bit flags) are left as they are.
 * @param {VehicleHealthState} s @returns {VehicleHealthState}
 */
export function rounded(s) {
  const sig = s.sig;
  sig.runStart = r5(sig.runStart);
  sig.lastRun = r5(sig.lastRun);
  sig.lastTs = r5(sig.lastTs);
  sig.pc = r5(sig.pc);
  if (sig.ew) roundSmoothed(sig.ew);
  if (sig.acc) roundMinute(sig.acc);
  roundDetector(s.cool);
  roundDetector(s.volt);
  roundDetector(s.rough);
  roundTrend(s.pads);
  roundTrend(s.tyre);
  roundTrend(s.rest);
  return s;
}

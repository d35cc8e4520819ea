#!/usr/bin/env node
// Profiles the Worker + Durable Object while sequential posts each raise a NEW alert (the default
// notification fan-out runs behind them) and prints the functions with the most self time, and the
// whole-isolate CPU per alert. Usage: node bench/profile-alerts.mjs [posts]
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { startProfilers } from "./lib/inspector.mjs";
import { fmt } from "./lib/stats.mjs";
import { sequentialNewAlerts } from "./latency.mjs";

const rounds = Number(process.argv[2] ?? 100);
const server = await startDevServer({ inspect: true });
try {
  const run = { rounds, warmup: 10 };
  const { latency, context: sessions } = await sequentialNewAlerts(server, {
    ...run,
    prefix: "PRF",
    beforeRun: () => startProfilers(server.inspectorPort),
  });
  console.log("sequential new alert → socket", fmt(latency));
  await new Promise((r) => setTimeout(r, 5_000)); // the last alerts' notification work
  const totals = new Map();
  let busy = 0;
  /** Stretches of back-to-back busy samples over 15 ms: what holds the isolate while a request waits. */
  const longTasks = new Map();
  const inclusiveTotals = new Map();
  /** CALLERS=name: who calls that function (its outermost frame's named callers, CALLER_DEPTH of them, 4 by default), by time. */
  const callers = new Map();
  for (const s of sessions) {
    const { profile } = await s.send("Profiler.stop");
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const label = (f) => `${f.functionName} ${f.url.split("/").slice(-1)}:${f.lineNumber + 1}`;
    let stretch = { ms: 0, roots: new Map(), self: new Map() };
    const endStretch = () => {
      if (stretch.ms > 15) {
        const [root] = [...stretch.roots].sort((a, b) => b[1] - a[1])[0] ?? ["?"];
        const t = longTasks.get(root) ?? { count: 0, ms: 0, max: 0 };
        longTasks.set(root, { count: t.count + 1, ms: t.ms + stretch.ms, max: Math.max(t.max, stretch.ms) });
      }
      if (stretch.ms > 50 && process.env.LONG) {
        const top = (m) =>
          [...m]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 6)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(", ");
        console.log(`long task ${stretch.ms.toFixed(0)} ms: roots ${top(stretch.roots)} | self ${top(stretch.self)}`);
      }
      stretch = { ms: 0, roots: new Map(), self: new Map() };
    };
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id).callFrame;
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      if (frame.functionName === "(idle)" || frame.functionName === "(program)") return endStretch();
      // The outermost named function of the Worker on this stack: the task's entry point.
      let root = "(runtime)";
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const f = byId.get(at).callFrame;
        if (f.functionName && f.url.endsWith("index.js")) root = label(f);
      }
      stretch.ms += ms;
      stretch.self.set(label(frame), (stretch.self.get(label(frame)) ?? 0) + ms);
      let named = "";
      for (let at = id; at !== undefined && !named; at = parent.get(at)) {
        const f = byId.get(at).callFrame;
        if (f.functionName && f.url.endsWith("index.js")) named = label(f);
      }
      if (named) stretch.self.set(`<${named}>`, (stretch.self.get(`<${named}>`) ?? 0) + ms);
      stretch.roots.set(root, (stretch.roots.get(root) ?? 0) + ms);
      busy += ms;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
      totals.set(key, (totals.get(key) ?? 0) + ms);
      if (process.env.CALLERS) {
        let outer;
        for (let at = id; at !== undefined; at = parent.get(at))
          if (byId.get(at).callFrame.functionName === process.env.CALLERS) outer = at;
        if (outer !== undefined) {
          const chain = [];
          for (let at = parent.get(outer); at !== undefined && chain.length < Number(process.env.CALLER_DEPTH ?? 4); at = parent.get(at)) {
            const f = byId.get(at).callFrame;
            if (f.functionName && f.url.endsWith("index.js")) chain.push(f.functionName);
          }
          const key = chain.join(" < ");
          callers.set(key, (callers.get(key) ?? 0) + ms);
        }
      }
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const f = byId.get(at).callFrame;
        if (!f.functionName || !f.url.endsWith("index.js")) continue;
        const name = label(f);
        if (seen.has(name)) continue;
        seen.add(name);
        inclusiveTotals.set(name, (inclusiveTotals.get(name) ?? 0) + ms);
      }
    });
  }
  console.log("long tasks (> 15 ms busy without a break) by entry point: count, total ms, max ms");
  for (const [root, t] of [...longTasks].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15))
    console.log(`${String(t.count).padStart(5)} ${t.ms.toFixed(0).padStart(6)} ${t.max.toFixed(0).padStart(5)}  ${root}`);
  const inclusive = [...inclusiveTotals].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 45));
  console.log("inclusive (named functions of the Worker):");
  for (const [name, ms] of inclusive)
    console.log(`${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  console.log(`busy JS time ${busy.toFixed(0)} ms, ${(busy / (rounds + run.warmup)).toFixed(1)} ms per alert`);
  for (const [chain, ms] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`caller of ${process.env.CALLERS}: ${ms.toFixed(0).padStart(6)} ms  ${chain}`);
  for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  }
} finally {
  await server.stop();
}

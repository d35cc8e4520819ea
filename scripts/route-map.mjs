#!/usr/bin/env node
/**
 * The "path prefix → file" table of docs/architecture.md, derived from worker/app.ts (its imports
 * and `.route(prefix, router)` mounts), so a reader can go from a URL to the file that serves it.
 *
 *   node scripts/route-map.mjs --write   rewrite the table between the marker lines
 *   node scripts/route-map.mjs --check   exit 1 with a diff when the table is out of date
 *   (--doc <path> checks or writes another copy, e.g. a temp file; links stay relative to docs/)
 *
 * It also refuses what the table cannot express: a router mounted at "/" or two routers on one
 * prefix (each URL prefix is served by exactly one file).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const START = "<!-- route-map:start -->";
export const END = "<!-- route-map:end -->";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const APP_FILE = "worker/app.ts";
export const DOC_FILE = "docs/architecture.md";

/** Local name → repository path of every relative import in `source` (a file at `file`). */
function importsOf(source, file) {
  const names = new Map();
  for (const [, list, from] of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g)) {
    const target = path.posix.join(path.posix.dirname(file), from).replace(/(\.js)?$/, ".ts");
    for (const item of list.split(",")) {
      const name = item
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop();
      if (name) names.set(name, target);
    }
  }
  return names;
}

/**
 * Every mount and direct route in the app source, as `{ prefix, file }` rows sorted by prefix.
 * A statement's `.route(p, x)` calls mount on the chain's root: `app` in `routes = app.route(…)`,
 * `api` in `const api = new OpenAPIHono().route(…)`.
 */
export function routeTable(source, file = APP_FILE) {
  const imports = importsOf(source, file);
  const mounts = []; // { on, prefix, target }
  const direct = []; // { on, prefix }
  for (const statement of source.split(/;\s*\n/)) {
    const code = statement.replace(/^\s*(\/\/.*|\/\*[\s\S]*?\*\/)\s*$/gm, "");
    const declared = code.match(/^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*=\s*(new\s+)?(\w+)/m);
    const called = code.match(/^\s*(\w+)\s*\./m);
    const on = declared ? (declared[2] ? declared[1] : declared[3]) : called?.[1];
    if (!on) continue;
    for (const [, prefix, target] of code.matchAll(/\.route\(\s*"([^"]*)"\s*,\s*(\w+)\s*\)/g)) mounts.push({ on, prefix, target });
    if (!declared)
      for (const [, prefix] of code.matchAll(/^\s*\w+\.(?:get|post|put|patch|delete)\(\s*"([^"]+)"/gm)) direct.push({ on, prefix });
  }

  const base = new Map([["app", ""]]);
  const locals = new Set(mounts.map((m) => m.on));
  // Resolve nested routers (e.g. `api` at /api) before the routers mounted on them.
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of mounts) {
      if (locals.has(m.target) && base.has(m.on) && !base.has(m.target)) {
        base.set(m.target, base.get(m.on) + m.prefix);
        changed = true;
      }
    }
  }

  const rows = [];
  for (const m of mounts) {
    if (locals.has(m.target)) continue;
    if (!base.has(m.on)) throw new Error(`route-map: cannot tell where "${m.on}" is mounted`);
    const file = imports.get(m.target);
    if (!file) throw new Error(`route-map: "${m.target}" (mounted at "${m.prefix}") is not imported from a file`);
    if (m.prefix === "/" || m.prefix === "")
      throw new Error(`route-map: "${m.target}" is mounted at "/"; mount each router at its URL prefix`);
    rows.push({ prefix: base.get(m.on) + m.prefix, file });
  }
  for (const d of direct) rows.push({ prefix: (base.get(d.on) ?? "") + d.prefix, file });

  const seen = new Map();
  for (const row of rows) {
    if (seen.has(row.prefix) && seen.get(row.prefix) !== row.file) {
      throw new Error(`route-map: ${row.prefix} is served by both ${seen.get(row.prefix)} and ${row.file}`);
    }
    seen.set(row.prefix, row.file);
  }
  return [...seen]
    .map(([prefix, file]) => ({ prefix: prefix.replace(/:(\w+)/g, "{$1}"), file }))
    .sort((a, b) => a.prefix.localeCompare(b.prefix));
}

/** The markdown table, with links relative to the doc's folder. */
export function routeMapMarkdown(rows, docFile = DOC_FILE) {
  const from = path.posix.dirname(docFile);
  const lines = [
    "| URL prefix | Served by |",
    "|---|---|",
    ...rows.map(({ prefix, file }) => `| \`${prefix}\` | [\`${file}\`](${path.posix.relative(from, file)}) |`),
  ];
  return `${lines.join("\n")}\n`;
}

/** `doc` with the text between the markers replaced by `table`. */
export function withRouteMap(doc, table) {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`route-map: the doc needs the marker lines ${START} and ${END}`);
  return `${doc.slice(0, start + START.length)}\n${table}${doc.slice(end)}`;
}

/** Lines only in `before` (-) or only in `after` (+), in order; enough to see what changed. */
export function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  const inA = new Set(a);
  const inB = new Set(b);
  return [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`)].join("\n");
}

/**
 * Compares the doc with what the app source says. `{ current, expected, actual, diff }`;
 * a missing doc or missing markers throw.
 */
export function checkRouteMap({ root = ROOT, appFile = APP_FILE, docFile = DOC_FILE } = {}) {
  const docPath = path.resolve(root, docFile);
  if (!existsSync(docPath)) throw new Error(`route-map: ${docFile} does not exist`);
  const actual = readFileSync(docPath, "utf8");
  const rows = routeTable(readFileSync(path.resolve(root, appFile), "utf8"), appFile);
  // Links are written for docs/architecture.md wherever the checked copy lives (tests use a temp file).
  const expected = withRouteMap(actual, routeMapMarkdown(rows));
  return { current: actual === expected, expected, actual, diff: lineDiff(actual, expected), docPath };
}

function main(args) {
  const docIndex = args.indexOf("--doc");
  const docFile = docIndex >= 0 ? args[docIndex + 1] : DOC_FILE;
  const result = checkRouteMap({ docFile });
  if (args.includes("--write")) {
    if (!result.current) writeFileSync(result.docPath, result.expected);
    console.log(result.current ? `${docFile}: route map already current` : `${docFile}: route map written`);
    return 0;
  }
  if (args.includes("--check")) {
    if (result.current) return 0;
    console.error(`${docFile}: the route map is out of date (run node scripts/route-map.mjs --write):\n${result.diff}`);
    return 1;
  }
  console.error("usage: node scripts/route-map.mjs --write | --check [--doc <path>]");
  return 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  }
}

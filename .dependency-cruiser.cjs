// The layer rules of docs/architecture.md, checked by `npm run check` (npx depcruise …).
// Type-only imports count too (tsPreCompilationDeps), except where a rule says otherwise.
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycle anywhere: a cycle makes load order matter and hides which module owns what.",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "worker/domain is pure logic: no database, services, routes, integrations, notifications, HTTP framework or ORM.",
      from: { path: "^worker/domain/" },
      to: { path: ["^worker/(db|services|routes|integrations|notifications)/", "^node_modules/(hono|@hono/[^/]+|drizzle-orm)/"] },
    },
    {
      name: "durable-object-no-worker-io",
      severity: "error",
      comment: "The Durable Object depends on domain code and models/ only; I/O is passed in or done by the Worker.",
      from: { path: "^durable-objects/" },
      to: { path: "^worker/(services|integrations|routes|db)/" },
    },
    {
      name: "durable-object-only-domain-and-lib",
      severity: "error",
      comment: "Of the Worker, the Durable Object may import worker/domain and worker/lib only (raise to error once clean).",
      from: { path: "^durable-objects/" },
      to: { path: "^worker/", pathNot: "^worker/(domain|lib|services|integrations|routes|db)/" },
    },
    {
      name: "routes-only-from-app",
      severity: "error",
      comment: "Route modules are mounted by worker/app.ts only; code that others need lives in services or domain.",
      from: { path: "^", pathNot: ["^worker/routes/", "^worker/app\\.ts$"] },
      to: { path: "^worker/routes/" },
    },
    {
      name: "app-uses-worker-types-only",
      severity: "error",
      comment: "The PWA may use the Worker's types (import type) but never bundles Worker code.",
      from: { path: "^app/" },
      to: { path: "^worker/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "test-code-stays-in-test",
      severity: "error",
      comment: "Nothing outside test/ imports test helpers, stand-ins or fixtures (the vitest config wires them in).",
      from: { path: "^", pathNot: ["^test/", "^vitest\\.config\\.ts$", "^bench/"] },
      to: { path: "^test/" },
    },
    {
      name: "bench-uses-only-stand-ins",
      severity: "error",
      comment: "The benchmarks may start the provider stand-ins (test/stand-ins), nothing else of test/.",
      from: { path: "^bench/" },
      to: { path: "^test/", pathNot: "^test/stand-ins/" },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing is a broken import (workerd's cloudflare:* and vite's virtual: modules excepted).",
      from: { pathNot: "^bench/" },
      to: { couldNotResolve: true, pathNot: ["^cloudflare:", "^virtual:"] },
    },
    {
      name: "no-unresolvable-bench",
      severity: "error",
      comment:
        "bench/ may also import its own packages (bench/package.json, installed by `npm run bench` on first use, so absent in CI) and, in the bench floor Worker, workerd's cloudflare: modules.",
      from: { path: "^bench/" },
      to: { couldNotResolve: true, pathNot: ["^(esbuild|fastify|glpk\\.js|socket\\.io|socket\\.io-client|ws)(/|$)", "^cloudflare:"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "^\\.wrangler/", "^\\.tmp/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "workerd", "worker", "browser", "default", "types"],
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

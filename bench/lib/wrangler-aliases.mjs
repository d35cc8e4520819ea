// The [alias] table of wrangler.toml as esbuild's `alias` option, so a bench that bundles the
// Worker with esbuild builds what `wrangler deploy` builds (docs/decisions/0309-…).
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/lib/dev-server.mjs";

export function wranglerAliases() {
  const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  const section = toml.split(/^\[alias\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return Object.fromEntries([...section.matchAll(/^"([^"]+)"\s*=\s*"([^"]+)"/gm)].map(([, from, to]) => [from, path.join(ROOT, to)]));
}

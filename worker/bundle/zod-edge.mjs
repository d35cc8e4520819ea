// The Worker bundle's "zod" (wrangler.toml [alias]): zod's own entry point minus its 48 error-message
// locales. @hono/zod-openapi hands the `z` namespace to zod-to-openapi as a value, so esbuild must keep
// every member of it, and `z.locales` alone is 364 KiB raw (~60 KiB gzip) of messages the API never
// shows (its problem JSON uses zod's default English). Mirrors zod/index.js and
// zod/v4/classic/external.js of the pinned zod (4.6.7); test/unit/zod-edge.test.ts checks that the
// exports match zod's, so an upgrade that adds or renames one fails there, not in production.
import * as z from "./zod-edge-external.mjs";
export * from "./zod-edge-external.mjs";
export { z, z as default };

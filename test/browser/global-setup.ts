/**
 * Starts the real product once for the browser tests: `wrangler dev` on a fresh local state with
 * the demo tenant seeded (scripts/lib/dev-server.mjs), serving the built PWA from dist/app.
 * Tests get the URL and credentials through `inject("fleetpulse")`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startDevServer } from "../../scripts/lib/dev-server.mjs";
import { startOidcProvider } from "../stand-ins/oidc-provider.mjs";
import { CHROMIUM_PATH, ROOT, SCREENSHOT_DIR, type FleetPulseContext } from "./support";

declare module "vitest" {
  export interface ProvidedContext {
    fleetpulse: FleetPulseContext;
    /** A real OIDC provider for single sign-on (sso-sign-in.test.ts), registered for the dev server's callback. */
    oidcProvider: { issuer: string; clientId: string; clientSecret: string };
    /** To create tenants of their own (tests that must not change the demo tenant's settings or passwords). */
    platformToken: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  if (!existsSync(path.join(ROOT, "dist/app/index.html"))) {
    // scripts/browser-tests.mjs builds first; this covers a bare `vitest run --project browser`.
    const build = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) throw new Error("vite build failed");
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const server = await startDevServer();
  const demo = server.demo as { tenant: string; users: FleetPulseContext["users"]; webhookSecret: string } | null;
  if (!demo?.users?.admin) {
    await server.stop();
    throw new Error("The dev server did not seed the demo tenant");
  }
  // The browser talks to the runtime itself, not through wrangler's reload proxy in front of it,
  // which stalls on its own now and then (scripts/lib/runtime-url.mjs; BENCHMARKS.md, "The sequential
  // tail is the dev proxy's"). Links and redirects the app builds from APP_URL name the proxy's address.
  const url = server.runtime;
  project.provide("fleetpulse", { url, appUrl: server.url, tenant: demo.tenant, users: demo.users, webhookSecret: demo.webhookSecret });
  // Its own port, nothing else uses it: other browser tests are unaffected.
  const oidc = await startOidcProvider({ redirectUris: [`${url}/api/sso/callback`, `${server.url}/api/sso/callback`] });
  project.provide("oidcProvider", { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret });
  project.provide("platformToken", server.platformToken);
  return async () => {
    await Promise.all([server.stop(), oidc.close()]);
  };
}

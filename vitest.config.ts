/// <reference path="./test/stand-ins/env.d.ts" />
import { availableParallelism } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";

/** Fixed, test-only secrets for the workerd project (never used outside tests). */
export const TEST_SECRETS = {
  PLATFORM_ADMIN_TOKEN: "test-platform-admin-token-0123456789",
  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
  ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  // The keyring (docs/configuration.md): two keys so rotation can be tested, k2 active.
  PII_KEYS: JSON.stringify({ k1: "ZmxlZXRwdWxzZS10ZXN0LXBpaS1rZXktb25lLTAwMDE=", k2: "ZmxlZXRwdWxzZS10ZXN0LXBpaS1rZXktdHdvLTAwMDI=" }),
  PII_ACTIVE_KEY: "k2",
  // Blind-index keys: i1 and i2 (active) so index rotation can be tested, and the legacy single key (i0).
  PII_INDEX_KEYS: JSON.stringify({
    i1: "ZmxlZXRwdWxzZS10ZXN0LWluZGV4LWtleS1vbmUtMDE=",
    i2: "ZmxlZXRwdWxzZS10ZXN0LWluZGV4LWtleS10d28tMDI=",
  }),
  PII_INDEX_ACTIVE: "i2",
  PII_INDEX_KEY: "ZmxlZXRwdWxzZS10ZXN0LWJsaW5kLWluZGV4LWtleSE=",
};

/**
 * Browser tests that wait on the wall clock (the dev server's own alarm, minutes apart). They run in
 * their own project, against their own dev server, after the other browser tests
 * (scripts/browser-tests.mjs: two wrangler dev instances of one Worker restart each other).
 */
export const WALL_CLOCK_BROWSER_TESTS = ["test/browser/alarm-dev-server.test.ts"];

const browserProject = (name: string, include: string[], exclude: string[] = []) => ({
  test: {
    name,
    include,
    exclude: [...configDefaults.exclude, ...exclude],
    environment: "node" as const,
    globalSetup: ["test/browser/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for what the page, its service worker or the server does next; its 1 s
    // default failed a push notification shown a moment later on a loaded CI machine.
    expect: { poll: { timeout: 10_000 } },
    // One file at a time: the files share the seeded demo tenant.
    fileParallelism: false,
  },
});

/**
 * With two files sharing two cores, a test that takes 3 s alone can take 6: the default 5 s limit
 * would then fail tests for the machine's load, not for what they check.
 */
const TEST_TIMEOUT_MS = 30_000;

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      // Vitest's default is one worker fewer than the cores: a single file at a time on a 2-core
      // machine, while a workerd file spends much of its time starting its runtime and waiting on
      // I/O. Two at least keep both cores busy (files are independent: docs/testing.md).
      maxWorkers: Math.max(2, availableParallelism() - 1),
      projects: [
        {
          test: {
            name: "unit",
            include: ["test/unit/**/*.test.ts", "models/**/*.test.ts"],
            environment: "node",
            testTimeout: TEST_TIMEOUT_MS,
          },
        },
        {
          plugins: [
            // Provider stand-ins (test/stand-ins) are started by the globalSetup below; their URL,
            // VAPID key pair and test credentials become bindings here.
            cloudflareTest(({ inject }) => {
              const standInUrl = inject("standInUrl");
              const vapid = inject("vapid");
              const credentials = inject("standInCredentials");
              return {
                wrangler: { configPath: "./wrangler.toml" },
                miniflare: {
                  // The suite signs in from one address, so the per-IP API limit is lifted; the rate-limit
                  // tests use TEST_RATE_LIMIT (3 a minute) in place of a real limiter (security-rate-limits.test.ts).
                  ratelimits: {
                    API_RATE_LIMIT: { simple: { limit: 1_000_000, period: 60 } },
                    TEST_RATE_LIMIT: { simple: { limit: 3, period: 60 } },
                  },
                  bindings: {
                    ...TEST_SECRETS,
                    ENVIRONMENT: "test",
                    // Fast, fixed retries and links for tests, whatever a local .dev.vars says.
                    NOTIFY_RETRY_DELAYS: "1,1,1,1",
                    APP_URL: "http://fleetpulse.test",
                    TEST_MIGRATIONS: migrations,
                    STAND_IN_URL: standInUrl,
                    TWILIO_API_URL: standInUrl,
                    SENDGRID_API_URL: standInUrl,
                    TWILIO_ACCOUNT_SID: credentials.twilioSid,
                    TWILIO_AUTH_TOKEN: credentials.twilioToken,
                    SENDGRID_API_KEY: credentials.sendgridKey,
                    VAPID_PUBLIC_KEY: vapid.publicKey,
                    VAPID_PRIVATE_KEY: vapid.privateKey,
                  },
                },
              };
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            testTimeout: TEST_TIMEOUT_MS,
            setupFiles: ["test/workers/apply-migrations.ts"],
            // Every file starts its own workerd, which loads the whole Worker module by module
            // (about 8 s of a file's 11). Pre-bundled, each package is one module: tfjs alone is
            // well over a thousand; zod, hono and drizzle take about 3 s off every file.
            deps: {
              optimizer: {
                ssr: {
                  enabled: true,
                  include: [
                    "@tensorflow/tfjs-core",
                    "@tensorflow/tfjs-layers",
                    "@tensorflow/tfjs-backend-cpu",
                    "zod",
                    "@hono/zod-openapi",
                    "drizzle-orm",
                    "drizzle-orm/sqlite-core",
                    "drizzle-orm/d1",
                    "drizzle-orm/batch",
                    "hono",
                    "hono/factory",
                    "hono/jwt",
                    "hono/cookie",
                    "hono/secure-headers",
                    "hono/route",
                    "hono/request-id",
                    "hono/http-exception",
                    "hono/body-limit",
                  ],
                },
              },
            },
            globalSetup: ["test/stand-ins/global-setup.ts"],
          },
        },
        browserProject("browser", ["test/browser/**/*.test.ts"], WALL_CLOCK_BROWSER_TESTS),
        browserProject("browser-wall-clock", WALL_CLOCK_BROWSER_TESTS),
      ],
    },
  };
});

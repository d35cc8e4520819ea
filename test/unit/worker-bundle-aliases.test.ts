/**
 * The Worker bundle's aliases (wrangler.toml [alias], worker/bundle/): zod without its locales keeps
 * every export of zod, and web-push bundled with the asn1.js/jws/https-proxy-agent stand-ins still
 * builds an encrypted request around the WebCrypto-signed VAPID header. The workerd tests run the
 * real packages (vitest-pool-workers does not apply [alias]), so this is where the aliases are proven.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { verify } from "hono/jwt";
import webPush from "web-push";
import * as zod from "zod";
import { describe, expect, it } from "vitest";
import { vapidAuthorization } from "../../worker/notifications/channels/vapid";
// @ts-expect-error plain JS module for the bundle only
import * as zodEdge from "../../worker/bundle/zod-edge.mjs";

const root = path.resolve(import.meta.dirname, "../..");

/** The [alias] table of wrangler.toml: `"name" = "./path"` lines. */
function wranglerAliases(): Record<string, string> {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const section = toml.split(/^\[alias\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return Object.fromEntries([...section.matchAll(/^"([^"]+)"\s*=\s*"([^"]+)"/gm)].map(([, from, to]) => [from, path.join(root, to ?? "")]));
}

const keys = (value: object) => Object.keys(value).sort();

describe("zod without locales (worker/bundle/zod-edge.mjs)", () => {
  it("is what wrangler.toml aliases zod to", () => {
    expect(wranglerAliases().zod).toBe(path.join(root, "worker/bundle/zod-edge.mjs"));
  });

  it("exports exactly what zod exports, in `z` and `z.core` too, with English as the only locale", () => {
    expect(keys(zodEdge)).toEqual(keys(zod));
    expect(keys(zodEdge.z)).toEqual(keys(zod.z));
    expect(keys(zodEdge.z.core)).toEqual(keys(zod.z.core));
    expect(keys(zodEdge.z.locales)).toEqual(["en"]);
    expect(keys(zodEdge.z.core.locales)).toEqual(["en"]);
    // Same classes as zod's own entry point: schemas built through either are one and the same zod.
    expect(zodEdge.z.ZodObject).toBe(zod.z.ZodObject);
    expect(zodEdge.z.object({ a: zodEdge.z.number() }).safeParse({ a: "x" }).error.issues[0].message).toBe(
      zod.z.object({ a: zod.z.number() }).safeParse({ a: "x" }).error?.issues[0]?.message,
    );
  });
});

describe("web-push as the Worker bundles it", () => {
  it("encrypts with the VAPID header it is given, and refuses to sign VAPID itself", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "web-push-edge-"));
    const entry = path.join(dir, "entry.mjs");
    writeFileSync(entry, 'export { generateRequestDetails } from "web-push";\n');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: path.join(dir, "out.mjs"),
      alias: wranglerAliases(),
      nodePaths: [path.join(root, "node_modules")],
      banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs).join("\n");
    expect(inputs).not.toMatch(/node_modules\/(asn1\.js|bn\.js|jws|jwa|https-proxy-agent)\//);
    const { generateRequestDetails } = await import(pathToFileURL(path.join(dir, "out.mjs")).href);

    const vapid = webPush.generateVAPIDKeys();
    const browserKeys = webPush.generateVAPIDKeys(); // any P-256 point serves as the subscriber's key
    const subscription = {
      endpoint: "https://push.example/send/abc",
      keys: { p256dh: browserKeys.publicKey, auth: "AAAAAAAAAAAAAAAAAAAAAA" },
    };
    const authorization = await vapidAuthorization(subscription.endpoint, { subject: "mailto:ops@example.com", ...vapid }, 1_000_000);
    const details = generateRequestDetails(subscription, '{"title":"t"}', {
      headers: { Authorization: authorization },
      TTL: 60,
      contentEncoding: "aes128gcm",
      urgency: "high",
    });
    expect(details.headers).toMatchObject({ Authorization: authorization, "Content-Encoding": "aes128gcm", TTL: 60, Urgency: "high" });
    expect(details.body.length).toBeGreaterThan(86 + 16);

    expect(() =>
      generateRequestDetails(subscription, "x", {
        vapidDetails: { subject: "mailto:ops@example.com", ...vapid },
        contentEncoding: "aes128gcm",
      }),
    ).toThrow(/left out of the Worker bundle/);
  });
});

describe("vapidAuthorization", () => {
  it("signs an ES256 JWT for the endpoint's origin that verifies with the public key", async () => {
    const vapid = webPush.generateVAPIDKeys();
    const header = await vapidAuthorization(
      "https://push.example:8443/send/abc?x=1",
      { subject: "mailto:ops@example.com", ...vapid },
      1_000_000,
    );
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(header);
    expect(match?.[2]).toBe(vapid.publicKey);
    const raw = Buffer.from(vapid.publicKey, "base64url");
    const publicJwk = { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") };
    const claims = await verify(match?.[1] ?? "", publicJwk, { alg: "ES256", exp: false });
    expect(claims).toEqual({ aud: "https://push.example:8443", exp: 1_000_000 + 12 * 3600, sub: "mailto:ops@example.com" });
    // web-push's own VAPID signature verifies the same way (same JWT shape, same key material).
    const theirs = webPush.getVapidHeaders(
      "https://push.example:8443",
      "mailto:ops@example.com",
      vapid.publicKey,
      vapid.privateKey,
      "aes128gcm",
    );
    await expect(verify(/t=([^,]+)/.exec(theirs.Authorization)?.[1] ?? "", publicJwk, { alg: "ES256", exp: false })).resolves.toMatchObject(
      {
        aud: "https://push.example:8443",
      },
    );
  });

  it("refuses malformed keys and subjects", async () => {
    const vapid = webPush.generateVAPIDKeys();
    const at = (v: Partial<typeof vapid & { subject: string }>) =>
      vapidAuthorization("https://push.example/x", { subject: "mailto:a@b.c", ...vapid, ...v });
    await expect(at({ subject: "ops@example.com" })).rejects.toThrow(/subject/);
    await expect(at({ publicKey: "AAAA" })).rejects.toThrow(/public key/);
    await expect(at({ privateKey: "AAAA" })).rejects.toThrow(/private key/);
  });
});

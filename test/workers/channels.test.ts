/// <reference path="../stand-ins/env.d.ts" />
/**
 * Channel adapters against the provider stand-ins (test/stand-ins/providers.mjs, a Node server
 * started by the workers project's globalSetup). Every check of what a provider received goes
 * through the stand-in's /__received, filtered by this test's own subscription, hook or recipient,
 * so test files may share the stand-in in parallel.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { CHANNELS } from "../../worker/notifications/channels";
import type { OutgoingMessage, Recipient, SendContext, SendResult } from "../../worker/notifications/channels/types";
import { toBase64 } from "../../worker/lib/encoding";

type Kind = "push" | "sms" | "voice" | "email" | "webhook";
interface Log {
  received: Array<Record<string, any>>;
  rejected: Array<Record<string, any>>;
}

const standIn = (path: string, init?: RequestInit) => fetch(`${env.STAND_IN_URL}${path}`, init);
const post = (path: string, body: unknown) => standIn(path, { method: "POST", body: JSON.stringify(body) });

async function received(kind: Kind, filter: { id?: string; to?: string }): Promise<Log> {
  const query = new URLSearchParams({ kind, ...filter });
  const res = await standIn(`/__received?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Log;
}

async function failNext(path: string, statuses: number[], to?: string) {
  const res = await post("/__fail", { path, statuses, ...(to ? { to } : {}) });
  expect(res.status).toBe(204);
}

let counter = 0;
const uniquePhone = () => `+1555${String(Date.now() % 10_000).padStart(4, "0")}${String(counter++ % 1000).padStart(3, "0")}`;
const uniqueEmail = () => `driver-${Date.now().toString(36)}-${counter++}@customer.example`;

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  title: "CRITICAL: Unit 007 — Engine overheating",
  body: "engineTempC 116 > 110 at 14:02 UTC. Open: https://fleetpulse.example/alerts/alr_007",
  url: "https://fleetpulse.example/alerts/alr_007",
  alertId: "alr_007",
  alertIds: ["alr_007"],
  severity: "critical",
  ...overrides,
});

const recipient = (overrides: Partial<Recipient> = {}): Recipient => ({
  userId: "usr_1",
  name: "Dana Driver",
  email: uniqueEmail(),
  phone: uniquePhone(),
  ...overrides,
});

const ctx = (overrides: Partial<SendContext> = {}): SendContext => ({ env, recipient: recipient(), message: message(), ...overrides });

function expectFailure(result: SendResult, expected: { retryable: boolean; gone?: boolean; error?: RegExp }) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (result.ok) return;
  expect(result.retryable, result.error).toBe(expected.retryable);
  expect(result.gone ?? false, result.error).toBe(expected.gone ?? false);
  if (expected.error) expect(result.error).toMatch(expected.error);
}

async function newSubscription() {
  const res = await standIn("/__push/subscriptions", { method: "POST" });
  expect(res.status).toBe(201);
  const json = (await res.json()) as { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  const id = new URL(json.endpoint).pathname.split("/").pop()!;
  return { id, path: new URL(json.endpoint).pathname, record: { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth } };
}

async function newHook() {
  const secret = `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
  const res = await post("/__webhooks", { secret });
  expect(res.status).toBe(201);
  const { id, url } = (await res.json()) as { id: string; url: string };
  return { id, url, secret, path: new URL(url).pathname };
}

describe("the stand-in is reachable from workerd", () => {
  it("answers its control API on STAND_IN_URL", async () => {
    expect(env.STAND_IN_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.TWILIO_API_URL).toBe(env.STAND_IN_URL);
    expect(env.SENDGRID_API_URL).toBe(env.STAND_IN_URL);
    const res = await standIn("/__received?kind=sms&to=%2B10000000000");
    expect(await res.json()).toEqual({ received: [], rejected: [] });
  });
});

describe("push (Web Push: aes128gcm + VAPID via web-push, sent with fetch)", () => {
  it("is decrypted by the subscriber to exactly {title, body, alertId, severity, url}, with VAPID, TTL and urgency", async () => {
    const sub = await newSubscription();
    const msg = message();
    const result = await CHANNELS.push(ctx({ subscription: sub.record, message: msg }));
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/\/push\/messages\//) });
    const log = await received("push", { id: sub.id });
    expect(log.rejected).toEqual([]);
    expect(log.received).toHaveLength(1);
    const got = log.received[0]!;
    expect(got.payload).toEqual({ title: msg.title, body: msg.body, alertId: msg.alertId, severity: msg.severity, url: msg.url });
    expect(got.ttl).toBe(86_400);
    expect(got.urgency).toBe("high");
    expect(got.vapid).toMatchObject({ aud: env.STAND_IN_URL, sub: env.VAPID_SUBJECT, k: env.VAPID_PUBLIC_KEY });
    const now = Date.now() / 1000;
    expect(got.vapid.exp).toBeGreaterThan(now);
    expect(got.vapid.exp).toBeLessThanOrEqual(now + 86_400);
  });

  it("maps severity to Urgency and keeps non-ASCII text intact", async () => {
    const sub = await newSubscription();
    const low = message({ severity: "low", title: "LOW: Fahrzeug 12 — Reifendruck niedrig ⚠️", body: "tirePressureKpa 180 < 200" });
    expect((await CHANNELS.push(ctx({ subscription: sub.record, message: low }))).ok).toBe(true);
    expect((await CHANNELS.push(ctx({ subscription: sub.record, message: message({ severity: "medium" }) }))).ok).toBe(true);
    const log = await received("push", { id: sub.id });
    expect(log.received.map((r) => r.urgency)).toEqual(["low", "normal"]);
    expect(log.received[0]!.payload.title).toBe(low.title);
  });

  it("reports a deleted subscription (410) and an unknown one as gone, not retryable", async () => {
    const sub = await newSubscription();
    expect((await post("/__gone", { path: sub.path })).status).toBe(204);
    expectFailure(await CHANNELS.push(ctx({ subscription: sub.record })), { retryable: false, gone: true, error: /410/ });

    const other = await newSubscription();
    const unknown = { ...other.record, endpoint: `${env.STAND_IN_URL}/push/no-such-subscription` };
    expectFailure(await CHANNELS.push(ctx({ subscription: unknown })), { retryable: false, gone: true });
  });

  it("treats 404 as gone too", async () => {
    const sub = await newSubscription();
    await failNext(sub.path, [404]);
    expectFailure(await CHANNELS.push(ctx({ subscription: sub.record })), { retryable: false, gone: true, error: /404/ });
  });

  it("retries on 503 and 429, then succeeds; a 400 is final", async () => {
    const sub = await newSubscription();
    await failNext(sub.path, [503, 429, 400]);
    expectFailure(await CHANNELS.push(ctx({ subscription: sub.record })), { retryable: true, error: /push HTTP 503/ });
    expectFailure(await CHANNELS.push(ctx({ subscription: sub.record })), { retryable: true, error: /push HTTP 429/ });
    expectFailure(await CHANNELS.push(ctx({ subscription: sub.record })), { retryable: false, error: /push HTTP 400/ });
    expect((await CHANNELS.push(ctx({ subscription: sub.record }))).ok).toBe(true);
    const log = await received("push", { id: sub.id });
    expect(log.rejected.map((r) => r.status)).toEqual([503, 429, 400]);
    expect(log.received).toHaveLength(1);
  });

  it("refuses endpoints the SSRF guard rejects and malformed keys without calling anyone, for good", async () => {
    const sub = await newSubscription();
    for (const endpoint of [
      "http://10.0.0.8/push/x",
      "http://169.254.169.254/latest/meta-data",
      "https://[fd00::1]/push",
      "ftp://127.0.0.1/x",
    ]) {
      expectFailure(await CHANNELS.push(ctx({ subscription: { ...sub.record, endpoint } })), { retryable: false, error: /not allowed/ });
    }
    expectFailure(await CHANNELS.push(ctx({ subscription: { ...sub.record, p256dh: "AAAA" } })), { retryable: false, error: /p256dh/ });
    expectFailure(await CHANNELS.push(ctx({})), { retryable: false });
    const log = await received("push", { id: sub.id });
    expect(log.received).toEqual([]);
    expect(log.rejected).toEqual([]);
  });

  it("treats a refused connection as retryable", async () => {
    const sub = await newSubscription();
    const result = await CHANNELS.push(ctx({ subscription: { ...sub.record, endpoint: "http://127.0.0.1:1/push/x" } }));
    expectFailure(result, { retryable: true, error: /network error/ });
  });

  it("gives up on a push service that does not answer within 10 s, retryably", async () => {
    const sub = await newSubscription();
    await failNext(sub.path, [0]);
    // The product asks for a 10 s timeout signal; the test gets the same real TimeoutError 10 s
    // would give, after 50 ms, instead of sitting through the 10 s (the Worker shares this isolate).
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    const asked: number[] = [];
    const spy = vi.spyOn(AbortSignal, "timeout").mockImplementation((ms) => {
      asked.push(ms);
      return realTimeout(50);
    });
    onTestFinished(() => {
      spy.mockRestore();
    });
    const result = await CHANNELS.push(ctx({ subscription: sub.record }));
    expectFailure(result, { retryable: true, error: /no answer within 10 s/ });
    expect(asked).toEqual([10_000]);
  });
});

describe("sms (Twilio Messages)", () => {
  it("is accepted with To, From and title + body, and returns Twilio's SM sid", async () => {
    const to = recipient();
    const msg = message();
    const result = await CHANNELS.sms(ctx({ recipient: to, message: msg }));
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const log = await received("sms", { to: to.phone! });
    expect(log.rejected).toEqual([]);
    expect(log.received).toEqual([
      expect.objectContaining({
        to: to.phone,
        from: env.TWILIO_FROM,
        body: `${msg.title}\n${msg.body}`,
        sid: (result as { providerId: string }).providerId,
      }),
    ]);
  });

  it("shortens long text to 320 characters and keeps the link whole", async () => {
    const to = recipient();
    const msg = message({ body: `${"temperature climbing fast; ".repeat(30)}Open: https://fleetpulse.example/alerts/alr_007` });
    expect((await CHANNELS.sms(ctx({ recipient: to, message: msg }))).ok).toBe(true);
    const [got] = (await received("sms", { to: to.phone! })).received;
    expect(Array.from(got!.body as string).length).toBeLessThanOrEqual(320);
    expect(got!.body).toMatch(/^CRITICAL: Unit 007/);
    expect(got!.body).toMatch(/ https:\/\/fleetpulse\.example\/alerts\/alr_007$/);
  });

  it("fails for good on a wrong auth token (401) or a number Twilio rejects (400)", async () => {
    const to = recipient();
    const wrongToken = { ...env, TWILIO_AUTH_TOKEN: "not-the-token" } as Env;
    expectFailure(await CHANNELS.sms(ctx({ env: wrongToken, recipient: to })), { retryable: false, error: /twilio HTTP 401.*20003/ });
    const bad = recipient({ phone: "0151 1234567" });
    expectFailure(await CHANNELS.sms(ctx({ recipient: bad })), { retryable: false, error: /twilio HTTP 400.*21211/ });
    expect((await received("sms", { to: to.phone! })).rejected).toEqual([expect.objectContaining({ status: 401, reason: "Authenticate" })]);
  });

  it("retries on 503 and 429", async () => {
    const to = recipient();
    await failNext("/2010-04-01/", [503, 429], to.phone!);
    expectFailure(await CHANNELS.sms(ctx({ recipient: to })), { retryable: true, error: /503/ });
    expectFailure(await CHANNELS.sms(ctx({ recipient: to })), { retryable: true, error: /429/ });
    expect((await CHANNELS.sms(ctx({ recipient: to }))).ok).toBe(true);
  });

  it("fails for good, without a request, when the recipient has no phone", async () => {
    expectFailure(await CHANNELS.sms(ctx({ recipient: recipient({ phone: null }) })), { retryable: false, error: /no phone/ });
  });
});

describe("voice (Twilio Calls with TwiML)", () => {
  it("says the alert and gathers one digit for the acknowledgement URL, escaping everything", async () => {
    const to = recipient();
    const msg = message({
      title: `CRITICAL: Unit <7> "A&B" — Engine's overheating`,
      body: "engineTempC 116 > 110 at 14:02 UTC. Open: https://fleetpulse.example/alerts/alr_007",
    });
    const voiceAckUrl = "https://fleetpulse.example/api/voice/ack?delivery=dlv_1&sig=a<b";
    const result = await CHANNELS.voice(ctx({ recipient: to, message: msg, voiceAckUrl }));
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^CA[0-9a-f]{32}$/) });
    const log = await received("voice", { to: to.phone! });
    expect(log.rejected).toEqual([]);
    const got = log.received[0]!;
    expect(got.from).toBe(env.TWILIO_FROM);
    expect(got.gather).toEqual({ action: voiceAckUrl, numDigits: "1", method: "POST" });
    const spoken = (got.says as string[]).join(" ");
    expect(spoken).toContain(`Unit <7> "A&B" — Engine's overheating`);
    expect(spoken).toContain("engineTempC 116 > 110");
    expect(spoken).toContain("Press 1 to acknowledge");
    expect(spoken).not.toContain("https://");
  });

  it("fails for good without an acknowledgement URL or with a wrong token", async () => {
    expectFailure(await CHANNELS.voice(ctx({})), { retryable: false, error: /acknowledgement URL/ });
    const wrongToken = { ...env, TWILIO_AUTH_TOKEN: "nope" } as Env;
    expectFailure(await CHANNELS.voice(ctx({ env: wrongToken, voiceAckUrl: "https://fleetpulse.example/ack" })), {
      retryable: false,
      error: /401/,
    });
  });

  it("retries on 500", async () => {
    const to = recipient();
    await failNext("/2010-04-01/", [500], to.phone!);
    expectFailure(await CHANNELS.voice(ctx({ recipient: to, voiceAckUrl: "https://fleetpulse.example/ack" })), {
      retryable: true,
      error: /500/,
    });
  });
});

describe("email (SendGrid v3)", () => {
  it("is accepted with text/plain and text/html parts, the subject, and the link", async () => {
    const to = recipient();
    const msg = message({ title: "HIGH: Unit <9> & friends", body: "fuelLevelPct 4 < 10 at 09:12 UTC" });
    const result = await CHANNELS.email(ctx({ recipient: to, message: msg }));
    expect(result).toEqual({ ok: true, providerId: expect.any(String) });
    const log = await received("email", { to: to.email });
    expect(log.rejected).toEqual([]);
    const got = log.received[0]!;
    expect(got.from).toBe(env.EMAIL_FROM);
    expect(got.subject).toBe(msg.title);
    expect(got.messageId).toBe((result as { providerId: string }).providerId);
    expect(got.text).toContain(msg.body);
    expect(got.text).toContain(msg.url);
    expect(got.html).toContain("HIGH: Unit &lt;9&gt; &amp; friends");
    expect(got.html).not.toContain("<9>");
    expect(got.html).toContain(`<a href="${msg.url}">`);
    expect(got.body.personalizations[0].to[0]).toEqual({ email: to.email, name: to.name });
    expect(got.body.content.map((c: { type: string }) => c.type)).toEqual(["text/plain", "text/html"]);
  });

  it("fails for good on a wrong API key (401), retries on 500 and 429", async () => {
    const to = recipient();
    expectFailure(await CHANNELS.email(ctx({ env: { ...env, SENDGRID_API_KEY: "SG.wrong" } as Env, recipient: to })), {
      retryable: false,
      error: /sendgrid HTTP 401/,
    });
    await failNext("/v3/mail/send", [500, 429], to.email);
    expectFailure(await CHANNELS.email(ctx({ recipient: to })), { retryable: true, error: /500/ });
    expectFailure(await CHANNELS.email(ctx({ recipient: to })), { retryable: true, error: /429/ });
    expect((await CHANNELS.email(ctx({ recipient: to }))).ok).toBe(true);
  });
});

describe("webhook (Standard Webhooks)", () => {
  const data = { alert: { id: "alr_007", severity: "critical", vehicleId: "veh_1" } };

  it("is verified by the receiver with the endpoint's secret, body {type, timestamp, data}", async () => {
    const hook = await newHook();
    const result = await CHANNELS.webhook(
      ctx({ webhook: { id: "msg_alr_007_1", url: hook.url, secret: hook.secret, event: "alert.created", data } }),
    );
    expect(result).toEqual({ ok: true });
    const log = await received("webhook", { id: hook.id });
    expect(log.rejected).toEqual([]);
    const got = log.received[0]!;
    expect(got.webhookId).toBe("msg_alr_007_1");
    expect(got.contentType).toBe("application/json");
    expect(got.body).toEqual({ type: "alert.created", timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/), data });
    expect(Math.abs(got.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(new Date(got.body.timestamp).getTime() / 1000).toBe(got.timestamp);
  });

  it("a wrong secret is rejected by the receiver (401, not retried); 410 means the endpoint is gone", async () => {
    const hook = await newHook();
    const other = `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
    const send = (secret: string) =>
      CHANNELS.webhook(ctx({ webhook: { id: "msg_1", url: hook.url, secret, event: "alert.created", data } }));
    expectFailure(await send(other), { retryable: false, error: /webhook HTTP 401/ });
    expect((await received("webhook", { id: hook.id })).rejected).toEqual([
      expect.objectContaining({ status: 401, reason: "bad signature" }),
    ]);
    expect((await post("/__gone", { path: hook.path })).status).toBe(204);
    expectFailure(await send(hook.secret), { retryable: false, gone: true, error: /410/ });
  });

  it("retries on 429 and 502; refuses private URLs", async () => {
    const hook = await newHook();
    await failNext(hook.path, [429, 502]);
    const send = (url: string) =>
      CHANNELS.webhook(ctx({ webhook: { id: "msg_2", url, secret: hook.secret, event: "alert.created", data } }));
    expectFailure(await send(hook.url), { retryable: true, error: /429/ });
    expectFailure(await send(hook.url), { retryable: true, error: /502/ });
    expect((await send(hook.url)).ok).toBe(true);
    for (const url of ["http://192.168.1.10/hook", "https://user:pw@hooks.example.com/x", "https://metadata.google.internal/x"]) {
      expectFailure(await send(url), { retryable: false, error: /not allowed/ });
    }
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { openFor, providerOf, recordOutcome, resetBreakers } from "../../worker/notifications/circuit-breaker";

describe("per-provider circuit breaker", () => {
  beforeEach(resetBreakers);

  it("opens after five retryable failures in a row, for a cool-down that doubles, and closes on success", () => {
    const t = 1_000_000;
    for (let i = 0; i < 4; i++) recordOutcome("twilio", "retryable", t);
    expect(openFor("twilio", t)).toBe(0);
    recordOutcome("twilio", "retryable", t);
    expect(openFor("twilio", t)).toBe(15_000);
    expect(openFor("sendgrid", t)).toBe(0); // other providers are not affected
    for (let i = 0; i < 5; i++) recordOutcome("twilio", "retryable", t + 20_000);
    expect(openFor("twilio", t + 20_000)).toBe(30_000);
    recordOutcome("twilio", "success", t + 60_000);
    expect(openFor("twilio", t + 60_000)).toBe(0);
  });

  it("ignores permanent failures, which say nothing about the provider's health", () => {
    for (let i = 0; i < 10; i++) recordOutcome("sendgrid", "other");
    expect(openFor("sendgrid")).toBe(0);
  });

  it("names providers by channel and host; Twilio's messages and calls are separate circuits", () => {
    // A failing SMS API must not open the circuit of the voice fallback.
    expect(providerOf("sms")).toBe("twilio:messages");
    expect(providerOf("voice")).toBe("twilio:calls");
    expect(providerOf("email")).toBe("sendgrid");
    expect(providerOf("push", "https://fcm.googleapis.com/fcm/send/abc")).toBe("push:fcm.googleapis.com");
    expect(providerOf("webhook", "https://hooks.example.com/x")).toBe("webhook:hooks.example.com");
  });
});

/**
 * Per-provider circuit breaker, kept in the consumer isolate's memory (like a client-side
 * breaker in each service instance): after FAILURES_TO_OPEN retryable failures in a row the
 * provider is left alone for a cool-down that doubles while it keeps failing (up to MAX_OPEN_MS);
 * deliveries for it are deferred without using an attempt. One success closes it.
 */
const FAILURES_TO_OPEN = 5;
const FIRST_OPEN_MS = 15_000;
const MAX_OPEN_MS = 10 * 60_000;

interface BreakerState {
  failures: number;
  openUntil: number;
  openMs: number;
}

const breakers = new Map<string, BreakerState>();

/**
 * Which provider a delivery goes to: Twilio's Messages or Calls API (one failing says nothing
 * of the other, so a failing SMS can fall back to a call), SendGrid, or the push service /
 * customer host.
 */
export function providerOf(channel: string, url?: string): string {
  if (channel === "sms") return "twilio:messages";
  if (channel === "voice") return "twilio:calls";
  if (channel === "email") return "sendgrid";
  try {
    return `${channel}:${new URL(url ?? "").host}`;
  } catch {
    return channel;
  }
}

/** Milliseconds until the provider may be called again (0 when closed). */
export const openFor = (provider: string, now = Date.now()) => Math.max(0, (breakers.get(provider)?.openUntil ?? 0) - now);

export function recordOutcome(provider: string, outcome: "success" | "retryable" | "other", now = Date.now()) {
  if (outcome === "other") return;
  if (outcome === "success") {
    breakers.delete(provider);
    return;
  }
  const state = breakers.get(provider) ?? { failures: 0, openUntil: 0, openMs: 0 };
  state.failures++;
  if (state.failures >= FAILURES_TO_OPEN) {
    state.openMs = Math.min(MAX_OPEN_MS, state.openMs ? state.openMs * 2 : FIRST_OPEN_MS);
    state.openUntil = now + state.openMs;
    state.failures = 0;
  }
  breakers.set(provider, state);
}

/** For tests: forget every breaker. */
export const resetBreakers = () => breakers.clear();

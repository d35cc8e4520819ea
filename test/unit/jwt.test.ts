// Access tokens (worker/lib/jwt.ts): a token verified once is not HMAC-checked again in this
// isolate, yet it still expires on time, and nothing but the exact token under the same secret
// is taken from what was verified.
import { afterEach, describe, expect, it, vi } from "vitest";
import { issueToken, verifyToken } from "../../worker/lib/jwt";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const auth = { userId: "usr_1", tenantId: "ten_1", role: "manager" as const, tokenVersion: 1 };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("verifyToken", () => {
  it("checks a token's signature once, then only its expiry", async () => {
    const { token, jti } = await issueToken(auth, SECRET, 60);
    const hmac = vi.spyOn(crypto.subtle, "verify");
    expect((await verifyToken(token, SECRET))?.jti).toBe(jti);
    expect(hmac).toHaveBeenCalledTimes(1);
    expect((await verifyToken(token, SECRET))?.jti).toBe(jti);
    expect(hmac).toHaveBeenCalledTimes(1);
  });

  it("refuses a verified token once it has expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-12-05T08:00:00Z"));
    const { token } = await issueToken(auth, SECRET, 60);
    expect(await verifyToken(token, SECRET)).not.toBeNull();
    vi.setSystemTime(Date.parse("2026-12-05T08:00:59Z"));
    expect(await verifyToken(token, SECRET)).not.toBeNull();
    vi.setSystemTime(Date.parse("2026-12-05T08:01:00Z"));
    expect(await verifyToken(token, SECRET)).toBeNull();
  });

  it("refuses a verified token's altered signature or payload, and the token under another secret", async () => {
    const { token } = await issueToken(auth, SECRET, 60);
    expect(await verifyToken(token, SECRET)).not.toBeNull();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    expect(await verifyToken(`${header}.${payload}.${flipped}`, SECRET)).toBeNull();
    const admin = btoa(JSON.stringify({ ...JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))), role: "admin" }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    expect(await verifyToken(`${header}.${admin}.${signature}`, SECRET)).toBeNull();
    expect(await verifyToken(token, `${SECRET}-rotated`)).toBeNull();
  });
});

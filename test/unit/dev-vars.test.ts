import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { ensureDevVars, flagValue, freshDevVars, parseDevVars, varArgs } from "../../scripts/lib/dev-vars.mjs";

describe("npm start argument handling", () => {
  it("reads --var KEY:VALUE in both spellings, keeping colons in values", () => {
    expect(varArgs(["--port", "8899", "--var", "PLATFORM_ADMIN_TOKEN:x", "--var=TWILIO_API_URL:http://127.0.0.1:9000"])).toEqual({
      PLATFORM_ADMIN_TOKEN: "x",
      TWILIO_API_URL: "http://127.0.0.1:9000",
    });
  });

  it("finds flag values with or without =", () => {
    expect(flagValue(["--port", "8899"], "--port")).toBe("8899");
    expect(flagValue(["--port=9000"], "--port")).toBe("9000");
    expect(flagValue(["--ip", "0.0.0.0"], "--port", 8787)).toBe(8787);
  });

  it("parses .dev.vars lines and ignores comments", () => {
    expect(parseDevVars('# c\nA=1\r\nB = "two"\n\nnot a line')).toEqual({ A: "1", B: "two" });
  });

  it("makes fresh secrets of the right shape each time", () => {
    const a = freshDevVars();
    const b = freshDevVars();
    expect(a.PLATFORM_ADMIN_TOKEN).not.toBe(b.PLATFORM_ADMIN_TOKEN);
    expect(Buffer.from(a.ENCRYPTION_KEY, "base64")).toHaveLength(32);
    expect(a).toMatchObject({ ENVIRONMENT: "development", NOTIFY_RETRY_DELAYS: "1,2,4,8" });
    // Blind-index keys with ids (rotatable), no single PII_INDEX_KEY.
    expect(a.PII_INDEX_ACTIVE).toBe("i1");
    expect(Buffer.from(JSON.parse(a.PII_INDEX_KEYS).i1, "base64")).toHaveLength(32);
    expect(a.PII_INDEX_KEY).toBeUndefined();
  });

  it("leaves an older .dev.vars on its single PII_INDEX_KEY (no rotation nobody asked for), and fills in a file without one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dev-vars-"));
    const older = path.join(dir, "older.vars");
    writeFileSync(older, "PII_INDEX_KEY=b2xkLWluZGV4LWtleS1vbGQtaW5kZXgta2V5LW9sZC0wMQ==\n");
    expect(ensureDevVars(older).created).toBe(false);
    const kept = parseDevVars(readFileSync(older, "utf8"));
    expect(kept.PII_INDEX_KEY).toBe("b2xkLWluZGV4LWtleS1vbGQtaW5kZXgta2V5LW9sZC0wMQ==");
    expect(kept.PII_INDEX_KEYS).toBeUndefined();
    expect(kept.PII_INDEX_ACTIVE).toBeUndefined();

    const bare = path.join(dir, "bare.vars");
    writeFileSync(bare, "ENVIRONMENT=development\n");
    ensureDevVars(bare);
    expect(parseDevVars(readFileSync(bare, "utf8"))).toMatchObject({ PII_INDEX_ACTIVE: "i1" });
  });
});

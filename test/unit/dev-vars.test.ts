import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { flagValue, freshDevVars, parseDevVars, varArgs } from "../../scripts/lib/dev-vars.mjs";

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
  });
});

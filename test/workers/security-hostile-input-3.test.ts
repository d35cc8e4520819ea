import { describe, it } from "vitest";
import { hostileRun } from "./hostile-input";

describe("hostile-input run (docs/security.md#hostile-input-run)", () => {
  it("part 3 of 4: every write endpoint × malformed body × bad credential, no 5xx and no changed row", { timeout: 600_000 }, () =>
    hostileRun(2, 4),
  );
});

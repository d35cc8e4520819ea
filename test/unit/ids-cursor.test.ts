import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, page } from "../../worker/lib/cursor";
import { newId } from "../../worker/lib/ids";
import { AppError } from "../../worker/lib/problem";

describe("ids", () => {
  it("sort by creation time and carry their prefix", () => {
    const earlier = newId("veh", 1_700_000_000_000);
    const later = newId("veh", 1_700_000_000_001);
    expect(earlier).toMatch(/^veh_[0-9a-z]{26}$/);
    expect(earlier < later).toBe(true);
    expect(newId("veh", 5)).not.toBe(newId("veh", 5));
  });
});

describe("cursors", () => {
  it("round-trip a sort key", () => {
    expect(decodeCursor(encodeCursor(["Unit 7", "veh_1"]), 2)).toEqual(["Unit 7", "veh_1"]);
  });

  it("reject tampered or wrong-arity cursors as a 400 on `cursor`", () => {
    for (const bad of ["zzz", encodeCursor(["one"]), encodeCursor([{ x: 1 } as never, "a"])]) {
      try {
        decodeCursor(bad, 2);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).errors?.[0]?.path).toBe("cursor");
      }
    }
  });

  it("pages a limit+1 fetch", () => {
    expect(page([1, 2, 3], 2, (n) => [n]).nextCursor).toBe(encodeCursor([2]));
    expect(page([1, 2], 2, (n) => [n]).nextCursor).toBeNull();
  });
});

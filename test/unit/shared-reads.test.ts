// SharedReads (worker/lib/shared-reads.ts): callers arriving together share a read, and none
// takes the answer of a read issued before it asked.
import { describe, expect, it } from "vitest";
import { SharedReads } from "../../worker/lib/shared-reads";

/** A read source whose reads the test settles by hand; each read answers the state at its issue. */
function source() {
  let state = 0;
  const reads: { issuedAt: number; settle: () => void; fail: () => void }[] = [];
  const issue = () =>
    new Promise<number>((resolve, reject) => {
      const issuedAt = state;
      reads.push({ issuedAt, settle: () => resolve(issuedAt), fail: () => reject(new Error("read failed")) });
    });
  return { issue, reads, write: () => state++ };
}

const settleMicrotasks = () => new Promise((r) => setTimeout(r, 0));

describe("SharedReads", () => {
  it("starts a read for the first caller and shares the next one among all who arrive while it runs", async () => {
    const shared = new SharedReads<number>();
    const src = source();
    const kept: Promise<unknown>[] = [];
    const keepAlive = (p: Promise<unknown>) => kept.push(p);
    const first = shared.read("t", src.issue, keepAlive);
    expect(src.reads).toHaveLength(1);
    src.write(); // a change lands after the first read was issued…
    const later = [1, 2, 3, 4].map(() => shared.read("t", src.issue, keepAlive));
    expect(src.reads).toHaveLength(1); // …so the later callers wait for a read of their own, queued
    src.reads[0]!.settle();
    expect(await first).toBe(0);
    await settleMicrotasks();
    expect(src.reads).toHaveLength(2);
    src.reads[1]!.settle();
    expect(await Promise.all(later)).toEqual([1, 1, 1, 1]); // the change, read once for all four
    expect(kept.length).toBeGreaterThanOrEqual(2); // every shared read is handed to keepAlive
  });

  it("keeps keys apart and starts afresh once nothing is in flight", async () => {
    const shared = new SharedReads<number>();
    const a = source();
    const b = source();
    const pa = shared.read("a", a.issue, () => {});
    const pb = shared.read("b", b.issue, () => {});
    expect([a.reads.length, b.reads.length]).toEqual([1, 1]);
    a.reads[0]!.settle();
    b.reads[0]!.settle();
    await Promise.all([pa, pb]);
    await settleMicrotasks();
    a.write();
    const again = shared.read("a", a.issue, () => {});
    expect(a.reads).toHaveLength(2); // nothing in flight: issued at once, no wait
    a.reads[1]!.settle();
    expect(await again).toBe(1);
  });

  it("a failed read fails only its own callers; the queued read still runs", async () => {
    const shared = new SharedReads<number>();
    const src = source();
    const first = shared.read("t", src.issue, () => {});
    const queued = shared.read("t", src.issue, () => {});
    src.reads[0]!.fail();
    await expect(first).rejects.toThrow("read failed");
    await settleMicrotasks();
    src.reads[1]!.settle();
    expect(await queued).toBe(0);
  });
});

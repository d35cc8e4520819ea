/**
 * The alert book remembers when each alert last logged an event, to hold a continuing episode's
 * updates for LIVE_COALESCE_MS (durable-objects/alert-book.ts). Past 1,000 entries it prunes the
 * oldest from the front of the map: alerts logged within the window stay held however many there are.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AlertBook } from "../../durable-objects/alert-book";
import { type Alert, LIVE_COALESCE_MS } from "../../worker/domain/alert";

const hub = () => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(`book-${crypto.randomUUID()}`));

/** The book stores and logs whatever alert it is given; only its id matters to the coalescing. */
const alertOf = (i: number) => ({ id: `alt_${i}`, vehicleId: `veh_${i}`, status: "open", value: 116 }) as unknown as Omit<Alert, "seq">;

describe("alert book: coalescing an episode's updates", () => {
  it("holds the update of every alert logged within the window, beyond 1,000 of them, and logs the ones past it", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const book = new AlertBook(state.storage.sql);
      const start = 1_000_000;
      // 400 alerts logged long ago, then 1,200 within the window: pruning meets the old ones first.
      for (let i = 0; i < 400; i++) book.record("alert", alertOf(i), start);
      const recent = start + 2 * LIVE_COALESCE_MS;
      for (let i = 400; i < 1600; i++) book.record("alert", alertOf(i), recent + i);
      const now = recent + 1600;
      for (const i of [400, 999, 1599]) expect(book.continueEpisode({ ...alertOf(i), value: 117 }, now), `alt_${i}`).toBeNull();
      for (const i of [0, 399]) expect(book.continueEpisode({ ...alertOf(i), value: 117 }, now)?.kind, `alt_${i}`).toBe("alert.updated");
    });
  });
});

import { describe, expect, it } from "vitest";
import { alertIsNotOlder, mergeAlert, mergeAlerts, mergeWorkOrder, withLiveWorkOrders } from "../../app/src/live-merge";

const alert = (id: string, seq: number, status = "open", createdAt = `2026-01-01T00:00:0${id}.000Z`) => ({ id, seq, status, createdAt });
const wo = (id: string, updatedAt: string, status = "open", version?: number) => ({ id, updatedAt, status, version });

describe("alerts merge forward by seq", () => {
  it("applies a newer event and ignores a replayed older one", () => {
    let list = mergeAlert([], alert("1", 5));
    list = mergeAlert(list, alert("1", 7, "acknowledged"));
    const replayed = mergeAlert(list, alert("1", 5, "open"));
    expect(replayed).toBe(list);
    expect(replayed[0]?.status).toBe("acknowledged");
  });

  it("ends in the same state whatever order the events arrive in", () => {
    const events = [alert("1", 3), alert("2", 4), alert("1", 6, "acknowledged"), alert("1", 9, "resolved"), alert("2", 8, "acknowledged")];
    const inOrder = mergeAlerts([], events);
    const reversed = mergeAlerts([], [...events].reverse());
    const shuffled = mergeAlerts([], [events[3]!, events[0]!, events[4]!, events[2]!, events[1]!, events[0]!]);
    for (const list of [reversed, shuffled]) expect(list).toEqual(inOrder);
    expect(inOrder.map((a) => [a.id, a.status])).toEqual([
      ["2", "acknowledged"],
      ["1", "resolved"],
    ]);
  });

  it("an API page older than the socket's events does not undo them", () => {
    const live = mergeAlert([], alert("1", 10, "resolved"));
    const page = [alert("1", 4, "open"), alert("3", 2)];
    expect(mergeAlerts(live, page).find((a) => a.id === "1")?.status).toBe("resolved");
  });

  it("keeps the newest `max` alerts, newest first", () => {
    const list = mergeAlerts([], [alert("1", 1), alert("2", 2), alert("3", 3)], 2);
    expect(list.map((a) => a.id)).toEqual(["3", "2"]);
  });

  it("a locally expected state replaces the same seq but never a newer one", () => {
    const list = mergeAlert([], alert("1", 5));
    expect(mergeAlert(list, alert("1", 5, "acknowledged"))[0]?.status).toBe("open");
    expect(mergeAlert(list, alert("1", 5, "acknowledged"), 200, alertIsNotOlder)[0]?.status).toBe("acknowledged");
    const newer = mergeAlert(list, alert("1", 6, "resolved"));
    expect(mergeAlert(newer, alert("1", 5, "acknowledged"), 200, alertIsNotOlder)[0]?.status).toBe("resolved");
  });
});

describe("work orders merge forward by version or updatedAt", () => {
  it("applies a later update, ignores an earlier one arriving late", () => {
    let list = [wo("a", "2026-01-01T10:00:00.000Z")];
    list = mergeWorkOrder(list, wo("a", "2026-01-01T10:05:00.000Z", "scheduled"));
    list = mergeWorkOrder(list, wo("a", "2026-01-01T10:01:00.000Z", "cancelled"));
    expect(list[0]?.status).toBe("scheduled");
  });

  it("a version decides when both carry one", () => {
    const list = [wo("a", "2026-01-01T10:05:00.000Z", "scheduled", 3)];
    expect(mergeWorkOrder(list, wo("a", "2026-01-01T10:05:00.000Z", "open", 2))[0]?.status).toBe("scheduled");
    expect(mergeWorkOrder(list, wo("a", "2026-01-01T10:05:00.000Z", "in_progress", 4))[0]?.status).toBe("in_progress");
  });

  it("adds a work order created elsewhere unless the screen only follows the ones it shows", () => {
    const list = [wo("a", "2026-01-01T10:00:00.000Z")];
    expect(mergeWorkOrder(list, wo("b", "2026-01-01T11:00:00.000Z")).map((w) => w.id)).toEqual(["a", "b"]);
    expect(mergeWorkOrder(list, wo("b", "2026-01-01T11:00:00.000Z"), false)).toBe(list);
  });

  it("overlays live updates on a reloaded list without going back in time", () => {
    const live = new Map([["a", wo("a", "2026-01-01T10:05:00.000Z", "scheduled")]]);
    // A reload answered after a newer change: the reload wins; before it: the live state wins.
    expect(withLiveWorkOrders([wo("a", "2026-01-01T10:09:00.000Z", "completed")], live)[0]?.status).toBe("completed");
    expect(withLiveWorkOrders([wo("a", "2026-01-01T10:00:00.000Z", "open")], live)[0]?.status).toBe("scheduled");
  });
});

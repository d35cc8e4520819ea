/**
 * Work orders as the live stream changes them (`workorder.updated`: someone scheduled, started,
 * completed or created one): the newest state of each, merged forward onto what a screen loaded.
 */
import { useState } from "react";
import { useLiveMessages } from "./live-connection";
import { type Versioned, workOrderIsNewer } from "./live-merge";

/** Every work order the live stream brought while mounted, newest state per id. */
export function useLiveWorkOrders<T extends Versioned>(): ReadonlyMap<string, T> {
  const [seen, setSeen] = useState<ReadonlyMap<string, T>>(new Map());
  useLiveMessages((message) => {
    if (message.type !== "workorder.updated") return;
    const workOrder = message.workOrder as unknown as T;
    setSeen((prev) => (workOrderIsNewer(workOrder, prev.get(workOrder.id)) ? new Map(prev).set(workOrder.id, workOrder) : prev));
  });
  return seen;
}

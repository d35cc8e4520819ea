/**
 * How live events merge into what a screen shows: only ever forward. An alert carries the `seq`
 * of its latest event, a work order its `updatedAt` (and a `version` once the API has one), so a
 * replayed or late event, or an API answer older than an event already applied, never
 * overwrites a newer state. Pure functions: unit-tested in Node (test/unit/live-merge.test.ts).
 */

export interface Sequenced {
  id: string;
  seq: number;
}

export interface Versioned {
  id: string;
  updatedAt: string;
  version?: number;
}

/** Whether `incoming` is newer than `current`: a strictly higher seq (the same seq is the same event). */
export const alertIsNewer = (incoming: Sequenced, current: Sequenced | undefined) => !current || incoming.seq > current.seq;

/** A version, when both carry one, decides; otherwise the later `updatedAt`; a tie takes the newcomer. */
export function workOrderIsNewer(incoming: Versioned, current: Versioned | undefined): boolean {
  if (!current) return true;
  if (typeof incoming.version === "number" && typeof current.version === "number") return incoming.version >= current.version;
  return Date.parse(incoming.updatedAt) >= Date.parse(current.updatedAt);
}

/**
 * `item` merged into `list` by id when it is newer (per `isNewer`), else `list` unchanged (the same
 * array, so React skips the render). An unknown id is added when `add` allows it.
 */
export function mergeById<T extends { id: string }>(
  list: readonly T[],
  item: T,
  isNewer: (incoming: T, current: T | undefined) => boolean,
  add = true,
): readonly T[] {
  const index = list.findIndex((x) => x.id === item.id);
  if (index === -1) return add ? [...list, item] : list;
  if (!isNewer(item, list[index])) return list;
  const next = list.slice();
  next[index] = item;
  return next;
}

/** Newest first by creation, as the live feed lists alerts; ties by id. */
export const byCreatedDesc = <T extends { id: string; createdAt: string }>(a: T, b: T) =>
  b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

/**
 * A state this device expects (an action queued offline keeps the alert's seq): it replaces the
 * same seq, never a newer one.
 */
export const alertIsNotOlder = (incoming: Sequenced, current: Sequenced | undefined) => !current || incoming.seq >= current.seq;

/** An alert (from the socket or an API answer) merged into the feed: forward only, newest first, at most `max`. */
export function mergeAlert<T extends Sequenced & { createdAt: string }>(
  list: readonly T[],
  alert: T,
  max = 200,
  isNewer: (incoming: T, current: T | undefined) => boolean = alertIsNewer,
): T[] {
  const merged = mergeById(list, alert, isNewer);
  if (merged === list) return list as T[];
  return merged.slice().sort(byCreatedDesc).slice(0, max);
}

/** Many alerts at once (a page of the API), each merged forward. */
export const mergeAlerts = <T extends Sequenced & { createdAt: string }>(list: readonly T[], alerts: readonly T[], max = 200): T[] =>
  alerts.reduce<T[]>((acc, alert) => mergeAlert(acc, alert, max), list as T[]);

/** A work order from `workorder.updated` merged into a screen's list: forward only; new ones added when `add`. */
export const mergeWorkOrder = <T extends Versioned>(list: readonly T[], workOrder: T, add = true): T[] =>
  mergeById(list, workOrder, workOrderIsNewer, add) as T[];

/** The work orders a screen loaded, with every newer one the live stream brought since. */
export function withLiveWorkOrders<T extends Versioned>(loaded: readonly T[], live: ReadonlyMap<string, T>, add = true): T[] {
  let list = loaded as T[];
  for (const workOrder of live.values()) list = mergeWorkOrder(list, workOrder, add);
  return list;
}

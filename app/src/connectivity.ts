/**
 * Whether the screen shows live data: offline when the browser says so or a request failed,
 * and since when the cached data being shown dates. Screens refetch when `generation` changes
 * (the browser came back online).
 */
export interface Connectivity {
  online: boolean;
  /** Epoch ms of the oldest cached answer on screen since the last live one; null when live. */
  cachedSince: number | null;
  /** A request could not reach the server and had no cached answer. */
  failed: boolean;
  /** Bumped on every `online` event. */
  generation: number;
}

let state: Connectivity = { online: navigator.onLine, cachedSince: null, failed: false, generation: 0 };
const listeners = new Set<() => void>();

function set(next: Partial<Connectivity>) {
  const merged = { ...state, ...next };
  if (
    merged.online === state.online &&
    merged.cachedSince === state.cachedSince &&
    merged.failed === state.failed &&
    merged.generation === state.generation
  )
    return;
  state = merged;
  for (const listener of listeners) listener();
}

window.addEventListener("online", () => set({ online: true, failed: false, generation: state.generation + 1 }));
window.addEventListener("offline", () => set({ online: false }));

export const connectivity = {
  get: () => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  live: () => set({ cachedSince: null, failed: false, online: navigator.onLine }),
  showingCached: (at: number) => set({ cachedSince: state.cachedSince === null ? at : Math.min(state.cachedSince, at) }),
  requestFailed: () => set({ failed: true }),
  /** Screens reload their data (queued actions reached the server). */
  refresh: () => set({ generation: state.generation + 1 }),
};

/** True when the offline banner should show. */
export const isOffline = (c: Connectivity) => !c.online || c.cachedSince !== null || c.failed;

/**
 * The offline action queue's storage and replay, shared by the page (src/action-queue.ts) and the
 * service worker (src/sw.ts, Background Sync): actions are kept in IndexedDB in the order they
 * were taken and sent in that order. No DOM or React here: it runs in both places.
 */
export interface QueuedAction {
  id?: number;
  /** What the action is, for the replay outcome and the list of waiting actions. */
  kind: "alert.ack" | "alert.resolve" | "workorder.status";
  targetId: string;
  /** Words for people: "Acknowledge: Engine overheating". */
  label: string;
  method: "POST" | "PATCH";
  /** Same-origin path, from the typed client's `$url()`. */
  path: string;
  body: unknown;
  /** Who took the action: only they may have it replayed (another user signing in drops it). */
  userId: string;
  queuedAt: number;
}

export interface ReplayProblem {
  id?: number;
  label: string;
  status: number;
  detail: string;
  at: number;
}

const DB_NAME = "fleetpulse-actions";
const QUEUE = "queue";
const PROBLEMS = "problems";
export const SYNC_TAG = "fleetpulse-actions";
/** Told whenever the queue or the problems change, in every tab and the service worker. */
export const CHANNEL = "fleetpulse-actions";
const LOCK = "fleetpulse-actions-replay";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(QUEUE, { keyPath: "id", autoIncrement: true });
      request.result.createObjectStore(PROBLEMS, { keyPath: "id", autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(store: string, mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** "replayed" when something reached the server (screens reload), "changed" otherwise. */
function announce(message: "changed" | "replayed" = "changed") {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(message);
  channel.close();
}

export const listQueued = () => run<QueuedAction[]>(QUEUE, "readonly", (s) => s.getAll() as IDBRequest<QueuedAction[]>);
export const listProblems = () => run<ReplayProblem[]>(PROBLEMS, "readonly", (s) => s.getAll() as IDBRequest<ReplayProblem[]>);

export async function enqueue(action: QueuedAction) {
  await run(QUEUE, "readwrite", (s) => s.add(action));
  announce();
}

/**
 * A user signed out: the actions they queued are dropped (never sent after they left), and so are
 * the replay problems shown on this device. Others' queued actions stay for their own sign-in.
 */
export async function forgetActionsOf(userId: string) {
  for (const action of await listQueued()) {
    if (action.userId === userId) await run(QUEUE, "readwrite", (s) => s.delete(action.id!));
  }
  await run(PROBLEMS, "readwrite", (s) => s.clear());
  announce();
}

export async function dismissProblem(id: number) {
  await run(PROBLEMS, "readwrite", (s) => s.delete(id));
  announce();
}

async function problemText(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: string; title?: string };
    return problem.detail ?? problem.title ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

export type ReplayResult = "done" | "offline" | "signed-out";

/**
 * Sends every queued action, oldest first. Stops (keeping the rest) when the network fails, the
 * server errs (5xx) or the token is no longer accepted; a 4xx such as a 409 conflict drops the
 * action and records why, so the user can see it was not applied.
 */
/**
 * Who the session cookie belongs to, for the service worker (it cannot see the page's session):
 * actions go out only under the name of the person who took them.
 */
async function cookieUser(): Promise<{ userId: string } | "offline" | "signed-out"> {
  try {
    const response = await fetch("/api/me", { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) return "signed-out";
    if (!response.ok) return "offline";
    return { userId: ((await response.json()) as { id: string }).id };
  } catch {
    return "offline";
  }
}

export async function replay(signedIn: { userId: string } | null): Promise<{ result: ReplayResult; sent: number }> {
  const work = async () => {
    let sent = 0;
    const queued = await listQueued();
    if (!queued.length) return { result: "done" as const, sent };
    const current = signedIn ?? (await cookieUser());
    if (typeof current === "string") return { result: current, sent };
    for (const action of queued) {
      if (action.userId !== current.userId) {
        // Taken by someone else on this device: never sent under another person's name. The page
        // (someone else signed in here) drops it; the service worker leaves it to the page.
        if (!signedIn) continue;
        await run(QUEUE, "readwrite", (s) => s.delete(action.id!));
        announce();
        continue;
      }
      let response: Response;
      try {
        response = await fetch(action.path, {
          method: action.method,
          credentials: "same-origin",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(action.body),
        });
      } catch {
        return { result: "offline" as const, sent };
      }
      if (response.status === 401) return { result: "signed-out" as const, sent };
      if (response.status >= 500) return { result: "offline" as const, sent };
      if (!response.ok) {
        const detail = await problemText(response);
        await run(PROBLEMS, "readwrite", (s) =>
          s.add({ label: action.label, status: response.status, detail, at: Date.now() } satisfies ReplayProblem),
        );
      }
      await run(QUEUE, "readwrite", (s) => s.delete(action.id!));
      sent++;
      announce("replayed");
    }
    return { result: "done" as const, sent };
  };
  // One replay at a time across tabs and the service worker, so nothing is sent twice.
  return navigator.locks ? navigator.locks.request(LOCK, work) : work();
}

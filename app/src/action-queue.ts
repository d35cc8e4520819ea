/**
 * The page side of the offline action queue: run an action now, or — when the network is down,
 * or earlier actions are still waiting, so order is kept — store it for replay. Replay happens on
 * the `online` event here and on Background Sync in the service worker, whichever comes first.
 */
import { useEffect, useState } from "react";
import { apiFetch, ApiError, client, OfflineError } from "./api";
import {
  CHANNEL,
  enqueue,
  forgetActionsOf,
  listProblems,
  listQueued,
  type QueuedAction,
  replay,
  type ReplayProblem,
  SYNC_TAG,
} from "./action-store";
import { connectivity } from "./connectivity";
import { onSessionEnd, session } from "./session";

export type NewAction = Pick<QueuedAction, "kind" | "targetId" | "label" | "body" | "method" | "path">;

export type RunResult = { queued: true } | { queued: false; response: Response };

async function requestSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    const sync = (registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync;
    await sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync: the `online` listener replays instead.
  }
}

async function store(action: NewAction) {
  const current = session.get();
  // No token is stored: the replay is authenticated by the session cookie of the time.
  await enqueue({ ...action, userId: current?.user.id ?? "", queuedAt: Date.now() });
  void requestSync();
}

/** Sends the action, or queues it when offline. Throws `ApiError` when the server refuses it. */
export async function runOrQueue(action: NewAction): Promise<RunResult> {
  if (!navigator.onLine || (await listQueued()).length > 0) {
    await store(action);
    return { queued: true };
  }
  let response: Response;
  try {
    response = await apiFetch(action.path, {
      method: action.method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(action.body),
    });
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    await store(action);
    return { queued: true };
  }
  if (!response.ok) {
    let problem = { status: response.status, title: response.statusText } as ApiError["problem"];
    try {
      problem = (await response.json()) as ApiError["problem"];
    } catch {
      // keep the status line
    }
    throw new ApiError(response.status, problem);
  }
  return { queued: false, response };
}

/** Screens reload on the channel's "replayed" message, so they show what the server now has. */
export function replayNow() {
  const current = session.get();
  // Signed out (say the token expired while offline): the actions wait for the next sign-in.
  if (!current) return Promise.resolve({ result: "signed-out" as const, sent: 0 });
  return replay({ userId: current.user.id });
}

window.addEventListener("online", () => void replayNow());
// Whoever replayed (this tab, another one, the service worker), screens reload.
new BroadcastChannel(CHANNEL).onmessage = (event: MessageEvent) => {
  if (event.data === "replayed") connectivity.refresh();
};
// Actions left from an earlier visit go out as soon as the app is open and online.
if (navigator.onLine) setTimeout(() => void replayNow(), 0);
// Signing out (here, elsewhere, or by an administrator) drops what that user queued on this device.
onSessionEnd(({ userId, signedOut }) => {
  if (signedOut) void forgetActionsOf(userId).catch(() => {});
});
// After a sign-in (for instance once an expired session is renewed), what waits goes out.
session.subscribe(() => {
  if (session.get() && navigator.onLine) void replayNow();
});

/** The waiting actions and the replay problems (such as 409 conflicts), kept current. */
export function useActionQueue(): { queued: QueuedAction[]; problems: ReplayProblem[] } {
  const [state, setState] = useState<{ queued: QueuedAction[]; problems: ReplayProblem[] }>({ queued: [], problems: [] });
  useEffect(() => {
    let live = true;
    const load = () =>
      void Promise.all([listQueued(), listProblems()]).then(
        ([queued, problems]) => live && setState({ queued, problems }),
        () => undefined,
      );
    load();
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = load;
    return () => {
      live = false;
      channel.close();
    };
  }, []);
  return state;
}

/** A work order's status change, queued when offline like alert actions (for the Work orders screens). */
export function changeWorkOrderStatus(id: string, status: string, label: string) {
  return runOrQueue({
    kind: "workorder.status",
    targetId: id,
    label,
    method: "PATCH",
    path: client.api["work-orders"][":id"].$url({ param: { id } }).pathname,
    body: { status },
  });
}

/**
 * "A new version of FleetPulse is ready": shown when a new service worker is installed and
 * waiting. Reloading is the user's choice (no surprise reloads mid-task); the button tells the
 * waiting worker to take over, and the page reloads once it controls the page.
 */
import { useEffect, useState } from "react";

export function UpdatePrompt() {
  const [waiting, setWaiting] = useState<ServiceWorker | null>(null);
  useEffect(() => {
    const container = navigator.serviceWorker;
    if (!container) return;
    let registration: ServiceWorkerRegistration | undefined;
    const check = () => {
      // Only an update waits: the first install takes over straight away (see src/sw.ts).
      if (registration?.waiting && container.controller) setWaiting(registration.waiting);
    };
    const onFound = () => {
      const installing = registration?.installing;
      installing?.addEventListener("statechange", () => installing.state === "installed" && check());
    };
    void container.getRegistration().then((found) => {
      registration = found;
      check();
      registration?.addEventListener("updatefound", onFound);
    });
    return () => registration?.removeEventListener("updatefound", onFound);
  }, []);

  if (!waiting) return null;
  const update = () => {
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
    waiting.postMessage({ type: "SKIP_WAITING" });
  };
  return (
    <div className="update-prompt" role="status">
      <p>A new version of FleetPulse is ready.</p>
      <button type="button" className="button" onClick={update}>
        Reload to update
      </button>
    </div>
  );
}

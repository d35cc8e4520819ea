/**
 * The session warning (WCAG 2.2.5 and 2.2.6, docs/security.md "Session warning"). The access
 * cookie lasts 15 minutes. WARN_BEFORE_MS before it ends: if the person used the app since the
 * last extension, the session is extended quietly; if not, this alert dialog says when the session
 * will end and offers `Stay signed in` (a refresh) or `Sign out`. Nothing typed is lost when it
 * ends anyway: queued actions wait for the same person's next sign-in.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { signOut } from "./api";
import { session } from "./session";
import { refreshSession } from "./session-refresh";

export const WARN_BEFORE_MS = 2 * 60_000;
const ACTIVITY = ["pointerdown", "keydown", "wheel", "touchstart"] as const;

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function SessionWarning() {
  const current = useSyncExternalStore(session.subscribe, session.get);
  const expiresAt = current?.expiresAt ?? 0;
  const [warning, setWarning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const lastActivity = useRef(0);
  const extendedAt = useRef(Date.now());
  const stayButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const mark = () => {
      lastActivity.current = Date.now();
    };
    for (const type of ACTIVITY) window.addEventListener(type, mark, { passive: true, capture: true });
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, mark, { capture: true });
    };
  }, []);

  useEffect(() => {
    if (!expiresAt) return;
    extendedAt.current = Date.now();
    setWarning(false);
    setProblem(null);
    const timer = setTimeout(
      () => {
        if (lastActivity.current > extendedAt.current) void refreshSession();
        else setWarning(true);
      },
      Math.max(0, expiresAt - WARN_BEFORE_MS - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [expiresAt]);

  useEffect(() => {
    if (warning) stayButton.current?.focus();
  }, [warning]);

  if (!current || !warning) return null;
  const stay = async () => {
    const result = await refreshSession();
    if (result === "extended") setWarning(false);
    else if (result === "offline") setProblem("The session could not be extended: you are offline. Try again when the connection is back.");
  };
  return (
    <section
      className="update-prompt session-warning"
      role="alertdialog"
      aria-labelledby="session-warning-title"
      aria-describedby="session-warning-text"
    >
      <h2 id="session-warning-title">Your session is about to end</h2>
      <p id="session-warning-text">
        For your security you will be signed out at {clock(expiresAt)} (in about{" "}
        {Math.max(1, Math.round((expiresAt - Date.now()) / 60_000))} minutes) unless you stay signed in. Actions waiting to be sent are kept
        for your next sign-in.
      </p>
      {problem && <p role="alert">{problem}</p>}
      <button ref={stayButton} type="button" className="button" onClick={() => void stay()}>
        Stay signed in
      </button>{" "}
      <button type="button" className="button" onClick={signOut}>
        Sign out now
      </button>
    </section>
  );
}

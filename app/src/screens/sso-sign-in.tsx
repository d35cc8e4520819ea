/**
 * /sign-in/sso: where single sign-on lands (docs/security.md, "Single sign-on"). The callback put
 * a single-use ticket (or an error) in the URL fragment; the page removes it from the address bar
 * at once and trades the ticket for the app's HttpOnly cookie session.
 */
import { useEffect, useRef, useState } from "react";
import { ApiError, client, OfflineError, unwrap } from "../api";
import { localExpiries, session } from "../session";
import { SSO_TENANT_KEY } from "./sign-in";

const REASONS: Record<string, string> = {
  failed: "Single sign-on failed or took too long. Please start again.",
  unverified: "Your identity provider did not confirm your email address, so FleetPulse cannot sign you in with it.",
  unavailable: "Your organization's identity provider cannot be reached. Please try again in a moment, or sign in with your password.",
};

/** The fragment's ticket or error, read once; the address bar keeps neither (history, screenshots, shoulder surfing). */
function takeFragment(): { ticket: string | null; error: string | null } {
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(history.state, "", location.pathname);
  return { ticket: params.get("ticket"), error: params.get("error") };
}

export function SsoSignIn() {
  const [fragment] = useState(takeFragment);
  const [problem, setProblem] = useState<string | null>(
    fragment.error ? (REASONS[fragment.error] ?? REASONS.failed!) : fragment.ticket ? null : REASONS.failed!,
  );
  const alert = useRef<HTMLDivElement>(null);
  const started = useRef(false);

  useEffect(() => {
    document.title = "Signing in — FleetPulse";
  }, []);

  useEffect(() => {
    // Once: the ticket is single use (React may run effects twice in development).
    if (!fragment.ticket || started.current) return;
    started.current = true;
    unwrap(client.api.sso.session.$post({ json: { ticket: fragment.ticket } })).then(
      (answer) => {
        const { expiresAt, refreshExpiresAt } = localExpiries(answer);
        const tenant = sessionStorage.getItem(SSO_TENANT_KEY) ?? answer.user.tenantId;
        sessionStorage.removeItem(SSO_TENANT_KEY);
        session.start(answer.user, tenant, expiresAt, refreshExpiresAt);
      },
      (error) => {
        if (error instanceof OfflineError) setProblem("Cannot reach FleetPulse. Check your connection and start again.");
        else if (error instanceof ApiError && error.status === 401) setProblem(REASONS.failed!);
        else setProblem("Signing in failed. Please try again in a moment.");
      },
    );
  }, [fragment.ticket]);

  useEffect(() => {
    if (problem) requestAnimationFrame(() => alert.current?.focus());
  }, [problem]);

  return (
    <div className="sign-in">
      <h1 id="page-title">Single sign-on</h1>
      <div className="form-error" role="alert" ref={alert} tabIndex={-1}>
        {problem ? (
          <>
            <strong>Error: </strong>
            {problem}
          </>
        ) : null}
      </div>
      {problem ? (
        <p>
          <a href="/sign-in">Back to sign in</a>
        </p>
      ) : (
        <p className="status" role="status">
          Signing you in…
        </p>
      )}
    </div>
  );
}

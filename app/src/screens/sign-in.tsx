import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, client, OfflineError, unwrap } from "../api";
import { formatWait } from "../format";
import { localExpiries, session } from "../session";

type Field = "tenant" | "email" | "password";
type FieldErrors = Partial<Record<Field, string>>;

const FIELDS: { name: Field; label: string; type: string; autoComplete: string; hint?: string }[] = [
  {
    name: "tenant",
    label: "Organization",
    type: "text",
    autoComplete: "organization",
    hint: "Your organization's short name, as in your invitation, for example acme-logistics.",
  },
  { name: "email", label: "Email", type: "email", autoComplete: "username" },
  { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
];

/** The organization a single sign-on was started for, read back by /sign-in/sso. */
export const SSO_TENANT_KEY = "fleetpulse.sso-tenant";

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

function validate(values: Record<Field, string>): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.tenant) errors.tenant = "Enter your organization's short name.";
  else if (!SLUG.test(values.tenant)) errors.tenant = "Use lower-case letters, digits and hyphens, for example acme-logistics.";
  if (!values.email) errors.email = "Enter your email address.";
  else if (!/^[^\s@]+@[^\s@]+$/.test(values.email)) errors.email = "Enter an email address like name@example.com.";
  if (!values.password) errors.password = "Enter your password.";
  return errors;
}

/** Server 400 field paths → our fields. */
function fieldOf(path: string): Field | null {
  const head = path.split(".")[0];
  return head === "tenant" || head === "email" || head === "password" ? head : null;
}

/**
 * Whether the organization typed so far offers single sign-on (asked once the name is valid and
 * typing pauses); an unknown organization answers false, like one without it.
 */
function useSsoOffered(tenant: string): boolean {
  const [offered, setOffered] = useState<{ tenant: string; enabled: boolean } | null>(null);
  useEffect(() => {
    if (!SLUG.test(tenant)) return;
    let live = true;
    const timer = setTimeout(() => {
      unwrap(client.api.sso.available.$get({ query: { tenant } })).then(
        ({ enabled }) => live && setOffered({ tenant, enabled }),
        () => live && setOffered(null),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tenant]);
  return offered?.tenant === tenant && offered.enabled;
}

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [values, setValues] = useState<Record<Field, string>>({ tenant: "", email: "", password: "" });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice] = useState(() => session.takeEndReason());
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const errorBox = useRef<HTMLDivElement>(null);
  const ssoTenant = values.tenant.trim().toLowerCase();
  const ssoOffered = useSsoOffered(ssoTenant);

  useEffect(() => {
    document.title = "Sign in — FleetPulse";
  }, []);

  const focusFirstInvalid = (errors: FieldErrors) => {
    const first = FIELDS.find((f) => errors[f.name]);
    if (first) inputs.current[first.name]?.focus();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const trimmed = { tenant: values.tenant.trim().toLowerCase(), email: values.email.trim(), password: values.password };
    const errors = validate(trimmed);
    setFieldErrors(errors);
    setFormError(null);
    if (Object.keys(errors).length) {
      focusFirstInvalid(errors);
      return;
    }
    setBusy(true);
    try {
      // The cookie session: the tokens arrive as HttpOnly cookies, never in this script.
      const result = await unwrap(client.api.auth.session.$post({ json: trimmed }));
      const { expiresAt, refreshExpiresAt } = localExpiries(result);
      session.start(result.user, trimmed.tenant, expiresAt, refreshExpiresAt);
      onSignedIn();
    } catch (error) {
      let message: string;
      if (error instanceof ApiError && error.status === 401) {
        message = "Email or password is incorrect. Check them, and the organization name, then try again.";
      } else if (error instanceof ApiError && error.status === 429) {
        message = `Too many sign-in attempts. Please wait ${formatWait(error.retryAfterSeconds ?? 60)} before trying again.`;
      } else if (error instanceof ApiError && error.status === 400 && error.problem.errors?.length) {
        const fromServer: FieldErrors = {};
        const other: string[] = [];
        for (const { path, message: text } of error.problem.errors) {
          const field = fieldOf(path);
          if (field && !fromServer[field]) fromServer[field] = text;
          else if (!field) other.push(text);
        }
        setFieldErrors(fromServer);
        focusFirstInvalid(fromServer);
        message = other.length ? other.join(" ") : "Some fields need correcting.";
        setFormError(message);
        setBusy(false);
        return;
      } else if (error instanceof OfflineError) {
        message = "Cannot reach FleetPulse. Check your connection and try again.";
      } else if (error instanceof ApiError) {
        message = error.problem.detail ?? "Signing in failed. Please try again in a moment.";
      } else {
        message = "Signing in failed. Please try again in a moment.";
      }
      setFormError(message);
      setBusy(false);
      // Move focus to the message so it is read out and the user knows where they are.
      requestAnimationFrame(() => errorBox.current?.focus());
    }
  }

  return (
    <div className="sign-in">
      <h1 id="page-title">Sign in to FleetPulse</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form noValidate onSubmit={submit} aria-labelledby="page-title">
        <div className="form-error" role="alert" ref={errorBox} tabIndex={-1}>
          {formError ? (
            <>
              <strong>Error: </strong>
              {formError}
            </>
          ) : null}
        </div>
        {FIELDS.map((field) => {
          const error = fieldErrors[field.name];
          const describedBy = [field.hint ? `${field.name}-hint` : "", error ? `${field.name}-error` : ""].filter(Boolean).join(" ");
          return (
            <div className="field" key={field.name}>
              <label htmlFor={field.name}>{field.label}</label>
              {field.hint ? (
                <p className="hint" id={`${field.name}-hint`}>
                  {field.hint}
                </p>
              ) : null}
              {error ? (
                <p className="field-error" id={`${field.name}-error`}>
                  <strong>Error: </strong>
                  {error}
                </p>
              ) : null}
              <input
                id={field.name}
                name={field.name}
                type={field.type}
                autoComplete={field.autoComplete}
                autoCapitalize="none"
                spellCheck={false}
                required
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy || undefined}
                value={values[field.name]}
                ref={(el) => {
                  inputs.current[field.name] = el;
                }}
                onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              />
              {field.name === "tenant" && ssoOffered ? (
                <p className="sso-offer">
                  {/* A full navigation: the provider's page, then back to /sign-in/sso. */}
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      // The answer names the tenant by id; the page it comes back to shows this name.
                      sessionStorage.setItem(SSO_TENANT_KEY, ssoTenant);
                      location.assign(`/api/sso/start?tenant=${encodeURIComponent(ssoTenant)}`);
                    }}
                  >
                    Sign in with single sign-on
                  </button>
                </p>
              ) : null}
            </div>
          );
        })}
        <button type="submit" className="button primary" aria-describedby={busy ? "sign-in-progress" : undefined}>
          Sign in
        </button>
        <p id="sign-in-progress" className="status" role="status">
          {busy ? "Signing in…" : ""}
        </p>
      </form>
    </div>
  );
}

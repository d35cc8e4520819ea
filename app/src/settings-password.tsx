/**
 * Settings → Change password (docs/security.md, "Password change"). The server ends every other
 * sign-in and socket of the user and answers with new cookies: this device stays signed in, its
 * live socket reconnects with a ticket of the new session.
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { focusFirstError } from "./form-focus";
import { localExpiries, session } from "./session";

const FIELDS = { currentPassword: "current-password", newPassword: "new-password", confirm: "confirm-password" } as const;
type Name = keyof typeof FIELDS;

export function ChangePasswordForm() {
  const [values, setValues] = useState<Record<Name, string>>({ currentPassword: "", newPassword: "", confirm: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const show = (fields: FieldErrors, text: string) => {
    setErrors(fields);
    setMessage({ text, error: true });
    focusFirstError(Object.keys(FIELDS), fields, (name) => FIELDS[name as Name]);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setMessage(null);
    const local: FieldErrors = {};
    if (!values.currentPassword) local.currentPassword = "Enter your current password.";
    if (values.newPassword.length < 10) local.newPassword = "Use at least 10 characters.";
    else if (values.confirm !== values.newPassword) local.confirm = "The two new passwords differ. Type the same one twice.";
    const count = Object.keys(local).length;
    if (count) return show(local, `Please correct ${count} field${count === 1 ? "" : "s"} marked below.`);
    setBusy(true);
    try {
      const answer = await unwrap(
        client.api.me.password.$post({ json: { currentPassword: values.currentPassword, newPassword: values.newPassword } }),
      );
      const { expiresAt, refreshExpiresAt } = localExpiries(answer);
      session.extend(expiresAt, refreshExpiresAt);
      setValues({ currentPassword: "", newPassword: "", confirm: "" });
      setErrors({});
      setMessage({ text: "Your password is changed. You were signed out everywhere else.", error: false });
    } catch (error) {
      const { fields, message: text } = problemFields(error, (path) => (path in FIELDS ? path : null));
      show(fields, text);
    } finally {
      setBusy(false);
    }
  }

  const input = (name: Name, label: string, hint?: string) => (
    <Field id={FIELDS[name]} label={label} hint={hint} error={errors[name]}>
      {(props) => (
        <input
          {...props}
          name={name}
          type="password"
          autoComplete={name === "currentPassword" ? "current-password" : "new-password"}
          required
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        />
      )}
    </Field>
  );

  return (
    <form onSubmit={submit} aria-labelledby="password-title" noValidate>
      <h2 id="password-title">Change password</h2>
      <p>Changing it signs you out on every other device.</p>
      {input("currentPassword", "Current password")}
      {input("newPassword", "New password", "At least 10 characters.")}
      {input("confirm", "Confirm new password")}
      <button type="submit" className="button primary" disabled={busy}>
        Change password
      </button>
      <FormMessage message={message?.text ?? null} error={message?.error} />
    </form>
  );
}

/**
 * Users under Settings: the tenant's users with whether they can sign in (admins and managers
 * read the list); admins get `Add user`, and per user `Change role` and `Deactivate`
 * (src/settings-user-actions.tsx).
 */
import { type FormEvent, useState } from "react";
import { ApiError, client, describeError, unwrap } from "./api";
import type { Role, User } from "./api-types";
import { focusFirstError } from "./form-focus";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { ROLE_NAMES } from "./format";
import { Status } from "./page";
import { ScrollTable } from "./scroll-table";
import { session } from "./session";
import { RoleSelect, UserActions } from "./settings-user-actions";
import { useApi } from "./use-api";

const FIELDS = ["email", "name", "role", "phone", "password"] as const;
type Draft = Record<(typeof FIELDS)[number], string>;
const EMPTY: Draft = { email: "", name: "", role: "driver", phone: "", password: "" };
const idOf = (field: string) => `user-${field}`;

function AddUserForm({ onAdded, onCancel }: { onAdded: (user: User) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof Draft) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, idOf, "user-form-message");
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!/^[^@\s]+@[^@\s]+$/.test(draft.email.trim())) found.email = "Enter an email address.";
    if (!draft.name.trim()) found.name = "Enter a name.";
    if (draft.phone.trim() && !/^\+[1-9]\d{6,14}$/.test(draft.phone.trim()))
      found.phone = "Enter the number with its country code, e.g. +4915112345678.";
    if (draft.password.length < 10) found.password = "At least 10 characters.";
    if (Object.keys(found).length) return refuse(found, `Please correct ${Object.keys(found).length} field(s) marked below.`);
    setBusy(true);
    try {
      const json = { email: draft.email.trim(), name: draft.name.trim(), role: draft.role as Role, password: draft.password };
      const user = await unwrap(client.api.users.$post({ json: draft.phone.trim() ? { ...json, phone: draft.phone.trim() } : json }));
      onAdded(user);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) return refuse({ email: "A user with this email exists already." }, "");
      const { fields, message: form } = problemFields(error, (path) => ((FIELDS as readonly string[]).includes(path) ? path : null));
      refuse(fields, form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="user-form-heading">
      <h3 id="user-form-heading">Add user</h3>
      <div id="user-form-message" tabIndex={-1}>
        <FormMessage message={message} error />
      </div>
      <Field id={idOf("email")} label="Email" error={errors.email}>
        {(aria) => <input {...aria} type="email" autoComplete="off" value={draft.email} onChange={set("email")} />}
      </Field>
      <Field id={idOf("name")} label="Name" error={errors.name}>
        {(aria) => <input {...aria} autoComplete="off" value={draft.name} onChange={set("name")} />}
      </Field>
      <Field id={idOf("role")} label="Role" error={errors.role}>
        {(aria) => <RoleSelect {...aria} value={draft.role} onChange={(role) => setDraft((d) => ({ ...d, role }))} />}
      </Field>
      <Field id={idOf("phone")} label="Phone" hint="Optional, with the country code: +4915112345678." error={errors.phone}>
        {(aria) => <input {...aria} type="tel" autoComplete="off" value={draft.phone} onChange={set("phone")} />}
      </Field>
      <Field
        id={idOf("password")}
        label="Temporary password"
        hint="At least 10 characters; give it to them to sign in."
        error={errors.password}
      >
        {(aria) => <input {...aria} type="password" autoComplete="new-password" value={draft.password} onChange={set("password")} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save user"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function Users() {
  const admin = session.get()?.user.role === "admin";
  const loaded = useApi("users", () => unwrap(client.api.users.$get({ query: { limit: "500" } })));
  const [changed, setChanged] = useState(new Map<string, User>());
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const fromServer = loaded.data?.items ?? [];
  const users = [
    ...fromServer.map((u) => changed.get(u.id) ?? u),
    ...[...changed.values()].filter((u) => !fromServer.some((s) => s.id === u.id)),
  ];
  const keep = (user: User, text: string) => {
    setChanged((m) => new Map(m).set(user.id, user));
    setNotice(text);
  };

  return (
    <>
      <p className="status" role="status">
        {notice}
      </p>
      {admin && !adding ? (
        <button type="button" className="button primary" onClick={() => setAdding(true)}>
          Add user
        </button>
      ) : null}
      {adding ? (
        <AddUserForm
          onAdded={(user) => {
            setAdding(false);
            keep(user, `${user.name} was added as ${ROLE_NAMES[user.role]}.`);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : null}
      {loaded.state === "loading" ? <Status>Loading users…</Status> : null}
      {loaded.state === "error" ? <Status error>{describeError(loaded.error)}</Status> : null}
      {users.length ? (
        <ScrollTable captionId="users-caption" caption="Users of your organization">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Phone</th>
              <th scope="col">Status</th>
              {admin ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <th scope="row" id={`user-row-${u.id}`}>
                  {u.name}
                </th>
                <td>{u.email}</td>
                <td>{ROLE_NAMES[u.role]}</td>
                <td>{u.phone ?? "—"}</td>
                <td>{u.active ? "Active" : "Deactivated"}</td>
                {admin ? <td>{u.id === session.get()?.user.id ? "You" : <UserActions user={u} onChanged={keep} />}</td> : null}
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
    </>
  );
}

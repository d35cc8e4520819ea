/**
 * Users under Settings: the tenant's users (admins and managers read the list), `Add user` and
 * `Change role` for admins. Deactivating needs `PATCH /api/users/{id}` with `active`, which the
 * API does not serve yet (docs/api.md "Not served yet"), so there is no `Deactivate` here.
 */
import { type FormEvent, useState } from "react";
import { ApiError, apiFetch, client, describeError, unwrap } from "./api";
import type { Problem, Role, User } from "./api-types";
import { focusFirstError } from "./form-focus";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { ROLE_NAMES } from "./format";
import { Status } from "./page";
import { ScrollTable } from "./scroll-table";
import { session } from "./session";
import { useApi } from "./use-api";

const ROLES = ["admin", "manager", "technician", "driver"] as const;
const FIELDS = ["email", "name", "role", "phone", "password"] as const;
type Draft = Record<(typeof FIELDS)[number], string>;
const EMPTY: Draft = { email: "", name: "", role: "driver", phone: "", password: "" };
const idOf = (field: string) => `user-${field}`;

function RoleSelect({ value, onChange, ...aria }: { value: string; onChange: (role: Role) => void; id: string }) {
  return (
    <select {...aria} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_NAMES[r]}
        </option>
      ))}
    </select>
  );
}

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

/** `PATCH /api/users/{id}` (admin) is part of the contract but not in the typed client yet: a plain fetch. */
async function changeRole(user: User, role: Role): Promise<User> {
  const response = await apiFetch(`/api/users/${encodeURIComponent(user.id)}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ role }),
  });
  if (response.ok) return (await response.json()) as User;
  const problem = (await response.json().catch(() => ({ title: response.statusText }))) as Problem;
  if (response.status === 404 || response.status === 405) throw new Error("This server cannot change roles yet.");
  throw new ApiError(response.status, problem);
}

function ChangeRole({ user, onChanged }: { user: User; onChanged: (user: User, text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<Role>(user.role);
  const [problem, setProblem] = useState<string | null>(null);
  if (!open)
    return (
      <button type="button" className="button" aria-describedby={`user-row-${user.id}`} onClick={() => setOpen(true)}>
        Change role
      </button>
    );
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const updated = await changeRole(user, role);
      setOpen(false);
      onChanged(updated, `${user.name} is now ${ROLE_NAMES[updated.role]}.`);
    } catch (error) {
      setProblem(error instanceof ApiError ? describeError(error) : (error as Error).message);
    }
  };
  return (
    <form onSubmit={save} className="inline-form" aria-label={`Change role of ${user.name}`}>
      <label htmlFor={`new-role-${user.id}`}>New role</label>
      <RoleSelect id={`new-role-${user.id}`} value={role} onChange={setRole} />
      <button type="submit" className="button primary">
        Save role
      </button>
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {problem ? (
        <p className="status status-error" role="alert">
          {problem}
        </p>
      ) : null}
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
                {admin ? <td>{u.id === session.get()?.user.id ? "You" : <ChangeRole user={u} onChanged={keep} />}</td> : null}
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
    </>
  );
}

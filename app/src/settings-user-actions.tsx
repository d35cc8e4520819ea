/**
 * The admin's actions on one user under Settings → Users: `Change role`, and `Deactivate` (after
 * a confirmation, since it signs the person out everywhere) or `Reactivate`. All go through
 * `PATCH /api/users/{id}`; the server revokes the user's tokens on a new role or deactivation.
 */
import { type FormEvent, useEffect, useRef, useState } from "react";
import { client, describeError, unwrap } from "./api";
import type { Role, User } from "./api-types";
import { ROLE_NAMES } from "./format";

export const ROLES = ["admin", "manager", "technician", "driver"] as const;
type Changed = (user: User, text: string) => void;

export function RoleSelect({ value, onChange, ...aria }: { value: string; onChange: (role: Role) => void; id: string }) {
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

const patchUser = (user: User, json: { role?: Role; active?: boolean }) =>
  unwrap(client.api.users[":id"].$patch({ param: { id: user.id }, json }));

function Problem({ text }: { text: string | null }) {
  return text ? (
    <p className="status status-error" role="alert">
      {text}
    </p>
  ) : null;
}

function ChangeRole({ user, onChanged, onClose }: { user: User; onChanged: Changed; onClose: () => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const updated = await patchUser(user, { role });
      onClose();
      onChanged(updated, `${user.name} is now ${ROLE_NAMES[updated.role]}.`);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save} className="inline-form" aria-label={`Change role of ${user.name}`}>
      <label htmlFor={`new-role-${user.id}`}>New role</label>
      <RoleSelect id={`new-role-${user.id}`} value={role} onChange={setRole} />
      <button type="submit" className="button primary" disabled={busy}>
        Save role
      </button>
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <Problem text={problem} />
    </form>
  );
}

/** Deactivating signs the person out on every device: it asks first, with focus on the question. */
function ConfirmDeactivate({ user, onChanged, onClose }: { user: User; onChanged: Changed; onClose: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => question.current?.focus(), []);
  const confirm = async () => {
    setProblem(null);
    setBusy(true);
    try {
      const updated = await patchUser(user, { active: false });
      onClose();
      onChanged(updated, `${user.name} was deactivated and signed out everywhere.`);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const id = `deactivate-${user.id}`;
  return (
    <div className="inline-form" role="group" aria-labelledby={id}>
      <p id={id} ref={question} tabIndex={-1}>
        Deactivate {user.name}? They are signed out on every device and can no longer sign in.
      </p>
      <button type="button" className="button primary" disabled={busy} onClick={confirm}>
        Yes, deactivate
      </button>
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <Problem text={problem} />
    </div>
  );
}

function Reactivate({ user, onChanged }: { user: User; onChanged: Changed }) {
  const [problem, setProblem] = useState<string | null>(null);
  const reactivate = async () => {
    setProblem(null);
    try {
      onChanged(await patchUser(user, { active: true }), `${user.name} can sign in again.`);
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  return (
    <>
      <button type="button" className="button" aria-describedby={`user-row-${user.id}`} onClick={reactivate}>
        Reactivate
      </button>
      <Problem text={problem} />
    </>
  );
}

export function UserActions({ user, onChanged }: { user: User; onChanged: Changed }) {
  const [open, setOpen] = useState<"role" | "deactivate" | null>(null);
  const close = () => setOpen(null);
  if (!user.active) return <Reactivate user={user} onChanged={onChanged} />;
  if (open === "role") return <ChangeRole user={user} onChanged={onChanged} onClose={close} />;
  if (open === "deactivate") return <ConfirmDeactivate user={user} onChanged={onChanged} onClose={close} />;
  return (
    <div className="row-actions">
      <button type="button" className="button" aria-describedby={`user-row-${user.id}`} onClick={() => setOpen("role")}>
        Change role
      </button>
      <button type="button" className="button" aria-describedby={`user-row-${user.id}`} onClick={() => setOpen("deactivate")}>
        Deactivate
      </button>
    </div>
  );
}

/**
 * The shop under Settings (admins and managers): technicians with skills, time zone and weekly
 * shifts (`Add technician`, `Edit`), and bays (`Add bay`, `Edit`). The forms (shop-technician-form,
 * shop-bay-form) report errors next to each field and, when editing, send only changed fields
 * with If-Match and show the conflict view on a 412.
 */
import { useState } from "react";
import { client, describeError, unwrap } from "./api";
import { withEtag } from "./concurrency";
import type { Bay, Technician } from "./maintenance-types";
import { Status } from "./page";
import { BayForm } from "./shop-bay-form";
import { TechnicianForm, WEEKDAYS } from "./shop-technician-form";
import { useApi } from "./use-api";
import "./setup.css";

const shiftText = (t: Technician) => {
  if (!t.shifts.length) return "no shifts";
  const days = t.shifts.map((s) => WEEKDAYS[s.weekday - 1]?.slice(0, 3)).join(", ");
  const first = t.shifts[0];
  return `${days}, ${first?.start}–${first?.end}`;
};

type Editing =
  | { kind: "technician"; technician: Technician | null; etag: string | null }
  | { kind: "bay"; bay: Bay | null; etag: string | null };

/** Loaded rows with saved versions over them and added ones after them. */
const merged = <T extends { id: string }>(loaded: T[], saved: Map<string, T>) => [
  ...loaded.map((r) => saved.get(r.id) ?? r),
  ...[...saved.values()].filter((r) => !loaded.some((l) => l.id === r.id)),
];

export default function Shop() {
  const loaded = useApi("shop", async () => {
    const [technicians, bays] = await Promise.all([
      unwrap(client.api.technicians.$get({ query: { limit: "500" } })),
      unwrap(client.api.bays.$get({ query: { limit: "500" } })),
    ]);
    return { technicians: technicians.items, bays: bays.items };
  });
  const [savedTechs, setSavedTechs] = useState(new Map<string, Technician>());
  const [savedBays, setSavedBays] = useState(new Map<string, Bay>());
  const [editing, setEditing] = useState<Editing | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const technicians = merged(loaded.data?.technicians ?? [], savedTechs);
  const bays = merged(loaded.data?.bays ?? [], savedBays);

  const focusLater = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());
  const close = (focusId: string) => {
    setEditing(null);
    focusLater(focusId);
  };

  /** Edit reads the row afresh with its ETag, so the save cannot overwrite a newer change unseen. */
  async function editTechnician(t: Technician) {
    setNotice(null);
    try {
      const { data, etag } = await withEtag(client.api.technicians[":id"].$get({ param: { id: t.id } }), unwrap);
      setEditing({ kind: "technician", technician: data, etag });
      focusLater("tech-name");
    } catch (error) {
      setNotice({ text: `Could not open ${t.name}: ${describeError(error)}`, error: true });
    }
  }
  async function editBay(b: Bay) {
    setNotice(null);
    try {
      const { data, etag } = await withEtag(client.api.bays[":id"].$get({ param: { id: b.id } }), unwrap);
      setEditing({ kind: "bay", bay: data, etag });
      focusLater("bay-name");
    } catch (error) {
      setNotice({ text: `Could not open ${b.name}: ${describeError(error)}`, error: true });
    }
  }

  return (
    <>
      <p className={notice?.error ? "status status-error" : "status"} role="status">
        {notice?.text}
      </p>
      {loaded.state === "loading" ? <Status>Loading the shop…</Status> : null}
      {loaded.state === "error" ? <Status error>{describeError(loaded.error)}</Status> : null}
      <h3>Technicians</h3>
      {technicians.length ? (
        <ul className="setup-list">
          {technicians.map((t) => (
            <li key={t.id}>
              <span id={`tech-row-${t.id}`}>
                <strong>{t.name}</strong>: {t.skills.length ? t.skills.join(", ") : "no skills listed"}; {shiftText(t)} ({t.timeZone})
              </span>{" "}
              <button
                type="button"
                className="button"
                id={`edit-tech-${t.id}`}
                aria-describedby={`tech-row-${t.id}`}
                disabled={editing !== null}
                onClick={() => void editTechnician(t)}
              >
                Edit
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No technicians yet.</p>
      )}
      {editing?.kind === "technician" ? (
        <TechnicianForm
          technician={editing.technician}
          etag={editing.etag}
          onSaved={(t) => {
            setSavedTechs((s) => new Map(s).set(t.id, t));
            setNotice({ text: editing.technician ? `Technician ${t.name} saved.` : `Technician ${t.name} added.`, error: false });
            close(editing.technician ? `edit-tech-${t.id}` : "add-technician");
          }}
          onCancel={() => close(editing.technician ? `edit-tech-${editing.technician.id}` : "add-technician")}
        />
      ) : (
        <button
          type="button"
          className="button"
          id="add-technician"
          disabled={editing !== null}
          onClick={() => setEditing({ kind: "technician", technician: null, etag: null })}
        >
          Add technician
        </button>
      )}
      <h3>Bays</h3>
      {bays.length ? (
        <ul className="setup-list">
          {bays.map((b) => (
            <li key={b.id}>
              <span id={`bay-row-${b.id}`}>
                <strong>{b.name}</strong>: holds {b.capacity} vehicle{b.capacity === 1 ? "" : "s"}
              </span>{" "}
              <button
                type="button"
                className="button"
                id={`edit-bay-${b.id}`}
                aria-describedby={`bay-row-${b.id}`}
                disabled={editing !== null}
                onClick={() => void editBay(b)}
              >
                Edit
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No bays yet.</p>
      )}
      {editing?.kind === "bay" ? (
        <BayForm
          bay={editing.bay}
          etag={editing.etag}
          onSaved={(b) => {
            setSavedBays((s) => new Map(s).set(b.id, b));
            setNotice({ text: editing.bay ? `Bay ${b.name} saved.` : `Bay ${b.name} added.`, error: false });
            close(editing.bay ? `edit-bay-${b.id}` : "add-bay");
          }}
          onCancel={() => close(editing.bay ? `edit-bay-${editing.bay.id}` : "add-bay")}
        />
      ) : (
        <button
          type="button"
          className="button"
          id="add-bay"
          disabled={editing !== null}
          onClick={() => setEditing({ kind: "bay", bay: null, etag: null })}
        >
          Add bay
        </button>
      )}
    </>
  );
}

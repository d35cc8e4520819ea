/**
 * Geofences (admins and managers): the tenant's named circles and polygons that `enter`, `exit`
 * and `dwell` rules watch. A table lists each with its coordinates, an offline-safe SVG sketch
 * shows them (with the same facts as its text alternative); `Add geofence`, `Edit` and `Delete`
 * change them.
 */
import { useRef, useState } from "react";
import { describeError } from "../api";
import { GeofenceForm } from "../geofence-form";
import { GeofenceMap } from "../geofence-map";
import {
  createGeofence,
  deleteGeofence,
  formatPoint,
  type Geofence,
  type GeofenceInput,
  listGeofences,
  updateGeofence,
} from "../geofence-types";
import "../geofences.css";
import { Page, Status } from "../page";
import { ScrollTable } from "../scroll-table";
import { useApi } from "../use-api";

/** The form is closed, open for a new fence, or open on one being edited. */
type Editing = { kind: "closed" } | { kind: "new" } | { kind: "edit"; fence: Geofence };

function Coordinates({ fence }: { fence: Geofence }) {
  const s = fence.shape;
  if (s.type === "circle") return <>{`${formatPoint(s.lat, s.lon)}, radius ${s.radiusM} m`}</>;
  return (
    <ol className="geofence-points">
      {s.points.map(([lat, lon], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a polygon may repeat a point; its position is its identity.
        <li key={i}>{formatPoint(lat, lon)}</li>
      ))}
    </ol>
  );
}

export function Geofences() {
  const [version, setVersion] = useState(0);
  const list = useApi(`geofences:${version}`, listGeofences);
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const fences = list.data?.items ?? [];

  const focusSoon = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());
  const open = (next: Editing) => {
    setEditing(next);
    setNotice(null);
    focusSoon("geofence-name");
  };
  const close = () => {
    setEditing({ kind: "closed" });
    requestAnimationFrame(() => addButton.current?.focus());
  };
  const save = async (input: GeofenceInput) => {
    const saved = editing.kind === "edit" ? await updateGeofence(editing.fence.id, input) : await createGeofence(input);
    setNotice({ text: `Geofence ${saved.name} saved.`, error: false });
    setVersion((v) => v + 1);
    close();
  };
  const remove = async (fence: Geofence) => {
    try {
      await deleteGeofence(fence.id);
      setNotice({ text: `Geofence ${fence.name} deleted.`, error: false });
      setConfirming(null);
      setVersion((v) => v + 1);
      requestAnimationFrame(() => addButton.current?.focus());
    } catch (error) {
      setNotice({ text: describeError(error), error: true });
    }
  };

  return (
    <Page title="Geofences" intro="Named areas that enter, exit and dwell rules watch. Coordinates are decimal degrees (WGS 84).">
      <div className="actions">
        <button
          type="button"
          className="button primary"
          ref={addButton}
          aria-expanded={editing.kind === "new"}
          onClick={() => (editing.kind === "new" ? close() : open({ kind: "new" }))}
        >
          Add geofence
        </button>
      </div>
      <p className="status" role="status">
        {notice && !notice.error ? notice.text : null}
      </p>
      {notice?.error ? <Status error>{notice.text}</Status> : null}
      {editing.kind !== "closed" ? (
        <GeofenceForm
          fence={editing.kind === "edit" ? editing.fence : null}
          key={editing.kind === "edit" ? editing.fence.id : "new"}
          onSave={save}
          onCancel={close}
        />
      ) : null}
      {list.state === "loading" ? <Status>Loading the geofences…</Status> : null}
      {list.state === "error" ? <Status error>{describeError(list.error)}</Status> : null}
      {list.state === "ok" && !fences.length ? <p>No geofences yet.</p> : null}
      {fences.length ? (
        <>
          <GeofenceMap fences={fences} />
          <ScrollTable captionId="geofences-caption" caption="Geofences and their coordinates">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Tags</th>
                <th scope="col">Shape</th>
                <th scope="col">Coordinates (latitude, longitude)</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {fences.map((fence) => (
                <tr key={fence.id}>
                  <th scope="row">{fence.name}</th>
                  <td>{fence.tags.length ? fence.tags.join(", ") : "—"}</td>
                  <td>{fence.shape.type}</td>
                  <td>
                    <Coordinates fence={fence} />
                  </td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="button" onClick={() => open({ kind: "edit", fence })}>
                        Edit<span className="visually-hidden"> {fence.name}</span>
                      </button>
                      {confirming === fence.id ? (
                        <>
                          <button type="button" className="button" onClick={() => void remove(fence)}>
                            Confirm delete<span className="visually-hidden"> {fence.name}</span>
                          </button>
                          <button type="button" className="button" onClick={() => setConfirming(null)}>
                            Keep<span className="visually-hidden"> {fence.name}</span>
                          </button>
                        </>
                      ) : (
                        <button type="button" className="button" onClick={() => setConfirming(fence.id)}>
                          Delete<span className="visually-hidden"> {fence.name}</span>
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
        </>
      ) : null}
    </Page>
  );
}
export default Geofences;

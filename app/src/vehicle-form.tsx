/**
 * Add vehicle / Edit (admins and managers): the fields of POST and PATCH /api/vehicles, each
 * error next to its field and focus on the first. An edit reads the vehicle with its ETag, sends
 * only the fields the person changed, with If-Match; if someone else saved first (412) it shows
 * what changed field by field and lets the person keep theirs or take the other's (ConflictView).
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import type { InferRequestType } from "hono/client";
import type { Client, Vehicle } from "./api-types";
import { ifMatch, isStale, withEtag } from "./concurrency";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import { focusFirstError } from "./form-focus";
import { type Conflict, ConflictView } from "./conflict-view";
import { useApi } from "./use-api";

type CreateVehicle = InferRequestType<Client["api"]["vehicles"]["$post"]>["json"];
type PatchVehicle = InferRequestType<Client["api"]["vehicles"][":id"]["$patch"]>["json"];

const FIELDS = ["name", "externalId", "vin", "type", "odometerKm", "engineHours", "driverId"] as const;
type FieldName = (typeof FIELDS)[number];
type Draft = Record<FieldName, string>;
const idOf = (field: string) => `vehicle-${field}`;
const LABELS: Record<FieldName, string> = {
  name: "Name",
  externalId: "External ID",
  vin: "VIN",
  type: "Type",
  odometerKm: "Odometer (km)",
  engineHours: "Engine hours",
  driverId: "Driver",
};
const text = (v: string | number | null | undefined) => (v === null || v === undefined ? "" : String(v));

const draftOf = (v: Vehicle | null): Draft => ({
  name: v?.name ?? "",
  externalId: v?.externalId ?? "",
  vin: v?.vin ?? "",
  type: v?.type ?? "",
  odometerKm: text(v?.odometerKm),
  engineHours: text(v?.engineHours),
  driverId: v?.driverId ?? "",
});

type Body = {
  name: string;
  externalId: string;
  vin: string | null;
  type: string | null;
  odometerKm: number | null;
  engineHours: number | null;
  driverId: string | null;
};

function parse(draft: Draft): { body: Body; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!draft.name.trim()) errors.name = "Enter a name.";
  if (!draft.externalId.trim()) errors.externalId = "Enter the id your telematics vendor uses for this vehicle.";
  const odometerKm = parseNumber(draft.odometerKm);
  if (odometerKm === undefined || (odometerKm !== null && odometerKm < 0))
    errors.odometerKm = "Enter kilometres (0 or more), or leave it empty.";
  const engineHours = parseNumber(draft.engineHours);
  if (engineHours === undefined || (engineHours !== null && engineHours < 0))
    errors.engineHours = "Enter hours (0 or more), or leave it empty.";
  const body: Body = {
    name: draft.name.trim(),
    externalId: draft.externalId.trim(),
    vin: draft.vin.trim() || null,
    type: draft.type.trim() || null,
    odometerKm: odometerKm ?? null,
    engineHours: engineHours ?? null,
    driverId: draft.driverId || null,
  };
  return { body, errors };
}

/** Problem paths are the API's field names, which are this form's field names. */
const fieldOfPath = (path: string) => {
  const top = path.split(".")[0] ?? "";
  return (FIELDS as readonly string[]).includes(top) ? top : null;
};

/** Drivers to assign (GET /api/users; admins and managers may list users). */
function useDrivers() {
  const users = useApi("users:drivers", () => unwrap(client.api.users.$get({ query: { limit: "500" } })));
  return (users.data?.items ?? []).filter((u) => u.role === "driver" && u.active !== false);
}

export function VehicleForm({
  vehicle,
  etag: initialEtag,
  onSaved,
  onCancel,
}: {
  vehicle: Vehicle | null;
  etag: string | null;
  onSaved: (vehicle: Vehicle) => void;
  onCancel: () => void;
}) {
  const [base, setBase] = useState<{ vehicle: Vehicle | null; etag: string | null }>({ vehicle, etag: initialEtag });
  const [draft, setDraft] = useState(() => draftOf(vehicle));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  // After a 412: the three versions to merge, and the one saved meanwhile (the next base).
  const [conflict, setConflict] = useState<{ drafts: Conflict<Draft>; fresh: { vehicle: Vehicle; etag: string | null } } | null>(null);
  const [busy, setBusy] = useState(false);
  const drivers = useDrivers();
  const set = (name: FieldName) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, idOf, "vehicle-form-message");
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { body, errors: found } = parse(draft);
    const count = Object.keys(found).length;
    if (count) return refuse(found, `Please correct ${count} field${count === 1 ? "" : "s"} marked below.`);
    setBusy(true);
    setErrors({});
    setMessage(null);
    setConflict(null);
    try {
      if (base.vehicle) {
        // Only what this person changed, so nobody else's change is overwritten.
        const original = parse(draftOf(base.vehicle)).body;
        const { externalId: _fixed, ...editable } = body;
        const changed = Object.fromEntries(Object.entries(editable).filter(([k, v]) => original[k as keyof Body] !== v)) as PatchVehicle;
        const saved = await unwrap(
          client.api.vehicles[":id"].$patch({ param: { id: base.vehicle.id }, json: changed }, ifMatch(base.etag)),
        );
        onSaved(saved);
      } else {
        const { vin, type, odometerKm, engineHours, driverId, ...required } = body;
        const optional = Object.fromEntries(
          Object.entries({ vin, type, odometerKm, engineHours, driverId }).filter(([, v]) => v !== null),
        ) as Partial<CreateVehicle>;
        onSaved(await unwrap(client.api.vehicles.$post({ json: { ...required, ...optional } })));
      }
    } catch (error) {
      if (isStale(error)) {
        await showConflict();
      } else {
        const { fields, message: form } = problemFields(error, fieldOfPath);
        refuse(fields, form);
      }
    } finally {
      setBusy(false);
    }
  }

  /** Reads the version saved meanwhile and shows it against this person's, field by field. */
  async function showConflict() {
    if (!base.vehicle) return;
    try {
      const fresh = await withEtag(client.api.vehicles[":id"].$get({ param: { id: base.vehicle.id } }), unwrap);
      setConflict({
        drafts: { before: draftOf(base.vehicle), mine: draft, theirs: draftOf(fresh.data) },
        fresh: { vehicle: fresh.data, etag: fresh.etag },
      });
      requestAnimationFrame(() => document.getElementById("vehicle-form-message")?.focus());
    } catch (error) {
      refuse({}, problemFields(error).message);
    }
  }

  /** The merge goes into the form on top of their version; the next save uses its ETag. */
  function applyMerge(merged: Draft) {
    if (!conflict) return;
    setDraft(merged);
    setBase(conflict.fresh);
    setConflict(null);
    setMessage("Their version is in the form with the values you chose. Check it and save again.");
    requestAnimationFrame(() => document.getElementById(idOf("name"))?.focus());
  }

  const editing = base.vehicle !== null;
  return (
    <form className="panel vehicle-form" onSubmit={submit} noValidate aria-labelledby="vehicle-form-heading">
      <h2 id="vehicle-form-heading">{editing ? `Edit vehicle: ${base.vehicle?.name}` : "Add vehicle"}</h2>
      <div id="vehicle-form-message" tabIndex={-1}>
        {conflict ? (
          <ConflictView
            what="vehicle"
            idPrefix="vehicle"
            fields={FIELDS}
            labels={LABELS}
            conflict={conflict.drafts}
            show={(field, value) => (field === "driverId" ? (drivers.find((d) => d.id === value)?.name ?? "another driver") : value)}
            onUse={applyMerge}
          />
        ) : (
          <FormMessage message={message} error />
        )}
      </div>
      <Field id={idOf("name")} label="Name" error={errors.name}>
        {(aria) => <input {...aria} value={draft.name} onChange={set("name")} autoComplete="off" />}
      </Field>
      <Field
        id={idOf("externalId")}
        label="External ID"
        hint={editing ? "The telematics vendor's id; it cannot be changed." : "The id your telematics vendor uses for this vehicle."}
        error={errors.externalId}
      >
        {(aria) => <input {...aria} value={draft.externalId} onChange={set("externalId")} readOnly={editing} autoComplete="off" />}
      </Field>
      <Field id={idOf("vin")} label="VIN" hint="Optional: 11 to 17 letters and digits, without I, O or Q." error={errors.vin}>
        {(aria) => <input {...aria} value={draft.vin} onChange={set("vin")} autoComplete="off" />}
      </Field>
      <Field id={idOf("type")} label="Type" hint="Optional, such as truck or van." error={errors.type}>
        {(aria) => <input {...aria} value={draft.type} onChange={set("type")} autoComplete="off" />}
      </Field>
      <Field id={idOf("odometerKm")} label="Odometer (km)" hint="Optional; telemetry keeps it current." error={errors.odometerKm}>
        {(aria) => <input {...aria} inputMode="decimal" value={draft.odometerKm} onChange={set("odometerKm")} />}
      </Field>
      <Field id={idOf("engineHours")} label="Engine hours" hint="Optional; telemetry keeps it current." error={errors.engineHours}>
        {(aria) => <input {...aria} inputMode="decimal" value={draft.engineHours} onChange={set("engineHours")} />}
      </Field>
      <Field id={idOf("driverId")} label="Driver" error={errors.driverId}>
        {(aria) => (
          <select {...aria} value={draft.driverId} onChange={set("driverId")}>
            <option value="">No driver</option>
            {drivers.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.email})
              </option>
            ))}
            {draft.driverId && !drivers.some((d) => d.id === draft.driverId) ? (
              <option value={draft.driverId}>Current driver</option>
            ) : null}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save vehicle"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * The geofence form (add and edit): `Name`, `Tags`, `Shape` (circle or polygon), then `Latitude`,
 * `Longitude` and `Radius (m)` for a circle or `Points` (one "latitude, longitude" per line) for
 * a polygon. Checked here first, then by the server; every error sits next to its field and focus
 * moves to the first one.
 */
import { type FormEvent, useState } from "react";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import { focusFirstError } from "./form-focus";
import type { Geofence, GeofenceInput, GeofenceShape } from "./geofence-types";

const FIELD_ORDER = ["name", "tags", "shape", "lat", "lon", "radius", "points"] as const;
type FieldName = (typeof FIELD_ORDER)[number];
const idOf = (field: string) => `geofence-${field}`;

interface Draft {
  name: string;
  tags: string;
  shape: "circle" | "polygon";
  lat: string;
  lon: string;
  radius: string;
  points: string;
}

const draftOf = (fence: Geofence | null): Draft => {
  const s = fence?.shape;
  return {
    name: fence?.name ?? "",
    tags: fence?.tags.join(", ") ?? "",
    shape: s?.type ?? "circle",
    lat: s?.type === "circle" ? String(s.lat) : "",
    lon: s?.type === "circle" ? String(s.lon) : "",
    radius: s?.type === "circle" ? String(s.radiusM) : "",
    points: s?.type === "polygon" ? s.points.map(([lat, lon]) => `${lat}, ${lon}`).join("\n") : "",
  };
};

/** A server error's path (`shape.points.2.0`) → the form field showing it. */
function fieldOfPath(path: string): FieldName | null {
  if (path === "name" || path.startsWith("tags")) return path === "name" ? "name" : "tags";
  if (path === "shape.lat") return "lat";
  if (path === "shape.lon") return "lon";
  if (path === "shape.radiusM") return "radius";
  if (path.startsWith("shape.points")) return "points";
  if (path.startsWith("shape")) return "shape";
  return null;
}

/** The request body, or the fields that are wrong. */
function parse(d: Draft): { input: GeofenceInput } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = d.name.trim();
  if (!name) errors.name = "Enter a name.";
  const tags = d.tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  let shape: GeofenceShape | undefined;
  if (d.shape === "circle") {
    const lat = parseNumber(d.lat);
    const lon = parseNumber(d.lon);
    const radiusM = parseNumber(d.radius);
    if (lat == null || lat < -90 || lat > 90) errors.lat = "Enter a latitude between -90 and 90.";
    if (lon == null || lon < -180 || lon > 180) errors.lon = "Enter a longitude between -180 and 180.";
    if (radiusM == null || radiusM <= 0) errors.radius = "Enter a radius in metres, more than 0.";
    if (lat != null && lon != null && radiusM != null) shape = { type: "circle", lat, lon, radiusM };
  } else {
    const lines = d.points
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const points = lines.map((line) => line.split(/[,;\s]+/).map((v) => parseNumber(v)));
    const valid = points.every((p) => p.length === 2 && p[0] != null && p[1] != null && Math.abs(p[0]) <= 90 && Math.abs(p[1]) <= 180);
    if (lines.length < 3 || !valid) errors.points = "Enter at least 3 points, one per line, each as latitude, longitude.";
    else shape = { type: "polygon", points: points.map((p) => [p[0]!, p[1]!] as [number, number]) };
  }
  if (Object.keys(errors).length || !shape) return { errors };
  return { input: { name, tags, shape } };
}

export function GeofenceForm({
  fence,
  onSave,
  onCancel,
}: {
  /** The fence being edited, or null for a new one. */
  fence: Geofence | null;
  onSave: (input: GeofenceInput) => Promise<void>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(fence));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (name: keyof Draft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const parsed = parse(draft);
    if ("errors" in parsed) {
      setErrors(parsed.errors);
      setMessage(`Please correct ${Object.keys(parsed.errors).length === 1 ? "the field" : "the fields"} marked below.`);
      focusFirstError(FIELD_ORDER, parsed.errors, idOf);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      await onSave(parsed.input);
    } catch (error) {
      const { fields, message: text } = problemFields(error, fieldOfPath);
      setErrors(fields);
      setMessage(text);
      focusFirstError(FIELD_ORDER, fields, idOf, "geofence-form-message");
    } finally {
      setSaving(false);
    }
  };

  const title = fence ? `Edit geofence ${fence.name}` : "New geofence";
  return (
    <form onSubmit={submit} aria-labelledby="geofence-form-title" noValidate>
      <h2 id="geofence-form-title">{title}</h2>
      <Field id={idOf("name")} label="Name" error={errors.name}>
        {(p) => <input {...p} value={draft.name} onChange={set("name")} autoComplete="off" />}
      </Field>
      <Field id={idOf("tags")} label="Tags" hint="Separated by commas, for example: depot, north." error={errors.tags}>
        {(p) => <input {...p} value={draft.tags} onChange={set("tags")} autoComplete="off" />}
      </Field>
      <Field id={idOf("shape")} label="Shape" error={errors.shape}>
        {(p) => (
          <select {...p} value={draft.shape} onChange={set("shape")}>
            <option value="circle">circle</option>
            <option value="polygon">polygon</option>
          </select>
        )}
      </Field>
      {draft.shape === "circle" ? (
        <div className="field-row">
          <Field id={idOf("lat")} label="Latitude" hint="Decimal degrees, -90 to 90." error={errors.lat}>
            {(p) => <input {...p} inputMode="decimal" value={draft.lat} onChange={set("lat")} />}
          </Field>
          <Field id={idOf("lon")} label="Longitude" hint="Decimal degrees, -180 to 180." error={errors.lon}>
            {(p) => <input {...p} inputMode="decimal" value={draft.lon} onChange={set("lon")} />}
          </Field>
          <Field id={idOf("radius")} label="Radius (m)" error={errors.radius}>
            {(p) => <input {...p} inputMode="decimal" value={draft.radius} onChange={set("radius")} />}
          </Field>
        </div>
      ) : (
        <Field
          id={idOf("points")}
          label="Points"
          hint="One corner per line as latitude, longitude (at least 3), for example: 52.52, 13.40."
          error={errors.points}
        >
          {(p) => <textarea {...p} rows={5} value={draft.points} onChange={set("points")} />}
        </Field>
      )}
      <div id="geofence-form-message" tabIndex={-1}>
        <FormMessage message={message} error={message !== null} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          Save geofence
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

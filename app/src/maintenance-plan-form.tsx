/**
 * Create or edit a maintenance plan: intervals by km / engine hours / days ("whichever comes
 * first") and their due-soon thresholds, the vehicles it applies to and each one's last service
 * before it (sent as the plan's baselines). Field errors come from the API's problem JSON.
 * An edit sends only the fields the person changed, with the plan's ETag (If-Match); if someone
 * else saved first (412) the form shows what changed field by field (ConflictView).
 */
import { type FormEvent, useRef, useState } from "react";
import { client, unwrap } from "./api";
import { ifMatch, isStale, withEtag } from "./concurrency";
import { type Conflict, ConflictView } from "./conflict-view";
import { Field, type FieldErrors, firstSegment, FormMessage, parseNumber, problemFields } from "./form-field";
import type { Plan } from "./maintenance-types";
import { type LastService, type LastServices, PlanVehicles } from "./maintenance-plan-vehicles";

const NUMBER_FIELDS = [
  { name: "everyKm", label: "Every (km)", hint: "Distance between services." },
  { name: "everyEngineHours", label: "Every (engine hours)" },
  { name: "everyDays", label: "Every (days)" },
  { name: "dueSoonKm", label: "Due soon within (km)", hint: "Shown as due soon when this close. Must be less than the interval." },
  { name: "dueSoonEngineHours", label: "Due soon within (engine hours)" },
  { name: "dueSoonDays", label: "Due soon within (days)" },
  { name: "durationMinutes", label: "Duration (minutes)", hint: "How long the service takes in the shop." },
] as const;
type NumberField = (typeof NUMBER_FIELDS)[number]["name"];
type Values = Record<NumberField | "name" | "skill" | "vehicleType", string>;
/** The form's values with the chosen vehicles (ids joined), as the 412 merge compares them. */
type PlanDraft = Values & { vehicles: string };
const DRAFT_FIELDS = [
  "name",
  ...NUMBER_FIELDS.map((f) => f.name),
  "skill",
  "vehicleType",
  "vehicles",
] as const satisfies readonly (keyof PlanDraft)[];
const LABELS: Record<keyof PlanDraft, string> = {
  name: "Plan name",
  ...(Object.fromEntries(NUMBER_FIELDS.map((f) => [f.name, f.label])) as Record<NumberField, string>),
  skill: "Required skill (optional)",
  vehicleType: "Only vehicles of type (optional)",
  vehicles: "Vehicles",
};
const vehiclesKey = (ids: readonly string[] | null | undefined) => [...(ids ?? [])].sort().join(",");

const text = (v: number | string | null | undefined) => (v === null || v === undefined ? "" : String(v));

function initialValues(plan: Plan | null): Values {
  return {
    name: text(plan?.name),
    skill: text(plan?.skill),
    vehicleType: text(plan?.vehicleType),
    everyKm: text(plan?.everyKm),
    everyEngineHours: text(plan?.everyEngineHours),
    everyDays: text(plan?.everyDays),
    dueSoonKm: text(plan?.dueSoonKm),
    dueSoonEngineHours: text(plan?.dueSoonEngineHours),
    dueSoonDays: text(plan?.dueSoonDays),
    durationMinutes: text(plan?.durationMinutes ?? 60),
  };
}

const draftOf = (plan: Plan): PlanDraft => ({ ...initialValues(plan), vehicles: vehiclesKey(plan.vehicleIds) });

type PlanBody = { vehicleIds: string[] | null; baselines?: unknown[] } & Record<string, unknown>;

/** Only what differs from the plan as read (baselines always): nobody else's change is re-sent. */
function changedFields<B extends PlanBody>(body: B, plan: Plan): Partial<B> {
  const stored = plan as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "baselines") out[key] = value;
    else if (key === "vehicleIds") {
      if (vehiclesKey(value as string[] | null) !== vehiclesKey(plan.vehicleIds)) out[key] = value;
    } else if ((stored[key] ?? null) !== value) out[key] = value;
  }
  return out as Partial<B>;
}

export function PlanForm({
  plan: initialPlan,
  etag: initialEtag = null,
  onSaved,
  onCancel,
}: {
  plan: Plan | null;
  /** The ETag read with the plan (GET /api/maintenance/plans/{id}): edits send it as If-Match. */
  etag?: string | null;
  onSaved: (plan: Plan) => void;
  onCancel: () => void;
}) {
  // The plan as last read, with its ETag: an edit sends only what differs from it.
  const [base, setBase] = useState({ plan: initialPlan, etag: initialEtag });
  const plan = base.plan;
  const [conflict, setConflict] = useState<{ drafts: Conflict<PlanDraft>; fresh: { plan: Plan; etag: string | null } } | null>(null);
  const [values, setValues] = useState<Values>(() => initialValues(initialPlan));
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const idPrefix = plan ? `plan-${plan.id}` : "plan-new";
  const [chosen, setChosen] = useState<string[]>(() => initialPlan?.vehicleIds ?? []);
  const [lastService, setLastService] = useState<LastServices>({});
  const editLastService = (vehicleId: string, change: Partial<LastService>) =>
    setLastService((all) => ({ ...all, [vehicleId]: { ...(all[vehicleId] ?? { km: "", date: "" }), ...change } }));

  /** Form order: the plan's own fields, then the vehicles and each chosen vehicle's last service. */
  const focusFirstInvalid = (errors: FieldErrors) => {
    const order = [
      ...["name", ...NUMBER_FIELDS.map((f) => f.name), "skill", "vehicleType", "vehicleIds"].map((name) => [name, `${idPrefix}-${name}`]),
      ...chosen.flatMap((id) => [
        [`${id}.km`, `${idPrefix}-last-${id}-km`],
        [`${id}.date`, `${idPrefix}-last-${id}-date`],
      ]),
    ];
    const first = order.find(([name]) => errors[name!]);
    if (first) form.current?.querySelector<HTMLElement>(`[id="${first[1]}"]`)?.focus();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const local: FieldErrors = {};
    const numbers: Partial<Record<NumberField, number | null>> = {};
    for (const { name } of NUMBER_FIELDS) {
      const parsed = parseNumber(values[name]);
      if (parsed === undefined) local[name] = "Enter a number, for example 250.";
      else numbers[name] = parsed;
    }
    // Each chosen vehicle's last service, when given: its baseline for this plan.
    const baselines: { vehicleId: string; odometerKm?: number; performedAt?: string }[] = [];
    for (const vehicleId of chosen) {
      const row = lastService[vehicleId];
      if (!row || (!row.km.trim() && !row.date)) continue;
      const km = parseNumber(row.km);
      if (km === undefined || (km !== null && km < 0)) local[`${vehicleId}.km`] = "Enter kilometres, for example 115000.";
      baselines.push({
        vehicleId,
        ...(km != null ? { odometerKm: km } : {}),
        ...(row.date ? { performedAt: new Date(`${row.date}T12:00:00`).toISOString() } : {}),
      });
    }
    if (Object.keys(local).length) {
      setFieldErrors(local);
      setFormError("Please correct the fields marked below.");
      focusFirstInvalid(local);
      return;
    }
    const optionalText = (v: string) => (v.trim() === "" ? null : v.trim());
    // On create, empty fields are left out; on edit they clear the stored value.
    const body = {
      name: values.name,
      everyKm: numbers.everyKm ?? null,
      everyEngineHours: numbers.everyEngineHours ?? null,
      everyDays: numbers.everyDays ?? null,
      dueSoonKm: numbers.dueSoonKm ?? null,
      dueSoonEngineHours: numbers.dueSoonEngineHours ?? null,
      dueSoonDays: numbers.dueSoonDays ?? null,
      durationMinutes: numbers.durationMinutes as number,
      skill: optionalText(values.skill),
      vehicleType: optionalText(values.vehicleType),
      vehicleIds: chosen.length ? chosen : null,
      ...(baselines.length ? { baselines } : {}),
    };
    setBusy(true);
    setFormError(null);
    setFieldErrors({});
    setConflict(null);
    try {
      const saved = plan
        ? await unwrap(
            client.api.maintenance.plans[":id"].$patch({ param: { id: plan.id }, json: changedFields(body, plan) }, ifMatch(base.etag)),
          )
        : await unwrap(client.api.maintenance.plans.$post({ json: body }));
      onSaved(saved);
    } catch (error) {
      if (isStale(error)) {
        await showConflict();
        return;
      }
      // `baselines.2.odometerKm` belongs to the third vehicle with a last service.
      const fieldOf = (path: string) => {
        const [top, index, field] = path.split(".");
        if (top === "baselines" && index !== undefined) {
          const vehicleId = baselines[Number(index)]?.vehicleId;
          return vehicleId ? `${vehicleId}.${field === "performedAt" ? "date" : "km"}` : null;
        }
        return firstSegment(path);
      };
      const { fields, message } = problemFields(error, fieldOf);
      setFieldErrors(fields);
      setFormError(message);
      focusFirstInvalid(fields);
    } finally {
      setBusy(false);
    }
  }

  /** Reads the plan saved meanwhile and shows it against this person's, field by field. */
  async function showConflict() {
    if (!plan) return;
    try {
      const fresh = await withEtag(client.api.maintenance.plans[":id"].$get({ param: { id: plan.id } }), unwrap);
      setConflict({
        drafts: { before: draftOf(plan), mine: { ...values, vehicles: vehiclesKey(chosen) }, theirs: draftOf(fresh.data) },
        fresh: { plan: fresh.data, etag: fresh.etag },
      });
      requestAnimationFrame(() => document.getElementById(`${idPrefix}-message`)?.focus());
    } catch (error) {
      setFormError(problemFields(error).message);
    }
  }

  /** The merge goes into the form on top of their version; the next save uses its ETag. */
  function applyMerge({ vehicles, ...merged }: PlanDraft) {
    if (!conflict) return;
    setValues(merged);
    setChosen(vehicles ? vehicles.split(",") : []);
    setBase(conflict.fresh);
    setConflict(null);
    setFormError("Their version is in the form with the values you chose. Check it and save again.");
    requestAnimationFrame(() => document.getElementById(`${idPrefix}-name`)?.focus());
  }

  const set = (name: keyof Values) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));
  const heading = plan ? `Edit plan “${plan.name}”` : "New plan";

  return (
    <form ref={form} className="plan-form" onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <h3 id={`${idPrefix}-heading`}>{heading}</h3>
      <div id={`${idPrefix}-message`} tabIndex={-1}>
        {conflict ? (
          <ConflictView
            what="plan"
            idPrefix={idPrefix}
            fields={DRAFT_FIELDS}
            labels={LABELS}
            conflict={conflict.drafts}
            show={(field, value) => (field === "vehicles" ? `${value.split(",").length} chosen` : value)}
            onUse={applyMerge}
          />
        ) : (
          <FormMessage message={formError} error />
        )}
      </div>
      <Field id={`${idPrefix}-name`} label="Plan name" error={fieldErrors.name}>
        {(aria) => <input {...aria} value={values.name} onChange={set("name")} autoComplete="off" />}
      </Field>
      <fieldset>
        <legend>Interval, whichever comes first (at least one)</legend>
        <div className="field-row">
          {NUMBER_FIELDS.slice(0, 3).map((f) => (
            <Field
              key={f.name}
              id={`${idPrefix}-${f.name}`}
              label={f.label}
              hint={"hint" in f ? f.hint : undefined}
              error={fieldErrors[f.name]}
            >
              {(aria) => <input {...aria} inputMode="decimal" value={values[f.name]} onChange={set(f.name)} />}
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Due-soon thresholds (optional)</legend>
        <div className="field-row">
          {NUMBER_FIELDS.slice(3, 6).map((f) => (
            <Field
              key={f.name}
              id={`${idPrefix}-${f.name}`}
              label={f.label}
              hint={"hint" in f ? f.hint : undefined}
              error={fieldErrors[f.name]}
            >
              {(aria) => <input {...aria} inputMode="decimal" value={values[f.name]} onChange={set(f.name)} />}
            </Field>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <Field
          id={`${idPrefix}-durationMinutes`}
          label="Duration (minutes)"
          hint="How long the service takes in the shop."
          error={fieldErrors.durationMinutes}
        >
          {(aria) => <input {...aria} inputMode="numeric" value={values.durationMinutes} onChange={set("durationMinutes")} />}
        </Field>
        <Field id={`${idPrefix}-skill`} label="Required skill (optional)" error={fieldErrors.skill}>
          {(aria) => <input {...aria} value={values.skill} onChange={set("skill")} autoComplete="off" />}
        </Field>
        <Field id={`${idPrefix}-vehicleType`} label="Only vehicles of type (optional)" error={fieldErrors.vehicleType}>
          {(aria) => <input {...aria} value={values.vehicleType} onChange={set("vehicleType")} autoComplete="off" />}
        </Field>
      </div>
      <PlanVehicles
        idPrefix={idPrefix}
        chosen={chosen}
        lastService={lastService}
        errors={fieldErrors}
        onChoose={setChosen}
        onLastService={editLastService}
      />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : plan ? "Save plan" : "Create plan"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

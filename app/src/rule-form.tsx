/**
 * The alert rule form (new and edit): the fields of POST/PATCH /api/rules with errors next to
 * each field and focus on the first. An edit sends only the fields the person changed.
 */
import { type FormEvent, useRef, useState } from "react";
import type { InferRequestType, InferResponseType } from "hono/client";
import { client, unwrap } from "./api";
import type { Client } from "./api-types";
import { focusFirstError } from "./form-focus";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import { ifMatch, isStale, withEtag } from "./concurrency";
import { type PreviewResult, RulePreviewResult } from "./rule-preview";
import { type Conflict, ConflictView } from "./conflict-view";

export type Rule = InferResponseType<Client["api"]["rules"]["$get"], 200>["items"][number];
type CreateRule = InferRequestType<Client["api"]["rules"]["$post"]>["json"];

export const CONDITIONS = [
  { op: "gt", text: "greater than" },
  { op: "gte", text: "at least" },
  { op: "lt", text: "less than" },
  { op: "lte", text: "at most" },
  { op: "eq", text: "equal to" },
  { op: "neq", text: "not equal to" },
  { op: "present", text: "present (diagnostic trouble codes)" },
] as const;
const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const METRICS = [
  "engineTempC",
  "oilPressureKpa",
  "batteryV",
  "accelG",
  "speedKph",
  "coolantTempC",
  "rpm",
  "engineHours",
  "odometerKm",
  "dtc",
];
const FIELDS = ["name", "metric", "op", "threshold", "forSeconds", "severity", "cooldownSeconds"] as const;
type FieldName = (typeof FIELDS)[number];
type Draft = Record<FieldName, string>;
/** Why a kind has no preview, in words: the preview replays stored readings one by one. */
const NO_PREVIEW: Record<string, string> = {
  offline:
    "Preview is not available for offline rules: it replays stored readings, and an offline rule counts the silence between them. Its alerts so far are on the Alerts screen.",
  enter:
    "Preview is not available for geofence rules: it replays stored readings, not positions over time. Use the Geofences screen to see the area.",
};
NO_PREVIEW.exit = NO_PREVIEW.enter as string;
NO_PREVIEW.dwell = NO_PREVIEW.enter as string;

const LABELS: Record<FieldName, string> = {
  name: "Name",
  metric: "Metric",
  op: "Condition",
  threshold: "Threshold",
  forSeconds: "Held for (seconds)",
  severity: "Severity",
  cooldownSeconds: "Cooldown (seconds)",
};

const idOf = (field: string) => `rule-${field}`;
const text = (value: number | null | undefined) => (value === null || value === undefined ? "" : String(value));

function draftOf(rule: Rule | null): Draft {
  return {
    name: rule?.name ?? "",
    metric: rule?.metric ?? "",
    op: rule?.op ?? "gt",
    threshold: text(rule?.threshold),
    forSeconds: text(rule?.forSeconds),
    severity: rule?.severity ?? "high",
    cooldownSeconds: text(rule?.cooldownSeconds ?? 900),
  };
}

/** The body, or the fields the browser can already tell are wrong. */
function parse(draft: Draft): { body: CreateRule; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!draft.name.trim()) errors.name = "Enter a name.";
  if (!draft.metric.trim()) errors.metric = "Enter a reading name such as engineTempC, or dtc.";
  const threshold = parseNumber(draft.threshold);
  if (draft.op !== "present" && (threshold === undefined || threshold === null)) errors.threshold = "Enter a number.";
  const forSeconds = parseNumber(draft.forSeconds);
  if (forSeconds === undefined || (forSeconds !== null && (!Number.isInteger(forSeconds) || forSeconds < 1)))
    errors.forSeconds = "Enter whole seconds (1 or more), or leave it empty.";
  const cooldown = parseNumber(draft.cooldownSeconds);
  if (cooldown === undefined || cooldown === null || !Number.isInteger(cooldown) || cooldown < 0)
    errors.cooldownSeconds = "Enter whole seconds (0 or more).";
  const body: CreateRule = {
    name: draft.name.trim(),
    metric: draft.metric.trim(),
    op: draft.op as CreateRule["op"],
    threshold: draft.op === "present" ? null : (threshold ?? null),
    forSeconds: forSeconds ?? null,
    severity: draft.severity as CreateRule["severity"],
    cooldownSeconds: cooldown ?? 900,
  };
  return { body, errors };
}

/** Only what changed, so an edit never re-sends (and overwrites) a field someone else changed meanwhile. */
function changed(body: CreateRule, rule: Rule): Partial<CreateRule> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if ((rule as Record<string, unknown>)[key] !== value) out[key] = value;
  // A window rule keeps its window unless a hold time is set instead (the API refuses both).
  if (out.forSeconds === null && rule.forSeconds === null) delete out.forSeconds;
  return out as Partial<CreateRule>;
}

const fieldOfPath = (path: string): string | null => {
  const top = path.split(".")[0] ?? "";
  if (top === "window") return "forSeconds";
  return (FIELDS as readonly string[]).includes(top) ? top : null;
};

export function RuleForm({
  rule: initialRule,
  etag: initialEtag = null,
  onSaved,
  onCancel,
}: {
  rule: Rule | null;
  etag?: string | null;
  onSaved: (rule: Rule) => void;
  onCancel: () => void;
}) {
  // The rule as last read, with its ETag: edits send only changes, with If-Match.
  const [base, setBase] = useState({ rule: initialRule, etag: initialEtag });
  const rule = base.rule;
  const [draft, setDraft] = useState(() => draftOf(initialRule));
  // After a 412: the three versions to merge, and the rule saved meanwhile (the next base).
  const [conflict, setConflict] = useState<{ drafts: Conflict<Draft>; fresh: { rule: Rule; etag: string | null } } | null>(null);
  const [preview, setPreview] = useState<{ result: PreviewResult | null; busy: boolean; error: string | null }>({
    result: null,
    busy: false,
    error: null,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (name: FieldName) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, idOf, "rule-form-message");
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
      const saved = rule
        ? await unwrap(client.api.rules[":id"].$patch({ param: { id: rule.id }, json: changed(body, rule) }, ifMatch(base.etag)))
        : await unwrap(client.api.rules.$post({ json: body }));
      onSaved(saved);
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

  /** Reads the rule saved meanwhile and shows it against this person's, field by field. */
  async function showConflict() {
    if (!rule) return;
    try {
      const fresh = await withEtag(client.api.rules[":id"].$get({ param: { id: rule.id } }), unwrap);
      setConflict({
        drafts: { before: draftOf(rule), mine: draft, theirs: draftOf(fresh.data) },
        fresh: { rule: fresh.data, etag: fresh.etag },
      });
      requestAnimationFrame(() => document.getElementById("rule-form-message")?.focus());
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

  /** What the draft would have raised on the last 7 days; nothing is saved. */
  async function runPreview() {
    // Offline and geofence rules follow silence and positions over time, not stored readings: the
    // API previews threshold rules only, so say so rather than send a request it will refuse.
    if (rule && rule.kind !== "threshold") {
      setPreview({ result: null, busy: false, error: NO_PREVIEW[rule.kind] ?? "Preview covers threshold rules only." });
      return;
    }
    const { body, errors: found } = parse(draft);
    const count = Object.keys(found).length;
    if (count) return refuse(found, `Please correct ${count} field${count === 1 ? "" : "s"} marked below before previewing.`);
    setErrors({});
    setMessage(null);
    setPreview({ result: null, busy: true, error: null });
    try {
      // An edited rule keeps the parts this form does not show (its window, vehicles, auto-resolve).
      const full = rule
        ? { ...body, window: body.forSeconds === null ? rule.window : null, vehicleIds: rule.vehicleIds, autoResolve: rule.autoResolve }
        : body;
      const result = await unwrap(client.api.rules.preview.$post({ json: full }));
      setPreview({ result, busy: false, error: null });
    } catch (error) {
      const { fields, message: form } = problemFields(error, fieldOfPath);
      setPreview({ result: null, busy: false, error: null });
      refuse(fields, form);
    }
  }

  const heading = rule ? `Edit rule: ${rule.name}` : "New rule";
  return (
    <form ref={formRef} className="panel rule-form" onSubmit={submit} noValidate aria-labelledby="rule-form-heading">
      <h2 id="rule-form-heading">{heading}</h2>
      <div id="rule-form-message" tabIndex={-1}>
        {conflict ? (
          <ConflictView
            what="rule"
            idPrefix="rule"
            fields={FIELDS}
            labels={LABELS}
            conflict={conflict.drafts}
            show={(field, value) => (field === "op" ? (CONDITIONS.find((c) => c.op === value)?.text ?? value) : value)}
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
        id={idOf("metric")}
        label="Metric"
        hint="The reading to watch, such as engineTempC, or dtc for trouble codes."
        error={errors.metric}
      >
        {(aria) => (
          <>
            <input {...aria} list="rule-metrics" value={draft.metric} onChange={set("metric")} autoComplete="off" />
            <datalist id="rule-metrics">
              {METRICS.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field id={idOf("op")} label="Condition" error={errors.op}>
        {(aria) => (
          <select {...aria} value={draft.op} onChange={set("op")}>
            {CONDITIONS.map((c) => (
              <option key={c.op} value={c.op}>
                {c.text}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={idOf("threshold")} label="Threshold" hint="Not used when the condition is “present”." error={errors.threshold}>
        {(aria) => <input {...aria} inputMode="decimal" value={draft.threshold} onChange={set("threshold")} />}
      </Field>
      <Field
        id={idOf("forSeconds")}
        label="Held for (seconds)"
        hint="How long the condition must hold before the alert is raised; empty to raise it at once."
        error={errors.forSeconds}
      >
        {(aria) => <input {...aria} inputMode="numeric" value={draft.forSeconds} onChange={set("forSeconds")} />}
      </Field>
      <Field id={idOf("severity")} label="Severity" error={errors.severity}>
        {(aria) => (
          <select {...aria} value={draft.severity} onChange={set("severity")}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id={idOf("cooldownSeconds")}
        label="Cooldown (seconds)"
        hint="A new episode within this time reopens the last alert instead of raising another."
        error={errors.cooldownSeconds}
      >
        {(aria) => <input {...aria} inputMode="numeric" value={draft.cooldownSeconds} onChange={set("cooldownSeconds")} />}
      </Field>
      <div className="rule-preview-area" aria-live="polite" aria-busy={preview.busy}>
        {preview.busy ? <p className="status">Counting what this rule would have raised…</p> : null}
        {preview.result ? <RulePreviewResult result={preview.result} /> : null}
        {preview.error ? <p className="rule-preview-unavailable">{preview.error}</p> : null}
      </div>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void runPreview()} disabled={preview.busy}>
          Preview
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save rule"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

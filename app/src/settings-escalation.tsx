/** Escalation policies per severity: managers see them, admins edit the steps. */
import { type FormEvent, useEffect, useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, describeError, unwrap } from "./api";
import type { Client } from "./api-types";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { useApi } from "./use-api";

type Policy = InferResponseType<Client["api"]["escalation-policies"]["$get"], 200>["items"][number];
type Step = Policy["steps"][number];
const ROLES: Step["roles"] = ["admin", "manager", "technician", "driver"];
const CHANNELS: Step["channels"] = ["inapp", "push", "sms", "voice", "email"];

function PolicyEditor({ policy, editable }: { policy: Policy; editable: boolean }) {
  const [steps, setSteps] = useState<Step[]>(policy.steps);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => setSteps(policy.steps), [policy]);
  const prefix = `esc-${policy.severity}`;
  const update = (i: number, change: Partial<Step>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...change } : s)));
  const toggle = <T extends string>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      const saved = await unwrap(
        client.api["escalation-policies"][":severity"].$put({ param: { severity: policy.severity }, json: { steps } }),
      );
      setSteps(saved.steps);
      setMessage({ text: `The ${policy.severity} policy is saved.`, error: false });
    } catch (error) {
      const { fields, message: text } = problemFields(error);
      setErrors(fields);
      setMessage({ text: fields.steps ?? text, error: true });
    }
  };

  const title = `${policy.severity.charAt(0).toUpperCase()}${policy.severity.slice(1)} alerts`;
  if (!editable) {
    return (
      <div>
        <h3>{title}</h3>
        {steps.length ? (
          <ol>
            {steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are identified by their position in the policy
              <li key={i}>
                After {s.afterMinutes} minutes: {s.roles.join(", ")} by {s.channels.join(", ")}
              </li>
            ))}
          </ol>
        ) : (
          <p>No escalation.</p>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${prefix}-title`} noValidate className="policy">
      <h3 id={`${prefix}-title`}>{title}</h3>
      {steps.length === 0 ? <p>No escalation steps.</p> : null}
      {steps.map((step, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps are identified by their position in the policy
        <fieldset key={i} className="step">
          <legend>Step {i + 1}</legend>
          <Field id={`${prefix}-${i}-after`} label="After (minutes unacknowledged)" error={errors[`steps.${i}.afterMinutes`]}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                value={step.afterMinutes}
                onChange={(e) => update(i, { afterMinutes: Number(e.target.value) })}
              />
            )}
          </Field>
          <fieldset className="checkbox-group">
            <legend>Tell these roles</legend>
            {errors[`steps.${i}.roles`] ? (
              <p className="field-error">
                <strong>Error: </strong>
                {errors[`steps.${i}.roles`]}
              </p>
            ) : null}
            {ROLES.map((r) => (
              <label key={r} className="checkbox">
                <input
                  type="checkbox"
                  checked={step.roles.includes(r)}
                  onChange={(e) => update(i, { roles: toggle(step.roles, r, e.target.checked) })}
                />
                {r}
              </label>
            ))}
          </fieldset>
          <fieldset className="checkbox-group">
            <legend>By these channels</legend>
            {errors[`steps.${i}.channels`] ? (
              <p className="field-error">
                <strong>Error: </strong>
                {errors[`steps.${i}.channels`]}
              </p>
            ) : null}
            {CHANNELS.map((c) => (
              <label key={c} className="checkbox">
                <input
                  type="checkbox"
                  checked={step.channels.includes(c)}
                  onChange={(e) => update(i, { channels: toggle(step.channels, c, e.target.checked) })}
                />
                {c}
              </label>
            ))}
          </fieldset>
          <button type="button" className="button" onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}>
            Remove step {i + 1}
          </button>
        </fieldset>
      ))}
      <div className="form-actions">
        <button
          type="button"
          className="button"
          onClick={() =>
            setSteps((all) => [
              ...all,
              { afterMinutes: (all.at(-1)?.afterMinutes ?? 0) + 10, roles: ["manager"], channels: ["inapp", "push"] },
            ])
          }
        >
          Add a step to the {policy.severity} policy
        </button>
        <button type="submit" className="button primary">
          Save the {policy.severity} policy
        </button>
      </div>
      <FormMessage message={message?.text ?? null} error={message?.error} />
    </form>
  );
}

export function EscalationPolicies({ editable }: { editable: boolean }) {
  const policies = useApi("escalation-policies", () => unwrap(client.api["escalation-policies"].$get()));
  if (policies.state === "loading") return <p className="status">Loading escalation policies…</p>;
  if (policies.state === "error") return <FormMessage message={describeError(policies.error)} error />;
  return (
    <>
      {policies.data.items.map((p) => (
        <PolicyEditor key={p.severity} policy={p} editable={editable} />
      ))}
    </>
  );
}

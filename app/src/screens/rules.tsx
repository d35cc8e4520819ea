/**
 * Rules (admins and managers): the tenant's alert rules with an `Enabled` switch and `Edit` each,
 * and `New rule`; the form's `Preview` counts what the draft would have raised on the last 7 days.
 * `Edit` reads the rule afresh with its ETag so a save cannot overwrite someone else's change.
 */
import { useRef, useState } from "react";
import { client, describeError, unwrap } from "../api";
import { withEtag } from "../concurrency";
import { Page, Status } from "../page";
import { CONDITIONS, type Rule, RuleForm } from "../rule-form";
import { SEVERITY_ICONS } from "./live-alerts";
import { useApi } from "../use-api";
import "../maintenance.css";
import "../setup.css";

const KIND_TEXT: Record<string, (rule: Rule) => string> = {
  offline: (rule) => `offline for ${rule.minutes ?? "?"} min`,
  enter: () => "entering a geofence",
  exit: () => "leaving a geofence",
  dwell: (rule) => `inside a geofence for ${rule.minutes ?? "?"} min`,
};
const conditionText = (rule: Rule) => {
  const kind = KIND_TEXT[rule.kind];
  if (kind) return kind(rule);
  const op = CONDITIONS.find((c) => c.op === rule.op)?.text ?? rule.op;
  return rule.op === "present" ? `${rule.metric} present` : `${rule.metric} ${op} ${rule.threshold}`;
};
const timingText = (rule: Rule) =>
  rule.window
    ? `${rule.window.count} times within ${rule.window.seconds} s`
    : rule.forSeconds
      ? `held for ${rule.forSeconds} s`
      : "at once";

export default function Rules() {
  const loaded = useApi("rules", () => unwrap(client.api.rules.$get()));
  const [saved, setSaved] = useState(new Map<string, Rule>());
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [editEtag, setEditEtag] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  const fromServer = loaded.data?.items ?? [];
  const created = [...saved.values()].filter((r) => !fromServer.some((s) => s.id === r.id));
  const rules = [...fromServer.map((r) => saved.get(r.id) ?? r), ...created];
  const keep = (rule: Rule) => setSaved((m) => new Map(m).set(rule.id, rule));

  async function toggle(rule: Rule, enabled: boolean) {
    setBusyId(rule.id);
    setNotice(null);
    try {
      const updated = await unwrap(client.api.rules[":id"].$patch({ param: { id: rule.id }, json: { enabled } }));
      keep(updated);
      setNotice({ text: `“${rule.name}” is ${enabled ? "enabled" : "disabled"}.`, error: false });
    } catch (error) {
      setNotice({ text: `Could not change “${rule.name}”: ${describeError(error)}`, error: true });
    } finally {
      setBusyId(null);
    }
  }

  const close = (focusId?: string) => {
    setEditing(null);
    requestAnimationFrame(() => (focusId ? document.getElementById(focusId) : newButton.current)?.focus());
  };

  return (
    <Page title="Rules" intro="When an alert is raised: the reading, its condition, how long it must hold, and how severe it is.">
      <p className={notice?.error ? "status status-error" : "status"} role="status">
        {notice?.text}
      </p>
      {editing === null ? (
        <button type="button" className="button primary" ref={newButton} onClick={() => setEditing("new")}>
          New rule
        </button>
      ) : (
        <RuleForm
          key={editing === "new" ? "new" : editing.id}
          rule={editing === "new" ? null : editing}
          etag={editing === "new" ? null : editEtag}
          onSaved={(rule) => {
            keep(rule);
            setNotice({ text: `Rule “${rule.name}” saved.`, error: false });
            close(`rule-${rule.id}`);
          }}
          onCancel={() => close(editing === "new" ? undefined : `rule-${editing.id}`)}
        />
      )}
      {loaded.state === "loading" ? <Status>Loading rules…</Status> : null}
      {loaded.state === "error" ? <Status error>{describeError(loaded.error)}</Status> : null}
      {loaded.state === "ok" ? (
        <section aria-labelledby="rule-list-heading">
          <h2 id="rule-list-heading">Your rules ({rules.length})</h2>
          {rules.length ? (
            <ul className="rule-list">
              {rules.map((rule) => (
                <li key={rule.id} className="panel">
                  <h3 id={`rule-${rule.id}`} tabIndex={-1}>
                    {rule.name}
                  </h3>
                  <p>
                    <span className="severity">
                      <span aria-hidden="true">{SEVERITY_ICONS[rule.severity]} </span>
                      {rule.severity}
                    </span>{" "}
                    · {conditionText(rule)}, {timingText(rule)} · cooldown {rule.cooldownSeconds} s
                    {rule.vehicleIds ? ` · ${rule.vehicleIds.length} vehicles` : " · all vehicles"}
                  </p>
                  <div className="actions">
                    <button
                      type="button"
                      role="switch"
                      className="button switch"
                      aria-checked={rule.enabled}
                      aria-describedby={`rule-${rule.id}`}
                      disabled={busyId === rule.id}
                      onClick={() => void toggle(rule, !rule.enabled)}
                    >
                      {/* The state as a shape as well as for assistive technology (aria-checked). */}
                      <span aria-hidden="true">{rule.enabled ? "☑ " : "☐ "}</span>
                      Enabled
                    </button>
                    <button
                      type="button"
                      className="button"
                      aria-describedby={`rule-${rule.id}`}
                      onClick={async () => {
                        setNotice(null);
                        try {
                          const fresh = await withEtag(client.api.rules[":id"].$get({ param: { id: rule.id } }), unwrap);
                          setEditEtag(fresh.etag);
                          setEditing(fresh.data);
                          requestAnimationFrame(() => document.getElementById("rule-name")?.focus());
                        } catch (error) {
                          setNotice({ text: `Could not open “${rule.name}”: ${describeError(error)}`, error: true });
                        }
                      }}
                    >
                      Edit
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">No rules: no alert is raised until you add one.</p>
          )}
        </section>
      ) : null}
    </Page>
  );
}

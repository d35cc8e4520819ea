/** My notification preferences: channels per severity, quiet hours with their time zone, digest. */
import { type FormEvent, useEffect, useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, unwrap } from "./api";
import type { Client } from "./api-types";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";

type Preferences = InferResponseType<Client["api"]["me"]["preferences"]["$get"], 200>;
type Channel = Preferences["channels"]["critical"][number];
const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const CHANNELS: { value: Channel; label: string }[] = [
  { value: "inapp", label: "In the app" },
  { value: "push", label: "Push" },
  { value: "sms", label: "SMS" },
  { value: "voice", label: "Voice call" },
  { value: "email", label: "Email" },
];
const ZONES: string[] = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];

export function PreferencesForm() {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [quiet, setQuiet] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    unwrap(client.api.me.preferences.$get()).then(
      (p) => {
        setPrefs(p);
        setQuiet(p.quietHours !== null);
      },
      () => setMessage({ text: "Your preferences could not be loaded.", error: true }),
    );
  }, []);
  if (!prefs) return message ? <FormMessage message={message.text} error /> : <p className="status">Loading your preferences…</p>;

  const hours = prefs.quietHours ?? { start: "22:00", end: "06:00", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
  const toggle = (severity: (typeof SEVERITIES)[number], channel: Channel, on: boolean) =>
    setPrefs({
      ...prefs,
      channels: {
        ...prefs.channels,
        [severity]: on ? [...prefs.channels[severity], channel] : prefs.channels[severity].filter((c) => c !== channel),
      },
    });
  const setHours = (change: Partial<typeof hours>) => setPrefs({ ...prefs, quietHours: { ...hours, ...change } });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      const saved = await unwrap(client.api.me.preferences.$put({ json: { ...prefs, quietHours: quiet ? hours : null } }));
      setPrefs(saved);
      setMessage({ text: "Your notification preferences are saved.", error: false });
    } catch (error) {
      const { fields, message: text } = problemFields(error);
      setErrors(fields);
      setMessage({ text, error: true });
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="prefs-title" noValidate>
      <h3 id="prefs-title">How you are told, by severity</h3>
      {SEVERITIES.map((severity) => (
        <fieldset
          key={severity}
          className="checkbox-group"
          aria-describedby={errors[`channels.${severity}`] ? `channels-${severity}-error` : undefined}
        >
          <legend>{severity.charAt(0).toUpperCase() + severity.slice(1)} alerts</legend>
          {errors[`channels.${severity}`] ? (
            <p className="field-error" id={`channels-${severity}-error`}>
              <strong>Error: </strong>
              {errors[`channels.${severity}`]}
            </p>
          ) : null}
          {CHANNELS.map((c) => (
            <label key={c.value} className="checkbox">
              <input
                type="checkbox"
                checked={prefs.channels[severity].includes(c.value)}
                onChange={(e) => toggle(severity, c.value, e.target.checked)}
              />
              {c.label}
            </label>
          ))}
        </fieldset>
      ))}
      <h3>Quiet hours</h3>
      <label className="checkbox">
        <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />
        Hold non-critical notifications during quiet hours
      </label>
      {quiet ? (
        <div className="field-row">
          <Field id="quiet-start" label="Quiet from" error={errors["quietHours.start"]}>
            {(p) => <input {...p} type="time" value={hours.start} onChange={(e) => setHours({ start: e.target.value })} />}
          </Field>
          <Field id="quiet-end" label="Quiet until" error={errors["quietHours.end"]}>
            {(p) => <input {...p} type="time" value={hours.end} onChange={(e) => setHours({ end: e.target.value })} />}
          </Field>
          <Field id="quiet-zone" label="Time zone" hint="For example Europe/Berlin." error={errors["quietHours.timeZone"]}>
            {(p) => (
              <>
                <input
                  {...p}
                  list="time-zones"
                  value={hours.timeZone}
                  onChange={(e) => setHours({ timeZone: e.target.value })}
                  autoComplete="off"
                />
                <datalist id="time-zones">
                  {ZONES.map((z) => (
                    <option key={z} value={z} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        </div>
      ) : null}
      <Field
        id="digest"
        label="Digest (minutes)"
        hint="0 sends each notification at once; more gathers them into one message."
        error={errors.digestMinutes}
      >
        {(p) => (
          <input
            {...p}
            type="number"
            min={0}
            max={1440}
            value={prefs.digestMinutes}
            onChange={(e) => setPrefs({ ...prefs, digestMinutes: Number(e.target.value) })}
          />
        )}
      </Field>
      <FormMessage message={message?.text ?? null} error={message?.error} />
      <button type="submit" className="button primary">
        Save notification preferences
      </button>
    </form>
  );
}

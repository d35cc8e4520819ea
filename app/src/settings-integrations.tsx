/** Admins: outbound webhooks (the signing secret is shown once) and telematics vendor integrations. */
import { type FormEvent, useState } from "react";
import { client, describeError, unwrap } from "./api";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { formatDateTime } from "./format";
import { useApi } from "./use-api";

const EVENTS = ["alert.created", "workorder.created", "workorder.updated"] as const;

export function OutboundWebhooks() {
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["alert.created"]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    setSecret(null);
    try {
      const created = await unwrap(client.api.integrations.webhooks.$post({ json: { url, events: events as (typeof EVENTS)[number][] } }));
      setSecret(created.secret);
      setMessage({ text: `Webhook added for ${created.url}.`, error: false });
      setUrl("");
    } catch (error) {
      const { fields, message: text } = problemFields(error);
      setErrors(fields);
      setMessage({ text, error: true });
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="webhook-title" noValidate>
      <h3 id="webhook-title">Add an outbound webhook</h3>
      <Field
        id="webhook-url"
        label="Endpoint URL"
        hint="FleetPulse posts signed events (Standard Webhooks) to this address."
        error={errors.url}
      >
        {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <fieldset className="checkbox-group" aria-describedby={errors.events ? "webhook-events-error" : undefined}>
        <legend>Events</legend>
        {errors.events ? (
          <p className="field-error" id="webhook-events-error">
            <strong>Error: </strong>
            {errors.events}
          </p>
        ) : null}
        {EVENTS.map((name) => (
          <label key={name} className="checkbox">
            <input
              type="checkbox"
              checked={events.includes(name)}
              onChange={(e) => setEvents((l) => (e.target.checked ? [...l, name] : l.filter((v) => v !== name)))}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <FormMessage message={message?.text ?? null} error={message?.error} />
      {secret ? (
        <p className="notice">
          Signing secret (shown only now, copy it to the receiving system): <code>{secret}</code>
        </p>
      ) : null}
      <button type="submit" className="button primary">
        Add webhook
      </button>
    </form>
  );
}

function VendorForm({ vendor, onSaved }: { vendor: "samsara" | "motive"; onSaved: () => void }) {
  const [secret, setSecret] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const name = vendor === "samsara" ? "Samsara" : "Motive";
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      // The vendor routes are built in a loop on the server, so their body types merge into one
      // intersection here; the server validates `{secret}` per vendor.
      await unwrap(client.api.integrations[vendor].$put({ json: { secret } as never }));
      setSecret("");
      setMessage({ text: `${name} is configured.`, error: false });
      onSaved();
    } catch (error) {
      const { fields, message: text } = problemFields(error);
      setErrors(fields);
      setMessage({ text, error: true });
    }
  };
  return (
    <form onSubmit={submit} aria-label={`Configure ${name}`} noValidate className="inline-form">
      <Field
        id={`${vendor}-secret`}
        label={`${name} webhook secret`}
        hint={
          vendor === "samsara" ? "The base64 secret key Samsara shows for the webhook." : "The shared secret of Motive's company webhook."
        }
        error={errors.secret}
      >
        {(p) => <input {...p} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />}
      </Field>
      <button type="submit" className="button">
        Save {name}
      </button>
      <FormMessage message={message?.text ?? null} error={message?.error} />
    </form>
  );
}

export function VendorIntegrations() {
  const [version, setVersion] = useState(0);
  const list = useApi(`vendors:${version}`, () => unwrap(client.api.integrations.$get()));
  return (
    <>
      {list.state === "error" ? <FormMessage message={describeError(list.error)} error /> : null}
      {list.data ? (
        <ul className="plain-list">
          {list.data.items.map((i) => (
            <li key={i.vendor}>
              <p>
                <strong>{i.vendor}</strong>: {i.configured ? `configured ${formatDateTime(i.updatedAt)}` : "not configured"}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      <VendorForm vendor="samsara" onSaved={() => setVersion((v) => v + 1)} />
      <VendorForm vendor="motive" onSaved={() => setVersion((v) => v + 1)} />
      <p>Geotab is polled with an API user's credentials; configure it through the API (PUT /api/integrations/geotab).</p>
    </>
  );
}

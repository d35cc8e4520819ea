/** Push notifications on this device: subscribe with the server's VAPID key, or unsubscribe. */
import { useEffect, useState } from "react";
import { client, describeError, unwrap } from "./api";
import { FormMessage } from "./form-field";

/** base64url → the bytes PushManager wants as applicationServerKey. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

type State = "unsupported" | "loading" | "on" | "off" | "blocked";

export function PushToggle() {
  const [state, setState] = useState<State>("loading");
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      setState("unsupported");
      return;
    }
    if (Notification.permission === "denied") {
      setState("blocked");
      return;
    }
    void navigator.serviceWorker.getRegistration().then(async (registration) => {
      const existing = await registration?.pushManager.getSubscription();
      setState(existing ? "on" : "off");
    });
  }, []);

  const enable = async () => {
    setMessage(null);
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        setState("blocked");
        return;
      }
      const { key } = await unwrap(client.api.push["vapid-public-key"].$get());
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      const json = subscription.toJSON() as { endpoint: string; expirationTime?: number | null; keys: { p256dh: string; auth: string } };
      await unwrap(
        client.api.push.subscriptions.$post({
          json: { endpoint: json.endpoint, expirationTime: json.expirationTime ?? null, keys: json.keys },
        }),
      );
      setState("on");
      setMessage({ text: "Push notifications are on for this device.", error: false });
    } catch (error) {
      setMessage({ text: `Push could not be turned on: ${describeError(error)}`, error: true });
    }
  };

  const disable = async () => {
    setMessage(null);
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await unwrap(client.api.push.subscriptions.$delete({ json: { endpoint: subscription.endpoint } })).catch(() => undefined);
        await subscription.unsubscribe();
      }
      setState("off");
      setMessage({ text: "Push notifications are off for this device.", error: false });
    } catch (error) {
      setMessage({ text: describeError(error), error: true });
    }
  };

  return (
    <div>
      {state === "unsupported" ? <p>This browser cannot receive push notifications.</p> : null}
      {state === "blocked" ? (
        <p>Notifications are blocked for FleetPulse in this browser's site settings; allow them there to turn push on.</p>
      ) : null}
      {state === "on" ? (
        <button type="button" className="button" onClick={disable}>
          Turn off push on this device
        </button>
      ) : null}
      {state === "off" ? (
        <button type="button" className="button" onClick={enable}>
          Turn on push on this device
        </button>
      ) : null}
      <FormMessage message={message?.text ?? null} error={message?.error} />
    </div>
  );
}

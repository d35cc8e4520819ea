/**
 * SMS through Twilio's Messages API:
 * `POST {TWILIO_API_URL}/2010-04-01/Accounts/{sid}/Messages.json`, form-encoded `To`, `From`,
 * `Body`, HTTP Basic `sid:token`.
 */
import { callProvider, permanentFailure, type ProviderCallOptions } from "../http-result";
import type { ChannelAdapter, OutgoingMessage } from "./types";

/** At most two concatenated segments' worth of characters. */
export const SMS_MAX_CHARS = 320;

/**
 * `title`, newline, `body`; at most SMS_MAX_CHARS characters (code points). The alert link is kept
 * whole at the end when the text has to be shortened.
 */
export function smsText(message: OutgoingMessage): string {
  const full = `${message.title}\n${message.body}`.trim();
  const chars = Array.from(full);
  if (chars.length <= SMS_MAX_CHARS) return full;
  const link = message.url && Array.from(message.url).length <= 200 ? message.url : "";
  const withoutLink = link
    ? full
        .replace(link, "")
        .replace(/\s*(Open:)?\s*$/, "")
        .trim()
    : full;
  const suffix = link ? `… ${link}` : "…";
  const room = SMS_MAX_CHARS - Array.from(suffix).length;
  return `${Array.from(withoutLink).slice(0, room).join("").trimEnd()}${suffix}`;
}

/** `{TWILIO_API_URL}/2010-04-01/Accounts/{sid}/{resource}.json` */
export function twilioUrl(env: Env, resource: "Messages" | "Calls"): string {
  return `${env.TWILIO_API_URL.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(env.TWILIO_ACCOUNT_SID)}/${resource}.json`;
}

export function twilioHeaders(env: Env): Headers {
  return new Headers({
    authorization: `Basic ${btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`)}`,
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  });
}

/** Twilio answers 201 with the created resource; its `sid` is the provider id. */
export const twilioOptions: ProviderCallOptions = {
  label: "twilio",
  providerId: async (res) => {
    const json = (await res.json()) as { sid?: unknown };
    return typeof json.sid === "string" ? json.sid : undefined;
  },
};

export function twilioConfigProblem(env: Env): string | null {
  if (!env.TWILIO_API_URL || !env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN || !env.TWILIO_FROM) {
    return "twilio: TWILIO_API_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set";
  }
  return null;
}

export const sendSms: ChannelAdapter = async ({ env, recipient, message }) => {
  const config = twilioConfigProblem(env);
  if (config) return permanentFailure(config);
  if (!recipient.phone) return permanentFailure("sms: recipient has no phone number");
  const form = new URLSearchParams({ To: recipient.phone, From: env.TWILIO_FROM, Body: smsText(message) });
  return callProvider(twilioUrl(env, "Messages"), { method: "POST", headers: twilioHeaders(env), body: form.toString() }, twilioOptions);
};

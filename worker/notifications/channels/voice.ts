/**
 * Voice calls through Twilio's Calls API:
 * `POST {TWILIO_API_URL}/2010-04-01/Accounts/{sid}/Calls.json`, form-encoded `To`, `From`,
 * `Twiml`. The TwiML reads the alert and gathers one digit; pressing 1 posts to `voiceAckUrl`
 * (Twilio sends `Digits`, `CallSid`, … form-encoded, signed with `X-Twilio-Signature`).
 */
import { callProvider, permanentFailure } from "../http-result";
import { twilioConfigProblem, twilioHeaders, twilioOptions, twilioUrl } from "./sms";
import type { ChannelAdapter, OutgoingMessage } from "./types";

/** Twilio rejects `Twiml` longer than 4000 characters. */
const MAX_SPOKEN_CHARS = 500;

/** XML 1.0 text/attribute escaping; characters XML cannot carry at all are dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the class lists XML 1.0's allowed characters to drop the rest.
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** What is read out: the title and body without links (nobody can follow a link on a call). */
export function spokenText(message: OutgoingMessage): string {
  const text = `${message.title}. ${message.body}`
    .replace(/\s*(Open:?\s*)?https?:\/\/\S+/gi, "")
    .replace(/\s+/g, " ")
    .replace(/[.\s]+$/, "")
    .trim();
  const chars = Array.from(text);
  return chars.length > MAX_SPOKEN_CHARS ? `${chars.slice(0, MAX_SPOKEN_CHARS).join("")}…` : text;
}

/**
 * Reads the alert (twice, listening throughout) and gathers one digit for `ackUrl`. With the
 * spoken text capped, the TwiML stays under Twilio's 4000-character limit even fully escaped.
 */
export function voiceTwiml(message: OutgoingMessage, ackUrl: string): string {
  const spoken = escapeXml(`FleetPulse alert. ${spokenText(message)}. Press 1 to acknowledge this alert.`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Response>` +
    `<Gather numDigits="1" action="${escapeXml(ackUrl)}" method="POST" timeout="8">` +
    `<Say loop="2">${spoken}</Say>` +
    `</Gather>` +
    `<Say>No answer received. Goodbye.</Say>` +
    `</Response>`
  );
}

export const sendVoice: ChannelAdapter = async ({ env, recipient, message, voiceAckUrl }) => {
  const config = twilioConfigProblem(env);
  if (config) return permanentFailure(config);
  if (!recipient.phone) return permanentFailure("voice: recipient has no phone number");
  if (!voiceAckUrl) return permanentFailure("voice: no acknowledgement URL given");
  // Our own callback (Twilio calls it, not us): it only has to be an absolute http(s) URL.
  if (!/^https?:\/\/[^\s]+$/i.test(voiceAckUrl)) return permanentFailure("voice: acknowledgement URL must be an absolute http(s) URL");
  const form = new URLSearchParams({ To: recipient.phone, From: env.TWILIO_FROM, Twiml: voiceTwiml(message, voiceAckUrl) });
  return callProvider(twilioUrl(env, "Calls"), { method: "POST", headers: twilioHeaders(env), body: form.toString() }, twilioOptions);
};

/**
 * Email through SendGrid v3: `POST {SENDGRID_API_URL}/v3/mail/send`, JSON, `Authorization:
 * Bearer {SENDGRID_API_KEY}`; a text/plain and a text/html part (in that order, as SendGrid
 * requires). SendGrid answers 202 with the message id in `X-Message-Id`.
 */
import { callProvider, permanentFailure } from "../http-result";
import type { ChannelAdapter, OutgoingMessage, Recipient } from "./types";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A header-safe single line (no CR/LF), at most `max` characters. */
const oneLine = (text: string, max: number) =>
  Array.from(text.replace(/[\r\n\t]+/g, " ").trim())
    .slice(0, max)
    .join("");

export function emailText(message: OutgoingMessage): string {
  const lines = [message.title, "", message.body];
  if (!message.body.includes(message.url)) lines.push("", `Open the alert: ${message.url}`);
  return `${lines.join("\n")}\n`;
}

export function emailHtml(message: OutgoingMessage): string {
  const safeUrl = /^https?:\/\//i.test(message.url) ? message.url : "";
  const link = safeUrl ? `<p><a href="${escapeHtml(safeUrl)}">Open the alert</a></p>` : "";
  return (
    `<!doctype html><html><body style="font-family:system-ui,sans-serif">` +
    `<h1 style="font-size:18px">${escapeHtml(message.title)}</h1>` +
    `<p>${escapeHtml(message.body).replace(/\r?\n/g, "<br>")}</p>` +
    link +
    `</body></html>`
  );
}

/** The SendGrid v3 mail/send body. */
export function sendgridBody(env: Env, recipient: Recipient, message: OutgoingMessage) {
  // SendGrid rejects display names with ; or , unquoted: keep the name plain.
  const name = oneLine(recipient.name.replace(/[;,"<>]/g, " "), 100);
  return {
    personalizations: [{ to: [name ? { email: recipient.email, name } : { email: recipient.email }] }],
    from: { email: env.EMAIL_FROM, name: "FleetPulse" },
    subject: oneLine(message.title, 200) || "FleetPulse alert",
    content: [
      { type: "text/plain", value: emailText(message) },
      { type: "text/html", value: emailHtml(message) },
    ],
    custom_args: { alertId: message.alertId },
  };
}

export const sendEmail: ChannelAdapter = async ({ env, recipient, message }) => {
  if (!env.SENDGRID_API_URL || !env.SENDGRID_API_KEY || !env.EMAIL_FROM) {
    return permanentFailure("sendgrid: SENDGRID_API_URL, SENDGRID_API_KEY and EMAIL_FROM must be set");
  }
  if (!recipient.email) return permanentFailure("email: recipient has no email address");
  return callProvider(
    `${env.SENDGRID_API_URL.replace(/\/+$/, "")}/v3/mail/send`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${env.SENDGRID_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(sendgridBody(env, recipient, message)),
    },
    { label: "sendgrid", providerId: (res) => res.headers.get("x-message-id") ?? undefined },
  );
};

/**
 * Outbound customer webhooks, signed by Standard Webhooks (standardwebhooks.com): body
 * `{type, timestamp, data}`, headers `webhook-id` (the message id, the same on every retry of one
 * message), `webhook-timestamp` (seconds, per attempt) and `webhook-signature` (one signature per
 * secret in use: two during a rotation's overlap). A 410 means the endpoint is gone: the caller
 * disables it, with the reason shown, until an admin re-enables it.
 */
import { signStandardWebhook } from "../../lib/standard-webhooks";
import { callProvider, permanentFailure } from "../http-result";
import { deliverableUrlProblem } from "../url-guard";
import type { ChannelAdapter } from "./types";

export const sendWebhook: ChannelAdapter = async ({ env, webhook }) => {
  if (!webhook) return permanentFailure("webhook: no endpoint given");
  const urlProblem = deliverableUrlProblem(webhook.url, env.ENVIRONMENT);
  if (urlProblem) return permanentFailure(`webhook: URL not allowed: ${urlProblem}`);
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: webhook.event, timestamp: new Date(timestamp * 1000).toISOString(), data: webhook.data });
  let signature: string;
  try {
    // Standard Webhooks: several space-separated signatures; a receiver accepts any it can verify.
    const signatures = await Promise.all(
      [webhook.secret, webhook.previousSecret]
        .filter((x): x is string => !!x)
        .map((secret) => signStandardWebhook(secret, webhook.id, timestamp, body)),
    );
    signature = signatures.join(" ");
  } catch (error) {
    return permanentFailure(`webhook: cannot sign: ${error instanceof Error ? error.message : String(error)}`);
  }
  return callProvider(
    webhook.url,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "FleetPulse-Webhooks/1",
        "webhook-id": webhook.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
      },
      body,
    },
    { label: "webhook", goneStatuses: [410] },
  );
};

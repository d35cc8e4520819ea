/**
 * Starts the provider stand-ins (test/stand-ins/providers.mjs) once for the `workers` project and
 * hands their URL, a fresh VAPID key pair and the test provider credentials to vitest.config.ts
 * (which turns them into miniflare bindings) through `provide`.
 */
import webpush from "web-push";
import type { TestProject } from "vitest/node";
import { startOidcProvider } from "./oidc-provider.mjs";
import { start } from "./providers.mjs";
import type { StandInCredentials } from "./env";

/** Test-only credentials: the stand-in accepts exactly these. */
const CREDENTIALS: StandInCredentials = {
  twilioSid: "ACtest00000000000000000000000000",
  twilioToken: "test-twilio-auth-token-0123456789",
  sendgridKey: "SG.test-sendgrid-api-key.0123456789",
};

export default async function setup(project: TestProject) {
  const vapid = webpush.generateVAPIDKeys();
  const standIn = await start({
    vapidPublicKey: vapid.publicKey,
    twilio: { sid: CREDENTIALS.twilioSid, token: CREDENTIALS.twilioToken },
    sendgridKey: CREDENTIALS.sendgridKey,
  });
  project.provide("standInUrl", standIn.url);
  project.provide("vapid", vapid);
  project.provide("standInCredentials", CREDENTIALS);
  // A real OIDC provider for single sign-on (test/workers/security-sso.test.ts).
  const oidc = await startOidcProvider({ redirectUris: ["http://fleetpulse.test/api/sso/callback"] });
  project.provide("oidc", { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret });
  return async () => {
    await Promise.all([standIn.close(), oidc.close()]);
  };
}

/** Types for the provider stand-ins: the workerd binding tests use, and what global-setup provides. */
import "vitest";

export interface StandInCredentials {
  twilioSid: string;
  twilioToken: string;
  sendgridKey: string;
}

declare global {
  namespace Cloudflare {
    interface Env {
      /** Base URL of the Node provider stand-ins (control API: /__received, /__fail, …). Tests only. */
      STAND_IN_URL: string;
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    standInUrl: string;
    vapid: { publicKey: string; privateKey: string };
    standInCredentials: StandInCredentials;
    /** The local OIDC provider (test/stand-ins/oidc-provider.mjs) and its one client. */
    oidc: { issuer: string; clientId: string; clientSecret: string };
  }
}

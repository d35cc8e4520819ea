export interface StandInOptions {
  /** The server's VAPID public key (base64url, uncompressed P-256 point): `k` must equal it. */
  vapidPublicKey: string;
  twilio: { sid: string; token: string };
  sendgridKey: string;
  /** 0 (default): a random free port on 127.0.0.1. */
  port?: number;
}

export interface StandIn {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export function start(options: StandInOptions): Promise<StandIn>;

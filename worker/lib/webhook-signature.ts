import { utf8 } from "./encoding";

/**
 * What a webhook signature covers. Inbound calls are verified on the raw request bytes (a body
 * that is not valid UTF-8 must still verify, and only then be refused as malformed); bodies we
 * send ourselves are strings, signed as their UTF-8 bytes.
 */
export type SignedBody = string | Uint8Array;

/** `prefix` as UTF-8 followed by the body's exact bytes: the message the HMAC is computed over. */
export function signedMessage(prefix: string, body: SignedBody): Uint8Array<ArrayBuffer> {
  const head = utf8(prefix);
  const tail = typeof body === "string" ? utf8(body) : body;
  const message = new Uint8Array(head.byteLength + tail.byteLength);
  message.set(head, 0);
  message.set(tail, head.byteLength);
  return message;
}

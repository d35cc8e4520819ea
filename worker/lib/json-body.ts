import type { FieldError } from "./problem";

/** A body read as UTF-8 JSON, or why it is not (the problem's detail and its one field error). */
export type JsonBody = { ok: true; value: unknown; text: string } | { ok: false; detail: string; errors: FieldError[] };

// fatal: a byte sequence that is not UTF-8 is refused, never silently replaced by U+FFFD.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decodes a verified body as UTF-8 JSON without throwing (it may run in the tenant's object, whose errors cross RPC as plain messages). */
export function readJsonBody(bytes: Uint8Array): JsonBody {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { ok: false, detail: "The body is not valid UTF-8.", errors: [{ path: "(body)", message: "Malformed UTF-8" }] };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch {
    return { ok: false, detail: "The body is not valid JSON.", errors: [{ path: "(body)", message: "Malformed JSON" }] };
  }
}

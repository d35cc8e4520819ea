/**
 * Optimistic concurrency over HTTP (RFC 9110): GET answers an `ETag` for the editable state of a
 * work order, vehicle or rule; a PATCH that sends `If-Match` is applied only if that is still
 * the current ETag, else 412 problem JSON carrying the current state and its ETag, so the client
 * can show what changed and retry. A PATCH without `If-Match` applies as before (last write wins).
 */
import { AppError } from "./problem";

/** A strong ETag from the resource's editable representation (a SHA-256 prefix of its JSON). */
export async function etagOf(resource: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(resource)));
  return `"${[...new Uint8Array(digest, 0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/** An ETag from a version token the row already carries (work orders' `rev`). */
export const etagOfVersion = (version: string) => `"${version}"`;

/** Whether an `If-Match` header allows a write to the resource whose ETag is `current` (no header: yes). */
export function ifMatchAllows(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  const tags = header.split(",").map((t) => t.trim());
  // Weak tags never match under If-Match (strong comparison, RFC 9110 §13.1.1).
  return tags.some((t) => t === "*" || t === current);
}

/** The 412: nothing changed; `current` is the resource as it is now, with its ETag as a header. */
export const preconditionFailed = (what: string, current: unknown, etag: string) =>
  new AppError(
    "precondition_failed",
    `The ${what} was changed by someone else since you read it; nothing was changed. Reload it, merge, and try again.`,
    undefined,
    { etag },
    { current },
  );

/** Throws the 412 unless `If-Match` allows the write. */
export function assertIfMatch(header: string | undefined, what: string, current: unknown, etag: string) {
  if (!ifMatchAllows(header, etag)) throw preconditionFailed(what, current, etag);
}

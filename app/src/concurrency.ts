/**
 * Optimistic concurrency in the PWA: edit forms read a resource with its `ETag` and send it back
 * as `If-Match`, so a change someone else saved meanwhile is never silently overwritten. The
 * server then answers 412 and nothing is saved; the form says so and offers to reload.
 */
import { ApiError } from "./api";

interface EtagResponse {
  ok: boolean;
  headers: Headers;
}

/** The JSON of a 2xx response with its ETag (null when the server sent none). */
export async function withEtag<R extends EtagResponse & { json(): Promise<unknown> }, T>(
  pending: Promise<R>,
  unwrap: (p: Promise<R>) => Promise<T>,
): Promise<{ data: T; etag: string | null }> {
  const response = await pending;
  const data = await unwrap(Promise.resolve(response));
  return { data, etag: response.headers.get("etag") };
}

/** Request options carrying `If-Match`, when the ETag is known (else the write is unconditional). */
export const ifMatch = (etag: string | null): { headers: Record<string, string> } => ({ headers: etag ? { "if-match": etag } : {} });

/** Whether a save failed because someone else changed the resource first. */
export const isStale = (error: unknown): error is ApiError => error instanceof ApiError && error.status === 412;

export const staleMessage = (what: string) =>
  `This ${what} was changed by someone else since you opened it, so your changes were not saved. Reload it to see their changes, then make yours again.`;

/**
 * The one place that turns a provider's answer into a SendResult:
 * 2xx → ok; 429, 5xx, timeouts and network errors → retryable; any other status (other 4xx, and
 * 3xx, since redirects are never followed) → not retryable; statuses the channel names as "gone"
 * (push: 404/410, webhook: 410) → not retryable with `gone: true`.
 */
import type { SendResult } from "./channels/types";

export const PROVIDER_TIMEOUT_MS = 10_000;
const MAX_ERROR_DETAIL = 300;

export interface ProviderCallOptions {
  /** Statuses meaning "this destination no longer exists". */
  goneStatuses?: readonly number[];
  /** Reads a provider id from a successful answer (its body is not consumed otherwise). */
  providerId?: (res: Response) => Promise<string | undefined> | string | undefined;
  /** Short label for error messages, e.g. "twilio". */
  label: string;
}

/** Status → SendResult, for a response whose body has not been read yet (it is read or cancelled). */
export async function resultFromResponse(res: Response, options: ProviderCallOptions): Promise<SendResult> {
  const { status } = res;
  if (status >= 200 && status < 300) {
    let providerId: string | undefined;
    try {
      providerId = (await options.providerId?.(res)) || undefined;
    } catch {
      providerId = undefined;
    }
    await discard(res);
    return providerId ? { ok: true, providerId } : { ok: true };
  }
  const detail = await errorDetail(res);
  const error = `${options.label} HTTP ${status}${detail ? `: ${detail}` : ""}`;
  if (options.goneStatuses?.includes(status)) return { ok: false, retryable: false, gone: true, error };
  const retryable = status === 429 || status >= 500;
  return { ok: false, retryable, error };
}

/** A thrown fetch error (timeout, DNS, connection reset, …) → a retryable failure. */
export function resultFromError(error: unknown, label: string): SendResult {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return { ok: false, retryable: true, error: `${label}: no answer within ${PROVIDER_TIMEOUT_MS / 1000} s` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, retryable: true, error: `${label}: network error: ${truncate(message)}` };
}

/**
 * fetch with the provider timeout and without following redirects, mapped to a SendResult.
 * Never throws.
 */
export async function callProvider(url: string, init: RequestInit, options: ProviderCallOptions): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    return resultFromError(error, options.label);
  }
  try {
    return await resultFromResponse(res, options);
  } catch (error) {
    // Reading the body timed out or the connection dropped mid-answer.
    return resultFromError(error, options.label);
  }
}

/** A failure decided before any request was made (bad configuration or input): never retried. */
export const permanentFailure = (error: string): SendResult => ({ ok: false, retryable: false, error });

async function errorDetail(res: Response): Promise<string> {
  try {
    const text = (await res.text()).replace(/\s+/g, " ").trim();
    return truncate(text);
  } catch {
    return "";
  }
}

async function discard(res: Response) {
  if (res.bodyUsed || !res.body) return;
  try {
    await res.body.cancel();
  } catch {
    /* nothing to release */
  }
}

const truncate = (text: string) => (text.length > MAX_ERROR_DETAIL ? `${text.slice(0, MAX_ERROR_DETAIL)}…` : text);

/**
 * The one way the Worker and its Durable Objects write logs: one JSON line per event, with no
 * personal data, no bound parameters and no tokens (docs/security.md, "Logs"). Logs leave the
 * account (Workers Logs, Logpush, `wrangler tail`), so what could identify a person or open a door
 * is removed before the line is written:
 * - a database error's text keeps its SQLite message and loses the statement's parameters
 *   (drizzle's "Failed query: … params: …" carries the bound email, phone or password hash);
 * - emails, E.164 phone numbers, JWTs, bearer tokens, `token=`/`ticket=` query values, webhook
 *   secrets, password hashes and keyring ciphertexts are replaced by a placeholder, wherever they
 *   appear in a field.
 */

type Level = "error" | "warn" | "info";

const PATTERNS: [RegExp, string][] = [
  // drizzle-orm's DrizzleQueryError: "Failed query: <sql>\nparams: <values>"
  [/\bparams:[^\n]*/gi, "params: [redacted]"],
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, "[token]"],
  [/\b(bearer)\s+[\w.~+/=-]+/gi, "$1 [token]"],
  [/([?&](?:token|ticket|access_token|code)=)[^&\s"']+/gi, "$1[redacted]"],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, "[secret]"],
  [/\bpbkdf2-sha256\$[^\s"',]+/g, "[password-hash]"],
  [/\bv[12](?:\.[A-Za-z0-9_-]{1,32})?\.[A-Za-z0-9+/=]{12,}\.[A-Za-z0-9+/=]{16,}/g, "[ciphertext]"],
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, "[email]"],
  [/\+[1-9][\d\s().-]{6,18}\d/g, "[phone]"],
];

/** `text` with every personal datum, secret and bound-parameter list replaced. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A thrown value as a redacted one-line description, its cause (D1's own message) included. */
export function describeError(error: unknown, depth = 0): string {
  if (error instanceof Error) {
    const cause = depth < 3 && error.cause !== undefined ? ` (cause: ${describeError(error.cause, depth + 1)})` : "";
    return redact(`${error.name}: ${error.message}`) + cause;
  }
  return redact(typeof error === "string" ? error : safeJson(error));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Every string inside `value` redacted (objects and arrays walked, to a small depth). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (value instanceof Error) return describeError(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, depth + 1)]));
}

/** The line that would be written (exported for tests). */
export function logLine(level: Level, fields: Record<string, unknown>, error?: unknown): string {
  const line: Record<string, unknown> = { level, ...(redactValue(fields) as Record<string, unknown>) };
  if (error !== undefined) line.error = describeError(error);
  if (error instanceof Error && level === "error" && error.stack) line.stack = redact(error.stack.split("\n").slice(1, 8).join("\n"));
  return JSON.stringify(line);
}

export const logError = (fields: Record<string, unknown>, error?: unknown) => console.error(logLine("error", fields, error));
export const logWarn = (fields: Record<string, unknown>, error?: unknown) => console.warn(logLine("warn", fields, error));
export const logInfo = (fields: Record<string, unknown>) => console.log(logLine("info", fields));

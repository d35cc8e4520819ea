/**
 * The one error type of the API and its RFC 9457 rendering. Handlers throw `AppError`;
 * `problemBody` is the only place a problem body is built. Each code's `type` is a page the
 * Worker serves at `/problems/<code>` (worker/routes/problems.ts), written from this table.
 */
export interface FieldError {
  path: string;
  message: string;
}

interface ProblemInfo {
  status: number;
  title: string;
  /** What the error means, for the `/problems/<code>` page. */
  means: string;
  /** What the caller can do about it. */
  todo: string;
}

/** Every problem the code base can produce: the only list of codes. */
const PROBLEMS = {
  validation: {
    status: 400,
    title: "Invalid request",
    means:
      "The request was understood but some of its content is not acceptable: malformed JSON, a missing or unknown field, or a value out of range.",
    todo: "Read `errors`: each entry names the invalid field by its dotted path (`events.0.ts`) and says what is wrong. Fix those fields and send again; nothing was stored.",
  },
  unauthorized: {
    status: 401,
    title: "Unauthorized",
    means:
      "The request carries no credentials, or they are invalid or expired: a bearer token, the platform admin token, or a webhook signature.",
    todo: "Sign in again (POST /api/auth/login) and send `Authorization: Bearer <token>`; for webhooks, check the signing secret and the timestamp.",
  },
  forbidden: {
    status: 403,
    title: "Forbidden",
    means: "You are signed in, but your role may not do this.",
    todo: "Ask an admin of your organization to do it, or to give you a role that may.",
  },
  not_found: {
    status: 404,
    title: "Not found",
    means:
      "No such endpoint, or nothing with this id in your scope (another organization's data looks exactly like data that does not exist).",
    todo: "Check the path and the id; list the collection to find what exists.",
  },
  conflict: {
    status: 409,
    title: "Conflict",
    means: "The request clashes with the current state: a duplicate key, an illegal status change, or a booking that overlaps another.",
    todo: "Read `detail`, fetch the current state, and retry with values that fit it.",
  },
  precondition_failed: {
    status: 412,
    title: "Precondition failed",
    means:
      "The resource changed since you read it: the `If-Match` header names a version (ETag) that is no longer the current one. Nothing was changed.",
    todo: "Read `current` (the resource as it is now; its ETag is in the `etag` header), merge your change into it, and send the PATCH again with the new ETag.",
  },
  payload_too_large: {
    status: 413,
    title: "Payload too large",
    means: "The request body is over the 1 MiB limit.",
    todo: "Send a smaller body, e.g. split a telemetry batch into several.",
  },
  unsupported_media_type: {
    status: 415,
    title: "Unsupported media type",
    means: "The body is not sent as JSON.",
    todo: "Send the body with `content-type: application/json`.",
  },
  upgrade_required: {
    status: 426,
    title: "Upgrade required",
    means: "The live stream at /api/live is a WebSocket; a plain HTTP request cannot open it.",
    todo: "Open it with a WebSocket client (`upgrade: websocket`), or use /api/live/sse for Server-Sent Events.",
  },
  rate_limited: {
    status: 429,
    title: "Too many requests",
    means: "Too many requests (or failed sign-ins) in a short time.",
    todo: "Wait the number of seconds in the `retry-after` header, then try again.",
  },
  internal: {
    status: 500,
    title: "Internal server error",
    means: "Something failed on the server. Nothing about it is shown to callers; it is logged with the request id.",
    todo: "Try again later; if it persists, report the `requestId` of the response to the operators.",
  },
  unavailable: {
    status: 503,
    title: "Service unavailable",
    means: "A service this request depends on is not available right now.",
    todo: "Try again in a little while.",
  },
} as const satisfies Record<string, ProblemInfo>;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

/** A code as it appears in URLs: `payload_too_large` → `payload-too-large`. */
export const problemSlug = (code: ProblemCode) => code.replaceAll("_", "-");

/** The code a `/problems/<slug>` URL names, if any. */
export const problemCodeOfSlug = (slug: string): ProblemCode | undefined => PROBLEM_CODES.find((code) => problemSlug(code) === slug);

export const problemInfo = (code: ProblemCode): ProblemInfo => PROBLEMS[code];

/** Where the problem happened: the request's origin (for the `type` URL) and its id. */
export interface ProblemContext {
  origin: string;
  /** Left out only where a body must be identical across requests (bad credentials, see docs/api.md). */
  requestId?: string;
}

/** The `type` of a problem: an absolute URL, on the request's own origin, of the page describing it. */
export const problemType = (code: ProblemCode, origin: string) => `${origin}/problems/${problemSlug(code)}`;

export class AppError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Extra response headers, e.g. `retry-after`. */
    readonly headers?: Record<string, string>,
    /** Extra members of the problem body, e.g. a 412's `current` state. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? PROBLEMS[code].title);
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

/** A 400 naming one field. */
export const fieldError = (path: string, message: string) =>
  new AppError("validation", "The request has invalid fields.", [{ path, message }]);

export function problemBody(error: AppError, at: ProblemContext) {
  const { status, title } = PROBLEMS[error.code];
  return {
    type: problemType(error.code, at.origin),
    title,
    status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(at.requestId ? { requestId: at.requestId } : {}),
    ...(error.errors?.length ? { errors: error.errors } : {}),
    ...error.extra,
  };
}

export function renderProblem(error: AppError, at: ProblemContext): Response {
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (at.requestId) headers["x-request-id"] = at.requestId;
  return new Response(JSON.stringify(problemBody(error, at)), { status: error.status, headers: { ...headers, ...error.headers } });
}

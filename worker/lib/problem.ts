/**
 * The one error type of the API and its RFC 9457 rendering. Handlers throw `AppError`;
 * `renderProblem` is the only place a problem body is built.
 */
export interface FieldError {
  path: string;
  message: string;
}

const PROBLEMS = {
  validation: { status: 400, title: "Invalid request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal server error" },
  unavailable: { status: 503, title: "Service unavailable" },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export class AppError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Extra response headers, e.g. `retry-after`. */
    readonly headers?: Record<string, string>,
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

export function problemBody(code: ProblemCode, detail?: string, errors?: FieldError[]) {
  const { status, title } = PROBLEMS[code];
  return {
    type: `https://fleetpulse.dev/problems/${code.replaceAll("_", "-")}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

export function renderProblem(error: AppError, requestId?: string): Response {
  return new Response(JSON.stringify(problemBody(error.code, error.detail, error.errors)), {
    status: error.status,
    headers: { "content-type": "application/problem+json", ...(requestId ? { "x-request-id": requestId } : {}), ...error.headers },
  });
}

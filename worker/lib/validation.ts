import type { z } from "@hono/zod-openapi";
import { AppError, type FieldError } from "./problem";

/** Every issue of a failed parse as `{path, message}`; unknown keys are named by their own path. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...base, key].join("."), message: "Unknown field" }));
    }
    return [{ path: base.join(".") || "(body)", message: issue.message }];
  });
}

export const validationError = (error: z.ZodError) => new AppError("validation", "The request has invalid fields.", fieldErrors(error));

/** `defaultHook` for every OpenAPIHono router: a failed validation becomes one problem response. */
export const rejectInvalid = (result: { success: boolean; error?: z.ZodError }) => {
  if (!result.success && result.error) throw validationError(result.error);
};

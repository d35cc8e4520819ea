/**
 * Form plumbing for every form (settings, maintenance plans, work orders): a labelled control
 * with its hint and error wired up through `aria-describedby` / `aria-invalid`, and problem JSON
 * (400 `errors[].path`) turned into per-field messages.
 */
import type { ReactNode } from "react";
import { ApiError, describeError } from "./api";

export type FieldErrors = Record<string, string>;

/**
 * Per-field messages from a 400 problem, and a form-level message. `fieldOf` maps an error's path
 * (like `quietHours.timeZone`) to the form's field name, or null when no field shows it: those
 * messages go into the form-level message instead.
 */
export function problemFields(
  error: unknown,
  fieldOf: (path: string) => string | null = (path) => path,
): { fields: FieldErrors; message: string } {
  const fields: FieldErrors = {};
  if (error instanceof ApiError && error.status === 400 && error.problem.errors?.length) {
    const unplaced: string[] = [];
    for (const { path, message } of error.problem.errors) {
      const field = fieldOf(path);
      if (field) fields[field] ??= message;
      else unplaced.push(`${path}: ${message}`);
    }
    const count = Object.keys(fields).length;
    const message = [count ? `Please correct ${count} field${count === 1 ? "" : "s"} marked below.` : "", ...unplaced]
      .filter(Boolean)
      .join(" ");
    return { fields, message };
  }
  return { fields, message: describeError(error) };
}

/** The field a dotted path belongs to: `intervals.km` → `intervals`. */
export const firstSegment = (path: string) => path.split(".")[0] || null;

/** "12.5" → 12.5, "" → null, anything that is not a number → undefined (the form reports it). */
export function parseNumber(text: string): number | null | undefined {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

export interface ControlProps {
  id: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (props: ControlProps) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <strong>Error: </strong>
          {error}
        </p>
      ) : null}
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
    </div>
  );
}

/** The outcome line under a form: a polite status, or an error. */
export function FormMessage({ message, error }: { message: string | null; error?: boolean }) {
  return error ? (
    <div className="form-error" role="alert">
      {message ? (
        <>
          <strong>Error: </strong>
          {message}
        </>
      ) : null}
    </div>
  ) : (
    <p className="status" role="status">
      {message}
    </p>
  );
}

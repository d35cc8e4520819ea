/**
 * A button that downloads an export (CSV, PDF) from the API: the file is fetched (with the session
 * cookie), then saved from a blob URL, so a failure can be shown on the screen. An export built in
 * the browser (the PDF report) passes `build`, which turns the API's answer into the file.
 */
import { useState } from "react";
import { ApiError, describeError } from "./api";
import type { Problem } from "./api-types";
import { endRejected, session } from "./session";

/** The file name from `content-disposition`, else `fallback`. */
function fileName(response: Response, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(response.headers.get("content-disposition") ?? "");
  return match?.[1] ?? fallback;
}

/** Turns the fetched answer into the file to save (default: the body as it is). */
export type BuildFile = (response: Response) => Promise<Blob>;

async function download(path: string, fallbackName: string, build: BuildFile): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: "same-origin" });
  } catch {
    throw new Error("You are offline: exports need a connection.");
  }
  if (!response.ok) {
    if (response.status === 401) endRejected();
    const problem = (await response.json().catch(() => ({ title: response.statusText }))) as Problem;
    throw new ApiError(response.status, problem);
  }
  const name = fileName(response, fallbackName);
  const url = URL.createObjectURL(await build(response));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // After the browser has taken the file.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** `path` is the export with the screen's current filters, e.g. `/api/reports/alerts.csv?severity=high`. */
export function DownloadButton({
  label,
  path,
  fileName: fallback,
  build = (response) => response.blob(),
}: {
  label: string;
  path: string;
  fileName: string;
  build?: BuildFile;
}) {
  const [state, setState] = useState<{ busy: boolean; text: string | null; error: boolean }>({ busy: false, text: null, error: false });
  async function run() {
    setState({ busy: true, text: "Preparing the file…", error: false });
    try {
      const name = await download(path, fallback, build);
      setState({ busy: false, text: `Downloaded ${name}.`, error: false });
    } catch (error) {
      setState({
        busy: false,
        text: `Could not download: ${error instanceof ApiError ? describeError(error) : (error as Error).message}`,
        error: true,
      });
    }
  }
  return (
    <div className="download">
      <button type="button" className="button" onClick={run} disabled={state.busy}>
        {label}
      </button>
      <p className={state.error ? "status status-error" : "status"} role="status">
        {state.text}
      </p>
    </div>
  );
}

/** A query string from the set values only. */
export function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Exports are for admins and managers (the API answers 403 to others). */
export const canExport = () => {
  const role = session.get()?.user.role;
  return role === "admin" || role === "manager";
};

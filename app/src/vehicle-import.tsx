/**
 * Import vehicles (admins and managers): a CSV file sent to POST /api/vehicles/import. The import
 * is all or nothing; when rows are refused, each is listed by its line number in the file with
 * what is wrong, so the person can fix the file and choose it again.
 */
import { type ChangeEvent, useState } from "react";
import { ApiError, client, describeError, unwrap } from "./api";
import type { Vehicle } from "./api-types";

interface Refusal {
  line: string;
  problems: string[];
}

const LABELS: Record<string, string> = {
  externalId: "External ID",
  name: "Name",
  vin: "VIN",
  type: "Type",
  odometerKm: "Odometer (km)",
  engineHours: "Engine hours",
  driver: "Driver",
};

/** `lines.4.vin` → line 4: "VIN: …", grouped by line in file order. */
function refusalsOf(error: ApiError): Refusal[] {
  const byLine = new Map<string, string[]>();
  for (const e of error.problem.errors ?? []) {
    const [, line = "?", field] = e.path.split(".");
    const list = byLine.get(line) ?? [];
    list.push(field ? `${LABELS[field] ?? field}: ${e.message}` : e.message);
    byLine.set(line, list);
  }
  return [...byLine.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([line, problems]) => ({ line, problems }));
}

export function VehicleImport({ onImported }: { onImported: (vehicles: Vehicle[]) => void }) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [refusals, setRefusals] = useState<Refusal[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setBusy(true);
    setStatus(`Importing ${file.name}…`);
    setRefusals(null);
    setError(null);
    try {
      const result = await unwrap(client.api.vehicles.import.$post({ json: { csv: await file.text() } }));
      setStatus(`Imported ${result.created} vehicle${result.created === 1 ? "" : "s"} from ${file.name}.`);
      onImported(result.items);
    } catch (failure) {
      setStatus(null);
      if (failure instanceof ApiError && failure.status === 400 && failure.problem.errors?.length) {
        const list = refusalsOf(failure);
        setRefusals(list);
        setError(
          `Nothing was imported: ${list.length} line${list.length === 1 ? " was" : "s were"} refused. Correct ${list.length === 1 ? "it" : "them"} in the file and choose it again.`,
        );
      } else setError(describeError(failure));
      requestAnimationFrame(() => document.getElementById("vehicle-import-result")?.focus());
    } finally {
      setBusy(false);
      event.target.value = "";
    }
  }

  return (
    <section className="panel vehicle-import" aria-labelledby="vehicle-import-heading">
      <h2 id="vehicle-import-heading">Import from a file</h2>
      <div className="field">
        <label htmlFor="vehicle-import-file">Import vehicles</label>
        <p className="hint" id="vehicle-import-hint">
          A CSV file whose first line names the columns: External ID, Name, and optionally VIN, Type, Odometer (km), Engine hours and Driver
          (a driver's email). Either every vehicle is imported or none.
        </p>
        <input
          id="vehicle-import-file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="vehicle-import-hint"
          onChange={(e) => void choose(e)}
          disabled={busy}
        />
      </div>
      <p className="status" role="status">
        {status}
      </p>
      <div id="vehicle-import-result" tabIndex={-1}>
        {error ? (
          <div className="form-error" role="alert">
            <strong>Error: </strong>
            {error}
          </div>
        ) : null}
        {refusals ? (
          <ul className="import-refusals" aria-label="Refused lines">
            {refusals.map((r) => (
              <li key={r.line}>
                Line {r.line}: {r.problems.join("; ")}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

/**
 * POST /api/vehicles/import: a CSV file of vehicles, all or nothing. Every row is validated with
 * the same schema as POST /api/vehicles; when any row is refused the answer is one 400 whose
 * `errors` name each refused row by its line in the file (`lines.4.vin`) and nothing is stored.
 * Otherwise every vehicle is inserted in one D1 batch (a transaction).
 */
import { eq } from "drizzle-orm";
import { type Db, inTenant, isUniqueViolation } from "../db/client";
import { type Vehicle, users, vehicles } from "../db/schema";
import { parseCsv } from "../lib/csv";
import { newId } from "../lib/ids";
import { AppError, type FieldError } from "../lib/problem";
import { fieldErrors } from "../lib/validation";
import { CreateVehicleBody } from "../schemas/vehicles";
import type { Keyring } from "../lib/keyring";
import { openUser } from "./users";
import { forgetListVersions } from "./alert-list-cache";

export const MAX_IMPORT_ROWS = 1000;

/** Column headers, by their letters only: the API's field names and the PWA's labels both work. */
const COLUMNS: Record<string, string> = {
  externalid: "externalId",
  name: "name",
  vin: "vin",
  type: "type",
  odometerkm: "odometerKm",
  odometer: "odometerKm",
  enginehours: "engineHours",
  driver: "driver",
  driverid: "driver",
  driveremail: "driver",
};
const NUMERIC = new Set(["odometerKm", "engineHours"]);
const normalize = (header: string) => header.toLowerCase().replace(/[^a-z]/g, "");

const refused = (errors: FieldError[]) =>
  new AppError(
    "validation",
    `${new Set(errors.map((e) => e.path.split(".")[1])).size} line(s) of the file were refused; nothing was imported.`,
    errors,
  );

/** The vehicles a file would create, or a 400 naming every refused line and field. */
async function readRows(db: Db, keyring: Keyring, tenantId: string, csv: string) {
  const { records, error } = parseCsv(csv);
  if (error) throw refused([{ path: `lines.${error.line}`, message: error.message }]);
  const [header, ...rows] = records;
  if (!header) throw refused([{ path: "lines.1", message: "The file is empty: the first line names the columns" }]);
  const errors: FieldError[] = [];
  const columns = header.fields.map((h) => COLUMNS[normalize(h)]);
  header.fields.forEach((h, i) => {
    if (!columns[i]) errors.push({ path: `lines.1.${h.trim() || `column ${i + 1}`}`, message: "Unknown column" });
  });
  for (const required of ["externalId", "name"])
    if (!columns.includes(required)) errors.push({ path: `lines.1.${required}`, message: "Required column is missing" });
  if (errors.length) throw refused(errors);
  if (rows.length === 0) throw refused([{ path: "lines.2", message: "The file has no vehicles below its header" }]);
  if (rows.length > MAX_IMPORT_ROWS)
    throw refused([{ path: `lines.${rows[MAX_IMPORT_ROWS]!.line}`, message: `At most ${MAX_IMPORT_ROWS} vehicles per file` }]);

  const existing = new Set(
    (await db.select({ externalId: vehicles.externalId }).from(vehicles).where(inTenant(vehicles, tenantId))).map((v) => v.externalId),
  );
  // A driver may be named by user id or email; it must be a driver of this tenant.
  const driverRows = await db
    .select()
    .from(users)
    .where(inTenant(users, tenantId, eq(users.role, "driver")));
  const drivers = await Promise.all(driverRows.map((row) => openUser(keyring, row))); // emails are sealed at rest
  const driverOf = new Map<string, string>();
  for (const d of drivers) {
    driverOf.set(d.id, d.id);
    driverOf.set(d.email.toLowerCase(), d.id);
  }

  const seen = new Map<string, number>();
  const values: (typeof vehicles.$inferInsert)[] = [];
  for (const row of rows) {
    const at = (field: string) => `lines.${row.line}.${field}`;
    const input: Record<string, unknown> = {};
    let driver: string | undefined;
    const rowErrors: FieldError[] = [];
    if (row.fields.length > columns.length)
      rowErrors.push({ path: `lines.${row.line}`, message: `Has ${row.fields.length} fields; the header names ${columns.length}` });
    columns.forEach((column, i) => {
      const raw = (row.fields[i] ?? "").trim();
      if (!column || raw === "") return;
      if (column === "driver") driver = raw;
      else if (NUMERIC.has(column)) {
        const n = Number(raw.replace(",", "."));
        if (Number.isFinite(n)) input[column] = n;
        else rowErrors.push({ path: at(column), message: "Must be a number" });
      } else input[column] = raw;
    });
    const parsed = CreateVehicleBody.safeParse(input);
    if (!parsed.success)
      for (const e of fieldErrors(parsed.error))
        if (!rowErrors.some((r) => r.path === at(e.path))) rowErrors.push({ path: at(e.path), message: e.message });
    const externalId = typeof input.externalId === "string" ? input.externalId : undefined;
    if (externalId && seen.has(externalId))
      rowErrors.push({ path: at("externalId"), message: `Repeats the External ID of line ${seen.get(externalId)}` });
    else if (externalId && existing.has(externalId))
      rowErrors.push({ path: at("externalId"), message: `A vehicle with External ID "${externalId}" already exists` });
    if (externalId && !seen.has(externalId)) seen.set(externalId, row.line);
    const driverId = driver === undefined ? undefined : (driverOf.get(driver) ?? driverOf.get(driver.toLowerCase()));
    if (driver !== undefined && !driverId) rowErrors.push({ path: at("driver"), message: `No driver "${driver}" in this organization` });
    if (rowErrors.length || !parsed.success) {
      errors.push(...rowErrors);
      continue;
    }
    values.push({ ...parsed.data, driverId: driverId ?? null, id: newId("veh"), tenantId, updatedAt: Date.now() });
  }
  if (errors.length) throw refused(errors);
  return values;
}

/** D1 binds at most 100 parameters a statement: 11 columns a row → 9 rows per INSERT. */
const ROWS_PER_INSERT = 9;

export async function importVehicles(db: Db, keyring: Keyring, tenantId: string, csv: string): Promise<Vehicle[]> {
  const values = await readRows(db, keyring, tenantId, csv);
  const statements = [];
  for (let i = 0; i < values.length; i += ROWS_PER_INSERT)
    statements.push(
      db
        .insert(vehicles)
        .values(values.slice(i, i + ROWS_PER_INSERT))
        .returning(),
    );
  try {
    const results = (await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]])) as Vehicle[][];
    forgetListVersions(tenantId);
    return results.flat();
  } catch (error) {
    // Another request registered one of these External IDs meanwhile: the batch rolled back.
    if (isUniqueViolation(error))
      throw new AppError("conflict", "A vehicle with one of these External IDs was registered meanwhile; nothing was imported.");
    throw error;
  }
}

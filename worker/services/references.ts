/**
 * Ids inside request bodies (`driverId`, `vehicleIds.N`, `planId`, `technicianId`, …) must name
 * something in the caller's tenant. docs/api.md: a well-formed id that names nothing in the
 * caller's scope — another tenant's, or no one's — is a 404, with `errors` naming each such field.
 * Every endpoint checks its body ids through this module, so they all answer alike.
 */
import { inArray } from "drizzle-orm";
import { type Db, inTenant } from "../db/client";
import { alertRules, bays, maintenancePlans, technicians, users, vehicles } from "../db/schema";
import { AppError, type FieldError } from "../lib/problem";

/** What a body can name by id, by the noun its 404 uses. */
const TABLES = {
  vehicle: vehicles,
  user: users,
  rule: alertRules,
  "maintenance plan": maintenancePlans,
  technician: technicians,
  bay: bays,
};

export type ReferenceKind = keyof typeof TABLES;

/** One id in a body and the dotted path of the field that holds it. */
export interface Reference {
  path: string;
  id: string;
}

/** D1 binds at most 100 parameters per statement (the tenant id takes one). */
const CHUNK = 90;

/** The 404 for body fields whose ids name nothing in the tenant. */
export function notFoundAt(errors: FieldError[]): AppError {
  const detail = errors.length === 1 ? `${errors[0]!.message}.` : "Some ids in the request name nothing in this organization.";
  return new AppError("not_found", detail, errors);
}

/** The 404 for one field, for callers that looked the row up themselves (they need it anyway). */
export const noSuch = (kind: ReferenceKind | "alert", path: string) => notFoundAt([{ path, message: `No such ${kind}` }]);

/** `vehicleIds: ["a", "b"]` as references `vehicleIds.0`, `vehicleIds.1`; none for null or undefined. */
export const listReferences = (path: string, ids: readonly string[] | null | undefined): Reference[] =>
  (ids ?? []).map((id, i) => ({ path: `${path}.${i}`, id }));

/** A single optional id as a reference list (none when absent or null). */
export const oneReference = (path: string, id: string | null | undefined): Reference[] => (id ? [{ path, id }] : []);

/**
 * Checks every reference, of every kind given, against the tenant's rows and throws one 404
 * naming each field whose id names nothing there. Nothing is written before it passes.
 */
export async function requireReferences(db: Db, tenantId: string, wanted: Partial<Record<ReferenceKind, Reference[]>>) {
  const errors: FieldError[] = [];
  for (const [kind, refs] of Object.entries(wanted) as [ReferenceKind, Reference[]][]) {
    if (!refs.length) continue;
    const table = TABLES[kind];
    const unique = [...new Set(refs.map((r) => r.id))];
    const known = new Set<string>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await db
        .select({ id: table.id })
        .from(table)
        .where(inTenant(table, tenantId, inArray(table.id, unique.slice(i, i + CHUNK))));
      for (const row of rows) known.add(row.id);
    }
    for (const ref of refs) if (!known.has(ref.id)) errors.push({ path: ref.path, message: `No such ${kind}` });
  }
  if (errors.length) throw notFoundAt(errors);
}

/**
 * Rows written straight into D1 for analytics, reports and engagement tests: alerts at chosen
 * instants (the Durable Object would stamp them "now"), work orders with chosen completion and
 * due times, technicians and daily meter samples.
 */
import { env } from "cloudflare:workers";

let counter = 0;
const nextId = (prefix: string) => `${prefix}_fx${Date.now().toString(36)}${(counter++).toString(36)}`;
export const ms = (isoText: string) => Date.parse(isoText);
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export interface AlertFixture {
  vehicleId: string;
  createdAt: number;
  severity?: "critical" | "high" | "medium" | "low";
  type?: string;
  ruleId?: string | null;
  status?: "open" | "acknowledged" | "resolved";
  message?: string;
  value?: number | null;
  acknowledgedAt?: number | null;
  resolvedAt?: number | null;
  id?: string;
}

export async function insertAlerts(tenantId: string, list: AlertFixture[]) {
  const ids: string[] = [];
  const statements = list.map((a, i) => {
    const id = a.id ?? nextId("alr");
    ids.push(id);
    const status = a.status ?? (a.resolvedAt != null ? "resolved" : a.acknowledgedAt != null ? "acknowledged" : "open");
    return env.DB.prepare(
      `INSERT INTO alerts (id, tenant_id, seq, vehicle_id, rule_id, type, severity, status, message, value, occurrences, silenced, created_at, last_seen_at, acknowledged_at, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?)`,
    ).bind(
      id,
      tenantId,
      i + 1,
      a.vehicleId,
      a.ruleId ?? null,
      a.type ?? "speeding",
      a.severity ?? "medium",
      status,
      a.message ?? `Alert ${i}`,
      a.value ?? null,
      a.createdAt,
      a.createdAt,
      a.acknowledgedAt ?? null,
      a.resolvedAt ?? null,
    );
  });
  if (statements.length) await env.DB.batch(statements);
  return ids;
}

export interface WorkOrderFixture {
  vehicleId: string;
  status: "open" | "scheduled" | "in_progress" | "completed" | "cancelled";
  source?: "manual" | "plan" | "predictive" | "alert";
  title?: string;
  dueDate?: number | null;
  technicianId?: string | null;
  startedAt?: number | null;
  completedAt?: number | null;
  costCents?: number | null;
  alertId?: string | null;
  createdAt?: number;
  notes?: string | null;
}

export async function insertWorkOrders(tenantId: string, list: WorkOrderFixture[]) {
  const ids: string[] = [];
  const statements = list.map((w) => {
    const id = nextId("wo");
    ids.push(id);
    const created = w.createdAt ?? Date.now();
    return env.DB.prepare(
      `INSERT INTO work_orders (id, tenant_id, vehicle_id, alert_id, title, priority, source, status, due_date, duration_minutes, technician_id, started_at, completed_at, cost_cents, notes, rev, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'normal', ?, ?, ?, 60, ?, ?, ?, ?, ?, 'r1', ?, ?)`,
    ).bind(
      id,
      tenantId,
      w.vehicleId,
      w.alertId ?? null,
      w.title ?? "Service",
      w.source ?? "manual",
      w.status,
      w.dueDate ?? null,
      w.technicianId ?? null,
      w.startedAt ?? null,
      w.completedAt ?? null,
      w.costCents ?? null,
      w.notes ?? null,
      created,
      created,
    );
  });
  if (statements.length) await env.DB.batch(statements);
  return ids;
}

export async function insertTechnician(tenantId: string, name: string, userId: string | null = null) {
  const id = nextId("tech");
  await env.DB.prepare(
    `INSERT INTO technicians (id, tenant_id, name, user_id, skills, shifts, time_zone, updated_at) VALUES (?, ?, ?, ?, '[]', '[]', 'UTC', ?)`,
  )
    .bind(id, tenantId, name, userId, Date.now())
    .run();
  return id;
}

/** Daily meter samples: `[at, odometerKm]` pairs. */
export async function insertMeterSamples(tenantId: string, vehicleId: string, samples: [number, number][]) {
  await env.DB.batch(
    samples.map(([at, km]) =>
      env.DB.prepare(`INSERT INTO meter_samples (tenant_id, vehicle_id, day, odometer_km, at) VALUES (?, ?, ?, ?, ?)`).bind(
        tenantId,
        vehicleId,
        Math.floor(at / DAY),
        km,
        at,
      ),
    ),
  );
}

export async function ruleIdOfType(tenantId: string, type: string) {
  const row = await env.DB.prepare(`SELECT id, name FROM alert_rules WHERE tenant_id = ? AND type = ?`)
    .bind(tenantId, type)
    .first<{ id: string; name: string }>();
  if (!row) throw new Error(`no rule of type ${type}`);
  return row;
}

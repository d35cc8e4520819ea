import { exports, env } from "cloudflare:workers";

export const PLATFORM_TOKEN = env.PLATFORM_ADMIN_TOKEN;
let counter = 0;

/** Calls the Worker exactly as a client would. */
export function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return exports.default.fetch(new Request(`http://fleetpulse.test${path}`, { method, headers, body }));
}

export const uniqueSlug = (prefix = "t") => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface TestTenant {
  id: string;
  slug: string;
  webhookSecret: string;
  admin: { email: string; password: string; token: string; id: string };
}

export async function createTenant(slug = uniqueSlug()): Promise<TestTenant> {
  const admin = { email: `admin@${slug}.example`, password: "correct horse battery" };
  const res = await call("POST", "/api/admin/tenants", {
    token: PLATFORM_TOKEN,
    body: { name: `Tenant ${slug}`, slug, adminEmail: admin.email, adminPassword: admin.password },
  });
  if (res.status !== 201) throw new Error(`tenant create: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { tenant: { id: string }; webhookSecret: string };
  const { token, user } = await login(slug, admin.email, admin.password);
  return { id: created.tenant.id, slug, webhookSecret: created.webhookSecret, admin: { ...admin, token, id: user.id } };
}

export async function login(tenant: string, email: string, password: string) {
  const res = await call("POST", "/api/auth/login", { body: { tenant, email, password } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; user: { id: string; role: string; tenantId: string } };
}

/** Creates a user of `role` in the tenant and signs it in. */
export async function userWithRole(tenant: TestTenant, role: "admin" | "manager" | "technician" | "driver") {
  const email = `${role}-${counter++}@${tenant.slug}.example`;
  const password = "a long enough password";
  const res = await call("POST", "/api/users", { token: tenant.admin.token, body: { email, password, name: `${role} user`, role } });
  if (res.status !== 201) throw new Error(`user create: ${res.status} ${await res.text()}`);
  const session = await login(tenant.slug, email, password);
  return { email, password, token: session.token, id: session.user.id };
}

export async function countRows(table: string, where = "1=1", ...binds: unknown[]) {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Signs and posts a telemetry batch the way a vendor using Standard Webhooks would. */
export async function postTelemetry(
  tenant: { slug: string; webhookSecret: string },
  body: unknown,
  options: { id?: string; timestamp?: number; secret?: string; signature?: string; headers?: Record<string, string> } = {},
) {
  const { signStandardWebhook } = await import("../../worker/lib/standard-webhooks");
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? (await signStandardWebhook(options.secret ?? tenant.webhookSecret, id, timestamp, raw));
  return exports.default.fetch(
    new Request(`http://fleetpulse.test/webhooks/${tenant.slug}/telemetry`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
        ...options.headers,
      },
      body: raw,
    }),
  );
}

/** Registers vehicles and returns them by externalId. */
export async function addVehicles(tenant: TestTenant, externalIds: string[], extra: Record<string, unknown> = {}) {
  const out: Record<string, { id: string; externalId: string; name: string }> = {};
  for (const externalId of externalIds) {
    const res = await call("POST", "/api/vehicles", {
      token: tenant.admin.token,
      body: { externalId, name: `Unit ${externalId}`, ...extra },
    });
    if (res.status !== 201) throw new Error(`vehicle: ${res.status} ${await res.text()}`);
    out[externalId] = (await res.json()) as { id: string; externalId: string; name: string };
  }
  return out;
}

/** One base per test file, an hour ago: every `isoAt` of a file shares it, inside the 7-day window. */
export const TIME_BASE = Date.now() - 3_600_000;
export const isoAt = (seconds: number, base = TIME_BASE) => new Date(base + seconds * 1000).toISOString();

/** The readings of an ordinary event of a cruising truck: every metric the default rules and models read, none out of range. */
export const ORDINARY_READINGS = {
  speedKph: 62,
  rpm: 1730,
  engineTempC: 90,
  coolantTempC: 86,
  oilPressureKpa: 320,
  batteryV: 13.9,
  fuelPct: 55,
  odometerKm: 40_000,
  engineHours: 1_200,
  accelG: 0.01,
  lat: 52.52,
  lon: 13.4,
};

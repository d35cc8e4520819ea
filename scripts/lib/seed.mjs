// Seeds the demo tenant through the real API (so passwords are hashed and rules created
// exactly as for any tenant). Idempotent: an existing demo tenant is left as it is.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const ROLES = ["admin", "manager", "technician", "driver"];
const VEHICLE_TYPES = ["truck", "van", "truck", "bus", "van"];

async function api(url, method, path, { token, body } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function expectStatus(result, status, what) {
  if (result.status !== status) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/**
 * @returns {Promise<{created: boolean, tenant: string, webhookSecret?: string,
 *   users: Record<string, {email: string, password: string}>}>}
 */
export async function seedDemo({ url, platformToken, credentialsFile, slug = "demo" }) {
  const password = () => `demo-${randomBytes(9).toString("base64url")}`;
  const users = Object.fromEntries(ROLES.map((role) => [role, { email: `${role}@${slug}.fleetpulse.dev`, password: password() }]));

  const created = await api(url, "POST", "/api/admin/tenants", {
    token: platformToken,
    body: { name: "Demo Logistics", slug, adminEmail: users.admin.email, adminPassword: users.admin.password },
  });
  if (created.status === 409) {
    if (credentialsFile && existsSync(credentialsFile)) return { created: false, ...JSON.parse(readFileSync(credentialsFile, "utf8")) };
    return { created: false, tenant: slug, users: {} };
  }
  const { webhookSecret } = expectStatus(created, 201, "create demo tenant");

  const { token } = expectStatus(
    await api(url, "POST", "/api/auth/login", { body: { tenant: slug, email: users.admin.email, password: users.admin.password } }),
    200,
    "admin login",
  );
  const ids = {};
  for (const role of ROLES.slice(1)) {
    const user = expectStatus(
      await api(url, "POST", "/api/users", { token, body: { ...users[role], name: `Demo ${role}`, role } }),
      201,
      `create ${role}`,
    );
    ids[role] = user.id;
  }
  for (let i = 1; i <= 20; i++) {
    const number = String(i).padStart(3, "0");
    expectStatus(
      await api(url, "POST", "/api/vehicles", {
        token,
        body: {
          externalId: `TRUCK-${number}`,
          name: `Unit ${number}`,
          type: VEHICLE_TYPES[i % VEHICLE_TYPES.length],
          odometerKm: 40_000 + i * 7_919,
          engineHours: 1_200 + i * 211,
          // The demo driver drives the first vehicle, so the driver's views have data.
          ...(i === 1 ? { driverId: ids.driver } : {}),
        },
      }),
      201,
      `create vehicle ${number}`,
    );
  }
  const result = { tenant: slug, webhookSecret, users };
  if (credentialsFile) writeFileSync(credentialsFile, JSON.stringify(result, null, 2), { mode: 0o600 });
  return { created: true, ...result };
}

export function printCredentials(seed, url) {
  const lines = [`Demo tenant "${seed.tenant}" ${seed.created ? "seeded" : "already present"} at ${url}`];
  for (const [role, user] of Object.entries(seed.users)) lines.push(`  ${role.padEnd(10)} ${user.email}  ${user.password}`);
  if (seed.webhookSecret) lines.push(`  webhook secret: ${seed.webhookSecret}`);
  console.log(lines.join("\n"));
}

import { env, exports } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { expect } from "vitest";
import { addVehicles, call, createTenant, PLATFORM_TOKEN } from "./helpers";

/**
 * The hostile-input run (docs/security.md#hostile-input-run): every write endpoint of
 * /api/openapi.json (POST, PUT, PATCH, DELETE) × malformed bodies with a valid token, and × forged,
 * expired, unsigned, other-tenant and read-only-API-key credentials. It must end with no 5xx and
 * no changed row in any D1 table (a checksum of every table's rows before and after).
 *
 * The endpoints are dealt into `parts` test files (security-hostile-input-N.test.ts), each run in
 * its own isolate: a single isolate slowed down with every request it served (the whole run took
 * 19 minutes in one file), so each part starts fresh and the parts run side by side.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Operation = { requestBody?: { content?: Record<string, { schema?: Schema }> } };
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const WRITE_METHODS = ["post", "put", "patch", "delete"];
const HUGE = "\u202e𝕏<script>'\"".repeat(8_000); // ~100 KB of mixed scripts, quotes and a bidi override

/** SHA-256 over every row of every table, by table: what "nothing changed" is measured with. */
async function checksums(): Promise<Record<string, string>> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  const out: Record<string, string> = {};
  for (const { name } of results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).raw();
    const bytes = new TextEncoder().encode(
      JSON.stringify(rows.map((row) => row.map((v) => (v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v))).sort()),
    );
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    out[name] = `${rows.length}:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  return out;
}

function resolve(schema: Schema | undefined, doc: OpenApi): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.split("/").pop()!], doc);
  const merged = schema.allOf?.map((s) => resolve(s, doc)).find((s) => s?.properties);
  return merged ?? schema;
}

const typeOf = (schema: Schema | undefined): string => {
  const t = schema?.type ?? schema?.anyOf?.[0]?.type ?? schema?.oneOf?.[0]?.type;
  return (Array.isArray(t) ? t.find((x) => x !== "null") : t) ?? "string";
};

/** A value of the wrong JSON type for `schema`. */
const wrongType = (schema: Schema | undefined): unknown =>
  ({ string: 12345, number: "NaN", integer: 1.5e308, boolean: "yes", array: { 0: "x" }, object: ["x"] })[typeOf(schema)] ?? [];

/** Malformed bodies for one operation: generic junk, then schema-aware wrong values (each with an unknown field). */
function hostileBodies(operation: Operation, doc: OpenApi): string[] {
  const schema = resolve(operation.requestBody?.content?.["application/json"]?.schema, doc);
  const props = Object.entries(schema?.properties ?? {});
  const each = (value: (s: Schema | undefined) => unknown) =>
    JSON.stringify({ ...Object.fromEntries(props.map(([k, s]) => [k, value(resolve(s, doc))])), __hostile: 1 });
  return [
    "{not json",
    "",
    "null",
    "[]",
    '"a string"',
    "-1e999",
    '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"isAdmin":true}},"__hostile":1}',
    JSON.stringify({ deep: JSON.parse("[".repeat(2_000) + "]".repeat(2_000)), __hostile: 1 }),
    each(() => null),
    each(wrongType),
    each(() => HUGE),
    each(
      (s) =>
        ({ string: "\u0000", number: -1, integer: Number.MAX_SAFE_INTEGER + 2, boolean: true, array: [null], object: {} })[typeOf(s)] ??
        null,
    ),
  ];
}

async function forgedTokens(tenantId: string, userId: string) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, tid: tenantId, role: "admin", ver: 0, jti: crypto.randomUUID(), iat: now };
  const b64 = (value: unknown) => btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
  return {
    none: "",
    garbage: "not-a-token",
    wrongSecret: await sign({ ...claims, exp: now + 3600 }, "not-the-secret-0123456789abcdef0123456789", "HS256"),
    expired: await sign({ ...claims, iat: now - 7200, exp: now - 3600 }, env.JWT_SECRET, "HS256"),
    algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, exp: now + 3600 })}.`,
    forgedApiKey: `fpk_0123456789abcdef_${"A".repeat(43)}`,
  };
}

/** Part `part` (0-based) of `parts`: every `parts`-th write endpoint, from the `part`-th. */
export async function hostileRun(part: number, parts: number) {
  const [tenant, other] = [await createTenant(), await createTenant()];
  const vehicles = await addVehicles(tenant, ["H-1"]);
  const readKey = (await (
    await call("POST", "/api/api-keys", { token: tenant.admin.token, body: { name: "ro", scopes: ["vehicles:read", "alerts:read"] } })
  ).json()) as {
    id: string;
    key: string;
  };
  const doc = (await (await exports.default.fetch("http://fleetpulse.test/api/openapi.json")).json()) as OpenApi;
  const tokens = await forgedTokens(tenant.id, tenant.admin.id);

  // Path parameters name the first tenant's things, so the other tenant's token aims across tenants.
  const idFor = (path: string) =>
    path.startsWith("/api/users")
      ? tenant.admin.id
      : path.startsWith("/api/api-keys")
        ? readKey.id
        : path.includes("{tenantSlug}")
          ? tenant.slug
          : vehicles["H-1"]!.id;
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => WRITE_METHODS.includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        template: path,
        url: path.replace(/\{[^}]+\}/g, () => idFor(path)),
        operation,
      })),
  );
  expect(operations.length).toBeGreaterThan(60);
  const mine = operations.filter((_, i) => i % parts === part);

  const before = await checksums();
  const failures: string[] = [];
  let requests = 0;
  const send = async (method: string, url: string, token: string, body: string | undefined) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await exports.default.fetch(
      new Request(`http://fleetpulse.test${url}`, {
        method,
        headers,
        body: method === "DELETE" && body === undefined ? undefined : body,
      }),
    );
    requests++;
    await res.arrayBuffer();
    if (res.status >= 500) failures.push(`${res.status} ${method} ${url} ${token.slice(0, 12)} ${body?.slice(0, 60)}`);
    return res.status;
  };

  // The calls of one endpoint run together (none may change anything, so order cannot matter).
  for (const { method, template, url, operation } of mine) {
    const own = template.startsWith("/api/admin") ? PLATFORM_TOKEN : tenant.admin.token;
    const calls: Promise<unknown>[] = [];
    // A valid token with malformed bodies (only where a body is expected: a body-less call with a valid token is a real write).
    if (operation.requestBody) {
      for (const body of hostileBodies(operation, doc)) {
        calls.push(
          send(method, url, own, body).then((status) => {
            if (status < 400) failures.push(`accepted ${status} ${method} ${url} ${body.slice(0, 80)}`);
          }),
        );
      }
    }
    // Bad credentials: none of these may get anywhere, body or not.
    const bodies = operation.requestBody ? ["{}", '{"__hostile":1}'] : [undefined];
    for (const token of Object.values(tokens)) for (const body of bodies) calls.push(send(method, url, token, body));
    for (const body of bodies) {
      calls.push(send(method, url, readKey.key, body));
      // The other tenant's admin, aimed at this tenant's ids (only calls that name an id: others would act on its own tenant).
      if (template.includes("{")) calls.push(send(method, url, other.admin.token, body));
    }
    await Promise.all(calls);
  }

  const after = await checksums();
  const changed = Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
  console.log(
    `hostile-input run, part ${part + 1} of ${parts}: ${requests} requests over ${mine.length} of ${operations.length} write endpoints; 5xx/accepted: ${failures.length}; changed tables: ${changed.length}`,
  );
  expect(failures).toEqual([]);
  expect(changed).toEqual([]);
}

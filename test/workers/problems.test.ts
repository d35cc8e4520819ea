import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PROBLEM_CODES, problemInfo, problemSlug } from "../../worker/lib/problem";
import { call, createTenant } from "./helpers";

interface ProblemJson {
  type: string;
  title: string;
  status: number;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

/** The body as problem JSON, checked to name the same request id as the header. */
async function problemOf(res: Response): Promise<ProblemJson> {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as ProblemJson;
  expect(body.requestId).toBeTruthy();
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("problem bodies carry the request id and a type URL on the request's origin", () => {
  it("404 for an unknown endpoint", async () => {
    const body = await problemOf(await call("GET", "/api/nope"));
    expect(body).toMatchObject({ type: "http://fleetpulse.test/problems/not-found", status: 404 });
  });

  it("400 from request validation names the fields", async () => {
    const tenant = await createTenant();
    const res = await call("POST", "/api/vehicles", { token: tenant.admin.token, body: { name: "No external id", extra: 1 } });
    expect(res.status).toBe(400);
    const body = await problemOf(res);
    expect(body.type).toBe("http://fleetpulse.test/problems/validation");
    expect(body.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(["externalId", "extra"]));
  });

  it("401 for a missing token, 426 for /api/live without a WebSocket upgrade", async () => {
    expect((await problemOf(await call("GET", "/api/vehicles"))).type).toBe("http://fleetpulse.test/problems/unauthorized");
    const live = await call("GET", "/api/live");
    expect(live.status).toBe(426);
    expect(await problemOf(live)).toMatchObject({
      type: "http://fleetpulse.test/problems/upgrade-required",
      title: "Upgrade required",
      status: 426,
    });
  });

  it("uses the origin the request came to", async () => {
    const res = await exports.default.fetch("https://fleet.example.com/api/nope");
    expect((await problemOf(res)).type).toBe("https://fleet.example.com/problems/not-found");
  });

  it("leaves the request id out of the bad-credentials 401, which must be byte-identical (docs/api.md)", async () => {
    const tenant = await createTenant();
    const res = await call("POST", "/api/auth/login", {
      body: { tenant: tenant.slug, email: tenant.admin.email, password: "wrong password" },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as ProblemJson;
    expect(body.type).toBe("http://fleetpulse.test/problems/unauthorized");
    expect(body).not.toHaveProperty("requestId");
  });
});

describe("GET /problems/<code>", () => {
  it.each(PROBLEM_CODES)("answers a page for %s", async (code) => {
    const { status, title } = problemInfo(code);
    const res = await exports.default.fetch(`http://fleetpulse.test/problems/${problemSlug(code)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain(`<h1>${title}</h1>`);
    expect(html).toContain(`<strong>${status}</strong>`);
    expect(html).toContain("What to do");
  });

  it("lists every problem type on /problems", async () => {
    const html = await (await exports.default.fetch("http://fleetpulse.test/problems")).text();
    for (const code of PROBLEM_CODES) expect(html).toContain(`href="/problems/${problemSlug(code)}"`);
  });

  it("answers an unknown code with a 404 problem", async () => {
    const res = await exports.default.fetch("http://fleetpulse.test/problems/no-such-thing");
    expect(res.status).toBe(404);
    expect((await problemOf(res)).type).toBe("http://fleetpulse.test/problems/not-found");
  });
});

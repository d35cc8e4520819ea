import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import apiMarkdown from "../../docs/api.md?raw";

/** `METHOD /path` in backticks, as docs/api.md writes every endpoint; a query string may follow. */
const ENDPOINT = /`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s?]*)[^`]*`/g;
/** Sections whose heading says so list contract endpoints the code does not serve yet. */
const NOT_SERVED_HEADING = /\(not served yet\)\s*$/i;
/** Served outside the OpenAPI document: the document and its HTML rendering. */
const DOCUMENTATION_ONLY = ["GET /api/openapi.json", "GET /api/docs"];
/** Exists only under ENVIRONMENT=development and is hidden from OpenAPI on purpose. */
const isDevOnly = (endpoint: string) => endpoint.split(" ")[1]!.startsWith("/api/dev/");

/** Endpoints named in the markdown, split by whether their section is marked "not served yet". */
function documentedEndpoints(markdown: string) {
  const served = new Set<string>();
  const notServed = new Set<string>();
  let inNotServed = false;
  for (const line of markdown.split("\n")) {
    const heading = /^#{2,6} (.*)$/.exec(line);
    if (heading) inNotServed = NOT_SERVED_HEADING.test(heading[1]!);
    for (const [, method, path] of line.matchAll(ENDPOINT)) (inNotServed ? notServed : served).add(`${method} ${path}`);
  }
  return { served, notServed };
}

async function openApiEndpoints(): Promise<Set<string>> {
  const res = await exports.default.fetch("http://fleetpulse.test/api/openapi.json");
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  return new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)));
}

describe("docs/api.md and /api/openapi.json", () => {
  it("documents every endpoint the OpenAPI document has", async () => {
    const openApi = await openApiEndpoints();
    const { served } = documentedEndpoints(apiMarkdown);
    expect(openApi.size).toBeGreaterThan(50);
    const missing = [...openApi].filter((endpoint) => !served.has(endpoint));
    expect(missing, "in /api/openapi.json but not in docs/api.md").toEqual([]);
  });

  it("names no /api or /webhooks endpoint that the OpenAPI document lacks", async () => {
    const openApi = await openApiEndpoints();
    const { served } = documentedEndpoints(apiMarkdown);
    const unknown = [...served].filter(
      (endpoint) => !openApi.has(endpoint) && !DOCUMENTATION_ONLY.includes(endpoint) && !isDevOnly(endpoint),
    );
    expect(unknown, "in docs/api.md but not in /api/openapi.json").toEqual([]);
  });

  it("writes every endpoint as a full /api or /webhooks path with {name} parameters", () => {
    const { served, notServed } = documentedEndpoints(apiMarkdown);
    const malformed = [...served, ...notServed].filter((endpoint) => !/^[A-Z]+ \/(api|webhooks)\/[^:]*$/.test(endpoint));
    expect(malformed).toEqual([]);
    for (const endpoint of [...DOCUMENTATION_ONLY, "POST /api/dev/bench/model"]) expect(served).toContain(endpoint);
  });

  it("keeps endpoints marked 'not served yet' out of the OpenAPI document", async () => {
    const openApi = await openApiEndpoints();
    const { notServed } = documentedEndpoints(apiMarkdown);
    const nowServed = [...notServed].filter((endpoint) => openApi.has(endpoint));
    expect(nowServed, "served now: move them out of the 'not served yet' section").toEqual([]);
  });
});

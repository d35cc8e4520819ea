/** ETag / If-Match checks shared by the resources that carry a version (docs/api.md, Optimistic concurrency). */
import { expect } from "vitest";
import { call } from "./helpers";

type Json = any;

/** Two writers read one version; the first write wins, the second is refused and changes nothing. */
export async function expectStaleWriteRefused(
  path: string,
  token: string,
  first: Record<string, unknown>,
  second: Record<string, unknown>,
) {
  const read = await call("GET", path, { token });
  expect(read.status).toBe(200);
  const etag = read.headers.get("etag")!;
  expect(etag).toMatch(/^"[0-9a-f]+"$/);
  expect((await call("GET", path, { token })).headers.get("etag")).toBe(etag);

  const won = await call("PATCH", path, { token, body: first, headers: { "if-match": etag } });
  expect(won.status, await won.clone().text()).toBe(200);
  const newEtag = won.headers.get("etag")!;
  expect(newEtag).not.toBe(etag);
  expect((await call("GET", path, { token })).headers.get("etag")).toBe(newEtag);

  const lost = await call("PATCH", path, { token, body: second, headers: { "if-match": etag } });
  expect(lost.status).toBe(412);
  expect(lost.headers.get("content-type")).toContain("application/problem+json");
  expect(lost.headers.get("etag")).toBe(newEtag);
  expect(((await lost.json()) as Json).current).toMatchObject(first);
  expect(await (await call("GET", path, { token })).json()).toMatchObject(first);

  // With the new ETag, `*`, or no If-Match at all, the write applies.
  expect((await call("PATCH", path, { token, body: second, headers: { "if-match": newEtag } })).status).toBe(200);
  expect((await call("PATCH", path, { token, body: first, headers: { "if-match": "*" } })).status).toBe(200);
  expect((await call("PATCH", path, { token, body: second })).status).toBe(200);
}

import { describe, expect, it } from "vitest";
import { call } from "./helpers";

/** Every `src`/`href` of the page's script and link tags. */
const resourceUrls = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);

describe("/api/docs", () => {
  it("answers an HTML page whose scripts and styles all come from this origin, under a CSP that keeps requests here", async () => {
    const res = await call("GET", "/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();

    const urls = resourceUrls(html);
    expect(urls).toEqual(expect.arrayContaining(["/api-docs/swagger-ui-bundle.js", "/api-docs/start.js", "/api-docs/swagger-ui.css"]));
    // Same-origin paths only: absolute paths, never protocol-relative or with a scheme.
    for (const url of urls) expect(url, url).toMatch(/^\/(?!\/)/);
    // Nothing under /api/*: those paths reach the Worker first and would not be served as assets.
    for (const url of urls) expect(url, url).not.toMatch(/^\/api\//);
    // No inline script: every <script> tag loads a same-origin file.
    expect(html.match(/<script\b/g)).toHaveLength(html.match(/<script\b[^>]*\bsrc="/g)?.length ?? 0);

    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
  });

  it("still lists every operation without JavaScript, and escapes what it prints", async () => {
    const doc = (await (await call("GET", "/api/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const html = await (await call("GET", "/api/docs")).text();
    const noscript = /<noscript>([\s\S]*)<\/noscript>/.exec(html)?.[1] ?? "";
    expect(noscript).toContain('href="/api/openapi.json"');
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) expect(noscript, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path}`);
    }
    expect(html).not.toMatch(/<(?!\/?(?:html|head|meta|title|link|body|noscript|p|a|ul|li|code|main|script)\b)[a-z]/i);
  });
});

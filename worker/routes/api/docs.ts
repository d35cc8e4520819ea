/**
 * The /api/docs page: Swagger UI (swagger-ui-dist, bundled by `vite build` into dist/app/api-docs/,
 * see vite.config.ts) reading /api/openapi.json. It resolves $refs and sends requests from the page
 * ("Try it out"); every script, style and request stays on this origin, which the page's own
 * Content-Security-Policy enforces. See docs/decisions/0103-api-docs-swagger-ui.md.
 */
interface OpenApiDoc {
  info: { title: string; version: string };
  paths: Record<string, Record<string, { summary?: string }>>;
}

/** Same-origin paths of the renderer's files (outside /api/*, so they are static assets). */
export const API_DOCS_ASSETS = {
  script: "/api-docs/swagger-ui-bundle.js",
  style: "/api-docs/swagger-ui.css",
  start: "/api-docs/start.js",
} as const;

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI sets inline style attributes; its images are data: URIs.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** Without JavaScript the page still lists every operation (and links the machine-readable document). */
function operationIndex(doc: OpenApiDoc): string {
  const items = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(
      ([method, op]) => `<li><code>${method.toUpperCase()} ${escapeHtml(path)}</code> ${escapeHtml(op.summary ?? "")}</li>`,
    ),
  );
  return `<ul>${items.join("")}</ul>`;
}

export function renderDocs(doc: OpenApiDoc): string {
  const title = `${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)} — API reference`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${title}</title>
<link rel="stylesheet" href="${API_DOCS_ASSETS.style}">
</head>
<body>
<noscript><p>The interactive reference needs JavaScript. The machine-readable contract is at <a href="/api/openapi.json">/api/openapi.json</a>; its operations:</p>${operationIndex(doc)}</noscript>
<main id="swagger-ui" aria-label="${title}"></main>
<script src="${API_DOCS_ASSETS.script}"></script>
<script src="${API_DOCS_ASSETS.start}"></script>
</body>
</html>`;
}

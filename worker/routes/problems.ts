import { Hono } from "hono";
import type { AppEnv } from "../env";
import { AppError, PROBLEM_CODES, problemCodeOfSlug, problemInfo, problemSlug, type ProblemCode } from "../lib/problem";

/**
 * /problems: one short HTML page per problem `type` (RFC 9457 says a type URI should point at
 * human-readable documentation). Plain Hono, not OpenAPIHono: pages for people, not API operations.
 */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** Escapes, then shows `backticked` words as code. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · FleetPulse API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
${body}
</body>
</html>
`;

function problemPage(code: ProblemCode): string {
  const { status, title, means, todo } = problemInfo(code);
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>HTTP status <strong>${status}</strong> · problem code <code>${problemSlug(code)}</code></p>
<h2>What it means</h2>
<p>${prose(means)}</p>
<h2>What to do</h2>
<p>${prose(todo)}</p>
<p>Every problem response carries a <code>requestId</code> (also in the <code>x-request-id</code> header); quote it when you report an error.</p>
<p><a href="/problems">All problem types</a> · <a href="/api/docs">API reference</a></p>`,
  );
}

function indexPage(): string {
  const rows = PROBLEM_CODES.map((code) => {
    const { status, title } = problemInfo(code);
    return `<li><a href="/problems/${problemSlug(code)}">${escapeHtml(title)}</a> (${status})</li>`;
  });
  return page(
    "Problem types",
    `<h1>Problem types</h1>\n<p>The errors the FleetPulse API answers with, as RFC 9457 problem JSON.</p>\n<ul>\n${rows.join("\n")}\n</ul>`,
  );
}

export const problemRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.html(indexPage()))
  .get("/:slug", (c) => {
    const code = problemCodeOfSlug(c.req.param("slug"));
    if (!code) throw new AppError("not_found", "No such problem type.");
    return c.html(problemPage(code));
  });

// Writes one section of BENCHMARKS.md: a newer run of a section replaces the older one.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../scripts/lib/dev-server.mjs";

export const machine = () =>
  `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** `heading` is the section's "## …" title without its date; the section keeps its date line. */
export function writeSection(heading, body) {
  const file = path.join(ROOT, "BENCHMARKS.md");
  let previous;
  try {
    previous = readFileSync(file, "utf8");
  } catch {
    previous = "# Benchmarks\n\nEvery figure here was produced by `npm run bench` on the machine named with it.\n\n";
  }
  const section = `## ${heading} — ${new Date().toISOString().slice(0, 10)}\n\n${body.trim()}\n`;
  const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const marker = new RegExp(`## ${escaped} — [\\s\\S]*?(?=\\n## |$)`);
  writeFileSync(file, marker.test(previous) ? previous.replace(marker, section) : `${previous.trimEnd()}\n\n${section}`);
  return file;
}

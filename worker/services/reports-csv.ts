/**
 * RFC 4180 CSV, streamed: CRLF line ends, a field is quoted when it holds a comma, a quote, CR or
 * LF (quotes doubled inside). A text cell a spreadsheet would read as a formula (starting with
 * `= + - @`, a tab, CR or another control character) is neutralised with a leading `'` (OWASP
 * CSV injection); numbers are written as numbers, so a negative value stays `-3`. Rows come from
 * `nextChunk` (keyset paging through D1), one chunk per pull, so memory stays flat whatever the
 * export's size.
 */
export type CsvValue = string | number | boolean | null | undefined;

/** Starts like a formula to Excel, LibreOffice or Google Sheets. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: leading control characters (tab, CR) are exactly what must be caught
const FORMULA_START = /^[=+\-@\u0000-\u001f\u007f]/;

export function csvField(value: CsvValue): string {
  if (value == null) return "";
  const raw = String(value);
  const text = typeof value === "string" && FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: readonly CsvValue[]) => `${values.map(csvField).join(",")}\r\n`;

/**
 * A CSV body: the header line, then chunks until `nextChunk` returns none. `nextChunk` gets the
 * cursor it returned last (undefined at first) and returns rows and the cursor after them.
 */
export function csvStream<C>(
  header: readonly string[],
  nextChunk: (cursor: C | undefined) => Promise<{ rows: CsvValue[][]; cursor: C | undefined }>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | undefined;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(header)));
        return;
      }
      if (done) return;
      const chunk = await nextChunk(cursor);
      if (chunk.rows.length) controller.enqueue(encoder.encode(chunk.rows.map(csvLine).join("")));
      cursor = chunk.cursor;
      if (cursor === undefined) {
        done = true;
        controller.close();
      }
    },
  });
}

/** Response headers of a CSV download. */
export const csvHeaders = (filename: string) => ({
  "content-type": "text/csv; charset=utf-8; header=present",
  "content-disposition": `attachment; filename="${filename}"`,
  "cache-control": "no-store",
});

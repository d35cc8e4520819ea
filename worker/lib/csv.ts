/**
 * A small RFC 4180 CSV reader for uploads (vehicle import). Each record keeps the line number
 * it starts on in the file (1-based, the header is line 1), so errors can name the line a person
 * sees in a spreadsheet or editor even when a quoted field spans several lines.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): { records: CsvRecord[]; error?: { line: number; message: string } } {
  const records: CsvRecord[] = [];
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text; // spreadsheet exports often carry a BOM
  let line = 1;
  let start = 1;
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    // A record of one empty field is a blank line: skipped.
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      fieldStarted = false;
    } else if (ch === "\r" && body[i + 1] === "\n") {
      // CRLF: the \n ends the record.
    } else if (ch === "\n" || ch === "\r") {
      endRecord();
      line++;
      start = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) return { records, error: { line: start, message: "A quoted field is not closed" } };
  if (field !== "" || fields.length) endRecord();
  return { records };
}

import { describe, expect, it } from "vitest";
import { csvField, csvLine, csvStream } from "../../worker/services/reports-csv";
import { parseCsv } from "../workers/csv-parse";

const awkward = [
  "plain",
  "comma, inside",
  'quote " inside',
  '"starts quoted"',
  "line\nbreak",
  "crlf\r\nbreak",
  "ünïcødé 🚚 車両",
  "",
  " spaced ",
];

describe("RFC 4180 CSV", () => {
  it("quotes only what needs quoting and doubles quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField(null)).toBe("");
    expect(csvField(12.5)).toBe("12.5");
    expect(csvLine(["a", null, 3])).toBe("a,,3\r\n");
  });

  it("parses back to the same fields, including commas, quotes, newlines and unicode", () => {
    const text = csvLine(["h1", "h2"]) + awkward.map((v, i) => csvLine([String(i), v])).join("");
    expect(parseCsv(text)).toEqual([["h1", "h2"], ...awkward.map((v, i) => [String(i), v])]);
  });

  it("the parser rejects broken quoting", () => {
    expect(() => parseCsv('a,"b\r\n')).toThrow();
    expect(() => parseCsv('a,b"c"\r\n')).toThrow();
    expect(() => parseCsv('"a"b\r\n')).toThrow();
  });

  it("streams the header, then every chunk until the cursor runs out", async () => {
    const chunks = [[["1", "x,y"]], [["2", "z"]]];
    let pulls = 0;
    const stream = csvStream<number>(["id", "v"], async (cursor) => {
      pulls++;
      const at = cursor ?? 0;
      return { rows: chunks[at]!, cursor: at + 1 < chunks.length ? at + 1 : undefined };
    });
    const text = await new Response(stream).text();
    expect(text).toBe('id,v\r\n1,"x,y"\r\n2,z\r\n');
    expect(pulls).toBe(2);
  });
});

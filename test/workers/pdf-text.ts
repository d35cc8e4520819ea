/**
 * Reads a PDF back for tests: pdf-lib parses the file (it must open), then every page's content
 * streams are inflated and the strings its text operators show are decoded (pdf-lib's standard
 * fonts write WinAnsi hex strings: `<48656C6C6F> Tj`). One line per shown string.
 * (pdf.js would do this too, but its Node build wants a native canvas package this registry
 * cannot install for every platform, so `npm ci` rejects the lock.)
 */
import { PDFArray, PDFDocument, PDFName, PDFRawStream, PDFRef, type PDFPage } from "@cantoo/pdf-lib";

async function inflate(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new TextDecoder("latin1").decode(await new Response(stream).arrayBuffer());
}

function contentStreams(doc: PDFDocument, page: PDFPage): PDFRawStream[] {
  const contents = page.node.Contents();
  const refs = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  return refs.map((r) => (r instanceof PDFRef ? doc.context.lookup(r) : r)).filter((s): s is PDFRawStream => s instanceof PDFRawStream);
}

const hexToText = (hex: string) =>
  new TextDecoder("windows-1252").decode(Uint8Array.from(hex.replace(/\s+/g, "").match(/../g) ?? [], (h) => parseInt(h, 16)));

export async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await PDFDocument.load(bytes);
  const lines: string[] = [];
  for (const page of doc.getPages()) {
    for (const stream of contentStreams(doc, page)) {
      const filter = String(stream.dict.get(PDFName.of("Filter")) ?? "");
      const ops = filter.includes("FlateDecode")
        ? await inflate(stream.getContents())
        : new TextDecoder("latin1").decode(stream.getContents());
      for (const m of ops.matchAll(/<([0-9A-Fa-f\s]*)>\s*Tj/g)) lines.push(hexToText(m[1]!));
    }
  }
  return { pages: doc.getPageCount(), text: lines.join("\n") };
}

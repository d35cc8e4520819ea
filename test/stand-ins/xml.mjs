/**
 * A strict little XML 1.0 parser for the Twilio stand-in: enough to decide whether TwiML is
 * well-formed (one root, matched tags, quoted unique attributes, only the five predefined and
 * numeric entities, no raw `<` or `&` in text) and to walk it. Throws an Error naming the problem.
 *
 * Node: `{ name, attrs: Record<string,string>, children: Array<Node | string> }`.
 */
const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXml(text) {
  let pos = 0;
  const fail = (message) => {
    throw new Error(`${message} at offset ${pos}`);
  };
  const startsWith = (s) => text.startsWith(s, pos);
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const decode = (raw) =>
    raw.replace(/&([^;&]*);|&/g, (_match, ref) => {
      if (ref === undefined) fail("bare '&'");
      if (ref in ENTITIES) return ENTITIES[ref];
      const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
      if (num) {
        const code = parseInt(num[1], ref[1] === "x" ? 16 : 10);
        if (code > 0x10ffff || code === 0) fail(`invalid character reference &${ref};`);
        return String.fromCodePoint(code);
      }
      return fail(`unknown entity &${ref};`);
    });
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (startsWith("<!--")) {
        const end = text.indexOf("-->", pos + 4);
        if (end === -1) fail("unterminated comment");
        pos = end + 3;
      } else if (startsWith("<?") && !startsWith("<?xml ")) {
        const end = text.indexOf("?>", pos);
        if (end === -1) fail("unterminated processing instruction");
        pos = end + 2;
      } else return;
    }
  };

  const parseElement = () => {
    if (text[pos] !== "<") fail("expected '<'");
    pos++;
    const name = NAME.exec(text.slice(pos))?.[0];
    if (!name) fail("expected an element name");
    pos += name.length;
    const attrs = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (startsWith("/>")) {
        pos += 2;
        return { name, attrs, children: [] };
      }
      if (text[pos] === ">") {
        pos++;
        break;
      }
      if (pos === before) fail(`expected whitespace before an attribute of <${name}>`);
      const attr = NAME.exec(text.slice(pos))?.[0];
      if (!attr) fail(`expected an attribute name in <${name}>`);
      pos += attr.length;
      skipSpace();
      if (text[pos] !== "=") fail(`expected '=' after ${attr}`);
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} must be quoted`);
      const end = text.indexOf(quote, pos + 1);
      if (end === -1) fail(`unterminated attribute ${attr}`);
      const raw = text.slice(pos + 1, end);
      if (raw.includes("<")) fail(`'<' in attribute ${attr}`);
      if (Object.hasOwn(attrs, attr)) fail(`duplicate attribute ${attr}`);
      attrs[attr] = decode(raw);
      pos = end + 1;
    }
    const children = [];
    for (;;) {
      if (pos >= text.length) fail(`unclosed <${name}>`);
      if (startsWith("</")) {
        pos += 2;
        const closing = NAME.exec(text.slice(pos))?.[0];
        if (closing !== name) fail(`</${closing}> does not close <${name}>`);
        pos += closing.length;
        skipSpace();
        if (text[pos] !== ">") fail("expected '>'");
        pos++;
        return { name, attrs, children };
      }
      if (startsWith("<!--")) {
        const end = text.indexOf("-->", pos + 4);
        if (end === -1) fail("unterminated comment");
        pos = end + 3;
      } else if (startsWith("<![CDATA[")) {
        const end = text.indexOf("]]>", pos);
        if (end === -1) fail("unterminated CDATA");
        children.push(text.slice(pos + 9, end));
        pos = end + 3;
      } else if (text[pos] === "<") {
        children.push(parseElement());
      } else {
        const end = text.indexOf("<", pos);
        const raw = text.slice(pos, end === -1 ? text.length : end);
        if (raw.includes("]]>")) fail("']]>' in text");
        children.push(decode(raw));
        pos += raw.length;
      }
    }
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  if (startsWith("<?xml")) {
    const end = text.indexOf("?>", pos);
    if (end === -1) fail("unterminated XML declaration");
    const decl = text.slice(pos, end + 2);
    if (
      !/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>$/.test(
        decl,
      )
    ) {
      fail("malformed XML declaration");
    }
    pos = end + 2;
  }
  skipMisc();
  if (startsWith("<!DOCTYPE")) fail("DOCTYPE not allowed");
  const root = parseElement();
  skipMisc();
  if (pos !== text.length) fail("content after the root element");
  return root;
}

/** Every element named `name` in document order. */
export function findAll(node, name, out = []) {
  if (typeof node === "string") return out;
  if (node.name === name) out.push(node);
  for (const child of node.children) findAll(child, name, out);
  return out;
}

export const textOf = (node) => (typeof node === "string" ? node : node.children.map(textOf).join(""));

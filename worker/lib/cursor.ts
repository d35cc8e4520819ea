import { AppError } from "./problem";
import { fromBase64, toBase64Url, utf8 } from "./encoding";

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export const encodeCursor = (key: (string | number)[]) => toBase64Url(utf8(JSON.stringify(key)));

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(new TextDecoder().decode(fromBase64(cursor)));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === "string" || typeof k === "number")) {
      return key;
    }
  } catch {
    // fall through to the 400 below
  }
  throw new AppError("validation", "The request has invalid fields.", [{ path: "cursor", message: "Invalid cursor" }]);
}

/** Splits a `limit + 1` fetch into the page and its next cursor. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

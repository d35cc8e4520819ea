/**
 * Distinct ids in groups small enough for one D1 statement: D1 binds at most 100 parameters, and
 * a query names a few more (the tenant) besides its `IN (…)` list.
 */
export function idChunks(ids: string[], size = 90): string[][] {
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += size) chunks.push(unique.slice(i, i + size));
  return chunks;
}

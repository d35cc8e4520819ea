/**
 * A problem body as text without its `requestId` member: every response has its own id, so
 * "byte-identical 404s" (nothing reveals another tenant's data) compare everything else exactly.
 */
export async function problemTextWithoutRequestId(res: Response): Promise<string> {
  const text = await res.text();
  const id = res.headers.get("x-request-id");
  if (!id) throw new Error(`no x-request-id on ${res.status}: ${text}`);
  const member = `"requestId":${JSON.stringify(id)}`;
  if (!text.includes(member)) throw new Error(`body does not name its request id ${id}: ${text}`);
  return text.replace(member, `"requestId":"…"`);
}

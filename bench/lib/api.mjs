// The benches' one JSON API call: throws on any non-2xx (a bench must not time failures).

/** `method path` against `url` with an optional bearer token and JSON body; the parsed reply (null for 204). */
export async function api(url, method, path, token, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/**
 * SSRF guard for URLs the server calls (push endpoints, outbound webhooks).
 *
 * Production: only `https:` to public hosts. Rejected: IP literals in non-public ranges (private,
 * loopback, link-local, CGNAT, multicast, unspecified, documentation, reserved — IPv4 and IPv6,
 * including IPv4-mapped/-embedded IPv6), `localhost`, `*.localhost`, `*.local`, `*.internal`,
 * `*.home.arpa`, `*.localdomain`, single-label hosts, and any userinfo (`user:pass@`). Ports are
 * not restricted.
 *
 * `development` and `test` also accept `http://127.0.0.1[:port]` and `http://localhost[:port]`
 * (and `https` to the same), so local stand-ins work.
 *
 * The URL is parsed with the WHATWG parser first, so `http://0x7f.1/`, `http://2130706433/` and
 * `http://[::ffff:127.0.0.1]/` are seen as the addresses they are. Hostnames are not resolved here
 * (Workers have no DNS API); Cloudflare's fetch does not reach private networks by name either.
 */

const BLOCKED_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain"];
const BLOCKED_NAMES = new Set(["localhost", "localhost.localdomain", "home.arpa", "local", "internal"]);
const LOCAL_DEV_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** null when the server may call `url`, otherwise a short reason. */
export function deliverableUrlProblem(url: string, environment: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a valid absolute URL";
  }
  if (parsed.username !== "" || parsed.password !== "") return "URLs with credentials (user:password@) are not allowed";

  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  const devLike = environment === "development" || environment === "test";
  if (devLike && LOCAL_DEV_HOSTS.has(host) && (parsed.protocol === "http:" || parsed.protocol === "https:")) return null;

  if (parsed.protocol !== "https:") return `only https URLs are allowed (got ${parsed.protocol.replace(/:$/, "")})`;
  if (host === "") return "URL has no host";

  if (host.startsWith("[")) {
    const groups = parseIPv6(host.slice(1, -1));
    if (!groups) return "invalid IPv6 address";
    const problem = ipv6Problem(groups);
    return problem ? `${problem} address not allowed` : null;
  }
  const v4 = parseIPv4(host);
  if (v4) {
    const problem = ipv4Problem(v4);
    return problem ? `${problem} address not allowed` : null;
  }
  if (BLOCKED_NAMES.has(host) || BLOCKED_SUFFIXES.some((suffix) => host.endsWith(suffix))) return `host ${host} is not public`;
  if (!host.includes(".")) return `host ${host} is not a public domain name`;
  return null;
}

/** Dotted-quad only: the URL parser has already normalized hex, octal and integer forms. */
function parseIPv4(host: string): number[] | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function ipv4Problem([a, b, c]: number[]): string | null {
  if (a === undefined || b === undefined || c === undefined) return "invalid";
  if (a === 0) return "unspecified (0.0.0.0/8)";
  if (a === 10) return "private (10.0.0.0/8)";
  if (a === 100 && b >= 64 && b <= 127) return "carrier-grade NAT (100.64.0.0/10)";
  if (a === 127) return "loopback (127.0.0.0/8)";
  if (a === 169 && b === 254) return "link-local (169.254.0.0/16)";
  if (a === 172 && b >= 16 && b <= 31) return "private (172.16.0.0/12)";
  if (a === 192 && b === 0 && c === 0) return "IETF protocol assignment (192.0.0.0/24)";
  if (a === 192 && b === 0 && c === 2) return "documentation (192.0.2.0/24)";
  if (a === 192 && b === 88 && c === 99) return "6to4 relay anycast (192.88.99.0/24)";
  if (a === 192 && b === 168) return "private (192.168.0.0/16)";
  if (a === 198 && (b === 18 || b === 19)) return "benchmarking (198.18.0.0/15)";
  if (a === 198 && b === 51 && c === 100) return "documentation (198.51.100.0/24)";
  if (a === 203 && b === 0 && c === 113) return "documentation (203.0.113.0/24)";
  if (a >= 224 && a <= 239) return "multicast (224.0.0.0/4)";
  if (a >= 240) return "reserved (240.0.0.0/4)";
  return null;
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4. */
function parseIPv6(text: string): number[] | null {
  let input = text.toLowerCase();
  const zone = input.indexOf("%");
  if (zone !== -1) input = input.slice(0, zone);
  const lastColon = input.lastIndexOf(":");
  if (input.slice(lastColon + 1).includes(".")) {
    const v4 = parseIPv4(input.slice(lastColon + 1));
    if (!v4) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    input = `${input.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = input.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0] ?? "");
  const rest = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const explicit = head.length + rest.length;
  if ([...head, ...rest].some(Number.isNaN)) return null;
  if (halves.length === 1) return explicit === 8 ? head : null;
  if (explicit > 7) return null;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
}

function ipv6Problem(g: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 0) return "unspecified (::)";
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 1) return "loopback (::1)";
  if (zeroPrefix && g5 === 0xffff) {
    const inner = ipv4Problem(embedded);
    return inner ? `IPv4-mapped ${inner}` : null;
  }
  if (zeroPrefix && g5 === 0) return "IPv4-compatible (::/96, deprecated)";
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    const inner = ipv4Problem(embedded);
    return inner ? `NAT64-embedded ${inner}` : null;
  }
  if (g0 === 0x2002) {
    const inner = ipv4Problem([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]);
    return inner ? `6to4-embedded ${inner}` : null;
  }
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return "discard-only (100::/64)";
  if (g0 === 0x2001 && g1 === 0x0db8) return "documentation (2001:db8::/32)";
  if ((g0 & 0xfe00) === 0xfc00) return "unique local (fc00::/7)";
  if ((g0 & 0xffc0) === 0xfe80) return "link-local (fe80::/10)";
  if ((g0 & 0xffc0) === 0xfec0) return "site-local (fec0::/10, deprecated)";
  if ((g0 & 0xff00) === 0xff00) return "multicast (ff00::/8)";
  return null;
}

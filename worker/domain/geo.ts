/**
 * Geofence geometry: pure, in metres on a sphere. Shapes are small (a depot, a site, a city), so a
 * polygon is measured in a local flat projection around the point, which is accurate to well
 * under a metre at those sizes.
 */

export type GeofenceShape = { type: "circle"; lat: number; lon: number; radiusM: number } | { type: "polygon"; points: [number, number][] };

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance between two points (haversine), in metres. */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Distance from the shape's boundary in metres: negative inside, positive outside, so a
 * hysteresis band is simply |d| < buffer.
 */
export function signedDistanceM(shape: GeofenceShape, lat: number, lon: number): number {
  if (shape.type === "circle") return distanceM(shape.lat, shape.lon, lat, lon) - shape.radiusM;
  // Equirectangular projection centred on the point: x east, y north, in metres.
  const kx = Math.cos(lat * RAD) * RAD * EARTH_RADIUS_M;
  const ky = RAD * EARTH_RADIUS_M;
  const xy = shape.points.map(([pLat, pLon]) => [wrapLon(pLon - lon) * kx, (pLat - lat) * ky] as const);
  let inside = false;
  let nearest = Infinity;
  for (let i = 0, j = xy.length - 1; i < xy.length; j = i++) {
    const [xi, yi] = xy[i]!;
    const [xj, yj] = xy[j]!;
    // Ray from the origin (the point) towards +x: count edge crossings.
    if (yi > 0 !== yj > 0 && 0 < ((xj - xi) * (0 - yi)) / (yj - yi) + xi) inside = !inside;
    nearest = Math.min(nearest, distanceToSegment(xi, yi, xj, yj));
  }
  return inside ? -nearest : nearest;
}

/** Distance from the origin to the segment (x1,y1)–(x2,y2). */
function distanceToSegment(x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / length2));
  return Math.hypot(x1 + t * dx, y1 + t * dy);
}

/** A longitude difference folded into [-180, 180), so shapes across the antimeridian measure right. */
const wrapLon = (d: number) => ((((d + 180) % 360) + 360) % 360) - 180;

/** Polygon problems the schema cannot express: fewer than 3 distinct corners, or crossing edges. */
export function polygonIssue(points: [number, number][]): string | null {
  const distinct = new Set(points.map(([a, b]) => `${a},${b}`));
  if (distinct.size < 3) return "A polygon needs at least 3 distinct points";
  const n = points.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a corner
      if (segmentsCross(points[i]!, points[(i + 1) % n]!, points[j]!, points[(j + 1) % n]!)) return "The polygon's edges must not cross";
    }
  }
  return null;
}

function segmentsCross(a: [number, number], b: [number, number], c: [number, number], d: [number, number]): boolean {
  const orient = (p: [number, number], q: [number, number], r: [number, number]) =>
    Math.sign((q[1] - p[1]) * (r[0] - p[0]) - (q[0] - p[0]) * (r[1] - p[1]));
  return orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0;
}

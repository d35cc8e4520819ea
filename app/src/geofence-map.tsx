/**
 * A plain SVG sketch of the tenant's geofences: no map tiles, so it works offline and loads
 * nothing. Coordinates are projected equirectangularly around the fences' middle latitude (good
 * enough at fleet scale), so circles stay round. The picture is one image whose text alternative
 * names every fence with its coordinates; the table beside it lists the same.
 */
import { describeShape, type Geofence } from "./geofence-types";

const WIDTH = 640;
const HEIGHT = 360;
const PAD = 24;
const METRES_PER_DEGREE = 111_320;

interface Box {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/** Lat/lon extent of one fence (a circle's radius turned into degrees). */
function extent(fence: Geofence): Box {
  const s = fence.shape;
  if (s.type === "circle") {
    const dLat = s.radiusM / METRES_PER_DEGREE;
    const dLon = dLat / Math.max(0.01, Math.cos((s.lat * Math.PI) / 180));
    return { minLat: s.lat - dLat, maxLat: s.lat + dLat, minLon: s.lon - dLon, maxLon: s.lon + dLon };
  }
  const lats = s.points.map((p) => p[0]);
  const lons = s.points.map((p) => p[1]);
  return { minLat: Math.min(...lats), maxLat: Math.max(...lats), minLon: Math.min(...lons), maxLon: Math.max(...lons) };
}

/** Projection of the fences' common box into the drawing, keeping the aspect ratio. */
function projection(fences: Geofence[]) {
  const boxes = fences.map(extent);
  const box: Box = {
    minLat: Math.min(...boxes.map((b) => b.minLat)),
    maxLat: Math.max(...boxes.map((b) => b.maxLat)),
    minLon: Math.min(...boxes.map((b) => b.minLon)),
    maxLon: Math.max(...boxes.map((b) => b.maxLon)),
  };
  const kx = Math.cos((((box.minLat + box.maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((box.maxLon - box.minLon) * kx, 1e-6);
  const spanY = Math.max(box.maxLat - box.minLat, 1e-6);
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const offsetX = (WIDTH - spanX * scale) / 2;
  const offsetY = (HEIGHT - spanY * scale) / 2;
  return {
    x: (lon: number) => offsetX + (lon - box.minLon) * kx * scale,
    y: (lat: number) => offsetY + (box.maxLat - lat) * scale,
    /** Metres to drawing units. */
    m: (metres: number) => (metres / METRES_PER_DEGREE) * scale,
  };
}

export function GeofenceMap({ fences }: { fences: Geofence[] }) {
  if (!fences.length) return null;
  const p = projection(fences);
  const description = `${fences.length} geofence${fences.length === 1 ? "" : "s"}: ${fences
    .map((f) => `${f.name}, ${describeShape(f.shape)}`)
    .join(". ")}. North is up. The table lists the same coordinates.`;
  return (
    <figure className="geofence-map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="geofence-map-title" aria-describedby="geofence-map-desc">
        <title id="geofence-map-title">Map of the geofences</title>
        <desc id="geofence-map-desc">{description}</desc>
        <rect className="geofence-map-frame" x={1} y={1} width={WIDTH - 2} height={HEIGHT - 2} />
        {fences.map((f) => {
          const s = f.shape;
          const label =
            s.type === "circle"
              ? { x: p.x(s.lon), y: p.y(s.lat) }
              : {
                  x: s.points.reduce((sum, [, lon]) => sum + p.x(lon), 0) / s.points.length,
                  y: s.points.reduce((sum, [lat]) => sum + p.y(lat), 0) / s.points.length,
                };
          return (
            <g key={f.id}>
              {s.type === "circle" ? (
                <circle className="geofence-shape" cx={p.x(s.lon)} cy={p.y(s.lat)} r={Math.max(p.m(s.radiusM), 2)} />
              ) : (
                <polygon className="geofence-shape" points={s.points.map(([lat, lon]) => `${p.x(lon)},${p.y(lat)}`).join(" ")} />
              )}
              <text className="geofence-label" x={label.x} y={label.y} textAnchor="middle" dominantBaseline="middle">
                {f.name}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>Sketch without map tiles, north up; the table below lists every geofence's coordinates.</figcaption>
    </figure>
  );
}

/**
 * Geofences as `GET /api/geofences` serves them, and the calls the Geofences screen makes. Typed by
 * hand from the documented contract (docs/api.md) and called through `apiFetch`, so the screen
 * works the same with or without the typed client knowing the route.
 */
import { apiFetch, unwrap } from "./api";

export type GeofenceShape = { type: "circle"; lat: number; lon: number; radiusM: number } | { type: "polygon"; points: [number, number][] };

export interface Geofence {
  id: string;
  name: string;
  tags: string[];
  shape: GeofenceShape;
  createdAt: string;
  updatedAt: string;
}

export interface GeofenceInput {
  name: string;
  tags: string[];
  shape: GeofenceShape;
}

const send = (method: string, path: string, body?: unknown) =>
  unwrap(
    apiFetch(path, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    }),
  ) as Promise<unknown>;

export const listGeofences = async () => (await send("GET", "/api/geofences?limit=500")) as { items: Geofence[] };
export const createGeofence = async (input: GeofenceInput) => (await send("POST", "/api/geofences", input)) as Geofence;
export const updateGeofence = async (id: string, input: GeofenceInput) =>
  (await send("PATCH", `/api/geofences/${encodeURIComponent(id)}`, input)) as Geofence;

/** 204 has no body, so this one does not go through `unwrap`'s JSON. */
export async function deleteGeofence(id: string) {
  const res = await apiFetch(`/api/geofences/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!res.ok && res.status !== 404) await unwrap(Promise.resolve(res));
}

/** "52.52000, 13.40000": coordinates as the table and the map's text alternative write them. */
export const formatPoint = (lat: number, lon: number) => `${lat.toFixed(5)}, ${lon.toFixed(5)}`;

/** A shape in words, e.g. "circle of 500 m around 52.52000, 13.40000". */
export function describeShape(shape: GeofenceShape): string {
  if (shape.type === "circle") return `circle of ${shape.radiusM} m around ${formatPoint(shape.lat, shape.lon)}`;
  return `polygon of ${shape.points.length} points: ${shape.points.map(([lat, lon]) => formatPoint(lat, lon)).join("; ")}`;
}

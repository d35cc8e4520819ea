import { describe, expect, it } from "vitest";
import { distanceM, type GeofenceShape, polygonIssue, signedDistanceM } from "../../worker/domain/geo";
import { stepGeofence, unknownGeoState, type GeoState } from "../../worker/domain/geofence-state";

const CENTRE = { lat: 52, lon: 4 };
const M_PER_DEG_LAT = 111_194.9;
/** A point `m` metres north of the centre. */
const north = (m: number) => ({ lat: CENTRE.lat + m / M_PER_DEG_LAT, lon: CENTRE.lon });
const circle: GeofenceShape = { type: "circle", ...CENTRE, radiusM: 200 };
/** A square about 222 m a side around the centre. */
const square: GeofenceShape = {
  type: "polygon",
  points: [
    [51.999, 3.9984],
    [51.999, 4.0016],
    [52.001, 4.0016],
    [52.001, 3.9984],
  ],
};

describe("geofence geometry", () => {
  it("measures great-circle distances in metres", () => {
    expect(distanceM(52, 4, 52, 4)).toBe(0);
    expect(distanceM(52, 4, north(1000).lat, 4)).toBeCloseTo(1000, 0);
    // One degree of longitude at the equator is about 111.2 km.
    expect(distanceM(0, 0, 0, 1) / 1000).toBeCloseTo(111.2, 1);
  });

  it("signs the distance to a circle: negative inside, positive outside", () => {
    expect(signedDistanceM(circle, north(150).lat, north(150).lon)).toBeCloseTo(-50, 0);
    expect(signedDistanceM(circle, north(260).lat, north(260).lon)).toBeCloseTo(60, 0);
  });

  it("signs the distance to a polygon's nearest edge", () => {
    // The east and west edges (0.0016° of longitude at 52° N, about 109.5 m) are nearer than the north and south ones.
    expect(signedDistanceM(square, CENTRE.lat, CENTRE.lon)).toBeCloseTo(-109.5, 0);
    expect(signedDistanceM(square, north(161).lat, CENTRE.lon)).toBeCloseTo(50, 0);
    expect(signedDistanceM(square, north(61).lat, CENTRE.lon)).toBeCloseTo(-50, 0);
  });

  it("rejects polygons with too few distinct points or crossing edges", () => {
    expect(polygonIssue(square.type === "polygon" ? square.points : [])).toBeNull();
    expect(
      polygonIssue([
        [1, 1],
        [1, 1],
        [2, 2],
      ]),
    ).toMatch(/3 distinct/);
    // A bow tie: the edges (0,0)-(1,1) and (1,0)-(0,1) cross.
    expect(
      polygonIssue([
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 1],
      ]),
    ).toMatch(/must not cross/);
  });
});

describe("geofence hysteresis", () => {
  const h = { bufferM: 20, fixes: 2 };
  const run = (state: GeoState, fixes: [number, number][]) => {
    const changes: string[] = [];
    for (const [ts, m] of fixes) {
      const step = stepGeofence(state, circle, { ts, ...north(m) }, h);
      state = step.state;
      if (step.change) changes.push(`${ts}:${step.change}`);
    }
    return { state, changes };
  };

  it("settles the first side silently, then needs consecutive fixes past the buffer to change it", () => {
    const { state, changes } = run(unknownGeoState(), [
      [1, 400],
      [2, 390], // settled outside
      [3, 150], // one fix inside is not enough
      [4, 390], // back outside: the streak resets
      [5, 150],
      [6, 140], // entered, since the first of the two fixes
    ]);
    expect(changes).toEqual(["2:settled", "6:entered"]);
    expect(state).toMatchObject({ inside: true, enteredAt: 5 });
  });

  it("ignores jitter inside the buffer band either side of the boundary", () => {
    const outside = run(unknownGeoState(), [
      [1, 400],
      [2, 400],
    ]).state;
    const { state, changes } = run(
      outside,
      [185, 215, 190, 210, 195, 205, 181, 219].map((m, i) => [10 + i, m] as [number, number]),
    );
    expect(changes).toEqual([]);
    expect(state.inside).toBe(false);
  });

  it("ignores a fix that is not newer than the newest one evaluated", () => {
    const inside = run(unknownGeoState(), [
      [10, 100],
      [11, 100],
    ]).state;
    const { state, changes } = run(inside, [
      [5, 500],
      [6, 500],
      [11, 500],
    ]);
    expect(changes).toEqual([]);
    expect(state).toBe(inside);
  });
});

import { z } from "@hono/zod-openapi";
import { polygonIssue } from "../domain/geo";

const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);

const Circle = z
  .strictObject({
    type: z.literal("circle"),
    lat: Lat,
    lon: Lon,
    radiusM: z.number().min(10).max(100_000).openapi({ description: "Radius in metres" }),
  })
  .openapi("GeofenceCircle");

const Polygon = z
  .strictObject({
    type: z.literal("polygon"),
    points: z
      .array(z.tuple([Lat, Lon]))
      .min(3)
      .max(500)
      .openapi({ description: "Corners as [lat, lon], in order; the last joins the first" }),
  })
  .superRefine((shape, ctx) => {
    const issue = polygonIssue(shape.points);
    if (issue) ctx.addIssue({ code: "custom", path: ["points"], message: issue });
  })
  .openapi("GeofencePolygon");

export const GeofenceShapeSchema = z.discriminatedUnion("type", [Circle, Polygon]).openapi("GeofenceShape");

const fields = {
  name: z.string().trim().min(1).max(120),
  tags: z
    .array(z.string().trim().min(1).max(40))
    .max(20)
    .refine((tags) => new Set(tags).size === tags.length, "Tags must be unique"),
};

export const CreateGeofenceBody = z
  .strictObject({ name: fields.name, tags: fields.tags.default([]), shape: GeofenceShapeSchema })
  .openapi("CreateGeofence");

export const PatchGeofenceBody = z
  .strictObject({ name: fields.name.optional(), tags: fields.tags.optional(), shape: GeofenceShapeSchema.optional() })
  .openapi("PatchGeofence");

export const GeofenceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tags: z.array(z.string()),
    shape: GeofenceShapeSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Geofence");

export const GeofenceListSchema = z.object({ items: z.array(GeofenceSchema) }).openapi("GeofenceList");

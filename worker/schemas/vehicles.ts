import { z } from "@hono/zod-openapi";
import { GroupList } from "./groups";

const Meter = z.number().finite().min(0).max(1e8);
const fields = {
  name: z.string().trim().min(1).max(120),
  vin: z
    .string()
    .regex(/^[A-HJ-NPR-Z0-9]{11,17}$/i, "11–17 characters, no I, O or Q")
    .nullable(),
  type: z.string().trim().min(1).max(40).nullable().openapi({ example: "truck" }),
  odometerKm: Meter.nullable(),
  engineHours: Meter.nullable(),
  driverId: z.string().min(1).max(64).nullable(),
};

export const CreateVehicleBody = z
  .strictObject({
    externalId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w.:-]+$/, "Letters, digits and . _ : -")
      .openapi({ example: "TRUCK-042" }),
    name: fields.name,
    vin: fields.vin.optional(),
    type: fields.type.optional(),
    odometerKm: fields.odometerKm.optional(),
    engineHours: fields.engineHours.optional(),
    driverId: fields.driverId.optional(),
    groups: GroupList.optional(),
  })
  .openapi("CreateVehicle");

export const PatchVehicleBody = z
  .strictObject({
    name: fields.name.optional(),
    vin: fields.vin.optional(),
    type: fields.type.optional(),
    driverId: fields.driverId.optional(),
    odometerKm: fields.odometerKm.optional(),
    engineHours: fields.engineHours.optional(),
    groups: GroupList.optional(),
  })
  .openapi("PatchVehicle");

export const VehicleSchema = z
  .object({
    id: z.string(),
    externalId: z.string(),
    name: z.string(),
    vin: z.string().nullable(),
    type: z.string().nullable(),
    odometerKm: z.number().nullable(),
    engineHours: z.number().nullable(),
    driverId: z.string().nullable(),
    groups: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Vehicle");

const ModelRiskFields = {
  score: z.number().nullable().openapi({ description: "Probability of failure within the horizon, 0..1" }),
  label: z.enum(["low", "elevated", "high"]).nullable(),
  horizon: z.string().nullable().openapi({ example: "30 cycles" }),
  rulCycles: z.number().optional().openapi({ description: "Estimated remaining useful life (cycles, capped at 125); engine model only" }),
  modelVersion: z.string().nullable(),
  at: z.string().nullable(),
  topFeatures: z.array(z.object({ name: z.string(), contribution: z.number() })).nullable(),
};

export const ModelRiskSchema = z
  .object({
    score: z.number(),
    label: z.enum(["low", "elevated", "high"]),
    horizon: z.string(),
    rulCycles: ModelRiskFields.rulCycles,
    modelVersion: z.string(),
    at: z.string(),
    topFeatures: z.array(z.object({ name: z.string(), contribution: z.number() })),
  })
  .openapi("ModelRisk");

export const RiskSchema = z
  .object({
    ...ModelRiskFields,
    models: z.array(ModelRiskSchema).openapi({
      description:
        "Every edge model that has scored the vehicle (engine health over a window, per-reading machine classifier); the main fields repeat the one highest relative to its own alert threshold",
    }),
  })
  .openapi("Risk");

export const VehicleDetail = VehicleSchema.extend({
  latest: z
    .object({
      ts: z.string().openapi({ description: "The newest event's time" }),
      readings: z
        .record(z.string(), z.number())
        .openapi({ description: "Each reading's newest value by event time, whatever event carried it" }),
      readingTs: z.record(z.string(), z.string()).openapi({
        description: "Per reading, the time of the event that carried its value",
        example: { odometerKm: "2026-11-21T22:40:00.000Z" },
      }),
      dtc: z.array(z.string()).openapi({ description: "The newest dtc list reported ([] before any)" }),
    })
    .nullable()
    .openapi({ description: "Latest telemetry merged across events, null before any arrives" }),
  risk: RiskSchema,
}).openapi("VehicleDetail");

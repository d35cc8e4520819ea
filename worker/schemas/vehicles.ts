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

const Label = z.enum(["low", "elevated", "high"]);
const Evidence = z.array(
  z.object({
    name: z
      .string()
      .openapi({ description: "In a fleet manager's words", example: "coolant 9 °C above this engine's normal at this load" }),
    contribution: z.number(),
  }),
);

export const ComponentRiskSchema = z
  .object({
    component: z.enum(["cooling", "charging", "brakes", "tyres", "engine"]),
    score: z.number().openapi({ description: "Probability of needing the workshop within 30 days, 0..1" }),
    score7d: z.number().openapi({ description: "The same within 7 days" }),
    label: Label,
    confidence: z.number().openapi({ description: "0..1: missing readings and short history lower it" }),
    dueDate: z.string().nullable().openapi({ description: "Expected date of reaching the service limit (wear), ISO; null otherwise" }),
    evidence: Evidence,
  })
  .openapi("ComponentRisk");

export const RiskSchema = z
  .object({
    score: z.number().nullable().openapi({ description: "Probability of a failure needing the workshop within the horizon, 0..1" }),
    score7d: z.number().nullable().openapi({ description: "The same within 7 days" }),
    label: Label.nullable(),
    horizon: z.string().nullable().openapi({ example: "30 days" }),
    horizonDays: z.number().int().nullable().openapi({ example: 30 }),
    confidence: z.number().nullable(),
    modelVersion: z.string().nullable(),
    at: z.string().nullable(),
    topFeatures: Evidence.nullable(),
    components: z.array(ComponentRiskSchema).openapi({
      description: "Per component (cooling, charging, brakes, tyres, engine/fault codes); score = 1 − Π(1 − component score)",
    }),
  })
  .openapi("Risk");

/** A listed vehicle with its risk (null fields before any scoring). */
export const VehicleWithRisk = VehicleSchema.extend({ risk: RiskSchema }).openapi("VehicleWithRisk");

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

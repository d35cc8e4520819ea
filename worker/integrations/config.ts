import { z } from "@hono/zod-openapi";
import type { Vendor } from "../db/schema";

/**
 * The credentials an admin stores per vendor (`PUT /api/integrations/:vendor`), validated
 * strictly; they are kept only as `encryptSecret(JSON.stringify(config))`.
 */

// Samsara's portal shows the webhook secret base64-encoded; the HMAC key is the decoded bytes.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const SamsaraConfigSchema = z
  .strictObject({
    secret: z
      .string()
      .min(4)
      .max(512)
      .regex(BASE64, "Must be the base64 secret Samsara shows for the webhook")
      .openapi({ description: "The webhook's secret key as Samsara shows it (base64)", example: "c2VjcmV0LWtleS1mcm9tLXNhbXNhcmE=" }),
  })
  .openapi("SamsaraConfig");

export const MotiveConfigSchema = z
  .strictObject({
    secret: z.string().min(8).max(256).openapi({ description: "The company webhook's shared secret", example: "8cbd43f98ba1e33c28c9" }),
    units: z
      .enum(["imperial", "metric"])
      .default("imperial")
      .openapi({ description: "Units of the Motive account (its webhooks carry no unit field): miles/mph or km/km/h" }),
  })
  .openapi("MotiveConfig");

export const GeotabConfigSchema = z
  .strictObject({
    server: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$/, "A host name such as my.geotab.com")
      .openapi({ example: "my.geotab.com" }),
    database: z.string().min(1).max(128).openapi({ example: "acme_fleet" }),
    userName: z.string().min(1).max(256).openapi({ example: "api@acme.example" }),
    password: z.string().min(1).max(256),
  })
  .openapi("GeotabConfig");

export type SamsaraConfig = z.infer<typeof SamsaraConfigSchema>;
export type MotiveConfig = z.infer<typeof MotiveConfigSchema>;
export type GeotabConfig = z.infer<typeof GeotabConfigSchema>;

export interface VendorConfigs {
  samsara: SamsaraConfig;
  motive: MotiveConfig;
  geotab: GeotabConfig;
}

export const CONFIG_SCHEMAS = {
  samsara: SamsaraConfigSchema,
  motive: MotiveConfigSchema,
  geotab: GeotabConfigSchema,
} satisfies Record<Vendor, z.ZodType>;

import { z } from "@hono/zod-openapi";
import { isValidTimeZone } from "../domain/time-zone";

/** The one time-zone field of the API (quiet hours, technicians, analytics and reports): an IANA name. */
export const TimeZone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, "An IANA time zone name such as Europe/Berlin")
  .openapi({ example: "Europe/Berlin" });

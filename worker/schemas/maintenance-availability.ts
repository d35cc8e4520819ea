import { z } from "@hono/zod-openapi";
import { IsoDate } from "./common";
import { Id } from "./maintenance";

/** GET /api/maintenance/availability: the free, bookable time of the shop (docs/api.md). */
/** The longest horizon availability answers for: two calendar weeks. */
export const AVAILABILITY_MAX_DAYS = 14;

export const AvailabilityQuery = z
  .object({
    from: IsoDate.openapi({ description: "Bookings start at or after this time", example: "2026-03-02T00:00:00Z" }),
    to: IsoDate.openapi({ description: `Bookings end by this time; at most ${AVAILABILITY_MAX_DAYS} days after from` }),
    durationMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional()
      .openapi({ description: "Length of the booking. Default: the work order's duration, else 60" }),
    workOrderId: Id.optional().openapi({
      description: "The work order to book: its vehicle must be free, its skill is required, its own booking is ignored",
    }),
    technicianId: Id.optional(),
    bayId: Id.optional(),
  })
  .superRefine((q, ctx) => {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (Number.isNaN(from) || Number.isNaN(to)) return;
    if (!(to > from)) ctx.addIssue({ code: "custom", path: ["to"], message: "Must be after from" });
    else if (to - from > AVAILABILITY_MAX_DAYS * 86_400_000)
      ctx.addIssue({ code: "custom", path: ["to"], message: `At most ${AVAILABILITY_MAX_DAYS} days after from` });
  });

export const AvailabilitySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    durationMinutes: z.number(),
    stepMinutes: z.number().openapi({ description: "Bookable starts are multiples of this many minutes (UTC)" }),
    workOrderId: z.string().nullable(),
    items: z.array(
      z
        .object({
          technicianId: z.string().nullable(),
          bayId: z.string().nullable(),
          start: z.string(),
          end: z.string(),
        })
        .openapi({
          description:
            "A free interval: a booking of durationMinutes may start at any step-aligned time from start until end − durationMinutes",
        }),
    ),
  })
  .openapi("MaintenanceAvailability");

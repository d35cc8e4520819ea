/** Request and response shapes of engagement: leaderboard, badges, opt-out, tenant settings. */
import { z } from "@hono/zod-openapi";
import { LEADERBOARD_KINDS } from "../services/engagement-leaderboard";

export const LeaderboardQuery = z.object({
  kind: z.enum(LEADERBOARD_KINDS).default("drivers").openapi({ description: "Which board" }),
});

export const BadgeViewSchema = z.object({ id: z.string(), name: z.string(), awardedAt: z.string() }).openapi("BadgeAward");

export const LeaderboardSchema = z
  .object({
    kind: z.enum(LEADERBOARD_KINDS),
    hidden: z.boolean().openapi({ description: "The tenant hides the board: drivers and technicians get no items" }),
    items: z.array(
      z.object({
        rank: z.number().int(),
        userId: z.string(),
        name: z.string(),
        points: z.number().int(),
        badges: z.array(BadgeViewSchema),
        streak: z
          .number()
          .int()
          .openapi({ description: "Drivers: days since the last safety alert; technicians: consecutive on-time completions" }),
        safetyScore: z
          .number()
          .nullable()
          .optional()
          .openapi({ description: "Drivers: 100 − 10 × safety alerts per 100 km over 30 days (≥ 0); null without km" }),
      }),
    ),
  })
  .openapi("Leaderboard");

export const UserBadgesSchema = z.object({ userId: z.string(), badges: z.array(BadgeViewSchema) }).openapi("UserBadges");

export const OwnEngagementSchema = z
  .object({
    userId: z.string(),
    optedOut: z.boolean(),
    points: z.number().int(),
    badges: z.array(BadgeViewSchema),
    streak: z.number().int().nullable(),
    safetyScore: z.number().nullable(),
  })
  .openapi("OwnEngagement");

export const OwnEngagementBody = z
  .strictObject({ optedOut: z.boolean().openapi({ description: "Leave the leaderboard, keep badges private, earn nothing while set" }) })
  .openapi("EngagementChoice");

export const EngagementSettingsSchema = z.object({ leaderboardHidden: z.boolean() }).openapi("EngagementSettings");
export const EngagementSettingsBody = z.strictObject({ leaderboardHidden: z.boolean() }).openapi("EngagementSettingsBody");

export const BadgeCatalogSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(["driver", "technician"]),
        criteria: z.string(),
        bonusPoints: z.number().int(),
      }),
    ),
    points: z.object({ safeDay: z.number().int(), workOrder: z.number().int(), onTimeBonus: z.number().int() }),
  })
  .openapi("BadgeCatalog");

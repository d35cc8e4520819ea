/** The vocabulary of explained notification decisions (docs/notifications-routing.md). */
export const DECISION_OUTCOMES = ["told", "held", "skipped"] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const DECISION_REASONS = [
  /** told on a channel the user's preferences name; skipped: channels the preferences leave out */
  "preference",
  "escalation",
  "fallback",
  "quiet_hours",
  "grouped",
  "digest",
  "snoozed",
  "silenced",
  "group_scope",
  "cancelled",
  "failed",
  "dead",
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

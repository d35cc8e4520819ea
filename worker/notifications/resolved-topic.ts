/**
 * What sending needs to know of "resolved" notices (./resolved.ts plans them): their topic, and
 * whether one is still news. A module of its own so the send-time checks (./cancellation.ts) do
 * not depend on the planners.
 */
export const RESOLVED_TOPIC = "alert.resolved";

/** Send-time check for a resolved notice: the alert is still resolved (a resolved alert takes no further change). */
export const resolvedStillNews = (alert: { status: string } | undefined) => alert?.status === "resolved";

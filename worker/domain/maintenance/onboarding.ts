/**
 * Fleet onboarding: a plan applied to a vehicle that already ran past the plan's first due point
 * (a 120,000 km truck under a 15,000 km plan) owes no service for those crossings until the
 * manager says when it was last serviced (a baseline) or confirms it as overdue. Pure.
 */
import { dueState, planStartBaseline, type Meters, type PlanInterval } from "./intervals";

/** When a plan first applied to a vehicle, with the vehicle's meters then (null: unknown). */
export interface PlanStart extends Meters {
  appliedAt: number;
  confirmedAt: number | null;
}

/**
 * True while the pair has no service recorded (no baseline either), was already past its first
 * due point when the plan applied, and no manager confirmed it: it shows `overdue` with
 * `baselineMissing`, and neither reminders nor plan work orders follow.
 */
export function baselineMissing(plan: PlanInterval & { createdAt: number }, start: PlanStart | undefined, hasService: boolean): boolean {
  if (hasService || !start || start.confirmedAt != null) return false;
  return dueState(plan, planStartBaseline(plan.createdAt), start, start.appliedAt).status === "overdue";
}

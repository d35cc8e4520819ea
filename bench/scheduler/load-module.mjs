// The scheduler the API uses (worker/domain/maintenance/scheduler.ts), bundled and imported.
import path from "node:path";
import { loadTs, ROOT } from "../lib/load-ts.mjs";

export { ROOT };
export const SCHEDULER_ENTRY = path.join(ROOT, "worker/domain/maintenance/scheduler.ts");

/** The scheduler module's exports (`autoSchedule`, `buildGrid`, `verifySchedule`, …). */
export const loadScheduler = () => loadTs("worker/domain/maintenance/scheduler.ts");

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Booking } from "../../worker/domain/maintenance/booking";
import type { WorkOrderPriority } from "../../worker/domain/maintenance/lifecycle";
import {
  autoSchedule,
  scheduleInOrder,
  scheduleObjective,
  verifySchedule,
  type SchedulerInput,
  type SchedulerTechnician,
  type SchedulerWorkOrder,
} from "../../worker/domain/maintenance/scheduler";

const H = 3_600_000;
const MON = Date.parse("2026-01-05T00:00:00Z"); // Monday; UTC technicians unless stated
const at = (hours: number) => MON + hours * H;
const iso = (ms: number) => new Date(ms).toISOString();
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

const tech = (id: string, skills: string[] = ["general"], extra: Partial<SchedulerTechnician> = {}): SchedulerTechnician => ({
  id,
  name: id,
  skills,
  shifts: weekdays("08:00", "16:00"),
  timeZone: "UTC",
  ...extra,
});
const wo = (id: string, extra: Partial<SchedulerWorkOrder> = {}): SchedulerWorkOrder => ({
  id,
  vehicleId: `veh_${id}`,
  priority: "normal",
  dueDate: null,
  durationMinutes: 60,
  skill: null,
  ...extra,
});
const input = (extra: Partial<SchedulerInput>): SchedulerInput => ({
  from: MON,
  to: MON + 7 * 24 * H,
  workOrders: [],
  technicians: [tech("tec_a")],
  bays: [],
  bookings: [],
  ...extra,
});

describe("auto-scheduler: constraints", () => {
  it("places work orders inside shifts, one at a time per technician, earliest first", () => {
    const problem = input({ workOrders: [wo("w1"), wo("w2"), wo("w3", { durationMinutes: 90 })] });
    const result = autoSchedule(problem);
    expect(verifySchedule(problem, result)).toEqual([]);
    expect(result.unscheduled).toEqual([]);
    expect(result.scheduled.map((p) => [iso(p.start), iso(p.end)])).toEqual([
      ["2026-01-05T08:00:00.000Z", "2026-01-05T09:00:00.000Z"],
      ["2026-01-05T09:00:00.000Z", "2026-01-05T10:00:00.000Z"],
      ["2026-01-05T10:00:00.000Z", "2026-01-05T11:30:00.000Z"],
    ]);
  });

  it("reads shifts in the technician's time zone", () => {
    const problem = input({ technicians: [tech("tec_ny", ["general"], { timeZone: "America/New_York" })], workOrders: [wo("w1")] });
    expect(autoSchedule(problem).scheduled[0]).toMatchObject({ start: at(13), end: at(14) }); // 08:00 EST = 13:00Z
  });

  it("gives a skilled job only to a technician with the skill, and says when nobody has it", () => {
    const problem = input({
      technicians: [tech("tec_a"), tech("tec_b", ["general", "brakes"])],
      workOrders: [wo("w1", { skill: "Brakes" }), wo("w2", { skill: "welding" })],
    });
    const result = autoSchedule(problem);
    expect(result.scheduled).toEqual([{ workOrderId: "w1", technicianId: "tec_b", bayId: null, start: at(8), end: at(9) }]);
    expect(result.unscheduled).toEqual([{ workOrderId: "w2", reason: 'No technician has the skill "welding".' }]);
  });

  it("prefers the least versatile technician so the specialist stays free", () => {
    const problem = input({
      technicians: [tech("tec_a", ["general", "brakes", "electrical"]), tech("tec_b", ["general"])],
      workOrders: [wo("w1"), wo("w2", { skill: "brakes" })],
    });
    const result = autoSchedule(problem);
    expect(result.scheduled.find((p) => p.workOrderId === "w1")).toMatchObject({ technicianId: "tec_b", start: at(8) });
    expect(result.scheduled.find((p) => p.workOrderId === "w2")).toMatchObject({ technicianId: "tec_a", start: at(8) });
  });

  it("never puts more jobs in a bay than its capacity, and assigns a bay whenever the shop has bays", () => {
    const problem = input({
      technicians: [tech("tec_a"), tech("tec_b"), tech("tec_c")],
      bays: [{ id: "bay_1", capacity: 2 }],
      workOrders: [wo("w1"), wo("w2"), wo("w3")],
    });
    const result = autoSchedule(problem);
    expect(verifySchedule(problem, result)).toEqual([]);
    expect(result.scheduled.every((p) => p.bayId === "bay_1")).toBe(true);
    expect(result.scheduled.filter((p) => p.start === at(8))).toHaveLength(2);
    expect(result.scheduled.filter((p) => p.start === at(9))).toHaveLength(1);
  });

  it("works around existing bookings of technicians, bays and vehicles", () => {
    const bookings: Booking[] = [
      { workOrderId: "old_1", vehicleId: "veh_x", technicianId: "tec_a", bayId: null, start: at(8), end: at(10) },
      { workOrderId: "old_2", vehicleId: "veh_shared", technicianId: null, bayId: null, start: at(10), end: at(12) },
    ];
    const problem = input({ bookings, workOrders: [wo("w1", { vehicleId: "veh_shared" })] });
    const result = autoSchedule(problem);
    expect(verifySchedule(problem, result)).toEqual([]);
    expect(result.scheduled[0]).toMatchObject({ start: at(12), end: at(13) });
  });

  it("never books one vehicle twice at once", () => {
    const problem = input({
      technicians: [tech("tec_a"), tech("tec_b")],
      workOrders: [wo("w1", { vehicleId: "veh_1" }), wo("w2", { vehicleId: "veh_1" })],
    });
    const result = autoSchedule(problem);
    expect(verifySchedule(problem, result)).toEqual([]);
    const [a, b] = result.scheduled;
    expect(a!.end <= b!.start || b!.end <= a!.start).toBe(true);
  });

  it("explains what is missing when a job cannot be placed", () => {
    const full = input({
      to: MON + 24 * H,
      bookings: [{ workOrderId: "old", vehicleId: "veh_o", technicianId: "tec_a", bayId: null, start: at(8), end: at(16) }],
      workOrders: [wo("w1")],
    });
    expect(autoSchedule(full).unscheduled[0]!.reason).toMatch(/^No technician has 60 consecutive free minutes within a shift/);
    const long = input({ workOrders: [wo("w1", { durationMinutes: 9 * 60 })] });
    expect(autoSchedule(long).unscheduled[0]!.reason).toMatch(/540 consecutive free minutes/);
    const noBay = input({
      to: MON + 24 * H,
      bays: [{ id: "bay_1", capacity: 1 }],
      technicians: [tech("tec_a"), tech("tec_b")],
      bookings: [{ workOrderId: "old", vehicleId: "veh_o", technicianId: "tec_b", bayId: "bay_1", start: at(8), end: at(16) }],
      workOrders: [wo("w1")],
    });
    expect(autoSchedule(noBay).unscheduled[0]!.reason).toMatch(/^Every bay is full/);
    expect(autoSchedule(input({ technicians: [], workOrders: [wo("w1")] })).unscheduled[0]!.reason).toBe("The shop has no technicians.");
  });
});

describe("auto-scheduler: objective", () => {
  it("orders by priority when due dates tie", () => {
    const due = at(9);
    const problem = input({
      workOrders: [wo("low", { priority: "low", dueDate: due }), wo("urgent", { priority: "urgent", dueDate: due })],
    });
    const result = autoSchedule(problem);
    expect(result.scheduled.map((p) => p.workOrderId)).toEqual(["urgent", "low"]);
    expect(result.objective.weightedLatenessHours).toBe(1); // the low one, weight 1, one hour late
  });

  it("does not put an urgent job with slack ahead of a low one that would then be late", () => {
    const problem = input({
      workOrders: [wo("urgent", { priority: "urgent", dueDate: at(16) }), wo("low", { priority: "low", dueDate: at(9) })],
    });
    const result = autoSchedule(problem);
    expect(result.objective.weightedLatenessHours).toBe(0);
    expect(result.scheduled.find((p) => p.workOrderId === "low")).toMatchObject({ start: at(8) });
  });

  it("weighs lateness by priority (urgent 8, high 4, normal 2, low 1)", () => {
    // One slot before the shared due time: the heavier job gets it.
    const problem = input({
      workOrders: [wo("normal", { priority: "normal", dueDate: at(9) }), wo("high", { priority: "high", dueDate: at(9) })],
    });
    const result = autoSchedule(problem);
    expect(result.scheduled[0]!.workOrderId).toBe("high");
    expect(result.objective.weightedLatenessHours).toBe(2);
  });

  it("puts a vehicle's jobs back to back when that costs no lateness (less downtime)", () => {
    const problem = input({
      technicians: [tech("tec_a"), tech("tec_b")],
      workOrders: [
        wo("w1", { vehicleId: "veh_1", priority: "urgent" }),
        wo("w2", { vehicleId: "veh_2", priority: "high" }),
        wo("w3", { vehicleId: "veh_2", priority: "high" }),
        wo("w4", { vehicleId: "veh_1", priority: "low" }),
      ],
    });
    const result = autoSchedule(problem);
    expect(verifySchedule(problem, result)).toEqual([]);
    expect(result.objective.downtimeHours).toBe(4); // two vehicles, two hours each, no gaps
  });

  it("scores any schedule the same way (scheduleObjective agrees with the result)", () => {
    const problem = input({
      workOrders: [wo("a", { dueDate: at(8.5), priority: "high" }), wo("b", { dueDate: at(8.5) }), wo("c", { vehicleId: "veh_a" })],
    });
    const result = autoSchedule(problem);
    expect(scheduleObjective(problem, result.scheduled)).toEqual(result.objective);
  });

  it("is never worse than the plain priority-then-due order it starts from", () => {
    fc.assert(
      fc.property(arbProblem, (problem) => {
        const byPriority = [...problem.workOrders]
          .sort(
            (a, b) =>
              weight[b.priority] - weight[a.priority] || (a.dueDate ?? Infinity) - (b.dueDate ?? Infinity) || (a.id < b.id ? -1 : 1),
          )
          .map((w) => w.id);
        const baseline = scheduleInOrder(problem, byPriority).objective;
        const best = autoSchedule({ ...problem, maxEvaluations: 40 }).objective;
        expect(best.weightedLatenessHours + best.unscheduledPenalty).toBeLessThanOrEqual(
          baseline.weightedLatenessHours + baseline.unscheduledPenalty + 1e-6,
        );
      }),
      { numRuns: 60 },
    );
  });
});

const weight: Record<WorkOrderPriority, number> = { urgent: 8, high: 4, normal: 2, low: 1 };

/** Small random shops: 1–4 technicians in several zones, 0–2 bays, up to 14 jobs, some bookings. */
const arbProblem = fc
  .record({
    techs: fc.array(
      fc.record({
        skills: fc.subarray(["general", "brakes", "electrical"], { minLength: 1 }),
        zone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"),
        start: fc.constantFrom("06:00", "08:00", "13:30", "22:00"),
        end: fc.constantFrom("12:00", "16:00", "18:45", "06:00"),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    bays: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
    jobs: fc.array(
      fc.record({
        vehicle: fc.integer({ min: 0, max: 4 }),
        priority: fc.constantFrom<WorkOrderPriority>("urgent", "high", "normal", "low"),
        dueH: fc.option(fc.integer({ min: -24, max: 72 })),
        minutes: fc.integer({ min: 1, max: 16 }).map((q) => q * 15 - (q % 3 === 0 ? 5 : 0)),
        skill: fc.constantFrom(null, "general", "brakes", "electrical", "welding"),
      }),
      { maxLength: 14 },
    ),
    booked: fc.array(
      fc.record({
        tech: fc.integer({ min: 0, max: 3 }),
        vehicle: fc.integer({ min: 0, max: 4 }),
        bay: fc.integer({ min: -1, max: 1 }),
        startH: fc.integer({ min: 0, max: 60 }),
        hours: fc.integer({ min: 1, max: 4 }),
      }),
      {
        maxLength: 4,
      },
    ),
  })
  .map(({ techs, bays, jobs, booked }): SchedulerInput => {
    const technicians = techs.map((t, i) => ({
      id: `tec_${i}`,
      name: `T${i}`,
      skills: t.skills,
      timeZone: t.zone,
      shifts: [1, 2, 3].map((weekday) => ({ weekday, start: t.start, end: t.end === t.start ? "23:00" : t.end })),
    }));
    const bayList = bays.map((capacity, i) => ({ id: `bay_${i}`, capacity }));
    return {
      from: MON,
      to: MON + 3 * 24 * H,
      technicians,
      bays: bayList,
      workOrders: jobs.map((j, i) => ({
        id: `wo_${i}`,
        vehicleId: `veh_${j.vehicle}`,
        priority: j.priority,
        dueDate: j.dueH === null ? null : at(j.dueH),
        durationMinutes: j.minutes,
        skill: j.skill,
      })),
      bookings: booked.map((b, i) => ({
        workOrderId: `old_${i}`,
        vehicleId: `veh_${b.vehicle}`,
        technicianId: technicians[b.tech % technicians.length]!.id,
        bayId: b.bay >= 0 && bayList[b.bay] ? bayList[b.bay]!.id : null,
        start: at(b.startH),
        end: at(b.startH + b.hours),
      })),
    };
  });

describe("auto-scheduler: properties", () => {
  it("never produces a schedule that breaks a booking rule, and lists every work order exactly once", () => {
    fc.assert(
      fc.property(arbProblem, (problem) => {
        const result = autoSchedule({ ...problem, maxEvaluations: 30 });
        expect(verifySchedule(problem, result)).toEqual([]);
        expect(result.scheduled.length + result.unscheduled.length).toBe(problem.workOrders.length);
        for (const u of result.unscheduled) expect(u.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it("is deterministic: the same input — even listed in another order — gives the same schedule", () => {
    fc.assert(
      fc.property(arbProblem, fc.integer(), (problem, seed) => {
        const shuffle = <T>(list: readonly T[]) => {
          let a = seed >>> 0;
          return [...list]
            .map((x) => {
              a = (a * 1_103_515_245 + 12_345) >>> 0;
              return { x, k: a };
            })
            .sort((p, q) => p.k - q.k)
            .map((p) => p.x);
        };
        const first = autoSchedule({ ...problem, maxEvaluations: 30 });
        const again = autoSchedule({ ...problem, maxEvaluations: 30 });
        const shuffled = autoSchedule({
          ...problem,
          workOrders: shuffle(problem.workOrders),
          technicians: shuffle(problem.technicians),
          bays: shuffle(problem.bays),
          maxEvaluations: 30,
        });
        expect(again).toEqual(first);
        const key = (r: typeof first) => ({
          scheduled: r.scheduled,
          unscheduled: [...r.unscheduled].sort((x, y) => (x.workOrderId < y.workOrderId ? -1 : 1)),
          objective: r.objective,
        });
        expect(key(shuffled)).toEqual(key(first));
      }),
      { numRuns: 60 },
    );
  });

  it("schedules 2,000 work orders for 50 technicians and 10 bays within the default budget, validly", () => {
    const technicians = Array.from({ length: 50 }, (_, i) =>
      tech(`tec_${String(i).padStart(2, "0")}`, i % 3 === 0 ? ["general", "brakes"] : ["general"]),
    );
    const bays = Array.from({ length: 10 }, (_, i) => ({ id: `bay_${i}`, capacity: 5 }));
    const workOrders = Array.from({ length: 2000 }, (_, i) =>
      wo(`wo_${String(i).padStart(4, "0")}`, {
        vehicleId: `veh_${i % 700}`,
        priority: (["urgent", "high", "normal", "low"] as const)[i % 4],
        dueDate: at(8 + ((i * 7) % 300)),
        durationMinutes: 30 + ((i * 13) % 6) * 30,
        skill: i % 5 === 0 ? "brakes" : null,
      }),
    );
    const problem = input({ to: MON + 14 * 24 * H, technicians, bays, workOrders });
    const result = autoSchedule(problem);
    expect(verifySchedule(problem, result)).toEqual([]);
    // 3,500 hours of work against 4,000 shift hours: nearly everything fits.
    expect(result.scheduled.length).toBeGreaterThan(1900);
  });
});

// Deterministic generated shops for the scheduler benchmark: technicians with skills and weekly
// shifts in their time zones, bays with capacities, some existing bookings, and open work orders
// with priorities, skills, durations and due dates over the horizon.

/** mulberry32: a small seeded PRNG, so every run measures the same instances. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2026-12-07 00:00 UTC: a fixed start keeps runs comparable. */
export const BENCH_FROM = Date.UTC(2026, 11, 7);
const SPECIAL_SKILLS = ["brakes", "electrical", "hydraulics", "tires", "engine"];
const ZONES = ["Europe/Berlin", "Europe/London", "UTC", "America/New_York"];

const weekdays = (days, start, end) => days.map((weekday) => ({ weekday, start, end }));

/**
 * A shop: `technicians` (5–50), `bays` (2–10), `workOrders` open work orders over `days` days.
 * `slotMinutes` makes every duration a multiple of it (30 for the exact-solver instances).
 */
export function generateShop({
  seed,
  technicians,
  bays,
  workOrders,
  days = 14,
  slotMinutes = 15,
  dueSpreadDays = days,
  bookedShare = 0.05,
  maxMinutes = 180,
  knownSkillsOnly = false,
}) {
  const r = rng(seed);
  const from = BENCH_FROM;
  const to = from + days * DAY;
  const zone = r.pick(ZONES);
  const techs = Array.from({ length: technicians }, (_, i) => {
    const skills = ["general"];
    for (const s of SPECIAL_SKILLS) if (r.next() < 0.35) skills.push(s);
    const pattern = r.next();
    const shifts =
      pattern < 0.6
        ? weekdays([1, 2, 3, 4, 5], "08:00", "16:00")
        : pattern < 0.85
          ? weekdays([1, 2, 3, 4, 5, 6], "06:00", "14:30")
          : weekdays([1, 2, 3, 4], "20:00", "06:00"); // overnight
    return { id: `tec_${String(i).padStart(3, "0")}`, name: `Tech ${i}`, skills, shifts, timeZone: r.next() < 0.8 ? zone : r.pick(ZONES) };
  });
  const bayList = Array.from({ length: bays }, (_, i) => ({
    id: `bay_${String(i).padStart(2, "0")}`,
    name: `Bay ${i}`,
    capacity: r.int(1, 3),
  }));
  const shopSkills = [...new Set(techs.flatMap((t) => t.skills))].filter((s) => s !== "general");
  const vehicles = Array.from({ length: Math.max(3, Math.ceil(workOrders / 3)) }, (_, i) => `veh_${String(i).padStart(4, "0")}`);
  const priorities = ["urgent", "high", "high", "normal", "normal", "normal", "normal", "low", "low", "low"];
  const steps = Math.max(1, Math.round(30 / slotMinutes));
  const jobs = Array.from({ length: workOrders }, (_, i) => {
    const roll = r.next();
    const special = knownSkillsOnly ? shopSkills : SPECIAL_SKILLS;
    const skill = roll < 0.55 ? null : roll < 0.7 || !special.length ? "general" : r.pick(special);
    const dueRoll = r.next();
    const dueDate =
      dueRoll < 0.1 ? null : from + Math.round((r.next() * dueSpreadDays * DAY - (dueRoll < 0.2 ? DAY : 0)) / (15 * 60_000)) * 15 * 60_000;
    return {
      id: `wo_${String(i).padStart(5, "0")}`,
      vehicleId: r.pick(vehicles),
      priority: r.pick(priorities),
      dueDate,
      durationMinutes: slotMinutes * steps * r.int(1, Math.max(1, Math.floor(maxMinutes / (slotMinutes * steps)))),
      skill,
    };
  });
  // A few fixed bookings already in the calendar (inside shifts or not: they are facts).
  const bookings = [];
  const nBooked = Math.round(workOrders * bookedShare);
  for (let i = 0; i < nBooked; i++) {
    const t = r.pick(techs);
    const start = from + r.int(0, days - 1) * DAY + r.int(8, 13) * HOUR;
    bookings.push({
      workOrderId: `wo_booked_${i}`,
      vehicleId: r.pick(vehicles),
      technicianId: t.id,
      bayId: bayList.length ? r.pick(bayList).id : null,
      start,
      end: start + r.int(1, 3) * HOUR,
    });
  }
  return { from, to, workOrders: jobs, technicians: techs, bays: bayList, bookings, slotMinutes };
}

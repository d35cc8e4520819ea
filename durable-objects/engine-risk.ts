/**
 * The engine/DTC component of a vehicle's risk: the OBD-II trouble codes the vehicle reports now.
 * A known severe code (over-temperature, low oil pressure, charging failure, misfire, …) raises
 * the risk at once; any other code counts by its standard family (SAE J2012 / ISO 15031-6: the
 * letter names the system, the digits the subsystem). The evidence names each code in words.
 */
import type { ComponentRisk } from "./vehicle-risk";

interface CodeInfo {
  meaning: string;
  /** P(a failure needing the workshop within 30 / 7 days) while the code is active. */
  p30: number;
  p7: number;
}

const code = (meaning: string, p30: number, p7 = p30 * 0.6): CodeInfo => ({ meaning, p30, p7 });

/** Known severe and common codes. The probabilities are priors, recalibrated by the fleet's own outcomes. */
export const KNOWN_CODES: Record<string, CodeInfo> = {
  // Cooling and overheating
  P0115: code("engine coolant temperature sensor circuit fault", 0.35),
  P0116: code("engine coolant temperature sensor out of range", 0.35),
  P0117: code("engine coolant temperature sensor reading low", 0.35),
  P0118: code("engine coolant temperature sensor reading high", 0.45),
  P0125: code("coolant too cold for closed-loop fuel control", 0.3),
  P0128: code("thermostat stuck open: coolant below regulating temperature", 0.45),
  P0217: code("engine over-temperature condition", 0.9, 0.75),
  P0480: code("cooling fan 1 control circuit fault", 0.55),
  // Oil pressure
  P0520: code("engine oil pressure sensor circuit fault", 0.6),
  P0521: code("engine oil pressure out of range", 0.75, 0.55),
  P0522: code("engine oil pressure sensor reading low", 0.7, 0.5),
  P0523: code("engine oil pressure sensor reading high", 0.55),
  P0524: code("engine oil pressure too low", 0.9, 0.8),
  // Charging system
  P0562: code("system voltage low (charging)", 0.7, 0.5),
  P0563: code("system voltage high (charging)", 0.6),
  P0620: code("generator (alternator) control circuit fault", 0.7, 0.5),
  P0621: code("generator warning lamp control circuit fault", 0.55),
  P0622: code("generator field control circuit fault", 0.7, 0.5),
  // Misfires
  P0300: code("random or multiple cylinder misfire", 0.75, 0.5),
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`P030${n}`, code(`cylinder ${n} misfire`, 0.6, 0.35)])),
  // Engine timing, fuel and air
  P0016: code("crankshaft and camshaft position out of step (timing)", 0.65, 0.4),
  P0087: code("fuel rail pressure too low", 0.65, 0.45),
  P0171: code("fuel system too lean (bank 1)", 0.35),
  P0174: code("fuel system too lean (bank 2)", 0.35),
  P0299: code("turbocharger underboost", 0.55),
  P0335: code("crankshaft position sensor circuit fault (stall risk)", 0.75, 0.55),
  P0420: code("catalyst efficiency below threshold (bank 1)", 0.25, 0.1),
  P0700: code("transmission control system fault", 0.6, 0.35),
};

/** Subsystem families for codes not listed above (second and third characters of a P0 code). */
const POWERTRAIN_FAMILIES: [prefix: string, meaning: string, p30: number][] = [
  ["P00", "fuel, air metering or emission control fault", 0.25],
  ["P01", "fuel and air metering fault", 0.25],
  ["P02", "fuel injector circuit fault", 0.3],
  ["P03", "ignition system or misfire fault", 0.45],
  ["P04", "auxiliary emission control fault", 0.15],
  ["P05", "speed, idle control or auxiliary input fault", 0.25],
  ["P06", "engine computer or output circuit fault", 0.35],
  ["P07", "transmission fault", 0.4],
  ["P08", "transmission fault", 0.4],
  ["P09", "transmission fault", 0.35],
];
const SYSTEMS: Record<string, [meaning: string, p30: number]> = {
  P: ["powertrain fault", 0.25],
  C: ["chassis fault (brakes, steering or suspension)", 0.35],
  B: ["body system fault", 0.1],
  U: ["vehicle network communication fault", 0.15],
};

/** What a code means and how much risk it carries; null for a string that is not a DTC. */
export function describeCode(raw: string): (CodeInfo & { code: string }) | null {
  const dtc = raw.trim().toUpperCase();
  if (!/^[PCBU][0-9A-F]{4}$/.test(dtc)) return null;
  const known = KNOWN_CODES[dtc];
  if (known) return { code: dtc, ...known };
  const family = POWERTRAIN_FAMILIES.find(([prefix]) => dtc.startsWith(prefix));
  if (family) return { code: dtc, ...code(family[1], family[2]) };
  const [meaning, p30] = SYSTEMS[dtc[0]!]!;
  const manufacturer = dtc[1] !== "0" ? "manufacturer-specific " : "";
  return { code: dtc, ...code(`${manufacturer}${meaning}`, p30) };
}

/**
 * The engine component from the active codes: independent causes combined (1 − Π(1 − p)), each
 * code one piece of evidence in words. No codes: a small base rate, full confidence once the
 * vehicle has reported its list at least once (a vehicle that never reports codes is unknown).
 */
export function engineRisk(dtc: readonly string[], reported: boolean): ComponentRisk {
  const codes = dtc.map(describeCode).filter((c) => c !== null);
  const p30 = 1 - codes.reduce((q, c) => q * (1 - c.p30), 1 - BASE_P30);
  const p7 = 1 - codes.reduce((q, c) => q * (1 - c.p7), 1 - BASE_P30 / 4);
  const evidence = codes
    .map((c) => ({ feature: `dtc:${c.code}`, text: `fault code ${c.code}: ${c.meaning}`, contribution: round(c.p30) }))
    .sort((a, b) => b.contribution - a.contribution);
  return { component: "engine", p7, p30, confidence: reported ? 1 : 0.5, dueAt: null, evidence };
}

/** Engine failures needing the workshop within 30 days with no active code (prior; recalibrated by outcomes). */
const BASE_P30 = 0.01;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** The component a new code is evidence of, for recording it as an outcome (cooling and charging codes have their own). */
export function componentOfCode(raw: string): "cooling" | "charging" | "engine" | null {
  const dtc = raw.trim().toUpperCase();
  if (!describeCode(dtc)) return null;
  if (/^P01(1[5-9]|2[58])$|^P0217$|^P0480$/.test(dtc)) return "cooling";
  if (/^P05(62|63)$|^P062[0-2]$/.test(dtc)) return "charging";
  return "engine";
}

import { randomBytes } from "./encoding";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/**
 * Time-ordered opaque ids (`veh_01h…`): 48 bits of milliseconds then 80 random bits, so ids
 * sort by creation time and cursors over them are stable.
 */
export function newId(prefix: string, now = Date.now()): string {
  let random = "";
  for (const byte of randomBytes(16)) random += ALPHABET[byte % 32];
  return `${idsBefore(prefix, now)}${random}`;
}

/** The prefix of ids made at `time`: an id `newId(prefix, t)` sorts below it exactly when `t < time`. */
export function idsBefore(prefix: string, time: number): string {
  let encoded = "";
  for (let t = time, i = 0; i < 10; i++, t = Math.floor(t / 32)) encoded = ALPHABET[t % 32] + encoded;
  return `${prefix}_${encoded}`;
}

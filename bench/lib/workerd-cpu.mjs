import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * CPU seconds (user + system) used so far by every workerd process: the server's cost of a phase,
 * which machine noise (other tenants of the host, the client sharing the cores) moves far less than
 * its throughput.
 */
export function workerdCpuSeconds() {
  const pids = execFileSync("ps", ["-C", "workerd", "-o", "pid="], { encoding: "utf8" }).trim().split(/\s+/).filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {} // exited meanwhile
  }
  return ticks / 100; // USER_HZ
}

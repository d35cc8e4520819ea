// The processes a `wrangler dev` started, read from /proc (Linux): whose they are and what they cost.
import { readdirSync, readFileSync } from "node:fs";

export const readProc = (file) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ""; // exited meanwhile
  }
};

/** Every process below `rootPid`, found by parent pid. */
export function descendants(rootPid) {
  const parentOf = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(`/proc/${name}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid) parentOf.set(Number(name), ppid);
  }
  const found = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parentOf)
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
  }
  found.delete(rootPid);
  return [...found];
}

/** The workerd processes below `rootPid` (the runtime and wrangler's dev proxy). */
export const workerdBelow = (rootPid) => descendants(rootPid).filter((pid) => readProc(`/proc/${pid}/cmdline`).includes("workerd"));

/** CPU seconds (user + system) `pid` has used so far; 0 once it has exited. */
export function cpuSeconds(pid) {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14 and 15 of stat), USER_HZ
}

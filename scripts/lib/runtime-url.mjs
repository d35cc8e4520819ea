// The runtime's own address under `wrangler dev`. Wrangler puts a reload proxy (a second workerd
// process, with its inspector relay and the Node process behind it) in front of the runtime that
// runs the Worker; that proxy exists only in local development and stalls on its own now and then
// (BENCHMARKS.md, "The sequential tail is the dev proxy's"). The benchmarks (FleetPulse and its floor
// alike) and the browser tests address the runtime directly, so neither carries the proxy's stalls.
import { readdirSync, readlinkSync } from "node:fs";
import { readProc, workerdBelow } from "./processes.mjs";

/** TCP ports `pid` listens on (IPv4, from /proc/net/tcp and the process's socket descriptors). */
function listeningPorts(pid) {
  const inodes = new Set();
  let fds = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {} // closed meanwhile
  }
  const ports = [];
  for (const line of readProc("/proc/net/tcp").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === "0A" && inodes.has(f[9])) ports.push(parseInt(f[1].split(":")[1], 16));
  }
  return ports;
}

/**
 * The URL of the runtime that runs the Worker started by the `wrangler dev` process `wranglerPid`:
 * the workerd process with an inspector (the proxy's has none), on the port where `probePath` answers 2xx.
 */
export async function runtimeUrl(wranglerPid, probePath) {
  for (const pid of workerdBelow(wranglerPid)) {
    if (!readProc(`/proc/${pid}/cmdline`).includes("--inspector-addr")) continue;
    for (const port of listeningPorts(pid)) {
      const url = `http://127.0.0.1:${port}`;
      try {
        if ((await fetch(`${url}${probePath}`, { signal: AbortSignal.timeout(2000) })).ok) return url;
      } catch {} // not an HTTP socket (inspector, debug port)
    }
  }
  throw new Error(`no runtime below wrangler ${wranglerPid} answers ${probePath}`);
}

/**
 * `runtimeUrl`, or `proxyUrl` with a warning where the runtime cannot be found (no /proc outside
 * Linux, or a wrangler that starts its runtime differently): requests still work, through the proxy.
 */
export async function runtimeUrlOr(proxyUrl, wranglerPid, probePath) {
  try {
    return await runtimeUrl(wranglerPid, probePath);
  } catch (error) {
    console.warn(`Requests go through wrangler's dev proxy at ${proxyUrl}: ${error.message}`);
    return proxyUrl;
  }
}

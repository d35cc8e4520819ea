import { cpuSeconds, workerdBelow } from "../../scripts/lib/processes.mjs";

/**
 * CPU seconds (user + system) used so far by the workerd processes of the `wrangler dev` whose pid is
 * `wranglerPid`: the server's cost of a phase, which machine noise (other tenants of the host, the
 * client sharing the cores) moves far less than its throughput. Only that server's processes count, so
 * another server's runtime exiting during the phase cannot make the figure negative.
 */
export const workerdCpuSeconds = (wranglerPid) => workerdBelow(wranglerPid).reduce((sum, pid) => sum + cpuSeconds(pid), 0);

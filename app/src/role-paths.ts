/**
 * Where a role finds alerts and vehicles: staff use the fleet-wide screens, a driver the screens
 * of their own vehicle (`/my-alerts`, `/my-vehicle`), so links never lead a driver to a screen
 * they may not open.
 */
import type { Role } from "./api-types";
import { isStaff, session } from "./session";

const currentRole = (): Role | undefined => session.get()?.user.role;
const driver = (role = currentRole()) => role !== undefined && !isStaff(role);

export const alertsHome = (role = currentRole()) => (driver(role) ? "/my-alerts" : "/alerts");
export const alertPath = (id: string, role = currentRole()) => `${alertsHome(role)}/${encodeURIComponent(id)}`;
export const vehiclePath = (id: string, role = currentRole()) => (driver(role) ? "/my-vehicle" : `/vehicles/${encodeURIComponent(id)}`);
/** Whether the signed-in user is staff: resolving, snoozing and the notification log are theirs; a driver may acknowledge. */
export const staffUser = (role = currentRole()) => role !== undefined && isStaff(role);

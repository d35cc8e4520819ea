/** Who a user is in a tenant; stored on `users.role` and carried in JWTs and live sockets. */
export const ROLES = ["admin", "manager", "technician", "driver"] as const;
export type Role = (typeof ROLES)[number];

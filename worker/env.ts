import type { Role } from "./db/schema";

/** Who is calling, from a verified JWT. */
export interface AuthContext {
  userId: string;
  tenantId: string;
  role: Role;
  /** Set when the caller is an API key acting in the name of `userId` (services/api-keys.ts). */
  apiKeyId?: string;
}

/** Facts for the audit middleware, set by a write handler. */
export interface AuditFacts {
  action: string;
  /** Only for calls without a tenant token (platform tenant creation). */
  tenantId?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  detail?: Record<string, unknown>;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
    audit?: AuditFacts;
    /** The tenant's fleet revision, when the session check read it (vehicle-pages.ts `fleetRevisionRider`). */
    fleetRevision?: number;
    /** The tenant's alert version for both kinds of list, when the session check read it (alert-list-cache.ts `alertsVersionRider`). */
    alertsVersions?: { plain: string; withVehicles: string };
  };
}

import { tenantHub } from "../../lib/hub";

/** Silences and escalation policies are cached by the tenant's object; tell it after each change. */
export const refreshHub = (env: Env, tenantId: string) => tenantHub(env, tenantId).invalidate(tenantId);

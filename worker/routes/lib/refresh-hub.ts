import { tenantHub } from "../../lib/hub";

/** Silences, escalation policies and whether a webhook takes `alert.updated` are cached by the tenant's object; tell it after each change. */
export const refreshHub = (env: Env, tenantId: string) => tenantHub(env, tenantId).invalidate(tenantId);

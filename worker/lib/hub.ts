/** The tenant's Durable Object: one per tenant, addressed by the tenant id. */
export const tenantHub = (env: Env, tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

import { TenantHubCore } from "../../durable-objects/tenant-hub";
import { d1HubPorts } from "./ports";

/**
 * The tenant's Durable Object as wrangler.toml binds it (`TenantHub`): the object's code from
 * durable-objects/, given the Worker's D1 and fetch implementation of its ports.
 */
export class TenantHub extends TenantHubCore {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, d1HubPorts(env));
  }
}

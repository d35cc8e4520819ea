import { app } from "./app";
import { runSweep } from "./scheduled";

export { TenantHub } from "../durable-objects/tenant-hub";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runSweep(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;

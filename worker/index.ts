import { app } from "./app";
import { handleDeadLetters, handleNotificationBatch } from "./notifications/consumer";
import { runSweep } from "./scheduled";

export { TenantHub } from "./hub/tenant-hub";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) await handleDeadLetters(batch, env);
    else await handleNotificationBatch(batch, env);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runSweep(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;

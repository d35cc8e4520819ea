/**
 * Lets requests that wait for this isolate run before the next unit of background work. A loop
 * of awaited binding calls (D1, the queue) can hold the isolate for seconds — under wrangler dev
 * the queue consumer, the tenant object's alarm and the webhook share one — while a timer turn
 * between units lets a waiting request in first (BENCHMARKS.md, "Hot path").
 */
export const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

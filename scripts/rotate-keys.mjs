#!/usr/bin/env node
/**
 * npm run keys:rotate [-- --url http://127.0.0.1:8787] — re-encrypts every secret and personal
 * field under PII_ACTIVE_KEY and re-indexes every email under PII_INDEX_ACTIVE (docs/security.md,
 * "Personal data"). Calls
 * POST /api/admin/keys/rotate with PLATFORM_ADMIN_TOKEN (from the environment, else .dev.vars)
 * until nothing is left or a page makes no progress. To rotate: add a new key to PII_KEYS, make
 * it PII_ACTIVE_KEY (for the blind index: PII_INDEX_KEYS and PII_INDEX_ACTIVE), deploy, run this,
 * then remove the old key once `remaining` is 0.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flagValue, readDevVars } from "./lib/dev-vars.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const url = flagValue(args, "--url", process.env.FLEETPULSE_URL ?? "http://127.0.0.1:8787");
const token = process.env.PLATFORM_ADMIN_TOKEN ?? readDevVars(path.join(root, ".dev.vars")).PLATFORM_ADMIN_TOKEN;
if (!token) {
  console.error("keys:rotate needs PLATFORM_ADMIN_TOKEN (environment or .dev.vars)");
  process.exit(2);
}

let total = 0;
for (let page = 1; ; page++) {
  const res = await fetch(new URL("/api/admin/keys/rotate", url), { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    console.error(`keys:rotate: ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  const result = await res.json();
  const rewritten = result.reencrypted + result.reindexed + result.sealedUsers;
  total += rewritten;
  console.log(
    `page ${page}: active key ${result.activeKey}, index key ${result.activeIndexKey}, ${result.reencrypted} re-encrypted, ${result.reindexed} re-indexed, ${result.sealedUsers} users sealed, ${result.failed} failed, ${result.remaining} remaining`,
  );
  if (result.remaining === 0) break;
  if (rewritten === 0) {
    console.error(`keys:rotate: ${result.remaining} fields could not be re-encrypted (see the Worker's logs)`);
    process.exit(1);
  }
}
console.log(`keys:rotate: done, ${total} fields rewritten`);

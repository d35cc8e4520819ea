// First render of the Live alerts feed in Debian's Chromium against `wrangler dev`: navigation
// start → the region named "Live alerts" in the DOM, median of N. Cold = a fresh browser profile
// (no service worker, no HTTP cache); warm = the same profile again, the shell served by the
// service worker. The session is put in place before the page loads, as after a sign-in.
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { ROOT } from "../scripts/lib/dev-server.mjs";
import { summarize } from "./lib/stats.mjs";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

/** Runs in the page before any of its scripts: notes when the Live alerts region first exists. */
function watchForLiveRegion() {
  const seen = () => {
    for (const section of document.querySelectorAll("section[aria-labelledby]")) {
      const label = document.getElementById(section.getAttribute("aria-labelledby") ?? "");
      if (label?.textContent?.trim() === "Live alerts") return true;
    }
    return false;
  };
  new MutationObserver((_, observer) => {
    if (seen()) {
      window.__liveRegionAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true });
}

async function measure(page) {
  await page.goto("/live");
  await page.waitForFunction(() => typeof window.__liveRegionAt === "number", undefined, { timeout: 15_000 });
  return page.evaluate(() => Math.round(window.__liveRegionAt));
}

export async function firstRender({ url, tenant, user, runs = 15, log = () => {} }) {
  if (!existsSync(path.join(ROOT, "dist/app/index.html"))) throw new Error("Build the app first: npx vite build");
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  const cold = [];
  const warm = [];
  try {
    // Signed in as the app signs in: the cookie session (its HttpOnly cookies land in the context's
    // jar) and the non-secret session record the app keeps in localStorage (app/src/session.ts).
    const prepare = async (context) => {
      const res = await context.request.post(`${url}/api/auth/session`, {
        data: { tenant, email: user.email, password: user.password },
        headers: { origin: url },
      });
      if (!res.ok()) throw new Error(`sign-in → ${res.status()}`);
      const answer = await res.json();
      const session = {
        id: crypto.randomUUID(),
        user: answer.user,
        tenant,
        expiresAt: Date.parse(answer.expiresAt),
        refreshExpiresAt: Date.parse(answer.refreshExpiresAt),
      };
      await context.addInitScript((value) => localStorage.setItem("fleetpulse.session", value), JSON.stringify(session));
      await context.addInitScript(watchForLiveRegion);
    };
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
      await prepare(context);
      const page = await context.newPage();
      cold.push(await measure(page));
      await context.close();
    }
    log(`cold: ${cold.join(", ")} ms`);
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    await prepare(context);
    const page = await context.newPage();
    await measure(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
    for (let i = 0; i < runs; i++) warm.push(await measure(page));
    await context.close();
    log(`warm: ${warm.join(", ")} ms`);
  } finally {
    await browser.close();
  }
  return { cold: summarize(cold), warm: summarize(warm) };
}

export function firstRenderSection(result, { command, machine }) {
  const row = (name, s) => `| ${name} | ${s.p50} | ${s.p95} | ${s.max} | ${s.n} |`;
  return `
Navigation start → the \`Live alerts\` region rendered, in Debian's Chromium (headless) against
\`wrangler dev\` on localhost, signed in as the demo manager. Budget: < 1 s.

| load | median ms | p95 ms | max ms | runs |
|---|---|---|---|---|
${row("cold (fresh profile, no service worker)", result.cold)}
${row("warm (service worker controls the page)", result.warm)}

Command: \`${command}\` (after \`npx vite build\`). Machine: ${machine}.
`;
}

/** Shared pieces of the browser tests: Chromium, signing in, axe-core, screenshots. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page, type Request } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SCREENSHOT_DIR = path.join(ROOT, "screenshots");
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];
// Injected by evaluation, not a <script> tag: the app's CSP (script-src 'self') blocks inline scripts.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "best-practice"];

export type RoleName = "admin" | "manager" | "technician" | "driver";
export interface FleetPulseContext {
  /** The runtime that runs the Worker (scripts/lib/runtime-url.mjs): what the tests talk to. */
  url: string;
  /** APP_URL, wrangler's dev proxy in front of it: where the app sends browsers back to (single sign-on). */
  appUrl: string;
  tenant: string;
  users: Record<RoleName, { email: string; password: string }>;
  /** The demo tenant's telemetry webhook secret, to post signed telemetry like a vendor. */
  webhookSecret: string;
}

/** Admins and managers; technicians see no screen their role cannot use (Rules, Analytics). */
export const STAFF_LINKS = [
  "Overview",
  "Live alerts",
  "Alerts",
  "Vehicles",
  "Rules",
  "Geofences",
  "Maintenance",
  "Work orders",
  "Analytics",
  "Leaderboard",
  "Settings",
];
export const TECHNICIAN_LINKS = STAFF_LINKS.filter((name) => name !== "Rules" && name !== "Geofences" && name !== "Analytics");
/** Where staff land after signing in. */
export const STAFF_HOME = "/overview";
export const DRIVER_LINKS = ["My vehicle", "My alerts", "Settings"];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export function newContext(browser: Browser, ctx: FleetPulseContext, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: ctx.url, viewport: DESKTOP, ...options });
}

/**
 * One Chromium for a test file: launched before its tests (hooks registered when called at the top
 * of the file), closed after them. Each `newContext` is a fresh profile (storage, service worker).
 */
export function browserForFile(ctx: FleetPulseContext) {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
      if (!browser) throw new Error("browserForFile: Chromium is not running (call it at the top of the test file)");
      return newContext(browser, ctx, options);
    },
  };
}

/**
 * Signs in through the form and waits for the Main navigation. The form is used as soon as it is
 * there: waiting for the page's "load" (every subresource) timed out once on a slow CI host.
 */
export async function signIn(page: Page, ctx: FleetPulseContext, role: RoleName, startPath = "/") {
  await gotoExplained(page, ctx, startPath);
  await page.getByLabel("Organization", { exact: true }).fill(ctx.tenant);
  await page.getByLabel("Email", { exact: true }).fill(ctx.users[role].email);
  await page.getByLabel("Password", { exact: true }).fill(ctx.users[role].password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/**
 * `page.goto` that says why when the page does not load: which of its requests were still waiting
 * and whether the server answered the same URL from Node at that moment.
 *
 * Under `wrangler dev`, a static asset request now and then never gets its answer (seen in one
 * browser run in three: two module scripts pending for 30 s while the same server answered Node at
 * once; static assets never reach the Worker's code, `run_worker_first` in wrangler.toml). When the
 * server answers, the navigation is tried once more, and the stall is printed rather than hidden.
 */
export async function gotoExplained(page: Page, ctx: FleetPulseContext, target: string) {
  for (let attempt = 1; ; attempt++) {
    const stall = await navigationStall(page, ctx, target, attempt === 1 ? 20_000 : 30_000);
    if (!stall) return;
    if (attempt > 1 || !stall.serverAnswers) throw stall.error;
    console.warn(`${stall.error.message}\nNavigating again.`);
  }
}

/** Navigates; on a timeout, returns the explained error and whether the server answers Node. */
async function navigationStall(page: Page, ctx: FleetPulseContext, target: string, timeout: number) {
  const started = new Map<Request, number>();
  const track = (request: Request) => started.set(request, Date.now());
  const untrack = (request: Request) => started.delete(request);
  page.on("request", track);
  page.on("requestfinished", untrack);
  page.on("requestfailed", untrack);
  try {
    await page.goto(target, { waitUntil: "domcontentloaded", timeout });
    return null;
  } catch (error) {
    const pending = [...started].map(([r, at]) => `${r.method()} ${r.url()} (waiting ${Date.now() - at} ms)`);
    const probe = await fetch(new URL(target, ctx.url), { signal: AbortSignal.timeout(5000) }).then(
      (res) => res.status,
      (probeError: Error) => probeError.message,
    );
    const message = `${(error as Error).message}\nStill waiting: ${pending.join("; ") || "nothing"}\nThe same URL from Node just now: ${probe}`;
    return { error: new Error(message, { cause: error }), serverAnswers: probe === 200 };
  } finally {
    page.off("request", track);
    page.off("requestfinished", untrack);
    page.off("requestfailed", untrack);
  }
}

/** The names of the Main navigation's links, in order. */
export async function navLinkNames(page: Page): Promise<string[]> {
  const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
  return (await links.allInnerTexts()).map((text) => text.trim());
}

/** Waits until the screen has its heading and nothing is still loading. */
export async function settled(page: Page) {
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(() => !/Loading|Signing in/.test(document.querySelector("main")?.textContent ?? ""));
}

/** Runs axe-core with the project's tags and fails with a readable list of violations. */
export async function expectNoAxeViolations(page: Page, label: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary ?? ""}`),
    }));
  }, AXE_TAGS);
  expect(violations, `axe violations on ${label}:\n${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Axe at AAA under `forced-colors: active` (Windows high-contrast themes), then back to normal. */
import type { Page } from "playwright-core";
import { expectNoAxeViolations } from "./support";

export async function expectAccessibleInForcedColors(page: Page, label: string) {
  await page.emulateMedia({ forcedColors: "active" });
  await expectNoAxeViolations(page, `${label}, forced colours`);
  await page.emulateMedia({ forcedColors: "none" });
}

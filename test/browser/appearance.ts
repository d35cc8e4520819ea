/** Checks a screen in every look it has: desktop and phone width, light and dark, with and without more contrast. */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { DESKTOP, expectNoAxeViolations, PHONE, screenshot } from "./support";

/** WCAG 2.5.5 (AAA) target size: every visible control in main is at least 44 × 44 CSS px. */
export async function expectLargeTargets(page: Page, label: string) {
  const small = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>("main a[href], main button, main select, main input, main textarea, main [tabindex='0']"),
    )
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && box.height > 0 && (box.width < 44 || box.height < 44))
      .map(
        ({ el, box }) =>
          `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
      ),
  );
  expect(small, `targets under 44 px on ${label}`).toEqual([]);
}

/**
 * Axe-clean with large targets at desktop and phone width, in light and dark, each also under
 * `prefers-contrast: more`; screenshots `${name}-${desktop|phone}-${light|dark}`. Leaves the page
 * in light mode at desktop width.
 */
export async function expectEveryLookAccessible(page: Page, name: string) {
  for (const [viewport, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    for (const colorScheme of ["light", "dark"] as const) {
      const label = `${name} ${viewport} ${colorScheme}`;
      await page.emulateMedia({ colorScheme, contrast: "no-preference" });
      await expectNoAxeViolations(page, label);
      await expectLargeTargets(page, label);
      await screenshot(page, `${name}-${viewport}-${colorScheme}`);
      await page.emulateMedia({ colorScheme, contrast: "more" });
      await expectNoAxeViolations(page, `${label} more contrast`);
    }
  }
  await page.emulateMedia({ colorScheme: "light", contrast: "no-preference" });
  await page.setViewportSize(DESKTOP);
}

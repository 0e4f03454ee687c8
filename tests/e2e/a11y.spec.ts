// axe-core on the widget (its host and shadow root) for every question type, light and dark,
// on the question screen (before and after answering) and the thank-you screen.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, primary, type Kind } from "./widget";

async function axe(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).include("rapport-widget").analyze();
  const summary = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
  expect(summary, `axe violations (${label})`).toEqual([]);
  expect(result.passes.length, "axe actually checked the widget").toBeGreaterThan(0);
}

for (const scheme of ["light", "dark"] as const) {
  for (const kind of Object.keys(SAMPLE) as Kind[]) {
    test(`${kind} (${scheme}): no axe violations`, async ({ page, run }) => {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      await page.goto(withRun(`/test/types.html?type=${kind}`, run));
      await expect(dialog(page)).toBeVisible();
      // The entrance animation has finished (the shadow root's animations settle).
      await page.evaluate(() =>
        Promise.all(document.querySelector("rapport-widget")!.shadowRoot!.getAnimations().map((a) => a.finished))
      );
      await axe(page, "question");
      await answerByMouse(page, SAMPLE[kind]);
      await axe(page, "answered");
      await primary(page).click();
      await expect(dialog(page)).toContainText("Thanks (inline config)");
      await axe(page, "thank you");
    });
  }
  test(`validation error (${scheme}): no axe violations`, async ({ page, run }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    await page.goto(withRun("/test/types.html?type=single", run));
    await primary(page).click();
    await expect(dialog(page).getByRole("alert")).not.toBeEmpty();
    await axe(page, "error shown");
  });
}

// axe-core on the widget (its host and shadow root) for every question type, light and dark,
// on the question screen (before and after answering) and the thank-you screen; as a
// non-modal popover (opened by the page) and as a modal dialog (opened by the shopper), and
// minimised.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, host, primary, type Kind } from "./widget";

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
      // Opened by the page: a popover that is announced and leaves focus alone.
      await expect(dialog(page)).toHaveAttribute("aria-modal", "false");
      await expect(host(page).getByRole("status")).toContainText("Alt+Shift+R");
      // The entrance animation has finished (the shadow root's animations settle).
      await page.evaluate(() =>
        Promise.all(document.querySelector("rapport-widget")!.shadowRoot!.getAnimations().map((a) => a.finished))
      );
      await axe(page, "question");
      await answerByMouse(page, SAMPLE[kind]);
      await axe(page, "answered");
      await primary(page).click();
      await expect(dialog(page)).toContainText("Thanks (test survey)");
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

test("opened by the shopper (modal), and minimised: no axe violations", async ({ page, run }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(withRun("/test/plain.html?show=type-single&shopper=1", run));
  await expect(dialog(page)).toHaveAttribute("aria-modal", "true");
  await expect(dialog(page).getByRole("radio").first()).toBeFocused();
  // Nothing to announce: focus moved in and the dialog is read from there.
  await expect(host(page).getByRole("status")).toBeEmpty();
  await axe(page, "modal");
  await dialog(page).getByRole("button", { name: "Minimise" }).click();
  await expect(dialog(page).getByRole("button", { name: "Expand" })).toHaveAttribute("aria-expanded", "false");
  await axe(page, "minimised");
});

// Motion and focus, as a shopper's browser settings and keyboard see them.
import type { Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { dialog, focusByKeyboard } from "./widget";

for (const reducedMotion of ["no-preference", "reduce"] as const) {
  test(`prefers-reduced-motion: ${reducedMotion}`, async ({ page, run }) => {
    await page.emulateMedia({ reducedMotion });
    await page.goto(withRun("/test/types.html?type=csat", run));
    await expect(dialog(page)).toBeVisible();
    const animation = await dialog(page).evaluate((d) => getComputedStyle(d).animationName);
    if (reducedMotion === "reduce") expect(animation).toBe("none");
    else expect(animation).not.toBe("none");
  });
}

/** Loads the widget (a survey shown and closed), then makes `#page-button` call `show`. */
async function feedbackButton(page: Page, run: string, survey: string) {
  await page.goto(withRun("/test/plain.html?show=type-thumbs", run));
  await dialog(page).getByRole("button", { name: "Close" }).click();
  await expect(dialog(page)).toHaveCount(0);
  await page.evaluate(
    (id) => document.getElementById("page-button")!.addEventListener("click", () => (window as any).rapport("show", id)),
    survey
  );
}

test("keyboard focus on a rating is visibly outlined (:focus-visible)", async ({ page, run }) => {
  await page.goto(withRun("/test/types.html?type=csat", run));
  await expect(dialog(page)).toBeVisible();
  // Opened by the page, the survey leaves focus where it was; the keyboard reaches it.
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe("RAPPORT-WIDGET");
  const radio = dialog(page).getByRole("radio").first();
  await focusByKeyboard(page, radio);
  const outline = await radio.evaluate((r) => {
    const s = getComputedStyle(r);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe("none");
  expect(outline.width).toBeGreaterThanOrEqual(2);
});

test("a survey opened with a mouse click focuses its first option without a focus ring", async ({ page, run }) => {
  await feedbackButton(page, run, "type-csat");
  await page.locator("#page-button").click();
  const radio = dialog(page).getByRole("radio").first();
  await expect(radio).toBeFocused();
  const ring = await radio.evaluate((r) => ({ visible: r.matches(":focus-visible"), style: getComputedStyle(r).outlineStyle }));
  expect(ring).toEqual({ visible: false, style: "none" });
  // The first key press shows where focus is.
  await page.keyboard.press("ArrowRight");
  const next = dialog(page).getByRole("radio").nth(1);
  await expect(next).toBeFocused();
  expect(await next.evaluate((r) => getComputedStyle(r).outlineStyle)).not.toBe("none");
});

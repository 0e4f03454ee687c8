// Motion and focus, as a shopper's browser settings and keyboard see them.
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

test("keyboard focus on a rating is visibly outlined (:focus-visible)", async ({ page, run }) => {
  await page.goto(withRun("/test/types.html?type=csat", run));
  await expect(dialog(page)).toBeVisible();
  const radio = dialog(page).getByRole("radio").first();
  await focusByKeyboard(page, radio);
  const outline = await radio.evaluate((r) => {
    const s = getComputedStyle(r);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe("none");
  expect(outline.width).toBeGreaterThanOrEqual(2);
});

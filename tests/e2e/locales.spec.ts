// The widget's own words in every bundled language, and right-to-left layout, with the real
// widget on the real collector: the page or the configuration picks the language.
import AxeBuilder from "@axe-core/playwright";
import { test, expect, withRun } from "./fixtures";
import { dialog } from "./widget";

/** The Submit button's label per bundled locale (src/core/i18n/catalog.rs). */
const SUBMIT: Record<string, string> = {
  en: "Submit",
  es: "Enviar",
  fr: "Envoyer",
  de: "Senden",
  nl: "Verzenden",
  pt: "Enviar",
  ca: "Envia",
  ar: "إرسال",
  he: "שליחה",
};

for (const [locale, submit] of Object.entries(SUBMIT)) {
  test(`locale ${locale}: the widget speaks it, in the right direction`, async ({ page, run }) => {
    await page.goto(withRun(`/test/types.html?type=nps&locale=${locale}`, run));
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page).getByRole("button", { name: submit, exact: true })).toBeVisible();
    const rtl = locale === "ar" || locale === "he";
    await expect(dialog(page)).toHaveAttribute("dir", rtl ? "rtl" : "ltr");
    expect(await dialog(page).evaluate((d) => getComputedStyle(d).direction)).toBe(rtl ? "rtl" : "ltr");
  });
}

test("right-to-left: the scale runs from the right, arrow keys follow it, and axe finds nothing", async ({ page, run }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(withRun("/test/types.html?type=nps&locale=ar", run));
  await expect(dialog(page)).toBeVisible();
  const radios = dialog(page).getByRole("radio");
  const x = (i: number) => radios.nth(i).evaluate((r) => r.getBoundingClientRect().left);
  expect(await x(0), "0 is right of 10").toBeGreaterThan(await x(10));
  await radios.nth(5).click();
  await expect(radios.nth(5)).toHaveAttribute("aria-checked", "true");
  // In right-to-left, ArrowLeft moves on to the next (higher) value, as it moves leftwards.
  await page.keyboard.press("ArrowLeft");
  await expect(radios.nth(6)).toHaveAttribute("aria-checked", "true");
  await expect(radios.nth(6)).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(radios.nth(4)).toHaveAttribute("aria-checked", "true");
  const result = await new AxeBuilder({ page }).include("rapport-widget").analyze();
  expect(result.violations.map((v) => v.id)).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(0);
});

// The collector's configuration as the real widget reads it: part by part. The collector
// checks every rule of its configuration file at load, so the widget only decodes what it
// serves; a survey it cannot read (a question type of a newer collector, say) disables only
// itself and a site-level setting it cannot read falls back to its default, each with one
// console error naming the field, while the other surveys keep working.
import { test, expect } from "./fixtures";
import { dialog } from "./widget";

/** A survey this widget cannot read: its one question has a type it does not know. */
const UNREADABLE = {
  id: "from-the-future",
  trigger: { type: "manual" },
  questions: [{ id: "q", type: "slider", text: "How far?" }],
};

test("a survey the widget cannot read disables only itself, with one console error naming the field", async ({
  page,
  consoleLog,
  allowConsoleErrors,
}) => {
  allowConsoleErrors.push(/surveys\[0\]\.questions\[0\]\.type/, /theme\.mode/);
  // The real collector's configuration, with an unreadable survey first and a theme mode
  // this widget does not know.
  await page.route("**/v1/sites/e2e/config", async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    config.surveys.unshift(UNREADABLE);
    config.theme = { ...config.theme, mode: "sepia" };
    await route.fulfill({ response, json: config });
  });
  await page.goto("/test/plain.html?show=type-thumbs");
  // The other surveys work: the one asked for shows.
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toContainText("Was this page helpful?");
  const errors = () => consoleLog.filter((m) => m.type === "error" && m.text.includes("rapport"));
  await expect.poll(() => errors().length).toBe(2);
  const [theme, survey] = errors().map((m) => m.text);
  expect(theme).toMatch(/theme\.mode: unknown variant `sepia`.*; the default is used/);
  expect(survey).toMatch(/surveys\[0\]\.questions\[0\]\.type: unknown variant `slider`.*; skipped/);

  // The unreadable survey is unknown to `show`: one more error naming it, no dialog.
  allowConsoleErrors.push(/unknown survey "from-the-future"/);
  await page.evaluate(() => (window as any).rapport("hide"));
  await expect(dialog(page)).toHaveCount(0);
  await page.evaluate(() => (window as any).rapport("show", "from-the-future"));
  await expect.poll(() => errors().length).toBe(3);
  expect(errors()[2].text).toContain('unknown survey "from-the-future"');
  await expect(dialog(page)).toHaveCount(0);
});

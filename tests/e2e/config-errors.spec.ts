// Invalid survey definitions with the real widget: one console error naming the field at
// fault, nothing thrown into the page, the page untouched and the widget dormant.
import { test, expect } from "./fixtures";
import { dialog } from "./widget";

const BAD_SURVEY = {
  id: "bad",
  trigger: { type: "manual" },
  // No `text`: every question needs one.
  questions: [{ id: "q", type: "nps" }],
};

test("an invalid inline definition is refused at start with one console error naming the field", async ({
  page,
  consoleLog,
  allowConsoleErrors,
}) => {
  allowConsoleErrors.push(/surveys\[\d+\]\.questions\[0\]\.text/);
  await page.addInitScript((bad) => {
    const w = window as any;
    w.rapport = function () {
      (w.rapport.q = w.rapport.q || []).push(arguments);
    };
    w.rapport("config", { surveys: [bad] });
    w.rapport("show", "bad");
  }, BAD_SURVEY);
  await page.goto("/test/plain.html");
  await expect
    .poll(() => consoleLog.filter((m) => m.type === "error" && m.text.includes("rapport")).length)
    .toBe(1);
  const [error] = consoleLog.filter((m) => m.type === "error");
  expect(error.text).toMatch(/surveys\[\d+\]\.questions\[0\]\.text: missing field `text`/);
  await expect(dialog(page)).toHaveCount(0);
  await expect(page.locator("#page-title")).toHaveText("A plain page");
});

test("an invalid definition given after start is refused with one console error; the valid surveys keep working", async ({
  page,
  consoleLog,
  allowConsoleErrors,
}) => {
  allowConsoleErrors.push(/surveys\[0\]\.questions\[0\]\.text/);
  await page.goto("/test/plain.html?show=type-thumbs");
  await expect(dialog(page)).toBeVisible();
  await page.evaluate((bad) => (window as any).rapport("config", { surveys: [bad] }), BAD_SURVEY);
  await expect
    .poll(() => consoleLog.filter((m) => m.type === "error" && m.text.includes("rapport")).length)
    .toBe(1);
  const [error] = consoleLog.filter((m) => m.type === "error");
  expect(error.text).toMatch(/surveys\[0\]\.questions\[0\]\.text: missing field `text`/);
  // The survey already on screen is unaffected.
  await expect(dialog(page)).toBeVisible();
});

// Invalid inline configuration with the real widget: one console error naming the field at
// fault, nothing thrown into the page, the page untouched, and the collector's surveys keep
// working (inline configuration sets `locale`, `theme` and `cooldownDays`; surveys are
// defined only in the collector's configuration, see inline-surveys.spec.ts).
import { test, expect } from "./fixtures";
import { dialog } from "./widget";

const rapportErrors = (log: { type: string; text: string }[]) =>
  log.filter((m) => m.type === "error" && m.text.includes("rapport")).map((m) => m.text);

test("an invalid inline setting is refused at start with one console error naming the field; the surveys keep working", async ({
  page,
  consoleLog,
  allowConsoleErrors,
}) => {
  allowConsoleErrors.push(/config: cooldownDays: /);
  await page.addInitScript(() => {
    const w = window as any;
    w.rapport = function () {
      (w.rapport.q = w.rapport.q || []).push(arguments);
    };
    w.rapport("config", { cooldownDays: -1 });
    w.rapport("show", "type-thumbs");
  });
  await page.goto("/test/plain.html");
  await expect(dialog(page)).toContainText("Was this page helpful?");
  expect(rapportErrors(consoleLog)).toEqual([expect.stringMatching(/config: cooldownDays: /)]);
  await expect(page.locator("#page-title")).toHaveText("A plain page");
});

test("an invalid setting given after start is refused with one console error; the survey on screen is unaffected", async ({
  page,
  consoleLog,
  allowConsoleErrors,
}) => {
  allowConsoleErrors.push(/config: theme\.position: /);
  await page.goto("/test/plain.html?show=type-thumbs");
  await expect(dialog(page)).toBeVisible();
  await page.evaluate(() => (window as any).rapport("config", { theme: { position: "middle" } }));
  await expect.poll(() => rapportErrors(consoleLog)).toHaveLength(1);
  expect(rapportErrors(consoleLog)[0]).toMatch(/config: theme\.position: .*`middle`/);
  await expect(dialog(page)).toBeVisible();
});

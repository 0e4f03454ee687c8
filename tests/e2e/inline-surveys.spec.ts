// Surveys are defined only in the collector's configuration (docs/ARCHITECTURE.md, "Inline
// configuration"): it checks every answer against its own definition and rejects the rest
// with 400, so a survey the page defines could only be shown, thanked for and dropped. Real
// loader, real widget, real collector: an inline `surveys` is one console error and the
// settings beside it still apply; `show` of a survey the collector does not define is one
// console error and shows nothing; an answer to a collector survey is stored (201).
import type { Page } from "@playwright/test";
import { test, expect, expectRows, recordPosts, withRun, bareAnswers } from "./fixtures";
import { dialog, primary } from "./widget";

/** Queues `config(inline)` on the snippet's stub, before the loader runs. */
async function queueConfig(page: Page, inline: object) {
  await page.addInitScript((inline) => {
    const w = window as any;
    w.rapport = function () {
      (w.rapport.q = w.rapport.q || []).push(arguments);
    };
    w.rapport("config", inline);
  }, inline);
}

const errors = (log: { type: string; text: string }[]) => log.filter((m) => m.type === "error").map((m) => m.text);

const NOT_INLINE = /config: surveys: surveys are defined in the collector's configuration, not inline/;

/** A survey as a page might define it: shown on page load, so it would open at once if taken. */
const pageSurvey = (id: string) => ({
  id,
  trigger: { type: "pageLoad" },
  throttle: { frequency: "always" },
  questions: [{ id: "q", type: "thumbs", text: "Was this helpful? (inline)" }],
});

test("an inline `surveys` is one console error; the locale beside it applies and a collector survey's answer is stored", async ({
  page,
  request,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  allowConsoleErrors.push(NOT_INLINE);
  const posts = recordPosts(page);
  const stored: number[] = [];
  page.on("response", (r) => {
    if (r.request().method() === "POST" && new URL(r.url()).pathname === "/v1/responses") stored.push(r.status());
  });
  // A survey of the page's own, and the collector's `type-thumbs` restated: neither is taken.
  await queueConfig(page, { locale: "es", surveys: [pageSurvey("inline-only"), pageSurvey("type-thumbs")] });
  await page.goto(withRun("/test/plain.html", run));
  await expect.poll(() => errors(consoleLog)).toEqual([expect.stringMatching(NOT_INLINE)]);
  // The error is the widget's: it loaded at once to say so. Nothing opened on page load.
  await expect(dialog(page)).toHaveCount(0);
  // The collector's `type-thumbs`, in its own words, with the inline locale's buttons.
  await page.evaluate(() => (window as any).rapport("show", "type-thumbs"));
  await expect(dialog(page)).toContainText("Was this page helpful?");
  await expect(dialog(page)).not.toContainText("(inline)");
  await dialog(page).getByRole("radio").first().click();
  await dialog(page).getByRole("button", { name: "Enviar" }).click();
  await expect(dialog(page)).toContainText("Thanks (test survey)");
  const [row] = await expectRows(request, run, 1);
  expect(row.survey).toBe("type-thumbs");
  expect(row.locale).toBe("es");
  expect(bareAnswers(row)).toEqual([{ question: "q", value: "up" }]);
  expect(stored).toEqual([201]);
  expect(posts).toHaveLength(1);
  expect(errors(consoleLog)).toHaveLength(1);
});

test("given after the widget started, an inline `surveys` is refused the same way; the rest applies", async ({
  page,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  allowConsoleErrors.push(NOT_INLINE);
  await page.goto(withRun("/test/plain.html?show=type-csat", run));
  await expect(dialog(page)).toBeVisible();
  await page.evaluate((survey) => {
    const rapport = (window as any).rapport;
    rapport("hide");
    rapport("config", { locale: "fr", surveys: [survey] });
  }, pageSurvey("late"));
  await expect.poll(() => errors(consoleLog)).toEqual([expect.stringMatching(NOT_INLINE)]);
  await expect(dialog(page)).toHaveCount(0);
  await page.evaluate(() => (window as any).rapport("show", "type-csat"));
  await expect(dialog(page).getByRole("button", { name: "Envoyer" })).toBeVisible();
  expect(errors(consoleLog)).toHaveLength(1);
});

test("show of a survey the collector does not define: one console error, nothing shown, thanked or sent", async ({
  page,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  const unknown = /show: unknown survey "nope": surveys are defined in the collector's configuration/;
  allowConsoleErrors.push(unknown);
  const posts = recordPosts(page);
  await page.goto(withRun("/test/plain.html?show=nope", run));
  await expect.poll(() => errors(consoleLog)).toEqual([expect.stringMatching(unknown)]);
  await expect(dialog(page)).toHaveCount(0);
  // The widget keeps working for the collector's surveys (the positive control).
  await page.evaluate(() => (window as any).rapport("show", "type-thumbs"));
  await expect(dialog(page)).toContainText("Was this page helpful?");
  expect(errors(consoleLog)).toHaveLength(1);
  expect(posts).toEqual([]);
});

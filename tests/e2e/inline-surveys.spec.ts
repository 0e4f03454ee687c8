// The collector is the source of truth for which surveys exist (docs/ARCHITECTURE.md,
// "Inline configuration"): it checks every answer against its own definition and rejects the
// rest with 400, so the widget never shows — never thanks a shopper for — a survey the
// collector would drop. Real loader, real widget, real collector: a survey defined only in
// the page is refused by name; one the collector defines may be restated with other wording
// and is stored; a copy asking other questions is refused and the collector's copy shown.
import type { Page } from "@playwright/test";
import { test, expect, expectRows, recordPosts, withRun, bareAnswers } from "./fixtures";
import { dialog, primary } from "./widget";

/** Queues `config(inline)` then `show(id)` on the snippet's stub, before the loader runs. */
async function queue(page: Page, inline: object, show: string) {
  await page.addInitScript(
    ([inline, show]) => {
      const w = window as any;
      w.rapport = function () {
        (w.rapport.q = w.rapport.q || []).push(arguments);
      };
      w.rapport("config", inline);
      w.rapport("show", show);
    },
    [inline, show] as const
  );
}

const errors = (log: { type: string; text: string }[]) => log.filter((m) => m.type === "error").map((m) => m.text);

/** The collector's `type-thumbs` (www/test-pages/surveys.json) as a page would restate it. */
const thumbs = (question: object) => ({
  id: "type-thumbs",
  trigger: { type: "manual" },
  throttle: { frequency: "always" },
  questions: [{ id: "q", type: "thumbs", required: true, ...question }],
  thankYou: { title: "Thanks (restated inline)" },
});

test("a survey defined only in the page is never shown: one console error names it, nothing is sent", async ({
  page,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  const refused = /survey `inline-only` is not in the collector's configuration of site `e2e`; it is not shown/;
  allowConsoleErrors.push(refused);
  const posts = recordPosts(page);
  await queue(
    page,
    {
      surveys: [
        {
          id: "inline-only",
          trigger: { type: "pageLoad" },
          questions: [{ id: "q", type: "thumbs", text: "Was this helpful?" }],
        },
      ],
    },
    "inline-only"
  );
  await page.goto(withRun("/test/plain.html", run));
  await expect.poll(() => errors(consoleLog)).toEqual([expect.stringMatching(refused)]);
  await expect(dialog(page)).toHaveCount(0);
  // The widget keeps working for the collector's surveys (the positive control of this page).
  await page.evaluate(() => (window as any).rapport("show", "type-thumbs"));
  await expect(dialog(page)).toContainText("Was this page helpful?");
  expect(errors(consoleLog)).toHaveLength(1);
  expect(posts).toEqual([]);
});

test("given after the widget started, a survey the collector does not define is refused the same way", async ({
  page,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  const refused = /survey `late` is not in the collector's configuration of site `e2e`; it is not shown/;
  allowConsoleErrors.push(refused);
  await page.goto(withRun("/test/plain.html?show=type-csat", run));
  await expect(dialog(page)).toBeVisible();
  await page.evaluate(() => {
    const rapport = (window as any).rapport;
    rapport("hide");
    rapport("config", {
      surveys: [{ id: "late", trigger: { type: "manual" }, questions: [{ id: "q", type: "thumbs", text: "Late?" }] }],
    });
    rapport("show", "late");
  });
  await expect.poll(() => errors(consoleLog)).toEqual([expect.stringMatching(refused)]);
  await expect(dialog(page)).toHaveCount(0);
});

test("a survey the collector defines, restated with other wording, is shown, thanked and stored", async ({
  page,
  request,
  consoleLog,
  run,
}) => {
  await queue(page, { surveys: [thumbs({ text: "Did this page help you? (inline wording)" })] }, "type-thumbs");
  await page.goto(withRun("/test/plain.html", run));
  await expect(dialog(page)).toContainText("Did this page help you? (inline wording)");
  await dialog(page).getByRole("radio", { name: /up|yes|👍/i }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thanks (restated inline)");
  const [row] = await expectRows(request, run, 1);
  expect(row.survey).toBe("type-thumbs");
  expect(bareAnswers(row)).toEqual([{ question: "q", value: "up" }]);
  expect(errors(consoleLog)).toEqual([]);
});

test("an inline copy asking other questions is refused by name; the collector's copy is shown and stored", async ({
  page,
  request,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  const refused = /surveys\[0\]\.questions: survey `type-thumbs` asks other questions than the collector's copy/;
  allowConsoleErrors.push(refused);
  // Another question id: the collector would answer 400 "unknown question" to every answer.
  const other = { ...thumbs({ text: "Helpful?" }), questions: [{ id: "q2", type: "thumbs", text: "Helpful?" }] };
  await queue(page, { surveys: [other] }, "type-thumbs");
  await page.goto(withRun("/test/plain.html", run));
  await expect(dialog(page)).toContainText("Was this page helpful?");
  expect(errors(consoleLog)).toEqual([expect.stringMatching(refused)]);
  await dialog(page).getByRole("radio", { name: /down|no\b|👎/i }).click();
  await primary(page).click();
  await expect(dialog(page)).not.toContainText("Thanks (restated inline)");
  const [row] = await expectRows(request, run, 1);
  expect(bareAnswers(row)).toEqual([{ question: "q", value: "down" }]);
});

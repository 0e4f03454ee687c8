// Every question type, answered with the mouse and again with the keyboard only; the stored
// row (read back through the admin export) holds exactly the value given.
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import {
  SAMPLE,
  answerByKeyboard,
  answerByMouse,
  dialog,
  primary,
  stored,
  submitByKeyboard,
  type Kind,
} from "./widget";

const KINDS = Object.keys(SAMPLE) as Kind[];

for (const kind of KINDS) {
  for (const input of ["mouse", "keyboard"] as const) {
    test(`${kind} answered by ${input} is stored`, async ({ page, request, run }) => {
      const answer = SAMPLE[kind];
      await page.goto(withRun(`/test/types.html?type=${kind}`, run));
      await expect(dialog(page)).toBeVisible();
      if (input === "mouse") {
        await answerByMouse(page, answer);
        await primary(page).click();
      } else {
        await answerByKeyboard(page, answer);
        await submitByKeyboard(page);
      }
      // The test survey's own thank-you (www/test-pages/surveys.json), from the collector.
      await expect(dialog(page)).toContainText("Thanks (test survey)");
      const [row] = await expectRows(request, run, 1);
      expect(row.survey).toBe(`type-${kind}`);
      expect(row.site).toBe("e2e");
      expect(bareAnswers(row)).toEqual([{ question: "q", value: stored(answer) }]);
      expect(row.url).toContain(`/test/types.html?type=${kind}`);
    });
  }
}

test("a required question is not skipped", async ({ page, run }) => {
  await page.goto(withRun("/test/types.html?type=nps", run));
  await primary(page).click();
  await expect(dialog(page).getByRole("alert")).not.toBeEmpty();
  await expect(dialog(page)).not.toContainText("Thanks (test survey)");
});

test("Escape and the close button dismiss the survey", async ({ page, run }) => {
  await page.goto(withRun("/test/types.html?type=csat", run));
  await expect(dialog(page)).toBeVisible();
  await dialog(page).getByRole("button", { name: /close|dismiss/i }).click();
  await expect(dialog(page)).toHaveCount(0);
  await page.evaluate(() => (window as any).rapport("show", "type-ces"));
  await expect(dialog(page)).toBeVisible();
  await dialog(page).getByRole("radio").first().focus();
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
});

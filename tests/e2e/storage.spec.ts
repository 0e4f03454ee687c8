// Storage that refuses writes (quota exceeded, some privacy modes): the widget keeps its
// state in memory for the page, says so once, and the answer is still delivered.
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, primary } from "./widget";

test("localStorage.setItem throwing: one warning, the answer still lands once", async ({ page, request, run, consoleLog }) => {
  await page.addInitScript(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  await page.goto(withRun("/test/types.html?type=thumbs", run));
  await answerByMouse(page, SAMPLE.thumbs);
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thanks (test survey)");
  const [row] = await expectRows(request, run, 1);
  expect(bareAnswers(row)).toEqual([{ question: "q", value: SAMPLE.thumbs.value }]);
  const warnings = consoleLog.filter((m) => m.type === "warning" && /localStorage/.test(m.text));
  expect(warnings, JSON.stringify(consoleLog)).toHaveLength(1);
});

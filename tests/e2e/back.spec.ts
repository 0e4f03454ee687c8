// The Back button of multi-question surveys: it returns along the path taken (a question
// reached by a jump goes back to the question that jumped), keeps the answers given (each
// control shows its earlier answer), and after a changed answer takes another branch the
// answers left off the path are not submitted. Survey `type-back` of
// www/test-pages/surveys.json: rate (NPS; 0–6 jump to `why`) → why (open text) → how
// (multiple choice with Other) → mood (emoji); promoters skip `why`.
import type { Page } from "@playwright/test";
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import { closeButton, dialog, primary } from "./widget";

const back = (page: Page) => dialog(page).getByRole("button", { name: "Back", exact: true });
const title = (page: Page) => dialog(page).locator("#rq");
const radios = (page: Page) => dialog(page).getByRole("radio");
const box = (page: Page, name: string | RegExp) => dialog(page).getByRole("checkbox", { name });
const otherField = (page: Page) => dialog(page).getByRole("textbox", { name: "Other" });

const RATE = "How likely are you to recommend us?";
const WHY = "What went wrong?";
const HOW = "How did you hear about us?";
const MOOD = "How do you feel today?";

async function open(page: Page, run: string) {
  await page.goto(withRun("/test/types.html?type=back", run));
  await expect(title(page)).toHaveText(RATE);
}

test("Back returns along the path with every answer shown as given, and all of them are sent", async ({
  page,
  request,
  run,
}) => {
  await open(page, run);
  await expect(back(page), "no Back on the first question").toHaveCount(0);
  await radios(page).nth(3).click();
  await primary(page).click();

  await expect(title(page)).toHaveText(WHY);
  await expect(back(page)).toBeVisible();
  await dialog(page).getByRole("textbox").fill("Too slow");
  await primary(page).click();

  await expect(title(page)).toHaveText(HOW);
  await box(page, "A friend").check();
  await box(page, "Other").check();
  await otherField(page).fill("A podcast");
  await primary(page).click();

  await expect(title(page)).toHaveText(MOOD);
  await radios(page).nth(1).click();
  // Back from the last question: the entry on screen is kept too.
  await back(page).click();
  await expect(title(page)).toHaveText(HOW);
  await expect(box(page, "A friend")).toBeChecked();
  await expect(box(page, "A search engine")).not.toBeChecked();
  await expect(box(page, "Other")).toBeChecked();
  await expect(otherField(page)).toHaveValue("A podcast");
  await back(page).click();
  await expect(title(page)).toHaveText(WHY);
  await expect(dialog(page).getByRole("textbox")).toHaveValue("Too slow");
  await expect(dialog(page).locator(".cnt")).toHaveText("8 / 500");
  await back(page).click();
  await expect(title(page)).toHaveText(RATE);
  await expect(radios(page).nth(3)).toHaveAttribute("aria-checked", "true");
  await expect(dialog(page).locator("[aria-checked=true]")).toHaveCount(1);
  await expect(back(page)).toHaveCount(0);
  await expect(dialog(page)).toContainText("Question 1 of 4");

  // Forward again without touching anything: every answer is still there.
  await primary(page).click();
  await expect(title(page)).toHaveText(WHY);
  await primary(page).click();
  await expect(title(page)).toHaveText(HOW);
  await primary(page).click();
  await expect(title(page)).toHaveText(MOOD);
  await expect(radios(page).nth(1)).toHaveAttribute("aria-checked", "true");
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thanks (test survey)");
  await expect(back(page), "no Back on the thank-you screen").toHaveCount(0);

  const [row] = await expectRows(request, run, 1);
  expect(bareAnswers(row)).toEqual([
    { question: "rate", value: 3 },
    { question: "why", value: "Too slow" },
    { question: "how", value: { choices: ["friend"], other: "A podcast" } },
    { question: "mood", value: 2 },
  ]);
});

test("a changed answer takes its own branch: Back follows it, and the answers left behind are not sent", async ({
  page,
  request,
  run,
}) => {
  await open(page, run);
  // A detractor: the NPS jumps to `why`.
  await radios(page).nth(2).click();
  await primary(page).click();
  await expect(title(page)).toHaveText(WHY);
  await dialog(page).getByRole("textbox").fill("Rude staff");
  await primary(page).click();
  await expect(title(page)).toHaveText(HOW);
  await back(page).click();
  await back(page).click();
  await expect(title(page)).toHaveText(RATE);

  // Now a promoter: `why` is off the path.
  await radios(page).nth(9).click();
  await primary(page).click();
  await expect(title(page)).toHaveText(HOW);
  await expect(dialog(page)).toContainText("Question 2 of 3");
  // Back from a question reached by the jump returns to the question that jumped.
  await back(page).click();
  await expect(title(page)).toHaveText(RATE);
  await expect(radios(page).nth(9)).toHaveAttribute("aria-checked", "true");
  await primary(page).click();
  await expect(title(page)).toHaveText(HOW);
  await primary(page).click();
  await expect(title(page)).toHaveText(MOOD);
  await radios(page).nth(3).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thanks (test survey)");

  const [row] = await expectRows(request, run, 1);
  expect(bareAnswers(row)).toEqual([
    { question: "rate", value: 9 },
    { question: "mood", value: 4 },
  ]);
});

test("closed after Back changed the path: the partial response holds the answers on the new path only", async ({
  page,
  request,
  run,
}) => {
  await open(page, run);
  // A detractor who explains, then goes back and becomes a promoter: `why` is off the path.
  await radios(page).nth(2).click();
  await primary(page).click();
  await dialog(page).getByRole("textbox").fill("Rude staff");
  await primary(page).click();
  await expect(title(page)).toHaveText(HOW);
  await back(page).click();
  await back(page).click();
  await expect(title(page)).toHaveText(RATE);
  await radios(page).nth(9).click();
  await primary(page).click();
  await expect(title(page)).toHaveText(HOW);
  // Closed on `how` without an answer there.
  await closeButton(page).click();
  await expect(dialog(page)).toHaveCount(0);

  const [row] = await expectRows(request, run, 1);
  expect(row.partial).toBe(true);
  expect(bareAnswers(row)).toEqual([{ question: "rate", value: 9 }]);
});

test("Back by keyboard, named in the page's language, at the start of the footer in right-to-left", async ({
  page,
  run,
}) => {
  await page.goto(withRun("/test/types.html?type=back&locale=he", run));
  await expect(title(page)).toHaveText(RATE);
  // The primary button ("הבא"), found by its place: `primary` knows English names only.
  const next = dialog(page).locator(".go");
  await expect(next).toHaveText("הבא");
  await radios(page).nth(8).click();
  await next.click();
  const hebrewBack = dialog(page).getByRole("button", { name: "חזרה", exact: true });
  await expect(hebrewBack).toBeVisible();
  // Right to left: Back sits right of the primary button.
  const left = async (l: typeof next) => (await l.boundingBox())!.x;
  expect(await left(hebrewBack)).toBeGreaterThan(await left(next));
  // At the footer's start edge (its right in right-to-left), apart from the primary button,
  // and padded like a button (a 44 px wide target at least).
  const backBox = (await hebrewBack.boundingBox())!;
  const footer = (await dialog(page).locator(".ft").boundingBox())!;
  expect(Math.abs(backBox.x + backBox.width - (footer.x + footer.width))).toBeLessThan(1);
  expect(backBox.x - ((await next.boundingBox())!.x + (await next.boundingBox())!.width)).toBeGreaterThan(40);
  expect(backBox.width).toBeGreaterThanOrEqual(44);
  await hebrewBack.focus();
  await page.keyboard.press("Enter");
  await expect(title(page)).toHaveText(RATE);
  // Focus stays in the dialog, on the answer given.
  await expect(radios(page).nth(8)).toBeFocused();
});

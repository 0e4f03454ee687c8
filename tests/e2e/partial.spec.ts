// An answer given is an answer kept: a shopper who answers the first question of the demo
// post-purchase check-in and then closes it, or leaves the page, still leaves that answer,
// stored as a partial response; one who goes on completes it under the same id.
import { test, expect, expectRows, recordPosts, rowsFor, withRun, bareAnswers } from "./fixtures";
import { closeButton, dialog, primary } from "./widget";

const ORDER = "/order.html?order=R-3001";

/** Answers the NPS question with 3 (a detractor) and moves on to "What went wrong?". */
async function answerFirst(page: import("@playwright/test").Page) {
  await expect(dialog(page)).toContainText("How likely are you to recommend Tidewater Goods");
  await dialog(page).getByRole("radio", { name: "3", exact: true }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("What went wrong?");
}

test("closed after the first question: the answer is stored as a partial response", async ({ page, request, run }) => {
  const posts = recordPosts(page);
  await page.goto(withRun(ORDER, run));
  await answerFirst(page);
  expect(posts, "nothing is sent while the shopper answers").toHaveLength(0);
  await closeButton(page).click();
  await expect(dialog(page)).toHaveCount(0);
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(row.partial).toBe(true);
  expect(row.survey).toBe("post-purchase");
  expect(bareAnswers(row)).toEqual([{ question: "nps", value: 3 }]);
  expect(row.userId).toBe("customer-1042");
  // Sent once, under the row's id.
  expect(posts.map((p) => p.id)).toEqual([row.id]);
  expect(posts[0].body.partial).toBe(true);
});

test("hidden mid-survey, then finished: one row per id, complete", async ({ page, request, run }) => {
  const posts = recordPosts(page);
  await page.goto(withRun(ORDER, run));
  await answerFirst(page);
  // The shopper switches tabs: the page becomes hidden.
  const setHidden = (hidden: boolean) =>
    page.evaluate((hidden) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
      Object.defineProperty(document, "visibilityState", {
        configurable: true,
        get: () => (hidden ? "hidden" : "visible"),
      });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
  await setHidden(true);
  const [partial] = await expectRows(request, run, 1, { site: "demo" });
  expect(partial.partial).toBe(true);
  expect(bareAnswers(partial)).toEqual([{ question: "nps", value: 3 }]);
  // Back on the tab, the survey is where it was; the shopper finishes it.
  await setHidden(false);
  await dialog(page).getByRole("textbox").fill("The parcel arrived late.");
  await primary(page).click();
  await expect(dialog(page)).toContainText("What mattered most");
  await dialog(page).getByRole("checkbox", { name: "Delivery speed" }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thank you!");
  await expect
    .poll(async () => (await rowsFor(request, run, "demo"))[0]?.partial, { timeout: 15_000 })
    .toBe(false);
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(row.id).toBe(partial.id);
  expect(bareAnswers(row)).toEqual([
    { question: "nps", value: 3 },
    { question: "what-went-wrong", value: "The parcel arrived late." },
    { question: "why", value: { choices: ["delivery"] } },
  ]);
  // The partial state and the complete one, under one id.
  expect(posts.map((p) => p.body.partial ?? false)).toEqual([true, false]);
  expect(new Set(posts.map((p) => p.id))).toEqual(new Set([row.id]));
  await expect(page.locator("#events")).toContainText("delivered", { timeout: 15_000 });
});

test("leaving the page after the first question: the partial response still arrives", async ({ page, request, run }) => {
  await page.goto(withRun(ORDER, run));
  await answerFirst(page);
  // A page without the widget: only the request sent as the order page went away
  // (a keepalive fetch on `pagehide`) can deliver it.
  await page.goto("about:blank");
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(row.partial).toBe(true);
  expect(bareAnswers(row)).toEqual([{ question: "nps", value: 3 }]);
});

test("closed without an answer: nothing is sent", async ({ page, request, run }) => {
  const posts = recordPosts(page);
  await page.goto(withRun(ORDER, run));
  await expect(dialog(page)).toContainText("How likely are you to recommend Tidewater Goods");
  await closeButton(page).click();
  await expect(dialog(page)).toHaveCount(0);
  // Positive control on the same page: a survey answered and closed is sent, so a POST of
  // the first one would have arrived before it.
  await page.evaluate(() => (window as any).rapport("show", "post-purchase"));
  await answerFirst(page);
  await closeButton(page).click();
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(bareAnswers(row)).toEqual([{ question: "nps", value: 3 }]);
  expect(posts.map((p) => p.id)).toEqual([row.id]);
});

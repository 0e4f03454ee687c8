// Impressions and the response rate (issue 14): a shopper is shown a survey on a test page
// -> the widget posts `{site, survey}` to `POST /v1/impressions` once -> the dashboard's data
// counts 1 shown and no response (0 %); after the shopper answers, the response rate per
// survey is 100 % (the dashboard's data; the e2e site has no orders, so its dashboard draws no
// charts: console-dashboard.spec.ts checks the chart on the demo data). The survey (`type-rate`,
// www/test-pages/surveys.json) is shown by this spec only, so its counts start at zero.
import { test, expect } from "./fixtures";
import { createOwner } from "./console";
import { dialog, primary } from "./widget";

type Survey = { id: string; responses: number; shown: number | null; responsesSince: number | null };

test.describe.configure({ timeout: 180_000 });

test("a survey shown once and answered: 1 shown, then a 100% response rate", async ({ page, browser }) => {
  await createOwner(page);
  const survey = async (): Promise<Survey | undefined> => {
    const data = await page.evaluate(async () => (await fetch("/admin/api/dashboard/data?site=e2e")).json());
    return data.surveys.find((s: Survey) => s.id === "type-rate");
  };
  expect(await survey()).toBeUndefined();

  // The shopper, in a browser context of their own.
  const context = await browser.newContext();
  const shopper = await context.newPage();
  const bodies: unknown[] = [];
  shopper.on("request", (r) => {
    if (new URL(r.url()).pathname === "/v1/impressions") bodies.push(r.postDataJSON());
  });
  const counted = shopper.waitForResponse((r) => new URL(r.url()).pathname === "/v1/impressions");
  await shopper.goto("/test/types.html?type=rate");
  await expect(dialog(shopper)).toBeVisible();
  expect((await counted).status()).toBe(204);
  // Site and survey, nothing about the visitor.
  expect(bodies).toEqual([{ site: "e2e", survey: "type-rate" }]);
  await expect.poll(survey).toMatchObject({ id: "type-rate", responses: 0, shown: 1, responsesSince: 0 });

  // The shopper answers: one response, no second impression.
  const stored = shopper.waitForResponse((r) => r.url().endsWith("/v1/responses") && r.request().method() === "POST");
  await dialog(shopper).getByRole("radio", { name: /up|yes|👍/i }).click();
  await primary(shopper).click();
  expect((await stored).status()).toBe(201);
  await expect(dialog(shopper)).toContainText("Thanks (test survey)");
  expect(bodies).toHaveLength(1);
  await context.close();
  await expect.poll(survey).toMatchObject({ responses: 1, shown: 1, responsesSince: 1 });

  // The rate the console's chart draws from these counts: responses since the first day
  // counted over the times shown.
  const counts = await survey();
  expect((counts?.responsesSince ?? 0) / (counts?.shown ?? 0)).toBe(1);
});

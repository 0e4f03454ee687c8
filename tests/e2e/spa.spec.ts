// Single-page navigation and double inclusion, with the real widget.
import { test, expect, expectRows, exportRows, withRun } from "./fixtures";
import { dialog, host, primary } from "./widget";

test("a delayed survey shows after its delay on the SPA home route", async ({ page, request, run }) => {
  // The survey targets exactly "/test/spa.html" (path + query), so the marker is the user id.
  await page.goto("/test/spa.html");
  await page.evaluate((id) => (window as any).rapport("identify", id), `spa-${run}`);
  await expect(dialog(page)).toBeVisible({ timeout: 10_000 });
  // Not before its 2 s delay (counted from the navigation start of the page).
  expect(await page.evaluate(() => performance.now())).toBeGreaterThanOrEqual(2_000);
  await dialog(page).getByRole("radio").first().click();
  await primary(page).click();
  await expect
    .poll(async () => (await exportRows(request)).filter((r) => r.userId === `spa-${run}`).length)
    .toBe(1);
});

test("pushState navigation before the delay cancels the survey", async ({ page }) => {
  const widgetRequests: string[] = [];
  page.on("request", (r) => r.url().includes("/widget/") && widgetRequests.push(r.url()));
  await page.goto("/test/spa.html");
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  await page.getByRole("link", { name: "About" }).click();
  await expect(page).toHaveURL(/\/test\/spa\/about$/);
  await expect(page.locator("#page-title")).toHaveText("About us");
  // Past the survey's 2 s delay on the page's clock: had the navigation not cancelled it,
  // its timer would be due by now.
  await page.waitForFunction(() => performance.now() > 2_500);
  await expect(host(page)).toHaveCount(0);
  expect(widgetRequests, "the widget was not even loaded").toEqual([]);
  // The positive control: back home the delay starts again, and it is that one, a full
  // delay after coming back, that loads the widget (a late first timer would come sooner).
  const back = await page.evaluate(() => performance.now());
  await page.getByRole("link", { name: "Home" }).click();
  await expect(dialog(page)).toBeVisible({ timeout: 10_000 });
  const requested = await page.evaluate(
    () => performance.getEntriesByType("resource").find((e) => e.name.includes("/widget/widget.js"))?.startTime
  );
  expect(requested! - back).toBeGreaterThanOrEqual(1_950);
});

test("the delay restarts when coming back to the targeted route", async ({ page }) => {
  await page.goto("/test/spa.html");
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  await page.getByRole("link", { name: "Pricing" }).click();
  await page.waitForTimeout(1_000);
  await page.getByRole("link", { name: "Home" }).click();
  const back = Date.now();
  await expect(dialog(page)).toBeVisible({ timeout: 10_000 });
  expect(Date.now() - back).toBeGreaterThanOrEqual(1_500);
});

test("loader included twice: one widget, one warning", async ({ page, consoleLog, request, run }) => {
  await page.goto(withRun("/test/double.html?show=type-thumbs", run));
  await expect(dialog(page)).toBeVisible();
  // Two rendered frames after the first widget showed: a second one would be there too.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  expect(await page.locator("rapport-widget").count()).toBe(1);
  expect(await page.evaluate(() => document.querySelectorAll("rapport-widget").length)).toBe(1);
  const ours = consoleLog.filter((m) => m.text.startsWith("rapport:"));
  expect(ours).toHaveLength(1);
  expect(ours[0].type).toBe("warning");
  await dialog(page).getByRole("radio").first().click();
  await primary(page).click();
  await expectRows(request, run, 1);
});

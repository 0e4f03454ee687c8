// The demo storefront's post-purchase check-in, as a shopper meets it.
import { test, expect, expectRows, watch, withRun, bareAnswers } from "./fixtures";
import { dialog, primary } from "./widget";

test("detractor: NPS → what went wrong → what mattered → thanks; stored with identity", async ({ page, request, run }) => {
  await page.goto(withRun("/order.html?order=R-2001", run));
  // `track('Order Completed')` on the page triggers the survey.
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toContainText("How likely are you to recommend Tidewater Goods");
  await dialog(page).getByRole("radio", { name: "3", exact: true }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("What went wrong?");
  await dialog(page).getByRole("textbox").fill("The parcel arrived late and the box was crushed.");
  await primary(page).click();
  await expect(dialog(page)).toContainText("What mattered most");
  await dialog(page).getByRole("checkbox", { name: "Delivery speed" }).click();
  await dialog(page).getByRole("checkbox", { name: /other/i }).click();
  await dialog(page).getByRole("textbox", { name: /other/i }).fill("Packaging");
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thank you!");
  // The page's own `rapport('on', …)` log sees the events, including delivery.
  await expect(page.locator("#events")).toContainText("submit");
  await expect(page.locator("#events")).toContainText("delivered", { timeout: 15_000 });

  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(row.survey).toBe("post-purchase");
  expect(bareAnswers(row)).toEqual([
    { question: "nps", value: 3 },
    { question: "what-went-wrong", value: "The parcel arrived late and the box was crushed." },
    { question: "why", value: { choices: ["delivery"], other: "Packaging" } },
  ]);
  // What a merchant reads in the export: each question's type and text, option labels.
  expect(row.answers[0]).toMatchObject({
    type: "nps",
    text: "How likely are you to recommend Tidewater Goods to a friend?",
  });
  expect(row.answers[2]).toMatchObject({ type: "multipleChoice", labels: ["Delivery speed"] });
  expect(row.userId).toBe("customer-1042");
  expect(row.traits).toMatchObject({ plan: "member", country: "PT" });
});

test("promoter: NPS 10 → review → what mattered", async ({ page, request, run }) => {
  await page.goto(withRun("/order.html", run));
  await dialog(page).getByRole("radio", { name: "10", exact: true }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Would you leave us a review?");
  await dialog(page).getByRole("radio", { name: "Sure, send me the link" }).click();
  await primary(page).click();
  await dialog(page).getByRole("checkbox", { name: "Product quality" }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thank you!");
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(bareAnswers(row)).toEqual([
    { question: "nps", value: 10 },
    { question: "review", value: "yes" },
    { question: "why", value: { choices: ["quality"] } },
  ]);
});

test("the product and cart pages load the widget only when a survey is due", async ({ page }) => {
  const widget: string[] = [];
  page.on("request", (r) => r.url().includes("/widget/") && widget.push(r.url()));
  const encodings: Record<string, string | undefined> = {};
  page.on("response", (r) => {
    if (r.url().includes("/widget/") || r.url().endsWith("/rapport.js"))
      encodings[new URL(r.url()).pathname] = r.headers()["content-encoding"];
  });
  const config = page.waitForResponse("**/v1/sites/*/config");
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Driftwood stoneware mug" })).toBeVisible();
  // The collector's config is in and applied (one task after its response).
  await config;
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  expect(widget, "nothing due on the product page before exit intent").toEqual([]);
  // Exit intent: the pointer leaves through the top of the window — the positive control:
  // the widget is requested after it, not before.
  const since = await page.evaluate(() => performance.now());
  await page.evaluate(() =>
    document.dispatchEvent(new MouseEvent("mouseout", { clientX: 300, clientY: -1, relatedTarget: null, bubbles: true }))
  );
  await expect(dialog(page)).toContainText("what's stopping you today?");
  const requested = await page.evaluate(
    () => performance.getEntriesByType("resource").find((e) => e.name.includes("/widget/widget.js"))?.startTime
  );
  expect(requested!).toBeGreaterThanOrEqual(since);
  // Chromium accepts brotli: the build's pre-compressed copies are what it downloads.
  expect(encodings).toEqual({
    "/rapport.js": "br",
    "/widget/widget.js": "br",
    "/widget/widget_bg.wasm": "br",
  });
});

test("a Spanish page gets the Spanish texts", async ({ browser, run }) => {
  // locale "auto": <html lang> first, then the browser's languages.
  const context = await browser.newContext({ locale: "es-ES" });
  const page = await context.newPage();
  const problems = watch(page, [], []);
  await page.addInitScript(() =>
    document.addEventListener("readystatechange", () => document.documentElement.setAttribute("lang", "es"), { once: true })
  );
  await page.goto(withRun("/order.html", run));
  await expect(dialog(page)).toContainText("¿Qué probabilidad hay de que recomiende Tidewater Goods");
  await expect(dialog(page).getByRole("radio", { name: "7", exact: true })).toBeVisible();
  await context.close();
  expect(problems()).toEqual([]);
});

test("the demo's feedback button (its config's launcher) opens the feedback survey, modal", async ({ page }) => {
  await page.goto("/cart.html");
  const button = page.locator("rapport-launcher").getByRole("button", { name: "Feedback" });
  await button.click();
  await expect(dialog(page)).toContainText("How is your visit going?");
  await expect(dialog(page)).toHaveAttribute("aria-modal", "true");
});

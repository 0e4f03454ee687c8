// The loyalty programme end to end, in Chromium against the real collector, on the demo
// storefront's site (config/demo.json: 1 point per 1.00 spent, 20 points per check-in, tiers
// Bronze 0 / Silver 500 (×1.25) / Gold 1,500 by points from orders, a 14-day return window):
// the shopper answers the check-in, reads the points it earned on the thank-you (a guest
// reads none) and sees the answer's points beside the order's pending ones; orders arrive
// by signed Standard Webhooks delivery and move the shopper up a tier;
// a reward is redeemed from the panel and its code is the one `loyalty/me` lists, while a
// redemption the balance no longer covers is refused beside the reward; a refund by webhook
// lowers the pending balance; an order imported from history after its return window is
// spendable at once and counts towards the tier. Every test uses its own customer id, so the
// tests run in any order and again on the same database.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import { test, expect, withRun, SITES } from "./fixtures";
import { dialog as survey, primary } from "./widget";

const demo = JSON.parse(readFileSync("config/demo.json", "utf8")).sites.find((s: any) => s.site === "demo");
const TOKEN_SECRET: string = demo.loyalty.customerTokenSecret;
const WEBHOOK_SECRET: string = demo.loyalty.webhooks.standard;
const ANSWER_POINTS: number = demo.loyalty.surveyAnswer.points;
const threshold = (name: string): number => demo.loyalty.tiers.levels.find((l: any) => l.name === name).threshold;

/** The README's Node snippet: an HS256 customer token of the demo site, valid for 10 minutes. */
function customerToken(customer: string): string {
  const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: customer, site: "demo", iat: now - 5, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", TOKEN_SECRET).update(body).digest("base64url")}`;
}

/** Delivers `{type, data}` to the demo's Standard Webhooks endpoint, signed as a sender signs it. */
async function webhook(request: APIRequestContext, id: string, type: string, data: Record<string, unknown>) {
  const ts = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const key = Buffer.from(WEBHOOK_SECRET.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64");
  const resp = await request.post("/v1/sites/demo/webhooks/standard", {
    headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": `v1,${signature}` },
    data: body,
  });
  expect(resp.status(), await resp.text()).toBe(200);
  return resp.json();
}

/** A paid order of `eligible` (decimal string) for `customer`. */
const orderPaid = (request: APIRequestContext, id: string, customer: string, eligible: string) =>
  webhook(request, `msg_${id}`, "order.paid", { id, customer, eligible, total: eligible, currency: "EUR" });

async function me(request: APIRequestContext, token: string) {
  const resp = await request.get("/v1/sites/demo/loyalty/me", { headers: { authorization: `Bearer ${token}` } });
  expect(resp.status()).toBe(200);
  return resp.json();
}

const panel = (page: Page) => page.locator("rapport-loyalty").getByRole("dialog");
const rewardsButton = (page: Page) => page.getByRole("button", { name: "Rewards", exact: true });
/** The panel's list item (activity entry or reward) whose text matches `text`. */
const item = (page: Page, text: string | RegExp) => panel(page).getByRole("listitem").filter({ hasText: text });
/** An activity entry of an order (not "Order cancelled"): its kind, then its date. */
const ORDER = /^Order(?! cancelled)/;
/** A timestamp's day as the English panel writes it (Intl, medium: `Nov 7, 2026`). */
const day = (at: string) => new Date(at).toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" });

/** Opens the demo storefront's home page signed in as `token`, then the panel by its Rewards button. */
async function openSignedIn(page: Page, run: string, token: string) {
  await page.goto(withRun("/", run));
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  await page.evaluate((t) => (window as any).rapport("identify", { token: t }), token);
  await rewardsButton(page).click();
  await expect(panel(page)).toBeVisible();
  await expect(panel(page).getByRole("heading", { name: "Your points" })).toBeVisible();
}

async function closePanel(page: Page) {
  await page.keyboard.press("Escape");
  await expect(page.locator("rapport-loyalty")).toHaveCount(0);
}

test("the demo storefront: the shopper's check-in points are spendable, the order's pending, both in the activity", async ({
  page,
  run,
}) => {
  const customer = `flow-${run}`;
  const order = `R-${run}`;
  // The order page signs the shopper in and sends the paid order as a signed webhook
  // (www/demo/store-backend.js): both answers are awaited before the panel is opened.
  const delivered = page.waitForResponse((r) => r.url().endsWith("/v1/sites/demo/webhooks/standard"));
  const receipt = page.waitForResponse((r) => r.url().endsWith("/v1/responses") && r.request().method() === "POST");
  await page.goto(withRun(`/order.html?order=${order}&customer=${customer}`, run));
  expect(await (await delivered).json()).toMatchObject({ status: "applied" });

  // The check-in, answered as a promoter.
  await expect(survey(page)).toContainText("How likely are you to recommend Tidewater Goods");
  await survey(page).getByRole("radio", { name: "10", exact: true }).click();
  await primary(page).click();
  await survey(page).getByRole("radio", { name: "Maybe later" }).click();
  await primary(page).click();
  await survey(page).getByRole("checkbox", { name: "Price" }).click();
  await primary(page).click();
  await expect(survey(page)).toContainText("Thank you!");
  const answered = await (await receipt).json();
  expect(answered).toMatchObject({ customer, points: ANSWER_POINTS });
  // The thank-you gains the points the receipt reported, announced in the polite live region.
  const earned = `You earned ${ANSWER_POINTS} points.`;
  await expect(survey(page)).toContainText(earned);
  await expect(page.locator("rapport-widget").getByRole("status")).toHaveText(earned);

  // The header's Rewards button: the panel reads `loyalty/me` with the page's token.
  await rewardsButton(page).click();
  const dialog = panel(page);
  await expect(dialog).toBeVisible();
  // 49.00 eligible at 1 point per unit: pending for the return window; the answer's 20 spendable.
  await expect(dialog.locator(".big")).toHaveText(String(ANSWER_POINTS));
  await expect(dialog).toContainText("49 pending");
  const answerEntry = item(page, "Survey answered");
  await expect(answerEntry).toHaveCount(1);
  await expect(answerEntry).toContainText(`+${ANSWER_POINTS}`);
  await expect(answerEntry).not.toContainText("pending");
  const orderEntry = item(page, ORDER);
  await expect(orderEntry).toHaveCount(1);
  await expect(orderEntry).toContainText("pending");
  await expect(orderEntry).toContainText("+49");
  // Bronze: only the order's points count towards a tier, pending ones included (README, *Tiers*).
  await expect(dialog).toContainText("Bronze");
  await expect(dialog).toContainText(`${threshold("Silver") - 49} more points to reach Silver`);
  await closePanel(page);
  await expect(rewardsButton(page)).toBeFocused();
});

test("a guest's thank-you says nothing of points: the receipt reports none", async ({ page, run }) => {
  const receipt = page.waitForResponse((r) => r.url().endsWith("/v1/responses") && r.request().method() === "POST");
  await page.goto(withRun(`/order.html?order=G-${run}&guest`, run));
  await expect(survey(page)).toContainText("How likely are you to recommend Tidewater Goods");
  await survey(page).getByRole("radio", { name: "10", exact: true }).click();
  await primary(page).click();
  await survey(page).getByRole("radio", { name: "Maybe later" }).click();
  await primary(page).click();
  await survey(page).getByRole("checkbox", { name: "Price" }).click();
  await primary(page).click();
  await expect(survey(page)).toContainText("Thank you!");
  const answered = await (await receipt).json();
  expect(answered.status).toBe("stored");
  expect(answered.customer).toBeUndefined();
  expect(answered.points).toBeUndefined();
  // The page heard of the delivery (the line would have come before it): no line, still.
  await expect(page.locator("#events")).toContainText("delivered");
  await expect(survey(page)).toContainText("Thank you!");
  await expect(survey(page)).not.toContainText("points");
});

test("orders arrive by webhook and the shopper moves up from Bronze to Silver, with the progress to Gold", async ({
  page,
  request,
  run,
}) => {
  const customer = `tier-${run}`;
  const token = customerToken(customer);
  expect(await orderPaid(request, `T1-${run}`, customer, "100.00")).toMatchObject({ status: "applied" });

  await openSignedIn(page, run, token);
  const dialog = panel(page);
  const bar = dialog.getByRole("progressbar", { name: "Progress to the next tier" });
  await expect(dialog).toContainText("Bronze");
  await expect(dialog).toContainText(`${threshold("Silver") - 100} more points to reach Silver`);
  await expect(bar).toHaveAttribute("aria-valuenow", String(Math.floor((100 * 100) / threshold("Silver"))));
  await closePanel(page);

  // The next order takes the qualifying total (points earned from orders in the last
  // 365 days, refunds netted) past Silver's 500. It earns at Bronze's multiplier, the tier
  // held just before it.
  expect(await orderPaid(request, `T2-${run}`, customer, "600.00")).toMatchObject({ status: "applied" });
  const silver = await me(request, token);
  expect(silver.pending).toBe(700);
  expect(silver.tier).toMatchObject({ name: "Silver", qualifying: 700 });
  expect(silver.nextTier).toEqual({ name: "Gold", threshold: threshold("Gold"), remaining: threshold("Gold") - 700 });

  await rewardsButton(page).click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Silver", { exact: true })).toBeVisible();
  await expect(dialog).not.toContainText("Bronze");
  await expect(dialog).toContainText(`${threshold("Gold") - 700} more points to reach Gold`);
  await expect(bar).toHaveAttribute("aria-valuenow", String(Math.floor((700 * 100) / threshold("Gold"))));
  await expect(bar).toHaveAttribute("aria-valuetext", `${threshold("Gold") - 700} more points to reach Gold`);
  // Gold's reward stays out of reach.
  await expect(dialog.getByRole("button", { name: "Redeem Free product (sku-mug)" })).toBeDisabled();
  await closePanel(page);

  // Silver's benefit: the next order earns at ×1.25 (40.00 → 50 points).
  await orderPaid(request, `T3-${run}`, customer, "40.00");
  const after = await me(request, token);
  expect(after.pending).toBe(750);
  expect(after.activity[0]).toMatchObject({ kind: "order", points: 50, pending: true });
  await rewardsButton(page).click();
  await expect(dialog).toContainText("750 pending");
  await expect(dialog).toContainText(`${threshold("Gold") - 750} more points to reach Gold`);
});

test("a reward redeemed from the panel shows its code, the one loyalty/me lists; a redemption the balance no longer covers is refused beside the reward", async ({
  page,
  request,
  run,
  allowConsoleErrors,
}) => {
  // Chromium logs the collector's 409 itself; the panel shows it in the dialog.
  allowConsoleErrors.push(/status of 409 \(Conflict\)/);
  const customer = `redeem-${run}`;
  const token = customerToken(customer);
  const credited = await request.post("/v1/sites/demo/loyalty/adjustments", {
    headers: { authorization: `Bearer ${SITES.demo}` },
    data: { id: `adj-${customer}`, customer, points: 800, reason: "e2e goodwill", actor: "playwright" },
  });
  expect(credited.status()).toBe(201);

  await openSignedIn(page, run, token);
  const dialog = panel(page);
  await expect(dialog.locator(".big")).toHaveText("800");
  await dialog.getByRole("button", { name: "Redeem 5.00 off" }).click();
  await dialog.getByRole("button", { name: "Yes, redeem" }).click();
  await expect(dialog.getByRole("heading", { name: "Your code" })).toBeVisible();
  const code = (await dialog.locator(".code").textContent())!.trim();
  expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

  // The collector's own record of it.
  const after = await me(request, token);
  expect(after.spendable).toBe(300);
  const redemptions = after.activity.filter((a: any) => a.kind === "redemption");
  expect(redemptions).toHaveLength(1);
  expect(redemptions[0]).toMatchObject({ code, reward: "5-off", points: -500 });
  // The panel read the balance again, and its activity lists the same code.
  await expect(dialog.locator(".big")).toHaveText("300");
  await expect(item(page, "Reward redeemed")).toContainText(code);
  await expect(item(page, "Reward redeemed")).toContainText("-500");

  // Free shipping (300) is within the balance the panel shows...
  await dialog.getByRole("button", { name: "Back to rewards" }).click();
  const shipping = dialog.getByRole("button", { name: "Redeem Free shipping" });
  await expect(shipping).toBeEnabled();
  // ...but the shopper spends 100 points elsewhere (another tab, the store's checkout).
  const elsewhere = await request.post("/v1/sites/demo/loyalty/redemptions", {
    headers: { authorization: `Bearer ${token}` },
    data: { id: `elsewhere-${run}`, points: 100 },
  });
  expect(elsewhere.status()).toBe(201);
  const warnings: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning") warnings.push(m.text());
  });
  await shipping.click();
  await dialog.getByRole("button", { name: "Yes, redeem" }).click();
  // The collector refuses: the shopper reads why beside that reward (in words of their own),
  // the site's developers get the collector's reason in the console; no code is issued.
  const refusal = item(page, "Free shipping").getByRole("alert");
  await expect(refusal).toHaveText("You do not have enough points for this reward right now.");
  await expect
    .poll(() => warnings.join("\n"))
    .toContain("\"free-shipping\" costs 300 points; the spendable balance is 200");
  await expect(dialog.getByRole("heading", { name: "Your code" })).toHaveCount(0);
  await expect(item(page, "5.00 off").getByRole("alert")).toHaveCount(0);
  const final = await me(request, token);
  expect(final.spendable).toBe(200);
  expect(final.activity.filter((a: any) => a.kind === "redemption")).toHaveLength(2);
  expect(final.activity.filter((a: any) => a.reward === "free-shipping")).toEqual([]);
});

test("a refund by webhook of a pending order lowers the panel's pending balance", async ({ page, request, run }) => {
  const customer = `refund-${run}`;
  const token = customerToken(customer);
  const order = `RF-${run}`;
  await orderPaid(request, order, customer, "80.00");

  await openSignedIn(page, run, token);
  const dialog = panel(page);
  await expect(dialog).toContainText("80 pending");
  await expect(dialog.locator(".big")).toHaveText("0");
  await closePanel(page);

  // A partial refund inside the return window cancels that share of the pending points.
  const refund = { id: `refund-${run}`, order, eligible: "30.00" };
  expect(await webhook(request, `msg_refund-${run}`, "refund.created", refund)).toMatchObject({ status: "applied" });
  // The platform delivering it again changes nothing.
  expect(await webhook(request, `msg_refund-${run}`, "refund.created", refund)).toMatchObject({ status: "duplicate" });
  const after = await me(request, token);
  expect(after.pending).toBe(50);
  expect(after.spendable).toBe(0);

  await rewardsButton(page).click();
  await expect(dialog).toContainText("50 pending");
  await expect(dialog).not.toContainText("80 pending");
  await expect(dialog.locator(".big")).toHaveText("0");
  const refundEntry = item(page, /^Refund/);
  await expect(refundEntry).toHaveCount(1);
  await expect(refundEntry).toContainText("-30");
});

test("an order imported from history, past its return window, is spendable at once and counts towards the tier", async ({
  page,
  request,
  run,
}) => {
  const customer = `history-${run}`;
  const token = customerToken(customer);
  const placed = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const csv = `order_id,date,customer_id,amount,total,currency\nH-${run},${placed},${customer},520.00,530.00,EUR\n`;
  const imported = await request.post("/v1/sites/demo/loyalty/imports?format=generic&credit=true", {
    headers: { authorization: `Bearer ${SITES.demo}`, "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status(), await imported.text()).toBe(200);
  expect(await imported.json()).toMatchObject({ orders: 1, imported: 1, duplicates: 0, entries: 1, badRows: 0, complete: true });

  // Placed 30 days ago, the 14-day window has passed: spendable, not pending; 520 points from
  // an order in the tier window: Silver.
  const balance = await me(request, token);
  expect(balance).toMatchObject({ spendable: 520, pending: 0 });
  expect(balance.tier.name).toBe("Silver");
  expect(balance.activity).toHaveLength(1);
  expect(balance.activity[0]).toMatchObject({ kind: "order", points: 520, pending: false });
  // Dated by the order's own date, never by the import.
  expect(Date.parse(balance.activity[0].at)).toBe(Date.parse(placed));

  await openSignedIn(page, run, token);
  const dialog = panel(page);
  await expect(dialog.locator(".big")).toHaveText("520");
  await expect(dialog).not.toContainText("pending");
  await expect(dialog.getByText("Silver", { exact: true })).toBeVisible();
  await expect(dialog).toContainText(`${threshold("Gold") - 520} more points to reach Gold`);
  await expect(item(page, ORDER)).toContainText(day(placed));
  // Spendable now: the 5.00-off reward (500) can be redeemed.
  await expect(dialog.getByRole("button", { name: "Redeem 5.00 off" })).toBeEnabled();
});

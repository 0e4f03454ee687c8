// Segment targeting (issue 14) end to end, on the real collector with real scores: orders of
// the `e2e-target` site (tests/e2e/site.json: survey `win-back` for the `at-risk` segment)
// arrive through the collector's own history import; the scores job (which scores a site
// that has orders and was never scored at its next poll, every 5 s) computes them; then an
// identified at-risk shopper is served the win-back survey, an identified active shopper
// is not, and neither is an anonymous visitor. The console's Segments page shows the
// segment's size, and the response rate of what is targeted at it (responses over impressions).
import { createHmac, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { axe, createOwner } from "./console";
import { dialog } from "./widget";

const SITE = "e2e-target";
const ADMIN = "e2e-target-admin-token";
const SECRET = "e2e-target-token-secret-0123456789abcdef";
const DAY = 86_400_000;

test.describe.configure({ timeout: 150_000 });

/** An HS256 customer token, as the store's backend mints it. */
function token(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, site: SITE, iat: now - 5, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

/** `days` ago as the import's date column (`2026-01-05`). */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

/** The orders, all in one import so that the job's first run sees every one of them. */
async function importOrders(request: APIRequestContext, lapsed: string, active: string, small: string[]) {
  const rows = ["order_id,customer_id,date,amount,total,currency"];
  const order = (customer: string, days: number, amount: string) =>
    rows.push(`${customer}-${days},${customer},${daysAgo(days)},${amount},${amount},EUR`);
  // Spent a lot, last ordered 900 days ago: P(alive) far below 0.5 → at risk.
  for (const d of [1200, 1000, 900]) order(lapsed, d, "150.00");
  // Spent as much, ordered three days ago: active, not at risk.
  for (const d of [60, 30, 3]) order(active, d, "150.00");
  // Small recent buyers: the site's median spend is theirs.
  for (const c of small) order(c, 10, "20.00");
  const r = await request.post(`/v1/sites/${SITE}/loyalty/imports?format=generic`, {
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv" },
    data: rows.join("\n") + "\n",
  });
  expect(r.status(), await r.text()).toBe(200);
  const report = await r.json();
  expect(JSON.stringify(report)).toContain(`"imported":${rows.length - 1}`);
}

/** Polls the console API until `customer`'s scores are computed; returns their segments. */
async function segmentsOf(page: Page, customer: string): Promise<string[]> {
  let segments: string[] = [];
  await expect
    .poll(
      async () => {
        const r = await page.request.get(`/admin/api/customers/${SITE}/${encodeURIComponent(customer)}`);
        if (r.status() !== 200) return `HTTP ${r.status()}`;
        const body = await r.json();
        segments = body.segments;
        return body.score === null ? "no score yet" : "scored";
      },
      { timeout: 90_000, intervals: [1000] }
    )
    .toBe("scored");
  return segments;
}

/** A storefront page of the site: the loader tag with a config URL carrying `tok` (if any). */
async function storefront(page: Page, tok?: string) {
  const plain = fs.readFileSync(path.resolve("www/test-pages/plain.html"), "utf8");
  const attrs = tok
    ? `data-site="${SITE}" data-config-url="/v1/sites/${SITE}/config?token=${tok}"`
    : `data-site="${SITE}"`;
  await page.route("**/test/target.html", (route) =>
    route.fulfill({
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      body: plain.replace('data-site="e2e"', attrs),
    })
  );
  await page.goto("/test/target.html");
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
}

test("an identified at-risk shopper is served the win-back survey; an active one and an anonymous visitor are not", async ({
  page,
  browser,
  request,
}) => {
  const run = randomUUID().slice(0, 8);
  const lapsed = `lapsed-${run}`;
  const active = `active-${run}`;
  await importOrders(request, lapsed, active, [1, 2, 3].map((i) => `small-${run}-${i}`));
  await createOwner(page);
  expect(await segmentsOf(page, lapsed)).toContain("at-risk");
  expect(await segmentsOf(page, active)).not.toContain("at-risk");

  // What the collector serves: the targeted survey in the at-risk customer's config only.
  const served = async (tok?: string) => {
    const r = await request.get(`/v1/sites/${SITE}/config${tok ? `?token=${tok}` : ""}`);
    expect(r.status()).toBe(200);
    return ((await r.json()).surveys ?? []).map((s: { id: string }) => s.id);
  };
  expect(await served(token(lapsed))).toContain("win-back");
  expect(await served(token(active))).not.toContain("win-back");
  expect(await served()).not.toContain("win-back");

  // What the shoppers see, each in a fresh browser context.
  for (const [who, tok, shown] of [
    ["at-risk", token(lapsed), true],
    ["active", token(active), false],
    ["anonymous", undefined, false],
  ] as const) {
    const context = await browser.newContext();
    const shopper = await context.newPage();
    const counted = shown
      ? shopper.waitForResponse((r) => new URL(r.url()).pathname === "/v1/impressions")
      : undefined;
    await storefront(shopper, tok);
    if (shown) {
      await expect(dialog(shopper), `${who} shopper`).toBeVisible();
      await expect(dialog(shopper)).toContainText("We have missed you!");
      // Shown once: one impression counted (the Segments page's response rate below).
      expect((await counted)?.status()).toBe(204);
    } else {
      // The survey's trigger is a 1 s delay: wait well past it.
      await shopper.waitForTimeout(3000);
      await expect(dialog(shopper), `${who} shopper`).toHaveCount(0);
    }
    await context.close();
  }

  // The console's Segments page: the site's at-risk segment, the survey targeted at it.
  await page.goto("/admin/segments");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Segments");
  await page.getByLabel("Site").selectOption(SITE);
  const table = page.getByRole("table", { name: `Segments of ${SITE} and their targeted surveys` });
  const row = table.getByRole("row").filter({ hasText: "win-back" });
  await expect(row).toHaveCount(1);
  // Shown once to the at-risk shopper, not answered: 1 impression, a 0% response rate.
  await expect(row).not.toContainText("impressions not recorded");
  await expect(row).toContainText(/0% \(0 responses of 1 shown since \d{4}-\d{2}-\d{2}\)/);
  await expect(page.locator("#seg-computed")).toContainText("Scores computed");
  await expect(page.locator("#seg-computed")).toContainText("fallback rule");
  await axe(page, "segments with scores");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 375, height: 800 });
  await axe(page, "segments with scores, dark, 375 px");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the page fits 375 px").toBeLessThanOrEqual(0);
});

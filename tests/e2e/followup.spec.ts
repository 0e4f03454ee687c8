// Follow-ups end to end (issue 14, "Follow up"): an agent replies in the console API to an
// identified shopper's detractor answer → the shopper's next page view (site `e2e-followup`,
// `followups: true` in tests/e2e/site.json) shows the reply in the follow-up card, marks it
// seen and takes the helpful vote → the console API shows seen + helpful. Anonymous pages
// never fetch the chunk. A holdout response refuses a reply without override. axe on the card
// (light, dark, 375 px). Real loader, chunk and collector (SQLite); the console user comes
// from the collector's own `setup-link` command on this run's database.
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import * as path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { sitePages } from "./site-pages";

const SITE = "e2e-followup";
const SECRET = "e2e-followup-token-secret-0123456789abcdef";
const b64url = (b: Buffer) => b.toString("base64url");

/** An HS256 customer token, as the store's backend mints it. */
function token(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => b64url(Buffer.from(JSON.stringify(o)));
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, site: SITE, iat: now, exp: now + 600 })}`;
  return `${body}.${b64url(createHmac("sha256", SECRET).update(body).digest())}`;
}

/** A signed-in console owner (a fresh one per test, through a setup link). */
async function owner(request: APIRequestContext) {
  const dir = process.env.RAPPORT_E2E_DIR ?? "";
  const bin = process.env.RAPPORT_SERVER_BIN || path.join("target", "debug", "rapport-server");
  const out = execFileSync(bin, [
    "setup-link",
    "--db",
    path.join(dir, "e2e.sqlite"),
    "--config",
    path.join(dir, "config.json"),
  ]).toString();
  const setup = /#token=([\w-]+)/.exec(out)?.[1] ?? "";
  const email = `owner-${randomUUID().slice(0, 8)}@shop.example`;
  const password = "a long enough password";
  expect((await request.post("/admin/api/setup", { data: { token: setup, email, password } })).status()).toBe(201);
  const r = await request.post("/admin/api/session", { data: { email, password } });
  expect(r.status()).toBe(200);
  const csrf = (await r.json()).csrfToken as string;
  return { headers: { "x-csrf-token": csrf } };
}

/** Stores a complete NPS response of `customer` and returns its id. */
async function answer(request: APIRequestContext, customer: string, nps: number, why: string) {
  const id = randomUUID();
  const r = await request.post("/v1/responses", {
    headers: { authorization: `Bearer ${token(customer)}` },
    data: {
      id,
      site: SITE,
      survey: "check-in",
      answers: [
        { question: "nps", value: nps },
        { question: "why", value: why },
      ],
      locale: "en",
      url: "https://shop.example/order/1",
    },
  });
  expect(r.status()).toBe(201);
  return id;
}

const card = (page: Page) => page.locator("rapport-followup").getByRole("region");

async function identify(page: Page, customer: string) {
  await page.evaluate((t) => (window as any).rapport("identify", { token: t }), token(customer));
}

test.beforeEach(async ({ page }) => {
  await sitePages(page);
});

test("a reply reaches the identified shopper's next page view; seen and helpful come back to the console", async ({
  page,
  request,
}) => {
  const customer = `shopper-${randomUUID().slice(0, 8)}`;
  const id = await answer(request, customer, 3, "The parcel came <b>late</b>");
  const o = await owner(request);
  const sent = await request.post(`/admin/api/inbox/${SITE}/${id}/followups`, {
    headers: o.headers,
    data: { text: "Sorry! We refunded the shipping and sent a note to the courier." },
  });
  expect(sent.status()).toBe(201);

  // An anonymous visit never fetches the chunk or the follow-ups.
  const fetched: string[] = [];
  page.on("request", (r) => /\/followup\.js|\/followups/.test(r.url()) && fetched.push(r.url()));
  await page.goto(`/test/site/${SITE}/plain.html`);
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  await page.waitForTimeout(500);
  expect(fetched).toEqual([]);

  // The identified shopper sees it.
  await identify(page, customer);
  await expect(card(page)).toBeVisible();
  await expect(card(page)).toContainText("You told us");
  await expect(card(page).locator("blockquote")).toHaveText("The parcel came <b>late</b>");
  await expect(card(page)).toContainText("We refunded the shipping");
  await expect(card(page)).toContainText("Owner replied");
  for (const b of await card(page).getByRole("button").all()) {
    const box = await b.boundingBox();
    expect(box && box.width >= 44 && box.height >= 44).toBe(true);
  }
  const axe = await new AxeBuilder({ page }).include("rapport-followup").analyze();
  expect(axe.violations).toEqual([]);
  await card(page).getByRole("button", { name: "Yes" }).click();
  await expect(card(page)).toContainText("Thanks for letting us know.");

  // The console sees it seen and helpful.
  await expect
    .poll(async () => {
      const r = await request.get(`/admin/api/inbox/${SITE}/${id}/followups`);
      const f = (await r.json()).followups[0];
      return [f.seenAt !== null, f.helpful];
    })
    .toEqual([true, true]);
  // Escape dismisses the card.
  await page.keyboard.press("Escape");
  await expect(page.locator("rapport-followup")).toHaveCount(0);
});

test("the card passes axe in dark mode at 375 px and speaks the page's language", async ({ browser, request }) => {
  const customer = `shopper-${randomUUID().slice(0, 8)}`;
  const id = await answer(request, customer, 1, "");
  const o = await owner(request);
  expect(
    (await request.post(`/admin/api/inbox/${SITE}/${id}/followups`, { headers: o.headers, data: { text: "Lo sentimos." } })).status()
  ).toBe(201);
  const context = await browser.newContext({ colorScheme: "dark", viewport: { width: 375, height: 700 }, locale: "es-ES" });
  const page = await context.newPage();
  await sitePages(page);
  await page.goto(`/test/site/${SITE}/plain.html`);
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  // The page's language leads the negotiation (as the widget's): a Spanish page.
  await page.evaluate(() => (document.documentElement.lang = "es"));
  await identify(page, customer);
  await expect(card(page)).toBeVisible();
  await expect(card(page)).toContainText("Nos dijiste");
  await expect(card(page).locator("blockquote")).toHaveText("1 de 10");
  const box = await card(page).boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
  const axe = await new AxeBuilder({ page }).include("rapport-followup").analyze();
  expect(axe.violations).toEqual([]);
  await context.close();
});

test("a holdout response refuses a reply unless overridden", async ({ request }) => {
  const o = await owner(request);
  const put = await request.put(`/admin/api/sites/${SITE}/holdout`, {
    headers: o.headers,
    data: { enabled: true, share: 0.5, windowDays: 30 },
  });
  expect(put.status()).toBe(200);
  // Detractors until one is held out (each is, with probability one half).
  let held = "";
  for (let i = 0; i < 40 && !held; i++) {
    const id = await answer(request, `held-${randomUUID().slice(0, 8)}`, 2, "");
    const r = await request.get(`/admin/api/inbox/${SITE}/${id}/followups`);
    if ((await r.json()).holdout) held = id;
  }
  expect(held).not.toBe("");
  const refused = await request.post(`/admin/api/inbox/${SITE}/${held}/followups`, { headers: o.headers, data: { text: "Hi" } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.code).toBe("holdout");
  const forced = await request.post(`/admin/api/inbox/${SITE}/${held}/followups`, {
    headers: o.headers,
    data: { text: "Hi", override: true },
  });
  expect(forced.status()).toBe(201);
  expect(
    (await request.put(`/admin/api/sites/${SITE}/holdout`, { headers: o.headers, data: { enabled: false, share: 0.5, windowDays: 30 } })).status()
  ).toBe(200);
});

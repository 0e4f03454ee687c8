// A shopper identified with a customer token: the store's backend mints the token (here the
// test, with the demo site's secret, as the README's Node snippet does), the page passes it
// with `rapport('identify', { token })`, and the answer is stored with the token's customer
// and earns the site's survey-answer points. The token is never stored as a trait.
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { test, expect, expectRows, recordPosts, withRun } from "./fixtures";
import { dialog, primary } from "./widget";

const demo = JSON.parse(readFileSync("config/demo.json", "utf8")).sites.find((s: any) => s.site === "demo");
const SECRET: string = demo.loyalty.customerTokenSecret;
const ENDPOINT = `http://127.0.0.1:${process.env.RAPPORT_E2E_PORT ?? "8181"}`;

function customerToken(customer: string, secondsLeft = 600): string {
  const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: customer, site: "demo", iat: now - 5, exp: now + secondsLeft })}`;
  return `${body}.${crypto.createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

/** Answers the demo check-in as a promoter: 10, then "Maybe later", then "Price". */
async function answerCheckIn(page: import("@playwright/test").Page) {
  await expect(dialog(page)).toContainText("How likely are you to recommend Tidewater Goods");
  await dialog(page).getByRole("radio", { name: "10", exact: true }).click();
  await primary(page).click();
  await dialog(page).getByRole("radio", { name: "Maybe later" }).click();
  await primary(page).click();
  await dialog(page).getByRole("checkbox", { name: "Price" }).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thank you!");
}

test("the demo's signed-in shopper: the answer is the customer's and earns points beside the order's", async ({ page, request, run }) => {
  // The order page does what a store's backend would (www/demo/store-backend.js): mints the
  // customer's token and sends the paid order as a signed Standard Webhooks delivery.
  const customer = `cust-${run}`;
  const posts = recordPosts(page);
  const receipt = page.waitForResponse((r) => r.url().endsWith("/v1/responses") && r.request().method() === "POST");
  await page.goto(withRun(`/order.html?order=R-${run}&customer=${customer}`, run));
  await answerCheckIn(page);
  const body = await (await receipt).json();
  expect(body.customer).toBe(customer);
  expect(body.points).toBe(demo.loyalty.surveyAnswer.points);

  // The request carried a token; the stored traits do not.
  const token: string = posts[0].body.token;
  expect(token.split(".")).toHaveLength(3);
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect(row.partial).toBe(false);
  expect((row as any).customer).toBe(customer);
  expect(JSON.stringify(row.traits)).not.toContain(token.slice(0, 20));

  // The customer's balance, read with the same token: the answer's points spendable, the
  // order's (49.00 eligible, 1 point per unit) pending for the return window.
  const me = await request.get(`${ENDPOINT}/v1/sites/demo/loyalty/me`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(me.status()).toBe(200);
  const balance = await me.json();
  expect(balance.customer).toBe(customer);
  expect(balance.spendable).toBe(demo.loyalty.surveyAnswer.points);
  expect(balance.pending).toBe(49);
});

test("a token given by the page is sent with the answer", async ({ page, request, run }) => {
  const customer = `page-${run}`;
  const token = customerToken(customer);
  const posts = recordPosts(page);
  await page.goto(withRun("/order.html?guest", run));
  await page.evaluate((token) => (window as any).rapport("identify", { token }), token);
  await answerCheckIn(page);
  await expect.poll(() => posts.length).toBe(1);
  expect(posts[0].body.token).toBe(token);
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect((row as any).customer).toBe(customer);
});

test("an expired token keeps the answer, stored anonymously", async ({ page, request, run }) => {
  const token = customerToken(`cust-${run}`, -60);
  const receipt = page.waitForResponse((r) => r.url().endsWith("/v1/responses") && r.request().method() === "POST");
  await page.goto(withRun("/order.html?guest", run));
  await page.evaluate((token) => (window as any).rapport("identify", { token }), token);
  await answerCheckIn(page);
  const body = await (await receipt).json();
  expect(body.loyalty).toBe("token_refused");
  const [row] = await expectRows(request, run, 1, { site: "demo" });
  expect((row as any).customer ?? null).toBeNull();
  expect(row.userId).toBe("customer-1042");
});

test("a token that is no string is named in one warning and nothing is sent with it", async ({ page, run }) => {
  const warnings: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning") warnings.push(m.text());
  });
  const posts = recordPosts(page);
  await page.goto(withRun("/order.html?guest", run));
  await page.evaluate(() => (window as any).rapport("identify", { token: 42 }));
  await answerCheckIn(page);
  await expect.poll(() => posts.length).toBe(1);
  expect(posts[0].body.token).toBeUndefined();
  expect(warnings.filter((w) => w.includes("identify: token must be"))).toHaveLength(1);
});

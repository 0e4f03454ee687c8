// The console's side of follow-ups (issue 14): an owner replies from a response's page → the
// identified shopper's next page view shows the reply in the follow-up card → they mark it
// helpful → the response page shows it seen and helpful. The Follow-ups page turns the
// holdout on; a holdout response's composer is closed by default ("Reply anyway"); the
// results draw each interval; axe on the page. Real console, loader, chunk and collector.
import { createHmac, randomUUID } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { axe, createOwner } from "./console";
import { sitePages } from "./site-pages";

const SITE = "e2e-followup";
const SECRET = "e2e-followup-token-secret-0123456789abcdef";

function token(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, site: SITE, iat: now, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

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
    },
  });
  expect(r.status()).toBe(201);
  return id;
}

async function holdout(page: Page, on: boolean) {
  await page.goto(`/admin/followups?site=${SITE}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Follow-ups");
  // The deep link's site is the one chosen in the shared site picker.
  await expect(page.getByRole("combobox", { name: "Site" })).toHaveValue(SITE);
  const box = page.getByLabel("Hold out detractor answers");
  await (on ? box.check() : box.uncheck());
  await page.getByLabel("Share held out (%, 5 to 50)").fill("50");
  await page.getByLabel("Outcome window (days, 7 to 365)").fill("30");
  await page.getByRole("button", { name: "Save holdout" }).click();
  await expect(page.getByRole("status")).toHaveText(on ? "Holdout saved: on." : "Holdout saved: off.");
}

test("reply from the console → the shopper's next page view → helpful → seen and helpful in the console", async ({
  page,
  browser,
  request,
}) => {
  const customer = `console-shopper-${randomUUID().slice(0, 8)}`;
  const id = await answer(request, customer, 2, "Wrong size, twice");
  await createOwner(page);
  await page.goto(`/admin/inbox/${SITE}/${id}`);
  await expect(page.getByText("No follow-up yet.")).toBeVisible();
  await page.getByLabel("Reply to the shopper (shown on their next visit)").fill("We are sending the right size today, on us.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByRole("status")).toHaveText("Reply sent: the shopper sees it on their next visit.");
  await expect(page.getByText("We are sending the right size today, on us.")).toBeVisible();
  await expect(page.getByText(/not seen yet/)).toBeVisible();

  // The shopper's next page view.
  const shopper = await browser.newPage();
  await sitePages(shopper);
  await shopper.goto(`/test/site/${SITE}/plain.html`);
  await shopper.waitForFunction(() => (window as any).rapport?.l === 1);
  await shopper.evaluate((t) => (window as any).rapport("identify", { token: t }), token(customer));
  const card = shopper.locator("rapport-followup").getByRole("region");
  await expect(card).toContainText("Wrong size, twice");
  await expect(card).toContainText("We are sending the right size today, on us.");
  await card.getByRole("button", { name: "Yes" }).click();
  await expect(card).toContainText("Thanks for letting us know.");
  await shopper.close();

  await expect
    .poll(async () => {
      await page.reload();
      return page.locator(".followups li").first().textContent();
    })
    .toMatch(/seen .*, helpful/);
});

test("the holdout: turned on in the console, a held-out response's composer is closed by default, results drawn", async ({
  page,
  request,
}) => {
  await createOwner(page);
  await holdout(page, true);
  await axe(page, "follow-ups page, holdout on");
  let held = "";
  for (let i = 0; i < 40; i++) {
    const id = await answer(request, `held-${randomUUID().slice(0, 8)}`, 1, "");
    const r = await page.request.get(`/admin/api/inbox/${SITE}/${id}/followups`);
    if ((await r.json()).holdout && !held) held = id;
    if (held && i >= 9) break;
  }
  expect(held).not.toBe("");
  await page.goto(`/admin/inbox/${SITE}/${held}`);
  const reply = page.getByLabel("Reply to the shopper (shown on their next visit)");
  const anyway = page.getByRole("button", { name: "Reply anyway" });
  await expect(anyway).toBeVisible();
  await expect(anyway).toHaveAttribute("aria-expanded", "false");
  await expect(reply).toBeHidden();
  await anyway.click();
  await expect(reply).toBeVisible();
  await expect(reply).toBeFocused();

  // Results: both groups have customers, so each difference has its interval drawn.
  await page.goto(`/admin/followups?site=${SITE}`);
  const results = page.getByRole("region", { name: "Holdout results" });
  await expect(results.getByRole("img").first()).toHaveAttribute("aria-label", /95 % interval/);
  await expect(page.getByText(/Outcomes not complete/)).toBeVisible();
  await axe(page, "follow-ups page with results");
  await holdout(page, false);
});

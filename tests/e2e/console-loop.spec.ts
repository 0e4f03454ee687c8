// The merchant's whole loop of issue 14, end to end against the real collector (SQLite) and
// the real loader, widget chunk and console: customers with an order history are scored by the
// scores job; their answers arrive through `POST /v1/responses`; the merchant signs in,
// filters the detractors, sorts them by revenue at risk (the valuable customer who stopped
// buying first), tags, assigns and replies from the response page; the shopper's next page
// view shows the reply in the follow-up card; the console records it as seen. A holdout
// response offers no reply by default. The malicious-text corpus posted as answers shows as
// inert text in the inbox, the themes strip and the CSV download.
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { EXPECTED_401, axe, createOwner, signIn } from "./console";
import { MALICIOUS, SITE, answer, customerToken, customersWithHistory, heldOut } from "./inbox-data";
import { sitePages } from "./site-pages";

const letters = () => randomUUID().replace(/[^a-f]/g, "").slice(0, 8).padEnd(8, "x");
const rows = (page: Page) => page.getByRole("list", { name: "Responses" }).getByRole("listitem");

/** Records every element added to the document once parsed, and whether a payload ran. */
async function watchInjection(page: Page) {
  await page.addInitScript(() => {
    const w = window as any;
    w.__added = [] as string[];
    document.addEventListener("DOMContentLoaded", () =>
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes)
            if (n instanceof Element) for (const el of [n, ...n.querySelectorAll("*")]) w.__added.push(el.tagName.toLowerCase());
      }).observe(document, { childList: true, subtree: true })
    );
  });
}
const injected = (page: Page) =>
  page.evaluate(() => ({
    pwned: (window as any).__pwned,
    added: ((window as any).__added as string[]).filter((t) => /^(script|img|iframe|style|object|embed|svg)$/.test(t)),
    onAttributes: [...document.querySelectorAll("main *")].flatMap((el) => el.getAttributeNames().filter((a) => /^on/i.test(a))),
  }));

test("sign in → detractors by revenue at risk → tag, assign, reply → the shopper sees it → seen in the console", async ({
  page,
  browser,
  request,
  allowConsoleErrors,
}) => {
  // Signed out, the console's session probe answers 401 (logged by Chromium).
  allowConsoleErrors.push(EXPECTED_401);
  const run = letters();
  const c = await customersWithHistory(request, run);
  await answer(request, { run, nps: 9, why: "Lovely shop", customer: c.active });
  const small = await answer(request, { run, nps: 4, why: "Slow delivery", customer: c.small });
  const valuable = await answer(request, { run, nps: 2, why: "The parcel came late and crushed", customer: c.valuable });
  await answer(request, { run, nps: 1, why: "Never again" });

  // Sign in (the owner made through the setup link, then signed out and in again).
  const email = await createOwner(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/admin/inbox");
  await signIn(page, email);

  await page.goto(`/admin/inbox?site=${SITE}&url=${run}`);
  await expect(rows(page)).toHaveCount(4);
  await page.getByLabel("Score").selectOption("detractor");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows(page)).toHaveCount(3);
  await page.getByRole("link", { name: "Revenue at risk" }).click();
  await expect(page).toHaveURL(/band=detractor/);
  await expect(page).toHaveURL(/sort=risk/);
  await expect(rows(page).first()).toContainText("The parcel came late and crushed");
  await expect(rows(page).first()).toContainText(/At risk \$[\d,]+/);
  await expect(rows(page).nth(1)).toContainText("Slow delivery");
  await expect(rows(page).nth(2)).toContainText("Never again"); // anonymous: no risk, last
  await expect(rows(page).nth(2)).not.toContainText("At risk");

  // The response page: tag, assign, reply.
  await rows(page).first().getByRole("link", { name: /The parcel came late/ }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/inbox/${SITE}/${valuable}$`));
  await expect(page.getByRole("region", { name: "Customer" })).toContainText(c.valuable);
  await page.getByLabel("Tags (comma-separated)").fill("late, courier");
  const assignee = page.getByLabel("Assignee");
  await expect(assignee.locator("option", { hasText: email })).toHaveCount(1);
  await assignee.selectOption({ label: `Me (${email})` });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await page.getByRole("textbox", { name: /Reply to the shopper/ }).fill("So sorry! A new parcel is on its way, shipping on us.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByRole("status")).toHaveText("Reply sent: the shopper sees it on their next visit.");
  const followups = page.getByRole("region", { name: "Follow-ups" });
  await expect(followups).toContainText("not seen yet");
  const stored = await (await page.request.get(`/admin/api/inbox/${SITE}/${valuable}`)).json();
  expect([[...stored.tags].sort(), stored.assignee?.email]).toEqual([["courier", "late"], email]);
  // The other detractor is untouched.
  expect((await (await page.request.get(`/admin/api/inbox/${SITE}/${small}`)).json()).tags).toEqual([]);

  // The shopper's next page view, signed in on the store: the follow-up card.
  const shopper = await browser.newPage();
  await sitePages(shopper);
  await shopper.goto(`/test/site/${SITE}/plain.html`);
  await shopper.waitForFunction(() => (window as any).rapport?.l === 1);
  await shopper.evaluate((t) => (window as any).rapport("identify", { token: t }), customerToken(c.valuable));
  const card = shopper.locator("rapport-followup").getByRole("region");
  await expect(card).toBeVisible();
  await expect(card.locator("blockquote")).toHaveText("The parcel came late and crushed");
  await expect(card).toContainText("So sorry! A new parcel is on its way");
  await shopper.close();

  // The console records it as seen.
  await expect
    .poll(async () => {
      await page.reload();
      await expect(followups.getByRole("listitem")).toHaveCount(1);
      return followups.getByRole("listitem").textContent();
    })
    .toMatch(/seen \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
});

test("a holdout response offers no reply by default", async ({ page, request }) => {
  const run = letters();
  await createOwner(page);
  const held = await heldOut(page, request, run);
  await page.goto(`/admin/inbox/${SITE}/${held}`);
  await expect(page.getByText("This answer is in the holdout group")).toBeVisible();
  await expect(page.getByRole("textbox", { name: /Reply to the shopper/ })).toBeHidden();
  await expect(page.getByRole("button", { name: "Send reply" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Reply anyway" })).toHaveAttribute("aria-expanded", "false");
  const list = await (await page.request.get(`/admin/api/inbox/${SITE}/${held}/followups`)).json();
  expect([list.holdout, list.followups]).toEqual([true, []]);
});

test("the malicious-text corpus is inert text in the inbox, the themes strip and the CSV", async ({ page, request }) => {
  const run = letters();
  // Twice each, so that their two- and three-word phrases can be themes too.
  for (const round of [0, 1])
    for (const text of MALICIOUS) await answer(request, { run, nps: 0, why: text, page: `corpus${round}` });
  await watchInjection(page);
  await createOwner(page);
  await page.goto(`/admin/inbox?site=${SITE}&band=detractor&url=${run}`);
  await expect(rows(page)).toHaveCount(25);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows(page)).toHaveCount(2 * MALICIOUS.length);
  // Shown as the characters they are (the corpus's markup entries verbatim).
  const shown = await page.getByRole("list", { name: "Responses" }).textContent();
  for (const text of MALICIOUS.filter((t) => /[<>"{}$=@]/.test(t) && !/[\r\n\t\u0000]/.test(t)))
    expect(shown, `row text of ${JSON.stringify(text)}`).toContain(text);
  // The themes strip (the site's detractors) is there and is only links (the ones beyond
  // the first dozen behind the strip's own "More themes" toggle).
  const themes = page.getByRole("region", { name: "Themes" });
  await expect(themes.getByRole("link").first()).toBeVisible();
  const tags = await themes.evaluate((s) => [...new Set([...s.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()))].sort());
  expect(tags).toEqual(["a", "details", "h2", "li", "summary", "ul"]);
  expect(await injected(page)).toEqual({ pwned: undefined, added: [], onAttributes: [] });

  // The response page of the markup entry: text too.
  await rows(page)
    .filter({ hasText: MALICIOUS[0] })
    .first()
    .getByRole("link")
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Response");
  await expect(page.getByRole("region", { name: "Answers" })).toContainText(MALICIOUS[0]);
  // The console's own text areas only (note, reply), none from the corpus's "</textarea>".
  expect(await page.locator("main textarea").evaluateAll((t) => t.map((e) => e.id).sort())).toEqual(["f-reply", "n-text"]);
  expect(await injected(page)).toEqual({ pwned: undefined, added: [], onAttributes: [] });

  // The CSV of the rows shown: every text cell that a spreadsheet would run is behind a "'".
  await page.goto(`/admin/inbox?site=${SITE}&band=detractor&url=${run}`);
  await expect(rows(page)).toHaveCount(25);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows(page)).toHaveCount(2 * MALICIOUS.length);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV (responses shown)" }).click(),
  ]);
  const csv = await new Promise<string>(async (resolve, reject) => {
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
  const cells = parseCsv(csv);
  expect(cells).toHaveLength(1 + 2 * MALICIOUS.length);
  const textColumn = cells[0].indexOf("text");
  expect(textColumn).toBeGreaterThan(0);
  const texts = cells.slice(1).map((r) => r[textColumn]);
  for (const cell of cells.slice(1).flat()) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(/^[=+\-@\t\r]/);
  expect(texts).toContain(`'=HYPERLINK("http://x","a, b")`);
  expect(texts).toContain("'@SUM(1)");
  expect(texts).toContain("'\t tab first");
  expect(texts).toContain("'-0");
  expect(texts).toContain(`line\r\nbreak, "quoted"`);
  expect(texts).toContain(MALICIOUS[0]);
  await axe(page, "inbox with the corpus");
});

/** RFC 4180 cells (quoted fields, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell), out.push(row), (row = []), (cell = ""), i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length) row.push(cell), out.push(row);
  return out;
}

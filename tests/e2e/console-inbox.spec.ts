// The console's inbox and response pages, signed in for real, against the inbox API
// CONTRACT of issue 14 (the inbox endpoints are built in parallel by another part of the
// console): `/admin/api/inbox*` and `/admin/api/themes` are answered here by Playwright
// with contract-shaped JSON, and every request the page makes is checked. Sites, users,
// sessions and CSRF are the real collector's.
import type { Page, Request } from "@playwright/test";
import { test, expect } from "./fixtures";
import { axe, createOwner } from "./console";

const HOSTILE = `<img src=x onerror="window.__pwned=1">=HYPERLINK("http://evil")`;
const FORMULA = `=HYPERLINK("http://evil","click")`;

function item(n: number, extra: Record<string, unknown> = {}) {
  return {
    site: "e2e",
    id: `r${n}`,
    survey: "nps-survey",
    receivedAt: 1_796_638_680_000 - n * 60_000,
    score: { kind: "nps", value: n % 11 },
    band: "detractor",
    text: n === 1 ? HOSTILE : n === 3 ? FORMULA : `Answer number ${n}`,
    answers: [
      { question: "How likely are you to recommend us?", type: "nps", value: n % 11 },
      { question: "What went wrong?", type: "openText", value: n === 1 ? HOSTILE : `Answer number ${n}` },
    ],
    url: `/cart?n=${n}`,
    customer: {
      id: `c${n}`,
      email: `shopper${n}@mail.example`,
      tier: "gold",
      orders: 4,
      spend: 52_000,
      pAlive: { value: 0.4, low: 0.3, high: 0.5 },
      annualValue: { value: 200_000, low: 150_000, high: 260_000 },
    },
    risk: { value: 124_000, low: 88_000, high: 161_000 },
    currency: "USD",
    status: "new",
    tags: n === 2 ? ["late"] : [],
    assignee: null,
    notes: 0,
    followups: 0,
    holdout: false,
    ...extra,
  };
}

type Seen = { method: string; url: URL; body: unknown };

/** Answers the inbox contract's endpoints; returns the requests seen. */
async function fakeInbox(page: Page): Promise<Seen[]> {
  const seen: Seen[] = [];
  const record = (r: Request) => {
    const body = r.postData();
    seen.push({ method: r.method(), url: new URL(r.url()), body: body ? JSON.parse(body) : null });
  };
  await page.route(/\/admin\/api\/themes(\?|$)/, async (route) => {
    record(route.request());
    await route.fulfill({ json: { themes: [{ phrase: "late delivery", count: 12, band: "detractor" }] } });
  });
  await page.route(/\/admin\/api\/inbox(\/|\?|$)/, async (route) => {
    const r = route.request();
    record(r);
    // Contract: every state-changing request carries the session's CSRF token.
    if (r.method() !== "GET") expect(r.headers()["x-csrf-token"]).toBeTruthy();
    const url = new URL(r.url());
    const path = url.pathname;
    if (path === "/admin/api/inbox") {
      const first = !url.searchParams.get("cursor");
      const items = first ? [1, 2, 3].map((n) => item(n)) : [item(4)];
      return route.fulfill({ json: { items, next: first ? "cursor-2" : null } });
    }
    if (path === "/admin/api/inbox/bulk") {
      const body = JSON.parse(r.postData() ?? "{}");
      return route.fulfill({ json: { updated: body.items.length } });
    }
    const m = path.match(/^\/admin\/api\/inbox\/([^/]+)\/([^/]+)(\/notes|\/followups)?$/);
    if (!m) return route.fulfill({ status: 404, json: { error: { code: "not_found", field: "path", message: "no" } } });
    const holdout = m[2] === "r3";
    const base = item(Number(m[2].slice(1)), { holdout });
    if (m[3] === "/notes") {
      return route.fulfill({ status: 201, json: { id: "n2", author: "me", text: JSON.parse(r.postData() ?? "{}").text, at: 1_796_638_700_000 } });
    }
    if (m[3] === "/followups") {
      const body = JSON.parse(r.postData() ?? "{}");
      if (holdout && !body.override) return route.fulfill({ status: 409, json: { error: "holdout", message: "holdout" } });
      return route.fulfill({
        status: 201,
        json: { id: "f1", text: body.text, author: "me", sentAt: 1_796_638_700_000, seenAt: null, helpful: null },
      });
    }
    if (r.method() === "PATCH") return route.fulfill({ json: { ...base, ...JSON.parse(r.postData() ?? "{}") } });
    return route.fulfill({
      json: {
        ...base,
        notes: [{ id: "n1", author: "agent@shop.example", text: HOSTILE, at: 1_796_638_690_000 }],
        followups: [
          { id: "f0", text: "We sent a new box.", author: "agent@shop.example", sentAt: 1_796_638_695_000, seenAt: 1_796_638_699_000, helpful: true },
        ],
      },
    });
  });
  return seen;
}

const inboxGets = (seen: Seen[]) => seen.filter((s) => s.method === "GET" && s.url.pathname === "/admin/api/inbox");

test("inbox: rows, sort, filters in the URL, load more, themes, bulk actions; text stays text", async ({ page }) => {
  await createOwner(page);
  const seen = await fakeInbox(page);
  await page.getByRole("link", { name: "Inbox" }).click();
  const list = page.getByRole("list", { name: "Responses" });
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await expect(list.getByRole("listitem").nth(1)).toContainText("At risk $1,240 (880–1,610)");
  await expect(list.getByRole("listitem").nth(1)).toContainText("P(alive) 40% (30–50%)");
  await expect(list.getByRole("listitem").nth(1)).toContainText("shopper2@mail.example · gold");
  // Shopper text is text: the markup shows as characters and nothing ran.
  await expect(list.getByRole("listitem").first()).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await page.locator("main img").count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(inboxGets(seen)[0].url.searchParams.get("sort")).toBe("newest");

  await page.getByRole("link", { name: "Revenue at risk" }).click();
  await expect(page).toHaveURL(/\/admin\/inbox\?sort=risk$/);
  await expect(page.getByRole("link", { name: "Revenue at risk" })).toHaveAttribute("aria-current", "true");
  await expect.poll(() => inboxGets(seen).at(-1)?.url.searchParams.get("sort")).toBe("risk");

  await page.getByLabel("Score").selectOption("detractor");
  await page.getByLabel("Search answers").fill("late box");
  await page.getByLabel("Only answers with text").check();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/\/admin\/inbox\?band=detractor&q=late\+box&hasText=true&sort=risk$/);
  await expect.poll(() => inboxGets(seen).at(-1)?.url.search).toContain("band=detractor");
  const last = inboxGets(seen).at(-1)!.url.searchParams;
  expect([last.get("q"), last.get("hasText"), last.get("sort"), last.get("limit")]).toEqual(["late box", "true", "risk", "25"]);
  await page.reload();
  await expect(page.getByLabel("Score")).toHaveValue("detractor");
  await expect(page.getByLabel("Search answers")).toHaveValue("late box");
  await expect(page.getByLabel("Only answers with text")).toBeChecked();

  await expect(list.getByRole("listitem")).toHaveCount(3);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(4);
  expect(inboxGets(seen).at(-1)?.url.searchParams.get("cursor")).toBe("cursor-2");
  await expect(page.getByRole("button", { name: "Load more" })).toBeHidden();

  await page.getByRole("link", { name: /Search “late delivery” \(12 answers\)/ }).click();
  await expect(page).toHaveURL(/q=late\+delivery/);
  await expect(list.getByRole("listitem")).toHaveCount(3);

  const bulk = page.getByRole("form", { name: "Bulk actions" });
  await expect(bulk).toBeHidden();
  await list.getByRole("checkbox").nth(0).check();
  await list.getByRole("checkbox").nth(2).check();
  await expect(bulk).toContainText("2 responses selected");
  await bulk.getByLabel("Set status").selectOption("triaged");
  await bulk.getByLabel("Add tags (comma-separated)").fill("late, box");
  await bulk.getByRole("button", { name: "Apply to selected" }).click();
  await expect(page.getByRole("status")).toHaveText("2 responses updated. 3 responses shown.");
  await expect(bulk).toBeHidden();
  const post = seen.find((s) => s.url.pathname === "/admin/api/inbox/bulk");
  expect(post?.body).toEqual({
    items: [
      { site: "e2e", id: "r1" },
      { site: "e2e", id: "r3" },
    ],
    status: "triaged",
    addTags: ["late", "box"],
  });
  await axe(page, "inbox");
});

test("response: answers, customer, triage, notes, follow-up; the holdout composer is closed", async ({ page }) => {
  await createOwner(page);
  const seen = await fakeInbox(page);
  await page.goto("/admin/inbox");
  await page.getByRole("link", { name: /Answer number 2/ }).click();
  await expect(page).toHaveURL(/\/admin\/inbox\/e2e\/r2$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Response");
  const customer = page.getByRole("region", { name: "Customer" });
  await expect(customer).toContainText("Revenue at risk");
  await expect(customer).toContainText("$1,240 (880–1,610)");
  await expect(customer).toContainText("$2,000 (1,500–2,600)");
  const notes = page.getByRole("list", { name: "Notes" });
  await expect(notes).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await page.locator("main img").count()).toBe(0);
  await expect(page.getByRole("list", { name: "Follow-ups sent" })).toContainText("marked helpful");
  await axe(page, "response");

  await page.getByLabel("Status").selectOption("acting");
  await page.getByLabel("Tags (comma-separated)").fill("late, refund");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  const patch = seen.find((s) => s.method === "PATCH");
  expect(patch?.url.pathname).toBe("/admin/api/inbox/e2e/r2");
  expect(patch?.body).toEqual({ status: "acting", tags: ["late", "refund"], assignee: null });

  await page.getByLabel("Add a note (seen by your team only)").fill("Called the courier.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(notes).toContainText("Called the courier.");

  await page.getByLabel(/Reply to the shopper/).fill("Sorry! A new box is on its way.");
  await page.getByRole("button", { name: "Send follow-up" }).click();
  await expect(page.getByRole("status")).toContainText("Follow-up sent.");
  expect(seen.find((s) => s.url.pathname.endsWith("/followups"))?.body).toEqual({ text: "Sorry! A new box is on its way." });

  // r3 is in the holdout group: no composer until the merchant overrides explicitly.
  await page.goto("/admin/inbox/e2e/r3");
  await expect(page.getByText("This response is in the holdout group")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send follow-up" })).toBeHidden();
  await page.getByRole("button", { name: "Reply anyway" }).click();
  await expect(page.getByLabel(/Reply to the shopper/)).toBeFocused();
  await page.getByLabel(/Reply to the shopper/).fill("We hear you.");
  await page.getByRole("button", { name: "Send follow-up" }).click();
  await expect(page.getByRole("status")).toContainText("Follow-up sent.");
  expect(seen.filter((s) => s.url.pathname === "/admin/api/inbox/e2e/r3/followups").at(-1)?.body).toEqual({
    text: "We hear you.",
    override: true,
  });
});

test("inbox: the CSV download of the rows shown neutralises formulas", async ({ page }) => {
  await createOwner(page);
  await fakeInbox(page);
  await page.goto("/admin/inbox");
  await expect(page.getByRole("list", { name: "Responses" }).getByRole("listitem")).toHaveCount(3);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV (responses shown)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("responses.csv");
  const text = await new Promise<string>(async (resolve, reject) => {
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
  const lines = text.split("\r\n");
  expect(lines).toHaveLength(5);
  expect(lines[0]).toContain('"site","id","received"');
  // Row 1's text starts with "<" (harmless) and contains a formula later: kept as is, quoted.
  expect(lines[1]).toContain('"<img src=x onerror=""window.__pwned=1"">=HYPERLINK(""http://evil"")"');
  expect(lines[2]).toContain(",1240,880,1610,0.4,");
  // Row 3's text starts with "=": a spreadsheet would run it; the file has it behind a "'".
  expect(lines[3]).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
  await expect(page.getByRole("list", { name: "Responses" })).toContainText(FORMULA);
  await expect(page.getByRole("status")).toHaveText("CSV downloaded.");
});

test("inbox: a collector without the inbox API says so", async ({ page, allowConsoleErrors }) => {
  // Chromium logs the 404s of the missing endpoints (inbox, themes) as console errors.
  allowConsoleErrors.push(/the server responded with a status of 404 \(Not Found\)/);
  await createOwner(page);
  await page.route(/\/admin\/api\/inbox(\?|$)/, (route) =>
    route.fulfill({ status: 404, json: { error: { code: "not_found", field: "path", message: "no such endpoint" } } })
  );
  await page.goto("/admin/inbox");
  await expect(page.getByText("The inbox is not available on this collector yet")).toBeVisible();
});

for (const scheme of ["light", "dark"] as const) {
  test(`inbox and response with data (${scheme}, 375 px): no axe violations, no overflow`, async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    await createOwner(page);
    await fakeInbox(page);
    const fits = async (label: string) => {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${label} fits 375 px`).toBeLessThanOrEqual(0);
    };
    await page.goto("/admin/inbox?sort=risk");
    await expect(page.getByRole("list", { name: "Responses" }).getByRole("listitem")).toHaveCount(3);
    await page.getByRole("list", { name: "Responses" }).getByRole("checkbox").first().check();
    await expect(page.getByRole("form", { name: "Bulk actions" })).toBeVisible();
    await axe(page, "inbox with a selection");
    await fits("inbox");
    await page.goto("/admin/inbox/e2e/r3");
    await expect(page.getByText("This response is in the holdout group")).toBeVisible();
    await axe(page, "response in the holdout group");
    await fits("response");
  });
}

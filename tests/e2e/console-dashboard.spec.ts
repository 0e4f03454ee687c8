// The console's dashboard (issue 14) on the demo data (`rapport-server seed-demo` into this
// run's database): every chart computed by the metrics engine in the page's Worker; the
// numbers on screen equal the engine's own functions from `pkg/metrics.js` on the same data
// (fetched from the collector in the test); a Shopify orders export renders cohorts and
// CLV; a chart's CSV download neutralises a cell that starts with `=`; axe finds nothing,
// light and dark, at 1280 and 375 px.
import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { axe, createOwner } from "./console";

const PKG = path.resolve(__dirname, "../../pkg");
const SHOPIFY = path.resolve(__dirname, "data/shopify_orders_cdnow.csv");

/** The demo store in this run's database (a no-op once the site has orders). */
function seedDemo() {
  const dir = process.env.RAPPORT_E2E_DIR;
  if (!dir) throw new Error("RAPPORT_E2E_DIR is set by playwright.config.ts");
  const bin = process.env.RAPPORT_SERVER_BIN || path.join("target", "debug", "rapport-server");
  execFileSync(
    bin,
    ["seed-demo", "--db", path.join(dir, "e2e.sqlite"), "--config", path.join(dir, "config.json"),
      "--site", "demo", "--customers", "400", "--password", "demo password 1234"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }
  );
}

/** The package's files under `/pkg/*` of this origin (as npm-metrics.spec.ts serves them). */
async function servePkg(page: Page) {
  await page.context().route("**/pkg/**", async (route) => {
    const url = new URL(route.request().url());
    const file = path.resolve(PKG, decodeURIComponent(url.pathname.slice("/pkg/".length)));
    if (!file.startsWith(PKG + path.sep) || !fs.existsSync(file)) {
      await route.fulfill({ status: 404, body: "not found" });
      return;
    }
    const type = file.endsWith(".wasm") ? "application/wasm" : "text/javascript; charset=utf-8";
    await route.fulfill({ status: 200, headers: { "content-type": type }, body: fs.readFileSync(file) });
  });
}

async function chart(page: Page, section: string, id: string) {
  const el = page.locator(`#chart-${section}-${id}`);
  await expect(el).toBeVisible({ timeout: 60_000 });
  return el;
}

test.describe.configure({ timeout: 180_000 });

test("dashboard numbers equal the engine's on the same data; tables, CSV and progress", async ({ page }) => {
  seedDemo();
  await createOwner(page);
  const progress: string[] = [];
  await page.goto("/admin/dashboard");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dashboard");
  const status = page.locator("#dash-data-status");
  // The collector has several sites: the picker lists them (from GET /admin/api/sites). The
  // first (e2e) has no orders, so its charts fail at once: pick the demo site first.
  await page.getByLabel("Site").selectOption("demo");
  // Progress is shown while the Worker computes; the page stays responsive meanwhile.
  await expect(status).toContainText(/Computing|Starting|charts ready/);
  progress.push((await status.textContent()) ?? "");
  await expect(page.locator("#dash-data")).toHaveAttribute("data-site", "demo", { timeout: 120_000 });
  await expect(status).toHaveText(/\d+ charts ready\./, { timeout: 120_000 });

  // The same data, fetched by the test; the expected numbers from pkg/metrics.js's own nps().
  const data = await page.evaluate(async () => (await fetch("/admin/api/dashboard/data?site=demo")).json());
  const isNps = (i: number) => data.responses.kinds[data.responses.kind[i]] === "nps";
  const npsValues: number[] = data.responses.value.filter((_: number, i: number) => isNps(i));
  expect(npsValues.length).toBeGreaterThan(50);
  const other = await page.context().newPage();
  await servePkg(other);
  await other.goto("/test/index.html");
  const expected = await other.evaluate(async (values) => {
    const m = await import("/pkg/metrics.js");
    return m.nps(values, { confidence: 0.95 });
  }, npsValues);
  await other.close();

  const nps = await chart(page, "dash-data", "nps-over-time");
  await expect(nps.locator(".chart-summary")).toContainText(
    `NPS ${expected.score.toFixed(1)} over ${expected.responses} responses (95% interval ${expected.ciLow.toFixed(1)} to ${expected.ciHigh.toFixed(1)})`
  );
  // The customer charts use the scores job's histories (the inbox's numbers).
  const customers = data.scores.customers.length;
  const clv = await chart(page, "dash-data", "clv-distribution");
  await expect(clv.locator(".chart-summary")).toContainText(`${customers} customers, predicted 12-month revenue`);
  const liability = await chart(page, "dash-data", "loyalty-liability");
  await expect(liability.locator(".chart-summary")).toContainText(`${data.loyalty.points.outstanding} points outstanding`);
  expect(data.loyalty.liability.total.outstanding).toBe(data.loyalty.points.outstanding);
  for (const id of ["csat", "response-rate-per-survey", "top-customers", "at-risk", "rfm-segments", "retention-what-if",
    "cohort-retention", "repeat-purchase", "loyalty-points", "loyalty-tiers", "referrals"]) {
    const c = await chart(page, "dash-data", id);
    await expect(c.locator("svg[role=img]")).toHaveCount(1);
  }
  // No survey of the demo asks a CES question: the summary says so, with no empty axes,
  // table or CSV.
  const ces = await chart(page, "dash-data", "ces");
  await expect(ces.locator(".chart-summary")).toContainText("No CES answers yet");
  await expect(ces.locator("svg")).toHaveCount(0);
  await expect(ces.getByRole("button", { name: "Show table" })).toHaveCount(0);
  // The SVG entered the page as drawing only: no script, no handler, no link.
  expect(await page.locator("main svg script, main svg foreignObject, main svg [href]").count()).toBe(0);

  // Table view: the NPS table has one row per month of the data.
  const months = new Set<string>(
    data.responses.at
      .filter((_: number, i: number) => isNps(i))
      .map((t: number) => new Date(t * 1000).toISOString().slice(0, 7))
  );
  await nps.getByRole("button", { name: "Show table" }).click();
  await expect(nps.getByRole("button", { name: "Hide table" })).toHaveAttribute("aria-expanded", "true");
  await expect(nps.locator("tbody tr")).toHaveCount(months.size);

  // CSV download of the response-rate-per-survey table (numbers plain, text quoted).
  const surveys = await chart(page, "dash-data", "response-rate-per-survey");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    surveys.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("rapport-demo-response-rate-per-survey.csv");
  const csv = fs.readFileSync(await download.path(), "utf8");
  expect(csv.split("\r\n")[0]).toBe('"survey","name","responses","scored","shown","shown_since","responses_since","response_rate","ci_low","ci_high"');
  expect(csv).toContain('"post-purchase","Post-purchase check-in",');
  // The seeded impressions: the chart's rate is the data's responses since counted over shown.
  const post = data.surveys.find((s: { id: string }) => s.id === "post-purchase");
  expect(post.shown).toBeGreaterThan(post.responses);
  const line = csv.split("\r\n").find((l) => l.startsWith('"post-purchase"')) ?? "";
  const cells = line.split(",");
  expect(Number(cells[4])).toBe(post.shown);
  expect(Number(cells[7])).toBeCloseTo(post.responsesSince / post.shown, 12);
  expect(progress.length).toBeGreaterThan(0);
});

/** An HS256 customer token of the demo site (config/demo.json's secret), for 10 minutes. */
function demoToken(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, site: "demo", iat: now - 5, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", "demo-customer-token-secret-change-me-0123").update(body).digest("base64url")}`;
}

/** The at-risk table's rows, as text cells, once the dashboard has computed. */
async function atRiskRows(page: Page): Promise<string[][]> {
  await page.goto("/admin/dashboard");
  await page.getByLabel("Site").selectOption("demo");
  await expect(page.locator("#dash-data")).toHaveAttribute("data-site", "demo", { timeout: 120_000 });
  await expect(page.locator("#dash-data-status")).toHaveText(/\d+ charts ready\./, { timeout: 120_000 });
  const risk = await chart(page, "dash-data", "at-risk");
  await risk.getByRole("button", { name: "Show table" }).click();
  const rows = risk.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const out: string[][] = [];
  for (let r = 0; r < (await rows.count()); r++) {
    out.push((await rows.nth(r).locator("td").allTextContents()).map((t) => t.trim()));
  }
  return out;
}

test("the at-risk list's first customer has the inbox's P(alive), annual value and revenue at risk", async ({ page }) => {
  seedDemo();
  await createOwner(page);
  // The collector's scores job has scored the demo site (the data carries the run's time).
  await expect
    .poll(async () => (await (await page.request.get("/admin/api/dashboard/data?site=demo")).json()).scores.asOf,
      { timeout: 60_000 })
    .not.toBeNull();
  const before = await atRiskRows(page);
  const customer = before[0][0];
  expect(customer).not.toBe("");

  // That customer answers 0 now: the inbox indexes the answer with their stored scores, and
  // it becomes their latest answer on the dashboard (their risk can only grow: still first).
  const id = randomUUID();
  const posted = await page.request.post("/v1/responses", {
    headers: { authorization: `Bearer ${demoToken(customer)}` },
    data: { id, site: "demo", survey: "post-purchase", answers: [{ question: "nps", value: 0 }],
      locale: "en", url: "https://shop.example/order/samenumbers" },
  });
  expect(posted.status(), await posted.text()).toBe(201);
  type Est = { value: number; low: number; high: number };
  let item: { customer: { id: string; pAlive: Est | null; annualValue: Est | null } | null; risk: Est | null } | undefined;
  await expect
    .poll(async () => {
      const r = await page.request.get(`/admin/api/inbox/demo/${id}`);
      item = r.status() === 200 ? await r.json() : undefined;
      return item?.risk != null && item.customer?.pAlive != null;
    }, { timeout: 30_000 })
    .toBe(true);

  const row = (await atRiskRows(page))[0];
  expect(row[0]).toBe(customer);
  const [pAlive, annual, unhappy, atRisk] = [Number(row[3]), Number(row[6]), Number(row[7]), Number(row[8])];
  expect(pAlive).toBeLessThan(0.5);
  expect(unhappy).toBe(1);
  // Same numbers: the table shows 4 decimals of P(alive) and 2 of money in currency units;
  // the inbox has minor units.
  expect(item?.customer?.id).toBe(customer);
  expect(item?.customer?.pAlive?.value).toBeCloseTo(pAlive, 4);
  expect((item?.customer?.annualValue?.value ?? NaN) / 100).toBeCloseTo(annual, 2);
  expect((item?.risk?.value ?? NaN) / 100).toBeCloseTo(atRisk, 2);
  // And on screen, in the response's customer block.
  await page.goto(`/admin/inbox/demo/${id}`);
  const block = page.getByRole("region", { name: "Customer" });
  await expect(block).toContainText(customer);
  await expect(block).toContainText(`P(alive) ${Math.round(pAlive * 100)}%`);
  // The demo store prices in euros.
  const euros = (v: number) => `€${Math.round(v).toLocaleString("en-US")}`;
  await expect(block).toContainText(euros(annual));
  await expect(block).toContainText(euros(atRisk));
});

test("a Shopify export renders cohorts and CLV; its CSV neutralises a formula", async ({ page }) => {
  await createOwner(page);
  await page.goto("/admin/dashboard");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dashboard");
  await page.getByLabel("Shopify orders export (CSV)").setInputFiles(SHOPIFY);
  const status = page.locator("#dash-export-status");
  await expect(status).toHaveText(/\d+ charts ready\./, { timeout: 120_000 });
  const cohorts = await chart(page, "dash-export", "cohort-retention");
  await expect(cohorts.locator(".chart-summary")).toContainText("monthly cohorts, 607 customers");
  const clv = await chart(page, "dash-export", "clv-distribution");
  await expect(clv.locator(".chart-summary")).toContainText("607 customers");
  const top = await chart(page, "dash-export", "top-customers");
  await top.getByRole("button", { name: "Show table" }).click();
  // The customer whose e-mail a spreadsheet would run (eighteen large monthly orders) is
  // among the top customers, shown as text.
  await expect(top.locator("tbody td", { hasText: "=2+3@example.com" })).toHaveCount(1);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    top.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), "utf8");
  expect(csv).toContain(`"'=2+3@example.com"`);
  expect(csv).not.toMatch(/(^|,)"=/m);
});

for (const scheme of ["light", "dark"] as const) {
  for (const width of [1280, 375]) {
    test(`dashboard with its charts (${scheme}, ${width} px): no axe violations`, async ({ page }) => {
      seedDemo();
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      await createOwner(page);
      await page.goto("/admin/dashboard");
      await page.getByLabel("Site").selectOption("demo");
      await expect(page.locator("#dash-data")).toHaveAttribute("data-site", "demo", { timeout: 120_000 });
      await expect(page.locator("#dash-data-status")).toHaveText(/\d+ charts ready\./, { timeout: 120_000 });
      const nps = await chart(page, "dash-data", "nps-over-time");
      await nps.getByRole("button", { name: "Show table" }).click();
      await axe(page, `dashboard ${scheme} ${width}`);
      if (width === 375) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, "the dashboard fits 375 px").toBeLessThanOrEqual(0);
      }
    });
  }
}

// The loyalty panel (`rapport('loyalty')`, its own chunk under dist/loyalty/) against the real
// collector: an identified shopper (a customer token minted here with the e2e site's secret,
// points credited by an admin adjustment) sees balance and tier, redeems a reward and sees the
// code; an anonymous shopper sees the join call to action; axe-core light and dark; keyboard;
// right to left; every locale's words (a Spanish, an Arabic, a Hebrew page; a missing locale
// file leaves English); the strict-CSP and hostile-CSS pages; the demo storefront's Rewards button.
import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";
import type { APIRequestContext, Page, Request } from "@playwright/test";
import { test, expect, withRun, SITES } from "./fixtures";

const SECRET = "e2e-customer-token-secret-0123456789abcdef";
const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString("base64url");

/** The README's Node snippet: an HS256 customer token valid for 10 minutes. */
function customerToken(site: string, customerId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: customerId, site, iat: now, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

async function credit(request: APIRequestContext, customer: string, points: number) {
  const resp = await request.post("/v1/sites/e2e/loyalty/adjustments", {
    headers: { authorization: `Bearer ${SITES.e2e}` },
    data: { id: `adj-${customer}`, customer, points, reason: "e2e welcome points", actor: "playwright" },
  });
  expect(resp.status()).toBe(201);
}

async function me(request: APIRequestContext, token: string) {
  const resp = await request.get("/v1/sites/e2e/loyalty/me", { headers: { authorization: `Bearer ${token}` } });
  expect(resp.status()).toBe(200);
  return resp.json();
}

const panel = (page: Page) => page.locator("rapport-loyalty").getByRole("dialog");

/** Opens the panel as a page would: `identify({token})` (when given), then `loyalty`. */
async function openPanel(page: Page, token?: string, options: Record<string, unknown> = {}) {
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  await page.evaluate(
    ([t, o]) => {
      const r = (window as any).rapport;
      if (t) r("identify", { token: t });
      r("loyalty", { join: "/join", signIn: "/sign-in", ...(o as object) });
    },
    [token, options] as const
  );
  await expect(panel(page)).toBeVisible();
}

async function axe(page: Page, label: string) {
  // The entrance animation has finished.
  await page.evaluate(() =>
    Promise.all(document.querySelector("rapport-loyalty")!.shadowRoot!.getAnimations().map((a) => a.finished))
  );
  const result = await new AxeBuilder({ page }).include("rapport-loyalty").analyze();
  const summary = result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
  expect(summary, `axe violations (${label})`).toEqual([]);
  expect(result.passes.length, "axe actually checked the panel").toBeGreaterThan(0);
}

test("an identified shopper sees balance and tier, redeems a reward and copies the code", async ({
  page,
  context,
  request,
  run,
}) => {
  const customer = `panel-${run}`;
  const token = customerToken("e2e", customer);
  await credit(request, customer, 800);
  const before = await me(request, token);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const chunk: string[] = [];
  page.on("request", (r: Request) => /\/loyalty\/panel/.test(r.url()) && chunk.push(r.url()));
  await page.goto(withRun("/test/plain.html", run));
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  // Nothing of the panel is fetched before the shopper opens it.
  expect(chunk).toEqual([]);
  await page.locator("#page-button").focus();
  await openPanel(page, token);
  expect(chunk.some((u) => u.endsWith("/loyalty/panel_bg.wasm"))).toBe(true);
  const dialog = panel(page);
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(dialog.getByRole("heading", { name: "Rewards", level: 2 })).toBeVisible();
  // Balance and tier as the collector reports them.
  await expect(dialog).toContainText("800 points");
  expect(before.spendable).toBe(800);
  await expect(dialog).toContainText(before.tier.name);
  await expect(dialog.getByRole("progressbar", { name: "Progress to the next tier" })).toBeVisible();
  // Dates read as the words' locale writes them (Intl), not as the collector's ISO form.
  const expires = await page.evaluate(
    (at) => new Date(at).toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" }),
    before.expiresAt
  );
  expect(expires).not.toContain("-");
  await expect(dialog).toContainText(`${before.expiringPoints} points expire on ${expires}`);
  // Ways to earn and the referral link.
  await expect(dialog).toContainText("1 point per 1.00 spent");
  await expect(dialog).toContainText(before.referral.link);
  // A reward above the balance, and a tier-only one, cannot be redeemed.
  await expect(dialog.getByRole("button", { name: "Redeem Free product (sku-mug)" })).toBeDisabled();

  await dialog.getByRole("button", { name: "Redeem 5.00 off" }).click();
  await expect(dialog).toContainText("Redeem 5.00 off for 500 points?");
  await expect(dialog.getByRole("button", { name: "Yes, redeem" })).toBeFocused();
  await dialog.getByRole("button", { name: "Yes, redeem" }).click();
  await expect(dialog.getByRole("heading", { name: "Your code" })).toBeVisible();
  const code = (await dialog.locator(".code").textContent())!.trim();
  expect(code.length).toBeGreaterThan(5);
  // The code is the one the collector issued, and the balance was read again.
  const after = await me(request, token);
  expect(after.spendable).toBe(300);
  expect(after.activity[0].code).toBe(code);
  await expect(dialog).toContainText("300 points");
  const copy = dialog.getByRole("button", { name: "Copy", exact: true });
  await expect(copy).toBeFocused();
  await copy.click();
  await expect(dialog.getByRole("status").first()).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
  await axe(page, "code shown");

  // Escape closes it and gives focus back.
  await page.keyboard.press("Escape");
  await expect(page.locator("rapport-loyalty")).toHaveCount(0);
  await expect(page.locator("#page-button")).toBeFocused();
});

test("keyboard: Tab stays inside the panel, the close button closes it", async ({ page, request, run }) => {
  const customer = `keys-${run}`;
  await credit(request, customer, 100);
  await page.goto(withRun("/test/plain.html", run));
  await page.locator("#page-button").focus();
  await openPanel(page, customerToken("e2e", customer));
  await expect(panel(page)).toContainText("100 points");
  // On open the panel itself has focus, at its top: nothing scrolled to a control far down
  // (a panel whose Redeem buttons are all out of reach once opened at its referral link).
  const opened = await page.evaluate(() => {
    const root = document.querySelector("rapport-loyalty")?.shadowRoot;
    const dialog = root?.querySelector("[role=dialog]");
    return { focused: root?.activeElement === dialog, scrollTop: dialog?.scrollTop };
  });
  expect(opened).toEqual({ focused: true, scrollTop: 0 });
  await page.keyboard.press("Tab");
  await expect(panel(page).getByRole("button", { name: "Close" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Shift+Tab");
  const focusedAction = () =>
    page.evaluate(() => {
      const root = document.querySelector("rapport-loyalty")?.shadowRoot;
      return root?.activeElement?.textContent ?? null;
    });
  // Many more Tabs than controls, forwards and backwards: focus never leaves the panel.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    expect(await focusedAction()).not.toBeNull();
  }
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await focusedAction()).not.toBeNull();
  }
  await panel(page).getByRole("button", { name: "Close" }).click();
  await expect(page.locator("rapport-loyalty")).toHaveCount(0);
  await expect(page.locator("#page-button")).toBeFocused();
});

test("an anonymous shopper sees the join call to action, and no customer request is made", async ({
  page,
  run,
}) => {
  const calls: string[] = [];
  page.on("request", (r: Request) => r.url().includes("/loyalty/me") && calls.push(r.url()));
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page);
  const dialog = panel(page);
  await expect(dialog.getByRole("heading", { name: "Join our rewards programme" })).toBeVisible();
  await expect(dialog.getByRole("link", { name: "Join now" })).toHaveAttribute("href", "/join");
  await expect(dialog.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
  expect(calls).toEqual([]);
});

test("an expired token shows the sign-in call to action", async ({ page, run, allowConsoleErrors }) => {
  // Chromium logs the collector's 401 itself; the panel says nothing.
  allowConsoleErrors.push(/status of 401 \(Unauthorized\)/);
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "x", site: "e2e", iat: now - 1200, exp: now - 600 })}`;
  const expired = `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page, expired);
  await expect(panel(page).getByRole("link", { name: "Sign in" })).toBeVisible();
});

for (const scheme of ["light", "dark"] as const) {
  test(`axe-core (${scheme}): no violations, identified and anonymous`, async ({ page, request, run }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    const customer = `axe-${scheme}-${run}`;
    await credit(request, customer, 600);
    await page.goto(withRun("/test/plain.html", run));
    await openPanel(page, customerToken("e2e", customer));
    await expect(panel(page)).toContainText("600 points");
    // The dark scheme is really applied (the panel follows the system by default).
    const bg = await panel(page).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe(scheme === "dark" ? "rgb(17, 24, 39)" : "rgb(255, 255, 255)");
    await axe(page, "ready");
    await panel(page).getByRole("button", { name: "Redeem Free shipping" }).click();
    await axe(page, "confirm");
    await page.keyboard.press("Escape");
    // A fresh page without `identify`: the anonymous call to action.
    await page.reload();
    await openPanel(page);
    await expect(panel(page)).toContainText("Join our rewards programme");
    await axe(page, "anonymous");
  });
}

/** The paths of the panel's locale files the page requests, in order. */
function panelLocaleRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r: Request) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/loyalty/locales/")) seen.push(path);
  });
  return seen;
}

/** The plain test page, declared in `lang` (`<html lang>`, which the panel follows when the
 * locale is `auto`: the e2e site configures `en`, which the page's options override). */
async function declare(page: Page, lang: string) {
  await page.route("**/test/plain.html*", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('<html lang="en">', `<html lang="${lang}">`);
    await route.fulfill({ response, body });
  });
}

test("an English page fetches no panel locale file", async ({ page, run }) => {
  const seen = panelLocaleRequests(page);
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page);
  await expect(panel(page).getByRole("link", { name: "Join now" })).toBeVisible();
  await expect(panel(page)).toHaveAttribute("lang", "en");
  expect(seen).toEqual([]);
});

test('a lang="es" page: the panel fetches es.json and speaks Spanish', async ({ page, request, run }) => {
  const customer = `es-${run}`;
  await credit(request, customer, 12500);
  const mine = await me(request, customerToken("e2e", customer));
  const seen = panelLocaleRequests(page);
  await declare(page, "es");
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page, customerToken("e2e", customer), { locale: "auto" });
  const dialog = panel(page);
  await expect(dialog.getByRole("heading", { name: "Recompensas", exact: true }).first()).toBeVisible();
  await expect(dialog).toContainText("Tus puntos");
  // Numbers and dates as Spanish writes them: `.` groups thousands, the day before the month.
  await expect(dialog.locator(".big")).toHaveText("12.500");
  const expires = await page.evaluate(
    (at) => new Date(at).toLocaleDateString("es", { dateStyle: "medium", timeZone: "UTC" }),
    mine.expiresAt
  );
  expect(expires).toMatch(/^\d{1,2} \p{L}+\.? \d{4}$/u);
  await expect(dialog).toContainText(`${mine.expiringPoints.toLocaleString("es")} puntos caducan el ${expires}`);
  await expect(dialog).toHaveAttribute("lang", "es");
  await expect(dialog).not.toHaveAttribute("dir", "rtl");
  await expect(dialog.getByRole("button", { name: "Cerrar" })).toBeVisible();
  await dialog.getByRole("button", { name: "Canjear Envío gratis" }).click();
  await expect(dialog.getByRole("button", { name: "Sí, canjear" })).toBeVisible();
  expect(seen).toEqual(["/loyalty/locales/es.json"]);
  await axe(page, "Spanish");
});

test('a lang="ar" page: the panel speaks Arabic, right to left', async ({ page, run }) => {
  const seen = panelLocaleRequests(page);
  await declare(page, "ar");
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page, undefined, { locale: "auto" });
  const dialog = panel(page);
  await expect(dialog.getByRole("heading", { name: "انضم إلى برنامج المكافآت" })).toBeVisible();
  await expect(dialog.getByRole("link", { name: "انضم الآن" })).toHaveAttribute("href", "/join");
  await expect(dialog).toHaveAttribute("lang", "ar");
  await expect(dialog).toHaveAttribute("dir", "rtl");
  expect(await dialog.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
  expect(seen).toEqual(["/loyalty/locales/ar.json"]);
});

for (const scheme of ["light", "dark"] as const) {
  test(`Arabic (${scheme}): an identified shopper's panel mirrored, its numbers in Arabic, axe 0 violations`, async ({
    page,
    request,
    run,
  }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    const customer = `ar-${scheme}-${run}`;
    await credit(request, customer, 1500);
    await declare(page, "ar");
    await page.goto(withRun("/test/plain.html", run));
    await openPanel(page, customerToken("e2e", customer), { locale: "auto" });
    const dialog = panel(page);
    await expect(dialog.getByRole("heading", { name: "نقاطك" })).toBeVisible();
    await expect(dialog).toHaveAttribute("dir", "rtl");
    await expect(dialog).toHaveAttribute("lang", "ar");
    // The balance as Arabic writes 1,500 (the browser's own Arabic number form).
    const arabic = await page.evaluate(() => (1500).toLocaleString("ar"));
    await expect(dialog.locator(".big")).toHaveText(arabic);
    // Mirrored: the panel sits at the inline end (the left), its title at the right of its
    // header, the close button at the left.
    const box = (await dialog.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.x).toBeLessThan(viewport.width / 2);
    const title = (await dialog.getByRole("heading", { level: 2 }).boundingBox())!;
    const close = (await dialog.getByRole("button", { name: "إغلاق" }).boundingBox())!;
    expect(close.x + close.width).toBeLessThanOrEqual(title.x);
    expect(title.x + title.width).toBeGreaterThan(box.x + box.width / 2);
    const bg = await dialog.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe(scheme === "dark" ? "rgb(17, 24, 39)" : "rgb(255, 255, 255)");
    await axe(page, `Arabic ${scheme}`);
    await dialog.getByRole("button", { name: /^استبدال/ }).first().click();
    await axe(page, `Arabic ${scheme}, confirm`);
  });
}

test("right to left for a configured Hebrew locale, in Hebrew", async ({ page, run }) => {
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page, undefined, { locale: "he" });
  await expect(panel(page).getByRole("link", { name: "כניסה" })).toBeVisible();
  await expect(panel(page)).toHaveAttribute("dir", "rtl");
  const align = await panel(page).evaluate((el) => getComputedStyle(el).direction);
  expect(align).toBe("rtl");
});

test("a panel locale file slower than 3 s leaves English, with one warning", async ({ page, run, consoleLog }) => {
  await page.route("**/loyalty/locales/de.json", async (route) => {
    await new Promise((r) => setTimeout(r, 4500));
    await route.continue().catch(() => {});
  });
  await declare(page, "de");
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page, undefined, { locale: "auto" });
  await expect(panel(page).getByRole("link", { name: "Join now" })).toBeVisible({ timeout: 4000 });
  // The file that comes after the wait changes nothing.
  await page.waitForTimeout(2000);
  await expect(panel(page).getByRole("link", { name: "Join now" })).toBeVisible();
  const warnings = consoleLog.filter((m) => m.type === "warning" && m.text.includes("rapport")).map((m) => m.text);
  expect(warnings).toEqual([
    "[rapport] loyalty: locale file `de`: not loaded within 3 s; the panel is shown in English",
  ]);
});

test("a panel locale file that cannot be had leaves English, with one warning and no error", async ({
  page,
  run,
  consoleLog,
  allowConsoleErrors,
}) => {
  // The browser's own network report of the failed request is not ours.
  allowConsoleErrors.push(/^console\.error: Failed to load resource/);
  await page.route("**/loyalty/locales/fr.json", (route) =>
    route.fulfill({ status: 404, body: "Not Found", contentType: "text/plain" })
  );
  await declare(page, "fr");
  await page.goto(withRun("/test/plain.html", run));
  await openPanel(page, undefined, { locale: "auto" });
  await expect(panel(page).getByRole("link", { name: "Join now" })).toBeVisible();
  await expect(panel(page)).toHaveAttribute("lang", "en");
  const ours = consoleLog.filter((m) => m.text.includes("rapport"));
  expect(ours.filter((m) => m.type === "error")).toEqual([]);
  const warnings = ours.filter((m) => m.type === "warning").map((m) => m.text);
  expect(warnings).toEqual([
    "[rapport] loyalty: locale file `fr`: could not be loaded; the panel is shown in English",
  ]);
});

test("strict CSP: the panel works with zero violations", async ({ page, request, run }) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`)
    );
  });
  const customer = `csp-${run}`;
  await credit(request, customer, 700);
  await page.goto(withRun("/test/csp.html", run));
  await openPanel(page, customerToken("e2e", customer));
  const dialog = panel(page);
  await expect(dialog).toContainText("700 points");
  const look = await dialog.evaluate((el) => {
    const cs = getComputedStyle(el);
    return { bg: cs.backgroundColor, radius: cs.borderTopLeftRadius, position: cs.position };
  });
  expect(look.bg).not.toBe("rgba(0, 0, 0, 0)");
  expect(look.radius).not.toBe("0px");
  expect(look.position).toBe("fixed");
  await dialog.getByRole("button", { name: "Redeem Free shipping" }).click();
  await dialog.getByRole("button", { name: "Yes, redeem" }).click();
  await expect(dialog.getByRole("heading", { name: "Your code" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
});

test("hostile page CSS does not reach the panel", async ({ page, request, run }) => {
  const customer = `hostile-${run}`;
  await credit(request, customer, 400);
  await page.goto(withRun("/test/hostile.html", run));
  await openPanel(page, customerToken("e2e", customer));
  const dialog = panel(page);
  await expect(dialog).toContainText("400 points");
  const look = await dialog.evaluate((el) => {
    const cs = getComputedStyle(el);
    return { font: cs.fontSize, transform: cs.textTransform, spacing: cs.letterSpacing, visibility: cs.visibility };
  });
  expect(look).toEqual({ font: "14px", transform: "none", spacing: "normal", visibility: "visible" });
  // Above the page's own max-z-index overlay: the click lands on the panel.
  await dialog.getByRole("button", { name: "Redeem Free shipping" }).click();
  await expect(dialog.getByRole("button", { name: "Yes, redeem" })).toBeVisible();
});

test("the demo storefront's Rewards button opens the panel", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Rewards" }).click();
  await expect(panel(page)).toBeVisible();
  // The demo has no signed-in customer: the call to action.
  await expect(panel(page)).toContainText("Join our rewards programme");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Rewards" })).toBeFocused();
});

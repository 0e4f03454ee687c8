// The launcher (issue 11's feedback button, issue 13's Rewards button): the collector's config
// of site `e2e-launcher` (tests/e2e/site.json) has `launcher: {survey: "feedback", rewards:
// {join, signIn}}`, so its pages get both buttons in their own shadow root. The widget or the
// loyalty panel loads on the click, never before; pages of a site without a launcher never
// fetch its chunk. Real loader, launcher, widget, panel and collector; the test pages are
// www/test-pages/ served for that site (site-pages.ts).
import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";
import type { Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { dialog } from "./widget";
import { sitePages } from "./site-pages";

const SITE = "e2e-launcher";
const at = (name: string, run?: string) => {
  const url = `/test/site/${SITE}/${name}`;
  return run ? withRun(url, run) : url;
};
const launcher = (page: Page) => page.locator("rapport-launcher");
const feedback = (page: Page) => launcher(page).getByRole("button", { name: "Feedback" });
const rewards = (page: Page) => launcher(page).getByRole("button", { name: "Rewards" });
const panel = (page: Page) => page.locator("rapport-loyalty").getByRole("dialog");

/** URLs of the page's requests that contain `part`, as they happen. */
function requests(page: Page, part: string): string[] {
  const seen: string[] = [];
  page.on("request", (r) => r.url().includes(part) && seen.push(r.url()));
  return seen;
}

test.beforeEach(async ({ page }) => {
  await sitePages(page);
});

test("the feedback button opens its survey modal on click; the widget loads on the click only; focus goes back", async ({
  page,
}) => {
  const widget = requests(page, "/widget/");
  const chunk = requests(page, "/launcher.js");
  await page.goto(at("plain.html"));
  await expect(feedback(page)).toBeVisible();
  await expect(rewards(page)).toBeVisible();
  // The buttons are up (so the loader read the config and drew them): nothing of the widget
  // or the panel was fetched for them, and the chunk once.
  expect(widget).toEqual([]);
  expect(chunk).toHaveLength(1);
  await feedback(page).click();
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toContainText("How is your visit going?");
  // The shopper asked for it: modal, focus inside.
  await expect(dialog(page)).toHaveAttribute("aria-modal", "true");
  await expect(dialog(page).locator(":focus")).toHaveCount(1);
  expect(widget.some((u) => u.endsWith("/widget/widget_bg.wasm"))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  await expect(feedback(page)).toBeFocused();
});

test("keyboard: Tab reaches the buttons after the page's own, Enter opens, focus comes back to the button used", async ({
  page,
}) => {
  await page.goto(at("plain.html"));
  await expect(feedback(page)).toBeVisible();
  await page.locator("#page-button").focus();
  await page.keyboard.press("Tab");
  await expect(feedback(page)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog(page)).toHaveAttribute("aria-modal", "true");
  await page.keyboard.press("Escape");
  await expect(feedback(page)).toBeFocused();
  // The second button: the panel, and focus back on it (not on the first button).
  await page.keyboard.press("Tab");
  await expect(rewards(page)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(panel(page)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator("rapport-loyalty")).toHaveCount(0);
  await expect(rewards(page)).toBeFocused();
});

test("on a 375 px phone: 44 px targets inside the screen, side by side, and the survey opens", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto(at("plain.html"));
  await expect(rewards(page)).toBeVisible();
  const a = (await feedback(page).boundingBox())!;
  const b = (await rewards(page).boundingBox())!;
  for (const box of [a, b]) {
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(box.y + box.height).toBeLessThanOrEqual(667);
  }
  expect(a.x + a.width).toBeLessThanOrEqual(b.x); // no overlap
  await feedback(page).click();
  await expect(dialog(page)).toBeVisible();
});

test("right to left: the label's direction is its own (dir=auto), the page's is left alone", async ({ page }) => {
  await page.goto(at("plain.html"));
  await expect(feedback(page)).toHaveAttribute("dir", "auto");
  expect(await page.evaluate(() => document.documentElement.dir)).toBe("");
});

test("Rewards, anonymous shopper: the panel's join call to action with the launcher's links", async ({ page }) => {
  const me = requests(page, "/loyalty/me");
  const panelChunk = requests(page, "/loyalty/panel");
  await page.goto(at("plain.html"));
  await expect(rewards(page)).toBeVisible();
  expect(panelChunk).toEqual([]);
  await rewards(page).click();
  await expect(panel(page)).toBeVisible();
  await expect(panel(page).getByRole("link", { name: "Join now" })).toHaveAttribute("href", "/join");
  await expect(panel(page).getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
  expect(me).toEqual([]);
});

test("Rewards, identified shopper: the panel shows the balance", async ({ page, request, run }) => {
  const customer = `launcher-${run}`;
  const credited = await request.post(`/v1/sites/${SITE}/loyalty/adjustments`, {
    headers: { authorization: "Bearer e2e-launcher-admin-token" },
    data: { id: `adj-${customer}`, customer, points: 420, reason: "e2e welcome points", actor: "playwright" },
  });
  expect(credited.status()).toBe(201);
  // An HS256 customer token for this site (the README's recipe).
  const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: customer, site: SITE, iat: now, exp: now + 600 })}`;
  const token = `${body}.${createHmac("sha256", "e2e-customer-token-secret-0123456789abcdef").update(body).digest("base64url")}`;
  await page.goto(at("plain.html", run));
  await page.evaluate((t) => (window as any).rapport("identify", { token: t }), token);
  await rewards(page).click();
  await expect(panel(page)).toContainText("420 points");
});

test("strict CSP: styled by its nonce'd <style>, no violation, the survey opens", async ({ page }) => {
  const violations: string[] = [];
  await page.exposeFunction("cspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).cspViolation(`${e.violatedDirective} ${e.blockedURI}`)
    )
  );
  await page.goto(at("csp.html"));
  await expect(feedback(page)).toBeVisible();
  const look = await feedback(page).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { radius: cs.borderTopLeftRadius, position: getComputedStyle(el.parentElement!).position };
  });
  expect(look).toEqual({ radius: "22px", position: "fixed" });
  await feedback(page).click();
  await expect(dialog(page)).toBeVisible();
  expect(violations).toEqual([]);
});

test("hostile host CSS: the page's rules, important ones included, do not reach the buttons", async ({ page }) => {
  await page.goto(at("hostile.html"));
  await expect(feedback(page)).toBeVisible();
  const look = await feedback(page).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { font: cs.fontSize, transform: cs.textTransform, spacing: cs.letterSpacing, color: cs.color };
  });
  expect(look).toEqual({ font: "15px", transform: "none", spacing: "normal", color: "rgb(17, 24, 39)" });
  const host = await launcher(page).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { display: cs.display, opacity: cs.opacity, transform: cs.transform };
  });
  expect(host).toEqual({ display: "inline", opacity: "1", transform: "none" });
  // Above the page's own max-z-index cookie banner: the click lands on the button.
  await feedback(page).click();
  await expect(dialog(page)).toBeVisible();
});

for (const scheme of ["light", "dark"] as const) {
  test(`axe-core (${scheme}): no violations on the buttons`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(at("plain.html"));
    await expect(rewards(page)).toBeVisible();
    const result = await new AxeBuilder({ page }).include("rapport-launcher").analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(result.passes.length, "axe actually checked the buttons").toBeGreaterThan(0);
  });
}

test("pages of a site without a launcher never fetch its chunk", async ({ page }) => {
  const chunk = requests(page, "/launcher.js");
  await page.goto("/test/plain.html?show=type-thumbs");
  // The positive control: the survey `show` asked for is up, so the loader acted on the
  // config (and would have imported the chunk by then).
  await expect(dialog(page)).toBeVisible();
  expect(chunk).toEqual([]);
  await expect(launcher(page)).toHaveCount(0);
});

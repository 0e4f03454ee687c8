// The survey on a phone (375×667, touch): never more than half the screen, a collapsed state
// the shopper can minimise and reopen, and on screen even when the page is wider than it.
import type { Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { dialog, primary } from "./widget";

test.use({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });

const VIEW_HEIGHT = 667;

/** The dialog's box in the coordinates of the visual viewport (what is on screen). */
const onScreen = (page: Page) =>
  dialog(page).evaluate((d) => {
    const r = d.getBoundingClientRect();
    const v = window.visualViewport!;
    return {
      left: r.left - v.offsetLeft,
      top: r.top - v.offsetTop,
      right: r.right - v.offsetLeft,
      bottom: r.bottom - v.offsetTop,
      width: v.width,
      height: v.height,
    };
  });

test("multiple choice with Other: the card is at most half the screen, its answers scroll inside", async ({ page, run }) => {
  await page.goto(withRun("/test/types.html?type=multi", run));
  await expect(dialog(page)).toBeVisible();
  await dialog(page).getByRole("checkbox", { name: /other/i }).click();
  await expect(dialog(page).getByRole("textbox", { name: /other/i })).toBeVisible();
  const box = (await dialog(page).boundingBox())!;
  expect(box.height).toBeGreaterThan(100);
  expect(box.height, "card height ≤ 50 % of the viewport").toBeLessThanOrEqual(VIEW_HEIGHT / 2);
  // The answers scroll inside; the primary button stays on the card.
  const body = dialog(page).locator(".bd");
  expect(await body.evaluate((b) => b.scrollHeight > b.clientHeight)).toBe(true);
  const go = (await primary(page).boundingBox())!;
  expect(go.y + go.height).toBeLessThanOrEqual(box.y + box.height);
  await primary(page).scrollIntoViewIfNeeded();
  await expect(primary(page)).toBeInViewport();
});

test("cart: the survey minimised to a bar leaves “Place order” uncovered; the bar reopens it", async ({ page, run }) => {
  test.setTimeout(60_000);
  await page.goto(withRun("/cart.html", run));
  await expect(dialog(page)).toBeVisible({ timeout: 20_000 });
  const card = (await dialog(page).boundingBox())!;
  expect(card.height).toBeLessThanOrEqual(VIEW_HEIGHT / 2);
  const minimise = dialog(page).getByRole("button", { name: "Minimise" });
  await expect(minimise).toHaveAttribute("aria-expanded", "true");
  await minimise.tap();
  const expand = dialog(page).getByRole("button", { name: "Expand" });
  await expect(expand).toHaveAttribute("aria-expanded", "false");
  await expect(dialog(page).getByRole("radio")).toHaveCount(0);
  // The bar is small and shows the survey's question as its title.
  const bar = (await dialog(page).boundingBox())!;
  expect(bar.height).toBeLessThanOrEqual(56);
  await expect(dialog(page)).toContainText("How satisfied are you");
  // “Place order” is not covered: the element at its centre is the button itself.
  const order = page.locator("#place-order");
  await order.scrollIntoViewIfNeeded();
  const covered = await order.evaluate((a) => {
    const r = a.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== a && !a.contains(hit);
  });
  expect(covered, "Place order covered by the collapsed survey").toBe(false);
  // Reopened by the same button, as it was (the state is the view's, kept across renders).
  await expand.tap();
  await expect(dialog(page).getByRole("radio")).toHaveCount(5);
  await dialog(page).getByRole("radio").nth(3).tap();
  await dialog(page).getByRole("button", { name: "Minimise" }).tap();
  // Tapping the bar's title reopens it too, with the answer still given.
  await dialog(page).getByText("How satisfied are you").tap();
  await expect(dialog(page).getByRole("radio").nth(3)).toHaveAttribute("aria-checked", "true");
  // Escape still dismisses it.
  await dialog(page).getByRole("button", { name: "Minimise" }).tap();
  await dialog(page).getByRole("button", { name: "Expand" }).focus();
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
});

test("a page wider than the screen: the survey and its thank-you stay on screen", async ({ page, run }) => {
  await page.goto(withRun("/test/wide.html?show=type-thumbs", run));
  await expect(dialog(page)).toBeVisible();
  // The page does overflow: wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeGreaterThanOrEqual(2000);
  const inside = async (label: string) => {
    const r = await onScreen(page);
    expect(r.left, `${label}: left edge`).toBeGreaterThanOrEqual(0);
    expect(r.top, `${label}: top edge`).toBeGreaterThanOrEqual(0);
    expect(r.right, `${label}: right edge`).toBeLessThanOrEqual(r.width + 0.5);
    expect(r.bottom, `${label}: bottom edge`).toBeLessThanOrEqual(r.height + 0.5);
  };
  await inside("question");
  // Answered from the keyboard: a tap's hit test on a page the browser laid out wider than
  // the screen is at the mercy of the emulated zoom (it timed out now and then), and where
  // the card sits is what this test checks.
  await dialog(page).getByRole("radio").first().focus();
  await page.keyboard.press("Space");
  await expect(dialog(page).getByRole("radio").first()).toHaveAttribute("aria-checked", "true");
  await primary(page).focus();
  await page.keyboard.press("Enter");
  await expect(dialog(page)).toContainText(/thank/i);
  await inside("thank-you");
  // Scrolled sideways, it follows the screen.
  await page.evaluate(() => window.scrollTo(800, 0));
  await page.waitForFunction(() => window.visualViewport!.pageLeft > 0);
  await expect.poll(async () => (await onScreen(page)).left).toBeGreaterThanOrEqual(0);
  await inside("scrolled");
});

test("every answer target and header button is at least 44 × 44 px; NPS wraps into two rows; pictures keep their size", async ({ page, run }) => {
  const boxes = (selector: string) =>
    dialog(page)
      .locator(selector)
      .evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          // The picture's rendered width (stars, faces and thumbs are inline SVG).
          const picture = e.querySelector("svg")?.getBoundingClientRect().width ?? 0;
          return { w: r.width, h: r.height, top: Math.round(r.top), picture };
        })
      );
  for (const type of ["nps", "csat", "ces", "emoji", "thumbs", "single"]) {
    await page.goto(withRun(`/test/types.html?type=${type}`, run));
    await expect(dialog(page)).toBeVisible();
    const targets = await boxes(type === "single" ? ".list>button" : ".g>button");
    expect(targets.length, type).toBeGreaterThan(1);
    // Chromium lays out in 1/64 px units and the host follows the visual viewport, so a
    // 44 px box may measure 43.99997: allow one layout unit, no more.
    const atLeast44 = 44 - 1 / 64;
    for (const t of [...targets, ...(await boxes(".hd button"))]) {
      expect(t.w, `${type}: width`).toBeGreaterThanOrEqual(atLeast44);
      expect(t.h, `${type}: height`).toBeGreaterThanOrEqual(atLeast44);
    }
    if (type === "nps") expect(new Set(targets.map((t) => t.top)).size, "two rows").toBe(2);
    // The narrow-screen rule for digits does not shrink the stars' and faces' pictures.
    if (type === "csat" || type === "emoji") {
      for (const t of targets) expect(t.picture, `${type}: picture width`).toBeGreaterThanOrEqual(24);
    }
  }
});

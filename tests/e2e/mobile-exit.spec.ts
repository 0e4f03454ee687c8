// Exit intent on touch screens: no pointer leaves the page, so an `exitIntent` trigger never
// fires there — unless it names a `mobile` stand-in: a fast scroll up (`scrollUp`) or the
// shopper leaving the page for another tab or app and coming back (`hidden`). The loader
// imports its `touch.js` chunk only on a touch screen (coarse pointer) of a site with such a
// survey; the chunk fires the page's exit intent, which the loader and the widget hear as on
// a desktop. Real loader, chunk, widget and collector; the surveys are `leave-scroll` and
// `leave-hidden` of site `e2e-launcher` (tests/e2e/site.json), each targeted at its own
// `stand=` query; Chromium emulating a phone (touch, coarse pointer) or a desktop.
import type { Browser, Page } from "@playwright/test";
import { test, expect, watch } from "./fixtures";
import { dialog } from "./widget";
import { sitePages } from "./site-pages";

const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true };

async function open(browser: Browser, url: string, phone: boolean) {
  const context = await browser.newContext(phone ? PHONE : {});
  const page = await context.newPage();
  const problems = watch(page, [], []);
  await sitePages(page);
  const widget: string[] = [];
  const chunk: string[] = [];
  page.on("request", (r) => r.url().includes("/widget/") && widget.push(r.url()));
  page.on("request", (r) => r.url().endsWith("/touch.js") && chunk.push(r.url()));
  const config = page.waitForResponse(/\/v1\/sites\/[^/]+\/config/);
  await page.goto(url);
  await config;
  // A long page to scroll.
  await page.evaluate(() => {
    const tall = document.createElement("p");
    tall.id = "page-tall";
    tall.setAttribute("aria-hidden", "true");
    tall.style.height = "4000px";
    document.body.append(tall);
  });
  return { context, page, problems, widget, chunk };
}

const frames = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Scrolls to `y`, then lets the scroll event be dispatched. */
async function scrollTo(page: Page, y: number) {
  await page.evaluate((y) => window.scrollTo(0, y), y);
  await frames(page);
}

/** Down the page, then back up slowly: 100 px every 250 ms (reading, not leaving). */
async function slowUp(page: Page) {
  await scrollTo(page, 3000);
  for (let y = 2900; y >= 2200; y -= 100) {
    await page.waitForTimeout(250);
    await scrollTo(page, y);
  }
}

/** A flick up: 1,200 px in two frames. */
async function flick(page: Page) {
  await scrollTo(page, 2000);
  await scrollTo(page, 1400);
  await scrollTo(page, 800);
}

/** The page is hidden (another tab or app), then shown again. */
async function leaveAndReturn(page: Page) {
  await page.evaluate(() => {
    const set = (hidden: boolean) => {
      Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
      Object.defineProperty(document, "visibilityState", { value: hidden ? "hidden" : "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    };
    set(true);
    set(false);
  });
}

const page = (stand: string) => `/test/site/e2e-launcher/plain.html?stand=${stand}`;

test("scrollUp: a slow scroll up shows nothing, a fast one shows the survey", async ({ browser }) => {
  const t = await open(browser, page("scrollUp"), true);
  await expect.poll(() => t.chunk.length).toBe(1);
  await slowUp(t.page);
  // Nothing yet: the widget was not even fetched (its first request would be the glue).
  await t.page.waitForTimeout(500);
  expect(t.widget).toEqual([]);
  await flick(t.page);
  await expect(dialog(t.page)).toBeVisible();
  await expect(dialog(t.page)).toContainText("Found what you were looking for?");
  // A trigger's survey: a non-modal popover, focus left where it was.
  await expect(dialog(t.page)).toHaveAttribute("aria-modal", "false");
  expect(t.problems()).toEqual([]);
  await t.context.close();
});

test("hidden: the survey shows when the shopper comes back to the page", async ({ browser }) => {
  const t = await open(browser, page("hidden"), true);
  await expect.poll(() => t.chunk.length).toBe(1);
  // A fast scroll up is not this survey's stand-in.
  await flick(t.page);
  await t.page.waitForTimeout(500);
  expect(t.widget).toEqual([]);
  await leaveAndReturn(t.page);
  await expect(dialog(t.page)).toBeVisible();
  await expect(dialog(t.page)).toContainText("Coming back to finish your order?");
  expect(t.problems()).toEqual([]);
  await t.context.close();
});

test("never on a desktop: no chunk, no survey on a fast scroll up; the pointer's exit intent still works", async ({
  browser,
}) => {
  const t = await open(browser, page("scrollUp"), false);
  await flick(t.page);
  await leaveAndReturn(t.page);
  await t.page.waitForTimeout(500);
  expect(t.chunk).toEqual([]);
  expect(t.widget).toEqual([]);
  // The positive control: the survey can show on this desktop page, by its pointer.
  await t.page.mouse.move(200, 200);
  await t.page.mouse.move(200, 0);
  await t.page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: -1 })));
  await expect(dialog(t.page)).toBeVisible();
  expect(t.chunk).toEqual([]);
  expect(t.problems()).toEqual([]);
  await t.context.close();
});

test("a touch screen on a site whose surveys name no stand-in never fetches the chunk", async ({ browser }) => {
  const t = await open(browser, "/test/plain.html?show=type-thumbs", true);
  // The positive control: the loader read the config and acted on it.
  await expect(dialog(t.page)).toBeVisible();
  expect(t.chunk).toEqual([]);
  expect(t.problems()).toEqual([]);
  await t.context.close();
});

// Hostile page CSS (global resets, `all: unset`, !important rules, html font-size 6px,
// `div { display: none !important }`, a z-index 2147483647 overlay) must not change how the
// widget looks, and the widget must not change how the page looks.
import type { Page } from "@playwright/test";
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, primary } from "./widget";

const PROPS = [
  "display", "visibility", "opacity", "position", "box-sizing", "font-family", "font-size",
  "font-weight", "font-style", "line-height", "letter-spacing", "word-spacing", "text-transform",
  "text-align", "color", "background-color", "border-top-width", "border-top-style",
  "border-top-left-radius", "padding-top", "padding-left", "margin-top", "margin-left", "cursor",
  "transform", "width", "height",
];

/** Geometry (relative to the dialog) and computed styles of every element in the shadow root. */
async function widgetSnapshot(page: Page) {
  return page.evaluate((props) => {
    const host = document.querySelector("rapport-widget")!;
    const root = host.shadowRoot!;
    const dialog = root.querySelector("[role=dialog]")!;
    const d = dialog.getBoundingClientRect();
    const round = (n: number) => Math.round(n);
    const parts = [...root.querySelectorAll("*")].filter((el) => el.tagName !== "STYLE");
    return {
      dialog: {
        width: round(d.width),
        height: round(d.height),
        right: round(document.documentElement.clientWidth - d.right),
        bottom: round(window.innerHeight - d.bottom),
      },
      parts: parts.map((el) => {
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        return {
          tag: el.tagName.toLowerCase(),
          role: el.getAttribute("role"),
          text: (el.textContent || "").slice(0, 30),
          box: [round(r.left - d.left), round(r.top - d.top), round(r.width), round(r.height)],
          style: Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)])),
        };
      }),
    };
  }, PROPS);
}

/** Computed styles of the page's own elements (ids starting with `page-`, plus html/body). */
async function pageSnapshot(page: Page) {
  return page.evaluate((props) => {
    const els = [document.documentElement, document.body, ...document.querySelectorAll("[id^=page-]")];
    return els.map((el) => {
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        el: el.id || el.tagName,
        box: [r.left, r.top, r.width, r.height].map(Math.round),
        style: Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)])),
      };
    });
  }, PROPS);
}

async function open(page: Page, file: string, run: string) {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(withRun(`/test/${file}`, run));
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  const before = await pageSnapshot(page);
  const sheets = await page.evaluate(() => document.styleSheets.length + document.adoptedStyleSheets.length);
  await page.evaluate(() => (window as any).rapport("show", "type-multi"));
  await expect(dialog(page)).toBeVisible();
  // The entrance animation has finished (the shadow root's animations settle).
  await page.evaluate(() =>
    Promise.all(document.querySelector("rapport-widget")!.shadowRoot!.getAnimations().map((a) => a.finished))
  );
  return { before, sheets };
}

test("the widget renders the same on the hostile page as on the plain page", async ({ page, run }) => {
  await open(page, "plain.html", run);
  const plain = await widgetSnapshot(page);
  await open(page, "hostile.html", run);
  const hostile = await widgetSnapshot(page);
  expect(plain.parts.length).toBeGreaterThan(5);
  expect(hostile).toEqual(plain);
  // Pixels too. (Parts inside the dialog's opaque background: its rounded corners and
  // shadow let the page show through, which is expected to differ.)
  const shots = async () => [
    await dialog(page).getByRole("group").screenshot({ animations: "disabled" }),
    await primary(page).screenshot({ animations: "disabled" }),
  ];
  const hostileShots = await shots();
  await open(page, "plain.html", run);
  const plainShots = await shots();
  for (const [i, s] of hostileShots.entries())
    expect(s.equals(plainShots[i]), `screenshot ${i} differs between the pages`).toBe(true);
});

for (const file of ["plain.html", "hostile.html"]) {
  test(`the widget leaves ${file}'s own styles alone`, async ({ page, run }) => {
    const { before, sheets } = await open(page, file, run);
    expect(await pageSnapshot(page)).toEqual(before);
    expect(await page.evaluate(() => document.styleSheets.length + document.adoptedStyleSheets.length)).toBe(sheets);
    // Only the host element was added to the light DOM.
    expect(await page.locator("body > rapport-widget").count()).toBe(1);
    expect(await page.evaluate(() => document.querySelectorAll("rapport-widget").length)).toBe(1);
  });
}

test("the hostile page's z-index overlay does not block answering", async ({ page, request, run }) => {
  await open(page, "hostile.html", run);
  await answerByMouse(page, SAMPLE.multi);
  await primary(page).click(); // Playwright's actionability check fails if anything covers it
  const [row] = await expectRows(request, run, 1);
  expect(bareAnswers(row)).toEqual([{ question: "q", value: SAMPLE.multi.value }]);
});

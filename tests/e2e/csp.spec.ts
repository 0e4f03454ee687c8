// Strict Content-Security-Policy pages (CSP in a <meta> tag; nonce on the inline stub and
// the loader tag; no inline style attributes anywhere on the page).
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, host, primary } from "./widget";

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`)
    );
  });
});

const violations = (page: import("@playwright/test").Page) =>
  page.evaluate(() => (window as any).__violations as string[]);

test("strict CSP with 'wasm-unsafe-eval': works, zero violations", async ({ page, request, run }) => {
  await page.goto(withRun("/test/csp.html?show=type-single", run));
  await expect(dialog(page)).toBeVisible();
  // The widget's styles did apply (a blocked stylesheet would leave it unstyled).
  const look = await dialog(page).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { bg: cs.backgroundColor, radius: cs.borderTopLeftRadius };
  });
  expect(look.bg).not.toBe("rgba(0, 0, 0, 0)");
  expect(look.radius).not.toBe("0px");
  expect(await host(page).evaluate((el) => getComputedStyle(el).position)).toBe("fixed");
  await answerByMouse(page, SAMPLE.single);
  await primary(page).click();
  const [row] = await expectRows(request, run, 1);
  expect(bareAnswers(row)).toEqual([{ question: "q", value: "pro" }]);
  expect(await violations(page)).toEqual([]);
});

test("strict CSP without 'wasm-unsafe-eval': page untouched, one warning, no error", async ({
  page,
  consoleLog,
}) => {
  await page.goto("/test/csp-no-wasm.html");
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  const before = await page.evaluate(() => document.documentElement.outerHTML);
  await page.evaluate(() => (window as any).rapport("show", "type-nps"));
  await expect
    .poll(() => consoleLog.filter((m) => m.type === "warning" && m.text.startsWith("rapport:")).length)
    .toBe(1);
  // Later commands are quiet no-ops.
  await page.evaluate(() => {
    const r = (window as any).rapport;
    r("track", "Anything", {});
    r("show", "type-csat");
    r("identify", "u-1", { a: 1 });
  });
  // The loader handles commands synchronously; two rendered frames later anything they
  // changed in the page would show.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  expect(await page.evaluate(() => document.documentElement.outerHTML)).toBe(before);
  expect(await page.locator("rapport-widget").count()).toBe(0);
  const ours = consoleLog.filter((m) => m.text.startsWith("rapport:"));
  expect(ours).toHaveLength(1);
  expect(ours[0].type).toBe("warning");
  expect(ours[0].text).toMatch(/WebAssembly/);
  // The only violation is the blocked WebAssembly compile (no style or script violations).
  const v = await violations(page);
  expect(v.every((s) => /script-src/.test(s) && /wasm-eval/.test(s))).toBe(true);
});

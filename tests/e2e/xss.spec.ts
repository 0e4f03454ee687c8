// Malicious text: stored verbatim (up to the open-text limit), shown as text, never run.
import type { Page } from "@playwright/test";
import { test, expect, expectRows, withRun } from "./fixtures";
import { dialog, primary } from "./widget";

/**
 * Records every element added anywhere (light DOM and the widget's shadow root) once the
 * page has been parsed, and shows `survey` then.
 */
async function showWatched(page: Page, survey: string, run: string) {
  await page.addInitScript(() => {
    const w = window as any;
    w.__added = [] as string[];
    w.__pwned = 0;
    const observe = (root: Node) =>
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes)
            if (n instanceof Element) {
              w.__added.push(n.tagName.toLowerCase());
              for (const el of [n, ...n.querySelectorAll("*")]) {
                if ((el as Element).shadowRoot) observe((el as Element).shadowRoot!);
              }
            }
      }).observe(root, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", () => observe(document));
  });
  await page.goto(withRun("/test/xss.html", run));
  await page.evaluate((id) => (window as any).rapport("show", id), survey);
}

/** Elements and attributes in the shadow root that no survey text may ever produce. */
async function dangerous(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector("rapport-widget")?.shadowRoot;
    if (!root) return ["no shadow root"];
    const bad: string[] = [];
    for (const el of root.querySelectorAll("*")) {
      if (/^(script|img|iframe|object|embed|b|a|form|svg|image)$/i.test(el.tagName) && !el.closest("[aria-hidden=true]"))
        bad.push(el.tagName);
      for (const a of el.getAttributeNames()) if (/^on/i.test(a)) bad.push(`${el.tagName}[${a}]`);
    }
    return bad;
  });
}

const PAYLOAD =
  `<img src=x onerror="window.__pwned=1"> "><script>window.__pwned=2</script> ` +
  `\u202Egnp.exe\u202C NUL[\u0000] lone[\uD800] lone[\uDC00] pair[😀] ` +
  `</textarea><style>*{display:none}</style> {{7*7}} \${7*7} javascript:alert(1)`;

test("markup, bidi overrides, NUL and lone surrogates are stored as text", async ({ page, request, run }) => {
  await showWatched(page, "xss-open", run);
  await expect(dialog(page)).toBeVisible();
  const box = dialog(page).getByRole("textbox");
  // Set like a paste would: typing through CDP cannot carry lone surrogates.
  await box.evaluate((el: HTMLTextAreaElement, v) => {
    el.focus();
    el.value = v;
    el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
  }, PAYLOAD);
  expect(await box.inputValue()).toBe(PAYLOAD);
  await primary(page).click();
  await expect(box).toHaveCount(0); // thank-you screen
  const [row] = await expectRows(request, run, 1);
  const value = row.answers[0].value as string;
  // Lone surrogates included: the widget sends the text as the browser's JSON.stringify
  // writes it (`\ud800`), so it arrives exactly as entered.
  expect(value).toBe(PAYLOAD);
  expect(value).toContain("\u0000");
  expect(value).toContain("\u202E");
  expect(await page.evaluate(() => (window as any).__pwned)).toBe(0);
  expect(await dangerous(page)).toEqual([]);
  const added = await page.evaluate(() => (window as any).__added as string[]);
  expect(added.filter((t) => /^(script|img|iframe|style)$/.test(t))).toEqual([]);
});

test("a 100 KB answer is capped at the 10,000-character limit", async ({ page, request, run }) => {
  await page.goto(withRun("/test/xss.html?show=xss-open", run));
  const box = dialog(page).getByRole("textbox");
  await expect(box).toHaveAttribute("maxlength", "10000");
  const huge = "0123456789abcdef".repeat(6400); // 102,400 chars
  await box.fill(huge);
  const typed = await box.inputValue();
  expect(typed.length).toBe(10_000);
  expect(typed).toBe(huge.slice(0, 10_000));
  await primary(page).click();
  const [row] = await expectRows(request, run, 1);
  expect(row.answers[0].value).toBe(huge.slice(0, 10_000));
});

test("the collector rejects open text beyond the limit with 400 (documented)", async ({ request, run }) => {
  const body = (n: number) => ({
    id: crypto.randomUUID(),
    site: "e2e",
    survey: "xss-open",
    answers: [{ question: "q", value: "x".repeat(n) }],
    locale: "en",
    url: `http://127.0.0.1/test/xss.html?run=${run}`,
    createdAt: new Date().toISOString(),
  });
  const over = await request.post("/v1/responses", { data: body(10_001) });
  expect(over.status()).toBe(400);
  expect((await over.json()).error.field).toBe("answers[0].value");
  const at = await request.post("/v1/responses", { data: body(10_000) });
  expect(at.status()).toBe(201);
  const big = await request.post("/v1/responses", { data: body(100_000) });
  expect([400, 413]).toContain(big.status());
});

test("markup in survey texts is shown as text", async ({ page, run }) => {
  await showWatched(page, "xss-labels", run);
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toContainText("<img src=x onerror=alert(1)> Pick one");
  const evil = dialog(page).getByRole("radio", { name: '"><script>alert(1)</script>' });
  await expect(evil).toBeVisible();
  await expect(dialog(page).getByRole("radio", { name: "<b>bold</b>" })).toBeVisible();
  await evil.click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("<svg onload=alert(1)>");
  await expect(dialog(page)).toContainText("<img src=x onerror=alert(2)>");
  expect(await dangerous(page)).toEqual([]);
  const added = await page.evaluate(() => (window as any).__added as string[]);
  expect(added.filter((t) => /^(script|img|iframe|svg|b)$/.test(t))).toEqual([]);
});

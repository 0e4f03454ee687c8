// The answer controls as a shopper sees them: stars, faces and thumbs are inline SVG (no
// emoji glyph that a machine without an emoji font shows as an empty box), with visible
// hover and selected states in the brand colour (the dark-mode one in dark mode), and on a
// phone every answer target is at least 44 × 44 px.
import type { Locator, Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, host, primary, type Kind } from "./widget";

/** Accessible names of the pictured radios (src/core/i18n/catalog.rs, English). */
const PICTURED: Record<"csat" | "emoji" | "thumbs", string[]> = {
  csat: ["1 of 5 stars", "2 of 5 stars", "3 of 5 stars", "4 of 5 stars", "5 of 5 stars"],
  emoji: ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"],
  thumbs: ["Thumbs up", "Thumbs down"],
};

/** What each radio of the group renders: its name, text, and its SVG's size and path. */
async function pictures(page: Page) {
  return dialog(page)
    .getByRole("radio")
    .evaluateAll((radios) =>
      radios.map((r) => {
        const svgs = r.querySelectorAll("svg");
        const svg = svgs[0];
        const box = svg?.getBoundingClientRect();
        return {
          name: r.getAttribute("aria-label"),
          text: r.textContent,
          svgs: svgs.length,
          hidden: svg?.getAttribute("aria-hidden"),
          namespace: svg?.namespaceURI,
          path: svg?.querySelector("path")?.getAttribute("d") ?? "",
          size: box ? [Math.round(box.width), Math.round(box.height)] : [0, 0],
        };
      })
    );
}

for (const kind of Object.keys(PICTURED) as (keyof typeof PICTURED)[]) {
  test(`${kind}: every radio is an SVG picture with its accessible name, no emoji text`, async ({ page, run }) => {
    await page.goto(withRun(`/test/types.html?type=${kind}`, run));
    await expect(dialog(page)).toBeVisible();
    const seen = await pictures(page);
    expect(seen.map((p) => p.name)).toEqual(PICTURED[kind]);
    for (const p of seen) {
      expect(p.svgs, `${p.name}: one picture`).toBe(1);
      expect(p.namespace).toBe("http://www.w3.org/2000/svg");
      expect(p.hidden, `${p.name}: decorative`).toBe("true");
      expect(p.path.length, `${p.name}: a path is drawn`).toBeGreaterThan(10);
      expect(p.size[0], `${p.name}: rendered`).toBeGreaterThanOrEqual(20);
      expect(p.size[1]).toBeGreaterThanOrEqual(20);
      expect(p.text, `${p.name}: no text (no emoji glyph)`).toBe("");
    }
    // The faces differ (their mouths), and so do the two thumbs' pictures (one hand, the
    // second turned down by the stylesheet).
    if (kind !== "csat") {
      const drawn = await dialog(page)
        .getByRole("radio")
        .evaluateAll((rs) =>
          rs.map((r) => {
            const svg = r.querySelector("svg")!;
            return `${svg.querySelector("path")!.outerHTML} ${getComputedStyle(svg).rotate}`;
          })
        );
      expect(new Set(drawn).size).toBe(drawn.length);
      if (kind === "thumbs") expect(drawn.map((d) => d.split(" ").pop())).toEqual(["none", "180deg"]);
    }
    // The whole dialog holds no emoji or dingbat glyph.
    const text = await dialog(page).evaluate((d) => d.textContent ?? "");
    expect(text).not.toMatch(/[\u2600-\u27bf]|\p{Extended_Pictographic}/u);
  });
}

/** Computed `fill` of the picture of each radio. */
const fills = (page: Page) =>
  dialog(page)
    .getByRole("radio")
    .evaluateAll((rs) => rs.map((r) => getComputedStyle(r.querySelector("svg")!).fill));

const BRAND = "rgb(79, 70, 229)"; // #4f46e5, the e2e site's brand colour

test("stars: hover previews, selection fills up to the star chosen in the brand colour", async ({ page, run }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(withRun("/test/types.html?type=csat", run));
  await expect(dialog(page)).toBeVisible();
  expect(await fills(page)).toEqual(Array(5).fill("none"));
  const stars = dialog(page).getByRole("radio");
  await stars.nth(2).hover();
  const hovered = await fills(page);
  expect(hovered.slice(0, 3).every((f) => f !== "none"), `preview up to the third: ${hovered}`).toBe(true);
  expect(hovered.slice(3)).toEqual(["none", "none"]);
  await stars.nth(3).click();
  await page.mouse.move(0, 0);
  expect(await fills(page)).toEqual([BRAND, BRAND, BRAND, BRAND, "none"]);
  await expect(stars.nth(3)).toHaveAttribute("aria-checked", "true");
});

test("faces and thumbs: the selected one is brand-tinted, hover shows the brand colour", async ({ page, run }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  for (const kind of ["emoji", "thumbs"] as Kind[]) {
    await page.goto(withRun(`/test/types.html?type=${kind}`, run));
    await expect(dialog(page)).toBeVisible();
    const radios = dialog(page).getByRole("radio");
    const look = (r: Locator) =>
      r.evaluate((el) => {
        const cs = getComputedStyle(el);
        return { bg: cs.backgroundColor, color: cs.color, border: cs.borderTopColor };
      });
    const idle = await look(radios.nth(1));
    await radios.nth(0).hover();
    expect((await look(radios.nth(0))).color, `${kind}: hover`).toBe(BRAND);
    await radios.nth(1).click();
    await page.mouse.move(0, 0);
    const chosen = await look(radios.nth(1));
    expect(chosen.color, `${kind}: selected picture in the brand colour`).toBe(BRAND);
    expect(chosen.border).toBe(BRAND);
    expect(chosen.bg, `${kind}: tinted background`).not.toBe(idle.bg);
    expect(chosen.bg).not.toBe(BRAND);
    expect(await look(radios.nth(0))).toEqual(idle);
  }
});

test("theme.brandDark is the brand colour in dark mode, with its own text colour", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("/test/plain.html");
  await page.waitForFunction(() => (window as any).rapport?.l === 1);
  const colours = async () => {
    await page.evaluate(() => {
      const r = (window as any).rapport;
      r("hide");
      r("config", { theme: { brand: "#0f766e", brandDark: "#5eead4" } });
      r("show", "type-csat");
    });
    await expect(dialog(page)).toBeVisible();
    await dialog(page).getByRole("radio").nth(4).click();
    // Away from the stars: no hover preview.
    await page.mouse.move(0, 0);
    const go = await primary(page).evaluate((b) => {
      const cs = getComputedStyle(b);
      return [cs.backgroundColor, cs.color];
    });
    return { star: (await fills(page))[4], go };
  };
  await page.emulateMedia({ colorScheme: "light" });
  expect(await colours()).toEqual({ star: "rgb(15, 118, 110)", go: ["rgb(15, 118, 110)", "rgb(255, 255, 255)"] });
  await page.emulateMedia({ colorScheme: "dark" });
  // The site's mode is "system": dark now, so the dark brand colour with dark text on it.
  expect(await colours()).toEqual({ star: "rgb(94, 234, 212)", go: ["rgb(94, 234, 212)", "rgb(17, 24, 39)"] });
  // mode "dark" uses it whatever the system preference.
  await page.emulateMedia({ colorScheme: "light" });
  await page.evaluate(() => (window as any).rapport("config", { theme: { mode: "dark" } }));
  expect(await colours()).toEqual({ star: "rgb(94, 234, 212)", go: ["rgb(94, 234, 212)", "rgb(17, 24, 39)"] });
  const vars = await host(page).evaluate((h) => {
    const cs = getComputedStyle(h);
    return ["--rapport-brand", "--rapport-brand-dark", "--rapport-on-brand-dark"].map((v) =>
      cs.getPropertyValue(v).trim()
    );
  });
  expect(vars).toEqual(["#0f766e", "#5eead4", "#111827"]);
});

test.describe("on a phone (375 × 667, touch)", () => {
  test.use({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true });

  for (const kind of Object.keys(SAMPLE) as Kind[]) {
    test(`${kind}: every answer target is at least 44 × 44 px`, async ({ page, run }) => {
      await page.emulateMedia({ reducedMotion: "reduce" });
      await page.goto(withRun(`/test/types.html?type=${kind}`, run));
      await expect(dialog(page)).toBeVisible();
      expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches), "touch emulated").toBe(true);
      // Multiple choice: Other checked, so its text field is measured too.
      if (kind === "multi") await answerByMouse(page, SAMPLE.multi);
      const boxes = await dialog(page)
        .locator("[role=radio], .list > label, textarea, input[type=text], .go, .mn, .x")
        .evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return { what: el.getAttribute("aria-label") || el.textContent || el.tagName, w: r.width, h: r.height, left: r.left, right: r.right };
          })
        );
      // The answers, the primary button, and the header's minimise and close buttons.
      const expected = { nps: 14, csat: 8, ces: 10, thumbs: 5, emoji: 8, single: 6, multi: 8, open: 4 }[kind];
      expect(boxes.length, "every target measured").toBe(expected);
      for (const b of boxes) {
        expect(b.w, `${kind} ${b.what}: width`).toBeGreaterThanOrEqual(44);
        expect(b.h, `${kind} ${b.what}: height`).toBeGreaterThanOrEqual(44);
        expect(b.left, `${kind} ${b.what}: on screen`).toBeGreaterThanOrEqual(0);
        expect(b.right, `${kind} ${b.what}: on screen`).toBeLessThanOrEqual(375);
      }
      // Minimise and close sit at the end of the header row, however short the title.
      const ends = await dialog(page).evaluate((d) => {
        const right = (sel: string) => d.querySelector(sel)!.getBoundingClientRect().right;
        return { dialog: d.getBoundingClientRect().right, close: right(".x"), minimise: right(".mn") };
      });
      expect(ends.dialog - ends.close, "close at the end of the header").toBeLessThanOrEqual(18);
      expect(ends.close - ends.minimise, "minimise just before close").toBeLessThanOrEqual(56);
      if (kind === "nps") {
        // Two rows: 0–5 and 6–10.
        const tops = await dialog(page)
          .getByRole("radio")
          .evaluateAll((rs) => rs.map((r) => Math.round(r.getBoundingClientRect().top)));
        expect(new Set(tops.slice(0, 6)).size).toBe(1);
        expect(new Set(tops.slice(6)).size).toBe(1);
        expect(tops[6]).toBeGreaterThan(tops[0]);
        // The digits keep a readable size.
        const size = await dialog(page).getByRole("radio").first().evaluate((r) => parseFloat(getComputedStyle(r).fontSize));
        expect(size).toBeGreaterThanOrEqual(15);
      }
      // Tapping still answers.
      if (kind !== "multi") await answerByMouse(page, SAMPLE[kind]);
      await primary(page).tap();
      await expect(dialog(page)).toContainText("Thanks (test survey)");
    });
  }
});

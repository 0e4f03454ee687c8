// Who opened the survey decides where keyboard focus goes. A survey opened by a trigger (delay,
// scroll, exit intent, event, page load, a `show` from a script) is a non-modal popover: it is
// announced, leaves focus where it is, and is reached with Alt+Shift+R or the next Tab. A survey
// the shopper opened (a `show` from a click) is modal: focus moves in and Tab stays inside.
import type { Page } from "@playwright/test";
import { test, expect, recordPosts, withRun } from "./fixtures";
import { dialog, focused, host } from "./widget";

/** Whether keyboard focus is anywhere inside the widget. */
const focusInWidget = (page: Page) =>
  page.evaluate(() => document.activeElement?.tagName === "RAPPORT-WIDGET");

/** Presses Tab until `selector` (in the page) has focus. */
async function tabTo(page: Page, selector: string, maxKeys = 20) {
  for (let i = 0; i < maxKeys; i++) {
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${selector} with Tab`);
}

/** Loads the widget (a survey shown and closed), then makes `#page-button` call `show`. */
async function feedbackButton(page: Page, run: string, survey: string) {
  await page.goto(withRun("/test/plain.html?show=type-thumbs", run));
  await dialog(page).getByRole("button", { name: "Close" }).click();
  await expect(dialog(page)).toHaveCount(0);
  await page.evaluate(
    (id) => document.getElementById("page-button")!.addEventListener("click", () => (window as any).rapport("show", id)),
    survey
  );
}

test("cart: Enter on a focused “Place order” places the order when the delayed survey appears", async ({ page, run }) => {
  test.setTimeout(60_000);
  const posts = recordPosts(page);
  await page.goto(withRun("/cart.html", run));
  // The shopper tabs to “Place order” and is about to press Enter…
  await tabTo(page, "#place-order");
  // …when the cart survey opens on its 8 s delay trigger.
  await expect(dialog(page)).toBeVisible({ timeout: 20_000 });
  await expect(dialog(page)).toContainText("How satisfied are you with shopping here so far?");
  await expect(dialog(page)).toHaveAttribute("aria-modal", "false");
  expect(await focusInWidget(page), "the survey took no focus").toBe(false);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("place-order");
  // It is announced: the polite live region names it and the shortcut.
  await expect(host(page).getByRole("status")).toContainText("How satisfied are you");
  await expect(host(page).getByRole("status")).toContainText("Alt+Shift+R");
  await expect(dialog(page)).toHaveAttribute("aria-keyshortcuts", "Alt+Shift+R");
  // Enter goes to the page's button: the order is placed, the shop is not rated.
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/order\.html\?order=R-1042/);
  expect(posts.filter((p) => p.body?.survey === "cart-csat"), "no rating was sent").toEqual([]);
});

test("Alt+Shift+R moves focus into a survey that did not take it; Escape closes it and gives focus back", async ({ page, run }) => {
  // A `show` from a script, with no user gesture (Playwright's own calls count as one):
  // not modal.
  await page.goto(withRun("/test/plain.html?focus=page-button&show=type-csat", run));
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toHaveAttribute("aria-modal", "false");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("page-button");
  // The shortcut moves focus in.
  await page.keyboard.press("Alt+Shift+R");
  const first = dialog(page).getByRole("radio").first();
  await expect(first).toBeFocused();
  // Reached with the keyboard: the focus ring shows.
  expect(await first.evaluate((r) => r.matches(":focus-visible"))).toBe(true);
  await expect(dialog(page).getByRole("radio", { checked: true })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("page-button");
});

test("the survey is the next Tab stop after the element that had focus, and Shift+Tab goes back", async ({ page, run }) => {
  await page.goto(withRun("/test/plain.html?focus=page-button&show=type-csat", run));
  await expect(dialog(page)).toBeVisible();
  expect(await focusInWidget(page)).toBe(false);
  await page.keyboard.press("Tab");
  const first = dialog(page).getByRole("radio").first();
  await expect(first).toBeFocused();
  // Shift+Tab walks back out through the dialog's header buttons to the page's button.
  for (let i = 0; i < 5 && (await focusInWidget(page)); i++) await page.keyboard.press("Shift+Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("page-button");
  // Nothing was answered on the way.
  await expect(dialog(page).getByRole("radio", { checked: true })).toHaveCount(0);
});

test("a survey the shopper opens with a click takes focus, traps Tab, and shows no focus ring to a mouse user", async ({ page, run }) => {
  await feedbackButton(page, run, "type-csat");
  await page.locator("#page-button").click();
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toHaveAttribute("aria-modal", "true");
  const first = dialog(page).getByRole("radio").first();
  await expect(first).toBeFocused();
  // Focus moved in for a mouse user: no ring (`:focus-visible` only).
  expect(await first.evaluate((r) => r.matches(":focus-visible"))).toBe(false);
  expect(await first.evaluate((r) => getComputedStyle(r).outlineStyle)).toBe("none");
  // Tab stays inside, both ways.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    expect(await focusInWidget(page), `Tab ${i + 1}`).toBe(true);
  }
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await focusInWidget(page), `Shift+Tab ${i + 1}`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  expect(await page.evaluate(() => document.activeElement?.id), "focus given back").toBe("page-button");
});

test("show(id, {shopper: true}) opens the survey as the shopper's (a launcher that loaded the widget on click)", async ({ page, run }) => {
  // No user gesture at all: only the option says the shopper asked.
  await page.goto(withRun("/test/plain.html?focus=page-button&show=type-thumbs&shopper=1", run));
  await expect(dialog(page)).toHaveAttribute("aria-modal", "true");
  await expect(dialog(page).getByRole("radio").first()).toBeFocused();
  expect(await focused(dialog(page).getByRole("radio").first())).toBe(true);
  await page.keyboard.press("Escape");
  expect(await page.evaluate(() => document.activeElement?.id), "focus given back").toBe("page-button");
});

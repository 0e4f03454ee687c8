// How a shopper drives the widget: everything is found by ARIA role and accessible name inside
// the open shadow root of <rapport-widget> (Playwright locators pierce open shadow roots).
// Mouse helpers click; keyboard helpers only press keys.
import { expect, type Locator, type Page } from "@playwright/test";

export const host = (page: Page) => page.locator("rapport-widget");
export const dialog = (page: Page) => host(page).getByRole("dialog");

/** The primary button of the current step ("Next" / "Submit"). */
export const primary = (page: Page) =>
  dialog(page).getByRole("button", { name: /^(next|submit|send|done|continue)$/i });

export const closeButton = (page: Page) => dialog(page).getByRole("button", { name: /close|dismiss/i });

/** Question types of the test surveys (`types.html?type=…`, survey `type-…`). */
export type Kind = "nps" | "csat" | "ces" | "thumbs" | "emoji" | "single" | "multi" | "open";

/** An answer as a shopper gives it, and the value the collector must store for it. */
export type Answer =
  | { kind: "nps" | "csat" | "ces" | "emoji"; value: number }
  | { kind: "thumbs"; value: "up" | "down" }
  | { kind: "single"; label: string; value: string }
  | { kind: "multi"; labels: string[]; other?: string; value: { choices: string[]; other?: string } }
  | { kind: "open"; text: string; value: string };

/** One answer per question type of www/test-pages/surveys.json. */
export const SAMPLE: Record<Kind, Answer> = {
  nps: { kind: "nps", value: 9 },
  csat: { kind: "csat", value: 4 },
  ces: { kind: "ces", value: 6 },
  thumbs: { kind: "thumbs", value: "down" },
  emoji: { kind: "emoji", value: 2 },
  single: { kind: "single", label: "Pro", value: "pro" },
  multi: {
    kind: "multi",
    labels: ["A search engine", "An advert"],
    other: "A podcast",
    value: { choices: ["search", "ad"], other: "A podcast" },
  },
  open: { kind: "open", text: "Faster checkout, please.", value: "Faster checkout, please." },
};

/** The stored value the collector must hold for `a`. */
export const stored = (a: Answer) => a.value;

/** The locator a shopper acts on to give answer `a` (for multi: the first option). */
function targets(page: Page, a: Answer): Locator[] {
  const d = dialog(page);
  const radios = d.getByRole("radio");
  switch (a.kind) {
    case "nps":
      return [radios.nth(a.value)];
    case "csat":
    case "ces":
    case "emoji":
      return [radios.nth(a.value - 1)];
    case "thumbs":
      return [d.getByRole("radio", { name: a.value === "up" ? /up|yes|👍/i : /down|no\b|👎/i })];
    case "single":
      return [d.getByRole("radio", { name: a.label, exact: true })];
    case "multi":
      return a.labels.map((l) => d.getByRole("checkbox", { name: l, exact: true }));
    case "open":
      return [d.getByRole("textbox")];
  }
}

const otherBox = (page: Page) => dialog(page).getByRole("checkbox", { name: /other/i });
const otherField = (page: Page) => dialog(page).getByRole("textbox", { name: /other/i });

/** Gives answer `a` with the mouse (and typing where text is needed). */
export async function answerByMouse(page: Page, a: Answer) {
  if (a.kind === "open") {
    await targets(page, a)[0].click();
    await page.keyboard.type(a.text);
    return;
  }
  for (const t of targets(page, a)) await t.click();
  if (a.kind === "multi" && a.other !== undefined) {
    await otherBox(page).click();
    await otherField(page).click();
    await page.keyboard.type(a.other);
  }
  if (a.kind !== "multi") await expect(targets(page, a)[0]).toHaveAttribute("aria-checked", "true");
}

/** Whether `target` has keyboard focus (inside its shadow root). */
export async function focused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => (el.getRootNode() as Document | ShadowRoot).activeElement === el);
}

/**
 * Moves keyboard focus to `target` using only Tab and, inside a radio group, the arrow keys
 * (radio groups are one Tab stop with roving focus, so arrows select as they move).
 */
export async function focusByKeyboard(page: Page, target: Locator, maxKeys = 60) {
  for (let i = 0; i < maxKeys; i++) {
    if (await focused(target)) return;
    const step = await target.evaluate((el) => {
      const root = el.getRootNode() as Document | ShadowRoot;
      const active = root.activeElement;
      const group = el.closest("[role=radiogroup]");
      if (!active || !group || active === el || !group.contains(active)) return "Tab";
      return active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING
        ? "ArrowRight"
        : "ArrowLeft";
    });
    await page.keyboard.press(step);
  }
  throw new Error(`could not reach ${target} with the keyboard in ${maxKeys} key presses`);
}

/** Gives answer `a` with the keyboard only. */
export async function answerByKeyboard(page: Page, a: Answer) {
  const ts = targets(page, a);
  for (const t of ts) {
    await focusByKeyboard(page, t);
    if (a.kind === "open") await page.keyboard.type(a.text);
    else await page.keyboard.press("Space");
  }
  if (a.kind === "multi" && a.other !== undefined) {
    await focusByKeyboard(page, otherBox(page));
    await page.keyboard.press("Space");
    // Checking "Other" opens its field and focuses it.
    await expect(otherField(page)).toBeFocused();
    await page.keyboard.type(a.other);
  }
  if (a.kind !== "multi" && a.kind !== "open")
    await expect(ts[0]).toHaveAttribute("aria-checked", "true");
}

/** Presses the primary button with the keyboard. */
export async function submitByKeyboard(page: Page) {
  await focusByKeyboard(page, primary(page));
  await page.keyboard.press("Enter");
}

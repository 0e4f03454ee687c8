// Only English is built into the widget; every other locale is one small file
// (`/widget/locales/<tag>.json`, written by the build from the core's typed tables) that the
// widget fetches when the page wants it. An English page fetches none; a French page exactly
// `fr.json`; a file that cannot be had leaves the widget in English, with one warning and no
// error of ours in the page.
import type { Page } from "@playwright/test";
import { test, expect, withRun } from "./fixtures";
import { dialog } from "./widget";

/** The paths of the locale files the page requests, in order. */
function localeRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/widget/locales/")) seen.push(path);
  });
  return seen;
}

const submit = (page: Page, name: string) => dialog(page).getByRole("button", { name, exact: true });

test("an English page fetches no locale file", async ({ page, run }) => {
  const seen = localeRequests(page);
  await page.goto(withRun("/test/types.html?type=nps", run));
  // Positive control: the widget is loaded and has decided its language.
  await expect(submit(page, "Submit")).toBeVisible();
  expect(seen).toEqual([]);
});

test("a French page fetches exactly fr.json and speaks French", async ({ page, run }) => {
  const seen = localeRequests(page);
  await page.goto(withRun("/test/types.html?type=nps&locale=fr", run));
  await expect(submit(page, "Envoyer")).toBeVisible();
  await expect(dialog(page).getByRole("button", { name: "Fermer", exact: true })).toBeVisible();
  expect(seen).toEqual(["/widget/locales/fr.json"]);
});

test("the page's own <html lang> picks the file too", async ({ page, run }) => {
  const seen = localeRequests(page);
  // The same test page, declared German, and a configuration that follows the page.
  await page.route("**/test/types.html*", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('<html lang="en">', '<html lang="de-AT">');
    await route.fulfill({ response, body });
  });
  await page.goto(withRun("/test/types.html?type=nps&locale=auto", run));
  await expect(submit(page, "Senden")).toBeVisible();
  expect(seen).toEqual(["/widget/locales/de.json"]);
});

for (const [what, answer] of [
  ["missing (404)", { status: 404, body: "Not Found", contentType: "text/plain" }],
  ["broken (a key missing)", { status: 200, body: '{"submit": "Envoyer"}', contentType: "application/json" }],
  ["unreachable", null],
] as const) {
  test(`a locale file that is ${what} leaves the widget in English, with a warning and no error`, async ({
    page,
    run,
    consoleLog,
    allowConsoleErrors,
  }) => {
    // The browser's own network report of the failed request is not ours.
    allowConsoleErrors.push(/^console\.error: Failed to load resource/);
    await page.route("**/widget/locales/fr.json", (route) =>
      answer ? route.fulfill(answer) : route.abort("connectionrefused"),
    );
    await page.goto(withRun("/test/types.html?type=nps&locale=fr", run));
    await expect(submit(page, "Submit")).toBeVisible();
    // The page's language still reaches the dialog (texts, direction).
    await expect(dialog(page)).toHaveAttribute("lang", "fr");
    const ours = consoleLog.filter((m) => m.text.includes("rapport"));
    expect(ours.filter((m) => m.type === "error")).toEqual([]);
    const warnings = ours.filter((m) => m.type === "warning").map((m) => m.text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/locale file `fr`: .*shown in English/);
    if (answer?.status === 200) expect(warnings[0]).toContain("next: missing field `next`");
  });
}

test("a locale file that stalls: the survey opens in English after 3 s, with one warning", async ({
  page,
  run,
  consoleLog,
}) => {
  // The request is left hanging: no answer, no error, as on a stalled connection.
  await page.route("**/widget/locales/fr.json", () => {});
  const start = Date.now();
  await page.goto(withRun("/test/types.html?type=nps&locale=fr", run));
  await expect(submit(page, "Submit")).toBeVisible({ timeout: 10_000 });
  const waited = Date.now() - start;
  expect(waited, "not before the wait is over").toBeGreaterThanOrEqual(2_900);
  await expect(dialog(page)).toHaveAttribute("lang", "fr");
  const warnings = consoleLog
    .filter((m) => m.text.includes("rapport") && m.type === "warning")
    .map((m) => m.text);
  expect(warnings).toEqual([expect.stringMatching(/locale file `fr`: not loaded within 3 s; .*English/)]);
});

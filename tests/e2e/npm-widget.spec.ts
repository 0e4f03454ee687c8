// The npm package's survey entry (`createRapport` from `rapport-sdk`, pkg/index.js) in the
// browser, against the real collector: it reads the collector's site config (the only source
// of surveys) as the loader does, takes an inline `config` without `site`, and refuses an
// inline `surveys` and a `show` of a survey the collector does not define. The package is served under `/pkg/*` of the test server's origin (as a bundler
// would); the page is the collector's `/test/index.html`, which has no loader on it.
import * as path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import { serveDir } from "./serve";
import { dialog, primary } from "./widget";

const PKG = path.resolve(__dirname, "../../pkg");

async function openPage(page: Page, run: string) {
  const served = await serveDir(page, "/pkg", PKG);
  const configReads: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/v1/sites/e2e/config") configReads.push(r.url());
  });
  await page.goto(withRun("/test/index.html", run));
  return { served, configReads };
}

/** `createRapport(options)` in the page, as `window.rapport`, with its events recorded. */
async function create(page: Page, options: object) {
  await page.evaluate(async (options) => {
    const { createRapport } = await import("/pkg/index.js" as string);
    const w = window as any;
    w.events = [];
    w.rapport = createRapport({ site: "e2e", endpoint: location.origin, ...options });
    for (const name of ["show", "submit", "delivered"]) w.rapport("on", name, (d: any) => w.events.push(name));
  }, options);
}

const command = (page: Page, ...args: unknown[]) => page.evaluate((a) => (window as any).rapport(...a), args);

test("createRapport reads the collector's config: a survey it defines shows with no inline config and is stored", async ({
  page,
  request,
  run,
}) => {
  const { served, configReads } = await openPage(page, run);
  await create(page, {});
  await command(page, "show", "type-nps");
  await expect(dialog(page)).toContainText("How likely are you to recommend Rapport to a friend?");
  await dialog(page).getByRole("radio").nth(9).click();
  await primary(page).click();
  const [row] = await expectRows(request, run, 1);
  expect(row.survey).toBe("type-nps");
  expect(bareAnswers(row)).toEqual([{ question: "q", value: 9 }]);
  expect(configReads).toHaveLength(1);
  expect(served).toContain("/pkg/widget/widget_bg.wasm");
  await expect.poll(() => page.evaluate(() => (window as any).events)).toEqual(["show", "submit", "delivered"]);
});

test("an inline config without `site` sets the locale of the collector's surveys", async ({
  page,
  request,
  consoleLog,
  run,
}) => {
  const { served } = await openPage(page, run);
  await create(page, { config: { locale: "es" } });
  await command(page, "show", "type-thumbs");
  await expect(dialog(page)).toContainText("Was this page helpful?");
  await dialog(page).getByRole("radio").first().click();
  // The widget's own words are Spanish: the package fetched the Spanish locale file beside
  // its wasm.
  await dialog(page).getByRole("button", { name: "Enviar" }).click();
  expect(served).toContain("/pkg/widget/locales/es.json");
  const [row] = await expectRows(request, run, 1);
  expect(row.survey).toBe("type-thumbs");
  expect(row.locale).toBe("es");
  expect(consoleLog.filter((m) => m.type === "error" || m.type === "warning")).toEqual([]);
});

test("an inline `surveys` is one console error and the rest applies; `show` of a survey the collector does not define shows nothing", async ({
  page,
  consoleLog,
  allowConsoleErrors,
  run,
}) => {
  const notInline = /config: surveys: surveys are defined in the collector's configuration, not inline/;
  const unknown = /show: unknown survey "npm-only": surveys are defined in the collector's configuration/;
  allowConsoleErrors.push(notInline, unknown);
  const errors = () => consoleLog.filter((m) => m.type === "error").map((m) => m.text);
  await openPage(page, run);
  await create(page, {
    config: {
      locale: "es",
      surveys: [{ id: "npm-only", trigger: { type: "pageLoad" }, questions: [{ id: "q", type: "thumbs", text: "Helpful?" }] }],
    },
  });
  await expect.poll(errors).toEqual([expect.stringMatching(notInline)]);
  await command(page, "show", "npm-only");
  await expect.poll(errors).toEqual([expect.stringMatching(notInline), expect.stringMatching(unknown)]);
  await expect(dialog(page)).toHaveCount(0);
  // The collector's surveys still work, in the inline locale (the positive control).
  await command(page, "show", "type-csat");
  await expect(dialog(page)).toContainText("How satisfied are you with checkout?");
  await expect(dialog(page).getByRole("button", { name: "Enviar" })).toBeVisible();
});

// The test pages of www/test-pages/ for another site of the e2e config: `/test/site/<site>/<page>`
// is `www/test-pages/<page>` with the loader's `data-site` set to `<site>` (scripts and other
// files as they are), fulfilled by a Playwright route under the collector's origin: the same
// pages, CSP and hostile CSS included, against that site's real collector config.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "@playwright/test";

const DIR = path.resolve("www/test-pages");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Serves the test pages under `/test/site/<site>/` for every page of the context. */
export async function sitePages(page: Page) {
  await page.context().route("**/test/site/**", async (route) => {
    const url = new URL(route.request().url());
    const [site, ...rest] = url.pathname.slice("/test/site/".length).split("/");
    const file = path.resolve(DIR, rest.join("/"));
    if (!file.startsWith(DIR + path.sep) || !fs.existsSync(file)) {
      await route.fulfill({ status: 404, body: "not found" });
      return;
    }
    let body = fs.readFileSync(file, "utf8");
    if (file.endsWith(".html")) body = body.replace(/data-site="e2e"/g, `data-site="${site}"`);
    await route.fulfill({
      status: 200,
      headers: { "content-type": TYPES[path.extname(file)] ?? "text/plain", "cache-control": "no-store" },
      body,
    });
  });
}

// Serving files from disk to a test page under the test server's origin, as a bundler or a
// static host would: `prefix/<rel>` is fulfilled from `dir/<rel>` (never outside `dir`) with
// the right content type, by a Playwright route.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "@playwright/test";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

/** Serves `prefix/<rel>` from `dir/<rel>`; records each path served into `served`. */
export async function serveDir(page: Page, prefix: string, dir: string, served: string[] = []) {
  const root = path.resolve(dir);
  await page.context().route(`**${prefix}/**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = decodeURIComponent(url.pathname.slice(url.pathname.indexOf(prefix) + prefix.length + 1));
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      await route.fulfill({ status: 404, body: "not found" });
      return;
    }
    served.push(`${prefix}/${rel}`);
    await route.fulfill({
      status: 200,
      headers: {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      },
      body: fs.readFileSync(file),
    });
  });
  return served;
}

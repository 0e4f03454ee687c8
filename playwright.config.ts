// Playwright end-to-end tests: Debian's Chromium against the real collector
// (`rapport-server`, real SQLite in a fresh temp dir, real HTTP). Run with
// `cargo xtask test` or `npm run e2e` after `cargo xtask build`.
//
// Environment:
//   RAPPORT_SERVER_BIN  collector binary (default target/debug/rapport-server)
//   RAPPORT_E2E_PORT    port on 127.0.0.1 (default 8181)
//   RAPPORT_DIST        build output served as /rapport.js and /widget/* (default dist)
//   CHROMIUM_PATH       browser (default /usr/bin/chromium); browsers are never downloaded
import { defineConfig } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import chromium from "./tests/e2e/chromium.json";

const root = __dirname;
const port = Number(process.env.RAPPORT_E2E_PORT || 8181);
const baseURL = `http://127.0.0.1:${port}`;
const serverBin = process.env.RAPPORT_SERVER_BIN || path.join("target", "debug", "rapport-server");

/**
 * The collector's config for this run, written once by the runner process (workers inherit the
 * env var and reuse it): tests/e2e/site.json, plus the test-page surveys of
 * www/test-pages/surveys.json on the `e2e` site, plus the demo storefront's sites from
 * config/demo.json, with every site's origins pointed at this run's base URL.
 */
function runDir(): string {
  if (process.env.RAPPORT_E2E_DIR) return process.env.RAPPORT_E2E_DIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rapport-e2e-"));
  const read = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), "utf8"));
  const config = read("tests/e2e/site.json");
  const pages = read("www/test-pages/surveys.json");
  const demo = read("config/demo.json");
  config.sites[0].surveys.push(...pages.surveys);
  config.sites.push(...demo.sites);
  for (const site of config.sites) site.origins = [baseURL, `http://localhost:${port}`];
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config, null, 2));
  process.env.RAPPORT_E2E_DIR = dir;
  return dir;
}
const dir = runDir();

export default defineConfig({
  testDir: "tests/e2e",
  globalTeardown: "./tests/e2e/teardown.ts",
  outputDir: "tests/e2e/results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { outputFolder: "tests/e2e/report", open: "never" }]],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || chromium.executablePath,
      args: chromium.args,
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: [
      serverBin,
      `--listen 127.0.0.1:${port}`,
      `--db ${path.join(dir, "e2e.sqlite")}`,
      `--config ${path.join(dir, "config.json")}`,
      `--dist ${process.env.RAPPORT_DIST || "dist"}`,
      "--www www/demo",
      "--test-pages www/test-pages",
    ].join(" "),
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});

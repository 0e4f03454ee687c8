// Helpers for the console's end-to-end specs (tests/e2e/console-*.spec.ts).
//
// * `setupToken()` prints a fresh one-time setup link with the collector's own CLI
//   (`rapport-server setup-link`, on this run's database) and returns its token.
// * `createOwner(page)` walks the setup page with it: a new owner (a unique e-mail), signed in.
// * `signIn(page, email, password)` signs in through the form.
// * `axe(page, label)` fails on any axe-core violation of the whole console page.
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures";

export const PASSWORD = "correct horse battery staple";

/**
 * Chromium logs every non-2xx fetch as a console error: the console's `GET /admin/api/me`
 * probe of a signed-out visitor (401) and a refused sign-in (401) are expected ones.
 */
export const EXPECTED_401 = /the server responded with a status of 401 \(Unauthorized\)/;

/** The token of a new setup link for this run's database. */
export function setupToken(): string {
  const dir = process.env.RAPPORT_E2E_DIR;
  if (!dir) throw new Error("RAPPORT_E2E_DIR is set by playwright.config.ts");
  const bin = process.env.RAPPORT_SERVER_BIN || path.join("target", "debug", "rapport-server");
  const printed = execFileSync(
    bin,
    ["setup-link", "--db", path.join(dir, "e2e.sqlite"), "--config", path.join(dir, "config.json")],
    { encoding: "utf8" }
  );
  const token = printed.match(/#token=([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no setup link in: ${printed}`);
  return token;
}

/** Creates a new owner through the setup page; returns its e-mail (signed in afterwards). */
export async function createOwner(page: Page): Promise<string> {
  const email = `owner-${randomUUID().slice(0, 8)}@shop.example`;
  await page.goto(`/admin/setup#token=${setupToken()}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create the owner account");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password (12 characters or more)").fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Create owner" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Users");
  await expect(page.getByText(`${email} (owner)`)).toBeVisible();
  return email;
}

/** Signs in through the form on whatever console page is open. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** axe-core over the whole page: no violation. */
export async function axe(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const summary = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
  expect(summary, `axe violations (${label})`).toEqual([]);
  expect(result.passes.length, "axe actually checked the page").toBeGreaterThan(0);
}

/**
 * Records Content-Security-Policy violations the page reports (`securitypolicyviolation`),
 * from before any script of the page runs; read them with `cspViolations(page)`.
 */
export async function watchCsp(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`)
    );
  });
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? ["not watched"]);
}

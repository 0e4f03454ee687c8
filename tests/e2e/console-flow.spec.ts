// The console's skeleton end to end against the real collector: the setup link creates
// the first owner (signed in), the owner adds an agent, disables and enables them, reads
// the audit log, signs out, signs in again; the agent sees no owner pages; a deep link
// reloads to the same view; the strict CSP is sent and nothing violates it.
import { test, expect } from "./fixtures";
import { EXPECTED_401, PASSWORD, createOwner, cspViolations, signIn, watchCsp } from "./console";
import { randomUUID } from "node:crypto";

test("setup → users → add agent → disable → audit → sign out → sign in", async ({ page, allowConsoleErrors }) => {
  allowConsoleErrors.push(EXPECTED_401);
  await watchCsp(page);
  const owner = await createOwner(page);
  // The setup token is out of the address bar.
  expect(page.url()).not.toContain("token=");
  await expect(page).toHaveURL(/\/admin\/users$/);
  // The heading has the focus after a route change.
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();

  const agent = `agent-${randomUUID().slice(0, 8)}@shop.example`;
  await page.getByLabel("E-mail").fill(agent);
  await page.getByLabel("Initial password (12 characters or more)").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toHaveText(`${agent} added as agent.`);
  const row = page.getByRole("row", { name: new RegExp(agent) });
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: `Disable ${agent}` }).click();
  await expect(page.getByRole("status")).toHaveText(`${agent} disabled.`);
  await expect(row).toContainText("Disabled");
  await row.getByRole("button", { name: `Enable ${agent}` }).click();
  await expect(row).toContainText("Active");
  // One's own account cannot be disabled.
  await expect(page.getByRole("row", { name: new RegExp(owner) })).toContainText("(you)");

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
  const audit = page.getByRole("region", { name: "Audit log" });
  await expect(audit.getByRole("row", { name: /user enabled/ }).first()).toContainText(agent);
  await expect(audit.getByRole("row", { name: /user disabled/ }).first()).toContainText(agent);
  await expect(audit.getByRole("row", { name: /user created/ }).first()).toContainText(agent);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await expect(page.getByRole("navigation")).toBeHidden();
  // Signed out for real: the API refuses the old cookie's session.
  const me = await page.request.get("/admin/api/me");
  expect(me.status()).toBe(401);

  // A wrong password is said in the live region.
  await page.getByLabel("E-mail").fill(owner);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("status")).toHaveText(/e-mail or password/i);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
  expect(await cspViolations(page)).toEqual([]);
});

test("an agent sees no owner pages", async ({ page }) => {
  await createOwner(page);
  const agent = `agent-${randomUUID().slice(0, 8)}@shop.example`;
  await page.getByLabel("E-mail").fill(agent);
  await page.getByLabel("Initial password (12 characters or more)").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toHaveText(`${agent} added as agent.`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, agent);
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Inbox" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Owners only");
});

test("deep links reload to the same view; Back goes back", async ({ page }) => {
  await createOwner(page);
  // The real inbox API: what matters here is which filter the page asks for after each load.
  const asked: URLSearchParams[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/admin/api/inbox") asked.push(url.searchParams);
  });
  const askedFor = () => asked.map((q) => `${q.get("site")} ${q.get("band")} ${q.get("sort")}`);
  const shown = page.getByRole("status");
  // A link without a site: the API lists one site at a time, so the console names the first
  // one in the URL (replacing it, no new history entry).
  await page.goto("/admin/inbox?band=detractor&sort=risk");
  await expect(page).toHaveURL(/\/admin\/inbox\?site=e2e&band=detractor&sort=risk$/);
  await expect(shown).toHaveText(/responses? shown\.$/);
  await expect(page.getByRole("link", { name: "Inbox" })).toHaveAttribute("aria-current", "page");
  await page.reload();
  await expect(page).toHaveURL(/\/admin\/inbox\?site=e2e&band=detractor&sort=risk$/);
  await expect(page.getByRole("link", { name: "Inbox" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByLabel("Score")).toHaveValue("detractor");
  await expect.poll(askedFor).toEqual(["e2e detractor risk", "e2e detractor risk"]);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
  await page.goBack();
  await expect(page).toHaveURL(/\/admin\/inbox\?site=e2e&band=detractor&sort=risk$/);
  await expect(page.getByRole("link", { name: "Inbox" })).toHaveAttribute("aria-current", "page");
  await expect.poll(askedFor).toEqual(["e2e detractor risk", "e2e detractor risk", "e2e detractor risk"]);
  await page.goto("/admin/no-such-page");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});

test("the console is sent with its strict CSP and nothing violates it", async ({ page, allowConsoleErrors }) => {
  allowConsoleErrors.push(EXPECTED_401);
  await watchCsp(page);
  const response = await page.goto("/admin/users");
  const headers = response?.headers() ?? {};
  const csp = headers["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ]) {
    expect(csp).toContain(directive);
  }
  expect(csp).not.toContain("unsafe-inline");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  // Signed out: the sign-in form rendered by the wasm app under that policy.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  const wasm = await page.request.get("/admin/assets/console_bg.wasm");
  expect(wasm.headers()["content-type"]).toBe("application/wasm");
  expect(wasm.headers()["content-security-policy"]).toContain("default-src 'none'");
  // The API is not the shell.
  const api = await page.request.get("/admin/api/nope");
  expect(api.status()).toBe(404);
  expect(api.headers()["content-type"]).toContain("application/json");
  expect(await cspViolations(page)).toEqual([]);
});

test("keyboard only: skip link, navigation, forms", async ({ page }) => {
  await createOwner(page);
  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  // The skip link is the first thing in the tab order, shown when focused; Enter moves to main.
  const firstTabbable = await page.evaluate(
    () => document.querySelector<HTMLElement>("a[href], button, input, select, textarea")?.textContent
  );
  expect(firstTabbable).toBe("Skip to content");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await skip.focus();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  // A navigation link followed with the keyboard: the new page's heading has the focus.
  await page.getByRole("link", { name: "Users" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeFocused();
  // A form submitted with Enter.
  await page.getByLabel("E-mail").focus();
  const agent = `kbd-${randomUUID().slice(0, 8)}@shop.example`;
  await page.keyboard.type(agent);
  await page.getByLabel("Initial password (12 characters or more)").focus();
  await page.keyboard.type("a password long enough");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText(`${agent} added as agent.`);
});

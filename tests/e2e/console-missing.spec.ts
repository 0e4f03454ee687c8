// The console's not-found views: a response that does not exist and a site the collector
// does not know (on the response page, the inbox and the follow-ups) read differently, each
// with the collector's message and a way back; any other path under /admin stays the
// generic "Page not found".
import { test, expect } from "./fixtures";
import { axe, createOwner } from "./console";

test("a missing response, an unknown site and an unknown page", async ({ page, allowConsoleErrors }) => {
  // The response page's API answers 404 here, which Chromium logs.
  allowConsoleErrors.push(/the server responded with a status of 404 \(Not Found\)/);
  await createOwner(page);

  await page.goto("/admin/inbox/e2e/no-such-response");
  const h1 = page.locator("main h1");
  await expect(h1).toHaveText("Response not found");
  await expect(page.locator("main p.missing")).toContainText("no-such-response");
  const back = page.getByRole("link", { name: "See this site's responses" });
  await expect(back).toHaveAttribute("href", "/admin/inbox?site=e2e");
  await expect(page).toHaveTitle("Response not found · Rapport console");
  await axe(page, "missing response");

  await page.goto("/admin/inbox/no-such-site/r1");
  await expect(h1).toHaveText("Unknown site");
  await expect(page.locator("main p.missing")).toContainText("no-such-site");
  await expect(page.getByRole("link", { name: "Choose a site in the inbox" })).toHaveAttribute("href", "/admin/inbox");
  await axe(page, "unknown site");

  // The inbox filtered on an unknown site says so instead of "no responses".
  await page.goto("/admin/inbox?site=no-such-site");
  await expect(page.locator("main")).toContainText("no-such-site");
  await expect(page.getByRole("link", { name: "Show the first site's responses" })).toBeVisible();

  // The follow-ups page of an unknown site: the collector's message under the site picker,
  // which is on no site; choosing one there shows that site's follow-ups and puts it in the URL.
  await page.goto("/admin/followups?site=no-such-site");
  await expect(page.locator("main [role=status]")).toContainText("no-such-site");
  await expect(page.locator("main [role=status]")).toContainText("Choose a site above.");
  await expect(page.getByRole("link", { name: "Show the first site's follow-ups" })).toHaveAttribute("href", "/admin/followups");
  const picker = page.getByRole("combobox", { name: "Site" });
  await expect(picker).toHaveValue("");
  await expect(page.getByRole("textbox", { name: "Site" })).toHaveCount(0);
  await picker.selectOption("e2e");
  await expect(page).toHaveURL(/\/admin\/followups\?site=e2e$/);
  await expect(page.getByRole("heading", { name: "Closed-loop rate, last 30 days" })).toBeVisible();
  await expect(page.getByText(/Choose a site above/)).toBeHidden();
  await expect(picker).toHaveValue("e2e");

  await page.goto("/admin/no/such/page");
  await expect(h1).toHaveText("Page not found");
  await expect(page.getByRole("link", { name: "Go to the inbox" })).toHaveAttribute("href", "/admin/inbox");
});

// The "Webhooks & alerts" page against the real collector: an owner adds an endpoint (its
// signing secret shown once), sends a test event (the collector's own /healthz refuses a
// POST, so the page reports the endpoint's answer), reads the delivery log, rotates the
// secret, disables and deletes the endpoint, and saves and reloads a site's alert settings;
// axe finds nothing with the secret and the log on screen.
import { test, expect } from "./fixtures";
import { axe, createOwner } from "./console";

test("webhooks: add, test, log, rotate, disable, delete; alerts saved", async ({ page }) => {
  await createOwner(page);
  await page.getByRole("link", { name: "Webhooks & alerts" }).click();
  await expect(page).toHaveURL(/\/admin\/alerts$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Webhooks & alerts");
  const endpoints = page.getByRole("region", { name: "Webhook endpoints" });
  await expect(endpoints).toContainText("No endpoint yet");

  const url = `${new URL(page.url()).origin}/healthz`;
  const add = page.getByRole("form", { name: "Add an endpoint" });
  await add.getByLabel("Site").selectOption("demo");
  await add.getByLabel(/^URL/).fill(url);
  await add.getByLabel("Detractor response").check();
  await add.getByLabel("Tier changed").check();
  await add.getByRole("button", { name: "Add endpoint" }).click();
  const secret = page.locator("#hook-secret");
  await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  const first = await secret.textContent();
  const row = endpoints.getByRole("row", { name: new RegExp(url) });
  await expect(row).toContainText("Detractor response, Tier changed");
  await expect(row).toContainText("Enabled");
  // The secret is not in the list.
  await expect(endpoints).not.toContainText("whsec_");

  await row.getByRole("button", { name: `Send test: ${url}` }).click();
  await expect(page.locator("#hook-outcome")).toHaveText("Test event not delivered: answered 405 Method Not Allowed.");
  await row.getByRole("button", { name: `Deliveries: ${url}` }).click();
  const log = page.getByRole("region", { name: "Delivery log" });
  await expect(log.getByRole("row").nth(1)).toContainText("webhook.test");
  await expect(log.getByRole("row").nth(1)).toContainText("Gave up after 1 attempt(s): HTTP 405");
  await axe(page, "webhooks with the secret and the log");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 375, height: 800 });
  await axe(page, "webhooks with the secret and the log, dark, 375 px");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the page fits 375 px").toBeLessThanOrEqual(0);

  await row.getByRole("button", { name: `Rotate secret: ${url}` }).click();
  await expect(page.getByRole("status")).toHaveText("New signing secret shown below, once.");
  await expect(secret).not.toHaveText(first ?? "");
  await expect(secret).toHaveText(/^whsec_/);
  await row.getByRole("button", { name: `Disable: ${url}` }).click();
  await expect(row).toContainText("Disabled");

  const alerts = page.getByRole("form", { name: "Alerts" });
  await alerts.getByLabel("Site").selectOption("demo");
  await alerts.getByLabel("Slack-compatible incoming-webhook URL").fill("https://hooks.slack.example/T000/B000/x");
  await alerts.getByLabel("A message for each detractor response").check();
  await alerts.getByLabel("The daily digest").check();
  await alerts.getByLabel("Digest hour (UTC, 0–23)").fill("7");
  await alerts.getByRole("button", { name: "Save alerts" }).click();
  await expect(page.getByRole("status")).toHaveText("Alert settings of demo saved.");

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Webhooks & alerts");
  const again = page.getByRole("form", { name: "Alerts" });
  await again.getByLabel("Site").selectOption("demo");
  await again.getByRole("button", { name: "Load settings" }).click();
  await expect(page.getByRole("status")).toHaveText("Alert settings of demo loaded.");
  await expect(again.getByLabel("Slack-compatible incoming-webhook URL")).toHaveValue("https://hooks.slack.example/T000/B000/x");
  await expect(again.getByLabel("A message for each detractor response")).toBeChecked();
  await expect(again.getByLabel("Digest hour (UTC, 0–23)")).toHaveValue("7");
  // Off again: other specs share this collector and its demo site.
  await again.getByLabel("Slack-compatible incoming-webhook URL").fill("");
  await again.getByLabel("A message for each detractor response").uncheck();
  await again.getByLabel("The daily digest").uncheck();
  await again.getByRole("button", { name: "Save alerts" }).click();
  await expect(page.getByRole("status")).toHaveText("Alert settings of demo saved.");

  const row2 = page.getByRole("region", { name: "Webhook endpoints" }).getByRole("row", { name: new RegExp(url) });
  await row2.getByRole("button", { name: `Delete: ${url}` }).click();
  await expect(page.getByRole("region", { name: "Webhook endpoints" })).toContainText("No endpoint yet");
});

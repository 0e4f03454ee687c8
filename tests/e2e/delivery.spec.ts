// Delivery: a response is sent once and stored once, whatever the network does. The widget
// keeps it in the localStorage outbox under one id until the collector has it.
import { test, expect, expectRows, recordPosts, rowsFor, withRun } from "./fixtures";
import { SAMPLE, answerByMouse, dialog, focusByKeyboard, primary } from "./widget";

const PAGE = "/test/types.html?type=nps";
const NETWORK_NOISE = /Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_FAILED|status of (429|503)/;

test("offline, submit, online: exactly one row", async ({ page, context, request, run, allowConsoleErrors }) => {
  allowConsoleErrors.push(NETWORK_NOISE);
  const posts = recordPosts(page);
  await page.goto(withRun(PAGE, run));
  await answerByMouse(page, SAMPLE.nps);
  await context.setOffline(true);
  await primary(page).click();
  // The shopper is thanked at once: the answer waits in the outbox.
  await expect(dialog(page)).toContainText("Thanks (test survey)");
  // The widget tried to send it and failed: the outbox counts the attempt.
  const attempts = () =>
    page.evaluate(() => JSON.parse(localStorage.getItem("rapport:e2e:outbox") || "[]")[0]?.attempts ?? 0);
  await expect.poll(attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  expect(await rowsFor(request, run)).toHaveLength(0);
  const outbox = await page.evaluate(() => localStorage.getItem("rapport:e2e:outbox"));
  expect(outbox, "the undelivered response is kept in the outbox").toContain('"id"');
  await context.setOffline(false);
  const [row] = await expectRows(request, run, 1, { timeout: 40_000 });
  expect(new Set(posts.map((p) => p.id).filter(Boolean))).toEqual(new Set([row.id]));
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("rapport:e2e:outbox") || "")) 
    .not.toContain(row.id);
});

test("503 three times, then 200: one row, one id", async ({ page, request, run, allowConsoleErrors }) => {
  allowConsoleErrors.push(NETWORK_NOISE);
  let failures = 0;
  const attempts: string[] = [];
  await page.route("**/v1/responses", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    attempts.push(route.request().postDataJSON().id);
    if (failures < 3) {
      failures++;
      return route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"code":"unavailable","message":"try later"}}' });
    }
    return route.continue();
  });
  await page.goto(withRun(PAGE, run));
  await answerByMouse(page, SAMPLE.nps);
  await primary(page).click();
  const [row] = await expectRows(request, run, 1, { timeout: 45_000 });
  expect(failures).toBe(3);
  expect(attempts.length).toBeGreaterThanOrEqual(4);
  expect(new Set(attempts)).toEqual(new Set([row.id]));
});

// Retry-After in seconds, and as an HTTP date (whole seconds: 4 s ahead is a wait of 3–4 s).
const RETRY_AFTER = [
  { name: "Retry-After: 2", value: () => "2", atLeastMs: 1_950 },
  { name: "Retry-After as an HTTP date", value: () => new Date(Date.now() + 4_000).toUTCString(), atLeastMs: 2_900 },
];

for (const { name, value, atLeastMs } of RETRY_AFTER) {
  test(`429 with ${name} is honoured`, async ({ page, request, run, allowConsoleErrors }) => {
    allowConsoleErrors.push(NETWORK_NOISE);
    const times: number[] = [];
    await page.route("**/v1/responses", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      times.push(Date.now());
      if (times.length === 1)
        return route.fulfill({
          status: 429,
          headers: { "Retry-After": value(), "Content-Type": "application/json" },
          body: '{"error":{"code":"rate_limited","message":"slow down"}}',
        });
      return route.continue();
    });
    await page.goto(withRun(PAGE, run));
    await answerByMouse(page, SAMPLE.nps);
    await primary(page).click();
    await expectRows(request, run, 1, { timeout: 30_000 });
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(times[1] - times[0], "the retry waited as told").toBeGreaterThanOrEqual(atLeastMs);
  });
}

test("reload while the POST is in flight: one row", async ({ page, request, run, allowConsoleErrors }) => {
  allowConsoleErrors.push(NETWORK_NOISE);
  let held: string | undefined;
  const sent: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route("**/v1/responses", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    sent.push(route.request().postDataJSON().id);
    if (held === undefined) {
      held = route.request().postDataJSON().id;
      await gate; // the first attempt hangs until after the reload
      return route.continue().catch(() => {}); // the page is gone: the request was cancelled
    }
    return route.continue();
  });
  await page.goto(withRun(PAGE, run));
  await answerByMouse(page, SAMPLE.nps);
  await primary(page).click();
  await expect.poll(() => held).toBeTruthy();
  await page.reload();
  release();
  // After the reload the loader finds the outbox and boots the widget, which resends
  // (the first request may still arrive too: keepalive outlives the page).
  await expect.poll(() => sent.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const [row] = await expectRows(request, run, 1, { timeout: 40_000 });
  expect(row.id).toBe(held);
  expect(new Set(sent)).toEqual(new Set([held]));
});

test("double click on Submit: one row", async ({ page, request, run }) => {
  const posts = recordPosts(page);
  await page.goto(withRun(PAGE, run));
  await answerByMouse(page, SAMPLE.nps);
  await primary(page).dblclick();
  const [row] = await expectRows(request, run, 1);
  expect(new Set(posts.map((p) => p.id))).toEqual(new Set([row.id]));
});

test("double Enter on Submit: one row", async ({ page, request, run }) => {
  const posts = recordPosts(page);
  await page.goto(withRun("/test/types.html?type=open", run));
  await answerByMouse(page, SAMPLE.open);
  await focusByKeyboard(page, primary(page));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter").catch(() => {});
  const [row] = await expectRows(request, run, 1);
  expect(new Set(posts.map((p) => p.id))).toEqual(new Set([row.id]));
});

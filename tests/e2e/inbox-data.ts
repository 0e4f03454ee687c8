// Real data for the console's inbox specs (console-inbox, console-loop), on the `e2e-followup`
// site of tests/e2e/site.json (follow-ups on, a loyalty programme, customer tokens):
//
// * `answer()` posts an NPS answer through `POST /v1/responses`, identified by an HS256
//   customer token (as the store's backend mints it) or anonymous; its page URL carries the
//   test's `run`, so that a test filters the inbox to its own rows (`url=<run>`) on a database
//   the other specs share.
// * `importOrders()` loads past orders through the loyalty import endpoint (the generic CSV);
//   `runScores()` runs the scores job once with the collector's own CLI on this run's
//   database, which re-ranks the site's inbox by revenue at risk.
// * `MALICIOUS` is the malicious-text corpus of the server's tests.
import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect } from "./fixtures";

export const SITE = "e2e-followup";
const SECRET = "e2e-followup-token-secret-0123456789abcdef";
const ADMIN = "e2e-followup-admin-token";

/** The malicious-text corpus (markup, bidi, NUL, lone surrogates, CSV formulas…). */
export const MALICIOUS: string[] = JSON.parse(readFileSync("server/tests/fixtures/malicious-text.json", "utf8"));

/** An HS256 customer token of the site, valid for 10 minutes. */
export function customerToken(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, site: SITE, iat: now - 5, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

/** Stores a complete answer of the check-in survey (NPS + why) and returns its id. */
export async function answer(
  request: APIRequestContext,
  a: { run: string; nps: number; why: string; customer?: string; page?: string }
): Promise<string> {
  const id = randomUUID();
  const headers: Record<string, string> = a.customer ? { authorization: `Bearer ${customerToken(a.customer)}` } : {};
  const answers: { question: string; value: unknown }[] = [{ question: "nps", value: a.nps }];
  if (a.why !== "") answers.push({ question: "why", value: a.why });
  const r = await request.post("/v1/responses", {
    headers,
    data: {
      id,
      site: SITE,
      survey: "check-in",
      answers,
      locale: "en",
      url: `https://shop.example/${a.page ?? "order"}?run=${a.run}`,
    },
  });
  expect(r.status(), await r.text()).toBe(201);
  return id;
}

/** One past order of the generic CSV: `daysAgo` before now, `amount` in whole dollars. */
export type PastOrder = { id: string; customer: string; email: string; daysAgo: number; amount: number };

/** Imports `orders` (USD) through the loyalty import endpoint, without points. */
export async function importOrders(request: APIRequestContext, orders: PastOrder[]) {
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const lines = orders.map((o) => `${o.id},${day(o.daysAgo)},${o.customer},${o.email},${o.amount}.00,${o.amount}.00,USD`);
  const csv = ["order_id,date,customer_id,email,amount,total,currency", ...lines].join("\n") + "\n";
  const r = await request.post(`/v1/sites/${SITE}/loyalty/imports?format=generic`, {
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv" },
    data: csv,
  });
  expect(r.status(), await r.text()).toBe(200);
  expect(await r.json()).toMatchObject({ imported: orders.length, badRows: 0 });
}

/** Runs the scores job of the site once (`rapport-server scores`) on this run's database. */
export function runScores(): unknown {
  const dir = process.env.RAPPORT_E2E_DIR ?? "";
  const bin = process.env.RAPPORT_SERVER_BIN || path.join("target", "debug", "rapport-server");
  const out = execFileSync(
    bin,
    ["scores", "--site", SITE, "--db", path.join(dir, "e2e.sqlite"), "--config", path.join(dir, "config.json")],
    { encoding: "utf8" }
  );
  return JSON.parse(out);
}

/**
 * Three customers of `run` with a history: `valuable` bought often and a lot but not for ten
 * months (at risk), `small` once, as long ago (little at risk), `active` a lot and last week
 * (hardly at risk). The scores job runs after the import.
 */
export async function customersWithHistory(request: APIRequestContext, run: string) {
  const c = {
    valuable: `valuable-${run}`,
    small: `small-${run}`,
    active: `active-${run}`,
  };
  const orders: PastOrder[] = [];
  for (let i = 0; i < 6; i++) {
    orders.push({ id: `V-${run}-${i}`, customer: c.valuable, email: `valuable-${run}@mail.example`, daysAgo: 700 - i * 80, amount: 480 });
    orders.push({ id: `A-${run}-${i}`, customer: c.active, email: `active-${run}@mail.example`, daysAgo: 400 - i * 78, amount: 300 });
  }
  orders.push({ id: `S-${run}`, customer: c.small, email: `small-${run}@mail.example`, daysAgo: 300, amount: 20 });
  await importOrders(request, orders);
  runScores();
  return c;
}

/**
 * Turns the site's holdout on (half of the detractors), posts identified detractor answers
 * until one is held out, turns it off again; returns that answer's id. Uses the page's
 * session (its CSRF token from `GET /admin/api/me`).
 */
export async function heldOut(page: Page, request: APIRequestContext, run: string): Promise<string> {
  const me = await (await page.request.get("/admin/api/me")).json();
  const headers = { "x-csrf-token": me.csrfToken as string };
  const holdout = (enabled: boolean) =>
    page.request.put(`/admin/api/sites/${SITE}/holdout`, { headers, data: { enabled, share: 0.5, windowDays: 30 } });
  expect((await holdout(true)).status()).toBe(200);
  let held = "";
  try {
    for (let i = 0; i < 40 && !held; i++) {
      const id = await answer(request, { run, nps: 2, why: "", customer: `held-${run}-${i}` });
      const r = await page.request.get(`/admin/api/inbox/${SITE}/${id}/followups`);
      if ((await r.json()).holdout) held = id;
    }
  } finally {
    expect((await holdout(false)).status()).toBe(200);
  }
  expect(held).not.toBe("");
  return held;
}

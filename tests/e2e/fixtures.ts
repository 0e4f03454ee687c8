// Shared fixtures for the end-to-end specs.
//
// * `page` fails the test on any `pageerror` or `console.error` unless the test allow-lists
//   it (push a RegExp onto `allowConsoleErrors`).
// * `consoleLog` records every console message of `page`, for tests that expect warnings.
// * `run` is a marker unique to the test; put it in page URLs (`?run=`) and find the test's
//   database rows by it: the response's `url` field carries it.
// * `exported` reads rows through the real admin export endpoint (real HTTP, real SQLite).
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";

export { expect };

export type Logged = { type: string; text: string };

/** One row of `GET /v1/responses?format=json`. */
export type Row = {
  id: string;
  site: string;
  survey: string;
  /** Each answer with its question's type and text (labels for choice questions). */
  answers: {
    question: string;
    value: unknown;
    type: string | null;
    text: string | null;
    labels?: (string | null)[];
  }[];
  locale: string | null;
  url: string | null;
  userId: string | null;
  traits: Record<string, unknown> | null;
  createdAt: string | null;
  receivedAt: string;
  /** The answers a shopper gave before closing the survey or leaving the page. */
  partial: boolean;
};

/** A row's answers as stored (`{question, value}`), without the export's question details. */
export function bareAnswers(row: Row): { question: string; value: unknown }[] {
  return row.answers.map(({ question, value }) => ({ question, value }));
}

export const SITES: Record<string, string> = {
  e2e: "e2e-admin-token-local",
  demo: "demo-admin-token",
};

/**
 * Records console messages and page errors of `page` into `log`; returns a function giving
 * the problems (page errors, console errors not matched by `allow`) seen so far.
 */
export function watch(page: Page, log: Logged[], allow: RegExp[]): () => string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    log.push({ type: m.type(), text: m.text() });
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  return () =>
    problems.filter((p) => p.startsWith("pageerror") || !allow.some((re) => re.test(p)));
}

type Fixtures = {
  consoleLog: Logged[];
  allowConsoleErrors: RegExp[];
  run: string;
  exported: (site?: string, survey?: string) => Promise<Row[]>;
};

export const test = base.extend<Fixtures>({
  consoleLog: async ({}, use) => {
    await use([]);
  },
  allowConsoleErrors: async ({}, use) => {
    await use([]);
  },
  page: async ({ page, consoleLog, allowConsoleErrors }, use) => {
    const problems = watch(page, consoleLog, allowConsoleErrors);
    page.on("dialog", (d) => {
      consoleLog.push({ type: "dialog", text: d.message() });
      void d.dismiss();
    });
    await use(page);
    expect(problems(), "pageerror / console.error during the test").toEqual([]);
    expect(
      consoleLog.filter((m) => m.type === "dialog"),
      "no alert/confirm/prompt may ever open"
    ).toEqual([]);
  },
  run: async ({}, use) => {
    await use(randomUUID().slice(0, 8));
  },
  exported: async ({ request }, use) => {
    await use((site = "e2e", survey?: string) => exportRows(request, site, survey));
  },
});

/** All rows of a site (optionally one survey) through the admin export. */
export async function exportRows(
  request: APIRequestContext,
  site = "e2e",
  survey?: string
): Promise<Row[]> {
  const q = new URLSearchParams({ site, format: "json" });
  if (survey) q.set("survey", survey);
  const r = await request.get(`/v1/responses?${q}`, {
    headers: { Authorization: `Bearer ${SITES[site]}` },
  });
  expect(r.status(), await r.text()).toBe(200);
  return (await r.json()) as Row[];
}

/** Rows whose page URL carries `run`. */
export async function rowsFor(request: APIRequestContext, run: string, site = "e2e") {
  return (await exportRows(request, site)).filter((r) => r.url?.includes(`run=${run}`));
}

/**
 * Waits until exactly `n` rows carry `run` and stay that way for `settleMs` (so a late
 * duplicate would still be caught), then returns them.
 */
export async function expectRows(
  request: APIRequestContext,
  run: string,
  n: number,
  { site = "e2e", timeout = 20_000, settleMs = 1_000 } = {}
): Promise<Row[]> {
  await expect
    .poll(async () => (await rowsFor(request, run, site)).length, { timeout, intervals: [200] })
    .toBe(n);
  if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
  const rows = await rowsFor(request, run, site);
  expect(rows).toHaveLength(n);
  return rows;
}

/** `path` with `run=` added to its query. */
export function withRun(path: string, run: string): string {
  return path + (path.includes("?") ? "&" : "?") + `run=${run}`;
}

/** Collects the JSON bodies of the page's `POST /v1/responses` requests, with timestamps. */
export function recordPosts(page: Page): { at: number; id: string; body: any }[] {
  const posts: { at: number; id: string; body: any }[] = [];
  page.on("request", (req) => {
    if (req.method() !== "POST" || !new URL(req.url()).pathname.endsWith("/v1/responses")) return;
    let body: any = null;
    try {
      body = req.postDataJSON();
    } catch {
      body = req.postData();
    }
    posts.push({ at: Date.now(), id: body?.id, body });
  });
  return posts;
}

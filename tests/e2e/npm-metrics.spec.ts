// The npm package (`pkg/`) in the browser: `rapport-sdk/metrics` in its default worker mode
// (a module Web Worker running the wasm engine) and `createRapport` from `rapport-sdk`.
//
// The package's files are served to a page of the test server under the same origin
// (`/pkg/*`, fulfilled from disk by a route with the right content types), as a bundler or a
// static host would; the CDNOW reference data likewise under `/cdnow/*`. The page itself is
// the collector's `/test/index.html` (no loader on it), and survey answers go to the real
// collector and are read back through its admin export.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, expectRows, withRun, bareAnswers } from "./fixtures";
import { dialog, primary } from "./widget";

const PKG = path.resolve(__dirname, "../../pkg");
const CDNOW = path.resolve(__dirname, "../../metrics/tests/data/cdnow");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/** Serves `prefix/<rel>` from `dir/<rel>` (never outside `dir`); records what was served. */
async function serveDir(page: Page, prefix: string, dir: string, served: string[]) {
  await page.context().route(`**${prefix}/**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = decodeURIComponent(url.pathname.slice(url.pathname.indexOf(prefix) + prefix.length + 1));
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
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
}

async function openPage(page: Page, run: string, served: string[] = []) {
  await serveDir(page, "/pkg", PKG, served);
  await serveDir(page, "/cdnow", CDNOW, served);
  await page.goto(withRun("/test/index.html", run));
  return served;
}

const PUBLISHED = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const PUBLISHED_LL = -9582.43;

test("fitBgNbd in the package's Web Worker reproduces the published CDNOW fit, with progress", async ({
  page,
  run,
}) => {
  const served = await openPage(page, run);
  const out = await page.evaluate(async () => {
    const m = await import("/pkg/metrics.js" as string);
    const text = await (await fetch("/cdnow/cdnow_customers_summary.csv")).text();
    const rows = text.trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map(Number));
    const data = {
      x: Float64Array.from(rows, (r) => r[1]),
      t_x: Float64Array.from(rows, (r) => r[2]),
      T: Float64Array.from(rows, (r) => r[3]),
    };
    const progress: any[] = [];
    // The module-level function: one shared engine, in a Worker where `Worker` exists.
    const fit = await m.fitBgNbd(data, { onProgress: (p: any) => progress.push(p) });
    return { fit, progress, customers: rows.length };
  });
  expect(out.customers).toBe(2357);
  expect(out.fit.model).toBe("bgnbd");
  expect(out.fit.converged).toBe(true);
  expect(out.fit.customers).toBe(2357);
  for (const [k, v] of Object.entries(PUBLISHED)) {
    const rel = Math.abs(out.fit.params[k] - v) / v;
    expect(rel, `${k} = ${out.fit.params[k]}, published ${v}`).toBeLessThanOrEqual(1e-3);
  }
  expect(Math.abs(out.fit.logLikelihood - PUBLISHED_LL)).toBeLessThanOrEqual(0.01);

  const stages = out.progress.map((p: any) => p.stage);
  expect(stages.filter((s: string) => s !== "iteration")).toEqual(["start", "parsed", "fitted", "done"]);
  expect(out.progress.every((p: any) => p.method === "fitBgNbd")).toBe(true);
  // Every iteration of the fit reaches the page from the Worker, in order, before "fitted".
  const iterations = out.progress.filter((p: any) => p.stage === "iteration");
  expect(iterations.length).toBeGreaterThan(5);
  expect(iterations.map((p: any) => p.iteration)).toEqual(iterations.map((_: any, i: number) => i + 1));
  expect(stages.indexOf("fitted")).toBeGreaterThan(stages.lastIndexOf("iteration"));
  const fitted = out.progress.find((p: any) => p.stage === "fitted");
  expect(fitted).toMatchObject({ model: "bgnbd", converged: true, iterations: out.fit.iterations });
  expect(fitted.logLikelihood).toBe(out.fit.logLikelihood);

  // It really ran in a worker: the worker script and the engine's wasm were fetched.
  expect(page.workers().map((w) => new URL(w.url()).pathname)).toContain("/pkg/metrics-worker.js");
  expect(served).toContain("/pkg/metrics-worker.js");
  expect(served).toContain("/pkg/metrics/metrics_bg.wasm");
});

test("a long fit in the Worker keeps the main thread responsive (in-thread it does not)", async ({
  page,
  run,
}) => {
  await openPage(page, run);
  const out = await page.evaluate(async () => {
    const m = await import("/pkg/metrics.js" as string);
    // CDNOW_sample.txt repeated 120 times with distinct customer ids: ~830k orders, 282,840
    // customers. Copies of the same customers give the same maximum-likelihood parameters.
    const COPIES = 120;
    const lines = (await (await fetch("/cdnow/CDNOW_sample.txt")).text()).trim().split(/\r?\n/);
    const parts: string[] = [];
    for (let k = 0; k < COPIES; k++) {
      for (const l of lines) {
        const f = l.trim().split(/\s+/);
        parts.push(`${f[0]} ${k * 10000 + Number(f[1])} ${f[2]} ${f[3]} ${f[4]}`);
      }
    }
    const csv = parts.join("\n") + "\n";

    /** Runs `fn` while counting animation frames; returns frames, longest gap and duration. */
    async function watchFrames<T>(fn: () => Promise<T>) {
      let frames = 0;
      let last = performance.now();
      let maxGap = 0;
      let on = true;
      const tick = (t: number) => {
        if (!on) return;
        frames++;
        maxGap = Math.max(maxGap, t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      // Start from a fresh frame so set-up work does not count as a gap.
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      last = performance.now();
      requestAnimationFrame(tick);
      const t0 = performance.now();
      const result = await fn();
      const ms = performance.now() - t0;
      on = false;
      maxGap = Math.max(maxGap, performance.now() - last);
      return { result, frames, maxGap, ms };
    }

    const worker = m.createEngine(); // worker mode, the default in a browser
    await worker.nps([10]); // start the worker and load its wasm before measuring
    const stages: string[] = [];
    // Bytes handed over (`transfer: true`), so posting them costs the page no copy.
    const bytes = new TextEncoder().encode(csv);
    const inWorker = await watchFrames(() =>
      worker.fitBgNbd(bytes, {
        format: "cdnow",
        endDate: "1997-09-30",
        transfer: true,
        onProgress: (p: any) => stages.push(p.stage),
      })
    );
    const detached = bytes.byteLength === 0;

    const thread = m.createEngine({ worker: false });
    await thread.nps([10]); // load the wasm in this thread first
    const inThread = await watchFrames(() => thread.fitBgNbd(csv, { format: "cdnow", endDate: "1997-09-30" }));
    worker.terminate();
    return {
      COPIES,
      stages,
      detached,
      worker: { ...inWorker, result: undefined, fit: inWorker.result },
      thread: { ...inThread, result: undefined, fit: inThread.result },
    };
  });
  console.log(
    `worker: ${out.worker.ms.toFixed(0)} ms, ${out.worker.frames} frames, longest gap ${out.worker.maxGap.toFixed(0)} ms; ` +
      `in-thread: ${out.thread.ms.toFixed(0)} ms, ${out.thread.frames} frames, longest gap ${out.thread.maxGap.toFixed(0)} ms`
  );

  const fit = out.worker.fit;
  expect(fit.customers).toBe(2357 * out.COPIES);
  expect(fit.converged).toBe(true);
  for (const [k, v] of Object.entries(PUBLISHED)) {
    expect(Math.abs(fit.params[k] - v) / v, k).toBeLessThanOrEqual(1e-2);
    expect(out.thread.fit.params[k]).toBeCloseTo(fit.params[k], 6);
  }
  expect(fit.logLikelihood / out.COPIES).toBeCloseTo(PUBLISHED_LL, 0);
  // Parse → summarise → fit, reported from the worker as it went.
  expect(out.stages[0]).toBe("start");
  expect(out.stages).toContain("parsed");
  expect(out.stages).toContain("summarized");
  expect(out.stages).toContain("fitted");
  expect(out.stages.at(-1)).toBe("done");

  // The same work on the main thread blocks frames for its whole duration: the measurement
  // can tell a blocked thread from a free one.
  expect(out.thread.ms).toBeGreaterThan(300);
  expect(out.thread.frames).toBeLessThanOrEqual(1);
  expect(out.thread.maxGap).toBeGreaterThan(0.9 * out.thread.ms);
  // In the worker, frames kept coming during the whole fit: at least 20 per second, and no
  // stall longer than a third of the fit (a GC pause on a loaded machine is allowed; a
  // blocked thread is not).
  expect(out.detached, "the input buffer was transferred to the worker").toBe(true);
  expect(out.worker.ms).toBeGreaterThan(300);
  expect(out.worker.frames).toBeGreaterThanOrEqual(Math.floor(out.worker.ms / 50));
  expect(out.worker.maxGap).toBeLessThan(out.worker.ms / 3);
});

test("a malformed CSV rejects in the Worker with an Error naming the line and column", async ({ page, run }) => {
  await openPage(page, run);
  const out = await page.evaluate(async () => {
    const m = await import("/pkg/metrics.js" as string);
    const engine = m.createEngine({ worker: true });
    try {
      await engine.parseOrdersCsv("customer_id,date,amount\na,2020-01-01,1.50\nb,2020-01-02,abc\n");
      return { rejected: false };
    } catch (e: any) {
      const after = await engine.nps([10, 9, 0, 8]); // the worker survives a rejected call
      return { rejected: true, isError: e instanceof Error, message: String(e.message), after: after.score };
    } finally {
      engine.terminate();
    }
  });
  expect(out.rejected).toBe(true);
  expect(out.isError).toBe(true);
  expect(out.message).toMatch(/line 3/);
  expect(out.message).toMatch(/amount/);
  expect(out.after).toBe(25);
});

test("createRapport from the package shows a collector survey and the answer reaches the collector", async ({
  page,
  request,
  run,
}) => {
  const served = await openPage(page, run);
  // The survey is the collector's (www/test-pages/surveys.json): the package reads it from
  // `GET /v1/sites/e2e/config`; the inline config sets only the locale.
  const survey = { id: "type-nps" };
  await page.evaluate(async (survey) => {
    const { createRapport } = await import("/pkg/index.js" as string);
    const events: { name: string; detail: any }[] = [];
    const rapport = createRapport({
      site: "e2e",
      endpoint: location.origin,
      config: { site: "e2e", locale: "en" },
    });
    for (const name of ["show", "submit", "delivered"]) {
      rapport("on", name, (detail: any) => events.push({ name, detail }));
    }
    rapport("show", survey.id);
    (window as any).npmEvents = events;
  }, survey);

  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page)).toContainText("How likely are you to recommend Rapport to a friend?");
  await dialog(page).getByRole("radio").nth(9).click();
  await primary(page).click();
  await expect(dialog(page)).toContainText("Thanks (test survey)");

  const [row] = await expectRows(request, run, 1);
  expect(row.site).toBe("e2e");
  expect(row.survey).toBe("type-nps");
  expect(bareAnswers(row)).toEqual([{ question: "q", value: 9 }]);
  expect(row.url).toContain("/test/index.html");
  // `on` handlers registered through the package's function receive the widget's events.
  await expect
    .poll(() => page.evaluate(() => (window as any).npmEvents.map((e: any) => e.name)))
    .toEqual(["show", "submit", "delivered"]);
  const events = await page.evaluate(() => (window as any).npmEvents);
  expect(events[0].detail.survey).toBe("type-nps");
  expect(events[2].detail.id).toBe(row.id);
  // The widget came from the package's own copy, not the collector's /widget/.
  expect(served).toContain("/pkg/widget/widget.js");
  expect(served).toContain("/pkg/widget/widget_bg.wasm");
});

test("a fit that does not converge rejects across the Worker with a typed error", async ({ page, run }) => {
  await openPage(page, run);
  const out = await page.evaluate(async () => {
    const m = await import("/pkg/metrics.js" as string);
    const text = await (await fetch("/cdnow/cdnow_customers_summary.csv")).text();
    const rows = text.trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map(Number));
    const data = {
      x: Float64Array.from(rows, (r) => r[1]),
      t_x: Float64Array.from(rows, (r) => r[2]),
      T: Float64Array.from(rows, (r) => r[3]),
    };
    try {
      await m.fitParetoNbd(data, { maxIterations: 2 });
      return { rejected: false };
    } catch (e: any) {
      return {
        rejected: true,
        typed: e instanceof m.FitNotConvergedError && e instanceof m.MetricsError,
        name: e.name,
        code: e.code,
        details: e.details,
        message: e.message,
      };
    }
  });
  expect(out.rejected).toBe(true);
  expect(out.typed).toBe(true);
  expect(out.name).toBe("FitNotConvergedError");
  expect(out.code).toBe("not_converged");
  expect(out.details).toMatchObject({ model: "pareto_nbd", reason: "max_iterations", iterations: 2 });
  expect(out.message).toContain("did not converge");
});

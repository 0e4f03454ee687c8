// The npm package's metrics engine (`rapport-sdk/metrics`) in Node, in-thread
// (`createEngine({ worker: false })`): the wasm is read from the package's
// `metrics/metrics_bg.wasm` next to `metrics-worker.js` (a `file:` URL read
// with node:fs), exactly as a Node user of the package gets it.
//
// Checked against the CDNOW reference data (metrics/tests/data/cdnow in the
// repository) and the published BG/NBD maximum-likelihood results
// (Fader, Hardie & Lee 2005).
//
// Run: node --test tests/npm/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import * as metrics from "../../pkg/metrics.js";

const { createEngine, MetricsError, FitNotConvergedError } = metrics;

const data = (name) => new URL(`../../metrics/tests/data/cdnow/${name}`, import.meta.url);
const exportFile = (name) => new URL(`../../metrics/tests/data/exports/${name}`, import.meta.url);

/** `ID,frequency,recency,T` → `{ x, t_x, T }` columns. */
async function cdnowSummary() {
  const text = await readFile(data("cdnow_customers_summary.csv"), "utf8");
  const [header, ...lines] = text.trim().split(/\r?\n/);
  assert.deepEqual(header.split(","), ["ID", "frequency", "recency", "T"]);
  const x = new Float64Array(lines.length);
  const t_x = new Float64Array(lines.length);
  const T = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const [, f, r, t] = line.split(",").map(Number);
    x[i] = f;
    t_x[i] = r;
    T[i] = t;
  });
  return { x, t_x, T };
}

const PUBLISHED = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const PUBLISHED_LL = -9582.43;

function assertPublishedBgNbd(fit) {
  assert.equal(fit.model, "bgnbd");
  assert.equal(fit.converged, true, "the fit converged");
  for (const [k, v] of Object.entries(PUBLISHED)) {
    const rel = Math.abs(fit.params[k] - v) / v;
    assert.ok(rel <= 1e-3, `${k} = ${fit.params[k]}, published ${v} (relative error ${rel})`);
  }
  assert.ok(
    Math.abs(fit.logLikelihood - PUBLISHED_LL) <= 0.01,
    `LL = ${fit.logLikelihood}, published ${PUBLISHED_LL}`
  );
}

test("the package exports createEngine and every documented async function", () => {
  assert.equal(typeof createEngine, "function");
  for (const name of [
    "parseOrdersCsv", "ordersFromColumns", "parseEventsCsv", "release", "summary",
    "fitBgNbd", "fitMbgNbd", "fitParetoNbd", "fitGammaGamma", "fitBgBb", "predict", "clv",
    "historicalClv", "cohortMatrix", "funnel", "rfm", "nps", "feedbackReport", "retentionWhatIf",
  ]) {
    assert.equal(typeof metrics[name], "function", `export ${name}`);
  }
});

test("fitBgNbd on the CDNOW summary reproduces the published parameters and log-likelihood", async () => {
  const engine = createEngine({ worker: false });
  const customers = await cdnowSummary();
  assert.equal(customers.x.length, 2357);
  const fit = await engine.fitBgNbd(customers);
  assertPublishedBgNbd(fit);
  assert.equal(fit.customers, 2357);
  engine.terminate();
});

test("the cdnow parser + summary of CDNOW_sample.txt gives 2,357 customers matching the published summary", async () => {
  const engine = createEngine({ worker: false });
  const raw = await readFile(data("CDNOW_sample.txt"));
  const orders = await engine.parseOrdersCsv(raw, { format: "cdnow" });
  assert.equal(orders.kind, "orders");
  assert.equal(orders.rows, 6919, "every line of CDNOW_sample.txt is an order");
  assert.equal(orders.customers, 2357);
  assert.deepEqual(orders.report.skipped, {});

  const s = await engine.summary(orders, { period: "week", endDate: "1997-09-30" });
  assert.equal(s.customer.length, 2357);
  assert.equal(s.customerIds.length, 2357);
  assert.equal(s.period, "week");

  // Same customers, same numbers as the published summary file (2 dp there).
  const ref = await cdnowSummary();
  const byId = new Map(s.customerIds.map((id, i) => [Number(id), i]));
  assert.equal(byId.size, 2357);
  for (let id = 1; id <= 2357; id++) {
    const i = byId.get(id);
    assert.notEqual(i, undefined, `customer ${id} present`);
    assert.equal(s.frequency[i], ref.x[id - 1], `frequency of customer ${id}`);
    assert.ok(Math.abs(s.recency[i] - ref.t_x[id - 1]) <= 0.006, `recency of customer ${id}`);
    assert.ok(Math.abs(s.T[i] - ref.T[id - 1]) <= 0.006, `T of customer ${id}`);
  }
  await engine.release(orders);
  await assert.rejects(engine.summary(orders), /not a live orders handle/);
});

test("fitBgNbd straight from the orders (summarised in weeks) gives the published fit", async () => {
  const engine = createEngine({ worker: false });
  const orders = await engine.parseOrdersCsv(await readFile(data("CDNOW_sample.txt")), { format: "cdnow" });
  const fit = await engine.fitBgNbd(orders, { endDate: "1997-09-30" });
  // The summary here is unrounded; the published fit used the 2 dp file: allow 1e-2 relative.
  for (const [k, v] of Object.entries(PUBLISHED)) {
    assert.ok(Math.abs(fit.params[k] - v) / v <= 1e-2, `${k} = ${fit.params[k]}, published ${v}`);
  }
  assert.ok(Math.abs(fit.logLikelihood - PUBLISHED_LL) <= 1, `LL = ${fit.logLikelihood}`);
});

test("cohortMatrix totals equal the order count", async () => {
  const engine = createEngine({ worker: false });
  const orders = await engine.parseOrdersCsv(await readFile(data("CDNOW_sample.txt")), { format: "cdnow" });
  const c = await engine.cohortMatrix(orders, { by: "month" });
  assert.equal(c.by, "month");
  const sum = (rows) => rows.flat().reduce((a, b) => a + b, 0);
  assert.equal(sum(c.orders), orders.rows, "orders in the matrix = orders parsed");
  assert.equal(sum(c.orders), 6919);
  assert.equal(c.size.reduce((a, b) => a + b, 0), 2357, "cohort sizes sum to the customers");
  assert.equal(c.customers, 2357);
  // CDNOW customers were all acquired in Q1 1997.
  assert.deepEqual(c.cohortStart.slice(0, 3), ["1997-01-01", "1997-02-01", "1997-03-01"]);
  assert.equal(c.size[0] + c.size[1] + c.size[2], 2357);
  // Every customer is active in their acquisition month.
  c.size.forEach((n, i) => {
    if (n > 0) assert.equal(c.active[i][0], n, `cohort ${c.cohortStart[i]} active at k=0`);
  });
  const revenue = sum(c.revenue);
  const text = await readFile(data("CDNOW_sample.txt"), "utf8");
  const expected = text.trim().split(/\r?\n/).reduce((a, l) => a + Number(l.trim().split(/\s+/)[4]), 0);
  assert.ok(Math.abs(revenue - expected) < 0.01, `revenue ${revenue} vs ${expected}`);
});

test("nps of a known answer set gives the exact score", async () => {
  const engine = createEngine({ worker: false });
  // 5 promoters (9–10), 2 passives (7–8), 3 detractors (0–6): (5 − 3) / 10 = +20.
  const r = await engine.nps([10, 10, 9, 9, 10, 8, 7, 0, 3, 6]);
  assert.equal(r.responses, 10);
  assert.equal(r.promoters, 5);
  assert.equal(r.passives, 2);
  assert.equal(r.detractors, 3);
  assert.equal(r.score, 20);
  assert.ok(r.ciLow < 20 && r.ciHigh > 20, "the interval holds the score");
  assert.equal(r.confidence, 0.95);
  const all = await engine.nps(new Float64Array([9, 10, 10, 9]));
  assert.equal(all.score, 100);
  assert.equal((await engine.nps([0, 1, 2, 6])).score, -100);
});

test("a malformed CSV rejects with an Error naming the row and column", async () => {
  const engine = createEngine({ worker: false });
  const csv = "customer_id,date,amount\na,2020-01-01,1.50\nb,2020-01-02,abc\n";
  await assert.rejects(engine.parseOrdersCsv(csv), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /line 3/);
    assert.match(e.message, /amount/);
    return true;
  });
  await assert.rejects(
    engine.parseOrdersCsv("customer_id,date,amount\na,notadate,1\n"),
    (e) => e instanceof Error && /line 2/.test(e.message) && /date/.test(e.message)
  );
  await assert.rejects(
    engine.parseOrdersCsv("customer_id,date,amount\na,2020-01-01,1\nb,2020-01-02\n"),
    (e) => e instanceof Error && /line 3/.test(e.message)
  );
  // With badRows: "skip" the bad row is counted, not fatal.
  const h = await engine.parseOrdersCsv(csv, { badRows: "skip" });
  assert.equal(h.rows, 1);
  const skipped = Object.values(h.report.skipped);
  assert.equal(skipped.reduce((a, s) => a + s.count, 0), 1);
  assert.deepEqual(skipped[0].firstLines, [3]);
  // The engine still works after a rejection.
  assert.equal((await engine.nps([10])).score, 100);
});

test("progress stages arrive via onProgress", async () => {
  const engine = createEngine({ worker: false });
  const raw = await readFile(data("CDNOW_sample.txt"));
  const stages = [];
  await engine.parseOrdersCsv(raw, { format: "cdnow", onProgress: (p) => stages.push(p) });
  assert.deepEqual(stages.map((p) => p.stage), ["start", "parsed", "done"]);
  assert.equal(stages[0].bytes, raw.length);
  assert.equal(stages[1].rows, 6919);
  assert.equal(stages[1].customers, 2357);
  for (const p of stages) {
    assert.equal(p.method, "parseOrdersCsv");
    assert.equal(typeof p.elapsedMs, "number");
  }

  const fitStages = [];
  const fit = await engine.fitBgNbd(await cdnowSummary(), { onProgress: (p) => fitStages.push(p) });
  const iterations = fitStages.filter((p) => p.stage === "iteration");
  assert.deepEqual(
    fitStages.filter((p) => p.stage !== "iteration").map((p) => p.stage),
    ["start", "parsed", "fitted", "done"]
  );
  // Every iteration of the search is reported, between "parsed" and "fitted".
  assert.ok(iterations.length >= fit.iterations - 1 && iterations.length > 5, `${iterations.length} iterations reported`);
  assert.deepEqual(iterations.map((p) => p.iteration), iterations.map((_, i) => i + 1));
  assert.ok(iterations.every((p) => p.params.length === 4 && Number.isFinite(p.logLikelihood)));
  assert.ok(iterations.at(-1).logLikelihood >= iterations[0].logLikelihood);
  assert.ok(fitStages.every((p) => p.method === "fitBgNbd"));
  const fitted = fitStages.find((p) => p.stage === "fitted");
  assert.equal(fitted.model, "bgnbd");
  assert.equal(fitted.iterations, fit.iterations);
  assert.equal(fitted.converged, true);
  assert.equal(fitted.logLikelihood, fit.logLikelihood);
  const elapsed = fitStages.map((p) => p.elapsedMs);
  assert.deepEqual([...elapsed].sort((a, b) => a - b), elapsed, "elapsedMs never goes back");

  // A throwing callback does not break the call.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const r = await engine.nps([9], { onProgress: () => { throw new Error("boom"); } });
    assert.equal(r.score, 100);
  } finally {
    console.warn = warn;
  }
});

test("a fit that does not converge rejects with a typed error, unless accepted", async () => {
  const engine = createEngine({ worker: false });
  const customers = await cdnowSummary();
  await assert.rejects(engine.fitParetoNbd(customers, { maxIterations: 2 }), (e) => {
    assert.ok(e instanceof FitNotConvergedError, `${e.name}: ${e.message}`);
    assert.ok(e instanceof MetricsError && e instanceof Error);
    assert.equal(e.code, "not_converged");
    assert.equal(e.details.model, "pareto_nbd");
    assert.equal(e.details.reason, "max_iterations");
    assert.equal(e.details.iterations, 2);
    assert.match(e.message, /Pareto\/NBD: the fit did not converge/);
    return true;
  });
  const fit = await engine.fitParetoNbd(customers, { maxIterations: 2, acceptUnconverged: true });
  assert.equal(fit.status, "not_converged");
  assert.equal(fit.stop, "max_iterations");
  // A time budget bounds the fit the same way.
  await assert.rejects(engine.fitParetoNbd(customers, { maxSeconds: 1e-9 }), (e) => e.code === "not_converged" && e.details.reason === "interrupted");
  // Other failures are MetricsErrors with their own code.
  await assert.rejects(engine.fitBgNbd({ x: [1], t_x: [2], T: [1] }), (e) => e instanceof MetricsError && e.code === "bad_input");
});

test("a fit at the boundary resolves, saying what it means and which model fits better", async () => {
  const engine = createEngine({ worker: false });
  // Nobody ever leaves: Poisson buyers with Gamma-distributed rates, seeded.
  let seed = 7;
  const uniform = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const x = [], t_x = [], T = [];
  for (let i = 0; i < 4000; i++) {
    const rate = (-Math.log(uniform()) - Math.log(uniform())) / 14;
    const age = Math.ceil(uniform() * 365) / 7;
    let now = 0, n = 0, last = 0;
    for (;;) {
      now += -Math.log(uniform()) / rate;
      if (now > age) break;
      n += 1;
      last = now;
    }
    x.push(n);
    t_x.push(Math.min(Math.round(last * 7) / 7, age));
    T.push(age);
  }
  const fit = await engine.fitBgNbd({ x, t_x, T });
  assert.equal(fit.status, "boundary");
  assert.equal(fit.boundary.limit, "no_dropout");
  assert.match(fit.boundary.message, /has no dropout/);
  assert.match(fit.boundary.message, /Log-likelihood -\d+\.\d\d/);
  assert.equal(fit.comparison.candidates.length, 3);
  assert.match(fit.comparison.message, /fit these data/);
  assert.equal(fit.stdErrors, null);
});

test("orders as exported: line items, decided dates, undecidable dates, a workbook", async () => {
  const engine = createEngine({ worker: false });
  const lines = await engine.parseOrdersCsv(await readFile(exportFile("order_lines.csv")), {
    columns: { customer: "customer_email", timestamp: "created_at", amount: "line_total", orderId: "order_number", status: "financial_status" },
  });
  assert.equal(lines.rows, 10, "ten orders from eighteen lines");
  assert.equal(lines.report.mergedLines, 6);
  assert.equal(lines.report.skipped.duplicate_row.count, 1);
  const uk = { columns: { customer: "Customer", timestamp: "Order Date", amount: "Total (GBP)", orderId: "Order ID" } };
  const s = await engine.summary(await readFile(exportFile("orders_uk_day_first.csv")), { ...uk, period: "day" });
  assert.equal(s.recency[0], 56, "3 January to 28 February");
  await assert.rejects(engine.parseOrdersCsv(await readFile(exportFile("orders_uk_all_ambiguous.csv")), uk), (e) => {
    assert.equal(e.code, "bad_data");
    assert.match(e.message, /column "Order Date": every date is ambiguous/);
    return true;
  });
  await assert.rejects(engine.parseOrdersCsv(await readFile(exportFile("order_lines.xlsx"))), (e) => {
    assert.match(e.message, /\.xlsx workbook/);
    assert.ok(e.message.length < 250, `${e.message.length} characters`);
    return true;
  });
  // No amount column: enough for a purchase-count fit.
  const counts = await engine.parseOrdersCsv("customer_id,date\na,2024-01-01\nb,2024-01-05\na,2024-02-01\n", { columns: { amount: null } });
  assert.equal(counts.rows, 3);
});

test("feedback is scored by question type, and no answers is null", async () => {
  const engine = createEngine({ worker: false });
  const exported = await readFile(exportFile("responses_export.json"));
  const bare = await engine.feedbackReport(exported);
  assert.equal(bare.nps.score, null);
  assert.deepEqual(bare.unscored.map((u) => u.question), ["effort", "recommend", "stars"]);
  assert.equal(bare.warnings.length, 3);
  const config = JSON.parse(await readFile(exportFile("site_config.json"), "utf8"));
  const r = await engine.feedbackReport(exported, { config });
  assert.equal(r.nps.score, 28.6);
  assert.equal(r.csat.percent, 66.7);
  assert.equal(r.ces.mean, 3.5);
  assert.deepEqual(r.questions.map((q) => [q.question, q.type, q.typeSource]), [
    ["effort", "ces", "config"], ["recommend", "nps", "config"], ["stars", "csat", "config"],
  ]);
  const csv = await engine.feedbackReport(await readFile(exportFile("responses_export.csv")), { questionTypes: { recommend: "nps" } });
  assert.equal(csv.nps.score, 28.6);
  assert.equal(csv.csat.percent, null);
});

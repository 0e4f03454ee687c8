// Holdout validation, prediction intervals and plots of the npm package's
// metrics engine, in-thread in Node, on the CDNOW sample
// (metrics/tests/data/cdnow/).
//
// Run: node --test tests/npm/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import * as metrics from "../../pkg/metrics.js";

const { createEngine } = metrics;

const sample = () => readFile(new URL("../../metrics/tests/data/cdnow/CDNOW_sample.txt", import.meta.url));

test("validate, predictIntervals and plot are exported", () => {
  for (const name of ["validate", "predictIntervals", "plot"]) {
    assert.equal(typeof metrics[name], "function", `export ${name}`);
  }
});

test("validate on the CDNOW calibration split", async () => {
  const engine = createEngine({ worker: false });
  const orders = await engine.parseOrdersCsv(await sample(), { format: "cdnow" });
  const stages = [];
  const r = await engine.validate(orders, {
    calibrationEnd: "1997-09-30",
    plot: true,
    onProgress: (p) => stages.push(p.stage),
  });
  assert.deepEqual(stages, ["start", "fitted", "done"]);
  assert.equal(r.fit.model, "bgnbd");
  assert.ok(Math.abs(r.fit.params.r - 0.2426) / 0.2426 < 1e-3, `r = ${r.fit.params.r}`);
  assert.equal(r.holdoutLength, 39);
  assert.equal(r.calibrationEnd, "1997-09-30");
  assert.equal(r.end, "1998-06-30");
  assert.equal(r.accuracy.customers, 2357);
  assert.ok(r.accuracy.rmse >= r.accuracy.mae && r.accuracy.mae > 0);
  assert.ok(r.customers.predicted instanceof Float64Array);
  assert.equal(r.customers.predicted.length, 2357);
  const i = r.customers.customerIds.indexOf("0001");
  // The published BG/NBD E[X(39) | x = 2, t_x = 30.43, T = 38.86] = 1.2259.
  assert.ok(Math.abs(r.customers.predicted[i] - 1.2259) < 1e-3, `${r.customers.predicted[i]}`);
  const actual = r.customers.actual.reduce((a, b) => a + b, 0);
  assert.equal(actual, r.accuracy.actualTotal);
  assert.equal(r.tracking.weekStart.length, 78);
  assert.equal(r.byCalibrationFrequency.at(-1).label, "7+");
  assert.ok(r.svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  assert.ok(r.svg.includes("calibration ends 1997-09-30"));

  const pareto = await engine.validate(orders, { calibrationEnd: new Date("1997-09-30T00:00:00Z"), model: "pareto-nbd" });
  assert.equal(pareto.fit.model, "pareto_nbd");
  assert.equal(pareto.svg, undefined);
  engine.terminate();
});

test("validate rejects with errors that name what is wrong", async () => {
  const engine = createEngine({ worker: false });
  const orders = await engine.parseOrdersCsv(await sample(), { format: "cdnow" });
  await assert.rejects(engine.validate(orders, {}), /calibrationEnd: missing/);
  await assert.rejects(engine.validate(orders, { calibrationEnd: "1998-07-01" }), /holdout period is empty/);
  await assert.rejects(engine.validate(orders, { calibrationEnd: "1997-09-30", model: "bgbb" }), /model: "bgbb"/);
  engine.terminate();
});

test("predictIntervals: seeded intervals that hold the estimate, with CLV from a spend fit", async () => {
  const engine = createEngine({ worker: false });
  const orders = await engine.parseOrdersCsv(await sample(), { format: "cdnow" });
  const s = await engine.summary(orders, { period: "week", endDate: "1997-09-30" });
  const fit = await engine.fitBgNbd(s);
  const spend = await engine.fitGammaGamma(s);
  const options = { level: 0.9, draws: 100, seed: 7, spend };
  const iv = await engine.predictIntervals(fit, s, options);
  assert.equal(iv.level, 0.9);
  assert.equal(iv.draws, 100);
  assert.deepEqual(iv.covariance.names, ["r", "alpha", "a", "b"]);
  for (const col of [iv.pAlive, iv.expected, iv.clv]) {
    assert.ok(col.estimate instanceof Float64Array);
    assert.equal(col.estimate.length, 2357);
    for (let i = 0; i < 2357; i++) {
      assert.ok(col.low[i] <= col.high[i], `row ${i}`);
      assert.ok(col.low[i] <= col.estimate[i] * 1.001 + 1e-12 && col.estimate[i] <= col.high[i] * 1.001 + 1e-12, `row ${i}`);
    }
  }
  const again = await engine.predictIntervals(fit, s, options);
  assert.deepEqual(Array.from(again.expected.low), Array.from(iv.expected.low), "same seed, same intervals");

  // Intervals for a few customers, with the fit's own data for the uncertainty.
  const few = { x: [2, 0], t_x: [30.43, 0], T: [38.86, 38.86], zbar: [22.35, 0] };
  const two = await engine.predictIntervals(fit, few, { ...options, fitData: s });
  assert.equal(two.expected.estimate.length, 2);
  const point = await engine.predict(fit, few, { horizon: 52 });
  assert.equal(two.expected.estimate[0], point.expected[0], "the estimate is predict()'s");
  assert.equal(two.pAlive.estimate[1], 1, "BG/NBD: no repeat purchase, alive");
  await assert.rejects(engine.predictIntervals(fit, few, { level: 2 }), /level = 2/);
  await assert.rejects(engine.predictIntervals(fit, { x: [1], t_x: [5], T: [3] }, { fitData: s }), /customer row 0/);
  engine.terminate();
});

test("plot draws cohorts, funnels and fits as SVG", async () => {
  const engine = createEngine({ worker: false });
  const orders = await engine.parseOrdersCsv(await sample(), { format: "cdnow" });
  const cohorts = await engine.plot("cohorts", await engine.cohortMatrix(orders));
  assert.ok(cohorts.startsWith("<svg") && cohorts.includes("1997-02 (n=857)"));
  const fit = await engine.fitBgNbd(orders, { endDate: "1997-09-30" });
  const maps = await engine.plot("fit", fit, { maxFrequency: 29, age: 38.86 });
  assert.ok(maps.includes("Probability still a customer (BG/NBD)"));
  const report = await engine.funnel(
    { user: ["a", "a", "b"], event: ["view", "buy", "view"], timestamp: [0, 60, 0] },
    { steps: ["view", "buy"] },
  );
  const bars = await engine.plot("funnel", report);
  assert.ok(bars.includes("<title>buy: 1 (50% of start, 50% of previous)</title>"), bars);
  await assert.rejects(engine.plot("pie", {}), /kind: "pie"/);
  engine.terminate();
});

#!/usr/bin/env node
// The dashboard in headless Chromium, for `cargo xtask bench dashboard`: every chart of the
// benchmark's dashboard data (FILE: the JSON `bench_dashboard` wrote, 100,000 customers and
// 1,000,000 orders) computed by the metrics engine in a module Web Worker — the package's
// `createEngine()` (pkg/metrics.js + metrics-worker.js + the shipped wasm) — as the console
// does it. Timed from handing the bytes to the Worker to the charts back on the page
// (transfer, JSON parsing in wasm, every model and chart, the structured clone back), after
// a warm-up call that loads the wasm. Meanwhile a 10 ms timer on the page records the
// longest gap between its ticks: the page's responsiveness while the Worker computes.
//
//   node tests/bench/dashboard-worker.mjs BASE_URL FILE
//
// Prints one JSON line. Browsers are never downloaded: Chromium comes from CHROMIUM_PATH.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";

const [baseArg, file] = process.argv.slice(2);
if (!baseArg || !file) {
  console.error("usage: node tests/bench/dashboard-worker.mjs BASE_URL FILE");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const PKG = resolve("pkg");
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const data = readFileSync(file);

const profile = mkdtempSync(join(tmpdir(), "rapport-dashboard-bench-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
  });
  await context.route("**/favicon.ico", (route) => route.fulfill({ status: 204, body: "" }));
  await context.route("**/bench-data.json", (route) =>
    route.fulfill({ status: 200, headers: { "content-type": "application/json" }, body: data }));
  await context.route("**/pkg/**", async (route) => {
    const url = new URL(route.request().url());
    const f = resolve(PKG, decodeURIComponent(url.pathname.slice("/pkg/".length)));
    if (!f.startsWith(PKG + sep) || !existsSync(f)) return route.fulfill({ status: 404, body: "" });
    const type = f.endsWith(".wasm") ? "application/wasm" : "text/javascript; charset=utf-8";
    return route.fulfill({ status: 200, headers: { "content-type": type }, body: readFileSync(f) });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${base}/healthz`);
  const result = await page.evaluate(async () => {
    const { createEngine } = await import("/pkg/metrics.js");
    const engine = createEngine({ worker: true });
    await engine.nps([9, 10, 3]);
    const bytes = new Uint8Array(await (await fetch("/bench-data.json")).arrayBuffer());
    const times = [];
    let charts = 0;
    let steps = [];
    let longestGapMs = 0;
    for (let run = 0; run < 3; run++) {
      const copy = bytes.slice();
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
      }, 10);
      const marks = [];
      const t0 = performance.now();
      const out = await engine.dashboard(copy, {
        transfer: true,
        onProgress: (p) => { if (p.type === "progress") marks.push([p.step, (performance.now() - t0) / 1000]); },
      });
      const s = (performance.now() - t0) / 1000;
      clearInterval(timer);
      times.push(s);
      if (s <= Math.min(...times)) { charts = out.charts.length; steps = marks; }
    }
    engine.terminate();
    return { worker_s: Math.min(...times), runs_s: times, charts, steps_at_s: steps, longest_main_thread_gap_ms: longestGapMs, user_agent: navigator.userAgent };
  });
  if (errors.length) result.page_errors = errors;
  result.bytes = data.length;
  result.where = "module Web Worker (pkg/metrics.js createEngine), shipped wasm";
  console.log(JSON.stringify(result));
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

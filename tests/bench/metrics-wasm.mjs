#!/usr/bin/env node
// The metrics engine as wasm in headless Chromium: the same three workloads as
// `metrics/examples/compare.rs`, on the same data files, for `cargo xtask bench metrics`.
//
//   node tests/bench/metrics-wasm.mjs BASE_URL DIR
//
// BASE_URL is a running rapport-server serving dist/ at /metrics/*; DIR holds
// bgnbd_1m.csv, pareto_23570.csv and orders_10m.csv (xtask/py/compare.py).
// Node reads the files into typed arrays and hands them to the page from a
// loopback HTTP server of its own (binary columns, CORS open); the page loads
// /metrics/metrics.js + metrics_bg.wasm exactly as shipped and times each call
// with performance.now() around the export alone (data transfer excluded):
// `cohort_10m_compute_s` is the matrix alone on orders already in wasm memory,
// `cohort_10m_s` adds building the JS result, `orders_from_columns_10m_s` is
// the one-off copy of the columns into wasm memory.
// Best of 3. Prints one JSON line. Browsers are never downloaded: Chromium
// comes from CHROMIUM_PATH (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [baseArg, dir] = process.argv.slice(2);
if (!baseArg || !dir) {
  console.error("usage: node tests/bench/metrics-wasm.mjs BASE_URL DIR");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** `x,t_x,T` CSV → three Float64Arrays. */
function summaryColumns(file) {
  const lines = readFileSync(join(dir, file), "utf8").split("\n");
  const n = lines.length - 1;
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  let k = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const f = line.split(",");
    if (f.length !== 3) throw new Error(`${file} line ${i + 1}: expected x,t_x,T`);
    for (let j = 0; j < 3; j++) cols[j][k] = Number(f[j]);
    k++;
  }
  return cols.map((c) => c.subarray(0, k));
}

/**
 * `customer,date,amount` with integer customer ids and ISO dates → columns
 * (customer index = the id, timestamp in seconds, amount). A byte loop: the
 * file is 10M lines.
 */
function orderColumns(file) {
  const buf = readFileSync(join(dir, file));
  let pos = buf.indexOf(10) + 1;
  const cap = Math.ceil(buf.length / 20);
  let customer = new Uint32Array(cap);
  let ts = new Float64Array(cap);
  let amount = new Float64Array(cap);
  const days = new Map();
  let n = 0;
  while (pos < buf.length) {
    if (n === customer.length) {
      const grow = (a, C) => { const b = new C(a.length * 2); b.set(a); return b; };
      customer = grow(customer, Uint32Array); ts = grow(ts, Float64Array); amount = grow(amount, Float64Array);
    }
    let id = 0;
    let c = buf[pos];
    if (c === 10 || c === 13) { pos++; continue; }
    while (c !== 44) { id = id * 10 + (c - 48); c = buf[++pos]; }
    pos++;
    const y = (buf[pos] - 48) * 1000 + (buf[pos + 1] - 48) * 100 + (buf[pos + 2] - 48) * 10 + (buf[pos + 3] - 48);
    const m = (buf[pos + 5] - 48) * 10 + (buf[pos + 6] - 48);
    const d = (buf[pos + 8] - 48) * 10 + (buf[pos + 9] - 48);
    const key = y * 10000 + m * 100 + d;
    let day = days.get(key);
    if (day === undefined) { day = Date.UTC(y, m - 1, d) / 86400000; days.set(key, day); }
    pos += 10;
    while (buf[pos] !== 44) pos++;
    pos++;
    let whole = 0, frac = 0, scale = 1, seenDot = false;
    c = buf[pos];
    while (c !== 10 && c !== 13 && pos < buf.length) {
      if (c === 46) seenDot = true;
      else if (seenDot) { frac = frac * 10 + (c - 48); scale *= 10; }
      else whole = whole * 10 + (c - 48);
      c = buf[++pos];
    }
    while (pos < buf.length && (buf[pos] === 10 || buf[pos] === 13)) pos++;
    customer[n] = id;
    ts[n] = day * 86400;
    amount[n] = whole + frac / scale;
    n++;
  }
  return { customer: customer.subarray(0, n), timestamp: ts.subarray(0, n), amount: amount.subarray(0, n) };
}

const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const [bx, btx, bt] = summaryColumns("bgnbd_1m.csv");
const [px, ptx, pt] = summaryColumns("pareto_23570.csv");
const orders = orderColumns("orders_10m.csv");
const files = {
  "/bgnbd/x": bytes(bx), "/bgnbd/t_x": bytes(btx), "/bgnbd/T": bytes(bt),
  "/pareto/x": bytes(px), "/pareto/t_x": bytes(ptx), "/pareto/T": bytes(pt),
  "/orders/customer": bytes(orders.customer), "/orders/timestamp": bytes(orders.timestamp),
  "/orders/amount": bytes(orders.amount),
};

const server = createServer((req, res) => {
  const body = files[new URL(req.url, "http://x").pathname];
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (!body) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const dataUrl = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), "rapport-metrics-bench-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
  });
  // The blank document has no favicon; don't let its 404 count as a page error.
  await context.route("**/favicon.ico", (route) => route.fulfill({ status: 204, body: "" }));
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${base}/healthz`);

  const result = await page.evaluate(async ({ dataUrl }) => {
    const m = await import("/metrics/metrics.js");
    await m.default({ module_or_path: "/metrics/metrics_bg.wasm" });
    const get = async (path, C) => new C(await (await fetch(dataUrl + path)).arrayBuffer());
    const best = (runs, f) => {
      let t = Infinity;
      let out;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        out = f();
        t = Math.min(t, performance.now() - t0);
      }
      return [t / 1000, out];
    };
    const params = (fit) => ({ ...fit.params, log_likelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged, patterns: fit.patterns });

    const bg = await Promise.all(["x", "t_x", "T"].map((c) => get(`/bgnbd/${c}`, Float64Array)));
    const [bgS, bgFit] = best(3, () => m.fitBgNbd(bg[0], bg[1], bg[2], undefined, {}));
    const pa = await Promise.all(["x", "t_x", "T"].map((c) => get(`/pareto/${c}`, Float64Array)));
    const [paS, paFit] = best(3, () => m.fitParetoNbd(pa[0], pa[1], pa[2], undefined, {}));

    let customer = await get("/orders/customer", Uint32Array);
    let timestamp = await get("/orders/timestamp", Float64Array);
    let amount = await get("/orders/amount", Float64Array);
    // Three separate figures: columns → orders in wasm memory (the copy and
    // conversion, once), the matrix alone on those orders (what the native
    // `cohort_10m_s` times) and the matrix plus its conversion to a JS object.
    const [convertS, orders] = best(1, () => m.ordersFromColumns(customer, [], timestamp, amount));
    customer = timestamp = amount = null;
    const [computeS] = best(3, () => m.cohortCount(orders, { by: "month" }));
    const [coS, report] = best(3, () => m.cohortMatrix(orders, { by: "month" }));
    const n = orders.len;
    orders.free();
    return {
      bgnbd_1m_s: bgS, bgnbd_1m_params: params(bgFit),
      pareto_23570_s: paS, pareto_23570_params: params(paFit),
      orders_from_columns_10m_s: convertS, cohort_10m_compute_s: computeS,
      cohort_10m_s: coS, cohort_10m_cohorts: report.size.length, cohort_10m_customers: report.customers,
      orders: n,
      user_agent: navigator.userAgent,
    };
  }, { dataUrl });
  if (errors.length) result.page_errors = errors;
  result.where = "page main thread, dist/metrics/metrics.js as shipped";
  console.log(JSON.stringify(result));
} finally {
  await context?.close().catch(() => {});
  server.close();
  rmSync(profile, { recursive: true, force: true });
}

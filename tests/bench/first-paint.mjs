#!/usr/bin/env node
// Time from the trigger (`rapport('show', id)`) to the survey's first paint, in headless
// Debian Chromium, against a running collector.
//
//   node tests/bench/first-paint.mjs [BASE_URL] [--runs N] [--page PATH] [--survey ID]
//   (BASE_URL also from RAPPORT_BASE_URL; default http://127.0.0.1:8080)
//
// "cold": a fresh browser context per run (empty HTTP cache): the loader fetches widget.js
// and the .wasm, compiles, starts and renders. "cached": the same context, page reloaded: the
// files come from the HTTP cache (revalidated) and V8's code cache.
// First paint = the animation frame after the one in which the dialog first has a size, i.e.
// the frame that showed it has been produced. Prints medians of N runs.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const flags = JSON.parse(readFileSync(fileURLToPath(new URL("../e2e/chromium.json", import.meta.url)), "utf8"));

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [v] = argv.splice(i, 2).slice(1);
  return v;
};
const runs = Number(opt("runs", process.env.RUNS || 7));
const pagePath = opt("page", "/test/plain.html");
const survey = opt("survey", "type-nps");
const base = (argv[0] || process.env.RAPPORT_BASE_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");

/** In the page: call show, then wait for the dialog to get a size, then one more frame. */
function measure(id) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const deadline = t0 + 15000;
    window.rapport("show", id);
    const tick = () => {
      const dialog = document.querySelector("rapport-widget")?.shadowRoot?.querySelector("[role=dialog]");
      const r = dialog?.getBoundingClientRect();
      if (r && r.width > 0 && r.height > 0) {
        const inDom = performance.now() - t0;
        requestAnimationFrame(() => resolve({ inDom, painted: performance.now() - t0 }));
      } else if (performance.now() > deadline) reject(new Error("no dialog within 15 s"));
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function load(page) {
  await page.goto(base + pagePath, { waitUntil: "load" });
  await page.waitForFunction(() => window.rapport && window.rapport.l === 1);
  // Let the loader's config fetch settle so the numbers are about the widget itself.
  await page.waitForLoadState("networkidle");
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || flags.executablePath,
  args: flags.args,
  headless: true,
});
const results = { cold: [], cached: [] };
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await load(page);
    results.cold.push(await page.evaluate(measure, survey));
    await load(page); // same context: HTTP cache and code cache are warm
    results.cached.push(await page.evaluate(measure, survey));
    await context.close();
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  }
} finally {
  await browser.close();
}

const ms = (x) => x.toFixed(1).padStart(8);
console.log(`first paint after rapport('show', '${survey}') on ${base}${pagePath}, ${runs} runs, headless Chromium`);
console.log("            | dialog in DOM (median) | first paint (median) |   min    |   max");
for (const [name, rs] of Object.entries(results)) {
  const painted = rs.map((r) => r.painted);
  console.log(
    `${name.padEnd(11)} | ${ms(median(rs.map((r) => r.inDom)))} ms            | ${ms(median(painted))} ms          | ${ms(Math.min(...painted))} | ${ms(Math.max(...painted))}`
  );
}

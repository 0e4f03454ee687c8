// The npm package's survey entry (`rapport-sdk`) outside a browser, and what the package ships.
//
// * Server-side rendering: importing the package and calling `createRapport` in Node does
//   nothing, quietly: no fetch, no import of the widget, no console output, no exception.
// * `npm pack` contents: every entry point, the widget chunk, the types and both licence
//   files (the same text as the repository's, matching `MIT OR Apache-2.0`).
//
// Run: node --test tests/npm/ (after `cargo xtask build`, which copies widget/ into pkg/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const pkgDir = new URL("../../pkg/", import.meta.url);
const repo = new URL("../../", import.meta.url);

/** Runs `fn` with every console method and `fetch` recorded instead of run. */
async function quietly(fn) {
  const calls = [];
  const methods = ["log", "info", "warn", "error", "debug", "trace"];
  const saved = Object.fromEntries(methods.map((m) => [m, console[m]]));
  const savedFetch = globalThis.fetch;
  for (const m of methods) console[m] = (...args) => calls.push([m, ...args]);
  globalThis.fetch = (...args) => {
    calls.push(["fetch", ...args]);
    return Promise.reject(new Error("no network in this test"));
  };
  try {
    await fn();
    // Anything started asynchronously would have logged by now (a failed import or fetch).
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    Object.assign(console, saved);
    globalThis.fetch = savedFetch;
  }
  return calls;
}

test("server-side rendering: import and createRapport do nothing, quietly", async () => {
  assert.equal(typeof window, "undefined", "this test runs outside a browser");
  let rapport;
  const calls = await quietly(async () => {
    const { createRapport } = await import(new URL("index.js", pkgDir));
    rapport = createRapport({ site: "shop", endpoint: "https://shop.example/rapport", config: { locale: "es" } });
    rapport("identify", "customer-42", { plan: "gold" });
    rapport("track", "Order Completed", { orderId: "1001" });
    rapport("show", "post-purchase");
    rapport("on", "submit", () => {});
    rapport("config", { locale: "fr" });
    rapport("page");
    // Even bad options stay silent on the server.
    createRapport()("show", "x");
  });
  assert.equal(typeof rapport, "function");
  assert.deepEqual(calls, [], "no console output and no fetch on the server");
});

test("in a browser, bad options are one warning and an inert function", async () => {
  // Just enough of a browser for the check `createRapport` makes.
  globalThis.window = globalThis;
  globalThis.document = {};
  try {
    const { createRapport } = await import(new URL("index.js", pkgDir));
    let rapport;
    const calls = await quietly(async () => {
      rapport = createRapport({ endpoint: "https://shop.example/rapport" });
      rapport("show", "x");
    });
    assert.equal(calls.length, 1, JSON.stringify(calls));
    assert.equal(calls[0][0], "warn");
    assert.match(calls[0][1], /createRapport needs \{ site, endpoint \}/);
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
});

test("npm pack ships the entry points, the widget chunk, the types and both licences", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: pkgDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(out);
  const manifest = JSON.parse(readFileSync(new URL("package.json", pkgDir), "utf8"));
  assert.equal(packed.name, manifest.name);
  assert.notEqual(manifest.name, "rapport", "`rapport` on npm is an unrelated library");
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  const files = packed.files.map((f) => f.path).sort();
  for (const f of [
    "package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE",
    "index.js", "index.d.ts", "metrics.js", "metrics.d.ts", "metrics-worker.js", "rapport.js",
    "widget/widget.js", "widget/widget_bg.wasm", "metrics/metrics.js", "metrics/metrics_bg.wasm",
  ]) {
    assert.ok(files.includes(f), `${f} is packed (packed: ${files.join(", ")})`);
  }
  // Every `exports` target is a packed file.
  const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
  for (const t of targets) assert.ok(files.includes(t.replace(/^\.\//, "")), `exports target ${t} is packed`);
});

test("the package's licence files are the repository's", () => {
  for (const name of ["LICENSE-MIT", "LICENSE-APACHE"]) {
    assert.equal(
      readFileSync(new URL(name, pkgDir), "utf8"),
      readFileSync(new URL(name, repo), "utf8"),
      `pkg/${name} matches ${name}`
    );
  }
  assert.match(readFileSync(new URL("LICENSE-APACHE", repo), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  assert.match(readFileSync(new URL("LICENSE-MIT", repo), "utf8"), /^MIT License/);
});

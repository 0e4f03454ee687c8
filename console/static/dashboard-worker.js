// The dashboard's module Worker: runs the metrics engine (/metrics/, the collector's
// dist/metrics: never part of the console's own wasm) off the page's thread.
//
// Messages in:  {id, kind: "data", data: string (the dashboard JSON), events?: Uint8Array}
//               {id, kind: "shopify", file: Uint8Array (a Shopify orders export)}
// Messages out: {id, type: "progress", step, done, total} after each step,
//               {id, type: "result", result: {charts}} or {id, type: "error", message}.
import init, { dashboard, parseShopifyOrders, dashboardOrders } from "/metrics/metrics.js";

let ready = null;

self.onmessage = async (event) => {
  const { id, kind, data, events, file } = event.data || {};
  const progress = (p) => self.postMessage({ id, type: "progress", step: p.step, done: p.done, total: p.total });
  try {
    ready = ready || init({ module_or_path: "/metrics/metrics_bg.wasm" });
    await ready;
    let result;
    if (kind === "data") {
      result = dashboard(new TextEncoder().encode(data), events || undefined, {}, progress);
    } else if (kind === "shopify") {
      const orders = parseShopifyOrders(file, {});
      try {
        result = dashboardOrders(orders, undefined, progress);
      } finally {
        orders.free();
      }
    } else {
      throw new Error(`kind: ${JSON.stringify(kind)} is not "data" or "shopify"`);
    }
    self.postMessage({ id, type: "result", result });
  } catch (e) {
    self.postMessage({ id, type: "error", message: e && e.message ? e.message : String(e) });
  }
};

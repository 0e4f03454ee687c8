// Rapport's customer metrics engine for JavaScript: `import { fitBgNbd } from "rapport-sdk/metrics"`.
//
// Every function is async and runs the Rust/wasm engine in a module Web Worker
// (`metrics-worker.js`), so a million-customer fit never blocks the page. Typed
// arrays in results are transferred, not copied. Where there is no `Worker`
// (Node, some test runners) the engine runs in the current thread instead;
// `createEngine({ worker: false })` asks for that explicitly.
//
// Errors reject the returned Promise with a `MetricsError` (an `Error`) whose
// message names the field, row or line at fault and whose `code` says what kind
// of failure it is; a model fit that neither converges nor stops at a boundary
// optimum rejects with a `FitNotConvergedError` (`code: "not_converged"`,
// `details: {model, reason, iterations, logLikelihood, params}`) unless
// `acceptUnconverged: true`. Fits are bounded (`maxIterations`,
// `maxEvaluations`, `maxSeconds`, default 120 s) and report each iteration to
// `onProgress` (`stage: "iteration"`). If the wasm instance traps, the worker
// is replaced on the next call (handles of parsed orders are then lost).

/** Any failure of the engine: `code` is "bad_data", "bad_input", "bad_argument", "model", "not_converged" or "crashed". */
export class MetricsError extends Error {
  constructor(message, code = "bad_argument", details = undefined) {
    super(message);
    this.name = "MetricsError";
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** A fit that stopped without converging and not at a boundary optimum. */
export class FitNotConvergedError extends MetricsError {
  constructor(message, details) {
    super(message, "not_converged", details);
    this.name = "FitNotConvergedError";
  }
}

/** The typed error for what the engine threw (or posted from the worker). */
function typedError(e) {
  if (e instanceof MetricsError) return e;
  const message = e && e.message ? e.message : String(e);
  if (e && e.code === "not_converged") return new FitNotConvergedError(message, e.details);
  return new MetricsError(message, (e && e.code) || "bad_argument", e && e.details);
}

const METHODS = [
  "parseOrdersCsv", "ordersFromColumns", "parseEventsCsv", "release",
  "summary", "fitBgNbd", "fitMbgNbd", "fitParetoNbd", "fitGammaGamma", "fitBgBb",
  "predict", "clv", "historicalClv", "cohortMatrix", "funnel", "rfm", "nps", "feedbackReport", "retentionWhatIf",
  "validate", "predictIntervals", "plot", "dashboard", "dashboardOrders",
];

/** Splits `onProgress` (and `transfer`) off the last options argument. */
function splitOptions(args) {
  const last = args[args.length - 1];
  if (last && typeof last === "object" && !ArrayBuffer.isView(last) && !Array.isArray(last) &&
      ("onProgress" in last || "transfer" in last)) {
    const { onProgress, transfer, ...rest } = last;
    return { args: [...args.slice(0, -1), rest], onProgress, transfer: !!transfer };
  }
  return { args, onProgress: undefined, transfer: false };
}

/** Buffers of the caller's inputs, transferred only when they asked (`transfer: true`). */
function inputTransferables(args) {
  const out = [];
  const visit = (v, depth) => {
    if (depth > 3 || !v || typeof v !== "object") return;
    if (v instanceof ArrayBuffer) { if (!out.includes(v)) out.push(v); return; }
    if (ArrayBuffer.isView(v)) { if (!out.includes(v.buffer)) out.push(v.buffer); return; }
    for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x, depth + 1);
  };
  args.forEach((a) => visit(a, 0));
  return out;
}

function workerEngine(options) {
  let worker = null;
  let nextId = 1;
  const pending = new Map();

  const fail = (message) => {
    for (const { reject } of pending.values()) reject(new MetricsError(message, "crashed"));
    pending.clear();
  };
  const start = () => {
    const url = options.workerUrl ?? new URL("./metrics-worker.js", import.meta.url);
    worker = new Worker(url, { type: "module" });
    if (options.wasm !== undefined) worker.postMessage({ init: { wasm: options.wasm } });
    worker.onmessage = (event) => {
      const { id, progress, result, error, fatal } = event.data || {};
      const call = pending.get(id);
      if (!call) return;
      if (progress) {
        if (call.onProgress) {
          try { call.onProgress(progress); } catch (e) { console.warn("[rapport/metrics] onProgress threw", e); }
        }
        return;
      }
      pending.delete(id);
      if (error) {
        let err = typedError(error);
        if (fatal) {
          err = new MetricsError(`metrics engine crashed: ${error.message}`, "crashed");
          worker.terminate();
          worker = null;
        }
        call.reject(err);
      } else {
        call.resolve(result);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      fail(`metrics worker failed: ${event.message || "could not load metrics-worker.js"}`);
      worker?.terminate();
      worker = null;
    };
  };

  return {
    call(method, rawArgs) {
      const { args, onProgress, transfer } = splitOptions(rawArgs);
      return new Promise((resolve, reject) => {
        if (!worker) start();
        const id = nextId++;
        pending.set(id, { resolve, reject, onProgress });
        try {
          worker.postMessage({ id, method, args }, transfer ? inputTransferables(args) : []);
        } catch (e) {
          pending.delete(id);
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    },
    terminate() {
      fail("metrics engine terminated");
      worker?.terminate();
      worker = null;
    },
  };
}

function threadEngine(options) {
  let core = null;
  return {
    async call(method, rawArgs) {
      const { args, onProgress } = splitOptions(rawArgs);
      if (!core) {
        const { createCore } = await import("./metrics-worker.js");
        core = createCore(options);
      }
      const progress = (p) => {
        if (!onProgress) return;
        try { onProgress(p); } catch (e) { console.warn("[rapport/metrics] onProgress threw", e); }
      };
      try {
        return await core.call(method, args, progress);
      } catch (e) {
        throw typedError(e);
      }
    },
    terminate() { core = null; },
  };
}

/**
 * Creates an engine. `{ worker: true }` (the default where `Worker` exists)
 * runs it in a module Web Worker; `{ worker: false }` in the current thread.
 * `wasm` overrides where the `.wasm` comes from (URL, bytes or a `WebAssembly.Module`).
 */
export function createEngine(options = {}) {
  const useWorker = options.worker ?? (typeof Worker !== "undefined");
  const backend = useWorker ? workerEngine(options) : threadEngine(options);
  const engine = { terminate: () => backend.terminate() };
  for (const m of METHODS) engine[m] = (...args) => backend.call(m, args);
  return engine;
}

let shared = null;
/** The module-level functions share one engine, created on first use. */
const call = (method) => (...args) => {
  if (!shared) shared = createEngine();
  return shared[method](...args);
};

export const parseOrdersCsv = call("parseOrdersCsv");
export const ordersFromColumns = call("ordersFromColumns");
export const parseEventsCsv = call("parseEventsCsv");
export const release = call("release");
export const summary = call("summary");
export const fitBgNbd = call("fitBgNbd");
export const fitMbgNbd = call("fitMbgNbd");
export const fitParetoNbd = call("fitParetoNbd");
export const fitGammaGamma = call("fitGammaGamma");
export const fitBgBb = call("fitBgBb");
export const predict = call("predict");
export const clv = call("clv");
export const historicalClv = call("historicalClv");
export const cohortMatrix = call("cohortMatrix");
export const funnel = call("funnel");
export const rfm = call("rfm");
export const nps = call("nps");
export const feedbackReport = call("feedbackReport");
export const retentionWhatIf = call("retentionWhatIf");
export const validate = call("validate");
export const predictIntervals = call("predictIntervals");
export const plot = call("plot");
export const dashboard = call("dashboard");
export const dashboardOrders = call("dashboardOrders");

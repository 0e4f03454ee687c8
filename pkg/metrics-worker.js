// The metrics engine's dispatcher: runs the wasm exports of `metrics/metrics.js`
// (built by `cargo xtask build`) and keeps parsed orders/events as handles.
//
// Loaded two ways:
// * as a module Web Worker by `metrics.js` (the default): it answers
//   `{id, method, args}` messages with `{id, result}` / `{id, error}` and
//   reports progress as `{id, progress}`;
// * imported in the current thread by `createEngine({ worker: false })`, which
//   calls `createCore()` directly (tests, Node, environments without workers).
//
// Nothing here throws into the caller: every failure becomes a rejected call
// with an `Error` whose message names the field, row or line at fault.

import init, * as wasm from "./metrics/metrics.js";

const isNode = typeof process !== "undefined" && !!(process.versions && process.versions.node);

/** Loads and instantiates the wasm module once per thread. */
let loading = null;
function load(source) {
  if (!loading) {
    loading = (async () => {
      let input = source ?? new URL("./metrics/metrics_bg.wasm", import.meta.url);
      if (isNode && (input instanceof URL || typeof input === "string") && String(input).startsWith("file:")) {
        const fs = "node:fs/promises";
        const { readFile } = await import(/* @vite-ignore */ fs);
        input = await readFile(new URL(String(input)));
      }
      await init({ module_or_path: input });
      return wasm;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

const DELIMITERS = { ",": 44, ";": 59, "\t": 9, "|": 124 };

/** JS-friendly read options → the engine's `ReadOptions`. */
function readOptions(o = {}) {
  const read = {};
  if (o.delimiter !== undefined) {
    const d = typeof o.delimiter === "number" ? o.delimiter : DELIMITERS[o.delimiter] ?? String(o.delimiter).charCodeAt(0);
    if (!(d >= 1 && d <= 127)) throw new Error(`delimiter: ${JSON.stringify(o.delimiter)} is not a single ASCII character`);
    read.delimiter = d;
  }
  if (o.dateFormat !== undefined) read.dateFormat = o.dateFormat;
  if (o.offsets !== undefined) read.offsets = o.offsets;
  if (o.badRows !== undefined) read.badRows = o.badRows;
  // Rows dated after "now" are bad rows; by default now is the end of
  // tomorrow (UTC), so a future-dated row cannot silently move the end.
  if (o.now === undefined) read.now = (Math.floor(Date.now() / 86400000) + 2) * 86400 - 1;
  else if (o.now !== null) read.now = toSeconds("now", o.now);
  return read;
}

function toSeconds(field, v) {
  const s = v instanceof Date ? v.getTime() / 1000 : v;
  if (typeof s !== "number" || !Number.isFinite(s)) throw new Error(`${field}: expected a Date or seconds since the epoch, got ${String(v)}`);
  return Math.floor(s);
}

/** A day number (days since 1970-01-01) from a Date, "YYYY-MM-DD" or a number. */
function toDay(field, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return v;
  const t = v instanceof Date ? v.getTime() : Date.parse(`${v}`.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t)) throw new Error(`${field}: ${String(v)} is not a date`);
  return Math.floor(t / 86400000);
}

function bytesOf(field, input) {
  if (typeof input === "string") return new TextEncoder().encode(input);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new Error(`${field}: expected a string, ArrayBuffer or Uint8Array`);
}

const f64 = (field, v, n) => {
  if (v === undefined || v === null) throw new Error(`${field}: missing column`);
  const a = v instanceof Float64Array ? v : Float64Array.from(v);
  if (n !== undefined && a.length !== n) throw new Error(`${field}: ${a.length} values, expected ${n} (the length of x)`);
  return a;
};

/** `{x, t_x, T}` columns from either raw columns or a summary. */
function customers(field, d, { needT = true } = {}) {
  if (!d || typeof d !== "object") throw new Error(`${field}: expected {x, t_x, T} columns or a summary`);
  const x = f64(`${field}.x`, d.x ?? d.frequency);
  const n = x.length;
  const out = { x, t_x: f64(`${field}.t_x`, d.t_x ?? d.recency, n) };
  if (needT) out.T = f64(`${field}.T`, d.T ?? d.n, n);
  if (d.weights !== undefined && d.weights !== null) out.weights = f64(`${field}.weights`, d.weights, n);
  if (d.zbar !== undefined || d.monetaryValue !== undefined) out.zbar = f64(`${field}.zbar`, d.zbar ?? d.monetaryValue, n);
  return out;
}

function fitOptions(o = {}, progress = () => {}) {
  const out = {};
  for (const k of ["maxIterations", "maxEvaluations", "maxSeconds", "gradientTolerance", "stdErrors", "acceptUnconverged"]) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  // Each iteration of the search, as it happens.
  out.onIteration = (p) => progress("iteration", {
    model: p.model, phase: p.phase, iteration: p.iteration, evaluations: p.evaluations,
    logLikelihood: p.logLikelihood, gradient: p.gradient, params: p.params,
  });
  return out;
}

const FEEDBACK_KEYS = ["questionTypes", "question", "config", "survey", "confidence", "npsQuestion", "csatQuestion", "cesQuestion"];

function summaryOptions(o = {}) {
  const out = {};
  if (o.period !== undefined) out.period = o.period;
  if (o.endDate !== undefined || o.endDay !== undefined) out.endDay = toDay("endDate", o.endDate ?? o.endDay);
  if (o.decimals !== undefined) out.decimals = o.decimals;
  return out;
}

/** Transferable buffers of a result (typed arrays we created). */
function transferables(value, out = []) {
  if (ArrayBuffer.isView(value)) {
    if (!out.includes(value.buffer)) out.push(value.buffer);
  } else if (Array.isArray(value)) {
    for (const v of value) if (v && typeof v === "object") transferables(v, out);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) if (v && typeof v === "object") transferables(v, out);
  }
  return out;
}

/**
 * The engine in this thread. `call(method, args, progress)` resolves to a
 * structured-cloneable result; `progress(stage, detail)` reports the stages.
 */
export function createCore(options = {}) {
  const handles = new Map();
  let next = 1;

  const keep = (kind, object) => {
    const id = next++;
    handles.set(id, { kind, object });
    const handle = { kind, id, rows: object.len };
    if (kind === "orders") handle.customers = object.customers;
    if (kind === "events") handle.users = object.users;
    handle.report = object.report();
    return handle;
  };
  const lookup = (kind, h, field) => {
    const entry = h && typeof h === "object" && handles.get(h.id);
    if (!entry || entry.kind !== kind) {
      throw new Error(`${field}: not a live ${kind} handle (parse ${kind} first; handles are released by release() and lost if the engine restarted)`);
    }
    return entry.object;
  };

  async function ordersOf(w, input, opts, progress) {
    if (input && typeof input === "object" && input.kind === "orders") return { orders: lookup("orders", input, "orders"), owned: false };
    const parsed = await methods.parseOrdersCsv(w, [input, opts], progress);
    return { orders: handles.get(parsed.id).object, owned: parsed.id };
  }
  const drop = (id) => {
    const entry = id && handles.get(id);
    if (entry) { handles.delete(id); entry.object.free(); }
  };

  const methods = {
    async parseOrdersCsv(w, [input, o = {}], progress) {
      const bytes = bytesOf("input", input);
      progress("start", { bytes: bytes.length });
      const read = readOptions(o);
      const format = o.format ?? "csv";
      let parsed;
      if (format === "shopify") {
        const opts = { read };
        if (o.customerColumn !== undefined) opts.customerColumn = o.customerColumn;
        if (o.excludedStatuses !== undefined) opts.excludedStatuses = o.excludedStatuses;
        if (o.includeCancelled !== undefined) opts.includeCancelled = o.includeCancelled;
        parsed = w.parseShopifyOrders(bytes, opts);
      } else if (format === "cdnow") {
        parsed = w.parseCdnow(bytes, read);
      } else if (format === "csv") {
        const opts = { read };
        if (o.columns !== undefined) opts.columns = o.columns;
        if (o.excludedStatuses !== undefined) opts.excludedStatuses = o.excludedStatuses;
        parsed = w.parseOrdersCsv(bytes, opts);
      } else {
        throw new Error(`format: ${JSON.stringify(format)} is not one of "csv", "shopify", "cdnow"`);
      }
      const handle = keep("orders", parsed);
      progress("parsed", { rows: handle.rows, customers: handle.customers });
      return handle;
    },

    async ordersFromColumns(w, [cols], progress) {
      progress("start", {});
      if (!cols || typeof cols !== "object") throw new Error("columns: expected {customer, timestamp, amount}");
      let customer = cols.customer;
      let ids = cols.customerIds ?? [];
      if (Array.isArray(customer) && customer.some((c) => typeof c === "string")) {
        const index = new Map();
        ids = [];
        customer = Uint32Array.from(customer, (c) => {
          const key = String(c);
          let i = index.get(key);
          if (i === undefined) { i = ids.length; index.set(key, i); ids.push(key); }
          return i;
        });
      } else if (!(customer instanceof Uint32Array)) {
        customer = Uint32Array.from(customer ?? []);
      }
      const ts = cols.timestamp ?? [];
      const timestamp = ts instanceof Float64Array ? ts : Float64Array.from(ts, (v, i) => toSeconds(`timestamp[${i}]`, v));
      const handle = keep("orders", w.ordersFromColumns(customer, ids, timestamp, f64("amount", cols.amount)));
      progress("parsed", { rows: handle.rows, customers: handle.customers });
      return handle;
    },

    async parseEventsCsv(w, [input, o = {}], progress) {
      const bytes = bytesOf("input", input);
      progress("start", { bytes: bytes.length });
      const opts = { read: readOptions(o) };
      if (o.columns !== undefined) opts.columns = o.columns;
      const handle = keep("events", w.parseEventsCsv(bytes, opts));
      progress("parsed", { rows: handle.rows, users: handle.users });
      return handle;
    },

    async release(w, [handle]) {
      drop(handle && handle.id);
    },

    async summary(w, [input, o = {}], progress) {
      progress("start", {});
      const { orders, owned } = await ordersOf(w, input, o, progress);
      try {
        const s = w.summary(orders, summaryOptions(o));
        progress("summarized", { customers: s.customer.length });
        return s;
      } finally { drop(owned); }
    },

    async cohortMatrix(w, [input, o = {}], progress) {
      progress("start", {});
      const { orders, owned } = await ordersOf(w, input, o, progress);
      try {
        const opts = {};
        if (o.by !== undefined) opts.by = o.by;
        if (o.endDate !== undefined || o.endDay !== undefined) opts.endDay = toDay("endDate", o.endDate ?? o.endDay);
        return w.cohortMatrix(orders, opts);
      } finally { drop(owned); }
    },

    async rfm(w, [input, o = {}], progress) {
      progress("start", {});
      const { orders, owned } = await ordersOf(w, input, o, progress);
      try {
        const opts = {};
        if (o.endDate !== undefined || o.endDay !== undefined) opts.endDay = toDay("endDate", o.endDate ?? o.endDay);
        return w.rfm(orders, opts);
      } finally { drop(owned); }
    },

    async funnel(w, [input, o = {}], progress) {
      progress("start", {});
      let events;
      let owned = false;
      if (input && typeof input === "object" && input.kind === "events") {
        events = lookup("events", input, "events");
      } else if (input && typeof input === "object" && (input.user || input.event)) {
        const n = (input.user ?? []).length;
        const timestamp = Float64Array.from(input.timestamp ?? [], (v, i) => toSeconds(`timestamp[${i}]`, v));
        events = w.eventsFromColumns(Array.from(input.user ?? [], String), Array.from(input.event ?? [], String), timestamp);
        owned = true;
        progress("parsed", { rows: n });
      } else {
        const h = await methods.parseEventsCsv(w, [input, o], progress);
        events = handles.get(h.id).object;
        owned = h.id;
      }
      try {
        const opts = { steps: o.steps ?? [] };
        if (o.windowSeconds !== undefined) opts.windowSeconds = o.windowSeconds;
        if (o.unit !== undefined) opts.unit = o.unit;
        if (o.breakdown !== undefined) opts.breakdown = o.breakdown;
        return w.funnel(events, opts);
      } finally {
        if (owned === true) events.free();
        else drop(owned);
      }
    },

    async nps(w, [values, o = {}], progress) {
      progress("start", {});
      if (typeof values === "string" || values instanceof ArrayBuffer || values instanceof Uint8Array) {
        const opts = { read: readOptions({ now: null, ...o }) };
        for (const k of FEEDBACK_KEYS) if (o[k] !== undefined) opts[k] = o[k];
        return w.feedbackReport(bytesOf("input", values), opts).nps;
      }
      return w.nps(f64("values", values), o.confidence);
    },

    async feedbackReport(w, [input, o = {}], progress) {
      progress("start", {});
      const opts = { read: readOptions({ now: null, ...o }) };
      for (const k of FEEDBACK_KEYS) if (o[k] !== undefined) opts[k] = o[k];
      return w.feedbackReport(bytesOf("input", input), opts);
    },

    async predict(w, [fit, data, o = {}], progress) {
      progress("start", {});
      const c = customers("customers", data);
      const horizon = o.horizon ?? 1;
      return w.predict(fit, c.x, c.t_x, c.T, horizon);
    },

    async clv(w, [transactions, spend, data, o = {}], progress) {
      progress("start", {});
      const c = customers("customers", data);
      if (!c.zbar) throw new Error("customers.zbar: missing column (mean repeat purchase value; a summary's monetaryValue)");
      const opts = {};
      for (const k of ["months", "unitsPerMonth", "monthlyDiscount"]) if (o[k] !== undefined) opts[k] = o[k];
      return w.clv(transactions, spend, c.x, c.t_x, c.T, c.zbar, opts);
    },
  };

  // Transaction-model fits share one shape: data is columns, a summary, or orders (summarised first).
  const fitWith = (name, exportName) => async (w, [data, o = {}], progress) => {
    progress("start", {});
    let input = data;
    if (data && typeof data === "object" && data.kind === "orders") {
      input = await methods.summary(w, [data, { period: "week", ...o }], () => {});
    } else if (typeof data === "string" || data instanceof ArrayBuffer || data instanceof Uint8Array) {
      input = await methods.summary(w, [data, { period: "week", ...o }], progress);
    }
    const c = customers("data", input);
    progress("parsed", { customers: c.x.length });
    const fit = w[exportName](c.x, c.t_x, c.T, c.weights, fitOptions(o, progress));
    progress("fitted", { model: name, iterations: fit.iterations, converged: fit.converged, status: fit.status, logLikelihood: fit.logLikelihood });
    return fit;
  };
  methods.fitBgNbd = fitWith("bgnbd", "fitBgNbd");
  methods.fitMbgNbd = fitWith("mbgnbd", "fitMbgNbd");
  methods.fitParetoNbd = fitWith("pareto_nbd", "fitParetoNbd");
  methods.fitBgBb = fitWith("bgbb", "fitBgBb");
  methods.fitGammaGamma = async (w, [data, o = {}], progress) => {
    progress("start", {});
    let input = data;
    if (data && typeof data === "object" && data.kind === "orders") input = await methods.summary(w, [data, o], () => {});
    const x = f64("data.x", input.x ?? input.frequency);
    const zbar = f64("data.zbar", input.zbar ?? input.monetaryValue, x.length);
    let weights = input.weights ? f64("data.weights", input.weights, x.length) : undefined;
    // A summary holds every customer: keep repeat buyers with a positive mean value.
    if (input.monetaryValue !== undefined && input.zbar === undefined) {
      const keep = [];
      for (let i = 0; i < x.length; i++) if (x[i] > 0 && zbar[i] > 0) keep.push(i);
      const pick = (a) => Float64Array.from(keep, (i) => a[i]);
      const fit = w.fitGammaGamma(pick(x), pick(zbar), weights && pick(weights), fitOptions(o, progress));
      progress("fitted", { model: "gamma_gamma", iterations: fit.iterations, converged: fit.converged, status: fit.status });
      return fit;
    }
    progress("parsed", { customers: x.length });
    const fit = w.fitGammaGamma(x, zbar, weights, fitOptions(o, progress));
    progress("fitted", { model: "gamma_gamma", iterations: fit.iterations, converged: fit.converged, status: fit.status });
    return fit;
  };
  // Holdout validation: fit on the orders up to `calibrationEnd`, compare with the rest.
  methods.validate = async (w, [input, o = {}], progress) => {
    progress("start", {});
    if (o.calibrationEnd === undefined && o.calibrationEndDay === undefined) {
      throw new Error("calibrationEnd: missing (the last day of the calibration period, a Date or \"YYYY-MM-DD\")");
    }
    const { orders, owned } = await ordersOf(w, input, o, progress);
    try {
      const opts = { calibrationEndDay: toDay("calibrationEnd", o.calibrationEnd ?? o.calibrationEndDay) };
      if (o.model !== undefined) opts.model = String(o.model).replace("-", "_");
      if (o.endDate !== undefined || o.endDay !== undefined) opts.endDay = toDay("endDate", o.endDate ?? o.endDay);
      for (const k of ["period", "maxFrequency", "maxIterations", "gradientTolerance", "plot"]) if (o[k] !== undefined) opts[k] = o[k];
      const r = w.validateHoldout(orders, opts);
      progress("fitted", { model: r.fit.model, iterations: r.fit.iterations, converged: r.fit.converged, logLikelihood: r.fit.logLikelihood });
      return r;
    } finally { drop(owned); }
  };
  // Per-customer intervals from the fitted parameters' uncertainty. `fitData` is the
  // data the fit came from (default: the customers themselves).
  methods.predictIntervals = async (w, [fit, data, o = {}], progress) => {
    progress("start", {});
    const c = customers("customers", data);
    const d = o.fitData !== undefined ? customers("fitData", o.fitData) : c;
    const opts = {};
    for (const k of ["level", "draws", "seed", "horizon", "months", "unitsPerMonth", "monthlyDiscount"]) if (o[k] !== undefined) opts[k] = o[k];
    return w.predictIntervals(fit, o.spend ?? null, d.x, d.t_x, d.T, d.weights, d.zbar, c.x, c.t_x, c.T, c.zbar, opts);
  };
  // SVG figures of results computed earlier: "cohorts" (a cohortMatrix result),
  // "funnel" (a funnel result; options.unit), "fit" (a transaction fit;
  // options {maxFrequency, age, horizon, unit}).
  methods.plot = async (w, [kind, report, o = {}], progress) => {
    progress("start", {});
    if (kind === "cohorts") return w.plotCohorts(report);
    if (kind === "funnel") return w.plotFunnel(report, o.unit ?? "users");
    if (kind === "fit") {
      const opts = {};
      for (const k of ["maxFrequency", "age", "horizon", "unit"]) if (o[k] !== undefined) opts[k] = o[k];
      return w.plotFit(report, opts);
    }
    throw new Error(`kind: ${JSON.stringify(kind)} is not "cohorts", "funnel" or "fit" (validate draws its own: options.plot)`);
  };
  // What-if: `{method: "geometric", margin, retention, discount, points, customers}`
  // or `{method: "bgnbd", fit, customers: summary | {x, t_x, T}, orderValue?, horizon, points}`.
  methods.retentionWhatIf = async (w, [o = {}], progress) => {
    progress("start", {});
    const method = o.method ?? (o.fit ? "bgnbd" : "geometric");
    if (method === "geometric") {
      const num = (k, d) => {
        const v = o[k] ?? d;
        if (typeof v !== "number") throw new Error(`${k}: expected a number, got ${v === undefined ? "nothing" : JSON.stringify(v)}`);
        return v;
      };
      return w.retentionWhatIfGeometric(num("margin"), num("retention"), num("discount", 0), num("points"), num("customers", 1));
    }
    if (method !== "bgnbd") throw new Error(`method: ${JSON.stringify(method)} is not "geometric" or "bgnbd"`);
    const c = customers("customers", o.customers);
    const value = o.orderValue !== undefined ? f64("orderValue", o.orderValue, c.x.length) : c.zbar;
    if (!value) throw new Error("orderValue: missing (one value per customer, or a summary's monetaryValue)");
    if (typeof o.points !== "number") throw new Error("points: expected a number of retention points");
    return w.retentionWhatIfBgNbd(o.fit, c.x, c.t_x, c.T, value, o.horizon ?? 52, o.points);
  };
  // The merchant dashboard: every chart of the collector's dashboard data (an object, or its
  // JSON as text or bytes) and, with `events` (an events CSV), the funnel. Progress after
  // each step: `{stage: "step", type: "progress", step, done, total}`.
  methods.dashboard = async (w, [data, o = {}], progress) => {
    progress("start", {});
    const bytes = data && typeof data === "object" && !ArrayBuffer.isView(data) && !(data instanceof ArrayBuffer)
      ? new TextEncoder().encode(JSON.stringify(data))
      : bytesOf("data", data);
    const events = o.events === undefined || o.events === null ? undefined : bytesOf("events", o.events);
    const opts = {};
    if (o.eventsOptions !== undefined) opts.events = o.eventsOptions;
    if (o.funnelSteps !== undefined) opts.funnelSteps = o.funnelSteps;
    return w.dashboard(bytes, events, opts, (p) => progress("step", p));
  };
  // The charts of orders alone (e.g. a Shopify export: `{format: "shopify"}`): cohorts,
  // repeat purchases, CLV, top customers, RFM, the what-if.
  methods.dashboardOrders = async (w, [input, o = {}], progress) => {
    progress("start", {});
    const { orders, owned } = await ordersOf(w, input, o, progress);
    try {
      const end = o.endDate !== undefined || o.endDay !== undefined ? toDay("endDate", o.endDate ?? o.endDay) : undefined;
      return w.dashboardOrders(orders, end, (p) => progress("step", p));
    } finally { drop(owned); }
  };
  methods.historicalClv = async (w, [input, o = {}], progress) => {
    progress("start", {});
    const { orders, owned } = await ordersOf(w, input, o, progress);
    try {
      const opts = {};
      for (const k of ["margin", "churnRate", "periodDays"]) if (o[k] !== undefined) opts[k] = o[k];
      if (o.endDate !== undefined || o.endDay !== undefined) opts.endDay = toDay("endDate", o.endDate ?? o.endDay);
      return w.historicalClv(orders, opts);
    } finally { drop(owned); }
  };

  return {
    methods: Object.keys(methods),
    /** Runs one method; `progress(stage, detail)` is called synchronously. */
    async call(method, args, progress = () => {}) {
      const fn = methods[method];
      if (!fn) throw new Error(`unknown method ${JSON.stringify(method)}`);
      const w = await load(options.wasm);
      const started = Date.now();
      const report = (stage, detail) => progress({ stage, method, elapsedMs: Date.now() - started, ...detail });
      const result = await fn(w, args, report);
      report("done", {});
      return result;
    },
    transferables,
  };
}

// Worker mode: answer messages from metrics.js.
const inWorker = typeof self !== "undefined" && typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope;
if (inWorker) {
  let core = null;
  self.onmessage = async (event) => {
    const { id, method, args, init: initOptions } = event.data || {};
    if (initOptions) {
      core = createCore(initOptions);
      return;
    }
    if (!core) core = createCore();
    try {
      const result = await core.call(method, args, (p) => self.postMessage({ id, progress: p }));
      self.postMessage({ id, result }, transferables(result));
    } catch (e) {
      const fatal = typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError;
      const error = { message: e && e.message ? e.message : String(e), name: e && e.name, code: e && e.code, details: e && e.details };
      self.postMessage({ id, error, fatal });
    }
  };
}

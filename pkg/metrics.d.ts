// Types of `rapport-sdk/metrics`: the customer metrics engine (Rust/wasm in a Web Worker).
// Times in seconds since the Unix epoch; days as days since 1970-01-01 (UTC).

/** A stage of a long call, reported to `onProgress`; fits report every iteration. */
export interface Progress {
  stage: "start" | "parsed" | "summarized" | "iteration" | "fitted" | "done";
  /** The engine method, e.g. `"fitBgNbd"`. */
  method: string;
  /** Milliseconds since the engine started the call. */
  elapsedMs: number;
  bytes?: number;
  rows?: number;
  customers?: number;
  users?: number;
  model?: ModelName;
  iterations?: number;
  converged?: boolean;
  status?: FitStatus;
  logLikelihood?: number;
  /** `"iteration"`: the warm-up on a subsample of large inputs, or the full data. */
  phase?: "warm_up" | "full";
  /** `"iteration"`: the iteration number within its phase. */
  iteration?: number;
  /** `"iteration"`: likelihood evaluations so far. */
  evaluations?: number;
  /** `"iteration"`: largest gradient component of the mean log-likelihood. */
  gradient?: number;
  /** `"iteration"`: the current parameters, in the model's order. */
  params?: number[];
}

/** Every rejection of the engine. */
export class MetricsError extends Error {
  name: "MetricsError" | "FitNotConvergedError";
  code: "bad_data" | "bad_input" | "bad_argument" | "model" | "not_converged" | "crashed";
  details?: unknown;
}

/** A fit that stopped without converging and not at a boundary optimum (see `acceptUnconverged`). */
export class FitNotConvergedError extends MetricsError {
  name: "FitNotConvergedError";
  code: "not_converged";
  details: { model: ModelName; reason: StopReason; iterations: number; logLikelihood: number; params: number[] };
}

/** Options every call accepts. */
export interface CallOptions {
  onProgress?: (progress: Progress) => void;
  /** Transfer the input's ArrayBuffers to the worker instead of copying (the caller's arrays are detached). */
  transfer?: boolean;
}

export type Bytes = string | ArrayBuffer | Uint8Array;
export type Numbers = Float64Array | ArrayLike<number>;
export type DateLike = Date | string | number;

/** Rows read and rows left out, by reason. */
export interface SkipReport {
  rowsRead: number;
  /** Order lines added into their order (rows sharing an order id). */
  mergedLines: number;
  skipped: Partial<Record<SkipReason, { count: number; firstLines: number[] }>>;
}
export type SkipReason =
  | "malformed" | "missing_value" | "bad_date" | "future_date" | "bad_amount"
  | "negative_amount" | "duplicate_order_id" | "duplicate_row" | "conflicting_order"
  | "excluded_status" | "ignored";

export interface ReadOptions {
  /** Field delimiter: `","` (default), `";"`, `"\t"`, `"|"`… */
  delimiter?: string;
  /**
   * `"auto"` (default) decides day-first or month-first slash dates from the whole column
   * (a column of only ambiguous dates such as 03/04/2024 rejects, asking for the format)
   * and accepts digits only as YYYYMMDD, epoch seconds (9–10 digits) or milliseconds (13).
   */
  dateFormat?: "auto" | "iso8601" | "compact" | "month-first" | "day-first" | "epoch-seconds";
  /** Apply explicit UTC offsets (`"utc"`, default) or keep wall-clock time (`"local"`). */
  offsets?: "utc" | "local";
  /** Rows dated after this are "future dates" (bad rows). Default: the end of tomorrow (UTC); `null`: no check. */
  now?: Date | number | null;
  /** `"fail"` (default): reject on the first bad row; `"skip"`: leave it out and count it. */
  badRows?: "fail" | "skip";
}

export interface OrdersCsvOptions extends ReadOptions, CallOptions {
  /** `"csv"` (default, generic), `"shopify"` (order export), `"cdnow"` (CDNOW sample format). */
  format?: "csv" | "shopify" | "cdnow";
  /**
   * Header names of the columns (generic CSV). Defaults: customer_id, date, amount.
   * `amount: null`: no amount column (every order worth 0, enough for the purchase-count models).
   * `orderId`: rows sharing an order id are the lines of one order (amounts summed; exact
   * duplicate rows reported as `duplicate_row`).
   */
  columns?: { customer?: string; timestamp?: string; amount?: string | null; orderId?: string; status?: string };
  /** Statuses whose orders are left out (default refunded, voided, cancelled, canceled). */
  excludedStatuses?: string[];
  /** Shopify: column identifying the customer (default `Email`). */
  customerColumn?: string;
  /** Shopify: keep orders that have a `Cancelled at` date. */
  includeCancelled?: boolean;
}

/** Parsed orders kept inside the engine. Pass it to `summary`, `cohortMatrix`, `rfm`, fits; free with `release`. */
export interface OrdersHandle {
  kind: "orders";
  id: number;
  /** Orders read. */
  rows: number;
  customers: number;
  report: SkipReport;
}

export interface EventsHandle {
  kind: "events";
  id: number;
  rows: number;
  users: number;
  report: SkipReport;
}

/** Orders as columns. `customer` holds ids (strings) or indices into `customerIds`. */
export interface OrderColumns {
  customer: ArrayLike<string> | Uint32Array | ArrayLike<number>;
  customerIds?: string[];
  /** Seconds since the epoch (or Dates). */
  timestamp: Float64Array | ArrayLike<number | Date>;
  amount: Numbers;
}

/** Orders as any call accepts them: a handle, or CSV text/bytes parsed on the fly. */
export type OrdersInput = OrdersHandle | Bytes;

export interface SummaryOptions extends CallOptions {
  period?: "day" | "week";
  /** Last day observed (inclusive); default: the day of the last order. */
  endDate?: DateLike;
  /** Round recency, T and monetary value to this many decimals. */
  decimals?: number;
}

/** One entry per customer (lifetimes' `summary_data_from_transaction_data`). */
export interface Summary {
  customer: Uint32Array;
  customerIds: string[];
  /** Repeat purchase days. */
  frequency: Float64Array;
  /** First to last purchase, in periods. */
  recency: Float64Array;
  /** First purchase to the end, in periods. */
  T: Float64Array;
  /** Mean value of the repeat purchases (0 without any). */
  monetaryValue: Float64Array;
  period: "day" | "week";
  endDay: number;
}

/** Customers for the transaction models. `x` repeat purchases, `t_x` recency, `T` age. */
export interface CustomerColumns {
  x: Numbers;
  t_x: Numbers;
  T: Numbers;
  weights?: Numbers;
}

export interface FitOptions extends CallOptions, SummaryOptions {
  /** Iteration cap (default 500). */
  maxIterations?: number;
  /** Likelihood-evaluation cap (default 5000). */
  maxEvaluations?: number;
  /** Wall-clock budget of the fit in seconds (default 120). */
  maxSeconds?: number;
  gradientTolerance?: number;
  /** Standard errors from the inverse Hessian (default true; none at a boundary). */
  stdErrors?: boolean;
  /** Resolve with `status: "not_converged"` instead of rejecting with `FitNotConvergedError`. */
  acceptUnconverged?: boolean;
}

export type FitStatus = "converged" | "boundary" | "not_converged";
export type StopReason =
  | "converged" | "stalled" | "max_iterations" | "max_evaluations" | "interrupted" | "limit" | "runaway";

/** The likelihood is highest at the edge of the parameter space: which limit, in words. */
export interface Boundary {
  limit: "no_dropout" | "same_purchase_rate" | "same_dropout" | "same_spend" | "other";
  /** e.g. `["a → 0", "b → ∞"]`. */
  parameters: string[];
  /** What it means, with the values and the log-likelihood reached. */
  message: string;
}

/** BG/NBD, MBG/NBD and Pareto/NBD ranked on the same data (given with a boundary fit). */
export interface Comparison {
  candidates: { model: ModelName; logLikelihood: number | null; status: FitStatus | null; error: string | null }[];
  best: ModelName | null;
  message: string;
}

export type ModelName = "bgnbd" | "mbgnbd" | "pareto_nbd" | "gamma_gamma" | "bgbb";
export interface BgNbdParams { r: number; alpha: number; a: number; b: number }
export interface ParetoNbdParams { r: number; alpha: number; s: number; beta: number }
export interface GammaGammaParams { p: number; q: number; gamma: number }
export interface BgBbParams { alpha: number; beta: number; gamma: number; delta: number }

export interface Fit<M extends ModelName, P> {
  model: M;
  params: P;
  /** Total log-likelihood (sum over customers). */
  logLikelihood: number;
  iterations: number;
  /** The gradient test was met. */
  converged: boolean;
  /** How the fit ended ("not_converged" only with `acceptUnconverged`). */
  status: FitStatus;
  stop: StopReason;
  evaluations: number;
  boundary: Boundary | null;
  /** With a boundary fit of a transaction model: which model fits these data better. */
  comparison: Comparison | null;
  stdErrors: P | null;
  /** Customers represented (sum of weights). */
  customers: number;
  /** Unique (x, t_x, T) patterns evaluated. */
  patterns: number;
}
export type BgNbdFit = Fit<"bgnbd", BgNbdParams>;
export type MbgNbdFit = Fit<"mbgnbd", BgNbdParams>;
export type ParetoNbdFit = Fit<"pareto_nbd", ParetoNbdParams>;
export type GammaGammaFit = Fit<"gamma_gamma", GammaGammaParams>;
export type BgBbFit = Fit<"bgbb", BgBbParams>;
export type TransactionFit = BgNbdFit | MbgNbdFit | ParetoNbdFit;

/** Data of a transaction-model fit: columns, a summary, or orders (summarised in weeks first). */
export type FitData = CustomerColumns | Summary | OrdersInput;

export interface PredictOptions extends CallOptions {
  /** Time units ahead (BG/BB: periods). Default 1. */
  horizon?: number;
}
export interface Prediction {
  /** P(alive now | history). */
  pAlive: Float64Array;
  /** Expected purchases in the next `horizon`. */
  expected: Float64Array;
}

export interface ClvOptions extends CallOptions {
  /** Months summed (default 12). */
  months?: number;
  /** Model time units per month (default 4.345, weeks). */
  unitsPerMonth?: number;
  /** Monthly discount rate (default 0.01). */
  monthlyDiscount?: number;
}

export interface CohortOptions extends CallOptions {
  by?: "month" | "week";
  endDate?: DateLike;
}
export interface CohortReport {
  by: "month" | "week";
  /** First day (YYYY-MM-DD) of each cohort's period. */
  cohortStart: string[];
  size: number[];
  /** `active[c][k]`: customers of cohort c active k periods after acquisition. */
  active: number[][];
  orders: number[][];
  revenue: number[][];
  retention: number[];
  survival: number[];
  churnRate: number;
  repeatPurchaseRate: number;
  customers: number;
}

export type Segment =
  | "champions" | "loyal" | "potential_loyalist" | "new" | "promising" | "need_attention"
  | "about_to_sleep" | "at_risk" | "cant_lose" | "hibernating" | "lost";
export interface RfmOptions extends CallOptions { endDate?: DateLike }
export interface Rfm {
  customer: Uint32Array;
  customerIds: string[];
  recencyDays: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: Segment[];
  segmentCounts: Record<Segment, number>;
}

export interface EventsCsvOptions extends ReadOptions, CallOptions {
  columns?: { user?: string; event?: string; timestamp?: string; session?: string; property?: string };
}
export interface EventColumns {
  user: ArrayLike<string>;
  event: ArrayLike<string>;
  timestamp: ArrayLike<number | Date>;
}
export interface FunnelOptions extends EventsCsvOptions {
  steps: string[];
  /** Conversion window from the first step (default 7 days). */
  windowSeconds?: number;
  unit?: "user" | "session";
  breakdown?: boolean;
}
export interface FunnelStep {
  name: string;
  count: number;
  conversionFromStart: number;
  conversionFromPrevious: number;
  dropOff: number;
  medianSecondsFromPrevious: number | null;
}
export interface FunnelReport {
  steps: FunnelStep[];
  largestDrop: number | null;
  breakdown?: [string, FunnelReport][];
}

/** Scores are `null` when there is no answer to score, and rounded (NPS and % to 0.1, CES to 0.01). */
export interface Nps {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100…100. */
  score: number | null;
  stdError: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  confidence: number;
}
export type QuestionType = "nps" | "csat" | "ces" | "thumbs" | "emoji" | "singleChoice" | "multipleChoice" | "openText";
export interface FeedbackOptions extends ReadOptions, CallOptions {
  /** The site configuration (`GET /v1/sites/{site}/config`): each answer is scored by its question's type from it. */
  config?: { surveys: { id: string; questions?: { id: string; type: string }[] }[] } | object;
  /** Question types by `"survey/question"` or bare question id, e.g. `{ recommend: "nps" }`. */
  questionTypes?: Record<string, QuestionType>;
  /** Only this question. */
  question?: string;
  /** Older spellings: the id of the NPS / CSAT / CES question. */
  npsQuestion?: string;
  csatQuestion?: string;
  cesQuestion?: string;
  survey?: string;
  /** Confidence level of the NPS interval (default 0.95). */
  confidence?: number;
}
export interface FeedbackReport {
  nps: Nps;
  csat: { responses: number; satisfied: number; percent: number | null };
  ces: { responses: number; mean: number | null; stdDev: number | null };
  /** Each scored question, its type and where the type came from. */
  questions: { survey: string; question: string; type: QuestionType; typeSource: "export" | "config" | "question_id"; responses: number; score: number | null }[];
  /** Questions with numeric answers but no known type: not scored. */
  unscored: { survey: string; question: string; answers: number }[];
  weekly: { weekStart: string; nps: Nps; csat: FeedbackReport["csat"]; ces: FeedbackReport["ces"] }[];
  invalid: number;
  /** E.g. a question left unscored for want of its type. */
  warnings: string[];
}

export interface HistoricalClvOptions extends CallOptions {
  /** Profit margin applied to revenue, 0…1 (default 1). */
  margin?: number;
  /** Churn rate per period; default: the observed mean tenure is the lifespan. */
  churnRate?: number;
  /** Period length in days (default 365). */
  periodDays?: number;
  endDate?: DateLike;
}
export interface HistoricalClv {
  customers: number;
  orders: number;
  revenue: number;
  averageOrderValue: number;
  purchaseFrequency: number;
  lifespanPeriods: number;
  clv: number;
  customer: Uint32Array;
  customerClv: Float64Array;
}

/** No model: a customer yielding `margin` per period, retained with probability `retention`. */
export interface WhatIfGeometric extends CallOptions {
  method?: "geometric";
  margin: number;
  /** Per-period retention in [0, 1). */
  retention: number;
  /** Per-period discount rate (default 0). */
  discount?: number;
  /** Retention points added (5 = +5 %-points). */
  points: number;
  /** Customers, for the revenue figures (default 1). */
  customers?: number;
}
/** BG/NBD: lowers the mean dropout probability by `points`/100. */
export interface WhatIfBgNbd extends CallOptions {
  method?: "bgnbd";
  fit: BgNbdFit | { model: "bgnbd"; params: BgNbdParams };
  customers: CustomerColumns | Summary;
  /** Value of one purchase per customer (default: the summary's monetaryValue). */
  orderValue?: Numbers;
  /** Time units ahead (default 52). */
  horizon?: number;
  points: number;
}
export interface WhatIf {
  method: "geometric" | "bgnbd";
  baselineRetention: number;
  newRetention: number;
  baselineClv: number;
  newClv: number;
  clvChangePercent: number;
  baselineRevenue: number;
  newRevenue: number;
}

export interface ValidateOptions extends CallOptions, OrdersCsvOptions {
  /** Last day of the calibration period (inclusive): the model is fitted on orders up to it. */
  calibrationEnd: DateLike;
  /** `"bgnbd"` (default), `"mbgnbd"` or `"pareto_nbd"`. */
  model?: "bgnbd" | "mbgnbd" | "pareto_nbd" | "pareto-nbd";
  /** Last day observed (default: the day of the last order). */
  endDate?: DateLike;
  /** Model time unit (default `"week"`). */
  period?: "day" | "week";
  /** Calibration purchase counts from this one up share the last row of `byCalibrationFrequency` (default 7). */
  maxFrequency?: number;
  maxIterations?: number;
  gradientTolerance?: number;
  /** Also draw the figure: `svg` in the result. */
  plot?: boolean;
}
export interface HoldoutReport {
  /** The fit on the calibration period. */
  fit: TransactionFit;
  period: "day" | "week";
  calibrationStart: string;
  calibrationEnd: string;
  end: string;
  /** Holdout length in periods. */
  holdoutLength: number;
  /** Customers first seen after the calibration end (left out). */
  acquiredAfterCalibration: number;
  /** Customers first seen on the calibration end day (not fitted; predicted as new customers). */
  firstSeenOnCalibrationEnd: number;
  accuracy: {
    customers: number;
    /** Mean absolute error of holdout purchases per customer. */
    mae: number;
    rmse: number;
    actualTotal: number;
    predictedTotal: number;
    /** (predicted − actual) / actual of the totals; null when nobody bought. */
    totalError: number | null;
    correlation: number | null;
  };
  /** Mean holdout purchases, actual and predicted, by repeat purchases in calibration ("7+" last). */
  byCalibrationFrequency: { frequency: number; label: string; customers: number; actual: number; predicted: number }[];
  /** Weekly repeat purchases of the cohort, actual and expected, across calibration and holdout. */
  tracking: {
    weekStart: string[];
    /** End of each week in weeks since the first day: x coordinates. */
    weekEnd: number[];
    calibrationEnd: number;
    actualCumulative: number[];
    predictedCumulative: number[];
    actualWeekly: number[];
    predictedWeekly: number[];
  };
  customers: {
    customer: Uint32Array;
    customerIds: string[];
    x: Float64Array;
    t_x: Float64Array;
    T: Float64Array;
    /** Purchases in the holdout. */
    actual: Float64Array;
    /** Expected purchases in the holdout. */
    predicted: Float64Array;
  };
  /** The figure, with `plot: true`. */
  svg?: string;
}

export interface IntervalOptions extends CallOptions {
  /** Coverage, in (0, 1) (default 0.9). */
  level?: number;
  /** Parameter sets drawn (default 500, 20–100000). */
  draws?: number;
  /** Seed of the draws (default 1): the same seed gives the same intervals. */
  seed?: number;
  /** Horizon of the expected purchases (default 52 time units). */
  horizon?: number;
  /** A Gamma-Gamma fit: adds CLV intervals (customers then need `zbar`). */
  spend?: GammaGammaFit;
  /** The data the fit came from (default: `customers`), with `zbar` when `spend` is given. */
  fitData?: (CustomerColumns & { zbar?: Numbers }) | Summary;
  months?: number;
  unitsPerMonth?: number;
  monthlyDiscount?: number;
}
export interface IntervalColumn {
  /** At the fitted parameters. */
  estimate: Float64Array;
  /** NaN where fewer than half of the draws gave a value. */
  low: Float64Array;
  high: Float64Array;
}
export interface PredictionIntervals {
  level: number;
  draws: number;
  unusableDraws: number;
  horizon: number;
  pAlive: IntervalColumn;
  expected: IntervalColumn;
  clv?: IntervalColumn;
  /** Covariance of the fit's log-parameters (inverse observed information). */
  covariance: { model: string; names: string[]; logParams: number[]; matrix: number[][] };
}

export interface EngineOptions {
  /** Run in a module Web Worker (default where `Worker` exists) or in this thread. */
  worker?: boolean;
  /** Where the wasm comes from (default `metrics/metrics_bg.wasm` next to this file). */
  wasm?: URL | string | BufferSource | WebAssembly.Module;
  /** Override the worker script URL (default `metrics-worker.js` next to this file). */
  workerUrl?: URL | string;
}

export interface Engine {
  parseOrdersCsv(input: Bytes, options?: OrdersCsvOptions): Promise<OrdersHandle>;
  ordersFromColumns(columns: OrderColumns, options?: CallOptions): Promise<OrdersHandle>;
  parseEventsCsv(input: Bytes, options?: EventsCsvOptions): Promise<EventsHandle>;
  /** Frees a handle's memory in the engine. */
  release(handle: OrdersHandle | EventsHandle): Promise<void>;
  summary(orders: OrdersInput, options?: SummaryOptions & OrdersCsvOptions): Promise<Summary>;
  fitBgNbd(data: FitData, options?: FitOptions): Promise<BgNbdFit>;
  fitMbgNbd(data: FitData, options?: FitOptions): Promise<MbgNbdFit>;
  fitParetoNbd(data: FitData, options?: FitOptions): Promise<ParetoNbdFit>;
  /** Repeat buyers `{x, zbar}`, or a summary / orders (repeat buyers with a positive mean kept). */
  fitGammaGamma(data: { x: Numbers; zbar: Numbers; weights?: Numbers } | Summary | OrdersHandle, options?: FitOptions): Promise<GammaGammaFit>;
  /** Discrete-time customers: `x` transactions in `n` periods, the last in period `t_x`. */
  fitBgBb(data: { x: Numbers; t_x: Numbers; n: Numbers; weights?: Numbers }, options?: FitOptions): Promise<BgBbFit>;
  predict(fit: TransactionFit | BgBbFit | { model: ModelName; params: object }, customers: CustomerColumns | Summary | { x: Numbers; t_x: Numbers; n: Numbers }, options?: PredictOptions): Promise<Prediction>;
  /** Discounted lifetime value per customer. `customers` needs `zbar` (or a summary's `monetaryValue`). */
  clv(transactions: TransactionFit, spend: GammaGammaFit, customers: (CustomerColumns & { zbar: Numbers }) | Summary, options?: ClvOptions): Promise<Float64Array>;
  cohortMatrix(orders: OrdersInput, options?: CohortOptions & OrdersCsvOptions): Promise<CohortReport>;
  funnel(events: EventsHandle | EventColumns | Bytes, options: FunnelOptions): Promise<FunnelReport>;
  rfm(orders: OrdersInput, options?: RfmOptions & OrdersCsvOptions): Promise<Rfm>;
  /** NPS of 0–10 answers, or of the collector's export (JSON or CSV). */
  nps(values: Numbers | Bytes, options?: FeedbackOptions): Promise<Nps>;
  feedbackReport(input: Bytes, options?: FeedbackOptions): Promise<FeedbackReport>;
  /** Historical CLV (no model): AOV × purchase frequency × lifespan × margin, overall and per customer. */
  historicalClv(orders: OrdersInput, options?: HistoricalClvOptions): Promise<HistoricalClv>;
  /** Effect of +`points` of retention on CLV and revenue (geometric retention, or a BG/NBD fit). */
  retentionWhatIf(options: WhatIfGeometric | WhatIfBgNbd): Promise<WhatIf>;
  /** Holdout validation: fit on the orders up to `calibrationEnd`, compare predictions with the rest. */
  validate(orders: OrdersInput, options: ValidateOptions): Promise<HoldoutReport>;
  /** Per-customer intervals for P(alive), expected purchases and CLV from the fit's parameter uncertainty (seeded parametric bootstrap). */
  predictIntervals(fit: TransactionFit, customers: (CustomerColumns & { zbar?: Numbers }) | Summary, options?: IntervalOptions): Promise<PredictionIntervals>;
  /** An SVG figure of a result: a cohort matrix, a funnel, or a transaction fit's frequency/recency maps. */
  plot(kind: "cohorts", report: CohortReport): Promise<string>;
  plot(kind: "funnel", report: FunnelReport, options?: { unit?: string }): Promise<string>;
  plot(kind: "fit", fit: TransactionFit, options: { maxFrequency: number; age: number; horizon?: number; unit?: string }): Promise<string>;
  /** Every chart of the collector's dashboard data (`GET /admin/api/dashboard/data`), plus the funnel of an events CSV. Its `scores` member (the scores job's histories and `asOf`, the run's time) makes the customer charts the inbox's numbers; without it they use `orders` as of `now`. */
  dashboard(data: object | Bytes, options?: DashboardOptions): Promise<Dashboard>;
  /** The charts of orders alone (a Shopify export with `format: "shopify"`): cohorts, repeat purchases, CLV, top customers, RFM, the what-if. */
  dashboardOrders(orders: OrdersInput, options?: OrdersCsvOptions & { endDate?: string | Date | number; onProgress?: (p: Progress) => void }): Promise<Dashboard>;
  /** Stops the worker; pending calls reject. */
  terminate(): void;
}

export function createEngine(options?: EngineOptions): Engine;

export const parseOrdersCsv: Engine["parseOrdersCsv"];
export const ordersFromColumns: Engine["ordersFromColumns"];
export const parseEventsCsv: Engine["parseEventsCsv"];
export const release: Engine["release"];
export const summary: Engine["summary"];
export const fitBgNbd: Engine["fitBgNbd"];
export const fitMbgNbd: Engine["fitMbgNbd"];
export const fitParetoNbd: Engine["fitParetoNbd"];
export const fitGammaGamma: Engine["fitGammaGamma"];
export const fitBgBb: Engine["fitBgBb"];
export const predict: Engine["predict"];
export const clv: Engine["clv"];
export const cohortMatrix: Engine["cohortMatrix"];
export const funnel: Engine["funnel"];
export const rfm: Engine["rfm"];
export const nps: Engine["nps"];
export const feedbackReport: Engine["feedbackReport"];
export const retentionWhatIf: Engine["retentionWhatIf"];
export const historicalClv: Engine["historicalClv"];
export const validate: Engine["validate"];
export const predictIntervals: Engine["predictIntervals"];
export const plot: Engine["plot"];
export const dashboard: Engine["dashboard"];
export const dashboardOrders: Engine["dashboardOrders"];

/** Options of `dashboard`. */
export interface DashboardOptions {
  /** An events CSV (for the funnel). */
  events?: Bytes;
  /** How to read it (`{columns, read}`). */
  eventsOptions?: object;
  /** Funnel steps (default: the events' names, most users first). */
  funnelSteps?: string[];
  onProgress?: (p: Progress) => void;
}

/** One chart: its SVG and the same numbers as a table. */
export interface DashboardChart {
  id: string;
  title: string;
  summary: string;
  svg: string;
  table: { columns: string[]; rows: (string | number | null)[][] };
}

/** Every chart. */
export interface Dashboard {
  charts: DashboardChart[];
}

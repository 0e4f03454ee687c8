//! Command-line parsing (lexopt): every flag, its validation, and the usage text.

use std::ffi::OsString;

use rapport_metrics::cohort::CohortPeriod;
use rapport_metrics::data::date::{parse_timestamp, SECONDS_PER_DAY};
use rapport_metrics::data::{DateFormat, OffsetPolicy, QuestionType};
use rapport_metrics::summary::Period;

/// Usage text printed by `--help` and after a usage error.
pub const USAGE: &str = "\
usage: rapport-metrics <command> <INPUT|-> [options]
       rapport-metrics <command> --help

commands:
  summary                 per-customer frequency, recency, T, monetary value
  fit --model M           fit bgnbd | mbgnbd | pareto-nbd | gamma-gamma | bgbb
  predict [--model M]     P(alive), expected purchases and CLV per customer (bgnbd | mbgnbd | pareto-nbd)
  cohorts [--by month|week]  cohort matrix, retention, churn, repeat rate
  funnel --steps a,b,c --window 7d   conversion funnel over events
  rfm                     RFM scores and segments
  clv                     historical CLV (--margin, --churn, --period-days)
  nps                     NPS / CSAT / CES of collector exports, scored by question type
  validate --calibration-end YYYY-MM-DD [--model M]
                          fit on orders up to that day, compare with the rest (holdout)

input:
  INPUT                   a file (.gz is decompressed) or - for stdin
  --input-format F        generic | shopify | cdnow | summary (orders; default generic)
                          json | csv (nps; default from the file name, else json)
  --customer COL --date COL [--amount COL] [--order-id COL] [--status COL]
  --user COL --event COL --time COL [--session COL] [--property COL]   (funnel)
  --date-format F         auto | iso | yyyymmdd | mm/dd/yyyy | dd/mm/yyyy | epoch
  --local-time            keep wall-clock times, ignore UTC offsets
  --delimiter C           field delimiter (default ,)
  --now YYYY-MM-DD        rows dated after this day are bad rows (default: tomorrow)
  --skip-bad-rows         skip bad rows and report counts instead of failing
  --config FILE --question-type ID=TYPE   (nps: question types)
analysis:
  --period day|week       time unit of summary/fit/predict (default week)
  --end YYYY-MM-DD        last day observed (default: last order)
  --horizon N             predict: periods ahead (default 52)
  --margin F --churn F --period-days N --discount F (monthly, predict)
  --breakdown --per-session --question ID --survey ID --confidence F
  --max-seconds N --max-iterations N --accept-unconverged   (fit, predict)
output:
  --format json|table     (default json)
  --plot FILE.svg         also draw the result (validate, fit, cohorts, funnel)
  --intervals LEVEL       predict: intervals per customer, e.g. 0.9 (--draws N, --seed N)

exit codes: 0 ok, 1 data error, 2 usage error, 3 a fit did not converge";

/// A usage error: printed with the usage text, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> Self {
        UsageError(e.to_string())
    }
}

/// The subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `summary`
    Summary,
    /// `fit`
    Fit,
    /// `predict`
    Predict,
    /// `cohorts`
    Cohorts,
    /// `funnel`
    Funnel,
    /// `rfm`
    Rfm,
    /// `clv`
    Clv,
    /// `nps`
    Nps,
    /// `validate`
    Validate,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// JSON on stdout.
    Json,
    /// Aligned text table.
    Table,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    /// Run a command.
    Run(Box<Args>),
    /// Print the general help (`None`) or a command's.
    Help(Option<Command>),
}

/// Everything the command line said.
#[derive(Debug)]
pub struct Args {
    pub command: Command,
    pub input: String,
    pub input_format: Option<String>,
    pub output: Output,
    pub customer: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
    pub order_id: Option<String>,
    pub status: Option<String>,
    pub user: Option<String>,
    pub event: Option<String>,
    pub time: Option<String>,
    pub session: Option<String>,
    pub property: Option<String>,
    pub date_format: DateFormat,
    pub offsets: OffsetPolicy,
    pub delimiter: u8,
    pub now: Option<i64>,
    pub skip_bad_rows: bool,
    pub period: Period,
    pub end_day: Option<i64>,
    pub model: Option<String>,
    pub horizon: f64,
    pub by: CohortPeriod,
    pub steps: Vec<String>,
    pub window_seconds: i64,
    pub breakdown: bool,
    pub per_session: bool,
    pub margin: f64,
    pub churn: Option<f64>,
    pub period_days: f64,
    pub discount: f64,
    pub question: Option<String>,
    pub survey: Option<String>,
    pub confidence: f64,
    pub calibration_end: Option<i64>,
    pub plot: Option<String>,
    pub intervals: Option<f64>,
    pub draws: usize,
    pub seed: u64,
    pub config: Option<String>,
    pub question_types: Vec<(String, QuestionType)>,
    pub max_seconds: f64,
    pub max_iterations: Option<usize>,
    pub accept_unconverged: bool,
}

fn day(text: &str, flag: &str) -> Result<i64, UsageError> {
    parse_timestamp(text.as_bytes(), DateFormat::Iso8601, OffsetPolicy::Utc)
        .map(|t| t.div_euclid(SECONDS_PER_DAY))
        .map_err(|e| UsageError(format!("{flag}: {e}: {text:?} (expected YYYY-MM-DD)")))
}

fn number(text: &str, flag: &str) -> Result<f64, UsageError> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| UsageError(format!("{flag}: not a number: {text:?}")))
}

fn whole(text: &str, flag: &str) -> Result<u64, UsageError> {
    text.parse::<u64>()
        .map_err(|_| UsageError(format!("{flag}: not a whole number: {text:?}")))
}

/// The flags of `validate`, `--plot` and `--intervals`: which commands take
/// them, and their ranges.
fn check_validate_options(a: &Args) -> Result<(), UsageError> {
    let transaction_model =
        |m: Option<&str>| matches!(m, None | Some("bgnbd" | "mbgnbd" | "pareto-nbd"));
    if a.command == Command::Validate {
        if a.calibration_end.is_none() {
            return Err(UsageError(
                "validate needs --calibration-end YYYY-MM-DD".into(),
            ));
        }
        if !transaction_model(a.model.as_deref()) {
            return Err(UsageError(format!(
                "--model: validate supports bgnbd, mbgnbd, pareto-nbd, not {:?}",
                a.model.as_deref().unwrap_or("")
            )));
        }
    }
    if a.plot.is_some() {
        match a.command {
            Command::Validate | Command::Cohorts | Command::Funnel => {}
            Command::Fit if transaction_model(a.model.as_deref()) => {}
            Command::Fit => {
                return Err(UsageError(
                    "--plot on fit draws bgnbd, mbgnbd and pareto-nbd fits".into(),
                ))
            }
            _ => {
                return Err(UsageError(
                    "--plot works with validate, fit, cohorts and funnel".into(),
                ))
            }
        }
    }
    if let Some(level) = a.intervals {
        if a.command != Command::Predict {
            return Err(UsageError("--intervals works with predict".into()));
        }
        if !(level > 0.0 && level < 1.0) {
            return Err(UsageError(format!(
                "--intervals: {level} is not a level between 0 and 1 (e.g. 0.9)"
            )));
        }
        if !(20..=100_000).contains(&a.draws) {
            return Err(UsageError(format!(
                "--draws: {} is not between 20 and 100000",
                a.draws
            )));
        }
    }
    Ok(())
}

/// `7d`, `24h`, `30m`, `90s` or plain seconds.
pub fn duration_seconds(text: &str) -> Result<i64, UsageError> {
    let bad = || {
        UsageError(format!(
            "--window: not a duration: {text:?} (e.g. 7d, 24h, 30m, 3600s)"
        ))
    };
    let t = text.trim();
    let (num, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c),
        _ => (t, 's'),
    };
    let n: i64 = num.parse().map_err(|_| bad())?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(scale).filter(|s| *s >= 0).ok_or_else(bad)
}

/// `ID=TYPE` of `--question-type`.
fn question_type(text: &str) -> Result<(String, QuestionType), UsageError> {
    let bad = || {
        UsageError(format!(
            "--question-type: {text:?} is not ID=TYPE with TYPE nps, csat or ces"
        ))
    };
    let (id, t) = text.split_once('=').ok_or_else(bad)?;
    let t = QuestionType::parse(t).ok_or_else(bad)?;
    if id.trim().is_empty() {
        return Err(bad());
    }
    Ok((id.trim().to_string(), t))
}

fn command_named(name: &str) -> Option<Command> {
    Some(match name {
        "summary" => Command::Summary,
        "fit" => Command::Fit,
        "predict" => Command::Predict,
        "cohorts" => Command::Cohorts,
        "funnel" => Command::Funnel,
        "rfm" => Command::Rfm,
        "clv" => Command::Clv,
        "nps" => Command::Nps,
        "validate" => Command::Validate,
        _ => return None,
    })
}

/// Parses the command line (without the program name). `--help` anywhere
/// (or `help [command]`) asks for help, that of the command if one is named.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, UsageError> {
    let args: Vec<OsString> = args.into_iter().collect();
    let wants_help = args.iter().any(|a| a == "--help" || a == "-h")
        || args.first().is_some_and(|a| a == "help");
    if wants_help {
        let command = args
            .iter()
            .filter_map(|a| a.to_str())
            .find_map(command_named);
        return Ok(Invocation::Help(command));
    }
    parse_run(args).map(|a| Invocation::Run(Box::new(a)))
}

fn parse_run(args: Vec<OsString>) -> Result<Args, UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let mut command = None;
    let mut input = None;
    let mut a = Args {
        command: Command::Summary,
        input: String::new(),
        input_format: None,
        output: Output::Json,
        customer: None,
        date: None,
        amount: None,
        order_id: None,
        status: None,
        user: None,
        event: None,
        time: None,
        session: None,
        property: None,
        date_format: DateFormat::Auto,
        offsets: OffsetPolicy::Utc,
        delimiter: b',',
        now: None,
        skip_bad_rows: false,
        period: Period::Week,
        end_day: None,
        model: None,
        horizon: 52.0,
        by: CohortPeriod::Month,
        steps: Vec::new(),
        window_seconds: 7 * 86_400,
        breakdown: false,
        per_session: false,
        margin: 1.0,
        churn: None,
        period_days: 365.0,
        discount: 0.01,
        question: None,
        survey: None,
        confidence: 0.95,
        calibration_end: None,
        plot: None,
        intervals: None,
        draws: 500,
        seed: 1,
        config: None,
        question_types: Vec::new(),
        max_seconds: 120.0,
        max_iterations: None,
        accept_unconverged: false,
    };
    while let Some(arg) = p.next()? {
        match arg {
            Long("format") => {
                a.output = match p.value()?.string()?.as_str() {
                    "json" => Output::Json,
                    "table" => Output::Table,
                    other => {
                        return Err(UsageError(format!(
                            "--format: {other:?} is not json or table (the input format flag is --input-format)"
                        )))
                    }
                }
            }
            Long("input-format") => a.input_format = Some(p.value()?.string()?),
            Long("customer") => a.customer = Some(p.value()?.string()?),
            Long("date") => a.date = Some(p.value()?.string()?),
            Long("amount") => a.amount = Some(p.value()?.string()?),
            Long("order-id") => a.order_id = Some(p.value()?.string()?),
            Long("status") => a.status = Some(p.value()?.string()?),
            Long("user") => a.user = Some(p.value()?.string()?),
            Long("event") => a.event = Some(p.value()?.string()?),
            Long("time") => a.time = Some(p.value()?.string()?),
            Long("session") => a.session = Some(p.value()?.string()?),
            Long("property") => a.property = Some(p.value()?.string()?),
            Long("date-format") => {
                a.date_format = match p.value()?.string()?.as_str() {
                    "auto" => DateFormat::Auto,
                    "iso" | "iso8601" => DateFormat::Iso8601,
                    "yyyymmdd" | "compact" => DateFormat::Compact,
                    "mm/dd/yyyy" | "month-first" => DateFormat::MonthFirst,
                    "dd/mm/yyyy" | "day-first" => DateFormat::DayFirst,
                    "epoch" => DateFormat::EpochSeconds,
                    other => return Err(UsageError(format!("--date-format: unknown format {other:?}"))),
                }
            }
            Long("local-time") => a.offsets = OffsetPolicy::Local,
            Long("delimiter") => {
                let d = p.value()?.string()?;
                a.delimiter = match d.as_bytes() {
                    [b] => *b,
                    _ if d == "\\t" || d == "tab" => b'\t',
                    _ => return Err(UsageError(format!("--delimiter: must be one byte, got {d:?}"))),
                };
            }
            Long("now") => {
                let d = day(&p.value()?.string()?, "--now")?;
                // "Now" covers the whole day.
                a.now = Some((d + 1) * SECONDS_PER_DAY - 1);
            }
            Long("skip-bad-rows") => a.skip_bad_rows = true,
            Long("period") => {
                a.period = match p.value()?.string()?.as_str() {
                    "day" => Period::Day,
                    "week" => Period::Week,
                    other => return Err(UsageError(format!("--period: {other:?} is not day or week"))),
                }
            }
            Long("end") => a.end_day = Some(day(&p.value()?.string()?, "--end")?),
            Long("model") => a.model = Some(p.value()?.string()?),
            Long("horizon") => a.horizon = number(&p.value()?.string()?, "--horizon")?,
            Long("by") => {
                a.by = match p.value()?.string()?.as_str() {
                    "month" => CohortPeriod::Month,
                    "week" => CohortPeriod::Week,
                    other => return Err(UsageError(format!("--by: {other:?} is not month or week"))),
                }
            }
            Long("steps") => {
                a.steps = p.value()?.string()?.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
            }
            Long("window") => a.window_seconds = duration_seconds(&p.value()?.string()?)?,
            Long("breakdown") => a.breakdown = true,
            Long("per-session") => a.per_session = true,
            Long("margin") => a.margin = number(&p.value()?.string()?, "--margin")?,
            Long("churn") => a.churn = Some(number(&p.value()?.string()?, "--churn")?),
            Long("period-days") => a.period_days = number(&p.value()?.string()?, "--period-days")?,
            Long("discount") => a.discount = number(&p.value()?.string()?, "--discount")?,
            Long("question") => a.question = Some(p.value()?.string()?),
            Long("survey") => a.survey = Some(p.value()?.string()?),
            Long("confidence") => a.confidence = number(&p.value()?.string()?, "--confidence")?,
            Long("calibration-end") => a.calibration_end = Some(day(&p.value()?.string()?, "--calibration-end")?),
            Long("plot") => a.plot = Some(p.value()?.string()?),
            Long("intervals") => a.intervals = Some(number(&p.value()?.string()?, "--intervals")?),
            Long("draws") => a.draws = whole(&p.value()?.string()?, "--draws")? as usize,
            Long("seed") => a.seed = whole(&p.value()?.string()?, "--seed")?,
            Long("config") => a.config = Some(p.value()?.string()?),
            Long("question-type") => a.question_types.push(question_type(&p.value()?.string()?)?),
            Long("max-seconds") => {
                a.max_seconds = number(&p.value()?.string()?, "--max-seconds")?;
                if a.max_seconds <= 0.0 {
                    return Err(UsageError("--max-seconds: must be above 0".into()));
                }
            }
            Long("accept-unconverged") => a.accept_unconverged = true,
            Long("max-iterations") => {
                let text = p.value()?.string()?;
                a.max_iterations = Some(text.parse().map_err(|_| {
                    UsageError(format!("--max-iterations: not a whole number: {text:?}"))
                })?);
            }
            Value(v) if command.is_none() => {
                let name = v.string()?;
                command = Some(
                    command_named(&name)
                        .ok_or_else(|| UsageError(format!("unknown command {name:?}")))?,
                )
            }
            Value(v) if input.is_none() => input = Some(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    a.command = command.ok_or_else(|| UsageError("missing command".into()))?;
    a.input = input.ok_or_else(|| UsageError("missing input file (use - for stdin)".into()))?;
    if a.command == Command::Fit && a.model.is_none() {
        return Err(UsageError(
            "fit needs --model bgnbd|mbgnbd|pareto-nbd|gamma-gamma|bgbb".into(),
        ));
    }
    if a.command == Command::Funnel && a.steps.is_empty() {
        return Err(UsageError("funnel needs --steps a,b,c".into()));
    }
    check_validate_options(&a)?;
    Ok(a)
}

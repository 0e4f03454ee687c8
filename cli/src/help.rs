//! `rapport-metrics <command> --help`: each command's own help text.

use crate::args::Command;

const ORDERS_INPUT: &str = "\
input (orders):
  INPUT                   a file (.gz is decompressed) or - for stdin
  --input-format F        generic (default) | shopify | cdnow (the CDNOW sample or master file)
  --customer COL          customer id column (default customer_id)
  --date COL              order date column (default date)
  --amount COL            order or order-line amount column (default amount)
  --order-id COL          order id column: rows sharing an id are the lines of one order
  --status COL            rows with status refunded/voided/cancelled are left out
  --date-format F         auto (default: decided from the whole column) | iso | yyyymmdd |
                          dd/mm/yyyy | mm/dd/yyyy | epoch
  --local-time            keep wall-clock times, ignore UTC offsets
  --delimiter C           field delimiter (default ,)
  --now YYYY-MM-DD        rows dated after this day are bad rows (default: tomorrow)
  --skip-bad-rows         skip bad rows and report counts instead of failing";

const FIT_CONTROL: &str = "\
fit control:
  --max-seconds N         stop a fit after N seconds (default 120)
  --max-iterations N      stop a fit after N iterations (default 500)
  --accept-unconverged    print a fit that did not converge instead of failing (exit 3)";

/// The help text of one command.
pub fn command_help(c: Command) -> String {
    let (usage, about, own) = match c {
        Command::Summary => (
            "summary INPUT [options]",
            "Per-customer frequency, recency, T and monetary value (lifetimes' summary).",
            "analysis:\n  --period day|week       time unit (default week)\n  --end YYYY-MM-DD        last day observed (default: the last order's day)\n  --amount is optional: without an amount column every order is worth 0",
        ),
        Command::Fit => (
            "fit INPUT --model M [options]",
            "Fits a model by maximum likelihood and says how the fit ended: converged,\n\
             at a boundary of the parameter space (explained, with the log-likelihood and\n\
             which transaction model fits better), or not converged (exit 3).",
            "model:\n  --model M               bgnbd | mbgnbd | pareto-nbd | gamma-gamma | bgbb\n  --input-format summary  a ready summary CSV (frequency, recency, T[, weights])\n  --period day|week       time unit (default week)\n  --end YYYY-MM-DD        calibration end (default: the last order's day)\n  --amount is optional except for gamma-gamma",
        ),
        Command::Predict => (
            "predict INPUT [--model M] [options]",
            "P(alive), expected purchases and 12-month CLV per customer (CLV needs amounts).",
            "model:\n  --model M               bgnbd (default) | mbgnbd | pareto-nbd\n  --horizon N             periods ahead (default 52)\n  --period day|week       time unit (default week)\n  --end YYYY-MM-DD        calibration end\n  --margin F --discount F profit margin, monthly discount rate",
        ),
        Command::Cohorts => (
            "cohorts INPUT [options]",
            "Acquisition cohorts: size, active customers, orders and revenue per period.",
            "analysis:\n  --by month|week         cohort period (default month)\n  --end YYYY-MM-DD        last day observed",
        ),
        Command::Funnel => (
            "funnel INPUT --steps a,b,c [options]",
            "Conversion funnel over product events.",
            "input (events):\n  --user COL --event COL --time COL   (default user_id, event, timestamp)\n  --session COL --property COL\nanalysis:\n  --steps a,b,c           the steps, in order\n  --window 7d             conversion window from the first step\n  --per-session           count sessions instead of users\n  --breakdown             one funnel per --property value",
        ),
        Command::Rfm => (
            "rfm INPUT [options]",
            "RFM scores (1–5) and segments.",
            "analysis:\n  --end YYYY-MM-DD        last day observed",
        ),
        Command::Clv => (
            "clv INPUT [options]",
            "Historical CLV: AOV × purchase frequency × lifespan × margin.",
            "analysis:\n  --margin F              profit margin (default 1)\n  --churn F               churn rate per period (default: from the observed tenure)\n  --period-days N         period length (default 365)\n  --end YYYY-MM-DD        last day observed",
        ),
        Command::Nps => (
            "nps INPUT [options]",
            "NPS, CSAT and CES of the collector's export, each answer scored by its\n\
             question's type; questions without a known type are named, not scored.",
            "input (feedback):\n  --input-format json|csv  (default from the file name, else json)\n  --config FILE           the site configuration (GET /v1/sites/SITE/config or the\n                          collector's config file): question types from it\n  --question-type ID=T    the type of question ID (nps | csat | ces); repeatable\nanalysis:\n  --question ID           only that question\n  --survey ID             only that survey\n  --confidence F          NPS interval level (default 0.95)",
        ),
        Command::Validate => (
            "validate INPUT --calibration-end YYYY-MM-DD [options]",
            "Holdout validation: fits a transaction model on the orders up to the calibration\n\
             end and compares each customer's expected purchases after it with what they\n\
             bought (MAE, RMSE, the calibration-vs-holdout table, weekly tracking).",
            "model:\n  --calibration-end D     last day of the calibration period\n  --model M               bgnbd (default) | mbgnbd | pareto-nbd\n  --period day|week       time unit (default week)\n  --end YYYY-MM-DD        last day of the holdout (default: the last order's day)",
        ),
    };
    let mut out = format!("usage: rapport-metrics {usage}\n\n{about}\n\n{own}\n");
    if !matches!(c, Command::Nps | Command::Funnel) {
        out.push('\n');
        out.push_str(ORDERS_INPUT);
        out.push('\n');
    }
    if matches!(c, Command::Fit | Command::Predict) {
        out.push('\n');
        out.push_str(FIT_CONTROL);
        out.push('\n');
    }
    let mut output = String::from("\noutput:\n  --format json|table     (default json)");
    if matches!(
        c,
        Command::Validate | Command::Fit | Command::Cohorts | Command::Funnel
    ) {
        output.push_str("\n  --plot FILE.svg         also draw the result as a self-contained SVG");
    }
    if c == Command::Predict {
        output.push_str(
            "\n  --intervals LEVEL       per-customer intervals, e.g. 0.9 (--draws N, default 500;\n                          --seed N, default 1)",
        );
    }
    out.push_str(&output);
    out.push_str("\n\nexit codes: 0 ok, 1 data error, 2 usage error, 3 a fit did not converge");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_its_own_help() {
        for c in [
            Command::Summary,
            Command::Fit,
            Command::Predict,
            Command::Cohorts,
            Command::Funnel,
            Command::Rfm,
            Command::Clv,
            Command::Nps,
            Command::Validate,
        ] {
            let h = command_help(c);
            assert!(h.starts_with("usage: rapport-metrics "), "{h}");
            assert!(h.contains("exit codes"), "{h}");
        }
        assert!(command_help(Command::Fit).contains("--accept-unconverged"));
        assert!(command_help(Command::Nps).contains("--question-type"));
        assert!(!command_help(Command::Nps).contains("--order-id"));
        assert!(command_help(Command::Validate).contains("--calibration-end"));
        assert!(command_help(Command::Fit).contains("--plot"));
        assert!(command_help(Command::Predict).contains("--intervals"));
    }
}

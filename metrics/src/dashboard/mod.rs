//! The merchant dashboard, computed in one call: every chart of the console's dashboard
//! from the collector's data (`GET /admin/api/dashboard/data`, read by [`input`]) or from
//! a Shopify orders export, each as `{id, title, summary, svg, table}` ([`Chart`]) so that
//! the console only renders. Progress goes to a callback after each step
//! ([`Progress`]): the Worker forwards it to the page.
//!
//! * [`feedback`] — NPS over time with its confidence band, CSAT, CES, responses per survey.
//! * [`customers`] — the customer values of [`crate::scores`] (the scores job's model, from
//!   its histories as of its latest run: [`DashboardData::customer_orders`]), CLV
//!   distribution, top customers, the at-risk list (revenue at risk through
//!   [`crate::risk`], the inbox's function), RFM segment sizes, the retention what-if.
//! * [`retention`] — cohort heat map, repeat-purchase rate, the funnel of uploaded events.
//! * [`loyalty`] — points issued, redeemed and expired, the liability and its forecast,
//!   tiers, referral conversions.
//!
//! Every number in a table is the engine's own function applied to the same data (the
//! tests check each against a direct call); the SVG comes from [`crate::plot`], which
//! escapes every text.

pub mod chart;
pub mod customers;
pub mod error;
pub mod feedback;
pub mod input;
pub mod loyalty;
pub mod retention;

use serde::Serialize;

pub use chart::{Chart, Table};
pub use error::DashboardError;
pub use input::DashboardData;

use crate::data::{Events, Orders};

/// One step done (`{type: "progress", step, done, total}` in the Worker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Always `"progress"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The step just finished.
    pub step: &'static str,
    /// Steps done.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
}

/// Every chart, in the order the page shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// The charts.
    pub charts: Vec<Chart>,
}

/// What else the computation takes.
#[derive(Debug, Clone, Default)]
pub struct DashboardOptions {
    /// Product events for the funnel (an uploaded events CSV), if any.
    pub events: Option<Events>,
    /// Funnel steps (default: the events' names, most users first).
    pub funnel_steps: Vec<String>,
}

struct Steps<'a> {
    done: usize,
    total: usize,
    report: &'a mut dyn FnMut(Progress),
}

impl Steps<'_> {
    fn step(&mut self, step: &'static str) {
        self.done += 1;
        (self.report)(Progress {
            kind: "progress",
            step,
            done: self.done,
            total: self.total,
        });
    }
}

/// Every chart of the collector's data.
pub fn compute(
    data: &DashboardData,
    options: &DashboardOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Dashboard, DashboardError> {
    let orders = data.orders()?;
    let end_day = data.now.div_euclid(86_400);
    let mut steps = Steps {
        done: 0,
        total: 6,
        report: progress,
    };
    let mut charts = feedback::charts(data)?;
    steps.step("feedback");
    // The customer charts: the scores job's histories as of its latest run.
    let (people, as_of_day) = data.customer_orders()?;
    let model = customers::CustomerModel::fit(&people, as_of_day)?;
    steps.step("models");
    let answers = reindex(data.latest_answers(&orders), &orders, &people);
    charts.extend(customers::charts(&people, &model, &answers, as_of_day)?);
    steps.step("customers");
    charts.extend(retention::charts(&orders, end_day));
    steps.step("cohorts");
    charts.extend(retention::funnel_chart(options)?);
    steps.step("funnel");
    charts.extend(loyalty::charts(data));
    steps.step("loyalty");
    Ok(Dashboard { charts })
}

/// `answers` (customers indexed into `from`) indexed into `to`'s customers instead.
fn reindex(
    answers: Vec<input::LatestAnswer>,
    from: &Orders,
    to: &Orders,
) -> Vec<input::LatestAnswer> {
    let index: std::collections::HashMap<&str, u32> = to
        .customer_ids()
        .iter()
        .enumerate()
        .map(|(i, id)| (&**id, i as u32))
        .collect();
    answers
        .into_iter()
        .filter_map(|mut a| {
            let id = from.customer_ids().get(a.customer as usize)?;
            a.customer = *index.get(&**id)?;
            Some(a)
        })
        .collect()
}

/// The charts a Shopify orders export (or any orders) gives: cohorts, repeat purchases,
/// CLV, top customers, RFM, the what-if — no feedback, no loyalty.
pub fn compute_orders(
    orders: &Orders,
    end_day: Option<i64>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Dashboard, DashboardError> {
    let end_day = end_day
        .or_else(|| {
            orders
                .timestamps()
                .iter()
                .max()
                .map(|t| t.div_euclid(86_400))
        })
        .ok_or(DashboardError::NoOrders)?;
    let mut steps = Steps {
        done: 0,
        total: 3,
        report: progress,
    };
    let model = customers::CustomerModel::fit(orders, end_day)?;
    steps.step("models");
    let mut charts = customers::charts(orders, &model, &[], end_day)?;
    steps.step("customers");
    charts.extend(retention::charts(orders, end_day));
    steps.step("cohorts");
    Ok(Dashboard { charts })
}

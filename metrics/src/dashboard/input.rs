//! The collector's dashboard data (`GET /admin/api/dashboard/data`), as the engine reads
//! it: columns of orders and scored answers, responses and impressions per survey, and the loyalty
//! programme's aggregates. Unknown members are ignored; lengths are checked on use.

use serde::Deserialize;
use serde_json::Value;

use super::error::DashboardError;
use crate::data::Orders;

/// The whole document.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DashboardData {
    /// Site id.
    pub site: String,
    /// Now, Unix seconds (the end of the observation).
    pub now: i64,
    /// Orders.
    pub orders: OrderColumns,
    /// Scored answers.
    pub responses: AnswerColumns,
    /// Responses per survey.
    pub surveys: Vec<SurveyCount>,
    /// The loyalty programme's aggregates (`None`: no programme).
    pub loyalty: Option<LoyaltyData>,
    /// The purchase histories the collector's scores job reads, and the as-of time of its
    /// latest run (`None`: data without them, e.g. older collectors; the customer charts
    /// then use `orders` as of `now`).
    pub scores: Option<ScoreColumns>,
}

/// What the collector's scores job computes from: its purchase histories (orders that
/// earned, spend net of refunds, up to the run's time) and the run's time, so that the
/// dashboard's customer values are the inbox's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScoreColumns {
    /// The latest scores run's time, Unix seconds (`None`: no run yet; the values are as of
    /// `now`).
    pub as_of: Option<i64>,
    /// Customer ids, in the job's order.
    pub customers: Vec<String>,
    /// Customer index per order.
    pub customer: Vec<u32>,
    /// When the order earned, Unix seconds.
    pub at: Vec<i64>,
    /// Spend net of refunds, currency units.
    pub spend: Vec<f64>,
}

/// Orders in columns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderColumns {
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Customer ids (index `i` is customer `i`).
    pub customers: Vec<String>,
    /// Customer index per order.
    pub customer: Vec<u32>,
    /// Placed at, Unix seconds.
    pub at: Vec<i64>,
    /// Total, currency units.
    pub total: Vec<f64>,
}

/// Scored answers in columns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AnswerColumns {
    /// Kind names (`nps`, `csat`, `ces`), indexed by `kind`.
    pub kinds: Vec<String>,
    /// Survey ids, indexed by `survey`.
    pub surveys: Vec<String>,
    /// Survey index per answer.
    pub survey: Vec<u32>,
    /// Kind index per answer.
    pub kind: Vec<u32>,
    /// The answer.
    pub value: Vec<f64>,
    /// Received at, Unix seconds.
    pub at: Vec<i64>,
    /// Customer index (into the orders' customers) per answer; −1 when not a buyer.
    pub customer: Option<Vec<i64>>,
}

/// Responses stored for one survey.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SurveyCount {
    /// Survey id.
    pub id: String,
    /// Its name in the configuration.
    pub name: Option<String>,
    /// Responses stored (partial ones included).
    pub responses: u64,
    /// Responses with a scored answer.
    pub scored: u64,
    /// Times the widget showed it (`None`: no impressions recorded).
    pub shown: Option<u64>,
    /// The first day its impressions were counted (`YYYY-MM-DD`).
    pub shown_since: Option<String>,
    /// Responses received from that day on: the response rate's numerator (`None`: use
    /// `responses`).
    pub responses_since: Option<u64>,
}

/// The loyalty programme's aggregates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LoyaltyData {
    /// Points by month.
    pub points: PointMonths,
    /// Value of one point, currency units.
    pub value_per_point: Option<f64>,
    /// The liability forecast (the collector's `forecast` JSON), if it could be made.
    pub liability: Value,
    /// Why there is no forecast.
    pub liability_error: Option<String>,
    /// Tier names, lowest first.
    pub tiers: Option<Vec<String>>,
    /// Referral conversions by month.
    pub referrals: ReferralMonths,
}

/// Points by month.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PointMonths {
    /// `YYYY-MM`.
    pub months: Vec<String>,
    /// Points issued.
    pub issued: Vec<i64>,
    /// Points redeemed.
    pub redeemed: Vec<i64>,
    /// Points expired.
    pub expired: Vec<i64>,
    /// Points reversed (refunds, cancellations).
    pub reversed: Vec<i64>,
    /// Outstanding now.
    pub outstanding: i64,
}

/// Referral conversions by month.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReferralMonths {
    /// `YYYY-MM`.
    pub months: Vec<String>,
    /// Converted and standing.
    pub credited: Vec<u64>,
    /// Converted, then voided.
    pub reversed: Vec<u64>,
}

/// One scored answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer<'a> {
    /// Survey id.
    pub survey: &'a str,
    /// `nps`, `csat` or `ces`.
    pub kind: &'a str,
    /// The answer.
    pub value: f64,
    /// Received at, Unix seconds.
    pub at: i64,
}

/// A customer's latest scored answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatestAnswer {
    /// Customer index.
    pub customer: u32,
    /// The answer's scale.
    pub kind: crate::risk::Scale,
    /// The answer.
    pub value: f64,
    /// Received at, Unix seconds.
    pub at: i64,
}

impl DashboardData {
    /// Reads the JSON document.
    pub fn parse(json: &[u8]) -> Result<DashboardData, DashboardError> {
        serde_json::from_slice(json).map_err(|e| DashboardError::data("", e.to_string()))
    }

    /// The orders, checked.
    pub fn orders(&self) -> Result<Orders, DashboardError> {
        let o = &self.orders;
        Ok(Orders::from_indexed(
            o.customer.clone(),
            o.customers.clone(),
            o.at.clone(),
            o.total.clone(),
        )?)
    }

    /// The orders of the customer charts and their as-of day: the scores job's histories
    /// as of its latest run when the data has them, else `orders` as of `now`.
    pub fn customer_orders(&self) -> Result<(Orders, i64), DashboardError> {
        match &self.scores {
            Some(s) => {
                let orders = Orders::from_indexed(
                    s.customer.clone(),
                    s.customers.clone(),
                    s.at.clone(),
                    s.spend.clone(),
                )
                .map_err(|e| DashboardError::data("scores", e.to_string()))?;
                Ok((orders, s.as_of.unwrap_or(self.now).div_euclid(86_400)))
            }
            None => Ok((self.orders()?, self.now.div_euclid(86_400))),
        }
    }

    /// Every scored answer (rows whose indices are out of range are left out).
    pub fn answers(&self) -> Vec<Answer<'_>> {
        let r = &self.responses;
        let n = r
            .value
            .len()
            .min(r.at.len())
            .min(r.kind.len())
            .min(r.survey.len());
        (0..n)
            .filter_map(|i| {
                Some(Answer {
                    survey: r.surveys.get(r.survey[i] as usize)?,
                    kind: r.kinds.get(r.kind[i] as usize)?,
                    value: r.value[i],
                    at: r.at[i],
                })
            })
            .collect()
    }

    /// Each customer's latest scored answer, by customer index (the at-risk list's
    /// unhappiness; customers who never answered are left out).
    pub fn latest_answers(&self, orders: &Orders) -> Vec<LatestAnswer> {
        let r = &self.responses;
        let Some(customer) = &r.customer else {
            return Vec::new();
        };
        let mut latest: Vec<Option<LatestAnswer>> = vec![None; orders.n_customers()];
        for (i, &c) in customer.iter().enumerate() {
            let (Ok(c), Some(&kind), Some(&value), Some(&at)) =
                (u32::try_from(c), r.kind.get(i), r.value.get(i), r.at.get(i))
            else {
                continue;
            };
            let kind = match r.kinds.get(kind as usize).map(String::as_str) {
                Some("nps") => crate::risk::Scale::Nps,
                Some("csat") => crate::risk::Scale::Csat,
                Some("ces") => crate::risk::Scale::Ces,
                _ => continue,
            };
            if let Some(slot) = latest.get_mut(c as usize) {
                if slot.is_none_or(|l| l.at <= at) {
                    *slot = Some(LatestAnswer {
                        customer: c,
                        kind,
                        value,
                        at,
                    });
                }
            }
        }
        latest.into_iter().flatten().collect()
    }
}

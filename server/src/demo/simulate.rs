//! The demo store's history, simulated (pure: no IO, no clock): customers acquired over
//! the period, their orders drawn from a BG/NBD purchase process and Gamma-Gamma order
//! values with the parameters stated in [`DemoModel::STATED`], referrals, and survey
//! responses whose scores depend on the customer. Seeded (SplitMix64): the same options
//! give the same history on every machine.
//!
//! How scores depend on the customer: the response to the order after which a customer
//! drops out (the BG/NBD coin that ends their purchasing) leans three points lower, and
//! low-value customers (order values in the bottom third) lean one point lower, so dormant
//! and low-value customers are more often detractors — the pattern the inbox's revenue at
//! risk and the dashboard's at-risk list are there to find.

use rapport_metrics::models::bgnbd::BgNbd;
use rapport_metrics::models::gamma_gamma::GammaGamma;
use rapport_metrics::models::simulate::SplitMix64;

use crate::loyalty::rules::DAY_MILLIS;

/// Milliseconds in a week (the BG/NBD time unit here).
const WEEK_MILLIS: f64 = 7.0 * DAY_MILLIS as f64;

/// The generating model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoModel {
    /// Purchase process, time in weeks.
    pub bgnbd: BgNbd,
    /// Order values, in currency units.
    pub spend: GammaGamma,
}

impl DemoModel {
    /// The stated parameters: the published CDNOW estimates (Fader, Hardie & Lee 2005:
    /// r 0.243, α 4.414 weeks, a 0.793, b 2.426; Gamma-Gamma p 6.25, q 3.74, γ 15.44),
    /// so the engine's fit of the demo data lands near numbers anyone can look up.
    pub const STATED: DemoModel = DemoModel {
        bgnbd: BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        },
        spend: GammaGamma {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        },
    };
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Customers acquired over the period.
    pub customers: usize,
    /// RNG seed.
    pub seed: u64,
    /// End of the period (the moment of seeding), ms.
    pub end: i64,
    /// Length of the period, days.
    pub days: i64,
    /// Share of customers who answer the post-purchase NPS survey after an order.
    pub nps_rate: f64,
    /// Share of customers who answer the cart CSAT survey once.
    pub csat_rate: f64,
    /// Share of customers (acquired after the first month) whose first order carries an
    /// earlier customer's referral code.
    pub referral_rate: f64,
    /// The generating model.
    pub model: DemoModel,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            customers: 3000,
            seed: 14,
            end: 0,
            days: 365,
            nps_rate: 0.35,
            csat_rate: 0.25,
            referral_rate: 0.05,
            model: DemoModel::STATED,
        }
    }
}

/// One simulated order.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOrder {
    /// Order id (unique in the store).
    pub id: String,
    /// Placed at, ms.
    pub at: i64,
    /// Total, hundredths of the currency unit.
    pub total: i64,
    /// The customer dropped out right after this order.
    pub last_before_dropout: bool,
}

/// One simulated customer.
#[derive(Debug, Clone, PartialEq)]
pub struct SimCustomer {
    /// Customer id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Their mean order value (the Gamma-Gamma draw), currency units.
    pub mean_value: f64,
    /// Orders, oldest first (at least one: the acquisition).
    pub orders: Vec<SimOrder>,
    /// Index of the customer whose referral code their first order carries.
    pub referred_by: Option<usize>,
}

/// One simulated survey response.
#[derive(Debug, Clone, PartialEq)]
pub struct SimResponse {
    /// Response id.
    pub id: String,
    /// Survey id (`post-purchase` or `cart-csat` of the demo configuration).
    pub survey: &'static str,
    /// Index of the customer who answered.
    pub customer: usize,
    /// Received at, ms.
    pub at: i64,
    /// The score: NPS 0–10 or CSAT 1–5.
    pub score: u8,
    /// Open text, if any.
    pub text: Option<String>,
}

impl SimResponse {
    /// The `answers` array as the widget would send it.
    pub fn answers_json(&self) -> String {
        let (score_q, text_q) = match self.survey {
            "post-purchase" if self.score <= 6 => ("nps", "what-went-wrong"),
            "post-purchase" => ("nps", "why"),
            _ => ("csat", "improve"),
        };
        let mut answers = vec![serde_json::json!({"question": score_q, "value": self.score})];
        match (&self.text, self.survey) {
            (Some(t), "post-purchase") if self.score > 6 => answers.push(
                serde_json::json!({"question": text_q, "value": {"choices": [], "other": t}}),
            ),
            (Some(t), _) => answers.push(serde_json::json!({"question": text_q, "value": t})),
            (None, _) => {}
        }
        serde_json::Value::Array(answers).to_string()
    }
}

/// A simulated history.
#[derive(Debug, Clone, PartialEq)]
pub struct SimHistory {
    /// Customers, in order of acquisition.
    pub customers: Vec<SimCustomer>,
    /// Responses, oldest first.
    pub responses: Vec<SimResponse>,
}

impl SimHistory {
    /// Every order.
    pub fn order_count(&self) -> usize {
        self.customers.iter().map(|c| c.orders.len()).sum()
    }
}

/// Open texts by score band, from the bundled phrase list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phrases {
    /// NPS 0–6, CSAT 1–2.
    pub detractor: Vec<String>,
    /// NPS 7–8, CSAT 3.
    pub passive: Vec<String>,
    /// NPS 9–10, CSAT 4–5.
    pub promoter: Vec<String>,
}

impl Phrases {
    /// The list bundled with the collector (`phrases.txt`).
    pub fn bundled() -> Phrases {
        Phrases::parse(include_str!("phrases.txt"))
    }

    /// Reads `[band]` headers and one phrase a line; `#` starts a comment line.
    pub fn parse(text: &str) -> Phrases {
        let mut out = Phrases::default();
        let mut band: Option<&mut Vec<String>> = None;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line {
                "[detractor]" => band = Some(&mut out.detractor),
                "[passive]" => band = Some(&mut out.passive),
                "[promoter]" => band = Some(&mut out.promoter),
                _ => {
                    if let Some(b) = band.as_deref_mut() {
                        b.push(line.to_owned());
                    }
                }
            }
        }
        out
    }

    fn pick(&self, rng: &mut SplitMix64, band: Band) -> Option<String> {
        let list = match band {
            Band::Detractor => &self.detractor,
            Band::Passive => &self.passive,
            Band::Promoter => &self.promoter,
        };
        if list.is_empty() {
            return None;
        }
        let i = (rng.next_u64() % list.len() as u64) as usize;
        list.get(i).cloned()
    }
}

#[derive(Debug, Clone, Copy)]
enum Band {
    Detractor,
    Passive,
    Promoter,
}

/// Simulates the history `options` describes.
pub fn simulate(options: &DemoOptions, phrases: &Phrases) -> SimHistory {
    let mut rng = SplitMix64::new(options.seed);
    let start = options.end - options.days * DAY_MILLIS;
    let period_weeks = options.days as f64 / 7.0;
    let m = options.model;
    let mut customers: Vec<SimCustomer> = Vec::with_capacity(options.customers);
    let mut joined: Vec<f64> = (0..options.customers)
        .map(|_| rng.uniform() * period_weeks)
        .collect();
    joined.sort_by(f64::total_cmp);
    for (i, &t0) in joined.iter().enumerate() {
        // BG/NBD: a purchase rate λ ~ Gamma(r, α), a dropout probability p ~ Beta(a, b)
        // tossed after each repeat purchase; Gamma-Gamma: a scale ν ~ Gamma(q, γ), each
        // order's value ~ Gamma(p, ν).
        let lambda = rng.gamma(m.bgnbd.r) / m.bgnbd.alpha;
        let drop = rng.beta(m.bgnbd.a, m.bgnbd.b);
        let nu = rng.gamma(m.spend.q) / m.spend.gamma;
        let mean_value = m.spend.p / nu;
        let mut times = vec![(t0, false)];
        let mut now = t0;
        loop {
            now += rng.exponential(lambda.max(1e-12));
            if now > period_weeks {
                break;
            }
            let dropped = rng.uniform() < drop;
            times.push((now, dropped));
            if dropped {
                break;
            }
        }
        let id = format!("demo-{:05}", i + 1);
        let orders = times
            .into_iter()
            .enumerate()
            .map(|(k, (t, dropped))| {
                let value = rng.gamma(m.spend.p) / nu;
                SimOrder {
                    id: format!("{}-{}", 1000 + customers.len() * 10 + k, k + 1),
                    at: (start as f64 + t * WEEK_MILLIS) as i64,
                    total: ((value * 100.0).round() as i64).max(100),
                    last_before_dropout: dropped,
                }
            })
            .collect();
        let referred_by = match t0 > 4.0 && i > 0 && rng.uniform() < options.referral_rate {
            true => Some((rng.next_u64() % i as u64) as usize),
            false => None,
        };
        customers.push(SimCustomer {
            email: format!("{id}@example.com"),
            id,
            mean_value,
            orders,
            referred_by,
        });
    }
    let responses = responses(options, phrases, &customers, &mut rng);
    SimHistory {
        customers,
        responses,
    }
}

fn responses(
    options: &DemoOptions,
    phrases: &Phrases,
    customers: &[SimCustomer],
    rng: &mut SplitMix64,
) -> Vec<SimResponse> {
    let mut values: Vec<f64> = customers.iter().map(|c| c.mean_value).collect();
    values.sort_by(f64::total_cmp);
    let low_value = values.get(values.len() / 3).copied().unwrap_or(0.0);
    let mut out = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let low = c.mean_value < low_value;
        for o in &c.orders {
            if rng.uniform() >= options.nps_rate {
                continue;
            }
            let lean = 8.3 - if o.last_before_dropout { 3.0 } else { 0.0 } - f64::from(low);
            let score = (lean + 1.8 * rng.normal()).round().clamp(0.0, 10.0) as u8;
            let band = match score {
                0..=6 => Band::Detractor,
                7..=8 => Band::Passive,
                _ => Band::Promoter,
            };
            let at = o.at + (rng.uniform() * 2.0 * DAY_MILLIS as f64) as i64;
            if at >= options.end {
                continue;
            }
            let text = match rng.uniform() < 0.45 {
                true => phrases.pick(rng, band),
                false => None,
            };
            out.push(SimResponse {
                id: format!("demo-r-{}", o.id),
                survey: "post-purchase",
                customer: i,
                at,
                score,
                text,
            });
        }
        if rng.uniform() < options.csat_rate {
            let Some(first) = c.orders.first() else {
                continue;
            };
            let lean = 4.1 - if low { 0.7 } else { 0.0 };
            let score = (lean + 0.9 * rng.normal()).round().clamp(1.0, 5.0) as u8;
            let band = match score {
                1..=2 => Band::Detractor,
                3 => Band::Passive,
                _ => Band::Promoter,
            };
            let at = first.at - (rng.uniform() * 3_600_000.0) as i64;
            let text = match rng.uniform() < 0.3 {
                true => phrases.pick(rng, band),
                false => None,
            };
            out.push(SimResponse {
                id: format!("demo-c-{}", c.id),
                survey: "cart-csat",
                customer: i,
                at,
                score,
                text,
            });
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(customers: usize) -> DemoOptions {
        DemoOptions {
            customers,
            end: 1_800_000_000_000,
            ..DemoOptions::default()
        }
    }

    #[test]
    fn reproducible_and_inside_the_period() {
        let o = options(500);
        let a = simulate(&o, &Phrases::bundled());
        assert_eq!(a, simulate(&o, &Phrases::bundled()));
        assert_eq!(a.customers.len(), 500);
        let start = o.end - 365 * DAY_MILLIS;
        for c in &a.customers {
            assert!(!c.orders.is_empty());
            assert!(c.orders.windows(2).all(|w| w[0].at <= w[1].at));
            assert!(c.orders.iter().all(|x| x.at >= start && x.at <= o.end));
            assert!(c.orders.iter().all(|x| x.total >= 100));
            if let Some(r) = c.referred_by {
                assert!(a.customers[r].orders[0].at <= c.orders[0].at);
            }
        }
        let ids: std::collections::HashSet<&str> = a
            .customers
            .iter()
            .flat_map(|c| c.orders.iter().map(|o| o.id.as_str()))
            .collect();
        assert_eq!(ids.len(), a.order_count());
        assert!(a.responses.iter().all(|r| r.at < o.end));
    }

    #[test]
    fn repeat_purchases_follow_the_stated_model() {
        // BG/NBD's expected repeat purchases of a customer observed t weeks, averaged
        // over the acquisition dates (uniform over the year).
        let o = options(20_000);
        let h = simulate(&o, &Phrases::bundled());
        let repeats = (h.order_count() - h.customers.len()) as f64 / h.customers.len() as f64;
        let m = DemoModel::STATED.bgnbd;
        let weeks = 365.0 / 7.0;
        let steps = 200;
        let expected: f64 = (0..steps)
            .map(|k| {
                let t = (k as f64 + 0.5) / steps as f64 * weeks;
                m.expected_purchases(t).unwrap_or(f64::NAN)
            })
            .sum::<f64>()
            / steps as f64;
        assert!(
            (repeats - expected).abs() < 0.08 * expected,
            "simulated {repeats}, model {expected}"
        );
    }

    #[test]
    fn dropping_out_and_low_value_customers_are_more_often_detractors() {
        let h = simulate(&options(6000), &Phrases::bundled());
        let share = |keep: &dyn Fn(&SimResponse) -> bool| {
            let picked: Vec<&SimResponse> = h
                .responses
                .iter()
                .filter(|r| r.survey == "post-purchase" && keep(r))
                .collect();
            picked.iter().filter(|r| r.score <= 6).count() as f64 / picked.len() as f64
        };
        let last = |r: &SimResponse| {
            h.customers[r.customer]
                .orders
                .iter()
                .any(|o| format!("demo-r-{}", o.id) == r.id && o.last_before_dropout)
        };
        let leaving = share(&|r| last(r));
        let staying = share(&|r| !last(r));
        assert!(leaving > staying + 0.2, "{leaving} vs {staying}");
        assert!(h.responses.iter().any(|r| r.text.is_some()));
        assert!(h.responses.iter().any(|r| r.survey == "cart-csat"));
    }

    #[test]
    fn answers_are_what_the_widget_sends() {
        let r = SimResponse {
            id: "x".into(),
            survey: "post-purchase",
            customer: 0,
            at: 0,
            score: 3,
            text: Some("Late \"parcel\"".into()),
        };
        let v: serde_json::Value = serde_json::from_str(&r.answers_json()).unwrap_or_default();
        assert_eq!(v[0]["question"], "nps");
        assert_eq!(v[0]["value"], 3);
        assert_eq!(v[1]["question"], "what-went-wrong");
        assert_eq!(v[1]["value"], "Late \"parcel\"");
    }

    #[test]
    fn phrase_list_has_every_band() {
        let p = Phrases::bundled();
        assert!(p.detractor.len() >= 5 && p.passive.len() >= 5 && p.promoter.len() >= 5);
        assert!(p.detractor.iter().all(|l| !l.starts_with('[')));
    }
}

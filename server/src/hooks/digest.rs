//! The daily digest's figures, without IO: the day's new responses and detractors, NPS and
//! its change against the previous day and the previous week (same weekday, seven days
//! before), the top themes and the revenue at risk. NPS is the metrics engine's
//! ([`rapport_metrics::feedback::scores::nps`]), so the digest and the dashboard agree.
//!
//! Themes: the inbox's ([`crate::inbox::themes`]: words and two- and three-word phrases,
//! the bundled locales' stop words left out, each counted once per answer) over the open
//! text the inbox stored for the day's answers, so the digest lists what the inbox's
//! themes strip shows for that site and day.
//!
//! Revenue at risk: the sum, over the day's answers from identified customers that the
//! scores job has scored, of [`rapport_metrics::risk::revenue_at_risk`] — the inbox's own
//! ranking figure — for the answer's unhappiness (its unhappiest scored answer) and the
//! customer's annual value and P(alive); in minor units of the scores' currency.

use crate::feedback_band::Band;

/// Themes listed in a digest.
pub const TOP_THEMES: usize = 5;

/// The scored facts of one response, as the digest reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayResponse {
    /// NPS answers (0–10) it holds.
    pub nps: Vec<f64>,
    /// Its band, if any answer was scored.
    pub band: Option<Band>,
    /// The verified customer who answered, if any.
    pub customer: Option<String>,
    /// Its unhappiest scored answer ([`rapport_metrics::risk::unhappiness`]), if any.
    pub unhappiness: Option<f64>,
}

/// What the scores job says of one customer, as the digest needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRisk {
    /// Customer id.
    pub customer: String,
    /// Expected spend over the next year if they stay, minor units.
    pub annual_value: rapport_metrics::risk::Estimate,
    /// Probability they are still active.
    pub p_alive: rapport_metrics::risk::Estimate,
    /// Currency of `annual_value`.
    pub currency: String,
}

/// Revenue at risk of `today`'s answers given the scores of their customers (see the
/// module notes): the total and its currency, `None` when no answer's customer is scored.
pub fn revenue_at_risk(today: &[DayResponse], scores: &[CustomerRisk]) -> Option<(f64, String)> {
    let mut total = None;
    for r in today {
        let (Some(c), Some(u)) = (&r.customer, r.unhappiness) else {
            continue;
        };
        let Some(s) = scores.iter().find(|s| &s.customer == c) else {
            continue;
        };
        let risk = rapport_metrics::risk::revenue_at_risk(u, s.annual_value, s.p_alive);
        let (sum, _) = total.get_or_insert((0.0, s.currency.clone()));
        *sum += risk.value;
    }
    total.map(|(sum, currency): (f64, String)| (sum.round(), currency))
}

/// A digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// The day it covers, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// New complete responses that day.
    pub responses: u64,
    /// Of which detractors.
    pub detractors: u64,
    /// The day's NPS, to 0.1 (`None` without NPS answers).
    pub nps: Option<f64>,
    /// Change against the previous day, NPS points.
    pub nps_change_day: Option<f64>,
    /// Change against the same day a week before, NPS points.
    pub nps_change_week: Option<f64>,
    /// Most frequent themes and the answers that hold each.
    pub themes: Vec<(String, u64)>,
    /// Revenue at risk of the day's answers, minor units, and its currency (`None`: no
    /// answering customer is scored).
    pub revenue_at_risk: Option<(f64, String)>,
}

impl Digest {
    /// The `alert.digest` event's `data`.
    pub fn to_json(&self, site: &str) -> serde_json::Value {
        serde_json::json!({
            "site": site,
            "day": self.day,
            "responses": self.responses,
            "detractors": self.detractors,
            "nps": self.nps,
            "npsChangeDay": self.nps_change_day,
            "npsChangeWeek": self.nps_change_week,
            "themes": self.themes.iter().map(|(w, n)| serde_json::json!({"theme": w, "count": n})).collect::<Vec<_>>(),
            "revenueAtRisk": self.revenue_at_risk.as_ref().map(|(v, _)| v),
            "currency": self.revenue_at_risk.as_ref().map(|(_, c)| c),
        })
    }
}

/// The NPS of `values` (0–10), to 0.1.
pub fn nps(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    rapport_metrics::feedback::scores::nps(values, 0.95)
        .ok()
        .and_then(|n| n.score)
}

/// The [`TOP_THEMES`] themes of the open texts of a day's answers (one text an answer),
/// as the inbox counts them.
pub fn themes(texts: &[String]) -> Vec<(String, u64)> {
    crate::inbox::themes::themes(texts.iter().map(String::as_str), TOP_THEMES)
        .into_iter()
        .map(|t| (t.phrase, t.count as u64))
        .collect()
}

fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(((now? - before?) * 10.0).round() / 10.0)
}

/// The digest of `day` from its responses, the open texts of its answers (one text an
/// answer), the NPS answers of the previous day and of the same day a week before, and the
/// revenue at risk.
pub fn compute(
    day: &str,
    today: &[DayResponse],
    texts: &[String],
    previous_day_nps: &[f64],
    previous_week_nps: &[f64],
    revenue_at_risk: Option<(f64, String)>,
) -> Digest {
    let values: Vec<f64> = today.iter().flat_map(|r| r.nps.iter().copied()).collect();
    let score = nps(&values);
    Digest {
        day: day.to_owned(),
        responses: today.len() as u64,
        detractors: today
            .iter()
            .filter(|r| r.band == Some(Band::Detractor))
            .count() as u64,
        nps: score,
        nps_change_day: change(score, nps(previous_day_nps)),
        nps_change_week: change(score, nps(previous_week_nps)),
        themes: themes(texts),
        revenue_at_risk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_a_day() {
        let r = |nps: f64| DayResponse {
            nps: vec![nps],
            band: crate::feedback_band::band(rapport::core::survey::QuestionType::Nps, nps as i64),
            ..DayResponse::default()
        };
        let today = vec![r(10.0), r(2.0), r(9.0)];
        let texts: Vec<String> = [
            "Shipping was slow, shipping!",
            "slow shipping and the box was damaged",
            "Great price",
            "la livraison était lente, slow shipping",
        ]
        .map(str::to_owned)
        .to_vec();
        let d = compute("2026-12-07", &today, &texts, &[0.0, 10.0], &[], None);
        assert_eq!(d.responses, 3);
        assert_eq!(d.detractors, 1);
        // 2 promoters, 1 detractor of 3: 33.3.
        assert_eq!(d.nps, Some(33.3));
        assert_eq!(d.nps_change_day, Some(33.3));
        assert_eq!(d.nps_change_week, None);
        // Counted once per answer, as the inbox counts them ("Shipping … shipping!" is one
        // answer); "slow" and "shipping" come only inside "slow shipping" (the same three
        // answers), so they give way to it.
        assert_eq!(d.themes[0], ("slow shipping".to_owned(), 3));
        for part in ["slow", "shipping"] {
            assert!(!d.themes.iter().any(|(w, _)| w == part), "{part}");
        }
        // Stop words of every bundled locale are left out ("la" is French).
        for stop in ["the", "was", "la", "and"] {
            assert!(!d.themes.iter().any(|(w, _)| w == stop), "{stop}");
        }
        let inbox = crate::inbox::themes::themes(texts.iter().map(String::as_str), TOP_THEMES);
        assert_eq!(d.themes.len(), inbox.len());
        for (mine, theirs) in d.themes.iter().zip(&inbox) {
            assert_eq!(
                (mine.0.as_str(), mine.1),
                (theirs.phrase.as_str(), theirs.count as u64)
            );
        }
        assert_eq!(
            d.to_json("demo")["themes"][0],
            serde_json::json!({"theme": "slow shipping", "count": 3})
        );
    }

    #[test]
    fn revenue_at_risk_sums_scored_customers_only() {
        use rapport_metrics::risk::Estimate;
        let r = |c: Option<&str>, u: Option<f64>| DayResponse {
            customer: c.map(str::to_owned),
            unhappiness: u,
            ..DayResponse::default()
        };
        let scores = vec![CustomerRisk {
            customer: "c1".into(),
            annual_value: Estimate::exact(20_000.0),
            p_alive: Estimate::exact(0.5),
            currency: "EUR".into(),
        }];
        // 1 − 0.5 · (1 − 0.5 · 1) = 0.75 of 20,000.
        let today = [
            r(Some("c1"), Some(1.0)),
            r(Some("c2"), Some(1.0)),
            r(None, Some(1.0)),
            r(Some("c1"), None),
        ];
        assert_eq!(
            revenue_at_risk(&today, &scores),
            Some((15_000.0, "EUR".to_owned()))
        );
        assert_eq!(revenue_at_risk(&today[1..3], &scores), None);
    }

    #[test]
    fn an_empty_day_has_no_scores() {
        let d = compute("2026-12-07", &[], &[], &[], &[], None);
        assert_eq!((d.responses, d.nps, d.nps_change_day), (0, None, None));
        assert!(d.themes.is_empty());
    }
}

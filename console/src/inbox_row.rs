//! An inbox item as the console shows it: the words of each part of a row (score badge,
//! excerpt, customer, revenue at risk with its interval, P(alive), status, assignee), and
//! of the detail view's customer block. Pure: the page only puts these strings into the DOM
//! (as text).

use crate::format;
use crate::model::{Customer, Item};

/// Longest excerpt of the open text in a row, in characters.
pub const EXCERPT: usize = 160;

/// The strings of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowView {
    /// The score (`3`, `4/5`) or `–`.
    pub badge: String,
    /// CSS class of the badge: the band, or `none`.
    pub badge_class: String,
    /// Accessible name of the badge: `NPS 3, detractor`.
    pub badge_label: String,
    /// The open text, cut to [`EXCERPT`], or a stand-in when there is none.
    pub excerpt: String,
    /// `ana@shop.example · gold` / `customer c1` / `Anonymous`.
    pub customer: String,
    /// `At risk $1,240 (880–1,610)`, when known.
    pub risk: Option<String>,
    /// `P(alive) 40% (30–50%)`, when known.
    pub p_alive: Option<String>,
    /// `New`, `Triaged`…
    pub status: String,
    /// `Assigned to x@y` / `Unassigned`.
    pub assignee: String,
    /// `2026-12-07 10:18 UTC · nps · /cart`.
    pub meta: String,
}

/// `new` → `New`.
pub fn status_label(status: &str) -> String {
    let mut chars = status.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn score_text(item: &Item) -> (String, String) {
    match &item.score {
        Some(s) => {
            let value = format::number(s.value);
            let scale = match s.kind.as_str() {
                "csat" | "rating" => format!("{value}/5"),
                "ces" => format!("{value}/7"),
                _ => value,
            };
            (scale, s.kind.to_ascii_uppercase())
        }
        None => ("–".to_owned(), "No score".to_owned()),
    }
}

/// Who the customer is, in one line.
pub fn customer_line(customer: Option<&Customer>) -> String {
    let Some(c) = customer else {
        return "Anonymous".to_owned();
    };
    let who = c
        .email
        .clone()
        .unwrap_or_else(|| format!("customer {}", c.id));
    match &c.tier {
        Some(tier) => format!("{who} · {tier}"),
        None => who,
    }
}

/// `P(alive) 40% (30–50%)`.
pub fn p_alive_line(customer: Option<&Customer>) -> Option<String> {
    let p = customer?.p_alive?;
    let (low, high) = (format::percent(p.low), format::percent(p.high));
    // No width at the precision shown: no interval (the fallback rule gives none).
    if low == high {
        return Some(format!("P(alive) {}", format::percent(p.value)));
    }
    Some(format!(
        "P(alive) {} ({}–{high})",
        format::percent(p.value),
        low.trim_end_matches('%'),
    ))
}

/// The row of `item`.
pub fn row(item: &Item) -> RowView {
    let (badge, kind) = score_text(item);
    let band = item.band.clone().unwrap_or_else(|| "none".to_owned());
    let badge_label = match &item.band {
        Some(b) => format!("{kind} {badge}, {b}"),
        None => format!("{kind} {badge}"),
    };
    let excerpt = match item.text.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => format::excerpt(t, EXCERPT),
        _ => "(no text answer)".to_owned(),
    };
    let mut meta = vec![format::instant(item.received_at), item.survey.clone()];
    if let Some(url) = &item.url {
        meta.push(url.clone());
    }
    RowView {
        badge,
        badge_class: band,
        badge_label,
        excerpt,
        customer: customer_line(item.customer.as_ref()),
        risk: item.risk.map(|r| {
            format!(
                "At risk {}",
                format::money_interval(r.value, r.low, r.high, item.currency())
            )
        }),
        p_alive: p_alive_line(item.customer.as_ref()),
        status: status_label(&item.status),
        assignee: match &item.assignee {
            Some(a) => format!("Assigned to {}", a.email),
            None => "Unassigned".to_owned(),
        },
        meta: meta.join(" · "),
    }
}

/// The detail view's customer block: `(label, value)` lines.
pub fn customer_block(item: &Item) -> Vec<(&'static str, String)> {
    let Some(c) = &item.customer else {
        return vec![("Customer", "Anonymous".to_owned())];
    };
    // Without an e-mail the customer is named by the id: one line, not the id twice.
    let mut lines = match &c.email {
        Some(email) => vec![("Customer", email.clone()), ("Customer id", c.id.clone())],
        None => vec![("Customer id", c.id.clone())],
    };
    lines.extend([
        ("Tier", c.tier.clone().unwrap_or_else(|| "–".to_owned())),
        ("Orders", c.orders.to_string()),
        (
            "Spend",
            match item.currency {
                Some(_) => format::money(c.spend, item.currency()),
                None => "–".to_owned(),
            },
        ),
    ]);
    if let Some(v) = c.annual_value {
        lines.push((
            "Predicted value a year",
            format::money_interval(v.value, v.low, v.high, item.currency()),
        ));
    }
    if let Some(p) = p_alive_line(Some(c)) {
        lines.push(("Still a customer", p));
    }
    if let Some(r) = item.risk {
        lines.push((
            "Revenue at risk",
            format::money_interval(r.value, r.low, r.high, item.currency()),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Assignee, Estimate, Score};

    fn item() -> Item {
        Item {
            site: "s".into(),
            id: "r1".into(),
            survey: "nps".into(),
            received_at: 1_796_638_680_000,
            score: Some(Score {
                kind: "nps".into(),
                value: 3.0,
            }),
            band: Some("detractor".into()),
            text: Some("  The box came <b>late</b>  ".into()),
            answers: vec![],
            url: Some("/cart".into()),
            customer: Some(Customer {
                id: "c1".into(),
                email: Some("ana@shop.example".into()),
                tier: Some("gold".into()),
                orders: 4,
                spend: 52_000.0,
                p_alive: Some(Estimate {
                    value: 0.4,
                    low: 0.3,
                    high: 0.5,
                }),
                annual_value: None,
            }),
            risk: Some(Estimate {
                value: 124_000.0,
                low: 88_000.0,
                high: 161_000.0,
            }),
            currency: Some("USD".into()),
            status: "new".into(),
            tags: vec![],
            assignee: Some(Assignee {
                id: "u1".into(),
                email: "bo@shop.example".into(),
            }),
            holdout: false,
        }
    }

    #[test]
    fn a_detractor_row() {
        let r = row(&item());
        assert_eq!(r.badge, "3");
        assert_eq!(r.badge_class, "detractor");
        assert_eq!(r.badge_label, "NPS 3, detractor");
        // Text stays text: the markup is kept as characters, never interpreted here.
        assert_eq!(r.excerpt, "The box came <b>late</b>");
        assert_eq!(r.customer, "ana@shop.example · gold");
        assert_eq!(r.risk.as_deref(), Some("At risk $1,240 (880–1,610)"));
        assert_eq!(r.p_alive.as_deref(), Some("P(alive) 40% (30–50%)"));
        assert_eq!(r.status, "New");
        assert_eq!(r.assignee, "Assigned to bo@shop.example");
        assert_eq!(r.meta, "2026-12-07 10:18 UTC · nps · /cart");
    }

    #[test]
    fn an_estimate_without_an_interval_shows_none() {
        // The fallback rule (too few repeat buyers for the models) gives no interval.
        let mut it = item();
        if let Some(c) = it.customer.as_mut() {
            c.p_alive = Some(Estimate {
                value: 0.31,
                low: 0.31,
                high: 0.31,
            });
        }
        it.risk = Some(Estimate {
            value: 121_600.0,
            low: 121_600.0,
            high: 121_600.0,
        });
        let r = row(&it);
        assert_eq!(r.risk.as_deref(), Some("At risk $1,216"));
        assert_eq!(r.p_alive.as_deref(), Some("P(alive) 31%"));
    }

    #[test]
    fn an_anonymous_row_without_score_or_text() {
        let mut i = item();
        i.customer = None;
        i.score = None;
        i.band = None;
        i.text = Some("   ".into());
        i.risk = None;
        i.assignee = None;
        let r = row(&i);
        assert_eq!((r.badge.as_str(), r.badge_class.as_str()), ("–", "none"));
        assert_eq!(r.excerpt, "(no text answer)");
        assert_eq!(r.customer, "Anonymous");
        assert_eq!((r.risk, r.p_alive), (None, None));
        assert_eq!(r.assignee, "Unassigned");
        assert_eq!(
            customer_block(&i),
            vec![("Customer", "Anonymous".to_owned())]
        );
    }

    #[test]
    fn csat_reads_out_of_five() {
        let mut i = item();
        i.score = Some(Score {
            kind: "csat".into(),
            value: 2.0,
        });
        i.band = Some("unhappy".into());
        assert_eq!(row(&i).badge, "2/5");
        assert_eq!(row(&i).badge_label, "CSAT 2/5, unhappy");
    }

    #[test]
    fn csv_neutralises_shopper_text() {
        let mut hostile = item();
        hostile.text = Some("=HYPERLINK(\"http://evil\")".into());
        hostile.tags = vec!["@admin".into(), "late".into()];
        let text = csv(&[item(), hostile]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 4, "header, two rows, and the final line end");
        assert!(lines[0].starts_with("\"site\",\"id\",\"received\""));
        assert!(lines[1].contains(",1240,880,1610,0.4,"), "{}", lines[1]);
        assert!(
            lines[2].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains("\"'@admin, late\""), "{}", lines[2]);
        assert_eq!(lines[3], "");
    }

    #[test]
    fn customer_block_lists_the_numbers() {
        let block = customer_block(&item());
        assert!(block.contains(&("Revenue at risk", "$1,240 (880–1,610)".to_owned())));
        assert!(block.contains(&("Spend", "$520".to_owned())));
        assert!(block.contains(&("Still a customer", "P(alive) 40% (30–50%)".to_owned())));
        assert_eq!(
            block[..2],
            [
                ("Customer", "ana@shop.example".to_owned()),
                ("Customer id", "c1".to_owned())
            ]
        );
    }

    #[test]
    fn a_customer_without_an_email_is_named_once() {
        let mut i = item();
        if let Some(c) = i.customer.as_mut() {
            c.email = None;
        }
        let block = customer_block(&i);
        let named: Vec<_> = block.iter().filter(|(_, v)| v == "c1").collect();
        assert_eq!(named, [&("Customer id", "c1".to_owned())]);
        assert!(!block.iter().any(|(k, _)| *k == "Customer"));
    }
}

/// The rows shown, as CSV for a spreadsheet (every text cell neutralised against formula
/// injection by [`crate::csv`]); money in whole units of the item's currency.
pub fn csv(items: &[Item]) -> String {
    use crate::csv::{Cell, Csv};
    let mut out = Csv::new(&[
        "site",
        "id",
        "received",
        "survey",
        "score kind",
        "score",
        "band",
        "text",
        "customer",
        "email",
        "tier",
        "currency",
        "revenue at risk",
        "risk low",
        "risk high",
        "p(alive)",
        "status",
        "tags",
        "assignee",
        "page url",
    ]);
    for item in items {
        let received = format::instant(item.received_at);
        let c = item.customer.as_ref();
        let risk = item.risk.map(|r| {
            (
                format::units(r.value, item.currency()),
                format::units(r.low, item.currency()),
                format::units(r.high, item.currency()),
            )
        });
        let number = |v: Option<f64>| v.map(Cell::Number).unwrap_or(Cell::Text(""));
        let tags = item.tags.join(", ");
        out.row(&[
            Cell::Text(&item.site),
            Cell::Text(&item.id),
            Cell::Text(&received),
            Cell::Text(&item.survey),
            Cell::Text(item.score.as_ref().map(|s| s.kind.as_str()).unwrap_or("")),
            number(item.score.as_ref().map(|s| s.value)),
            Cell::Text(item.band.as_deref().unwrap_or("")),
            Cell::Text(item.text.as_deref().unwrap_or("")),
            Cell::Text(c.map(|c| c.id.as_str()).unwrap_or("")),
            Cell::Text(c.and_then(|c| c.email.as_deref()).unwrap_or("")),
            Cell::Text(c.and_then(|c| c.tier.as_deref()).unwrap_or("")),
            Cell::Text(item.currency()),
            number(risk.map(|r| r.0)),
            number(risk.map(|r| r.1)),
            number(risk.map(|r| r.2)),
            number(c.and_then(|c| c.p_alive).map(|p| p.value)),
            Cell::Text(&item.status),
            Cell::Text(&tags),
            Cell::Text(
                item.assignee
                    .as_ref()
                    .map(|a| a.email.as_str())
                    .unwrap_or(""),
            ),
            Cell::Text(item.url.as_deref().unwrap_or("")),
        ]);
    }
    out.finish()
}

/// Tags typed as a comma-separated list: trimmed, empties dropped, duplicates dropped
/// (first kept), in the order typed.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

#[cfg(test)]
mod tag_tests {
    use super::parse_tags;

    #[test]
    fn tags_are_trimmed_and_unique() {
        assert_eq!(
            parse_tags(" late, box ,, late,refund "),
            vec!["late", "box", "refund"]
        );
        assert!(parse_tags(" , ").is_empty());
    }
}

//! Messages for a Slack-compatible incoming webhook: `{"text": …, "blocks": […]}`, the
//! `text` a plain fallback and the blocks `mrkdwn` sections. Shopper text is escaped for
//! mrkdwn (`&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`: Slack's control characters, which
//! would otherwise make links, mentions such as `<!channel>`, or hide text) and cut to a
//! length a message can carry. Bodies are built as JSON values, never by string pasting.

use serde_json::{json, Value};

use super::digest::Digest;

/// Longest piece of shopper text quoted in a message, characters.
pub const MAX_QUOTE: usize = 500;

/// `text` escaped for Slack's mrkdwn.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// At most [`MAX_QUOTE`] characters of `text`, with `…` when cut, escaped.
fn quote(text: &str) -> String {
    let cut: String = text.chars().take(MAX_QUOTE).collect();
    let more = if text.chars().count() > MAX_QUOTE {
        "…"
    } else {
        ""
    };
    escape(&format!("{cut}{more}"))
}

fn section(text: String) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

/// One answer as a message shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotedAnswer {
    /// Question text (or id).
    pub question: String,
    /// The answer as text.
    pub answer: String,
}

/// The instant alert for a detractor's response.
pub fn detractor(
    site: &str,
    survey: &str,
    customer: Option<&str>,
    answers: &[QuotedAnswer],
) -> Value {
    let who = customer
        .map(quote)
        .unwrap_or_else(|| "an anonymous shopper".to_owned());
    let head = format!(
        "Detractor response on {} (survey {}) from {}",
        quote(site),
        quote(survey),
        who
    );
    let mut lines = Vec::new();
    for a in answers {
        lines.push(format!("*{}*\n> {}", quote(&a.question), quote(&a.answer)));
    }
    let mut blocks = vec![section(format!(":warning: {head}"))];
    if !lines.is_empty() {
        blocks.push(section(lines.join("\n")));
    }
    json!({"text": head, "blocks": blocks})
}

fn signed(v: Option<f64>) -> String {
    match v {
        Some(x) if x > 0.0 => format!("+{x:.1}"),
        Some(x) => format!("{x:.1}"),
        None => "n/a".to_owned(),
    }
}

/// The daily digest message.
pub fn digest(site: &str, d: &Digest) -> Value {
    let nps = d
        .nps
        .map(|n| format!("{n:.1}"))
        .unwrap_or_else(|| "n/a".to_owned());
    let head = format!(
        "Daily digest for {} on {}: {} new responses, NPS {} ({} vs previous day, {} vs previous week)",
        quote(site),
        d.day,
        d.responses,
        nps,
        signed(d.nps_change_day),
        signed(d.nps_change_week)
    );
    let themes = if d.themes.is_empty() {
        "none".to_owned()
    } else {
        d.themes
            .iter()
            .map(|(w, n)| format!("{} ({n})", quote(w)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let risk = match &d.revenue_at_risk {
        Some((minor, currency)) => format!("{:.2} {}", minor / 100.0, quote(currency)),
        None => "n/a (no scored customer answered)".to_owned(),
    };
    json!({
        "text": head,
        "blocks": [
            section(format!("*Daily digest* for {} — {}", quote(site), d.day)),
            section(format!(
                "*New responses:* {}\n*NPS:* {} ({} vs previous day, {} vs previous week)\n*Detractors:* {}\n*Top themes:* {}\n*Revenue at risk:* {}",
                d.responses, nps, signed(d.nps_change_day), signed(d.nps_change_week), d.detractors, themes, risk
            )),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_everywhere() {
        assert_eq!(
            escape("a & <!channel> <http://x|y>"),
            "a &amp; &lt;!channel&gt; &lt;http://x|y&gt;"
        );
        let m = detractor(
            "demo",
            "s<1>",
            Some("<@U123>"),
            &[QuotedAnswer {
                question: "Why?".into(),
                answer: "<!here> & <https://evil.example|click>".into(),
            }],
        );
        let text = m.to_string();
        for raw in ["<!here>", "<@U123>", "<https://evil", "s<1>"] {
            assert!(!text.contains(raw), "{raw} in {text}");
        }
        assert!(text.contains("&lt;!here&gt; &amp; &lt;https://evil.example|click&gt;"));
        assert!(m["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Detractor")));
        assert_eq!(m["blocks"][0]["type"], "section");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(MAX_QUOTE + 10);
        let m = detractor(
            "d",
            "s",
            None,
            &[QuotedAnswer {
                question: "q".into(),
                answer: long,
            }],
        );
        let body = m["blocks"][1]["text"]["text"].as_str().unwrap_or("");
        assert!(body.contains('…') && body.len() < MAX_QUOTE + 50);
    }
}

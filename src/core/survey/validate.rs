//! The rules a site configuration must follow beyond its JSON shape. Each check reports the
//! JSON path of the first value at fault.

use super::branch::{Scalar, END};
use super::theme::is_safe_css_value;
use super::MAX_MAX_LENGTH;
use super::{
    ConfigError, Frequency, PartialSiteConfig, Question, QuestionKind, SiteConfig, Survey, Theme,
    Trigger,
};
use crate::core::text::LocalizedText;
use std::collections::HashSet;

/// Most surveys per site.
pub const MAX_SURVEYS: usize = 100;
/// Most questions per survey (a response carries at most 50 answers).
pub const MAX_QUESTIONS: usize = 50;
/// Most options per choice question.
pub const MAX_OPTIONS: usize = 50;
/// Longest id (site, survey, question, option) in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest visible text (prompt, label, thank-you) in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest URL rule value in characters.
pub const MAX_URL_RULE_CHARS: usize = 2048;
/// Longest recontact / cooldown period in days.
pub const MAX_DAYS: f64 = 3650.0;

type Result<T = ()> = std::result::Result<T, ConfigError>;

fn err<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T> {
    Err(ConfigError::invalid(path, message))
}

/// Whether `id` is usable as an id: 1–128 characters from `A–Z a–z 0–9 _ - . :`.
/// Ids end up in localStorage keys, URLs and CSV headers, so they are kept plain.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn id(path: &str, value: &str) -> Result {
    if is_valid_id(value) {
        Ok(())
    } else {
        err(
            path,
            format!("`{value}` is not a valid id (1–{MAX_ID_CHARS} characters from A–Z a–z 0–9 _ - . :)"),
        )
    }
}

fn days(path: &str, value: f64) -> Result {
    if value.is_finite() && (0.0..=MAX_DAYS).contains(&value) {
        Ok(())
    } else {
        err(path, format!("{value} is outside 0–{MAX_DAYS}"))
    }
}

fn text(path: &str, value: &LocalizedText) -> Result {
    if value.is_empty_map() {
        return err(path, "must have at least one locale");
    }
    for v in value.variants() {
        if v.trim().is_empty() {
            return err(path, "must not be empty");
        }
        if v.chars().count() > MAX_TEXT_CHARS {
            return err(path, format!("is longer than {MAX_TEXT_CHARS} characters"));
        }
    }
    Ok(())
}

fn opt_text(path: &str, value: &Option<LocalizedText>) -> Result {
    value.as_ref().map_or(Ok(()), |t| text(path, t))
}

fn locale(path: &str, value: &str) -> Result {
    let ok = value == "auto"
        || (!value.is_empty()
            && value.len() <= 35
            && value
                .split(['-', '_'])
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())));
    if ok {
        Ok(())
    } else {
        err(
            path,
            format!("`{value}` is neither \"auto\" nor a locale tag like \"es\" or \"pt-BR\""),
        )
    }
}

fn theme(path: &str, t: &Theme) -> Result {
    for (field, value) in [
        ("brand", &t.brand),
        ("radius", &t.radius),
        ("font", &t.font),
    ] {
        if let Some(v) = value {
            if !is_safe_css_value(v) {
                return err(
                    format!("{path}.{field}"),
                    "must be a plain CSS value (≤ 200 characters, no ; { } < > \\ @ url( /*)",
                );
            }
        }
    }
    Ok(())
}

/// Validates a whole configuration.
pub fn site_config(c: &SiteConfig) -> Result {
    id("site", &c.site)?;
    locale("locale", &c.locale)?;
    theme("theme", &c.theme)?;
    days("cooldownDays", c.cooldown_days)?;
    surveys(&c.surveys)
}

/// Validates an inline `config` argument on its own.
pub fn partial(p: &PartialSiteConfig) -> Result {
    if let Some(l) = &p.locale {
        locale("locale", l)?;
    }
    if let Some(t) = &p.theme {
        theme("theme", t)?;
    }
    if let Some(d) = p.cooldown_days {
        days("cooldownDays", d)?;
    }
    surveys(&p.surveys)
}

fn surveys(list: &[Survey]) -> Result {
    if list.len() > MAX_SURVEYS {
        return err("surveys", format!("more than {MAX_SURVEYS} surveys"));
    }
    let mut seen = HashSet::new();
    for (i, s) in list.iter().enumerate() {
        let path = format!("surveys[{i}]");
        survey(&path, s)?;
        if !seen.insert(s.id.as_str()) {
            return err(
                format!("{path}.id"),
                format!("duplicate survey id `{}`", s.id),
            );
        }
    }
    Ok(())
}

/// Validates one survey; `path` is its JSON path (`surveys[3]`).
pub fn survey(path: &str, s: &Survey) -> Result {
    id(&format!("{path}.id"), &s.id)?;
    if let Some(name) = &s.name {
        if name.chars().count() > MAX_TEXT_CHARS {
            return err(
                format!("{path}.name"),
                format!("is longer than {MAX_TEXT_CHARS} characters"),
            );
        }
    }
    trigger(&format!("{path}.trigger"), &s.trigger)?;
    if let Some(url) = &s.targeting.url {
        let n = url.value.chars().count();
        if n == 0 || n > MAX_URL_RULE_CHARS {
            return err(
                format!("{path}.targeting.url.value"),
                format!("must be 1–{MAX_URL_RULE_CHARS} characters"),
            );
        }
    }
    let t = &s.throttle;
    let tp = format!("{path}.throttle");
    if !(t.sample.is_finite() && (0.0..=100.0).contains(&t.sample)) {
        return err(
            format!("{tp}.sample"),
            format!("{} is outside 0–100", t.sample),
        );
    }
    if t.frequency == Frequency::MaxTimes && t.max_shows == 0 {
        return err(
            format!("{tp}.maxShows"),
            "must be at least 1 for frequency maxTimes",
        );
    }
    days(&format!("{tp}.recontactDays"), t.recontact_days)?;
    opt_text(&format!("{path}.thankYou.title"), &s.thank_you.title)?;
    opt_text(&format!("{path}.thankYou.body"), &s.thank_you.body)?;
    questions(path, &s.questions)
}

fn trigger(path: &str, t: &Trigger) -> Result {
    match t {
        Trigger::Delay { seconds }
            if !(seconds.is_finite() && (0.0..=86_400.0).contains(seconds)) =>
        {
            err(
                format!("{path}.seconds"),
                format!("{seconds} is outside 0–86400"),
            )
        }
        Trigger::Scroll { percent }
            if !(percent.is_finite() && (0.0..=100.0).contains(percent)) =>
        {
            err(
                format!("{path}.percent"),
                format!("{percent} is outside 0–100"),
            )
        }
        Trigger::Event { event } if event.is_empty() || event.chars().count() > MAX_ID_CHARS => {
            err(
                format!("{path}.event"),
                format!("must be 1–{MAX_ID_CHARS} characters"),
            )
        }
        _ => Ok(()),
    }
}

fn questions(survey_path: &str, qs: &[Question]) -> Result {
    let path = format!("{survey_path}.questions");
    if qs.is_empty() {
        return err(path, "must not be empty");
    }
    if qs.len() > MAX_QUESTIONS {
        return err(path, format!("more than {MAX_QUESTIONS} questions"));
    }
    let mut seen = HashSet::new();
    for (j, q) in qs.iter().enumerate() {
        let qp = format!("{path}[{j}]");
        id(&format!("{qp}.id"), &q.id)?;
        if q.id == END {
            return err(
                format!("{qp}.id"),
                "`end` is reserved for the thank-you screen",
            );
        }
        if !seen.insert(q.id.as_str()) {
            return err(
                format!("{qp}.id"),
                format!("duplicate question id `{}`", q.id),
            );
        }
    }
    for (j, q) in qs.iter().enumerate() {
        question(&format!("{path}[{j}]"), j, q, qs)?;
    }
    Ok(())
}

fn question(path: &str, index: usize, q: &Question, all: &[Question]) -> Result {
    let needs_text = matches!(
        q.kind,
        QuestionKind::SingleChoice { .. }
            | QuestionKind::MultipleChoice { .. }
            | QuestionKind::OpenText { .. }
    );
    match &q.text {
        Some(t) => text(&format!("{path}.text"), t)?,
        None if needs_text => {
            return err(
                format!("{path}.text"),
                format!("is required for type `{}`", q.kind.question_type().as_str()),
            )
        }
        None => {}
    }
    match &q.kind {
        QuestionKind::Nps(l)
        | QuestionKind::Csat(l)
        | QuestionKind::Ces(l)
        | QuestionKind::Emoji(l) => {
            opt_text(&format!("{path}.lowLabel"), &l.low)?;
            opt_text(&format!("{path}.highLabel"), &l.high)?;
        }
        QuestionKind::Thumbs => {}
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            let op = format!("{path}.options");
            if options.is_empty() {
                return err(op, "must not be empty");
            }
            if options.len() > MAX_OPTIONS {
                return err(op, format!("more than {MAX_OPTIONS} options"));
            }
            let mut seen = HashSet::new();
            for (k, o) in options.iter().enumerate() {
                id(&format!("{op}[{k}].id"), &o.id)?;
                if !seen.insert(o.id.as_str()) {
                    return err(
                        format!("{op}[{k}].id"),
                        format!("duplicate option id `{}`", o.id),
                    );
                }
                text(&format!("{op}[{k}].label"), &o.label)?;
            }
        }
        QuestionKind::OpenText {
            max_length,
            placeholder,
        } => {
            if *max_length == 0 || *max_length > MAX_MAX_LENGTH {
                return err(
                    format!("{path}.maxLength"),
                    format!("{max_length} is outside 1–{MAX_MAX_LENGTH}"),
                );
            }
            opt_text(&format!("{path}.placeholder"), placeholder)?;
            if !q.branches.is_empty() {
                return err(
                    format!("{path}.branches"),
                    "are not supported for type `openText`",
                );
            }
        }
    }
    for (b, branch) in q.branches.iter().enumerate() {
        let bp = format!("{path}.branches[{b}]");
        target(&format!("{bp}.goto"), index, &branch.goto, all)?;
        condition(&format!("{bp}.when"), q, &branch.when)?;
    }
    if let Some(next) = &q.next {
        target(&format!("{path}.next"), index, next, all)?;
    }
    Ok(())
}

/// A jump must go to `end` or to a later question: forward-only jumps are what make every
/// path through a survey finite.
fn target(path: &str, from: usize, goto: &str, all: &[Question]) -> Result {
    if goto == END {
        return Ok(());
    }
    match all.iter().position(|q| q.id == goto) {
        None => err(
            path,
            format!("no question `{goto}` in this survey (or \"end\")"),
        ),
        Some(to) if to <= from => err(
            path,
            format!("`{goto}` is not after this question; jumps must go forward"),
        ),
        Some(_) => Ok(()),
    }
}

fn condition(path: &str, q: &Question, c: &super::Condition) -> Result {
    if c.is_empty() {
        return err(path, "must have at least one of min, max, equals, anyOf");
    }
    if matches!(&c.any_of, Some(v) if v.is_empty()) {
        return err(format!("{path}.anyOf"), "must not be empty");
    }
    let scale = q.kind.scale();
    let ty = q.kind.question_type().as_str();
    for (field, bound) in [("min", c.min), ("max", c.max)] {
        if let Some(n) = bound {
            match &scale {
                None => {
                    return err(
                        format!("{path}.{field}"),
                        format!("only applies to scale questions, not `{ty}`"),
                    )
                }
                Some(r) if !r.contains(&n) => {
                    return err(
                        format!("{path}.{field}"),
                        format!("{n} is outside {}–{}", r.start(), r.end()),
                    )
                }
                Some(_) => {}
            }
        }
    }
    if let (Some(min), Some(max)) = (c.min, c.max) {
        if min > max {
            return err(path, format!("min {min} is greater than max {max}"));
        }
    }
    for s in c.scalars() {
        let ok = match (s, &q.kind) {
            (Scalar::Integer(n), _) => scale.as_ref().is_some_and(|r| r.contains(n)),
            (Scalar::Text(t), QuestionKind::Thumbs) => t == "up" || t == "down",
            (Scalar::Text(t), k) => k.options().iter().any(|o| &o.id == t),
        };
        if !ok {
            let shown = match s {
                Scalar::Integer(n) => n.to_string(),
                Scalar::Text(t) => format!("\"{t}\""),
            };
            return err(
                path,
                format!("{shown} can never be an answer to this `{ty}` question"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{PartialSiteConfig, SiteConfig};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    type Edit = Box<dyn FnOnce(&mut Value)>;

    const DEMO: &str = include_str!("../fixtures/demo_config.json");

    fn demo() -> Value {
        serde_json::from_str(DEMO).unwrap()
    }

    /// Applies `edit` to the demo config and returns the validation error.
    fn error_after(edit: impl FnOnce(&mut Value)) -> String {
        let mut v = demo();
        edit(&mut v);
        match SiteConfig::from_value(&v) {
            Ok(_) => "accepted".to_owned(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn demo_config_is_valid_and_covers_every_type() {
        let c = SiteConfig::from_json(DEMO).unwrap();
        let mut types: Vec<&str> = c
            .surveys
            .iter()
            .flat_map(|s| s.questions.iter().map(|q| q.kind.question_type().as_str()))
            .collect();
        types.sort_unstable();
        types.dedup();
        assert_eq!(
            types,
            [
                "ces",
                "csat",
                "emoji",
                "multipleChoice",
                "nps",
                "openText",
                "singleChoice",
                "thumbs"
            ]
        );
        // Serialising and parsing again gives the same model.
        let again = SiteConfig::from_json(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn each_rule_names_its_path() {
        let q = "/surveys/0/questions";
        let cases: Vec<(Edit, &str)> = vec![
            (Box::new(|v| v["site"] = json!("")), "site: `` is not a valid id"),
            (Box::new(|v| v["locale"] = json!("en US")), "locale: `en US` is neither"),
            (Box::new(|v| v["theme"]["brand"] = json!("red;x:y")), "theme.brand: must be a plain CSS value"),
            (Box::new(|v| v["cooldownDays"] = json!(-1)), "cooldownDays: -1 is outside 0–3650"),
            (Box::new(|v| v["surveys"][1]["id"] = json!("post-purchase")), "surveys[1].id: duplicate survey id `post-purchase`"),
            (Box::new(|v| v["surveys"][0]["throttle"]["sample"] = json!(101)), "surveys[0].throttle.sample: 101 is outside 0–100"),
            (Box::new(|v| v["surveys"][2]["throttle"]["maxShows"] = json!(0)), "surveys[2].throttle.maxShows: must be at least 1"),
            (Box::new(|v| v["surveys"][1]["trigger"]["seconds"] = json!(-5)), "surveys[1].trigger.seconds: -5 is outside 0–86400"),
            (Box::new(|v| v["surveys"][3]["trigger"]["percent"] = json!(150)), "surveys[3].trigger.percent: 150 is outside 0–100"),
            (Box::new(|v| v["surveys"][0]["targeting"]["url"]["value"] = json!("")), "surveys[0].targeting.url.value: must be 1–2048 characters"),
            (Box::new(|v| v["surveys"][0]["questions"] = json!([])), "surveys[0].questions: must not be empty"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/1/id")).unwrap() = json!("nps")), "surveys[0].questions[1].id: duplicate question id `nps`"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/1/id")).unwrap() = json!("end")), "surveys[0].questions[1].id: `end` is reserved"),
            (Box::new(|v| v["surveys"][1]["questions"][0]["options"] = json!([])), "surveys[1].questions[0].options: must not be empty"),
            (Box::new(|v| v["surveys"][1]["questions"][1]["options"][2]["id"] = json!("price")), "surveys[1].questions[1].options[2].id: duplicate option id `price`"),
            (Box::new(|v| v["surveys"][1]["questions"][1]["options"][0]["label"] = json!({})), "surveys[1].questions[1].options[0].label: must have at least one locale"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/3/maxLength")).unwrap() = json!(10_001)), "surveys[0].questions[3].maxLength: 10001 is outside 1–10000"),
            (Box::new(move |v| v.pointer_mut(&format!("{q}/3")).unwrap().as_object_mut().unwrap().remove("text").map(|_| ()).unwrap_or(())), "surveys[0].questions[3].text: is required for type `openText`"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/0/branches/0/goto")).unwrap() = json!("nowhere")), "surveys[0].questions[0].branches[0].goto: no question `nowhere`"),
            (Box::new(move |v| { v.pointer_mut(&format!("{q}/2")).unwrap()["next"] = json!("nps"); }), "surveys[0].questions[2].next: `nps` is not after this question; jumps must go forward"),
            (Box::new(move |v| { v.pointer_mut(&format!("{q}/2")).unwrap()["next"] = json!("review"); }), "surveys[0].questions[2].next: `review` is not after this question"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/0/branches/0/when")).unwrap() = json!({})), "surveys[0].questions[0].branches[0].when: must have at least one of"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/0/branches/0/when")).unwrap() = json!({"max": 11})), "surveys[0].questions[0].branches[0].when.max: 11 is outside 0–10"),
            (Box::new(move |v| *v.pointer_mut(&format!("{q}/0/branches/0/when")).unwrap() = json!({"min": 8, "max": 2})), "surveys[0].questions[0].branches[0].when: min 8 is greater than max 2"),
            (Box::new(|v| v["surveys"][1]["questions"][0]["branches"][0]["when"] = json!({"equals": "nope"})), "surveys[1].questions[0].branches[0].when: \"nope\" can never be an answer to this `singleChoice` question"),
            (Box::new(|v| v["surveys"][1]["questions"][0]["branches"][0]["when"] = json!({"min": 1})), "surveys[1].questions[0].branches[0].when.min: only applies to scale questions"),
            (Box::new(|v| v["surveys"][2]["questions"][0]["branches"][0]["when"] = json!({"anyOf": []})), "surveys[2].questions[0].branches[0].when.anyOf: must not be empty"),
            (Box::new(|v| v["surveys"][2]["questions"][1]["branches"] = json!([{"when": {"equals": "x"}, "goto": "end"}])), "surveys[2].questions[1].branches: are not supported for type `openText`"),
            // Shape errors carry serde's message and the path serde saw.
            (Box::new(|v| v["surveys"][0]["questions"][0]["colour"] = json!(1)), "surveys[0].questions[0].colour: unknown field `colour`"),
            (Box::new(|v| v["surveys"][0]["questions"][0]["options"] = json!([])), "surveys[0].questions[0]: `options` is not allowed for type `nps`"),
            (Box::new(|v| v["surveys"][0]["throttle"]["frequency"] = json!("weekly")), "surveys[0].throttle.frequency: unknown variant `weekly`"),
            (Box::new(|v| v["surveys"][0]["questions"][1]["maxLength"] = json!("long")), "surveys[0].questions[1]"),
            (Box::new(|v| v["surveys"][0]["thankYou"]["footer"] = json!("x")), "surveys[0].thankYou.footer: unknown field `footer`"),
        ];
        for (i, (edit, expected)) in cases.into_iter().enumerate() {
            let got = error_after(edit);
            assert!(
                got.starts_with(expected),
                "case {i}: expected `{expected}`, got `{got}`"
            );
        }
    }

    #[test]
    fn top_level_extra_fields_are_ignored_for_the_collector() {
        let mut v = demo();
        v["origins"] = json!(["http://127.0.0.1:8080"]);
        v["adminToken"] = json!("secret");
        SiteConfig::from_value(&v).unwrap();
    }

    #[test]
    fn json_syntax_errors_give_line_and_column() {
        let e = SiteConfig::from_json("{\"site\": ").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = SiteConfig::from_json(r#"{"site": "a"} trailing"#).unwrap_err();
        assert_eq!(e.path(), "");
    }

    #[test]
    fn merge_replaces_surveys_by_id_and_overrides_theme_and_locale() {
        let mut c = SiteConfig::from_json(DEMO).unwrap();
        let before = c.surveys.len();
        let inline = PartialSiteConfig::from_value(&json!({
            "locale": "es",
            "theme": { "brand": "#111111" },
            "surveys": [
                { "id": "welcome", "trigger": {"type": "manual"}, "questions": [{"id": "t", "type": "thumbs"}] },
                { "id": "brand-new", "questions": [{"id": "n", "type": "nps"}] }
            ]
        }))
        .unwrap();
        c.merge(&inline).unwrap();
        assert_eq!(c.locale, "es");
        assert_eq!(c.theme.brand(), "#111111");
        assert_eq!(c.theme.radius(), "12px", "unset theme fields are kept");
        assert_eq!(c.surveys.len(), before + 1);
        let welcome = c.survey("welcome").unwrap();
        assert_eq!(welcome.questions[0].id, "t");
        assert_eq!(c.surveys.last().map(|s| s.id.as_str()), Some("brand-new"));

        let bad =
            PartialSiteConfig::from_value(&json!({"surveys": [{"id": "x", "questions": []}]}))
                .unwrap_err();
        assert_eq!(bad.to_string(), "surveys[0].questions: must not be empty");
        let mut fresh = SiteConfig::new("demo");
        fresh.merge(&inline).unwrap();
        assert_eq!(fresh.surveys.len(), 2);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-20i64..20).prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            prop::sample::select(vec![
                "nps",
                "csat",
                "ces",
                "thumbs",
                "emoji",
                "singleChoice",
                "multipleChoice",
                "openText",
                "end",
                "q0",
                "q1",
                "a",
                "",
                "delay",
                "event",
                "glob",
                "once",
            ])
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "id",
                            "type",
                            "text",
                            "questions",
                            "options",
                            "label",
                            "branches",
                            "when",
                            "goto",
                            "next",
                            "min",
                            "max",
                            "equals",
                            "anyOf",
                            "trigger",
                            "throttle",
                            "sample",
                            "maxLength",
                            "required",
                            "other",
                            "surveys",
                            "site",
                            "seconds",
                        ]),
                        inner,
                    ),
                    0..6,
                )
                .prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn parsing_never_panics_on_arbitrary_json(v in arb_json()) {
            let _ = SiteConfig::from_value(&v);
            let _ = SiteConfig::from_json(&v.to_string());
            let _ = PartialSiteConfig::from_value(&v);
            let wrapped = json!({"site": "s", "surveys": [{"id": "s", "questions": [v]}]});
            let _ = SiteConfig::from_value(&wrapped);
        }

        #[test]
        fn parsing_never_panics_on_arbitrary_text(s in ".{0,200}") {
            let _ = SiteConfig::from_json(&s);
        }
    }
}

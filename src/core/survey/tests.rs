//! Tests of site-configuration parsing, validation and merging against the demo fixture.

use crate::prelude::*;

use super::{ConfigError, PartialSiteConfig, SiteConfig};
use crate::core::json::Json;
use proptest::prelude::*;
use serde_json::{json, Value};

type Edit = Box<dyn FnOnce(&mut Value)>;

const DEMO: &str = include_str!("../fixtures/demo_config.json");

fn demo() -> Value {
    serde_json::from_str(DEMO).unwrap()
}

/// The core reads its own [`Json`]; the tests build documents with `serde_json::json!`.
fn to_json(v: &Value) -> Json {
    Json::from(v)
}

fn site_from(v: &Value) -> Result<SiteConfig, ConfigError> {
    SiteConfig::from_value(&to_json(v))
}

fn partial_from(v: &Value) -> Result<PartialSiteConfig, ConfigError> {
    PartialSiteConfig::from_value(&to_json(v))
}

/// Applies `edit` to the demo config and returns the validation error.
fn error_after(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = demo();
    edit(&mut v);
    match site_from(&v) {
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
    // Parsed from text or from a value, the model is the same.
    let again = SiteConfig::from_value(&crate::core::json::testing::parse(DEMO).unwrap()).unwrap();
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
        // The renamed question's old id is a branch target: that branch goes elsewhere, so the
        // duplicate is the only fault.
        (Box::new(move |v| { *v.pointer_mut(&format!("{q}/1/id")).unwrap() = json!("nps"); *v.pointer_mut(&format!("{q}/0/branches/0/goto")).unwrap() = json!("end"); }), "surveys[0].questions[1].id: duplicate question id `nps`"),
        (Box::new(move |v| *v.pointer_mut(&format!("{q}/1/id")).unwrap() = json!("end")), "surveys[0].questions[1].id: `end` is reserved"),
        (Box::new(|v| v["surveys"][1]["questions"][0]["options"] = json!([])), "surveys[1].questions[0].options: must not be empty"),
        (Box::new(|v| v["surveys"][1]["questions"][1]["options"][2]["id"] = json!("price")), "surveys[1].questions[1].options[2].id: duplicate option id `price`"),
        (Box::new(|v| v["surveys"][1]["questions"][1]["options"][0]["label"] = json!({})), "surveys[1].questions[1].options[0].label: must have at least one locale"),
        (Box::new(move |v| *v.pointer_mut(&format!("{q}/3/maxLength")).unwrap() = json!(10_001)), "surveys[0].questions[3].maxLength: 10001 is outside 1–10000"),
        // Every type needs its text: the widget has no default prompts.
        (Box::new(move |v| v.pointer_mut(&format!("{q}/3")).unwrap().as_object_mut().unwrap().remove("text").map(|_| ()).unwrap_or(())), "surveys[0].questions[3].text: missing field `text`"),
        (Box::new(move |v| v.pointer_mut(&format!("{q}/0")).unwrap().as_object_mut().unwrap().remove("text").map(|_| ()).unwrap_or(())), "surveys[0].questions[0].text: missing field `text`"),
        (Box::new(move |v| v.pointer_mut(&format!("{q}/2")).unwrap()["text"] = json!(null)), "surveys[0].questions[2].text: missing field `text`"),
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
        // Shape errors name the path of the value at fault.
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
    site_from(&v).unwrap();
}

#[test]
fn json_syntax_errors_give_line_and_column() {
    let e = SiteConfig::from_json("{\"site\": ").unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");
    let e = SiteConfig::from_json(r#"{"site": "a"} trailing"#).unwrap_err();
    assert_eq!(e.path(), "");
}

#[test]
fn merge_overrides_theme_locale_and_cooldown_and_keeps_the_surveys() {
    let mut c = SiteConfig::from_json(DEMO).unwrap();
    let surveys = c.surveys.clone();
    let inline = partial_from(&json!({
        "site": "demo",
        "locale": "es",
        "theme": { "brand": "#111111" },
        "cooldownDays": 3
    }))
    .unwrap();
    c.merge(inline.clone()).unwrap();
    assert_eq!(c.locale, "es");
    assert_eq!(c.theme.brand(), "#111111");
    assert_eq!(c.theme.radius(), "12px", "unset theme fields are kept");
    assert_eq!(c.cooldown_days, 3.0);
    assert_eq!(c.surveys, surveys, "the collector's surveys, untouched");
    // Over an empty configuration (no collector's configuration read): still no survey.
    let mut fresh = SiteConfig::new("demo");
    fresh.merge(inline).unwrap();
    assert_eq!((fresh.locale.as_str(), fresh.surveys.len()), ("es", 0));

    let typo = PartialSiteConfig::from_json(r#"{"themes": {}}"#).unwrap_err();
    assert!(
        typo.to_string()
            .starts_with("themes: unknown field `themes`"),
        "{typo}"
    );
    let bad = partial_from(&json!({"cooldownDays": -1})).unwrap_err();
    assert_eq!(bad.path(), "cooldownDays");
}

#[test]
fn surveys_are_no_inline_setting() {
    // Not even a survey the collector defines, restated word for word: surveys are defined
    // only in the collector's configuration.
    for surveys in [
        json!([{ "id": "welcome", "questions": [{"id": "t", "type": "thumbs", "text": "Helpful?"}] }]),
        json!([]),
        json!("welcome"),
    ] {
        let err = partial_from(&json!({"locale": "es", "surveys": surveys})).unwrap_err();
        assert_eq!(err.path(), "surveys", "{err}");
        assert!(
            err.to_string()
                .starts_with("surveys: unknown field `surveys`"),
            "{err}"
        );
    }
    // So a whole site configuration is no inline one either.
    let whole = PartialSiteConfig::from_json(DEMO).unwrap_err();
    assert_eq!(whole.path(), "surveys");
}

#[test]
fn a_merge_that_fails_validation_changes_nothing() {
    let mut c = SiteConfig::from_json(DEMO).unwrap();
    let before = c.clone();
    // Valid on its own; the merge fails on a rule of the whole configuration (its site id).
    let inline = partial_from(&json!({
        "locale": "es",
        "theme": { "radius": "4px" }
    }))
    .unwrap();
    c.site = "not a site id".to_owned();
    let mut broken = c.clone();
    let err = broken.merge(inline.clone()).unwrap_err();
    assert!(err.to_string().starts_with("site: "), "{err}");
    assert_eq!(broken, c);
    c.site.clone_from(&before.site);
    // An unsafe base theme field is still checked when the inline theme does not override
    // it, and the merged one is used when it does.
    c.theme.brand = Some("red;x".to_owned());
    let err = c.clone().merge(inline.clone()).unwrap_err();
    assert!(err.to_string().starts_with("theme.brand: "), "{err}");
    let fix = partial_from(&json!({"theme": {"brand": "#000"}})).unwrap();
    c.merge(fix).unwrap();
    assert_eq!(c.theme.brand(), "#000");
    c.merge(inline).unwrap();
    assert_eq!(c.locale, "es");
    assert_eq!(c.theme.radius(), "4px");
    assert_eq!(c.surveys, before.surveys);
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
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #[test]
    fn parsing_never_panics_on_arbitrary_json(v in arb_json()) {
        let _ = site_from(&v);
        let _ = partial_from(&v);
        let wrapped = json!({"site": "s", "surveys": [{"id": "s", "questions": [v]}]});
        let _ = site_from(&wrapped);
    }
}

/// The split: a configuration that only breaks a rule decodes (the widget reads it whole,
/// no fault) and is refused by the rules (what the collector does at load); one whose shape
/// is wrong in a survey loses that survey alone when read part by part.
#[test]
fn rules_are_validations_shapes_are_decoding() {
    let rule_breaks: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["surveys"][1]["questions"][0]["options"] = json!([])),
            "surveys[1].questions[0].options: must not be empty",
        ),
        (
            Box::new(|v| v["surveys"][3]["trigger"]["percent"] = json!(150)),
            "surveys[3].trigger.percent: 150 is outside 0–100",
        ),
        (
            Box::new(|v| v["surveys"][1]["id"] = json!("post-purchase")),
            "surveys[1].id: duplicate survey id `post-purchase`",
        ),
        (
            Box::new(|v| v["surveys"][0]["questions"][0]["branches"][0]["goto"] = json!("nowhere")),
            "surveys[0].questions[0].branches[0].goto: no question `nowhere`",
        ),
        (
            Box::new(|v| v["surveys"][0]["questions"][3]["maxLength"] = json!(10_001)),
            "surveys[0].questions[3].maxLength: 10001 is outside 1–10000",
        ),
        (
            Box::new(|v| v["surveys"][0]["questions"][0]["text"] = json!(" ")),
            "surveys[0].questions[0].text: must not be empty",
        ),
        (
            Box::new(|v| v["surveys"][0]["questions"][0]["text"] = json!({"en": "A", "EN": "B"})),
            "surveys[0].questions[0].text: duplicate locale",
        ),
        (
            Box::new(|v| v["cooldownDays"] = json!(-1)),
            "cooldownDays: -1 is outside 0–3650",
        ),
        (
            Box::new(|v| v["theme"]["brand"] = json!("red;x:y")),
            "theme.brand: must be a plain CSS value",
        ),
    ];
    let surveys = demo()["surveys"].as_array().unwrap().len();
    for (i, (edit, expected)) in rule_breaks.into_iter().enumerate() {
        let mut v = demo();
        edit(&mut v);
        let json = to_json(&v);
        let (read, faults) = SiteConfig::read(&json).unwrap();
        assert!(faults.is_empty(), "case {i}: {faults:?}");
        assert_eq!(read.surveys.len(), surveys, "case {i}");
        let refused = SiteConfig::from_value(&json).unwrap_err().to_string();
        assert!(
            refused.starts_with(expected),
            "case {i}: expected `{expected}`, got `{refused}`"
        );
    }

    let shape_breaks: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["surveys"][2]["questions"][0]["type"] = json!("slider")),
            "surveys[2].questions[0].type: unknown variant `slider`",
        ),
        (
            Box::new(|v| v["surveys"][2]["thankYou"]["footer"] = json!("x")),
            "surveys[2].thankYou.footer: unknown field `footer`",
        ),
        (
            Box::new(|v| v["surveys"][2]["throttle"]["frequency"] = json!("weekly")),
            "surveys[2].throttle.frequency: unknown variant `weekly`",
        ),
        (
            Box::new(|v| v["surveys"][2] = json!(null)),
            "surveys[2]: expected an object, got null",
        ),
    ];
    for (i, (edit, expected)) in shape_breaks.into_iter().enumerate() {
        let mut v = demo();
        let id = v["surveys"][2]["id"].as_str().unwrap().to_owned();
        edit(&mut v);
        let json = to_json(&v);
        let (read, faults) = SiteConfig::read(&json).unwrap();
        assert!(faults.settings.is_empty(), "case {i}");
        assert_eq!(faults.surveys.len(), 1, "case {i}");
        let fault = faults.surveys[0].to_string();
        assert!(
            fault.starts_with(expected),
            "case {i}: expected `{expected}`, got `{fault}`"
        );
        assert_eq!(
            read.surveys.len(),
            surveys - 1,
            "case {i}: the others are kept"
        );
        assert!(read.survey(&id).is_none(), "case {i}: that one is skipped");
        let refused = SiteConfig::from_value(&json).unwrap_err().to_string();
        assert!(
            refused.starts_with(expected),
            "case {i}: the collector refuses it all"
        );
    }

    // A setting of the wrong shape keeps its default; only a value that is no object is
    // refused whole.
    let mut v = demo();
    v["locale"] = json!(3);
    v["theme"]["mode"] = json!("sepia");
    let (read, faults) = SiteConfig::read(&to_json(&v)).unwrap();
    assert_eq!(read.locale, "auto");
    assert_eq!(read.theme, super::Theme::default());
    assert_eq!(read.surveys.len(), surveys);
    let settings: Vec<String> = faults.settings.iter().map(ToString::to_string).collect();
    assert_eq!(settings.len(), 2, "{settings:?}");
    assert!(
        settings[0].starts_with("locale: expected a string, got"),
        "{}",
        settings[0]
    );
    assert!(
        settings[1].starts_with("theme.mode: unknown variant `sepia`"),
        "{}",
        settings[1]
    );
    assert!(SiteConfig::read(&to_json(&json!([1]))).is_err());
}

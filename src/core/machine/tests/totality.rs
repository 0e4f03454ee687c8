//! The machine is total on any configuration that decodes, including every one the
//! collector's rules would refuse (it checks them at load; the widget does not re-check
//! what it serves): branches to unknown or earlier questions, empty option lists, limits
//! out of range, duplicate and malformed ids, blank texts, surveys without questions.
//! Property tests drive start → show → answer → next → close → delivery on arbitrary
//! decoded configurations and check that nothing panics and the outcome is sane.

use super::*;
use crate::core::survey::{validate, SiteConfig};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

/// Ids from a small pool, so that duplicates, `end`, malformed and unknown ids all occur.
fn id() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["q1", "q2", "q3", "q1", "end", "", "a b", "zz"])
        .prop_map(String::from)
}

/// A text: plain, blank, or a map (possibly empty, possibly with a repeated locale).
fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("Question?")),
        Just(json!("")),
        Just(json!("   ")),
        Just(json!({})),
        Just(json!({"en": "Hi", "EN": "Hello"})),
    ]
}

/// A branch condition: empty, bounds anywhere (min above max too), values of any kind.
fn condition() -> impl Strategy<Value = Value> {
    (
        prop::option::of(-5i64..20),
        prop::option::of(-5i64..20),
        prop::option::of(prop_oneof![
            (-3i64..12).prop_map(|n| json!(n)),
            id().prop_map(|s| json!(s)),
            Just(json!("up")),
        ]),
        prop::option::of(prop::collection::vec(
            prop_oneof![
                (-3i64..12).prop_map(|n| json!(n)),
                id().prop_map(|s| json!(s))
            ],
            0..3,
        )),
    )
        .prop_map(|(min, max, equals, any_of)| {
            let mut c = serde_json::Map::new();
            if let Some(n) = min {
                c.insert("min".into(), json!(n));
            }
            if let Some(n) = max {
                c.insert("max".into(), json!(n));
            }
            if let Some(v) = equals {
                c.insert("equals".into(), v);
            }
            if let Some(v) = any_of {
                c.insert("anyOf".into(), json!(v));
            }
            Value::Object(c)
        })
}

/// A question of any type, with the settings its type takes set to anything decodable.
fn question() -> impl Strategy<Value = Value> {
    (
        id(),
        prop::sample::select(vec![
            "nps",
            "csat",
            "ces",
            "thumbs",
            "emoji",
            "singleChoice",
            "multipleChoice",
            "openText",
        ]),
        text(),
        any::<bool>(),
        prop::collection::vec((condition(), id()), 0..3),
        prop::option::of(id()),
        prop::collection::vec((id(), text()), 0..4),
        any::<bool>(),
        prop_oneof![Just(0u32), 1u32..5, Just(2000), Just(u32::MAX)],
    )
        .prop_map(
            |(id, ty, text, required, branches, next, options, other, max_length)| {
                let mut q = json!({"id": id, "type": ty, "text": text, "required": required});
                q["branches"] = json!(branches
                    .into_iter()
                    .map(|(when, goto)| json!({"when": when, "goto": goto}))
                    .collect::<Vec<_>>());
                if let Some(next) = next {
                    q["next"] = json!(next);
                }
                match ty {
                    "singleChoice" | "multipleChoice" => {
                        q["options"] = json!(options
                            .into_iter()
                            .map(|(id, label)| json!({"id": id, "label": label}))
                            .collect::<Vec<_>>());
                        if ty == "multipleChoice" {
                            q["other"] = json!(other);
                        }
                    }
                    "openText" => q["maxLength"] = json!(max_length),
                    _ => {}
                }
                q
            },
        )
}

/// A trigger of any type, its setting anywhere (negative, huge, empty).
fn trigger() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "pageLoad"})),
        Just(json!({"type": "manual"})),
        Just(json!({"type": "exitIntent"})),
        (-10.0f64..1e7).prop_map(|s| json!({"type": "delay", "seconds": s})),
        (-50.0f64..500.0).prop_map(|p| json!({"type": "scroll", "percent": p})),
        prop::sample::select(vec!["", "buy"]).prop_map(|e| json!({"type": "event", "event": e})),
    ]
}

fn survey() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["s", "t", "s", "", "end"]),
        trigger(),
        // Mostly every visitor, so that most surveys show.
        prop_oneof![3 => Just(100.0), 1 => -50.0f64..200.0],
        prop::sample::select(vec![
            "once",
            "untilAnswered",
            "maxTimes",
            "always",
            "always",
        ]),
        0u32..3,
        -10.0f64..10_000.0,
        prop::collection::vec(question(), 0..6),
        prop::option::of(text()),
    )
        .prop_map(
            |(id, trigger, sample, frequency, max_shows, days, questions, thanks)| {
                let mut s = json!({
                    "id": id,
                    "trigger": trigger,
                    "throttle": {"sample": sample, "frequency": frequency,
                                 "maxShows": max_shows, "recontactDays": days},
                    "questions": questions,
                });
                if let Some(title) = thanks {
                    s["thankYou"] = json!({"title": title});
                }
                s
            },
        )
}

/// A whole configuration in the shape the widget decodes.
fn config() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["auto", "es", "", "en US"]),
        // Mostly no cooldown, so that one show does not hold back the next survey.
        prop_oneof![3 => Just(0.0), 1 => -5.0f64..5000.0],
        prop::collection::vec(survey(), 0..4),
    )
        .prop_map(|(locale, cooldown, surveys)| {
            json!({"site": SITE, "locale": locale, "cooldownDays": cooldown, "surveys": surveys})
        })
}

/// What the shopper enters: nothing, or a value of any kind (fitting the question or not).
fn answer() -> impl Strategy<Value = Option<AnswerValue>> {
    prop::option::of(prop_oneof![
        (-3i64..12).prop_map(AnswerValue::Number),
        prop::sample::select(vec!["up", "down", "q1", "zz", "", "x"])
            .prop_map(|s| AnswerValue::Text(s.into())),
        (
            prop::collection::vec(id(), 0..3),
            prop::option::of(Just(String::from("other text")))
        )
            .prop_map(|(choices, other)| {
                AnswerValue::Choices(crate::core::response::MultipleChoice {
                    choices,
                    other,
                    ..Default::default()
                })
            }),
        Just(AnswerValue::Json("\"typed\"".into())),
    ])
}

/// The questions of every survey of `config`.
fn all_questions(config: &SiteConfig) -> Vec<&crate::core::survey::Question> {
    config.surveys.iter().flat_map(|s| &s.questions).collect()
}

/// Drives a machine through everything a page and a shopper can do with `doc`, and checks
/// that each step stays sane.
fn drive(doc: &Value, answers: &[Option<AnswerValue>]) {
    let json = Json::from(doc);
    let (config, faults) = SiteConfig::read(&json).expect("an object");
    assert!(
        faults.is_empty(),
        "the generator only makes decodable parts: {faults:?}"
    );
    let questions = all_questions(&config);
    let longest = config.surveys.iter().map(|s| s.questions.len()).max();
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, json, 1_000.0);
    assert!(tab.machine.is_active(), "a decodable configuration is used");
    let mut answers = answers.iter().cycle();
    for survey in &config.surveys {
        tab.input(Input::Command {
            name: Json::Str("show".into()),
            args: vec![Json::Str(survey.id.clone())],
        });
        // Enough presses to walk any survey to its end, plus some refused ones.
        for _ in 0..longest.unwrap_or(0) + 3 {
            let answer = answers.next().cloned().flatten();
            tab.input(Input::Next {
                answer: answer.clone(),
                plain: answer,
            });
        }
        tab.input(Input::Close);
        tab.advance(5_000.0);
    }
    tab.input(Input::PageHidden);
    tab.advance(60_000.0);

    // Every question rendered is one of the configuration's, and a session renders each
    // at most once: jumps go forward only, whatever the branches say.
    let mut in_session = 0;
    for effect in &tab.log {
        match effect {
            Effect::Open { .. } => in_session = 0,
            Effect::Question {
                question,
                progress,
                back,
                ..
            } => {
                assert!(questions.contains(&question), "unknown question rendered");
                assert!(progress.current >= 1 && progress.current <= progress.total.max(1));
                // Forward only: Back is offered from the second question of a session on.
                assert_eq!(*back, in_session > 0, "Back on question {}", in_session + 1);
                in_session += 1;
                assert!(
                    in_session <= longest.unwrap_or(0),
                    "more questions shown than a survey has"
                );
            }
            _ => {}
        }
    }
    // Every body sent is a response to one of the surveys.
    for effect in &tab.log {
        if let Effect::Post(body) = effect {
            let sent = testing::parse(body).expect("JSON");
            let envelope = sent.get("response").unwrap_or(&sent);
            let survey = envelope.get("survey").and_then(Json::as_str);
            assert!(
                config.surveys.iter().any(|s| Some(s.id.as_str()) == survey),
                "a response to an unknown survey: {body}"
            );
        }
    }
    // The collector accepts everything: the outbox drains.
    for _ in 0..100 {
        if tab.posts.is_empty() {
            break;
        }
        tab.settle(Outcome::Http {
            status: 200,
            retry_after: None,
        });
        tab.advance(1_000.0);
    }
    assert!(tab.posts.is_empty(), "requests keep coming");
    assert!(tab.outbox().is_empty(), "the outbox drains");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_machine_is_total_on_any_decoded_config(
        doc in config(),
        answers in prop::collection::vec(answer(), 1..8),
    ) {
        drive(&doc, &answers);
    }
}

/// The generator does make configurations the rules refuse (most of them), so the property
/// above is about those too, not only about valid ones.
#[test]
fn most_generated_configs_break_a_rule() {
    let mut runner = TestRunner::deterministic();
    let strategy = config();
    let (mut refused, mut total) = (0, 0);
    for _ in 0..200 {
        let doc = strategy.new_tree(&mut runner).expect("a value").current();
        let (config, _) = SiteConfig::read(&Json::from(&doc)).expect("an object");
        total += 1;
        if validate::site_config(&config).is_err() {
            refused += 1;
        }
    }
    assert!(refused * 2 > total, "{refused} of {total} refused");
    assert!(refused < total, "some pass the rules too");
}

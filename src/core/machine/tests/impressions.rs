//! Impressions: one `{"site","survey"}` body per dialog opening, nothing about the visitor,
//! none for a survey that does not open.

use super::*;

/// The impression bodies asked for so far.
fn impressions(tab: &Tab<'_>) -> Vec<String> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Impression(body) => Some(body.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_opening_counts_once_with_the_site_and_survey_only() {
    let store = MemoryStore::new();
    let tab = Tab::start(&store, config(""), 0.0);
    assert_eq!(tab.shown(), 1, "the page-load survey opens");
    assert_eq!(impressions(&tab), [r#"{"site":"demo","survey":"s"}"#]);
    // Right after the dialog opens, before its first question.
    let open = tab
        .log
        .iter()
        .position(|e| matches!(e, Effect::Open { .. }))
        .unwrap();
    assert!(matches!(tab.log[open + 1], Effect::Impression(_)));
    // Nothing of the visitor: the body has exactly two members.
    let body = testing::parse(&impressions(&tab)[0]).unwrap();
    let Json::Obj(members) = body else {
        panic!("not an object")
    };
    let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["site", "survey"]);
}

#[test]
fn next_back_submit_and_thanks_do_not_count_again() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(9));
    tab.input(Input::Back {
        answer: None,
        plain: None,
    });
    tab.answer(AnswerValue::Number(9));
    tab.answer(AnswerValue::Text("fast".into()));
    assert!(tab.log.iter().any(|e| matches!(e, Effect::Thanks(_))));
    tab.settle(http(201));
    tab.advance(super::session::THANKS_MS);
    assert!(tab.log.contains(&Effect::Close));
    assert_eq!(impressions(&tab).len(), 1);
    // The impression is no response: nothing of it is queued or posted.
    assert!(tab.outbox().is_empty());
}

#[test]
fn each_opening_counts_and_an_unknown_survey_counts_nothing() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.input(Input::Close);
    // A `show` of a survey the configuration does not have opens nothing.
    show(&mut tab, vec![Json::Str("nope".into())], true);
    assert_eq!(tab.shown(), 1);
    assert_eq!(impressions(&tab).len(), 1);
    // Shown again by the page: a second opening, a second impression.
    show(&mut tab, vec![Json::Str("s".into())], true);
    assert_eq!(tab.shown(), 2, "the survey opens again");
    assert_eq!(impressions(&tab).len(), 2);
}

#[test]
fn a_dormant_widget_counts_nothing() {
    let store = MemoryStore::new();
    let bad = testing::parse(r#"[{"site":"demo"}]"#).unwrap();
    let mut tab = Tab::start(&store, bad, 0.0);
    show(&mut tab, vec![Json::Str("s".into())], true);
    assert_eq!(tab.shown(), 0);
    assert!(impressions(&tab).is_empty());
}

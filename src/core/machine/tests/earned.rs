//! The loyalty points a response earned, on its thank-you screen: the line appears only
//! while that response's thank-you is showing, in the survey's language, and keeps the
//! screen up long enough to be read.

use super::*;

use super::super::session::THANKS_MS;

/// The lines the thank-you screens gained so far.
fn earned(tab: &Tab<'_>) -> Vec<String> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Earned(line) => Some(line.clone()),
            _ => None,
        })
        .collect()
}

fn closed(tab: &Tab<'_>) -> bool {
    tab.log.contains(&Effect::Close)
}

#[test]
fn points_in_the_receipt_add_a_line_to_the_thank_you_and_keep_it_up() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    tab.advance(3_000.0);
    let effects = tab.settle_earning(http(201), 50);
    assert_eq!(earned(&tab), ["You earned 50 points."]);
    // The line comes before the page hears of the delivery.
    let line = effects.iter().position(|e| matches!(e, Effect::Earned(_)));
    let delivered = effects
        .iter()
        .position(|e| matches!(e, Effect::Emit(Event::Delivered { .. })));
    assert!(line < delivered, "{effects:?}");
    // 4 s after the line, not after the submission.
    tab.advance(THANKS_MS - 1.0);
    assert!(!closed(&tab), "still up: the line came 3 s into the screen");
    tab.advance(1.0);
    assert!(closed(&tab));
}

#[test]
fn no_points_no_line() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    tab.settle_earning(http(201), 0);
    assert_eq!(earned(&tab), Vec::<String>::new());
    tab.advance(THANKS_MS);
    assert!(closed(&tab), "closes on the usual schedule");
}

#[test]
fn a_failed_request_earns_no_line_and_the_retry_that_earns_does() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    // A refused request reports no points (the host reads no receipt), even if asked to.
    tab.settle_earning(http(503), 20);
    tab.advance(1_000.0);
    tab.settle_earning(Outcome::NetworkError, 0);
    assert_eq!(earned(&tab), Vec::<String>::new());
    tab.advance(2_000.0);
    tab.settle_earning(http(200), 1);
    assert_eq!(
        earned(&tab),
        ["You earned 1 point."],
        "a retry of a credited id"
    );
}

#[test]
fn a_receipt_after_the_thank_you_closed_shows_nothing() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    tab.settle(Outcome::NetworkError);
    tab.advance(THANKS_MS);
    assert!(closed(&tab));
    // The retry after the screen is gone (and any later delivery) says nothing.
    tab.advance(60_000.0);
    let effects = tab.settle_earning(http(201), 20);
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Emit(Event::Delivered { .. }))));
    assert_eq!(earned(&tab), Vec::<String>::new());
}

#[test]
fn another_responses_points_are_not_claimed_by_the_thank_you_on_screen() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    // The first response waits offline; its thank-you closes.
    tab.answer_all();
    let first = id_of(&tab.posts[0]);
    tab.settle(Outcome::NetworkError);
    tab.input(Input::Close);
    tab.input(Input::Command {
        name: Json::Str("page".into()),
        args: vec![],
    });
    assert_eq!(tab.shown(), 2);
    tab.answer(AnswerValue::Number(7));
    // The first one's retry is in flight when the second is submitted, and earns while the
    // second thank-you shows.
    tab.advance(1_000.0);
    assert_eq!(tab.posts.len(), 1);
    assert_eq!(id_of(&tab.posts[0]), first);
    tab.answer(AnswerValue::Text("again".into()));
    assert!(
        tab.log
            .iter()
            .filter(|e| matches!(e, Effect::Thanks(_)))
            .count()
            == 2
    );
    tab.settle_earning(http(201), 20);
    assert_eq!(
        earned(&tab),
        Vec::<String>::new(),
        "not this screen's response"
    );
    let second = id_of(&tab.posts[0]);
    assert_ne!(second, first);
    tab.settle_earning(http(201), 20);
    assert_eq!(earned(&tab), ["You earned 20 points."]);
}

#[test]
fn a_partial_response_delivered_mid_survey_shows_nothing() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(9));
    tab.input(Input::PageHidden);
    assert_eq!(tab.posts.len(), 1, "the partial response is sent");
    tab.settle_earning(http(201), 20);
    assert_eq!(earned(&tab), Vec::<String>::new(), "no thank-you on screen");
}

#[test]
fn the_line_is_in_the_surveys_language() {
    let store = MemoryStore::new();
    let mut tab = Tab::start_page(&store, config_in("fr"), vec![], vec!["fr".into()], 0.0);
    tab.input(Input::Strings {
        locale: Locale::Fr,
        file: file(Locale::Fr),
    });
    assert_eq!(tab.shown(), 1);
    tab.answer_all();
    tab.settle_earning(http(201), 20);
    assert_eq!(earned(&tab), ["Vous avez gagné 20 points."]);
}

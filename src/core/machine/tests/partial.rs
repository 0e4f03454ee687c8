//! Partial responses driven natively: close or leave after the first question, go on,
//! reload, and the rules of one entry per response id.

use super::*;

/// The body's `partial` flag (absent reads as false).
fn is_partial(body: &str) -> bool {
    testing::parse(body).unwrap().get("partial") == Some(&Json::Bool(true))
}

/// The questions answered in `body`, in order.
fn answered(body: &str) -> Vec<String> {
    let json = testing::parse(body).unwrap();
    json.get("answers")
        .and_then(Json::as_array)
        .unwrap()
        .iter()
        .map(|a| {
            a.get("question")
                .and_then(Json::as_str)
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The demo survey's configuration as the collector checks it.
fn rules() -> crate::core::survey::SiteConfig {
    crate::core::survey::SiteConfig::from_value(&config("")).unwrap()
}

#[test]
fn closing_after_the_first_answer_queues_a_partial_response_once() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(3));
    assert!(
        tab.posts.is_empty(),
        "nothing is sent while the shopper answers"
    );
    tab.input(Input::Close);
    assert_eq!(tab.posts.len(), 1);
    let body = tab.posts[0].clone();
    assert!(is_partial(&body), "{body}");
    assert_eq!(answered(&body), ["nps"]);
    // The collector's rules accept it though the survey was not finished.
    let response = Response::from_json(&body).unwrap();
    validate_response(&rules(), &response).unwrap();
    assert!(tab.emitted().contains(&&Event::Close {
        survey: "s".into(),
        completed: false
    }));
    assert!(
        !tab.emitted()
            .iter()
            .any(|e| matches!(e, Event::Submit { .. })),
        "a partial response is no submission"
    );
    // Closing again, or the page hidden afterwards, queues nothing more.
    tab.input(Input::Close);
    tab.input(Input::PageHidden);
    assert_eq!(tab.posts.len(), 1);
    assert_eq!(tab.outbox().entries().len(), 1);
    tab.settle(http(201));
    assert!(tab.outbox().is_empty());
    assert!(tab.posts.is_empty());
}

#[test]
fn the_page_hidden_mid_survey_sends_the_answers_so_far_and_going_on_completes_them() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(9));
    tab.input(Input::PageHidden);
    assert_eq!(tab.posts.len(), 1);
    let partial = tab.posts[0].clone();
    assert!(is_partial(&partial));
    // Hidden twice (another tab, back, another tab): the same answers are not sent again.
    tab.settle(http(201));
    tab.input(Input::PageHidden);
    assert!(tab.posts.is_empty());
    // The shopper comes back and finishes: the complete response, same id, is sent too.
    tab.answer(AnswerValue::Text("fast".into()));
    assert_eq!(tab.posts.len(), 1);
    let complete = tab.posts[0].clone();
    assert!(!is_partial(&complete), "{complete}");
    assert_eq!(id_of(&complete), id_of(&partial));
    assert_eq!(answered(&complete), ["nps", "why"]);
    tab.settle(http(200));
    assert!(tab.outbox().is_empty());
    // The thank-you screen closing queues nothing: the response was submitted.
    tab.advance(super::super::session::THANKS_MS);
    assert!(tab.posts.is_empty());
    assert!(tab.outbox().is_empty());
}

#[test]
fn a_partial_not_sent_yet_is_replaced_by_the_complete_response() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(9));
    tab.input(Input::PageHidden);
    // Offline: the partial waits for a retry.
    tab.settle(Outcome::NetworkError);
    assert_eq!(tab.outbox().entries().len(), 1);
    let id = tab.outbox().entries()[0].id.clone();
    tab.answer(AnswerValue::Text("fast".into()));
    // One entry, the complete response, sent now; the partial never goes again.
    let entries = tab.outbox().entries().to_vec();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].id, id);
    assert!(!is_partial(&entries[0].body));
    assert_eq!(tab.posts.len(), 1);
    assert!(!is_partial(&tab.posts[0]));
    tab.settle(http(201));
    assert!(tab.outbox().is_empty());
    assert!(tab.posts.is_empty());
}

#[test]
fn a_partial_in_flight_when_the_shopper_finishes_is_followed_by_the_complete_one() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(9));
    tab.input(Input::PageHidden);
    assert_eq!(tab.posts.len(), 1, "the partial is in flight");
    // Finished while the partial is in flight: queued, sent once that request settles.
    tab.answer(AnswerValue::Text("fast".into()));
    assert_eq!(tab.posts.len(), 1, "one request at a time");
    let effects = tab.settle(http(201));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Emit(Event::Delivered { .. }))),
        "the complete response is not delivered yet: {effects:?}"
    );
    assert_eq!(tab.posts.len(), 1);
    assert!(!is_partial(&tab.posts[0]));
    let id = id_of(&tab.posts[0]);
    tab.settle(http(201));
    assert!(tab.outbox().is_empty());
    assert!(tab.emitted().contains(&&Event::Delivered { id }));
}

#[test]
fn a_partial_left_in_the_outbox_is_sent_once_after_a_reload() {
    let store = MemoryStore::new();
    let mut before = Tab::start(&store, config(""), 0.0);
    before.answer(AnswerValue::Number(2));
    before.input(Input::PageHidden);
    let id = id_of(&before.posts[0]);
    // The page is gone before the request settled.
    drop(before);
    let mut after = Tab::start(&store, config(r#","cooldownDays":1"#), 5_000.0);
    assert_eq!(after.posts.len(), 1);
    assert_eq!(id_of(&after.posts[0]), id);
    assert!(is_partial(&after.posts[0]));
    after.settle(http(201));
    assert!(after.outbox().is_empty());
    after.advance(600_000.0);
    assert!(after.posts.is_empty(), "sent once");
}

#[test]
fn a_survey_closed_or_left_without_an_answer_sends_nothing() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.input(Input::PageHidden);
    tab.input(Input::Close);
    assert!(tab.posts.is_empty());
    assert!(tab.outbox().is_empty());
    // A required question left empty is refused, so still nothing to keep.
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.input(Input::Next {
        answer: None,
        plain: None,
    });
    tab.input(Input::Close);
    assert!(tab.posts.is_empty());
    assert!(tab.outbox().is_empty());
}

#[test]
fn a_refused_answer_is_not_kept() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(9));
    // Longer than the open question's `maxLength` (20): refused with a message.
    let effects = tab.answer(AnswerValue::Text("x".repeat(21)));
    assert!(effects.iter().any(|e| matches!(e, Effect::Invalid(_))));
    tab.input(Input::Close);
    assert_eq!(tab.posts.len(), 1);
    assert_eq!(answered(&tab.posts[0]), ["nps"], "only the valid answer");
}

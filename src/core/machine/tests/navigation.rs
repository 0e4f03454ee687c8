//! Back along the path taken: branching respected, answers kept and shown again, and
//! answers to questions a changed answer took off the path left out of the response.

use super::*;
use crate::core::branching::Progress;

/// NPS that jumps to `why` for detractors (0–6), else goes on to `mood`; `why` is optional.
fn branching() -> Json {
    testing::parse(&format!(
        r#"{{"site":"{SITE}","locale":"en","surveys":[{{"id":"b","trigger":{{"type":"pageLoad"}},"throttle":{{"frequency":"always"}},
        "questions":[
          {{"id":"nps","type":"nps","text":"Recommend us?","required":true,
            "branches":[{{"when":{{"max":6}},"goto":"why"}}],"next":"mood"}},
          {{"id":"extra","type":"openText","text":"Only reached by nothing"}},
          {{"id":"why","type":"openText","text":"Why?","maxLength":20}},
          {{"id":"mood","type":"thumbs","text":"Happy?","required":true}}]}}]}}"#
    ))
    .unwrap()
}

/// The last question rendered: its id, the answer shown with it, whether Back is offered,
/// and its progress.
fn on_screen(tab: &Tab<'_>) -> (String, Option<AnswerValue>, bool, Progress) {
    tab.log
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::Question {
                question,
                progress,
                answer,
                back,
            } => Some((question.id.clone(), answer.clone(), *back, *progress)),
            _ => None,
        })
        .expect("a question was rendered")
}

fn back(tab: &mut Tab<'_>, entry: Option<AnswerValue>) -> Vec<Effect> {
    tab.input(Input::Back {
        answer: entry.clone(),
        plain: entry,
    })
}

/// The `(question, value)` pairs of the response posted.
fn posted(tab: &Tab<'_>) -> Vec<(String, Json)> {
    let body = testing::parse(&tab.posts[0]).unwrap();
    let Some(Json::Arr(answers)) = body.get("answers") else {
        panic!("no answers in {}", tab.posts[0]);
    };
    answers
        .iter()
        .map(|a| {
            (
                a.get("question")
                    .and_then(Json::as_str)
                    .unwrap()
                    .to_string(),
                a.get("value").unwrap().clone(),
            )
        })
        .collect()
}

fn text(s: &str) -> AnswerValue {
    AnswerValue::Text(s.into())
}

#[test]
fn back_returns_along_the_path_taken_with_the_answers_given() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    let (id, answer, offered, _) = on_screen(&tab);
    assert_eq!(
        (id.as_str(), answer, offered),
        ("nps", None, false),
        "no Back on the first question"
    );

    tab.answer(AnswerValue::Number(3));
    let (id, answer, offered, progress) = on_screen(&tab);
    assert_eq!((id.as_str(), answer, offered), ("why", None, true));
    assert_eq!(
        progress,
        Progress {
            current: 2,
            total: 3
        }
    );
    tab.answer(text("slow delivery"));
    assert_eq!(on_screen(&tab).0, "mood");

    // Back from `mood` goes to `why` (the question before it on this path), with its answer.
    back(&mut tab, None);
    let (id, answer, offered, progress) = on_screen(&tab);
    assert_eq!(
        (id.as_str(), answer, offered),
        ("why", Some(text("slow delivery")), true)
    );
    assert_eq!(
        progress,
        Progress {
            current: 2,
            total: 3
        }
    );
    // Back again: the first question, its answer selected, and no Back there.
    back(&mut tab, Some(text("slow delivery")));
    let (id, answer, offered, progress) = on_screen(&tab);
    assert_eq!(
        (id.as_str(), answer, offered),
        ("nps", Some(AnswerValue::Number(3)), false)
    );
    assert_eq!(progress.current, 1);
    // Nothing before the first question: Back does nothing.
    assert_eq!(back(&mut tab, Some(AnswerValue::Number(3))), []);
    assert!(tab.posts.is_empty(), "going back never submits");
}

#[test]
fn a_changed_answer_takes_another_branch_and_drops_the_answers_left_behind() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    tab.answer(AnswerValue::Number(3));
    tab.answer(text("slow delivery"));
    back(&mut tab, None);
    back(&mut tab, None);
    assert_eq!(on_screen(&tab).0, "nps");

    // A promoter now: `why` is skipped, and Back from `mood` returns to the question that
    // jumped there, not to `why`.
    tab.answer(AnswerValue::Number(9));
    let (id, answer, offered, progress) = on_screen(&tab);
    assert_eq!((id.as_str(), answer, offered), ("mood", None, true));
    assert_eq!(
        progress,
        Progress {
            current: 2,
            total: 2
        }
    );
    back(&mut tab, None);
    let (id, answer, _, _) = on_screen(&tab);
    assert_eq!((id.as_str(), answer), ("nps", Some(AnswerValue::Number(9))));

    tab.answer(AnswerValue::Number(10));
    tab.answer(text("up"));
    assert_eq!(tab.posts.len(), 1, "submitted once");
    assert_eq!(
        posted(&tab),
        [
            ("nps".to_string(), Json::Num(10.0)),
            ("mood".to_string(), Json::Str("up".into()))
        ],
        "the answer to `why`, off the path now, is not sent"
    );
    // The response is one the collector accepts for this survey.
    let config = crate::core::survey::SiteConfig::from_value(&branching()).unwrap();
    let response = Response::from_json(&tab.posts[0]).unwrap();
    response.validate(config.survey("b").unwrap()).unwrap();
}

#[test]
fn going_back_to_a_question_on_the_path_again_shows_its_earlier_answer() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    tab.answer(AnswerValue::Number(2));
    // The entry on screen when Back is pressed is kept (it was never confirmed with Next).
    back(&mut tab, Some(text("rude staff")));
    assert_eq!(on_screen(&tab).0, "nps");
    tab.answer(AnswerValue::Number(5));
    let (id, answer, _, _) = on_screen(&tab);
    assert_eq!((id.as_str(), answer), ("why", Some(text("rude staff"))));
    // An entry the collector would refuse is not kept, and does not block going back.
    back(&mut tab, Some(text("far too long for twenty characters")));
    assert_eq!(on_screen(&tab).0, "nps");
    tab.answer(AnswerValue::Number(5));
    assert_eq!(on_screen(&tab).1, Some(text("rude staff")));
    // A cleared entry clears the answer.
    back(&mut tab, None);
    tab.answer(AnswerValue::Number(5));
    assert_eq!(on_screen(&tab).1, None);
    // `why` is optional: skipped, then submitted without it.
    tab.input(Input::Next {
        answer: None,
        plain: None,
    });
    tab.answer(text("down"));
    assert_eq!(
        posted(&tab),
        [
            ("nps".to_string(), Json::Num(5.0)),
            ("mood".to_string(), Json::Str("down".into()))
        ]
    );
}

#[test]
fn back_does_nothing_on_the_thank_you_screen_or_without_a_survey() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    tab.answer(AnswerValue::Number(9));
    tab.answer(text("up"));
    assert!(tab.log.iter().any(|e| matches!(e, Effect::Thanks(_))));
    assert_eq!(
        back(&mut tab, None),
        [],
        "the thank-you screen has no way back"
    );
    tab.input(Input::Close);
    assert_eq!(back(&mut tab, None), [], "no survey on screen");
    assert_eq!(tab.posts.len(), 1);
}

/// Whether the body is marked `partial`.
fn is_partial(tab: &Tab<'_>) -> bool {
    testing::parse(&tab.posts[0]).unwrap().get("partial") == Some(&Json::Bool(true))
}

#[test]
fn a_partial_response_after_back_keeps_the_answers_on_the_current_path_only() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    tab.answer(AnswerValue::Number(3));
    tab.answer(text("slow delivery"));
    back(&mut tab, None);
    back(&mut tab, Some(text("slow delivery")));
    // A promoter now: the path skips `why`, whose answer stays in the session only.
    tab.answer(AnswerValue::Number(9));
    assert_eq!(on_screen(&tab).0, "mood");
    // The entry on screen when Back is pressed is kept too.
    back(&mut tab, Some(text("up")));
    assert_eq!(on_screen(&tab).0, "nps");
    assert!(tab.posts.is_empty(), "going back sends nothing");
    tab.input(Input::Close);
    assert_eq!(tab.posts.len(), 1);
    assert!(is_partial(&tab), "{}", tab.posts[0]);
    assert_eq!(
        posted(&tab),
        [
            ("nps".to_string(), Json::Num(9.0)),
            ("mood".to_string(), Json::Str("up".into()))
        ],
        "the answer kept by Back is there; `why`, off the path now, is not"
    );
    let config = crate::core::survey::SiteConfig::from_value(&branching()).unwrap();
    let response = Response::from_json(&tab.posts[0]).unwrap();
    validate_response(&config, &response).unwrap();
}

#[test]
fn an_answer_kept_only_by_back_is_kept_in_a_partial_response() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    tab.answer(AnswerValue::Number(2));
    // Typed on `why`, never confirmed with Next: Back keeps it, and the page hidden then
    // sends it with the first answer (both on the path of a detractor).
    back(&mut tab, Some(text("rude staff")));
    tab.input(Input::PageHidden);
    assert_eq!(tab.posts.len(), 1);
    assert!(is_partial(&tab));
    assert_eq!(
        posted(&tab),
        [
            ("nps".to_string(), Json::Num(2.0)),
            ("why".to_string(), Json::Str("rude staff".into()))
        ]
    );
}

/// The `(question, value)` pairs and the partial flag of an outbox entry's body.
fn entry(body: &str) -> (Vec<(String, Json)>, bool) {
    let json = testing::parse(body).unwrap();
    let Some(Json::Arr(answers)) = json.get("answers") else {
        panic!("no answers in {body}");
    };
    let pairs = answers
        .iter()
        .map(|a| {
            (
                a.get("question")
                    .and_then(Json::as_str)
                    .unwrap()
                    .to_string(),
                a.get("value").unwrap().clone(),
            )
        })
        .collect();
    (pairs, json.get("partial") == Some(&Json::Bool(true)))
}

#[test]
fn an_answer_changed_after_back_replaces_the_partial_response_queued() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, branching(), 0.0);
    tab.answer(AnswerValue::Number(3));
    tab.answer(text("slow delivery"));
    // The tab hidden on `mood`, offline: a detractor's partial waits in the outbox.
    tab.input(Input::PageHidden);
    tab.settle(Outcome::NetworkError);
    let entries = tab.outbox().entries().to_vec();
    assert_eq!(entries.len(), 1);
    let id = entries[0].id.clone();
    assert_eq!(
        entry(&entries[0].body),
        (
            vec![
                ("nps".to_string(), Json::Num(3.0)),
                ("why".to_string(), Json::Str("slow delivery".into()))
            ],
            true
        )
    );
    // Back to the start, now a promoter: the path skips `why`.
    back(&mut tab, None);
    back(&mut tab, None);
    assert_eq!(on_screen(&tab).0, "nps");
    tab.answer(AnswerValue::Number(10));
    assert_eq!(on_screen(&tab).0, "mood");
    tab.input(Input::PageHidden);
    // Still one entry under the same id, holding the changed state only.
    let entries = tab.outbox().entries().to_vec();
    assert_eq!(entries.len(), 1, "the partial is replaced, not added");
    assert_eq!(entries[0].id, id);
    assert_eq!(
        entry(&entries[0].body),
        (vec![("nps".to_string(), Json::Num(10.0))], true)
    );
    // Going on completes it under the same id, without `why`.
    tab.answer(AnswerValue::Text("up".into()));
    let entries = tab.outbox().entries().to_vec();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].id, id);
    assert_eq!(
        entry(&entries[0].body),
        (
            vec![
                ("nps".to_string(), Json::Num(10.0)),
                ("mood".to_string(), Json::Str("up".into()))
            ],
            false
        )
    );
}

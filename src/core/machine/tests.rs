//! The machine driven natively: a fake clock, an in-memory store shared like
//! `localStorage`, and a host that records what it was asked to do.

use std::string::ToString;
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::core::i18n::{Lang, Locale};
use crate::core::json::testing;
use crate::core::response::{validate_response, AnswerValue, Response};
use crate::core::retry::Outcome;
use crate::core::storage::MemoryStore;
use crate::core::targeting::NoRegex;

const SITE: &str = "demo";

/// A page-load survey: NPS, then an open question.
fn config(extra: &str) -> Json {
    testing::parse(&format!(
        r#"{{"site":"{SITE}","locale":"en","surveys":[{{"id":"s","trigger":{{"type":"pageLoad"}},"throttle":{{"frequency":"always"}},
        "questions":[{{"id":"nps","type":"nps","text":"Recommend us?","required":true}},
                     {{"id":"why","type":"openText","text":"Why?","maxLength":20}}]}}]{extra}}}"#
    ))
    .unwrap()
}

/// One tab: the machine, its host's timers and the requests it sent.
struct Tab<'s> {
    machine: Machine,
    store: &'s MemoryStore,
    now: Now,
    /// Pending timers: kind and when they fire, epoch ms.
    timers: Vec<(Timer, f64)>,
    /// Bodies posted and not yet settled, in order.
    posts: Vec<String>,
    /// Every effect so far.
    log: Vec<Effect>,
    /// How many inputs were handled (a fresh random for each).
    count: u8,
}

impl<'s> Tab<'s> {
    fn start(store: &'s MemoryStore, config: Json, at_ms: f64) -> Tab<'s> {
        Tab::start_inline(store, config, Vec::new(), at_ms)
    }

    /// [`Tab::start`] with inline configurations given to start.
    fn start_inline(
        store: &'s MemoryStore,
        config: Json,
        inline: Vec<Json>,
        at_ms: f64,
    ) -> Tab<'s> {
        Tab::start_page(store, config, inline, vec!["en".into()], at_ms)
    }

    /// [`Tab::start_inline`] on a page preferring `languages`.
    fn start_page(
        store: &'s MemoryStore,
        config: Json,
        inline: Vec<Json>,
        languages: Vec<String>,
        at_ms: f64,
    ) -> Tab<'s> {
        let mut tab = Tab {
            machine: Machine::new(SITE),
            store,
            now: Now {
                epoch_ms: at_ms,
                page_ms: 0.0,
                url: "https://shop.example/cart".into(),
                scroll_percent: 0.0,
                random: [0; 16],
                user_activation: false,
            },
            timers: Vec::new(),
            posts: Vec::new(),
            log: Vec::new(),
            count: 0,
        };
        tab.input(Input::Start {
            config: Some(config),
            inline,
            exit_intent: false,
            nav_at: 0.0,
            languages,
        });
        tab
    }

    fn input(&mut self, input: Input) -> Vec<Effect> {
        // Fresh bytes for every input of every tab (ids must differ between tabs too).
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        self.now.random = [0; 16];
        self.now.random[..4].copy_from_slice(&n.to_le_bytes());
        self.count = self.count.wrapping_add(1);
        self.now.random[4] = self.count;
        let effects = self.machine.handle(&self.now, input, self.store, &NoRegex);
        for effect in &effects {
            match effect {
                Effect::SetTimer(timer, ms) => {
                    self.timers.retain(|(t, _)| t != timer);
                    self.timers.push((*timer, self.now.epoch_ms + ms));
                }
                Effect::ClearTimer(timer) => self.timers.retain(|(t, _)| t != timer),
                Effect::Post(body) => self.posts.push(body.clone()),
                _ => {}
            }
        }
        self.log.extend(effects.iter().cloned());
        effects
    }

    /// Moves the clock on by `ms`, firing the timers that come due, in time order.
    fn advance(&mut self, ms: f64) {
        let end = self.now.epoch_ms + ms;
        loop {
            self.timers.sort_by(|a, b| a.1.total_cmp(&b.1));
            match self.timers.first().copied() {
                Some((timer, at)) if at <= end => {
                    self.timers.remove(0);
                    self.now.page_ms += at - self.now.epoch_ms;
                    self.now.epoch_ms = at;
                    self.input(Input::Timer(timer));
                }
                _ => break,
            }
        }
        self.now.page_ms += end - self.now.epoch_ms;
        self.now.epoch_ms = end;
    }

    /// The request in flight gets `outcome` (a receipt reporting no points).
    fn settle(&mut self, outcome: Outcome) -> Vec<Effect> {
        self.settle_earning(outcome, 0)
    }

    /// The request in flight gets `outcome`, its receipt reporting `points` earned.
    fn settle_earning(&mut self, outcome: Outcome, points: u32) -> Vec<Effect> {
        assert!(!self.posts.is_empty(), "nothing in flight");
        self.posts.remove(0);
        self.input(Input::Sent { outcome, points })
    }

    fn answer(&mut self, value: AnswerValue) -> Vec<Effect> {
        self.input(Input::Next {
            answer: Some(value.clone()),
            plain: Some(value),
        })
    }

    /// Answers the NPS question and then the open one: the response is queued.
    fn answer_all(&mut self) {
        self.answer(AnswerValue::Number(9));
        self.answer(AnswerValue::Text("fast".into()));
    }

    fn outbox(&self) -> Outbox {
        self.store
            .load(&key(SITE, Slot::Outbox))
            .map(|json| Outbox::from_value_or_default(&json))
            .unwrap_or_default()
    }

    fn shown(&self) -> usize {
        self.log
            .iter()
            .filter(|e| matches!(e, Effect::Open { .. }))
            .count()
    }

    fn emitted(&self) -> Vec<&Event> {
        self.log
            .iter()
            .filter_map(|e| match e {
                Effect::Emit(event) => Some(event),
                _ => None,
            })
            .collect()
    }
}

fn http(status: u16) -> Outcome {
    Outcome::Http {
        status,
        retry_after: None,
    }
}

/// The id of a response body.
fn id_of(body: &str) -> String {
    testing::parse(body)
        .unwrap()
        .get("id")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn open_answer_submit_offline_retry_settle() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 1_000_000.0);
    assert_eq!(tab.shown(), 1, "the page-load survey opens");
    let first = tab
        .log
        .iter()
        .find(|e| matches!(e, Effect::Question { .. }));
    assert!(matches!(first, Some(Effect::Question { question, .. }) if question.id == "nps"));
    tab.answer_all();
    assert!(tab.log.iter().any(|e| matches!(e, Effect::Thanks(_))));
    // Queued before it was sent: a reload now would still find it.
    assert_eq!(tab.outbox().entries().len(), 1);
    assert_eq!(tab.posts.len(), 1);
    let id = id_of(&tab.posts[0]);
    let body = testing::parse(&tab.posts[0]).unwrap();
    assert_eq!(body.get("survey").and_then(Json::as_str), Some("s"));
    assert_eq!(body.get("locale").and_then(Json::as_str), Some("en"));
    assert_eq!(
        body.get("createdAt").and_then(Json::as_str),
        Some("1970-01-01T00:16:40.000Z")
    );
    // Offline: the entry stays, with a retry timer.
    tab.settle(Outcome::NetworkError);
    assert_eq!(tab.outbox().entries()[0].attempts, 1);
    assert!(tab.timers.iter().any(|(t, _)| *t == Timer::Retry));
    assert!(tab.posts.is_empty());
    // The retry fires: the same id goes again.
    tab.advance(1_000.0);
    assert_eq!(tab.posts.len(), 1);
    assert_eq!(id_of(&tab.posts[0]), id);
    tab.settle(http(201));
    assert!(tab.outbox().is_empty());
    assert!(tab.emitted().contains(&&Event::Delivered { id }));
    // The thank-you screen closes by itself.
    tab.advance(super::session::THANKS_MS);
    assert!(tab.log.contains(&Effect::Close));
    assert!(tab.emitted().contains(&&Event::Close {
        survey: "s".into(),
        completed: true
    }));
}

#[test]
fn online_makes_waiting_entries_due_at_once() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    for _ in 0..4 {
        tab.settle(Outcome::NetworkError);
        tab.advance(60_000.0);
    }
    tab.settle(Outcome::NetworkError);
    assert!(tab.posts.is_empty());
    tab.input(Input::Online);
    assert_eq!(tab.posts.len(), 1, "sent as soon as the browser is online");
}

#[test]
fn retry_after_is_honoured() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    tab.settle(Outcome::Http {
        status: 429,
        retry_after: Some(30_000.0),
    });
    tab.advance(29_999.0);
    assert!(tab.posts.is_empty(), "not before Retry-After");
    tab.advance(1.0);
    assert_eq!(tab.posts.len(), 1);
}

#[test]
fn a_rejected_response_is_dropped_with_a_warning() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer_all();
    let effects = tab.settle(http(400));
    assert!(tab.outbox().is_empty());
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Warn(w) if w.contains("dropped"))));
}

#[test]
fn reload_with_an_entry_in_flight_resends_it() {
    let store = MemoryStore::new();
    let mut before = Tab::start(&store, config(""), 0.0);
    before.answer_all();
    let id = id_of(&before.posts[0]);
    // The page goes away with the request in flight; the next page finds the outbox.
    drop(before);
    let after = Tab::start(&store, config(r#","cooldownDays":1"#), 5_000.0);
    assert_eq!(after.posts.len(), 1);
    assert_eq!(
        id_of(&after.posts[0]),
        id,
        "the same id: the collector keeps one"
    );
}

#[test]
fn two_tabs_share_the_outbox() {
    let store = MemoryStore::new();
    let mut a = Tab::start(&store, config(""), 0.0);
    let mut b = Tab::start(&store, config(""), 0.0);
    a.answer_all();
    let from_a = id_of(&a.posts[0]);
    b.answer_all();
    assert_eq!(a.outbox().entries().len(), 2, "both responses are queued");
    let from_b = a.outbox().entries()[1].id.clone();
    assert_ne!(from_a, from_b);
    // B re-read the store before sending: the oldest entry, A's, goes first from B too.
    assert_eq!(id_of(&b.posts[0]), from_a);
    // A's request succeeds; A goes on with B's entry, read from the store.
    a.settle(http(201));
    assert_eq!(id_of(&a.posts[0]), from_b);
    // B's request fails: its entry was delivered meanwhile, so only B's own remains.
    b.settle(Outcome::NetworkError);
    assert_eq!(id_of(&b.posts[0]), from_b);
    a.settle(http(201));
    b.settle(http(200));
    assert!(a.outbox().is_empty());
    let delivered: Vec<_> = a
        .emitted()
        .into_iter()
        .filter(|e| matches!(e, Event::Delivered { .. }))
        .cloned()
        .collect();
    assert_eq!(
        delivered,
        [
            Event::Delivered { id: from_a },
            Event::Delivered { id: from_b }
        ]
    );
    // Nothing is left to send by either tab.
    a.advance(600_000.0);
    b.advance(600_000.0);
    assert!(a.posts.is_empty() && b.posts.is_empty());
}

#[test]
fn double_submit_queues_once() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    tab.answer(AnswerValue::Number(3));
    tab.answer(AnswerValue::Text("slow".into()));
    tab.answer(AnswerValue::Text("slow".into()));
    assert_eq!(tab.outbox().entries().len(), 1);
    assert_eq!(tab.posts.len(), 1);
    let submits = tab
        .emitted()
        .iter()
        .filter(|e| matches!(e, Event::Submit { .. }))
        .count();
    assert_eq!(submits, 1);
}

#[test]
fn required_and_collector_rules_are_checked_before_queueing() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    let effects = tab.input(Input::Next {
        answer: None,
        plain: None,
    });
    assert_eq!(
        effects,
        [Effect::Invalid("Please answer this question.".into())]
    );
    let effects = tab.answer(AnswerValue::Number(11));
    assert!(effects.contains(&Effect::Invalid("11 is outside 0–10".into())));
    tab.answer(AnswerValue::Number(9));
    let effects = tab.answer(AnswerValue::Text("far too long for twenty".into()));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Invalid(m) if m.contains("limit is 20"))),
        "{effects:?}"
    );
    assert!(tab.outbox().is_empty(), "nothing queued");
    tab.answer(AnswerValue::Text("ok".into()));
    assert_eq!(tab.outbox().entries().len(), 1);
}

#[test]
fn throttle_and_cooldown() {
    let store = MemoryStore::new();
    let two = testing::parse(&format!(
        r#"{{"site":"{SITE}","cooldownDays":1,"surveys":[
        {{"id":"a","trigger":{{"type":"pageLoad"}},"questions":[{{"id":"q","type":"thumbs","text":"A?"}}]}},
        {{"id":"b","trigger":{{"type":"event","event":"Bought"}},"questions":[{{"id":"q","type":"thumbs","text":"B?"}}]}}]}}"#
    ))
    .unwrap();
    let mut tab = Tab::start(&store, two.clone(), 0.0);
    assert_eq!(tab.shown(), 1);
    tab.input(Input::Close);
    // Shown once (the default frequency): not again after a navigation.
    tab.input(Input::Command {
        name: Json::Str("page".into()),
        args: vec![],
    });
    assert_eq!(tab.shown(), 1);
    // The cooldown keeps the other survey away for a day.
    let effects = tab.input(Input::Command {
        name: Json::Str("track".into()),
        args: vec![Json::Str("Bought".into())],
    });
    assert_eq!(tab.shown(), 1, "{effects:?}");
    let mute = store.text(&key(SITE, Slot::Mute)).unwrap();
    assert!(mute.contains("\"a\"") && mute.contains("\"*\""), "{mute}");
    // A day later (a new page) it may show; `a` never again.
    let mut later = Tab::start(&store, two, 86_400_001.0);
    assert_eq!(later.shown(), 0);
    later.input(Input::Command {
        name: Json::Str("track".into()),
        args: vec![Json::Str("Bought".into())],
    });
    assert_eq!(later.shown(), 1);
}

#[test]
fn delay_triggers_wait_and_navigation_cancels_them() {
    let store = MemoryStore::new();
    let delayed = testing::parse(&format!(
        r#"{{"site":"{SITE}","surveys":[{{"id":"d","trigger":{{"type":"delay","seconds":5}},
        "questions":[{{"id":"q","type":"thumbs","text":"A?"}}]}}]}}"#
    ))
    .unwrap();
    let mut tab = Tab::start(&store, delayed, 0.0);
    assert_eq!(tab.shown(), 0);
    tab.advance(3_000.0);
    tab.input(Input::Command {
        name: Json::Str("page".into()),
        args: vec![],
    });
    tab.advance(3_000.0);
    assert_eq!(tab.shown(), 0, "the navigation restarted the delay");
    tab.advance(2_500.0);
    assert_eq!(tab.shown(), 1);
}

#[test]
fn a_config_that_is_no_object_leaves_the_widget_dormant() {
    let store = MemoryStore::new();
    let bad = testing::parse(r#"[{"site":"demo","surveys":[{"id":"s","questions":[]}]}]"#).unwrap();
    let mut tab = Tab::start(&store, bad, 0.0);
    assert!(!tab.machine.is_active());
    assert!(tab
        .log
        .iter()
        .any(|e| matches!(e, Effect::Error(m) if m.contains("widget disabled"))));
    tab.input(Input::Command {
        name: Json::Str("show".into()),
        args: vec![Json::Str("s".into())],
    });
    assert_eq!(tab.shown(), 0, "dormant: nothing shows");
    // Nor does an inline survey: surveys are defined only in the collector's configuration.
    let inline = testing::parse(
        r#"{"surveys":[{"id":"i","questions":[{"id":"q","type":"thumbs","text":"A?"}]}]}"#,
    )
    .unwrap();
    let effects = tab.input(Input::Command {
        name: Json::Str("config".into()),
        args: vec![inline],
    });
    assert_eq!(errors(&effects), [SURVEYS_INLINE]);
    // Inline settings do not wake it: without the collector's surveys there is nothing to show.
    let locale = testing::parse(r#"{"locale":"es"}"#).unwrap();
    let effects = tab.input(Input::Command {
        name: Json::Str("config".into()),
        args: vec![locale],
    });
    assert_eq!(effects, []);
    assert!(!tab.machine.is_active());
    tab.input(Input::Command {
        name: Json::Str("show".into()),
        args: vec![Json::Str("i".into())],
    });
    assert_eq!(tab.shown(), 0);
}

/// The one error an inline `surveys` member gets.
const SURVEYS_INLINE: &str = "config: surveys: surveys are defined in the collector's \
    configuration, not inline; this `surveys` is ignored";

#[test]
fn an_unreadable_survey_disables_only_itself() {
    let store = MemoryStore::new();
    // The first survey uses a question type this widget does not know (a newer
    // collector's, say), the second is fine; the theme's mode is misspelt.
    let config = testing::parse(&format!(
        r#"{{"site":"{SITE}","theme":{{"brand":"teal","mode":"sepia"}},"surveys":[
        {{"id":"new","trigger":{{"type":"pageLoad"}},
          "questions":[{{"id":"q","type":"slider","text":"Slide?"}}]}},
        {{"id":"s","trigger":{{"type":"pageLoad"}},
          "questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}}]}}"#
    ))
    .unwrap();
    let mut tab = Tab::start(&store, config, 0.0);
    assert!(tab.machine.is_active());
    let logged = errors(&tab.log);
    assert_eq!(logged.len(), 2, "one error per part left out: {logged:?}");
    assert!(
        logged[0].starts_with("site config: theme.mode: unknown variant `sepia`")
            && logged[0].ends_with("; the default is used"),
        "{}",
        logged[0]
    );
    assert!(
        logged[1]
            .starts_with("site config: surveys[0].questions[0].type: unknown variant `slider`")
            && logged[1].ends_with("; skipped"),
        "{}",
        logged[1]
    );
    // The readable survey opens, with the default theme.
    assert_eq!(tab.shown(), 1);
    let theme = tab.log.iter().find_map(|e| match e {
        Effect::Open { theme, .. } => Some(theme.clone()),
        _ => None,
    });
    assert_eq!(theme, Some(crate::core::survey::Theme::default()));
    let shown = tab.log.iter().find_map(|e| match e {
        Effect::Emit(Event::Show { survey }) => Some(survey.clone()),
        _ => None,
    });
    assert_eq!(shown.as_deref(), Some("s"));
    tab.input(Input::Command {
        name: Json::Str("show".into()),
        args: vec![Json::Str("new".into())],
    });
    assert!(
        tab.log.iter().any(
            |e| matches!(e, Effect::Error(m) if m.starts_with("show: unknown survey \"new\""))
        ),
        "the skipped survey is unknown to `show`"
    );
}

#[test]
fn a_survey_without_questions_is_passed_over() {
    let store = MemoryStore::new();
    // The collector refuses such a survey; the widget, which does not re-check, shows the
    // next one due instead of stalling on it.
    let config = testing::parse(&format!(
        r#"{{"site":"{SITE}","surveys":[
        {{"id":"empty","trigger":{{"type":"pageLoad"}},"questions":[]}},
        {{"id":"s","trigger":{{"type":"pageLoad"}},
          "questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}}]}}"#
    ))
    .unwrap();
    let tab = Tab::start(&store, config, 0.0);
    assert!(errors(&tab.log).is_empty(), "decodable: no error");
    let shown: Vec<_> = tab
        .log
        .iter()
        .filter_map(|e| match e {
            Effect::Emit(Event::Show { survey }) => Some(survey.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(shown, ["s"]);
}

/// The console errors among `effects`.
fn errors(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Error(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

/// The collector's configuration of the inline tests: a manual thumbs survey `m`.
fn collector() -> Json {
    testing::parse(&format!(
        r#"{{"site":"{SITE}","surveys":[{{"id":"m","trigger":{{"type":"manual"}},"throttle":{{"frequency":"always"}},
        "questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}}]}}"#
    ))
    .unwrap()
}

/// The question text of every survey opened so far.
fn texts(tab: &Tab<'_>) -> Vec<String> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Question { question, .. } => Some(question.text.resolve("en").to_string()),
            _ => None,
        })
        .collect()
}

/// The brand colour of every survey opened so far.
fn brands(tab: &Tab<'_>) -> Vec<String> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Open { theme, .. } => Some(theme.brand().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn inline_settings_apply_at_start_and_inline_surveys_are_refused_by_name() {
    let store = MemoryStore::new();
    let inline = |json: &str| testing::parse(json).unwrap();
    let mut tab = Tab::start_inline(
        &store,
        collector(),
        vec![
            // `m` restated to show on page load, and a survey of the page's own: neither is
            // applied, the theme beside them is (before the first evaluation).
            inline(
                r##"{"theme":{"brand":"#123456"},
                "surveys":[{"id":"m","trigger":{"type":"pageLoad"},"throttle":{"frequency":"always"},
                "questions":[{"id":"q","type":"thumbs","text":"Useful?"}]},
                {"id":"new","trigger":{"type":"pageLoad"},"questions":[{"id":"q","type":"thumbs","text":"?"}]}]}"##,
            ),
            Json::Num(7.0),
        ],
        0.0,
    );
    assert_eq!(errors(&tab.log), [SURVEYS_INLINE]);
    assert!(tab
        .log
        .iter()
        .any(|e| matches!(e, Effect::Warn(m) if m.contains("config: the argument must be a site config object"))));
    assert_eq!(
        tab.shown(),
        0,
        "no page-load survey: the collector's `m` is manual"
    );
    for id in ["new", "m"] {
        tab.input(Input::Command {
            name: Json::Str("show".into()),
            args: vec![Json::Str(id.into())],
        });
    }
    assert_eq!(
        errors(&tab.log)[1..],
        ["show: unknown survey \"new\": surveys are defined in the collector's configuration"]
    );
    assert_eq!(
        texts(&tab),
        ["Helpful?"],
        "the collector's `m`, nothing of the page's"
    );
    assert_eq!(brands(&tab), ["#123456"], "the inline theme applied");
    // An answer to it is one the collector's own check accepts.
    tab.answer(AnswerValue::Text("up".into()));
    let body = Response::from_json(&tab.posts[0]).unwrap();
    let site = SiteConfig::from_value(&collector()).unwrap();
    assert_eq!(validate_response(&site, &body), Ok(()));
}

#[test]
fn a_config_command_with_surveys_applies_the_rest_and_a_bad_one_nothing() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, collector(), 0.0);
    let config = |tab: &mut Tab<'_>, json: &str| {
        let effects = tab.input(Input::Command {
            name: Json::Str("config".into()),
            args: vec![testing::parse(json).unwrap()],
        });
        errors(&effects)
    };
    // Even an empty list is refused by name; the brand beside it applies.
    assert_eq!(
        config(&mut tab, r##"{"surveys":[],"theme":{"brand":"#abcdef"}}"##),
        [SURVEYS_INLINE]
    );
    // Invalid settings beside `surveys`: two errors, nothing applied.
    let refused = config(
        &mut tab,
        r##"{"surveys":[],"cooldownDays":-1,"theme":{"brand":"#000"}}"##,
    );
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0], SURVEYS_INLINE);
    assert!(
        refused[1].starts_with("config: cooldownDays: "),
        "{refused:?}"
    );
    // `null` is absence, as everywhere in a configuration: no error.
    assert_eq!(
        config(&mut tab, r#"{"surveys":null,"cooldownDays":2}"#),
        Vec::<String>::new()
    );
    tab.input(Input::Command {
        name: Json::Str("show".into()),
        args: vec![Json::Str("m".into())],
    });
    assert_eq!(brands(&tab), ["#abcdef"]);
}

#[test]
fn identify_accumulates_traits_within_the_limit() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    let traits = |json: &str| testing::parse(json).unwrap();
    tab.input(Input::Command {
        name: Json::Str("identify".into()),
        args: vec![Json::Str("u-1".into()), traits(r#"{"plan":"pro"}"#)],
    });
    let big = format!(r#"{{"note":"{}"}}"#, "x".repeat(4_100));
    let effects = tab.input(Input::Command {
        name: Json::Str("identify".into()),
        args: vec![Json::Str("u-2".into()), traits(&big)],
    });
    let warnings: Vec<_> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Warn(_)))
        .collect();
    assert_eq!(warnings.len(), 2, "{effects:?}");
    let stored = store.text(&key(SITE, Slot::Visitor)).unwrap();
    assert!(
        stored.contains("u-1") && !stored.contains("u-2"),
        "{stored}"
    );
    tab.answer_all();
    let body = testing::parse(&tab.posts[0]).unwrap();
    assert_eq!(body.get("userId").and_then(Json::as_str), Some("u-1"));
}

#[test]
fn a_customer_token_travels_with_the_response_and_is_no_trait() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, config(""), 0.0);
    let identify = |tab: &mut Tab<'_>, json: &str| {
        tab.input(Input::Command {
            name: Json::Str("identify".into()),
            args: vec![testing::parse(json).unwrap()],
        })
    };
    identify(&mut tab, r#"{"token":"eyJ.a.b","plan":"gold"}"#);
    let visitor = store.text(&key(SITE, Slot::Visitor)).unwrap();
    assert!(visitor.contains("gold"), "{visitor}");
    assert!(
        !visitor.contains("eyJ"),
        "the token is not stored as a trait: {visitor}"
    );
    tab.answer_all();
    let body = testing::parse(&tab.posts[0]).unwrap();
    assert_eq!(body.get("token").and_then(Json::as_str), Some("eyJ.a.b"));
    let traits = body.get("traits").unwrap();
    assert!(traits.get("token").is_none(), "{traits:?}");
    // The page's `submit` event carries the response, not the token.
    let emitted = format!("{:?}", tab.emitted());
    assert!(!emitted.contains("eyJ"), "{emitted}");
    tab.settle(http(201));

    // A bad token is named and changes nothing; `null` forgets the token.
    let effects = identify(&mut tab, r#"{"token":42}"#);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Warn(w) if w.contains("identify: token must be"))),
        "{effects:?}"
    );
    identify(&mut tab, r#"{"token":null}"#);
    tab.input(Input::Close);
    tab.input(Input::Command {
        name: Json::Str("page".into()),
        args: vec![],
    });
    assert_eq!(tab.shown(), 2);
    tab.answer_all();
    // (The first request settled: the second is the only one in flight.)
    assert_eq!(tab.posts.len(), 1, "{:?}", tab.posts);
    assert!(!tab.posts[0].contains("token"), "{}", tab.posts[0]);
}

/// [`config`] with `"locale"` set to `locale`.
fn config_in(locale: &str) -> Json {
    let Json::Obj(mut members) = config("") else {
        panic!("an object")
    };
    for (key, value) in &mut members {
        if key == "locale" {
            *value = Json::Str(locale.into());
        }
    }
    Json::Obj(members)
}

/// The locale files asked for so far.
fn asked(tab: &Tab<'_>) -> Vec<Locale> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::LoadStrings(locale) => Some(*locale),
            _ => None,
        })
        .collect()
}

/// The language of the dialogs opened so far.
fn opened(tab: &Tab<'_>) -> Vec<Lang> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Open { lang, .. } => Some((**lang).clone()),
            _ => None,
        })
        .collect()
}

fn warnings(tab: &Tab<'_>) -> Vec<String> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Warn(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The locale file the build writes for `locale`.
fn file(locale: Locale) -> Option<Json> {
    Some(testing::parse(&locale.strings().to_json()).unwrap())
}

#[test]
fn an_english_page_asks_for_no_locale_file() {
    let store = MemoryStore::new();
    let tab = Tab::start_page(&store, config_in("auto"), vec![], vec!["en-GB".into()], 0.0);
    assert_eq!(asked(&tab), []);
    let langs = opened(&tab);
    assert_eq!(langs.len(), 1, "opens at once");
    assert_eq!((langs[0].ui, langs[0].s.submit()), (Locale::En, "Submit"));
}

#[test]
fn a_survey_waits_for_its_locale_file_and_opens_in_it() {
    let store = MemoryStore::new();
    let languages = vec!["ja".into(), "fr-CA".into(), "en".into()];
    let mut tab = Tab::start_page(&store, config_in("auto"), vec![], languages, 0.0);
    assert_eq!(asked(&tab), [Locale::Fr], "the first supported language");
    assert_eq!(tab.shown(), 0, "not in English first");
    tab.input(Input::Strings {
        locale: Locale::Fr,
        file: file(Locale::Fr),
    });
    let langs = opened(&tab);
    assert_eq!(langs.len(), 1);
    assert_eq!(langs[0].tag, "ja", "configuration texts follow the page");
    assert_eq!((langs[0].ui, langs[0].s.submit()), (Locale::Fr, "Envoyer"));
    // The required message comes from the same strings.
    let effects = tab.input(Input::Next {
        answer: None,
        plain: None,
    });
    assert!(effects.contains(&Effect::Invalid(
        "Veuillez répondre à cette question.".into()
    )));
    assert_eq!(asked(&tab), [Locale::Fr], "asked once");
}

#[test]
fn a_locale_file_that_fails_leaves_english_with_one_warning() {
    let store = MemoryStore::new();
    let mut tab = Tab::start_page(&store, config_in("ar"), vec![], vec!["en".into()], 0.0);
    assert_eq!(asked(&tab), [Locale::Ar]);
    tab.input(Input::Strings {
        locale: Locale::Ar,
        file: None,
    });
    let langs = opened(&tab);
    assert_eq!(langs.len(), 1, "shown anyway");
    assert_eq!((langs[0].ui, langs[0].s.submit()), (Locale::En, "Submit"));
    assert!(
        langs[0].rtl(),
        "the configured language still runs right to left"
    );
    assert_eq!(
        warnings(&tab),
        ["locale file `ar`: could not be loaded; the widget's own words are shown in English"]
    );
    assert!(errors(&tab.log).is_empty());
}

#[test]
fn a_locale_file_that_stalls_opens_the_survey_in_english_after_the_wait() {
    use crate::core::machine::LOCALE_FILE_WAIT_MS;
    let store = MemoryStore::new();
    let mut tab = Tab::start_page(&store, config_in("de"), vec![], vec![], 0.0);
    assert_eq!(asked(&tab), [Locale::De]);
    tab.advance(LOCALE_FILE_WAIT_MS - 1.0);
    assert_eq!(tab.shown(), 0, "still waiting for the file");
    tab.advance(1.0);
    let langs = opened(&tab);
    assert_eq!(langs.len(), 1, "shown in English once the wait is over");
    assert_eq!((langs[0].ui, langs[0].s.submit()), (Locale::En, "Submit"));
    assert_eq!(
        warnings(&tab),
        ["locale file `de`: not loaded within 3 s; the widget's own words are shown in English"]
    );
    // The file arrives late: the open survey stays as it is, the next one is in German.
    tab.input(Input::Strings {
        locale: Locale::De,
        file: file(Locale::De),
    });
    assert_eq!(opened(&tab).len(), 1);
    tab.answer_all();
    tab.input(Input::Close);
    tab.input(Input::Command {
        name: Json::Str("page".into()),
        args: vec![],
    });
    let langs = opened(&tab);
    assert_eq!(langs.len(), 2, "{:?}", tab.log);
    assert_eq!(langs[1].ui, Locale::De);
    assert_eq!(asked(&tab), [Locale::De], "asked once");
}

#[test]
fn a_locale_file_in_time_leaves_no_warning_when_the_wait_ends() {
    let store = MemoryStore::new();
    let mut tab = Tab::start_page(&store, config_in("de"), vec![], vec![], 0.0);
    tab.advance(500.0);
    tab.input(Input::Strings {
        locale: Locale::De,
        file: file(Locale::De),
    });
    tab.advance(10_000.0);
    assert!(warnings(&tab).is_empty(), "{:?}", warnings(&tab));
    assert_eq!(opened(&tab)[0].ui, Locale::De);
}

#[test]
fn a_broken_locale_file_is_named_and_english_shown() {
    let store = MemoryStore::new();
    let mut tab = Tab::start_page(&store, config_in("de"), vec![], vec![], 0.0);
    tab.input(Input::Strings {
        locale: Locale::De,
        file: Some(testing::parse(r#"{"submit": "Senden"}"#).unwrap()),
    });
    assert_eq!(opened(&tab)[0].s.submit(), "Submit");
    assert_eq!(
        warnings(&tab),
        ["locale file `de`: next: missing field `next`; the widget's own words are shown in English"]
    );
}

#[test]
fn while_a_locale_file_loads_triggers_and_show_wait_for_it() {
    let store = MemoryStore::new();
    let manual = r#","surveys":[{"id":"m","trigger":{"type":"manual"},"throttle":{"frequency":"always"},
        "questions":[{"id":"q","type":"thumbs","text":"Helpful?"}]}]"#;
    let mut json = config(manual);
    if let Json::Obj(members) = &mut json {
        members.retain(|(k, _)| k != "locale");
        members.push(("locale".into(), Json::Str("es".into())));
    }
    let mut tab = Tab::start_page(&store, json, vec![], vec![], 0.0);
    tab.input(Input::Command {
        name: Json::Str("show".into()),
        args: vec![Json::Str("m".into())],
    });
    assert_eq!(tab.shown(), 0, "show waits for the strings");
    tab.input(Input::Strings {
        locale: Locale::Es,
        file: file(Locale::Es),
    });
    assert_eq!(tab.shown(), 1, "and is answered when they arrive");
    assert_eq!(opened(&tab)[0].s.submit(), "Enviar");
}

#[test]
fn a_config_command_changing_the_locale_asks_for_its_file_once() {
    let store = MemoryStore::new();
    let mut tab = Tab::start_page(&store, config_in("auto"), vec![], vec!["en".into()], 0.0);
    assert_eq!(asked(&tab), []);
    assert_eq!(tab.shown(), 1);
    tab.input(Input::Close);
    let locale = |tag: &str| Input::Command {
        name: Json::Str("config".into()),
        args: vec![testing::parse(&format!(r#"{{"locale":"{tag}"}}"#)).unwrap()],
    };
    tab.input(locale("nl-BE"));
    tab.input(locale("nl"));
    assert_eq!(asked(&tab), [Locale::Nl]);
    tab.input(Input::Strings {
        locale: Locale::Nl,
        file: file(Locale::Nl),
    });
    tab.input(locale("en"));
    tab.input(locale("nl"));
    assert_eq!(asked(&tab), [Locale::Nl], "kept once loaded");
}

// --- Who opened the survey: modal only when the shopper asked for it. ---

/// Whether each survey opened so far was modal, in order.
fn modal_opens(tab: &Tab<'_>) -> Vec<bool> {
    tab.log
        .iter()
        .filter_map(|e| match e {
            Effect::Open { modal, .. } => Some(*modal),
            _ => None,
        })
        .collect()
}

fn show(tab: &mut Tab<'_>, args: Vec<Json>, user_activation: bool) -> Vec<Effect> {
    tab.now.user_activation = user_activation;
    let effects = tab.input(Input::Command {
        name: Json::Str("show".into()),
        args,
    });
    tab.now.user_activation = false;
    effects
}

#[test]
fn a_survey_opened_by_a_trigger_is_not_modal_even_during_user_activation() {
    let store = MemoryStore::new();
    // Page load.
    let tab = Tab::start(&store, config(""), 0.0);
    assert_eq!(modal_opens(&tab), [false]);
    // A delay trigger firing while the shopper happens to be clicking something.
    let delayed = testing::parse(&format!(
        r#"{{"site":"{SITE}","surveys":[{{"id":"d","trigger":{{"type":"delay","seconds":5}},
        "questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}}]}}"#
    ))
    .unwrap();
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, delayed, 0.0);
    assert!(modal_opens(&tab).is_empty());
    tab.now.user_activation = true;
    tab.advance(6_000.0);
    assert_eq!(modal_opens(&tab), [false]);
}

#[test]
fn show_is_modal_only_with_user_activation_or_the_shopper_option() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, collector(), 0.0);
    let m = || Json::Str("m".into());
    // A `show` from a page script (a timer, a route change): non-modal.
    show(&mut tab, vec![m()], false);
    tab.input(Input::Close);
    // From a click handler (the browser's user activation is active): modal.
    show(&mut tab, vec![m()], true);
    tab.input(Input::Close);
    // A launcher that loaded the widget on click says so explicitly.
    let shopper = testing::parse(r#"{"shopper":true}"#).unwrap();
    show(&mut tab, vec![m(), shopper], false);
    tab.input(Input::Close);
    // Anything but `true` is no such claim.
    let not = testing::parse(r#"{"shopper":"yes"}"#).unwrap();
    show(&mut tab, vec![m(), not], false);
    tab.input(Input::Close);
    assert_eq!(modal_opens(&tab), [false, true, true, false]);
}

#[test]
fn a_shoppers_show_that_waits_for_the_locale_file_opens_modal_when_it_arrives() {
    let store = MemoryStore::new();
    let mut json = collector();
    if let Json::Obj(members) = &mut json {
        members.push(("locale".into(), Json::Str("fr".into())));
    }
    let mut tab = Tab::start_page(&store, json, vec![], vec![], 0.0);
    assert_eq!(asked(&tab), [Locale::Fr]);
    // Clicked while French is still on its way: nothing opens yet.
    show(&mut tab, vec![Json::Str("m".into())], true);
    assert!(modal_opens(&tab).is_empty());
    // The file arrives outside the click: still the shopper's survey.
    tab.input(Input::Strings {
        locale: Locale::Fr,
        file: file(Locale::Fr),
    });
    assert_eq!(modal_opens(&tab), [true]);
    assert_eq!(opened(&tab)[0].s.submit(), "Envoyer");
}

#[test]
fn a_shoppers_show_that_opens_nothing_does_not_make_a_later_survey_modal() {
    let store = MemoryStore::new();
    let mut tab = Tab::start(&store, collector(), 0.0);
    // Unknown survey, with activation: one error, nothing opens.
    let effects = show(&mut tab, vec![Json::Str("nope".into())], true);
    assert_eq!(
        errors(&effects),
        ["show: unknown survey \"nope\": surveys are defined in the collector's configuration"]
    );
    // While a survey is open, a shopper's `show` opens nothing either.
    show(&mut tab, vec![Json::Str("m".into())], false);
    show(&mut tab, vec![Json::Str("m".into())], true);
    assert_eq!(modal_opens(&tab), [false]);
    tab.input(Input::Close);
    // The next `show` by the page is not modal.
    show(&mut tab, vec![Json::Str("m".into())], false);
    assert_eq!(modal_opens(&tab), [false, false]);
}

#[test]
fn what_the_shopper_asks_for_is_not_throttled() {
    let store = MemoryStore::new();
    let once = testing::parse(&format!(
        r#"{{"site":"{SITE}","cooldownDays":30,"surveys":[{{"id":"f",
        "trigger":{{"type":"manual"}},"throttle":{{"frequency":"once","sample":1}},
        "questions":[{{"id":"q","type":"thumbs","text":"Helpful?"}}]}}]}}"#
    ))
    .unwrap();
    let mut tab = Tab::start(&store, once, 0.0);
    let f = || Json::Str("f".into());
    let shopper = || testing::parse(r#"{"shopper":true}"#).unwrap();
    // The page's own `show`: at most once, and only for the 1 % sampled in.
    let first = show(&mut tab, vec![f()], false);
    let opened_by_page = modal_opens(&tab).len();
    tab.input(Input::Close);
    let again = show(&mut tab, vec![f()], false);
    assert_eq!(
        modal_opens(&tab).len(),
        opened_by_page,
        "the page asks again: throttled"
    );
    assert!(
        again
            .iter()
            .chain(first.iter())
            .any(|e| matches!(e, Effect::Warn(w) if w.starts_with("show: survey \"f\" not shown"))),
        "a throttled page `show` says why"
    );
    // The shopper asks (a feedback button; a click): it opens, every time.
    show(&mut tab, vec![f(), shopper()], false);
    tab.input(Input::Close);
    show(&mut tab, vec![f()], true);
    tab.input(Input::Close);
    let opens = modal_opens(&tab);
    assert_eq!(&opens[opened_by_page..], [true, true]);
}

/// Points earned, on the thank-you screen (see `super::session`).
mod earned;
/// Impressions, one per dialog opening (see `super::session`).
mod impressions;
/// Back along the path taken (see `super::session`).
mod navigation;
/// Partial responses (see `super::partial`).
mod partial;

/// Any decoded configuration, even one the collector's rules refuse (see `totality`).
mod totality;

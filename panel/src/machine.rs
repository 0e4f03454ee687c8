//! The panel's decisions as a state machine: inputs in (the shopper's clicks, the
//! collector's answers), effects out (fetch, post, render, close). No browser type: the
//! shell (`web`) performs the effects and feeds back the answers.
//!
//! ```text
//! open ──token──▶ Loading ──200──▶ Ready(Browse) ──Redeem──▶ Confirm ──Yes──▶ Redeeming
//!   │                │ 401                ▲  ◀──Cancel───────┘                  │ 201/200
//!   └──no token──▶ Anonymous ◀────────────┤                                     ▼
//!                    (join / sign in)     └──────────Back──────────────── Code (+ Copy)
//! ```
//! A redemption the collector refuses (409: balance short, tier too low) shows a sentence for
//! the shopper (and the collector's message in the console)
//! beside that reward; a 401 at any point (the token expired) shows the sign-in call to
//! action; other failures show a retry. After a code is issued the balance is read again.
//!
//! Words: English is built in. When the page wants another supported locale the panel asks
//! for its locale file ([`Effect::LoadStrings`]) on open and draws nothing until it arrives
//! ([`Input::Strings`]), so the panel never flashes English first; a file that cannot be
//! fetched or read, or has not arrived within [`LOCALE_FILE_WAIT_MS`]
//! ([`Input::StringsOverdue`]), leaves English with one warning (a later file is ignored:
//! the words do not change under the shopper's eyes).

use rapport::core::i18n::Locale;
use rapport::core::json::Json;

use crate::prelude::*;

use rapport::core::msg::cat;

use crate::error::PanelError;
use crate::i18n::{Strings, EN};
use crate::model::Me;

/// How long the panel waits for its locale file before it shows English (the file is a
/// couple of kilobytes; a stalled request must not keep the panel empty).
pub const LOCALE_FILE_WAIT_MS: u32 = 3_000;

/// What the panel shows.
// One value lives as long as the panel is open: boxing `Ready` would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// `loyalty/me` is on its way.
    Loading,
    /// No (valid) customer token: the join / sign-in call to action.
    Anonymous,
    /// `loyalty/me` could not be had; the shopper may retry.
    Failed(PanelError),
    /// The programme.
    Ready(Ready),
}

/// The programme on screen, and where the shopper is in a redemption.
#[derive(Clone, Debug, PartialEq)]
pub struct Ready {
    /// The customer's programme.
    pub me: Me,
    /// The redemption step.
    pub step: Step,
    /// A short message for the live region (`Copied`), cleared by the next action.
    pub copied: bool,
}

/// Where a redemption stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Browsing.
    Browse,
    /// "Redeem this for N points?" for a reward id.
    Confirm(String),
    /// The redemption request is on its way.
    Redeeming(String),
    /// The code issued for a reward.
    Code {
        /// The reward id.
        reward: String,
        /// The single-use code.
        code: String,
    },
    /// The collector refused the redemption of a reward.
    Refused {
        /// The reward id.
        reward: String,
        /// Why.
        error: PanelError,
    },
}

/// An HTTP answer of the collector as the shell saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The status (0: no answer, the network failed).
    pub status: u16,
    /// The JSON body, when one could be read.
    pub body: Option<Json>,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The panel was opened.
    Open,
    /// `loyalty/me` answered.
    Loaded(Answer),
    /// The shopper pressed Redeem on a reward.
    Redeem(String),
    /// The shopper confirmed; `id` is a fresh redemption id (idempotency key).
    Confirm {
        /// The redemption id the shell made (random).
        id: String,
    },
    /// The shopper cancelled the confirmation, or went back from a code or a refusal.
    Back,
    /// `loyalty/reward-redemptions` answered.
    Redeemed(Answer),
    /// The shopper asked to retry loading.
    Retry,
    /// Something was copied to the clipboard.
    Copied,
    /// Close button, Escape.
    Close,
    /// The locale file asked for with [`Effect::LoadStrings`] arrived (its JSON) or could
    /// not be fetched (`None`).
    Strings(Option<Json>),
    /// [`LOCALE_FILE_WAIT_MS`] have passed since [`Effect::WaitStrings`].
    StringsOverdue,
}

/// Where focus goes after a render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    /// Leave it where it is (if that element is still there, else the dialog's first
    /// control).
    Keep,
    /// The dialog itself (on open and on a screen change): its title is announced, nothing
    /// scrolls, and Tab goes on to its first control.
    First,
    /// The confirmation's "Yes" button.
    Confirm,
    /// The issued code's Copy button.
    Code,
    /// The Redeem button of this reward.
    Reward(String),
}

/// What the shell must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// GET `loyalty/me` with the token, answered by [`Input::Loaded`].
    FetchMe,
    /// POST `loyalty/reward-redemptions` `{id, reward}`, answered by [`Input::Redeemed`].
    Redeem {
        /// The redemption id.
        id: String,
        /// The reward id.
        reward: String,
    },
    /// Render the screen and move focus.
    Render(Focus),
    /// Remove the panel and give focus back to where it was.
    Close,
    /// `console.warn` (a malformed answer of the collector).
    Warn(String),
    /// Fetch the locale file of this locale, answered by [`Input::Strings`].
    LoadStrings(Locale),
    /// Answer [`Input::StringsOverdue`] after this many milliseconds.
    WaitStrings(u32),
}

/// The panel's state.
#[derive(Debug)]
pub struct Machine {
    has_token: bool,
    screen: Screen,
    /// The locale the page wants.
    wanted: Locale,
    /// The words on screen and their locale.
    strings: &'static Strings,
    shown: Locale,
    /// The locale file was asked for.
    asked: bool,
    /// ... and nothing is drawn until it arrives, fails or is overdue.
    waiting: bool,
}

/// The collector's `error.message` in an error body.
fn collector_error(a: &Answer) -> PanelError {
    PanelError::Collector {
        status: a.status,
        message: a
            .body
            .as_ref()
            .and_then(|b| b.get("error"))
            .and_then(|e| e.get("message"))
            .and_then(Json::as_str)
            .map(str::to_owned),
    }
}

impl Machine {
    /// A closed panel for a shopper with (`has_token`) or without a customer token, on a
    /// page that wants the words of `wanted` (see `rapport::core::i18n::Lang::wanted`).
    pub fn new(has_token: bool, wanted: Locale) -> Machine {
        Machine {
            has_token,
            screen: Screen::Loading,
            wanted,
            strings: &EN,
            shown: Locale::En,
            asked: false,
            waiting: false,
        }
    }

    /// What is on screen.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// The words on screen.
    pub fn strings(&self) -> &'static Strings {
        self.strings
    }

    /// The locale of the words on screen (the dialog's `lang`).
    pub fn shown(&self) -> Locale {
        self.shown
    }

    /// Handles one input.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        let mut effects = Vec::new();
        if input == Input::Open && self.wanted != Locale::En && !self.asked {
            self.asked = true;
            self.waiting = true;
            effects.push(Effect::LoadStrings(self.wanted));
            effects.push(Effect::WaitStrings(LOCALE_FILE_WAIT_MS));
        }
        effects.extend(self.step(input));
        if self.waiting {
            // Nothing is drawn before the words are known; the first render follows them.
            effects.retain(|e| !matches!(e, Effect::Render(_)));
        }
        effects
    }

    fn step(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Strings(file) => self.strings_arrived(file),
            Input::StringsOverdue => self.strings_settled(Err("not loaded within 3 s".into())),
            Input::Open | Input::Retry => self.load(),
            Input::Loaded(answer) => self.loaded(answer),
            Input::Redeem(reward) => self.ask(reward),
            Input::Confirm { id } => self.confirm(id),
            Input::Back => self.back(),
            Input::Redeemed(answer) => self.redeemed(answer),
            Input::Copied => match &mut self.screen {
                Screen::Ready(r) => {
                    r.copied = true;
                    vec![Effect::Render(Focus::Keep)]
                }
                _ => vec![],
            },
            Input::Close => vec![Effect::Close],
        }
    }

    fn strings_arrived(&mut self, file: Option<Json>) -> Vec<Effect> {
        let read = match file.as_ref().map(Strings::from_json) {
            Some(Ok(strings)) => Ok(strings),
            Some(Err(e)) if e.path.is_empty() => Err(e.message),
            Some(Err(e)) => Err(rapport::core::msg::cat(&[&e.path, ": ", &e.message])),
            None => Err("could not be loaded".into()),
        };
        self.strings_settled(read)
    }

    /// The wait for the locale file is over: its words, or English and one warning.
    fn strings_settled(&mut self, read: Result<Strings, String>) -> Vec<Effect> {
        if !self.waiting {
            return vec![];
        }
        self.waiting = false;
        let mut effects = Vec::new();
        match read {
            Ok(strings) => {
                self.strings = Box::leak(Box::new(strings));
                self.shown = self.wanted;
            }
            Err(reason) => effects.push(Effect::Warn(
                PanelError::LocaleFile {
                    locale: self.wanted.tag(),
                    reason,
                }
                .message(),
            )),
        }
        effects.push(Effect::Render(Focus::First));
        effects
    }

    fn load(&mut self) -> Vec<Effect> {
        if !self.has_token {
            self.screen = Screen::Anonymous;
            return vec![Effect::Render(Focus::First)];
        }
        self.screen = Screen::Loading;
        vec![Effect::Render(Focus::First), Effect::FetchMe]
    }

    fn loaded(&mut self, answer: Answer) -> Vec<Effect> {
        if answer.status == 401 {
            self.has_token = false;
            self.screen = Screen::Anonymous;
            return vec![Effect::Render(Focus::First)];
        }
        let decoded = match (&answer.status, &answer.body) {
            (200, Some(body)) => Me::from_json(body),
            _ => Err(collector_error(&answer)),
        };
        match decoded {
            Ok(me) => {
                // A refresh after a code keeps the code on screen.
                let (step, focus) = match core::mem::replace(&mut self.screen, Screen::Loading) {
                    Screen::Ready(Ready {
                        step: step @ Step::Code { .. },
                        ..
                    }) => (step, Focus::Keep),
                    _ => (Step::Browse, Focus::First),
                };
                self.screen = Screen::Ready(Ready {
                    me,
                    step,
                    copied: false,
                });
                vec![Effect::Render(focus)]
            }
            Err(error) => {
                let warn = matches!(error, PanelError::Shape { .. }).then(|| error.message());
                if let Screen::Ready(_) = self.screen {
                    // A failed refresh leaves the programme on screen.
                    return warn.map(Effect::Warn).into_iter().collect();
                }
                self.screen = Screen::Failed(error);
                let mut effects: Vec<Effect> = warn.map(Effect::Warn).into_iter().collect();
                effects.push(Effect::Render(Focus::First));
                effects
            }
        }
    }

    fn ask(&mut self, reward: String) -> Vec<Effect> {
        let Screen::Ready(r) = &mut self.screen else {
            return vec![];
        };
        if matches!(r.step, Step::Redeeming(_)) {
            return vec![];
        }
        if !r.me.reward(&reward).is_some_and(|x| x.available) {
            return vec![Effect::Warn(PanelError::UnknownReward(reward).message())];
        }
        r.step = Step::Confirm(reward);
        r.copied = false;
        vec![Effect::Render(Focus::Confirm)]
    }

    fn confirm(&mut self, id: String) -> Vec<Effect> {
        let Screen::Ready(r) = &mut self.screen else {
            return vec![];
        };
        let Step::Confirm(reward) = &r.step else {
            return vec![];
        };
        let reward = reward.clone();
        r.step = Step::Redeeming(reward.clone());
        vec![Effect::Render(Focus::Keep), Effect::Redeem { id, reward }]
    }

    fn back(&mut self) -> Vec<Effect> {
        let Screen::Ready(r) = &mut self.screen else {
            return vec![];
        };
        let reward = match &r.step {
            Step::Confirm(id)
            | Step::Code { reward: id, .. }
            | Step::Refused { reward: id, .. } => id.clone(),
            Step::Browse | Step::Redeeming(_) => return vec![],
        };
        r.step = Step::Browse;
        r.copied = false;
        let still = r.me.reward(&reward).is_some_and(|x| x.available);
        vec![Effect::Render(if still {
            Focus::Reward(reward)
        } else {
            Focus::First
        })]
    }

    fn redeemed(&mut self, answer: Answer) -> Vec<Effect> {
        let Screen::Ready(r) = &mut self.screen else {
            return vec![];
        };
        let Step::Redeeming(reward) = &r.step else {
            return vec![];
        };
        let reward = reward.clone();
        if answer.status == 401 {
            self.has_token = false;
            self.screen = Screen::Anonymous;
            return vec![Effect::Render(Focus::First)];
        }
        let code = answer
            .body
            .as_ref()
            .and_then(|b| b.get("code"))
            .and_then(Json::as_str);
        match (answer.status, code) {
            (200 | 201, Some(code)) => {
                r.step = Step::Code {
                    reward,
                    code: code.to_owned(),
                };
                vec![Effect::Render(Focus::Code), Effect::FetchMe]
            }
            (200 | 201, None) => {
                let error = PanelError::Shape {
                    document: "reward-redemptions",
                    path: "code".into(),
                    message: "missing field `code`".into(),
                };
                r.step = Step::Refused {
                    reward,
                    error: error.clone(),
                };
                vec![Effect::Warn(error.message()), Effect::Render(Focus::Keep)]
            }
            _ => {
                // The shopper reads a sentence of their own (`strings::refusal`); the
                // collector's words go to the console for the site's developers.
                let error = collector_error(&answer);
                let warn = Effect::Warn(cat(&["redemption refused: ", &error.message()]));
                r.step = Step::Refused { reward, error };
                vec![warn, Effect::Render(Focus::Keep)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::ME;
    use rapport::core::json::testing::parse;
    use std::format;
    use std::string::ToString;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: Some(parse(body).expect("json")),
        }
    }

    fn ready() -> Machine {
        let mut m = Machine::new(true, Locale::En);
        assert_eq!(
            m.handle(Input::Open),
            [Effect::Render(Focus::First), Effect::FetchMe]
        );
        assert_eq!(m.screen(), &Screen::Loading);
        assert_eq!(
            m.handle(Input::Loaded(answer(200, ME))),
            [Effect::Render(Focus::First)]
        );
        m
    }

    fn step(m: &Machine) -> &Step {
        match m.screen() {
            Screen::Ready(r) => &r.step,
            other => panic!("not ready: {other:?}"),
        }
    }

    #[test]
    fn anonymous_shoppers_get_the_call_to_action_without_a_request() {
        let mut m = Machine::new(false, Locale::En);
        assert_eq!(m.handle(Input::Open), [Effect::Render(Focus::First)]);
        assert_eq!(m.screen(), &Screen::Anonymous);
        // Nothing to redeem there.
        assert!(m.handle(Input::Redeem("5-off".into())).is_empty());
    }

    #[test]
    fn an_expired_token_shows_the_sign_in_call_to_action() {
        let mut m = Machine::new(true, Locale::En);
        m.handle(Input::Open);
        let effects = m.handle(Input::Loaded(answer(
            401,
            r#"{"error": {"message": "token: expired"}}"#,
        )));
        assert_eq!(effects, [Effect::Render(Focus::First)]);
        assert_eq!(m.screen(), &Screen::Anonymous);
        // A retry does not send the dead token again.
        assert_eq!(m.handle(Input::Retry), [Effect::Render(Focus::First)]);
    }

    #[test]
    fn redeem_confirm_code_then_refresh() {
        let mut m = ready();
        assert_eq!(
            m.handle(Input::Redeem("5-off".into())),
            [Effect::Render(Focus::Confirm)]
        );
        assert_eq!(step(&m), &Step::Confirm("5-off".into()));
        let effects = m.handle(Input::Confirm { id: "r-1".into() });
        assert_eq!(
            effects,
            [
                Effect::Render(Focus::Keep),
                Effect::Redeem {
                    id: "r-1".into(),
                    reward: "5-off".into()
                }
            ]
        );
        // A second confirm (double click) sends nothing more.
        assert!(m.handle(Input::Confirm { id: "r-2".into() }).is_empty());
        assert!(m.handle(Input::Redeem("free-shipping".into())).is_empty());
        let effects = m.handle(Input::Redeemed(answer(
            201,
            r#"{"id": "r-1", "status": "redeemed", "reward": "5-off", "code": "RAP-1234", "spendable": 120, "pending": 80}"#,
        )));
        assert_eq!(effects, [Effect::Render(Focus::Code), Effect::FetchMe]);
        assert_eq!(
            step(&m),
            &Step::Code {
                reward: "5-off".into(),
                code: "RAP-1234".into()
            }
        );
        // The refreshed balance keeps the code on screen.
        assert_eq!(
            m.handle(Input::Loaded(answer(200, ME))),
            [Effect::Render(Focus::Keep)]
        );
        assert!(matches!(step(&m), Step::Code { .. }));
        assert_eq!(m.handle(Input::Copied), [Effect::Render(Focus::Keep)]);
        assert!(matches!(
            m.screen(),
            Screen::Ready(Ready { copied: true, .. })
        ));
        assert_eq!(
            m.handle(Input::Back),
            [Effect::Render(Focus::Reward("5-off".into()))]
        );
        assert_eq!(step(&m), &Step::Browse);
    }

    #[test]
    fn cancel_returns_to_the_reward() {
        let mut m = ready();
        m.handle(Input::Redeem("free-shipping".into()));
        assert_eq!(
            m.handle(Input::Back),
            [Effect::Render(Focus::Reward("free-shipping".into()))]
        );
        assert_eq!(step(&m), &Step::Browse);
        assert!(m.handle(Input::Back).is_empty(), "nothing to go back from");
    }

    #[test]
    fn unavailable_or_unknown_rewards_are_not_offered() {
        let mut m = ready();
        for id in ["10-percent", "mug", "nope"] {
            let effects = m.handle(Input::Redeem(id.into()));
            assert_eq!(
                effects,
                [Effect::Warn(format!(
                    "reward `{id}` is not in the rewards catalogue"
                ))]
            );
            assert_eq!(step(&m), &Step::Browse);
        }
    }

    #[test]
    fn a_refusal_is_told_to_the_shopper_and_its_reason_to_the_console() {
        let mut m = ready();
        m.handle(Input::Redeem("5-off".into()));
        m.handle(Input::Confirm { id: "r-1".into() });
        let effects = m.handle(Input::Redeemed(answer(
            409,
            r#"{"error": {"code": "conflict", "field": "points", "message": "500 exceeds the spendable balance 20"}}"#,
        )));
        assert_eq!(
            effects,
            [
                Effect::Warn(
                    "redemption refused: the collector answered 409: 500 exceeds the spendable balance 20"
                        .into()
                ),
                Effect::Render(Focus::Keep)
            ]
        );
        match step(&m) {
            Step::Refused { reward, error } => {
                assert_eq!(reward, "5-off");
                assert_eq!(
                    crate::strings::refusal(&crate::strings::EN, error),
                    "You do not have enough points for this reward right now."
                );
                assert_eq!(
                    error.to_string(),
                    "the collector answered 409: 500 exceeds the spendable balance 20"
                );
            }
            other => panic!("{other:?}"),
        }
        // No network: said so.
        m.handle(Input::Back);
        m.handle(Input::Redeem("5-off".into()));
        m.handle(Input::Confirm { id: "r-2".into() });
        m.handle(Input::Redeemed(Answer {
            status: 0,
            body: None,
        }));
        assert!(matches!(
            step(&m),
            Step::Refused {
                error: PanelError::Collector { status: 0, .. },
                ..
            }
        ));
        // A redemption answer without a code is the collector's fault, and reported.
        m.handle(Input::Back);
        m.handle(Input::Redeem("5-off".into()));
        m.handle(Input::Confirm { id: "r-3".into() });
        let effects = m.handle(Input::Redeemed(answer(201, r#"{"id": "r-3"}"#)));
        assert_eq!(
            effects[0],
            Effect::Warn("reward-redemptions: code: missing field `code`".into())
        );
    }

    #[test]
    fn failures_offer_a_retry_and_malformed_answers_are_named() {
        let mut m = Machine::new(true, Locale::En);
        m.handle(Input::Open);
        m.handle(Input::Loaded(Answer {
            status: 0,
            body: None,
        }));
        assert!(matches!(
            m.screen(),
            Screen::Failed(PanelError::Collector { status: 0, .. })
        ));
        assert_eq!(
            m.handle(Input::Retry),
            [Effect::Render(Focus::First), Effect::FetchMe]
        );
        let effects = m.handle(Input::Loaded(answer(200, r#"{"spendable": "x"}"#)));
        assert_eq!(
            effects,
            [
                Effect::Warn("loyalty/me: spendable: expected a number, got a string".into()),
                Effect::Render(Focus::First)
            ]
        );
        // A failed refresh leaves the programme on screen.
        let mut m = ready();
        assert!(m
            .handle(Input::Loaded(Answer {
                status: 503,
                body: None
            }))
            .is_empty());
        assert!(matches!(m.screen(), Screen::Ready(_)));
    }

    #[test]
    fn close_always_closes() {
        for mut m in [Machine::new(false, Locale::En), ready()] {
            assert_eq!(m.handle(Input::Close), [Effect::Close]);
        }
    }

    fn spanish_file() -> Json {
        parse(&crate::i18n::table(Locale::Es).to_json()).expect("json")
    }

    #[test]
    fn a_spanish_page_waits_for_its_words_before_drawing() {
        let mut m = Machine::new(true, Locale::Es);
        assert_eq!(
            m.handle(Input::Open),
            [
                Effect::LoadStrings(Locale::Es),
                Effect::WaitStrings(LOCALE_FILE_WAIT_MS),
                Effect::FetchMe
            ]
        );
        // The programme may arrive first: still nothing drawn.
        assert!(m.handle(Input::Loaded(answer(200, ME))).is_empty());
        assert!(matches!(m.screen(), Screen::Ready(_)));
        assert_eq!(
            m.handle(Input::Strings(Some(spanish_file()))),
            [Effect::Render(Focus::First)]
        );
        assert_eq!((m.shown(), m.strings().title), (Locale::Es, "Recompensas"));
        // The timer firing later changes nothing; nor does a second file.
        assert!(m.handle(Input::StringsOverdue).is_empty());
        assert!(m.handle(Input::Strings(None)).is_empty());
        assert_eq!(m.shown(), Locale::Es);
        // A retry or a second open never asks again.
        assert_eq!(
            m.handle(Input::Retry),
            [Effect::Render(Focus::First), Effect::FetchMe]
        );
    }

    #[test]
    fn english_pages_ask_for_no_file() {
        let mut m = Machine::new(false, Locale::En);
        assert_eq!(m.handle(Input::Open), [Effect::Render(Focus::First)]);
        assert!(m.handle(Input::StringsOverdue).is_empty());
        assert_eq!((m.shown(), m.strings()), (Locale::En, &EN));
    }

    #[test]
    fn a_missing_broken_or_late_file_leaves_english_with_one_warning() {
        let broken = {
            let mut json = spanish_file();
            if let Json::Obj(members) = &mut json {
                members.retain(|(k, _)| k != "redeem");
            }
            json
        };
        let cases = [
            (Input::Strings(None), "could not be loaded"),
            (
                Input::Strings(Some(broken)),
                "redeem: missing field `redeem`",
            ),
            (Input::StringsOverdue, "not loaded within 3 s"),
        ];
        for (input, reason) in cases {
            let mut m = Machine::new(false, Locale::Ar);
            assert_eq!(
                m.handle(Input::Open),
                [
                    Effect::LoadStrings(Locale::Ar),
                    Effect::WaitStrings(LOCALE_FILE_WAIT_MS)
                ]
            );
            assert_eq!(
                m.handle(input),
                [
                    Effect::Warn(format!(
                        "locale file `ar`: {reason}; the panel is shown in English"
                    )),
                    Effect::Render(Focus::First)
                ]
            );
            assert_eq!((m.shown(), m.strings()), (Locale::En, &EN));
            assert_eq!(m.screen(), &Screen::Anonymous);
            // The file arriving after the wait is not used: no second warning, no redraw.
            assert!(m.handle(Input::Strings(Some(spanish_file()))).is_empty());
            assert_eq!(m.shown(), Locale::En);
        }
    }
}

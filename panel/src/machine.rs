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

use rapport::core::json::Json;

use crate::prelude::*;

use rapport::core::msg::cat;

use crate::error::PanelError;
use crate::model::Me;

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
}

/// The panel's state.
#[derive(Debug)]
pub struct Machine {
    has_token: bool,
    screen: Screen,
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
    /// A closed panel for a shopper with (`has_token`) or without a customer token.
    pub fn new(has_token: bool) -> Machine {
        Machine {
            has_token,
            screen: Screen::Loading,
        }
    }

    /// What is on screen.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// Handles one input.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        match input {
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
        let mut m = Machine::new(true);
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
        let mut m = Machine::new(false);
        assert_eq!(m.handle(Input::Open), [Effect::Render(Focus::First)]);
        assert_eq!(m.screen(), &Screen::Anonymous);
        // Nothing to redeem there.
        assert!(m.handle(Input::Redeem("5-off".into())).is_empty());
    }

    #[test]
    fn an_expired_token_shows_the_sign_in_call_to_action() {
        let mut m = Machine::new(true);
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
        let mut m = Machine::new(true);
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
        for mut m in [Machine::new(false), ready()] {
            assert_eq!(m.handle(Input::Close), [Effect::Close]);
        }
    }
}

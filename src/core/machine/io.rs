//! What goes into the machine ([`Now`], [`Input`]) and what comes out ([`Effect`]).

use crate::prelude::*;

use crate::core::branching::Progress;
use crate::core::i18n::{Lang, Locale};
use crate::core::json::Json;
use crate::core::response::AnswerValue;
use crate::core::retry::Outcome;
use crate::core::survey::{Question, ThankYou, Theme};

/// The facts of the moment an input happens, read by the host for every input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Now {
    /// Wall-clock time, epoch ms (`Date.now()`).
    pub epoch_ms: f64,
    /// Monotonic page time, ms (`performance.now()`), the clock of the loader's `navAt`.
    pub page_ms: f64,
    /// The page's URL.
    pub url: String,
    /// How far down the page the viewport's bottom is, percent (100 when nothing scrolls).
    pub scroll_percent: f64,
    /// 16 fresh random bytes (`crypto.getRandomValues`): response and visitor ids, retry
    /// jitter.
    pub random: [u8; 16],
    /// The shopper is acting on the page right now: the input comes while a trusted click
    /// or key press is being dispatched (a page's click handler calling `show`). A `show`
    /// that comes with it was asked for by the shopper (see [`Effect::Open`]).
    pub user_activation: bool,
}

/// What the host tells the machine.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The first input: the collector's site configuration as the page got it (`None`:
    /// none given), the page's inline configurations, and what the page knows already.
    Start {
        /// The collector's site configuration, if the loader passed one: the only source
        /// of surveys (inline configurations give settings, see
        /// [`crate::core::survey::PartialSiteConfig`]).
        config: Option<Json>,
        /// The page's inline configurations in the order given (the loader's `config`
        /// commands before start, the npm package's `config` option), each merged over the
        /// collector's as a `config` command is.
        inline: Vec<Json>,
        /// The loader already saw exit intent on this page.
        exit_intent: bool,
        /// [`Now::page_ms`] of the last navigation (delay triggers count from it).
        nav_at: f64,
        /// The page's preferred languages, best first (`<html lang>`, then the browser's).
        languages: Vec<String>,
    },
    /// The page scrolled (to [`Now::scroll_percent`]).
    Scroll,
    /// The pointer left the document through its top edge.
    ExitIntent,
    /// The browser is back online.
    Online,
    /// A timer set with [`Effect::SetTimer`] fired.
    Timer(Timer),
    /// The request of the last [`Effect::Post`] settled.
    Sent {
        /// How it settled.
        outcome: Outcome,
        /// The loyalty points the collector's receipt says the response earned (its
        /// `points` member: now or on an earlier delivery of the same id); 0 when it says
        /// none, or no receipt was read (a failed request, an anonymous answer).
        points: u32,
    },
    /// A loader command: its name and arguments (JSON values; `undefined` reads as `null`).
    Command {
        /// The command's name (anything the page passed).
        name: Json,
        /// The arguments, in order.
        args: Vec<Json>,
    },
    /// The shopper pressed the primary button, with the current answer (`None`: nothing
    /// entered). `plain` is the same answer with browser-written JSON text read back as
    /// text (what the collector's rules check, see [`crate::core::response::check_answer`]).
    Next {
        /// The answer as it is sent.
        answer: Option<AnswerValue>,
        /// The answer as it is checked.
        plain: Option<AnswerValue>,
    },
    /// The shopper pressed Back, with the entry on screen (as in [`Input::Next`]): the
    /// previous question on the path taken is shown again with its answer.
    Back {
        /// The entry as it is sent.
        answer: Option<AnswerValue>,
        /// The entry as it is checked.
        plain: Option<AnswerValue>,
    },
    /// The shopper closed the survey (close button, Escape).
    Close,
    /// The locale file asked for with [`Effect::LoadStrings`] arrived (`file`: its JSON) or
    /// could not be fetched (`None`).
    Strings {
        /// The locale asked for.
        locale: Locale,
        /// The file's content.
        file: Option<Json>,
    },
    /// The page was hidden or is being left (`visibilitychange` to hidden, `pagehide`):
    /// the answers given so far are queued and sent as a partial response.
    PageHidden,
}

/// The machine's timers: at most one of each kind is pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The nearest pending delay trigger.
    Delay,
    /// The next outbox retry.
    Retry,
    /// The end of the thank-you screen.
    Thanks,
    /// The longest wait for a locale file ([`super::LOCALE_FILE_WAIT_MS`]).
    Strings,
}

/// An event for the page's `on(name, fn)` handlers.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// `show {survey}`.
    Show {
        /// Survey id.
        survey: String,
    },
    /// `submit {survey, response}`: `response` is the JSON body queued.
    Submit {
        /// Survey id.
        survey: String,
        /// The response's JSON.
        response: String,
    },
    /// `close {survey, completed}`.
    Close {
        /// Survey id.
        survey: String,
        /// Whether it was submitted.
        completed: bool,
    },
    /// `delivered {id}`: the collector has the response's latest state. A partial response
    /// delivered before the shopper finished is followed by a second `delivered` with the
    /// same id once the complete one arrives (none for a state superseded in flight).
    Delivered {
        /// Response id.
        id: String,
    },
}

/// What the machine asks the host to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Show the survey dialog (empty) with this theme and language.
    Open {
        /// The site's theme.
        theme: Theme,
        /// The language of everything shown.
        lang: Box<Lang>,
        /// The shopper opened it (a `show` during user activation, or with
        /// `{shopper: true}`): a modal dialog that takes focus and keeps it until closed.
        /// Otherwise a trigger opened it: a non-modal popover that is announced but leaves
        /// focus where it is (reachable with the keyboard shortcut or the next Tab).
        modal: bool,
    },
    /// Render a question at `progress` along the path.
    Question {
        /// The question.
        question: Question,
        /// Where it is on the path.
        progress: Progress,
        /// The answer given to it earlier (the shopper came back to it), shown selected.
        answer: Option<AnswerValue>,
        /// Whether a Back button leads to a previous question (not on the first one).
        back: bool,
    },
    /// Show a validation message under the question.
    Invalid(String),
    /// Disable the primary button (a submission is being recorded).
    Busy,
    /// Render the thank-you screen.
    Thanks(ThankYou),
    /// Add this line to the thank-you screen on show, and announce it politely: the
    /// loyalty points its response earned ("You earned 50 points.").
    Earned(String),
    /// Remove the dialog (and give focus back).
    Close,
    /// POST this response body to the collector's `/v1/responses`; answer with
    /// [`Input::Sent`].
    Post(String),
    /// POST this body (`{"site","survey"}`) to the collector's `/v1/impressions`, once per
    /// dialog opening, fire and forget: the collector counts how often each survey was
    /// shown (its response rate), nothing about the visitor. No input answers it.
    Impression(String),
    /// Arm `timer` (replacing a pending one of its kind) to fire in `ms`.
    SetTimer(Timer, f64),
    /// Cancel `timer`.
    ClearTimer(Timer),
    /// Tell the page's handlers.
    Emit(Event),
    /// Fetch the locale file of this locale (the widget's own words other than English);
    /// answer with [`Input::Strings`]. No survey opens until it has arrived or failed.
    LoadStrings(Locale),
    /// `console.warn` (the host adds the `[rapport]` prefix).
    Warn(String),
    /// `console.error` (the host adds the `[rapport]` prefix).
    Error(String),
}

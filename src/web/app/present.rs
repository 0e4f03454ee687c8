//! Core question + locale → view model. Texts from the configuration win; the core's
//! localised strings fill the gaps.

use crate::prelude::*;

use crate::core::branching::Progress;
use crate::core::i18n::{Locale, Strings};
use crate::core::response::{AnswerValue, Limits};
use crate::core::survey::{Question, QuestionKind, ScaleLabels, ThankYou};
use crate::core::text::LocalizedText;

use super::super::env;
use super::super::ui::dom::num;
use super::super::ui::model::{ControlModel, StepModel, ThanksModel};
use super::super::ui::radios::RadioItem;

/// Faces for emoji values 1–5 (their accessible names come from the core strings).
const FACES: [&str; 5] = [
    "\u{1f61e}",
    "\u{1f641}",
    "\u{1f610}",
    "\u{1f642}",
    "\u{1f604}",
];
const STAR: &str = "\u{2605}";
const THUMB_UP: &str = "\u{1f44d}";
const THUMB_DOWN: &str = "\u{1f44e}";

/// The visitor's language: `tag` resolves configuration texts (any language the site
/// wrote), `ui` is the supported locale of the widget's own strings.
#[derive(Clone, Debug)]
pub struct Lang {
    /// BCP 47 tag for configuration texts, `lang` and the response's `locale`.
    pub tag: String,
    /// Locale of the built-in strings.
    pub ui: Locale,
}

impl Lang {
    /// From the configured `locale` (`"auto"`: `<html lang>`, then `navigator.languages`).
    pub fn detect(configured: &str) -> Lang {
        let mut candidates: Vec<String> = Vec::new();
        if !configured.is_empty() && !configured.eq_ignore_ascii_case("auto") {
            candidates.push(String::from(configured));
        }
        candidates.extend(env::languages());
        let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
        let ui = Locale::negotiate(&refs);
        let tag = candidates
            .into_iter()
            .next()
            .unwrap_or_else(|| String::from(ui.tag()));
        Lang { tag, ui }
    }

    /// Whether the texts run right to left.
    pub fn rtl(&self) -> bool {
        Locale::from_tag(&self.tag).unwrap_or(self.ui).is_rtl()
    }

    /// The built-in strings.
    pub fn strings(&self) -> Strings {
        self.ui.strings()
    }

    fn text(&self, text: &LocalizedText) -> String {
        String::from(text.resolve(&self.tag))
    }

    fn opt(&self, text: Option<&LocalizedText>) -> Option<String> {
        text.map(|t| self.text(t))
    }
}

/// The screen of `question` at `progress` along the path.
pub fn step(question: &Question, progress: Progress, lang: &Lang) -> StepModel {
    let s = lang.strings();
    let kind = question.kind.question_type();
    let title = lang
        .opt(question.text.as_ref())
        .or_else(|| s.default_prompt(kind).map(String::from))
        .unwrap_or_default();
    let last = progress.current >= progress.total;
    StepModel {
        title,
        progress: s.progress(progress.current, progress.total),
        fraction: progress.fraction(),
        go: String::from(if last { s.submit } else { s.next }),
        required: question.required,
        control: control(question, lang),
    }
}

fn control(question: &Question, lang: &Lang) -> ControlModel {
    let s = lang.strings();
    let defaults = s.scale_labels(question.kind.question_type());
    let ends = |labels: &ScaleLabels| {
        let low = lang
            .opt(labels.low.as_ref())
            .or_else(|| defaults.map(|d| String::from(d.0)));
        let high = lang
            .opt(labels.high.as_ref())
            .or_else(|| defaults.map(|d| String::from(d.1)));
        (low, high)
    };
    let numbers = |from: i64, to: i64| -> (Vec<RadioItem>, Vec<AnswerValue>) {
        (from..=to)
            .map(|n| {
                (
                    RadioItem {
                        text: num(n),
                        aria_label: None,
                    },
                    AnswerValue::Number(n),
                )
            })
            .unzip()
    };
    match &question.kind {
        QuestionKind::Nps(labels) | QuestionKind::Ces(labels) => {
            let (items, values) = match &question.kind {
                QuestionKind::Nps(_) => numbers(0, 10),
                _ => numbers(1, 7),
            };
            let (low, high) = ends(labels);
            ControlModel::Radios {
                class: "g",
                items,
                values,
                low,
                high,
            }
        }
        QuestionKind::Csat(labels) => {
            let (items, values) = (1..=5)
                .map(|n| {
                    let item = RadioItem {
                        text: String::from(STAR),
                        aria_label: Some(s.stars(n as usize)),
                    };
                    (item, AnswerValue::Number(n))
                })
                .unzip();
            let (low, high) = ends(labels);
            ControlModel::Radios {
                class: "g stars",
                items,
                values,
                low,
                high,
            }
        }
        QuestionKind::Emoji(labels) => {
            let (items, values) = FACES
                .iter()
                .zip(s.emoji)
                .zip(1..)
                .map(|((face, name), n)| {
                    let item = RadioItem {
                        text: String::from(*face),
                        aria_label: Some(String::from(name)),
                    };
                    (item, AnswerValue::Number(n))
                })
                .unzip();
            let (low, high) = ends(labels);
            ControlModel::Radios {
                class: "g faces",
                items,
                values,
                low,
                high,
            }
        }
        QuestionKind::Thumbs => ControlModel::Radios {
            class: "g thumbs",
            items: vec![
                RadioItem {
                    text: String::from(THUMB_UP),
                    aria_label: Some(String::from(s.thumbs_up)),
                },
                RadioItem {
                    text: String::from(THUMB_DOWN),
                    aria_label: Some(String::from(s.thumbs_down)),
                },
            ],
            values: vec![
                AnswerValue::Text(String::from("up")),
                AnswerValue::Text(String::from("down")),
            ],
            low: None,
            high: None,
        },
        QuestionKind::SingleChoice { options } => {
            let (items, values) = options
                .iter()
                .map(|o| {
                    let item = RadioItem {
                        text: lang.text(&o.label),
                        aria_label: None,
                    };
                    (item, AnswerValue::Text(o.id.clone()))
                })
                .unzip();
            ControlModel::Radios {
                class: "list",
                items,
                values,
                low: None,
                high: None,
            }
        }
        QuestionKind::MultipleChoice { options, other } => ControlModel::Checks {
            options: options
                .iter()
                .map(|o| (o.id.clone(), lang.text(&o.label)))
                .collect(),
            other: other.then(|| String::from(s.other)),
            other_max: Limits::MAX_OTHER_CHARS as u32,
        },
        QuestionKind::OpenText {
            max_length,
            placeholder,
        } => ControlModel::Text {
            max_length: *max_length,
            placeholder: Some(
                lang.opt(placeholder.as_ref())
                    .unwrap_or_else(|| String::from(s.text_placeholder)),
            ),
        },
    }
}

/// The thank-you screen.
pub fn thanks(thank_you: &ThankYou, lang: &Lang) -> ThanksModel {
    let s = lang.strings();
    ThanksModel {
        title: lang
            .opt(thank_you.title.as_ref())
            .unwrap_or_else(|| String::from(s.thank_you_title)),
        body: Some(
            lang.opt(thank_you.body.as_ref())
                .unwrap_or_else(|| String::from(s.thank_you_body)),
        ),
    }
}

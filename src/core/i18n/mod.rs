//! The widget's own words (buttons, scale labels, aria labels) in the supported locales,
//! and locale negotiation.
//!
//! Texts written in the site configuration win over these; these fill the gaps.

use crate::prelude::*;

mod catalog;
mod lang;

pub use lang::Lang;

/// A locale the widget's own strings exist in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// German.
    De,
    /// Dutch.
    Nl,
    /// Portuguese.
    Pt,
    /// Catalan.
    Ca,
    /// Arabic (right to left).
    Ar,
    /// Hebrew (right to left).
    He,
}

impl Locale {
    /// Every supported locale.
    pub const ALL: [Locale; 9] = [
        Locale::En,
        Locale::Es,
        Locale::Fr,
        Locale::De,
        Locale::Nl,
        Locale::Pt,
        Locale::Ca,
        Locale::Ar,
        Locale::He,
    ];

    /// The BCP 47 language tag (`"en"`, `"es"`, ...).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
            Locale::Fr => "fr",
            Locale::De => "de",
            Locale::Nl => "nl",
            Locale::Pt => "pt",
            Locale::Ca => "ca",
            Locale::Ar => "ar",
            Locale::He => "he",
        }
    }

    /// The supported locale for a tag's language (`"pt-BR"` → Pt, `"iw"` → He), if any.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let lang = crate::core::text::language(tag.trim_ascii());
        if lang.eq_ignore_ascii_case("iw") {
            return Some(Locale::He);
        }
        // A loop rather than `into_iter().find()`: less code in the wasm.
        #[allow(clippy::manual_find)]
        for l in Locale::ALL {
            if l.tag().eq_ignore_ascii_case(lang) {
                return Some(l);
            }
        }
        None
    }

    /// The first candidate (most preferred first: configured locale, `<html lang>`,
    /// `navigator.languages`) that is supported; English when none is. `"auto"` and empty
    /// candidates are skipped.
    ///
    /// ```
    /// use rapport::core::i18n::Locale;
    /// assert_eq!(Locale::negotiate(&["auto", "zh-TW", "fr-CA", "en"]), Locale::Fr);
    /// assert_eq!(Locale::negotiate(&["ja"]), Locale::En);
    /// assert!(Locale::negotiate(&["he-IL"]).is_rtl());
    /// ```
    pub fn negotiate<T: AsRef<str>>(candidates: &[T]) -> Locale {
        for c in candidates {
            let c = c.as_ref();
            if !c.eq_ignore_ascii_case("auto") {
                if let Some(l) = Locale::from_tag(c) {
                    return l;
                }
            }
        }
        Locale::default()
    }

    /// Whether text runs right to left (the shell sets `dir="rtl"`).
    pub fn is_rtl(self) -> bool {
        matches!(self, Locale::Ar | Locale::He)
    }

    /// The strings of this locale.
    pub fn strings(self) -> Strings {
        Strings::of(self)
    }
}

/// The widget's strings in one locale, in catalog order (see [`catalog`]). Read through the
/// methods; the templates (`{n}` / `{m}` placeholders) through [`Strings::progress`] and
/// [`Strings::stars`].
///
/// One array rather than a struct of 23 fields: reading the catalog fills it in place, with
/// no field-by-field copy in the wasm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Strings([&'static str; FIELDS]);

/// How many strings a locale has.
const FIELDS: usize = 23;

/// Positions in a locale's strings (the catalog's order).
const SUBMIT: usize = 0;
const NEXT: usize = 1;
const CLOSE: usize = 2;
const THANK_YOU_TITLE: usize = 3;
const THANK_YOU_BODY: usize = 4;
/// Low and high end labels: NPS, CSAT, CES.
const NPS_ENDS: usize = 5;
const CSAT_ENDS: usize = 7;
const CES_ENDS: usize = 9;
/// Thumbs up, thumbs down.
const THUMBS: usize = 11;
/// Emoji values 1 (very unhappy) to 5 (very happy).
const EMOJI: usize = 13;
const OTHER: usize = 18;
const TEXT_PLACEHOLDER: usize = 19;
const REQUIRED: usize = 20;
/// "Question {n} of {m}".
const PROGRESS_TEMPLATE: usize = 21;
/// "{n} of 5 stars".
const STARS_TEMPLATE: usize = 22;

/// `template` with `{n}` and `{m}` replaced by the numbers (every template has `{n}` before
/// `{m}`). Through [`msg::subst_marks`](crate::core::msg::subst_marks): one copy of the
/// placeholder loop in the wasm.
fn fill(template: &str, n: usize, m: usize) -> String {
    use crate::core::msg::{subst_marks, uint};
    subst_marks(template, 1, &uint(n as u64), &uint(m as u64))
}

impl Strings {
    /// Reads `locale`'s strings from the catalog: each followed by a `|`, after those of the
    /// locales before it in [`Locale::ALL`].
    fn of(locale: Locale) -> Strings {
        // Split by hand into the array, one small loop instead of a `split` iterator (and its
        // searcher) stepped once per field; the earlier locales' fields are read and
        // overwritten, which is less code than skipping them.
        let mut f = [""; FIELDS];
        let mut rest = catalog::TEXT;
        for i in 0..(locale as usize + 1) * FIELDS {
            let end = rest.bytes().position(|b| b == b'|').unwrap_or(rest.len());
            f[i % FIELDS] = rest.get(..end).unwrap_or("");
            rest = rest.get(end + 1..).unwrap_or("");
        }
        Strings(f)
    }

    /// String `i` (never out of range: `i` is one of the constants above).
    fn at(&self, i: usize) -> &'static str {
        self.0.get(i).copied().unwrap_or_default()
    }

    /// Strings `i..i + n`.
    fn run(&self, i: usize, n: usize) -> &[&'static str] {
        self.0.get(i..i + n).unwrap_or_default()
    }

    /// Submit button.
    pub fn submit(&self) -> &'static str {
        self.at(SUBMIT)
    }

    /// Next button.
    pub fn next(&self) -> &'static str {
        self.at(NEXT)
    }

    /// Close button (aria label of the ×).
    pub fn close(&self) -> &'static str {
        self.at(CLOSE)
    }

    /// Default thank-you title.
    pub fn thank_you_title(&self) -> &'static str {
        self.at(THANK_YOU_TITLE)
    }

    /// Default thank-you body.
    pub fn thank_you_body(&self) -> &'static str {
        self.at(THANK_YOU_BODY)
    }

    /// Accessible names of the thumbs: up, down.
    pub fn thumbs(&self) -> &[&'static str] {
        self.run(THUMBS, 2)
    }

    /// Emoji labels, value 1 (very unhappy) to 5 (very happy).
    pub fn emoji(&self) -> &[&'static str] {
        self.run(EMOJI, 5)
    }

    /// The "Other" choice.
    pub fn other(&self) -> &'static str {
        self.at(OTHER)
    }

    /// Default placeholder of open-text questions.
    pub fn text_placeholder(&self) -> &'static str {
        self.at(TEXT_PLACEHOLDER)
    }

    /// Error shown when a required question is left unanswered.
    pub fn required(&self) -> &'static str {
        self.at(REQUIRED)
    }

    /// "Question 2 of 5".
    pub fn progress(&self, n: usize, m: usize) -> String {
        fill(self.at(PROGRESS_TEMPLATE), n, m)
    }

    /// "3 of 5 stars".
    pub fn stars(&self, n: usize) -> String {
        fill(self.at(STARS_TEMPLATE), n, 5)
    }

    /// Default end labels of a scale question type, if it has them.
    pub fn scale_labels(
        &self,
        kind: crate::core::survey::QuestionType,
    ) -> Option<(&'static str, &'static str)> {
        use crate::core::survey::QuestionType as T;
        let (low, high) = match kind {
            T::Nps => (NPS_ENDS, NPS_ENDS + 1),
            T::Csat => (CSAT_ENDS, CSAT_ENDS + 1),
            T::Ces => (CES_ENDS, CES_ENDS + 1),
            T::Emoji => (EMOJI, EMOJI + 4),
            _ => return None,
        };
        Some((self.at(low), self.at(high)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::survey::QuestionType;

    fn all_fields(s: &Strings) -> Vec<&'static str> {
        s.0.to_vec()
    }

    #[test]
    fn every_locale_is_complete_and_templates_have_their_placeholders() {
        for l in Locale::ALL {
            let s = l.strings();
            for f in all_fields(&s) {
                assert!(!f.trim().is_empty(), "{l:?} has an empty string");
            }
            let progress = s.at(PROGRESS_TEMPLATE);
            assert!(
                progress.contains("{n}") && progress.contains("{m}"),
                "{l:?}"
            );
            // `fill` puts the first number at the first placeholder.
            assert!(progress.find("{n}") < progress.find("{m}"), "{l:?}");
            assert!(s.at(STARS_TEMPLATE).contains("{n}"), "{l:?}");
            // The positions name what they hold (English as the reference).
            if l == Locale::En {
                assert_eq!(s.close(), "Close");
                assert_eq!(s.thank_you_title(), "Thank you!");
                assert_eq!(s.thank_you_body(), "Your feedback has been received.");
                assert_eq!(s.thumbs(), ["Thumbs up", "Thumbs down"]);
                assert_eq!(s.emoji().len(), 5);
                assert_eq!(s.emoji()[0], "Very unhappy");
                assert_eq!(s.emoji()[4], "Very happy");
                assert_eq!(s.other(), "Other");
                assert_eq!(s.text_placeholder(), "Type your answer…");
                assert_eq!(s.required(), "Please answer this question.");
                assert_eq!(s.next(), "Next");
                assert_eq!(
                    s.scale_labels(QuestionType::Ces),
                    Some(("Very difficult", "Very easy"))
                );
                assert_eq!(
                    s.scale_labels(QuestionType::Emoji),
                    Some(("Very unhappy", "Very happy"))
                );
            }
            if l != Locale::En {
                assert_ne!(
                    s.submit(),
                    Locale::En.strings().submit(),
                    "{l:?} submit untranslated"
                );
            }
        }
    }

    #[test]
    fn the_catalog_holds_every_field_of_every_locale_in_order() {
        assert_eq!(
            catalog::TEXT.matches('|').count(),
            FIELDS * Locale::ALL.len()
        );
        assert!(catalog::TEXT.ends_with('|'));
        assert_eq!(Locale::En.strings().submit(), "Submit");
        assert_eq!(Locale::Ca.strings().stars(3), "3 de 5 estrelles");
        assert_eq!(Locale::Ar.strings().submit(), "إرسال");
        assert_eq!(Locale::He.strings().required(), "נא לענות על שאלה זו.");
    }

    #[test]
    fn templates_fill() {
        let en = Locale::En.strings();
        assert_eq!(en.progress(2, 5), "Question 2 of 5");
        assert_eq!(en.stars(3), "3 of 5 stars");
        assert_eq!(Locale::Es.strings().progress(1, 3), "Pregunta 1 de 3");
        assert_eq!(
            en.scale_labels(QuestionType::Nps),
            Some(("Not likely", "Very likely"))
        );
        assert_eq!(en.scale_labels(QuestionType::Thumbs), None);
    }

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate::<&str>(&[]), Locale::En);
        assert_eq!(Locale::negotiate(&["", "NL-be"]), Locale::Nl);
        assert_eq!(Locale::negotiate(&["iw"]), Locale::He);
        assert_eq!(Locale::negotiate(&["ca-ES-valencia"]), Locale::Ca);
        assert_eq!(Locale::negotiate(&["ar-EG"]).tag(), "ar");
        let owned = [String::from("auto"), String::from("fr-CA")];
        assert_eq!(Locale::negotiate(&owned), Locale::Fr);
        assert!(!Locale::De.is_rtl());
        assert!(Locale::Ar.is_rtl());
    }
}

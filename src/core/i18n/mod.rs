//! The widget's own words (buttons, scale labels, aria labels) in the supported locales,
//! and locale negotiation.
//!
//! Texts written in the site configuration win over these; these fill the gaps.
//!
//! Every locale is a typed [`Strings`] table in [`catalog`] (a missing string is a compile
//! error). Only English is compiled into the shipped widget; the build writes the others
//! as locale files ([`file`]) that the widget fetches when its page needs one. The tables
//! other than English therefore exist only with the `std` feature (native builds, tests,
//! the build's generator): a widget that reached for one would not compile.

use crate::prelude::*;

mod catalog;
mod file;
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

    /// The strings of this locale, from the typed tables (native builds only: the widget
    /// has English built in and reads the others from locale files).
    #[cfg(feature = "std")]
    pub fn strings(self) -> &'static Strings {
        Strings::of(self)
    }
}

/// The widget's strings in one locale: one table per locale in [`catalog`].
#[derive(Debug, PartialEq)]
pub struct Strings {
    /// Submit button.
    pub submit: &'static str,
    /// Next button.
    pub next: &'static str,
    /// Back button (the previous question on the path taken).
    pub back: &'static str,
    /// Close button (aria label of the ×).
    pub close: &'static str,
    /// Minimise button (aria label): collapses the survey to a bar with its title.
    pub minimise: &'static str,
    /// The same button on the collapsed bar: opens the survey again.
    pub expand: &'static str,
    /// Announced when a survey opens without taking focus: how to reach it with the
    /// keyboard (the shortcut is `Alt+Shift+R` in every locale).
    pub shortcut: &'static str,
    /// Default thank-you title.
    pub thank_you_title: &'static str,
    /// Default thank-you body.
    pub thank_you_body: &'static str,
    /// The thank-you screen's line for the loyalty points the answer earned: the sentence
    /// for one point, and the template for `{n}` points (any other number; phrased so that
    /// it reads right for every number the locale's plural rules distinguish).
    pub earned: (&'static str, &'static str),
    /// Default end labels (low, high) of NPS questions.
    pub nps_ends: (&'static str, &'static str),
    /// Default end labels of CSAT questions.
    pub csat_ends: (&'static str, &'static str),
    /// Default end labels of CES questions.
    pub ces_ends: (&'static str, &'static str),
    /// Accessible names of the thumbs: up, down.
    pub thumbs: [&'static str; 2],
    /// Emoji labels, value 1 (very unhappy) to 5 (very happy).
    pub emoji: [&'static str; 5],
    /// The "Other" choice.
    pub other: &'static str,
    /// Default placeholder of open-text questions.
    pub text_placeholder: &'static str,
    /// Error shown when a required question is left unanswered.
    pub required: &'static str,
    /// "Question {n} of {m}".
    pub progress: &'static str,
    /// "{n} of 5 stars".
    pub stars: &'static str,
}

/// `template` with `{n}` and `{m}` replaced by the numbers (`{n}` comes first in every
/// template).
fn fill(template: &str, n: usize, m: usize) -> String {
    use crate::core::msg::{subst_marks, uint};
    subst_marks(template, 1, &uint(n as u64), &uint(m as u64))
}

impl Strings {
    /// The English strings, built into the widget (the fallback of every other locale).
    pub fn english() -> &'static Strings {
        &catalog::EN
    }

    /// The strings of `locale`.
    #[cfg(feature = "std")]
    fn of(locale: Locale) -> &'static Strings {
        match locale {
            Locale::En => &catalog::EN,
            Locale::Es => &catalog::ES,
            Locale::Fr => &catalog::FR,
            Locale::De => &catalog::DE,
            Locale::Nl => &catalog::NL,
            Locale::Pt => &catalog::PT,
            Locale::Ca => &catalog::CA,
            Locale::Ar => &catalog::AR,
            Locale::He => &catalog::HE,
        }
    }

    /// Submit button.
    pub fn submit(&self) -> &'static str {
        self.submit
    }

    /// Next button.
    pub fn next(&self) -> &'static str {
        self.next
    }

    /// Back button (the previous question on the path taken).
    pub fn back(&self) -> &'static str {
        self.back
    }

    /// Close button (aria label of the ×).
    pub fn close(&self) -> &'static str {
        self.close
    }

    /// Minimise button (aria label).
    pub fn minimise(&self) -> &'static str {
        self.minimise
    }

    /// Expand button of the collapsed bar (aria label).
    pub fn expand(&self) -> &'static str {
        self.expand
    }

    /// The keyboard shortcut, announced when a survey opens without taking focus.
    pub fn shortcut(&self) -> &'static str {
        self.shortcut
    }

    /// Default thank-you title.
    pub fn thank_you_title(&self) -> &'static str {
        self.thank_you_title
    }

    /// Default thank-you body.
    pub fn thank_you_body(&self) -> &'static str {
        self.thank_you_body
    }

    /// "You earned 50 points." (`n` ≥ 1; "You earned 1 point." for one).
    pub fn earned(&self, n: u32) -> String {
        if n == 1 {
            String::from(self.earned.0)
        } else {
            fill(self.earned.1, n as usize, 0)
        }
    }

    /// Accessible names of the thumbs: up, down.
    pub fn thumbs(&self) -> &[&'static str] {
        &self.thumbs
    }

    /// Emoji labels, value 1 (very unhappy) to 5 (very happy).
    pub fn emoji(&self) -> &[&'static str] {
        &self.emoji
    }

    /// The "Other" choice.
    pub fn other(&self) -> &'static str {
        self.other
    }

    /// Default placeholder of open-text questions.
    pub fn text_placeholder(&self) -> &'static str {
        self.text_placeholder
    }

    /// Error shown when a required question is left unanswered.
    pub fn required(&self) -> &'static str {
        self.required
    }

    /// "Question 2 of 5".
    pub fn progress(&self, n: usize, m: usize) -> String {
        fill(self.progress, n, m)
    }

    /// "3 of 5 stars".
    pub fn stars(&self, n: usize) -> String {
        fill(self.stars, n, 5)
    }

    /// Default end labels of a scale question type, if it has them.
    pub fn scale_labels(
        &self,
        kind: crate::core::survey::QuestionType,
    ) -> Option<(&'static str, &'static str)> {
        use crate::core::survey::QuestionType as T;
        match kind {
            T::Nps => Some(self.nps_ends),
            T::Csat => Some(self.csat_ends),
            T::Ces => Some(self.ces_ends),
            T::Emoji => Some((self.emoji[0], self.emoji[4])),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::survey::QuestionType;

    fn all_fields(s: &Strings) -> Vec<&'static str> {
        let mut all = vec![
            s.submit,
            s.next,
            s.back,
            s.close,
            s.thank_you_title,
            s.thank_you_body,
            s.earned.0,
            s.earned.1,
            s.nps_ends.0,
            s.nps_ends.1,
            s.csat_ends.0,
            s.csat_ends.1,
            s.ces_ends.0,
            s.ces_ends.1,
            s.other,
            s.text_placeholder,
            s.required,
            s.progress,
            s.stars,
        ];
        all.extend(s.thumbs);
        all.extend(s.emoji);
        all
    }

    #[test]
    fn every_locale_is_complete_and_templates_have_their_placeholders() {
        for l in Locale::ALL {
            let s = l.strings();
            for f in all_fields(s) {
                assert!(!f.trim().is_empty(), "{l:?} has an empty string");
            }
            let progress = s.progress;
            assert!(
                progress.contains("{n}") && progress.contains("{m}"),
                "{l:?}"
            );
            // `fill` puts the first number at the first placeholder.
            assert!(progress.find("{n}") < progress.find("{m}"), "{l:?}");
            assert!(s.stars.contains("{n}"), "{l:?}");
            // The sentence for one point names no number to fill; the other has its place.
            assert!(
                !s.earned.0.contains('{') && s.earned.1.contains("{n}"),
                "{l:?}"
            );
            assert!(!s.earned.1.contains("{m}"), "{l:?}");
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
                assert_eq!(s.back(), "Back");
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
                assert_ne!(
                    s.back(),
                    Locale::En.strings().back(),
                    "{l:?} back untranslated"
                );
            }
        }
    }

    #[test]
    fn each_locale_has_its_own_table() {
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
        assert_eq!(en.earned(50), "You earned 50 points.");
        assert_eq!(en.earned(1), "You earned 1 point.");
        assert_eq!(
            Locale::De.strings().earned(1),
            "Sie haben 1 Punkt erhalten."
        );
        assert_eq!(
            Locale::Fr.strings().earned(20),
            "Vous avez gagné 20 points."
        );
        assert_eq!(Locale::Ar.strings().earned(7), "النقاط التي حصلت عليها: 7");
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

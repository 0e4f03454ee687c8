//! The widget's own words (buttons, scale labels, default prompts, aria labels) in the
//! supported locales, and locale negotiation.
//!
//! Texts written in the site configuration win over these; these fill the gaps.

use crate::prelude::*;

mod catalog;

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
        let lang = crate::core::text::language(tag.trim());
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

/// The widget's strings in one locale. Fields ending in `_template` contain `{n}` / `{m}`
/// placeholders; use the methods to fill them.
#[derive(Clone, Copy, Debug)]
pub struct Strings {
    /// Submit button.
    pub submit: &'static str,
    /// Next button.
    pub next: &'static str,
    /// Close button (aria label of the ×).
    pub close: &'static str,
    /// Default thank-you title.
    pub thank_you_title: &'static str,
    /// Default thank-you body.
    pub thank_you_body: &'static str,
    /// NPS low end.
    pub nps_low: &'static str,
    /// NPS high end.
    pub nps_high: &'static str,
    /// CSAT low end.
    pub csat_low: &'static str,
    /// CSAT high end.
    pub csat_high: &'static str,
    /// CES low end.
    pub ces_low: &'static str,
    /// CES high end.
    pub ces_high: &'static str,
    /// Thumbs up (aria label).
    pub thumbs_up: &'static str,
    /// Thumbs down (aria label).
    pub thumbs_down: &'static str,
    /// Emoji labels, value 1 (very unhappy) to 5 (very happy).
    pub emoji: [&'static str; 5],
    /// The "Other" choice.
    pub other: &'static str,
    /// Default placeholder of open-text questions.
    pub text_placeholder: &'static str,
    /// Error shown when a required question is left unanswered.
    pub required: &'static str,
    /// Default NPS prompt.
    pub prompt_nps: &'static str,
    /// Default CSAT prompt.
    pub prompt_csat: &'static str,
    /// Default CES prompt.
    pub prompt_ces: &'static str,
    /// Default thumbs prompt.
    pub prompt_thumbs: &'static str,
    /// Default emoji prompt.
    pub prompt_emoji: &'static str,
    /// "Question {n} of {m}".
    pub progress_template: &'static str,
    /// "{n} of 5 stars" (aria label of a star).
    pub stars_template: &'static str,
}

/// How many strings a locale has (the fields of [`Strings`], `emoji` counting five).
const FIELDS: usize = 28;

/// `template` with `{n}` and `{m}` replaced by the numbers (every template has `{n}` before
/// `{m}`). Through [`msg::subst_marks`](crate::core::msg::subst_marks): one copy of the
/// placeholder loop in the wasm.
fn fill(template: &str, n: usize, m: usize) -> String {
    use crate::core::msg::{subst_marks, uint};
    subst_marks(template, 1, &uint(n as u64), &uint(m as u64))
}

impl Strings {
    /// Reads `locale`'s strings from the catalog: the fields in declaration order, each
    /// followed by a `|`, after those of the locales before it in [`Locale::ALL`].
    fn of(locale: Locale) -> Strings {
        // Split by hand into an array, one small loop instead of a `split` iterator (and its
        // searcher) stepped once per field; the earlier locales' fields are read and
        // overwritten, which is less code than skipping them.
        let mut f = [""; FIELDS];
        let mut rest = catalog::TEXT;
        for i in 0..(locale as usize + 1) * FIELDS {
            let end = rest.bytes().position(|b| b == b'|').unwrap_or(rest.len());
            f[i % FIELDS] = rest.get(..end).unwrap_or("");
            rest = rest.get(end + 1..).unwrap_or("");
        }
        Strings {
            submit: f[0],
            next: f[1],
            close: f[2],
            thank_you_title: f[3],
            thank_you_body: f[4],
            nps_low: f[5],
            nps_high: f[6],
            csat_low: f[7],
            csat_high: f[8],
            ces_low: f[9],
            ces_high: f[10],
            thumbs_up: f[11],
            thumbs_down: f[12],
            emoji: [f[13], f[14], f[15], f[16], f[17]],
            other: f[18],
            text_placeholder: f[19],
            required: f[20],
            prompt_nps: f[21],
            prompt_csat: f[22],
            prompt_ces: f[23],
            prompt_thumbs: f[24],
            prompt_emoji: f[25],
            progress_template: f[26],
            stars_template: f[27],
        }
    }

    /// "Question 2 of 5".
    pub fn progress(&self, n: usize, m: usize) -> String {
        fill(self.progress_template, n, m)
    }

    /// "3 of 5 stars".
    pub fn stars(&self, n: usize) -> String {
        fill(self.stars_template, n, 5)
    }

    /// Default end labels of a scale question type, if it has them.
    pub fn scale_labels(
        &self,
        kind: crate::core::survey::QuestionType,
    ) -> Option<(&'static str, &'static str)> {
        use crate::core::survey::QuestionType as T;
        match kind {
            T::Nps => Some((self.nps_low, self.nps_high)),
            T::Csat => Some((self.csat_low, self.csat_high)),
            T::Ces => Some((self.ces_low, self.ces_high)),
            T::Emoji => Some((self.emoji[0], self.emoji[4])),
            _ => None,
        }
    }

    /// Default prompt of a question type that may omit its `text`.
    pub fn default_prompt(&self, kind: crate::core::survey::QuestionType) -> Option<&'static str> {
        use crate::core::survey::QuestionType as T;
        match kind {
            T::Nps => Some(self.prompt_nps),
            T::Csat => Some(self.prompt_csat),
            T::Ces => Some(self.prompt_ces),
            T::Thumbs => Some(self.prompt_thumbs),
            T::Emoji => Some(self.prompt_emoji),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::survey::QuestionType;

    fn all_fields(s: &Strings) -> Vec<&'static str> {
        let mut v = vec![
            s.submit,
            s.next,
            s.close,
            s.thank_you_title,
            s.thank_you_body,
            s.nps_low,
            s.nps_high,
            s.csat_low,
            s.csat_high,
            s.ces_low,
            s.ces_high,
            s.thumbs_up,
            s.thumbs_down,
            s.other,
            s.text_placeholder,
            s.required,
            s.prompt_nps,
            s.prompt_csat,
            s.prompt_ces,
            s.prompt_thumbs,
            s.prompt_emoji,
            s.progress_template,
            s.stars_template,
        ];
        v.extend(s.emoji);
        v
    }

    #[test]
    fn every_locale_is_complete_and_templates_have_their_placeholders() {
        for l in Locale::ALL {
            let s = l.strings();
            for f in all_fields(&s) {
                assert!(!f.trim().is_empty(), "{l:?} has an empty string");
            }
            assert!(
                s.progress_template.contains("{n}") && s.progress_template.contains("{m}"),
                "{l:?}"
            );
            // `fill` puts the first number at the first placeholder.
            assert!(
                s.progress_template.find("{n}") < s.progress_template.find("{m}"),
                "{l:?}"
            );
            assert!(s.stars_template.contains("{n}"), "{l:?}");
            if l != Locale::En {
                assert_ne!(
                    s.submit,
                    Locale::En.strings().submit,
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
        assert_eq!(Locale::En.strings().submit, "Submit");
        assert_eq!(Locale::Ca.strings().stars(3), "3 de 5 estrelles");
        assert_eq!(Locale::Ar.strings().submit, "إرسال");
        assert_eq!(Locale::He.strings().required, "נא לענות על שאלה זו.");
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
        assert_eq!(en.default_prompt(QuestionType::OpenText), None);
        assert!(en.default_prompt(QuestionType::Csat).is_some());
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

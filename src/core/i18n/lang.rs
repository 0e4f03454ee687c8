//! The visitor's language: configuration texts resolved for it, and the widget's own
//! strings.

use crate::prelude::*;

use super::{Locale, Strings};
use crate::core::text::LocalizedText;

/// The visitor's language: `tag` resolves configuration texts (any language the site
/// wrote), `ui` is the supported locale of the widget's own strings.
#[derive(Clone, Debug, PartialEq)]
pub struct Lang {
    /// BCP 47 tag for configuration texts, `lang` and the response's `locale`.
    pub tag: String,
    /// Locale of the built-in strings.
    pub ui: Locale,
    /// The built-in strings of `ui`.
    pub s: &'static Strings,
}

impl Lang {
    /// From the configured `locale` (`"auto"`: the page's `languages`, best first), with the
    /// built-in strings of the negotiated locale as `table` gives them: English is always
    /// there, another locale only once its strings are loaded (`table` answers `None`
    /// before, or when they could not be read, and the strings are then English).
    ///
    /// ```
    /// use rapport::core::i18n::{Lang, Locale};
    /// let all = |l: Locale| Some(l.strings());
    /// let lang = Lang::detect("auto", &["pt-BR".into(), "en".into()], all);
    /// assert_eq!((lang.tag.as_str(), lang.ui), ("pt-BR", Locale::Pt));
    /// assert_eq!(Lang::detect("ar", &["en".into()], all).ui, Locale::Ar);
    /// // Not loaded: the page's language for its texts, English for the widget's own.
    /// let lang = Lang::detect("fr", &[], |_| None);
    /// assert_eq!((lang.tag.as_str(), lang.ui, lang.s.submit()), ("fr", Locale::En, "Submit"));
    /// ```
    pub fn detect(
        configured: &str,
        languages: &[String],
        table: impl Fn(Locale) -> Option<&'static Strings>,
    ) -> Lang {
        let candidates = candidates(configured, languages);
        let wanted = Locale::negotiate(&candidates);
        let (ui, s) = match wanted {
            Locale::En => (Locale::En, Strings::english()),
            other => match table(other) {
                Some(s) => (other, s),
                None => (Locale::En, Strings::english()),
            },
        };
        let tag = String::from(candidates.first().copied().unwrap_or(wanted.tag()));
        Lang { tag, ui, s }
    }

    /// The locale whose strings a page wants: the first of the configured `locale` (unless
    /// `"auto"`) and the page's `languages` that is supported; English when none is.
    ///
    /// ```
    /// use rapport::core::i18n::{Lang, Locale};
    /// assert_eq!(Lang::wanted("auto", &["ja".into(), "de-AT".into()]), Locale::De);
    /// assert_eq!(Lang::wanted("es", &["de".into()]), Locale::Es);
    /// ```
    pub fn wanted(configured: &str, languages: &[String]) -> Locale {
        Locale::negotiate(&candidates(configured, languages))
    }

    /// Whether the texts run right to left.
    pub fn rtl(&self) -> bool {
        Locale::from_tag(&self.tag).unwrap_or(self.ui).is_rtl()
    }

    /// A configuration text in this language.
    pub fn text<'a>(&self, text: &'a LocalizedText) -> &'a str {
        text.resolve(&self.tag)
    }

    /// An optional configuration text, else the built-in `fallback`.
    pub fn or<'a>(&self, text: Option<&'a LocalizedText>, fallback: &'a str) -> &'a str {
        text.map_or(fallback, |t| self.text(t))
    }
}

/// The tags to negotiate, most preferred first: the configured locale (unless `"auto"` or
/// empty), then the page's languages.
fn candidates<'a>(configured: &'a str, languages: &'a [String]) -> Vec<&'a str> {
    let mut candidates: Vec<&str> = Vec::new();
    if !configured.is_empty() && !configured.eq_ignore_ascii_case("auto") {
        candidates.push(configured);
    }
    candidates.extend(languages.iter().map(String::as_str));
    candidates
}

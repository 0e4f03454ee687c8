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
    /// From the configured `locale` (`"auto"`: the page's `languages`, best first).
    ///
    /// ```
    /// use rapport::core::i18n::{Lang, Locale};
    /// let lang = Lang::detect("auto", vec!["pt-BR".into(), "en".into()]);
    /// assert_eq!((lang.tag.as_str(), lang.ui), ("pt-BR", Locale::Pt));
    /// assert_eq!(Lang::detect("ar", vec!["en".into()]).ui, Locale::Ar);
    /// ```
    pub fn detect(configured: &str, languages: Vec<String>) -> Lang {
        let mut candidates: Vec<String> = Vec::new();
        if !configured.is_empty() && !configured.eq_ignore_ascii_case("auto") {
            candidates.push(String::from(configured));
        }
        candidates.extend(languages);
        let ui = Locale::negotiate(&candidates);
        let tag = match candidates.into_iter().next() {
            Some(first) => first,
            None => String::from(ui.tag()),
        };
        Lang {
            tag,
            ui,
            s: ui.strings(),
        }
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

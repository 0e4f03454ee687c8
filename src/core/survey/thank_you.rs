//! The screen shown after the last question.

use crate::core::text::LocalizedText;

/// Thank-you screen texts; missing ones fall back to the localised defaults of
/// [`crate::core::i18n`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ThankYou {
    /// Heading.
    pub title: Option<LocalizedText>,
    /// Body text.
    pub body: Option<LocalizedText>,
}

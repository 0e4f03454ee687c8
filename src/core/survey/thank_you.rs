//! The screen shown after the last question.

use crate::core::text::LocalizedText;
use serde::{Deserialize, Serialize};

/// Thank-you screen texts; missing ones fall back to the localised defaults of
/// [`crate::core::i18n`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThankYou {
    /// Heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
    /// Body text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<LocalizedText>,
}

//! Size limits of a response, enforced by [`super::Response::validate`] and by the collector.

/// The documented limits of a response (also in the README).
#[derive(Clone, Copy, Debug)]
pub struct Limits;

impl Limits {
    /// Largest request body in bytes; beyond it the collector answers 413.
    pub const MAX_BODY_BYTES: usize = 64 * 1024;
    /// Most answers in one response.
    pub const MAX_ANSWERS: usize = 50;
    /// Longest id (response, site, survey, question, option, user) in characters.
    pub const MAX_ID_CHARS: usize = 128;
    /// Longest page URL in characters.
    pub const MAX_URL_CHARS: usize = 2048;
    /// Largest `traits` object, serialized as JSON, in bytes.
    pub const MAX_TRAITS_BYTES: usize = 4096;
    /// Longest customer token (a JWT) the widget sends with a response, in bytes.
    pub const MAX_TOKEN_BYTES: usize = 4096;
    /// Hard limit of any open-text answer in characters (a question's `maxLength` is at most
    /// this).
    pub const MAX_OPEN_TEXT_CHARS: usize = 10_000;
    /// Longest "Other" text of a multiple-choice answer in characters.
    pub const MAX_OTHER_CHARS: usize = 2000;
    /// Longest locale tag.
    pub const MAX_LOCALE_CHARS: usize = 35;
    /// Longest `createdAt` timestamp.
    pub const MAX_TIMESTAMP_CHARS: usize = 40;
}

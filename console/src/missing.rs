//! What a page says when the collector answers 404: an unknown site (`unknown_site`, the
//! `site` at fault) is not the same as a missing record (`not_found`, the `id` at fault).
//! The collector's message is shown as it is, with a link back to where the merchant can
//! choose again; a 404 without either code (an older collector without the endpoint) is
//! left to the page.

use crate::error::ConsoleError;

/// A 404 the console words itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No site with this id on the collector; the collector's message.
    UnknownSite(String),
    /// The site exists, the record the URL names does not; the collector's message.
    NotFound(String),
}

impl Missing {
    /// Reads a failed request: `Some` for a 404 whose code is `unknown_site` or `not_found`.
    pub fn of(error: &ConsoleError) -> Option<Missing> {
        match error {
            ConsoleError::Api {
                status: 404,
                code,
                message,
            } => match code.as_str() {
                "unknown_site" => Some(Missing::UnknownSite(message.clone())),
                "not_found" => Some(Missing::NotFound(message.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// The page's heading; `what` names the record (`Response`).
    pub fn heading(&self, what: &str) -> String {
        match self {
            Missing::UnknownSite(_) => "Unknown site".to_owned(),
            Missing::NotFound(_) => format!("{what} not found"),
        }
    }

    /// The collector's message, or a sentence of the console's when it sent none.
    pub fn message(&self) -> String {
        match self {
            Missing::UnknownSite(m) | Missing::NotFound(m) if !m.trim().is_empty() => m.clone(),
            Missing::UnknownSite(_) => "This collector has no site with this id.".to_owned(),
            Missing::NotFound(_) => "Nothing with this id on this site.".to_owned(),
        }
    }

    /// Whether the site itself is unknown (the link goes back to choosing a site).
    pub fn is_unknown_site(&self) -> bool {
        matches!(self, Missing::UnknownSite(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str, message: &str) -> ConsoleError {
        ConsoleError::Api {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn tells_an_unknown_site_from_a_missing_record() {
        let site = Missing::of(&api(404, "unknown_site", "no site \"shop-x\"")).unwrap();
        assert!(site.is_unknown_site());
        assert_eq!(site.heading("Response"), "Unknown site");
        assert_eq!(site.message(), "no site \"shop-x\"");
        let id = Missing::of(&api(404, "not_found", "no response \"r9\" on shop-a")).unwrap();
        assert!(!id.is_unknown_site());
        assert_eq!(id.heading("Response"), "Response not found");
        assert_eq!(id.message(), "no response \"r9\" on shop-a");
    }

    #[test]
    fn words_its_own_message_when_the_collector_sent_none() {
        assert_eq!(
            Missing::of(&api(404, "unknown_site", " "))
                .unwrap()
                .message(),
            "This collector has no site with this id."
        );
        assert_eq!(
            Missing::of(&api(404, "not_found", "")).unwrap().message(),
            "Nothing with this id on this site."
        );
    }

    #[test]
    fn leaves_other_answers_to_the_page() {
        // An older collector without the endpoint: a bare 404.
        assert_eq!(Missing::of(&api(404, "HTTP 404", "")), None);
        assert_eq!(Missing::of(&api(400, "unknown_site", "x")), None);
        assert_eq!(Missing::of(&api(403, "not_found", "x")), None);
        assert_eq!(Missing::of(&ConsoleError::Network), None);
    }
}

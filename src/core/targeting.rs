//! URL targeting: does this page match a survey's URL rule?
//!
//! `exact`, `prefix`, `glob` and `regex` compare the path + query of the page (`/order/7?x=1`,
//! without the fragment); `contains` looks at the full URL. Regular expressions are evaluated
//! by an injected [`RegexMatcher`], so the widget uses JavaScript's `RegExp` (the same engine
//! as the loader) and adds no regex engine to the wasm.

use crate::prelude::*;

use crate::core::survey::{MatchKind, Targeting, UrlMatch};

/// Evaluates regular expressions for [`MatchKind::Regex`] rules.
pub trait RegexMatcher {
    /// Whether `pattern` matches somewhere in `haystack`; `Err` with the engine's message when
    /// the pattern does not compile.
    fn is_match(&self, pattern: &str, haystack: &str) -> Result<bool, String>;
}

/// A matcher for hosts without a regex engine: every pattern is an error.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoRegex;

impl RegexMatcher for NoRegex {
    fn is_match(&self, _pattern: &str, _haystack: &str) -> Result<bool, String> {
        Err("regular expressions are not available here".to_owned())
    }
}

/// Why a targeting rule could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetingError {
    /// The regular expression of a `regex` rule does not compile.
    Regex {
        /// The pattern.
        pattern: String,
        /// The engine's message.
        message: String,
    },
}

impl TargetingError {
    /// The full message (what `Display` prints), built without `core::fmt`.
    pub fn text(&self) -> String {
        match self {
            TargetingError::Regex { pattern, message } => crate::core::msg::subst(
                "targeting.url.value: invalid regular expression `{}`: {}",
                pattern,
                message,
            ),
        }
    }
}

impl ::core::fmt::Display for TargetingError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ::core::error::Error for TargetingError {}

/// The path + query of `url` without the fragment: `https://a.b/c?d#e` → `/c?d`. A URL that
/// is already a path is returned without its fragment; a bare origin gives `/`.
pub fn path_and_query(url: &str) -> &str {
    // Byte search and `get` rather than `find(&str)` and `&s[i..]`: no substring searcher
    // or slice panics in the wasm. Every offset found is that of an ASCII byte, hence a char
    // boundary.
    let no_fragment = match first_of(url, b'#', b'#') {
        Some(i) => url.get(..i).unwrap_or(url),
        None => url,
    };
    let Some(scheme_end) = crate::core::scan::find(no_fragment, "://", false) else {
        return no_fragment;
    };
    let after_scheme = no_fragment.get(scheme_end + 3..).unwrap_or("");
    // `https://a.b?x` has an empty path; a lone query is still worth matching on.
    match first_of(after_scheme, b'/', b'?') {
        Some(i) => after_scheme.get(i..).unwrap_or("/"),
        None => "/",
    }
}

/// Byte offset of the first `a` or `b` in `s` (an index loop: `bytes().position(..)`
/// keeps its iterator state in memory in the wasm).
fn first_of(s: &str, a: u8, b: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == a || c == b {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `text` matches the glob `pattern`: `*` matches any run of characters (also `/`),
/// `?` exactly one character, everything else itself.
///
/// ```
/// use rapport::core::targeting::glob_match;
/// assert!(glob_match("/products/*", "/products/shoes?color=red"));
/// assert!(glob_match("/p?/x", "/p1/x"));
/// assert!(!glob_match("/products/*", "/product"));
/// ```
pub fn glob_match(pattern: &str, text: &str) -> bool {
    // On the UTF-8 bytes (no `Vec<char>` copies). A literal is compared a byte at a time:
    // equal lead bytes mean equal lengths, so a character matches when all its bytes do, and
    // `pi`/`ti` are character starts whenever a `*` or `?` is read. `?` and a stretching `*`
    // step over a whole character of the text.
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    // Position of the last `*` seen and the text position it is currently stretched to; on a
    // mismatch the star absorbs one more character. Linear in practice, O(p·t) worst case.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = t.get(ti) {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(b'?') => {
                pi += 1;
                ti += char_len(t, ti);
            }
            Some(&b) if b == c => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    let st = st + char_len(t, st);
                    pi = sp + 1;
                    ti = st;
                    star = Some((sp, st));
                }
                None => return false,
            },
        }
    }
    while let Some(b'*') = p.get(pi) {
        pi += 1;
    }
    pi >= p.len()
}

/// The length of the UTF-8 character starting at byte `i` of `b` (1 past the end). One
/// out-of-line copy: [`glob_match`] asks it in two places.
fn char_len(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(0..=0x7F) | None => 1,
        Some(0x80..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(_) => 4,
    }
}

/// Whether the page at `url` (absolute, or a path) satisfies `rule`.
pub fn url_matches(
    rule: &UrlMatch,
    url: &str,
    regex: &dyn RegexMatcher,
) -> Result<bool, TargetingError> {
    rule_matches(rule, url, regex).map_err(|message| TargetingError::Regex {
        pattern: rule.value.clone(),
        message,
    })
}

/// [`url_matches`] with the engine's message as the error (what the widget's trigger
/// evaluation needs: it only drops the error).
pub(crate) fn rule_matches(
    rule: &UrlMatch,
    url: &str,
    regex: &dyn RegexMatcher,
) -> Result<bool, String> {
    let pq = path_and_query(url);
    Ok(match rule.kind {
        MatchKind::Exact => pq == rule.value,
        MatchKind::Prefix => pq.starts_with(&rule.value),
        MatchKind::Contains => crate::core::scan::find(url, &rule.value, false).is_some(),
        MatchKind::Glob => glob_match(&rule.value, pq),
        MatchKind::Regex => regex.is_match(&rule.value, pq)?,
    })
}

/// Whether a survey with this targeting may appear at `url` (no rule: everywhere).
pub fn targets(
    targeting: &Targeting,
    url: &str,
    regex: &dyn RegexMatcher,
) -> Result<bool, TargetingError> {
    match &targeting.url {
        Some(rule) => url_matches(rule, url, regex),
        None => Ok(true),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The test-side regex engine.
    pub(crate) struct Lite;

    impl RegexMatcher for Lite {
        fn is_match(&self, pattern: &str, haystack: &str) -> Result<bool, String> {
            regex_lite::Regex::new(pattern)
                .map(|r| r.is_match(haystack))
                .map_err(|e| e.to_string())
        }
    }

    fn rule(kind: MatchKind, value: &str) -> UrlMatch {
        UrlMatch {
            kind,
            value: value.to_owned(),
        }
    }

    #[test]
    fn path_and_query_strips_origin_and_fragment() {
        assert_eq!(
            path_and_query("https://shop.example/order/1?x=2#top"),
            "/order/1?x=2"
        );
        assert_eq!(path_and_query("https://shop.example"), "/");
        assert_eq!(path_and_query("https://shop.example?q"), "?q");
        assert_eq!(path_and_query("/cart#x"), "/cart");
    }

    #[test]
    fn each_match_kind() {
        let url = "https://shop.example/order/123?ref=mail#done";
        let m = |kind, value| url_matches(&rule(kind, value), url, &Lite).unwrap();
        assert!(m(MatchKind::Exact, "/order/123?ref=mail"));
        assert!(!m(MatchKind::Exact, "/order/123"));
        assert!(m(MatchKind::Prefix, "/order"));
        assert!(!m(MatchKind::Prefix, "https://shop"));
        assert!(m(MatchKind::Contains, "shop.example/order"));
        assert!(m(MatchKind::Glob, "/order/*"));
        assert!(m(MatchKind::Glob, "/order/12?*"));
        assert!(!m(MatchKind::Glob, "/orders/*"));
        assert!(m(MatchKind::Regex, r"^/order/\d+"));
        assert!(!m(MatchKind::Regex, r"^/cart"));
    }

    #[test]
    fn bad_regex_is_an_error_not_a_match() {
        let e = url_matches(&rule(MatchKind::Regex, "("), "/x", &Lite).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("targeting.url.value: invalid regular expression `(`"));
        assert!(url_matches(&rule(MatchKind::Regex, "x"), "/x", &NoRegex).is_err());
        assert!(targets(&Targeting::default(), "/anything", &NoRegex).unwrap());
    }

    /// Obviously correct, exponential reference implementation.
    fn naive_glob(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| naive_glob(rest, &t[i..])),
            Some((&c, rest)) => {
                !t.is_empty() && (c == '?' || c == t[0]) && naive_glob(rest, &t[1..])
            }
        }
    }

    proptest! {
        #[test]
        fn glob_agrees_with_naive_reference(p in "[ab*?/é]{0,8}", t in "[ab/é]{0,12}") {
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            prop_assert_eq!(glob_match(&p, &t), naive_glob(&pc, &tc), "pattern {:?} text {:?}", p, t);
        }

        #[test]
        fn path_and_query_never_panics(s in ".{0,60}") {
            let _ = path_and_query(&s);
        }
    }
}

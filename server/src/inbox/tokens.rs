//! Words of a text as the inbox searches and counts them: Unicode word boundaries (UAX #29,
//! so Arabic, Hebrew and accented words stay whole), lower-cased, letters and digits only.
//! The stored search text of a response is these words joined by spaces, and a `q` search
//! is the same words, so both backends' full-text indexes see what the themes count.

use unicode_segmentation::UnicodeSegmentation;

/// Longest word kept, in characters (longer runs are not words a merchant searches for).
pub const MAX_WORD_CHARS: usize = 64;

/// The words of `text`, lower-cased, in order.
pub fn words(text: &str) -> Vec<String> {
    // Split on white space again: a combining mark newer than the segmenter's Unicode
    // tables can glue itself to a preceding space.
    text.unicode_words()
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() <= MAX_WORD_CHARS && w.chars().any(char::is_alphanumeric))
        .collect()
}

/// The search document of some texts: their words joined by single spaces.
pub fn document<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    texts
        .into_iter()
        .flat_map(words)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_in_every_script() {
        assert_eq!(
            words("Livraison TRÈS lente!"),
            vec!["livraison", "très", "lente"]
        );
        assert_eq!(
            words("Die Größe passt nicht."),
            vec!["die", "größe", "passt", "nicht"]
        );
        assert_eq!(words("التوصيل بطيء جدا"), vec!["التوصيل", "بطيء", "جدا"]);
        assert_eq!(words("המשלוח איטי"), vec!["המשלוח", "איטי"]);
        assert_eq!(
            words("<script>alert(1)</script>"),
            vec!["script", "alert", "1", "script"]
        );
        assert!(words("  ... !!! ").is_empty());
    }

    #[test]
    fn documents_join_words() {
        assert_eq!(
            document(["Slow  delivery.", "Bad box"]),
            "slow delivery bad box"
        );
    }

    proptest! {
        #[test]
        fn words_are_lower_case_and_spaceless(text in "\\PC{0,80}") {
            for w in words(&text) {
                prop_assert!(!w.is_empty());
                prop_assert!(!w.chars().any(char::is_whitespace));
                prop_assert_eq!(w.to_lowercase(), w.clone());
            }
            // The document's words are the words again.
            let doc = document([text.as_str()]);
            prop_assert_eq!(words(&doc), words(&text));
        }
    }
}

//! Themes: the words and two- and three-word phrases that come up most often in open-text
//! answers, so patterns stand out ("late delivery", "sizing"). Pure: texts in, counted
//! phrases out.
//!
//! A phrase counts once per answer that contains it (how many customers said it, not how
//! often one of them repeated it). Stop words of every bundled locale (English, Spanish,
//! French, German, Dutch, Portuguese, Catalan, Arabic, Hebrew — the widget's nine; short
//! hand-made lists in `stopwords/`) never stand alone and never start or end a phrase
//! (they may sit inside one: "waste of time"). Numbers alone are not themes. Phrases of two
//! or three words need at least [`MIN_PHRASE_COUNT`] answers; a word or phrase found only
//! inside a longer theme (in the same answers) gives way to it. Ties are broken by the
//! longer phrase first, then alphabetically, so the output is deterministic.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::tokens;

/// Answers a two- or three-word phrase must appear in to be a theme.
pub const MIN_PHRASE_COUNT: usize = 2;

const LISTS: [&str; 9] = [
    include_str!("stopwords/en.txt"),
    include_str!("stopwords/es.txt"),
    include_str!("stopwords/fr.txt"),
    include_str!("stopwords/de.txt"),
    include_str!("stopwords/nl.txt"),
    include_str!("stopwords/pt.txt"),
    include_str!("stopwords/ca.txt"),
    include_str!("stopwords/ar.txt"),
    include_str!("stopwords/he.txt"),
];

/// Every bundled stop word (lower-case).
pub fn stop_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        LISTS
            .iter()
            .flat_map(|list| list.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// One theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// One to three words, space-separated.
    pub phrase: String,
    /// Answers containing it.
    pub count: usize,
}

fn is_content(word: &str, stops: &HashSet<String>) -> bool {
    !stops.contains(word) && !word.chars().all(|c| c.is_numeric())
}

/// The `limit` most frequent themes of `texts`.
pub fn themes<'a>(texts: impl IntoIterator<Item = &'a str>, limit: usize) -> Vec<Theme> {
    let stops = stop_words();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let words = tokens::words(text);
        let mut seen: HashSet<String> = HashSet::new();
        for n in 1..=3 {
            for window in words.windows(n) {
                let (Some(first), Some(last)) = (window.first(), window.last()) else {
                    continue;
                };
                if !is_content(first, stops) || !is_content(last, stops) {
                    continue;
                }
                seen.insert(window.join(" "));
            }
        }
        for phrase in seen {
            *counts.entry(phrase).or_default() += 1;
        }
    }
    counts.retain(|phrase, count| !phrase.contains(' ') || *count >= MIN_PHRASE_COUNT);
    let subsumed = subsumed(&counts);
    let mut out: Vec<Theme> = counts
        .into_iter()
        .filter(|(phrase, _)| !subsumed.contains(phrase))
        .map(|(phrase, count)| Theme { phrase, count })
        .collect();
    out.sort_by(|a, b| {
        let words = |t: &Theme| t.phrase.split(' ').count();
        b.count
            .cmp(&a.count)
            .then(words(b).cmp(&words(a)))
            .then(a.phrase.cmp(&b.phrase))
    });
    out.truncate(limit);
    out
}

/// The phrases that only ever come inside a longer theme: a word or two-word phrase of a
/// longer phrase found in as many answers (so in exactly the same answers). The longer
/// phrase says more ("question in minutes" rather than "question", "minutes" and "question
/// in minutes" side by side), and nothing is lost: every answer it counts has the longer one.
fn subsumed(counts: &HashMap<String, usize>) -> HashSet<String> {
    let mut out = HashSet::new();
    for (phrase, count) in counts {
        let words: Vec<&str> = phrase.split(' ').collect();
        for n in 1..words.len() {
            for part in words.windows(n) {
                let part = part.join(" ");
                if counts.get(&part) == Some(count) {
                    out.insert(part);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn frequent_words_and_phrases_without_stop_words() {
        let texts = [
            "The delivery was late and the box was damaged",
            "Late delivery again!",
            "Livraison en retard, late delivery",
            "great product",
        ];
        let t = themes(texts, 5);
        assert_eq!(
            t[0],
            Theme {
                phrase: "delivery".into(),
                count: 3
            }
        );
        assert_eq!(
            t[1],
            Theme {
                phrase: "late".into(),
                count: 3
            }
        );
        assert_eq!(
            t[2],
            Theme {
                phrase: "late delivery".into(),
                count: 2
            }
        );
        let all = themes(texts, 100);
        for stop in ["the", "was", "and", "en", "again"] {
            assert!(all.iter().all(|x| x.phrase != stop), "{stop} kept");
        }
        // A phrase seen once is not a theme; a word seen once is.
        assert!(all.iter().all(|x| x.phrase != "great product"));
        assert!(all.iter().any(|x| x.phrase == "product"));
    }

    #[test]
    fn a_part_found_only_inside_a_longer_theme_gives_way_to_it() {
        let texts = [
            "Support sorted my question in minutes",
            "support sorted my question in minutes!",
            "fast delivery",
            "fast delivery",
            "fast",
        ];
        let phrases: Vec<String> = themes(texts, 20).into_iter().map(|t| t.phrase).collect();
        // Same answers as a longer phrase: left out for it.
        for part in ["support", "sorted", "question", "minutes"] {
            assert!(!phrases.iter().any(|p| p == part), "{part}: {phrases:?}");
        }
        assert!(
            phrases.iter().any(|p| p == "question in minutes"),
            "{phrases:?}"
        );
        assert!(phrases.iter().any(|p| p == "support sorted"), "{phrases:?}");
        // "fast" is also said alone (3 answers against 2): both stay.
        assert!(
            phrases.iter().any(|p| p == "fast") && phrases.iter().any(|p| p == "fast delivery")
        );
        assert!(!phrases.iter().any(|p| p == "delivery"), "{phrases:?}");
    }

    #[test]
    fn every_locale_has_stop_words() {
        for w in ["the", "und", "les", "los", "het", "não", "amb", "في", "של"] {
            assert!(stop_words().contains(w), "{w}");
        }
        let t = themes(["التوصيل بطيء في المساء", "التوصيل بطيء"], 10);
        assert_eq!(t[0].phrase, "التوصيل بطيء");
        assert!(t.iter().all(|x| x.phrase != "في"));
    }

    #[test]
    fn counts_once_per_answer_and_skips_numbers() {
        let t = themes(["slow slow slow 42", "slow"], 10);
        assert_eq!(
            t,
            vec![Theme {
                phrase: "slow".into(),
                count: 2
            }]
        );
    }

    proptest! {
        #[test]
        fn counts_never_exceed_the_answers_and_order_holds(
            texts in proptest::collection::vec("[a-e ]{0,30}", 0..20), limit in 0usize..30
        ) {
            let t = themes(texts.iter().map(String::as_str), limit);
            prop_assert!(t.len() <= limit);
            for w in t.windows(2) {
                prop_assert!(w[0].count >= w[1].count);
            }
            for theme in &t {
                prop_assert!(theme.count >= 1 && theme.count <= texts.len());
                let n = texts.iter().filter(|x| tokens::document([x.as_str()]).contains(&theme.phrase)).count();
                prop_assert!(n >= theme.count);
            }
        }
    }
}

//! The inbox's themes strip: the most frequent phrases first (the collector's order is not
//! by count), a few in view and the rest behind "More themes", so that a year of answers
//! does not push the responses off the first screen.

use crate::model::Theme;

/// How many themes the strip shows before "More themes".
pub const SHOWN: usize = 12;

/// `themes` by count, most first (ties by phrase): the first [`SHOWN`], then the rest.
pub fn strip(themes: &[Theme]) -> (Vec<&Theme>, Vec<&Theme>) {
    let mut sorted: Vec<&Theme> = themes.iter().collect();
    // Ties are ordered by phrase, so a stable sort would add nothing.
    sorted.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.phrase.cmp(&b.phrase)));
    let rest = sorted.split_off(SHOWN.min(sorted.len()));
    (sorted, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(phrase: &str, count: i64) -> Theme {
        Theme {
            phrase: phrase.into(),
            count,
            band: None,
        }
    }

    #[test]
    fn most_frequent_first_and_the_rest_behind() {
        let mut themes: Vec<Theme> = (0..20).map(|i| theme(&format!("p{i:02}"), i)).collect();
        themes.push(theme("a-tie", 19));
        let (shown, rest) = strip(&themes);
        let phrases: Vec<&str> = shown.iter().map(|t| t.phrase.as_str()).collect();
        assert_eq!(phrases[..3], ["a-tie", "p19", "p18"]);
        assert_eq!(shown.len(), SHOWN);
        assert_eq!(rest.len(), 21 - SHOWN);
        assert!(rest.iter().all(|t| t.count <= shown[SHOWN - 1].count));
    }

    #[test]
    fn a_short_list_is_shown_whole() {
        let themes = [theme("late", 2), theme("quality", 5)];
        let (shown, rest) = strip(&themes);
        assert_eq!(shown.iter().map(|t| t.count).collect::<Vec<_>>(), [5, 2]);
        assert!(rest.is_empty());
        assert_eq!(strip(&[]), (vec![], vec![]));
    }
}

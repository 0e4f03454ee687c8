//! The inbox's filter state and its query string: the same keys in the console's URL
//! (`/admin/inbox?band=detractor&sort=risk`) and in the inbox API's
//! (`/admin/api/inbox?…`), so that a deep link reloads to the same view. Unknown keys and
//! values outside a closed set are dropped, never guessed.

use crate::query;

/// The inbox's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest first (the default).
    #[default]
    Newest,
    /// Highest revenue at risk first.
    Risk,
}

impl Sort {
    /// The query-string word.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Risk => "risk",
        }
    }
}

/// The score bands the API filters by.
pub const BANDS: [&str; 4] = ["detractor", "passive", "promoter", "unhappy"];
/// The statuses of a response.
pub const STATUSES: [&str; 4] = ["new", "triaged", "acting", "resolved"];

/// What the inbox shows. Empty text filters are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboxFilter {
    /// Site id (the site picker, when the collector has more than one).
    pub site: Option<String>,
    /// Order.
    pub sort: Sort,
    /// Survey id.
    pub survey: Option<String>,
    /// One of [`BANDS`].
    pub band: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Page URL contains.
    pub url: Option<String>,
    /// Only answers with open text.
    pub has_text: bool,
    /// Customer tier.
    pub tier: Option<String>,
    /// One of [`STATUSES`].
    pub status: Option<String>,
    /// Tag.
    pub tag: Option<String>,
    /// Assignee's user id.
    pub assignee: Option<String>,
    /// Full-text search.
    pub q: Option<String>,
}

fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn one_of(value: Option<&str>, allowed: &[&str]) -> Option<String> {
    value.filter(|v| allowed.contains(v)).map(str::to_owned)
}

fn day(value: Option<&str>) -> Option<String> {
    let v = value?;
    let b = v.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    ok.then(|| v.to_owned())
}

impl InboxFilter {
    /// The filter a query string describes (`?` optional).
    pub fn from_query(text_query: &str) -> InboxFilter {
        let pairs = query::parse(text_query);
        let get = |k: &str| query::get(&pairs, k);
        InboxFilter {
            site: text(get("site")),
            sort: match get("sort") {
                Some("risk") => Sort::Risk,
                _ => Sort::Newest,
            },
            survey: text(get("survey")),
            band: one_of(get("band"), &BANDS),
            from: day(get("from")),
            to: day(get("to")),
            url: text(get("url")),
            has_text: get("hasText") == Some("true"),
            tier: text(get("tier")),
            status: one_of(get("status"), &STATUSES),
            tag: text(get("tag")),
            assignee: text(get("assignee")),
            q: text(get("q")),
        }
    }

    /// The pairs of this filter, in a fixed order, leaving out what is unset (and the
    /// default sort).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let texts: [(&'static str, &Option<String>); 11] = [
            ("site", &self.site),
            ("survey", &self.survey),
            ("band", &self.band),
            ("from", &self.from),
            ("to", &self.to),
            ("url", &self.url),
            ("tier", &self.tier),
            ("status", &self.status),
            ("tag", &self.tag),
            ("assignee", &self.assignee),
            ("q", &self.q),
        ];
        let mut out: Vec<(&'static str, &str)> = texts
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
            .collect();
        if self.has_text {
            out.push(("hasText", "true"));
        }
        if self.sort != Sort::Newest {
            out.push(("sort", self.sort.as_str()));
        }
        out
    }

    /// The console URL's query string (no `?`; empty for the default view).
    pub fn to_query(&self) -> String {
        query::encode(self.pairs())
    }

    /// The inbox API's query string: the filter, the sort always, and the page.
    pub fn api_query(&self, cursor: Option<&str>, limit: u32) -> String {
        let mut pairs = self.pairs();
        pairs.retain(|(k, _)| *k != "sort");
        pairs.push(("sort", self.sort.as_str()));
        let limit = limit.to_string();
        pairs.push(("limit", &limit));
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor));
        }
        query::encode(pairs)
    }

    /// How many filters are set (the sort and the site are not filters).
    pub fn active(&self) -> usize {
        self.pairs()
            .iter()
            .filter(|(k, _)| !matches!(*k, "sort" | "site"))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::option;
    use proptest::prelude::*;

    #[test]
    fn reads_a_deep_link() {
        let f = InboxFilter::from_query("?band=detractor&sort=risk&q=late+box&hasText=true&x=1");
        assert_eq!(f.band.as_deref(), Some("detractor"));
        assert_eq!(f.sort, Sort::Risk);
        assert_eq!(f.q.as_deref(), Some("late box"));
        assert!(f.has_text);
        assert_eq!(f.active(), 3);
        assert_eq!(
            f.to_query(),
            "band=detractor&q=late+box&hasText=true&sort=risk"
        );
    }

    #[test]
    fn drops_values_outside_the_closed_sets() {
        let f =
            InboxFilter::from_query("band=angry&status=done&sort=up&from=2026-13&to=2026-01-31");
        assert_eq!(f.band, None);
        assert_eq!(f.status, None);
        assert_eq!(f.sort, Sort::Newest);
        assert_eq!(f.from, None);
        assert_eq!(f.to.as_deref(), Some("2026-01-31"));
    }

    #[test]
    fn api_query_always_has_sort_and_limit() {
        let f = InboxFilter::default();
        assert_eq!(f.to_query(), "");
        assert_eq!(
            f.api_query(Some("c1"), 25),
            "sort=newest&limit=25&cursor=c1"
        );
    }

    fn word() -> impl Strategy<Value = Option<String>> {
        option::of(
            "[^ ]\\PC{0,8}[^ ]".prop_filter("no surrounding space", |s: &String| s.trim() == s),
        )
    }

    prop_compose! {
        fn filter()(site in word(), risk: bool, survey in word(), band in option::of(0..4usize),
                    from in option::of((2000..2100u32, 1..13u32, 1..29u32)), url in word(),
                    has_text: bool, tier in word(), status in option::of(0..4usize), tag in word(),
                    assignee in word(), q in word()) -> InboxFilter {
            InboxFilter {
                site, sort: if risk { Sort::Risk } else { Sort::Newest }, survey,
                band: band.map(|i| BANDS[i].to_owned()),
                from: from.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")), to: None, url, has_text,
                tier, status: status.map(|i| STATUSES[i].to_owned()), tag, assignee, q,
            }
        }
    }

    proptest! {
        #[test]
        fn query_string_round_trip(f in filter()) {
            prop_assert_eq!(InboxFilter::from_query(&f.to_query()), f);
        }
    }
}

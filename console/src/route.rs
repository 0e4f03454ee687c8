//! Which page a console URL shows, and the URL of each page. Every view has its own URL
//! under `/admin` (history API), so a reload or a shared link opens the same view.
//!
//! Adding a page: a variant here, its line in [`Route::parse`] and [`Route::path`], its
//! entry in [`NAV`] if the navigation lists it, and its file under `web/pages/`.

use crate::filter::InboxFilter;

/// The console's root path.
pub const ROOT: &str = "/admin";

/// A console view.
// One is made per navigation: the inbox's filter inline costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/admin/setup#token=…`: the first owner's account (the token stays in the fragment).
    Setup,
    /// `/admin` or `/admin/inbox?…`: the responses.
    Inbox(InboxFilter),
    /// `/admin/inbox/{site}/{id}`: one response.
    Response {
        /// Site id.
        site: String,
        /// Response id.
        id: String,
    },
    /// `/admin/dashboard`.
    Dashboard,
    /// `/admin/segments`.
    Segments,
    /// `/admin/alerts`: webhooks and alerts.
    Alerts,
    /// `/admin/users` (owners).
    Users,
    /// `/admin/audit` (owners).
    Audit,
    /// Any other path under `/admin`.
    NotFound(String),
}

/// One entry of the navigation: the route's first path segment, its label, owners only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    /// Path under `/admin/`.
    pub segment: &'static str,
    /// Link text.
    pub label: &'static str,
    /// Shown to owners only.
    pub owner_only: bool,
}

/// The navigation, in order.
pub const NAV: [NavItem; 6] = [
    NavItem {
        segment: "inbox",
        label: "Inbox",
        owner_only: false,
    },
    NavItem {
        segment: "dashboard",
        label: "Dashboard",
        owner_only: false,
    },
    NavItem {
        segment: "segments",
        label: "Segments",
        owner_only: false,
    },
    NavItem {
        segment: "alerts",
        label: "Webhooks & alerts",
        owner_only: true,
    },
    NavItem {
        segment: "users",
        label: "Users",
        owner_only: true,
    },
    NavItem {
        segment: "audit",
        label: "Audit log",
        owner_only: true,
    },
];

impl Route {
    /// The view of `path` (with `query`, `?` optional). Paths outside `/admin` are not found.
    pub fn parse(path: &str, query: &str) -> Route {
        let Some(rest) = path.strip_prefix(ROOT) else {
            return Route::NotFound(path.to_owned());
        };
        let rest = rest.trim_matches('/');
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            [""] | ["inbox"] => Route::Inbox(InboxFilter::from_query(query)),
            ["inbox", site, id] if !site.is_empty() && !id.is_empty() => Route::Response {
                site: decode(site),
                id: decode(id),
            },
            ["setup"] => Route::Setup,
            ["dashboard"] => Route::Dashboard,
            ["segments"] => Route::Segments,
            ["alerts"] => Route::Alerts,
            ["users"] => Route::Users,
            ["audit"] => Route::Audit,
            _ => Route::NotFound(path.to_owned()),
        }
    }

    /// The URL of this view (path and query).
    pub fn path(&self) -> String {
        match self {
            Route::Setup => format!("{ROOT}/setup"),
            Route::Inbox(filter) => match filter.to_query() {
                q if q.is_empty() => format!("{ROOT}/inbox"),
                q => format!("{ROOT}/inbox?{q}"),
            },
            Route::Response { site, id } => {
                format!("{ROOT}/inbox/{}/{}", encode(site), encode(id))
            }
            Route::Dashboard => format!("{ROOT}/dashboard"),
            Route::Segments => format!("{ROOT}/segments"),
            Route::Alerts => format!("{ROOT}/alerts"),
            Route::Users => format!("{ROOT}/users"),
            Route::Audit => format!("{ROOT}/audit"),
            Route::NotFound(path) => path.clone(),
        }
    }

    /// The navigation entry this view belongs to (highlighted as the current page).
    pub fn nav_segment(&self) -> Option<&'static str> {
        match self {
            Route::Inbox(_) | Route::Response { .. } => Some("inbox"),
            Route::Dashboard => Some("dashboard"),
            Route::Segments => Some("segments"),
            Route::Alerts => Some("alerts"),
            Route::Users => Some("users"),
            Route::Audit => Some("audit"),
            Route::Setup | Route::NotFound(_) => None,
        }
    }

    /// Whether the view needs a signed-in user (all but setup).
    pub fn needs_session(&self) -> bool {
        !matches!(self, Route::Setup)
    }

    /// Whether the view is for owners only.
    pub fn owner_only(&self) -> bool {
        let segment = self.nav_segment();
        NAV.iter()
            .any(|n| Some(n.segment) == segment && n.owner_only)
    }
}

/// A path segment escaped (`%XX` for anything but unreserved characters).
fn encode(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A path segment unescaped (`%XX`; anything malformed is kept as it is).
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|c| hex(*c)),
            bytes.get(i + 2).and_then(|c| hex(*c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Sort;
    use proptest::prelude::*;

    #[test]
    fn parses_the_pages() {
        assert_eq!(
            Route::parse("/admin", ""),
            Route::Inbox(InboxFilter::default())
        );
        assert_eq!(
            Route::parse("/admin/", ""),
            Route::Inbox(InboxFilter::default())
        );
        assert_eq!(Route::parse("/admin/users", ""), Route::Users);
        assert_eq!(Route::parse("/admin/setup", ""), Route::Setup);
        assert_eq!(
            Route::parse("/admin/nope", ""),
            Route::NotFound("/admin/nope".into())
        );
        assert_eq!(
            Route::parse("/elsewhere", ""),
            Route::NotFound("/elsewhere".into())
        );
        let Route::Inbox(f) = Route::parse("/admin/inbox", "?band=detractor&sort=risk") else {
            panic!("not the inbox");
        };
        assert_eq!((f.band.as_deref(), f.sort), (Some("detractor"), Sort::Risk));
    }

    #[test]
    fn roles_and_sessions() {
        assert!(Route::Users.owner_only());
        assert!(Route::Audit.owner_only());
        assert!(!Route::Inbox(InboxFilter::default()).owner_only());
        assert!(!Route::Setup.needs_session());
        assert!(Route::Dashboard.needs_session());
    }

    #[test]
    fn every_nav_item_parses_to_its_own_page() {
        for item in NAV {
            let route = Route::parse(&format!("/admin/{}", item.segment), "");
            assert_eq!(route.nav_segment(), Some(item.segment));
            assert_eq!(route.owner_only(), item.owner_only);
        }
    }

    proptest! {
        #[test]
        fn response_paths_round_trip(site in "\\PC{1,10}", id in "\\PC{1,20}") {
            let route = Route::Response { site, id };
            let path = route.path();
            prop_assert_eq!(Route::parse(&path, ""), route);
        }
    }
}

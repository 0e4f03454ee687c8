//! The cross-site check every `/admin/api/*` request passes before anything else: a
//! browser states where a request comes from in `Sec-Fetch-Site` (all current browsers)
//! and `Origin` (every cross-origin request, and same-origin POSTs). A request is refused
//! when `Sec-Fetch-Site` is anything but `same-origin` or `none` (a typed URL), or when
//! `Origin` names another origin than the console's own — the configured public URL, or
//! else the request's `Host`. A request with neither header (curl, the CLI) comes from no
//! page and passes; it still needs the session cookie and, to change anything, the CSRF
//! token.

use axum::http::{header, HeaderMap};

use super::error::ConsoleError;

/// Refuses a cross-site request; `public_url` is the configured `console.publicUrl`.
pub fn check(headers: &HeaderMap, public_url: Option<&str>) -> Result<(), ConsoleError> {
    if let Some(site) = headers.get("sec-fetch-site") {
        let value = site.to_str().unwrap_or("");
        if !matches!(value, "same-origin" | "none") {
            return Err(ConsoleError::CrossSite {
                header: "sec-fetch-site",
                value: value.to_owned(),
            });
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("");
    let own = match public_url {
        Some(url) => origin.eq_ignore_ascii_case(url),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            !host.is_empty() && authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
        }
    };
    match own {
        true => Ok(()),
        false => Err(ConsoleError::CrossSite {
            header: "origin",
            value: origin.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_and_headerless_pass() {
        assert!(check(&headers(&[]), None).is_ok());
        assert!(check(&headers(&[("sec-fetch-site", "same-origin")]), None).is_ok());
        assert!(check(&headers(&[("sec-fetch-site", "none")]), None).is_ok());
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(check(&h, None).is_ok());
        let h = headers(&[("host", "x"), ("origin", "https://admin.shop.example")]);
        assert!(check(&h, Some("https://admin.shop.example")).is_ok());
    }

    #[test]
    fn cross_site_is_refused() {
        for site in ["cross-site", "same-site", ""] {
            let mut h = HeaderMap::new();
            h.insert(
                "sec-fetch-site",
                HeaderValue::from_str(site).unwrap_or(HeaderValue::from_static("x")),
            );
            assert!(matches!(
                check(&h, None),
                Err(ConsoleError::CrossSite {
                    header: "sec-fetch-site",
                    ..
                })
            ));
        }
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ]);
        assert!(matches!(
            check(&h, None),
            Err(ConsoleError::CrossSite {
                header: "origin",
                ..
            })
        ));
        assert!(check(&headers(&[("host", "a"), ("origin", "null")]), None).is_err());
        // With a public URL, a Host-matching origin on the wrong scheme is still foreign.
        let h = headers(&[("host", "shop.example"), ("origin", "http://shop.example")]);
        assert!(check(&h, Some("https://shop.example")).is_err());
    }
}

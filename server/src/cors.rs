//! Cross-origin policy. Only origins a site lists in its `origins` get
//! `Access-Control-Allow-Origin` (the origin echoed, never `*`); every API response carries
//! `Vary: Origin`. A request whose `Origin` matches its own `Host` is same-origin and always
//! allowed (browsers send `Origin` on same-origin POSTs too).

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::config::ServerConfig;

/// How long a browser may cache a preflight answer, in seconds.
pub const PREFLIGHT_MAX_AGE: u32 = 600;

/// The request's `Origin`, if any and readable.
pub fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

/// True when `origin` is this server's own origin (compared with the `Host` header).
pub fn is_same_origin(headers: &HeaderMap, origin: &str) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

/// True when `origin` may call the API on behalf of `site`.
pub fn allowed_for_site(config: &ServerConfig, site: &str, origin: &str) -> bool {
    config
        .site(site)
        .is_some_and(|s| s.origins.iter().any(|o| o == origin))
}

/// True when any site lists `origin` (used before the site is known: preflights, errors).
pub fn allowed_for_any(config: &ServerConfig, origin: &str) -> bool {
    config
        .sites
        .iter()
        .any(|s| s.origins.iter().any(|o| o == origin))
}

/// Adds `Vary: Origin`, and `Access-Control-Allow-Origin: <origin>` when `allowed`.
pub fn decorate(response: &mut Response, origin: Option<&str>, allowed: bool) {
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let (Some(origin), true) = (origin, allowed) {
        if let Ok(value) = HeaderValue::from_str(origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
    }
}

/// Answers a preflight `OPTIONS` request for an endpoint accepting `methods`.
/// Allowed origins get 204 with the CORS grant; others get 403 and no CORS headers.
pub fn preflight(
    headers: &HeaderMap,
    allowed: impl Fn(&str) -> bool,
    methods: &[Method],
) -> Response {
    let origin = request_origin(headers);
    let requested_ok = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| methods.iter().any(|allowed| allowed.as_str() == m));
    let origin_ok = origin.is_some_and(|o| allowed(o) || is_same_origin(headers, o));
    if !(origin_ok && requested_ok) {
        let mut response = StatusCode::FORBIDDEN.into_response();
        decorate(&mut response, origin, false);
        return response;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    decorate(&mut response, origin, true);
    let list = methods
        .iter()
        .map(Method::as_str)
        .chain(std::iter::once("OPTIONS"))
        .collect::<Vec<_>>()
        .join(", ");
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&list) {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, authorization"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from(PREFLIGHT_MAX_AGE),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_compares_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(is_same_origin(&h, "http://127.0.0.1:8080"));
        assert!(!is_same_origin(&h, "http://127.0.0.1:9090"));
        assert!(!is_same_origin(&h, "http://evil.example"));
        assert!(!is_same_origin(&HeaderMap::new(), "http://127.0.0.1:8080"));
    }

    #[test]
    fn preflight_grants_only_allowed() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://shop.example"),
        );
        h.insert(
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("POST"),
        );
        let ok = preflight(&h, |o| o == "https://shop.example", &[Method::POST]);
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            ok.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some(&HeaderValue::from_static("https://shop.example"))
        );
        let no = preflight(&h, |_| false, &[Method::POST]);
        assert_eq!(no.status(), StatusCode::FORBIDDEN);
        assert!(no
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none());
        let wrong_method = preflight(&h, |_| true, &[Method::GET]);
        assert_eq!(wrong_method.status(), StatusCode::FORBIDDEN);
    }
}

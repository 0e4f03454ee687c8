//! What every console handler needs to know about a request before it acts: where it came
//! from, whether it came over https, and who is signed in. [`Caller::signed_in`] runs the
//! checks in order — cross-site refusal, live session (401), CSRF token on state-changing
//! methods (403), role (403 via [`Caller::require_owner`]) — so that no handler can skip
//! one.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};

use super::error::ConsoleError;
use super::{origin, secret, session};
use crate::app::AppState;
use crate::store::console::{Role, SessionRow, User};

/// Header carrying the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The request's origin facts, as an extractor.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// Client address (through trusted proxies).
    pub client: IpAddr,
    /// Whether the session cookie must be `Secure`: the configured public URL is https, or
    /// a trusted proxy says the request came over https.
    pub https: bool,
    /// The method.
    pub method: Method,
    /// The headers.
    pub headers: HeaderMap,
}

impl FromRequestParts<AppState> for RequestFacts {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let config = state.config();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let proxied_https = config.trusted_proxies.contains(peer)
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        let public_https = config
            .console
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        origin::check(&parts.headers, config.console.public_url.as_deref())?;
        Ok(RequestFacts {
            client: config.trusted_proxies.client_ip(peer, &parts.headers),
            https: proxied_https || public_https,
            method: parts.method.clone(),
            headers: parts.headers.clone(),
        })
    }
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The session.
    pub session: SessionRow,
    /// The request's facts.
    pub facts: RequestFacts,
}

impl Caller {
    /// The live session of the request (401 without one) and, unless the method is safe,
    /// its CSRF token in [`CSRF_HEADER`] (403 without it).
    pub async fn signed_in(state: &AppState, facts: RequestFacts) -> Result<Caller, ConsoleError> {
        let id = session::cookie_value(&facts.headers).ok_or(ConsoleError::Unauthenticated)?;
        let digest = secret::digest(id);
        let console = state.store.console();
        let now = state.clock.now_millis();
        let row = console
            .session(digest.clone())
            .await?
            .ok_or(ConsoleError::Unauthenticated)?;
        if !session::is_live(&row, now) {
            console.delete_session(digest).await?;
            return Err(ConsoleError::Unauthenticated);
        }
        let safe = matches!(facts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = facts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or(b"");
            if !secret::constant_time_eq(sent, row.csrf_token.as_bytes()) {
                return Err(ConsoleError::Csrf);
            }
        }
        if session::needs_touch(&row, now) {
            console.touch_session(digest, now).await?;
        }
        Ok(Caller {
            session: row,
            facts,
        })
    }

    /// The signed-in user.
    pub fn user(&self) -> &User {
        &self.session.user
    }

    /// Refuses (403) unless the caller is an owner.
    pub fn require_owner(&self, action: &'static str) -> Result<(), ConsoleError> {
        match self.user().role {
            Role::Owner => Ok(()),
            Role::Agent => Err(ConsoleError::WrongRole {
                role: "agent",
                action,
            }),
        }
    }
}

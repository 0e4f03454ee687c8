//! Application state and the router: API routes, CORS preflights, JSON 404s for unknown
//! API paths, then static files.

use std::sync::Arc;

use axum::routing::{any, get, patch, post};
use axum::Router;

use crate::admin_auth::AdminThrottle;
use crate::clock::{Clock, SystemClock};
use crate::config::ServerConfig;
use crate::console::throttle::SignInThrottle;
use crate::error::ApiError;
use crate::live_config::LiveConfig;
use crate::rate_limit::RateLimiter;
use crate::routes::{
    config, console, export, health, hooks, imports, impressions, liability, loyalty, openapi,
    responses, rewards, segments, shopper, webhooks,
};
use crate::static_files::{self, StaticDirs};
use crate::store::ResponseStore;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// Sites and limits in force (replaced when the config file changes).
    pub live: Arc<LiveConfig>,
    /// Where responses go.
    pub store: Arc<dyn ResponseStore>,
    /// Throttle on wrong admin tokens.
    pub admin: Arc<AdminThrottle>,
    /// Throttle on failed console sign-ins (its burst is read from the configuration at
    /// start-up).
    pub sign_in: Arc<SignInThrottle>,
    /// "Now" for the loyalty rules (return windows, token lifetimes, webhook timestamps).
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// State for `config` over `store`.
    pub fn new(config: ServerConfig, store: Arc<dyn ResponseStore>) -> Self {
        AppState {
            sign_in: Arc::new(SignInThrottle::new(config.console.sign_in_burst)),
            live: Arc::new(LiveConfig::new(config)),
            store,
            admin: Arc::new(AdminThrottle::default()),
            clock: Arc::new(SystemClock),
        }
    }

    /// The configuration in force; a handler takes it once and uses it throughout.
    pub fn config(&self) -> Arc<ServerConfig> {
        self.live.snapshot().config
    }

    /// The POST rate limiter in force.
    pub fn limiter(&self) -> Arc<RateLimiter> {
        self.live.snapshot().limiter
    }

    /// Forgets clients whose rate-limit and admin-throttle allowances have refilled. The
    /// cost grows with the number of tracked clients, so the server runs this on a timer,
    /// never on the request path.
    pub fn maintain(&self) {
        self.limiter().retain_recent();
        self.admin.prune(std::time::Instant::now());
        self.sign_in.prune(std::time::Instant::now());
    }
}

/// Every API route as `(method, path)`, in the router's path syntax. The OpenAPI document
/// must describe exactly these (checked by the tests).
pub const API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/v1/sites/{site}/config"),
    ("OPTIONS", "/v1/sites/{site}/config"),
    ("POST", "/v1/responses"),
    ("GET", "/v1/responses"),
    ("OPTIONS", "/v1/responses"),
    ("POST", "/v1/impressions"),
    ("OPTIONS", "/v1/impressions"),
    ("GET", "/v1/sites/{site}/loyalty/me"),
    ("OPTIONS", "/v1/sites/{site}/loyalty/me"),
    ("POST", "/v1/sites/{site}/loyalty/redemptions"),
    ("OPTIONS", "/v1/sites/{site}/loyalty/redemptions"),
    ("POST", "/v1/sites/{site}/loyalty/adjustments"),
    ("POST", "/v1/sites/{site}/loyalty/reward-redemptions"),
    ("OPTIONS", "/v1/sites/{site}/loyalty/reward-redemptions"),
    ("GET", "/v1/sites/{site}/loyalty/liability"),
    ("POST", "/v1/sites/{site}/loyalty/imports"),
    ("POST", "/v1/sites/{site}/webhooks/shopify"),
    ("POST", "/v1/sites/{site}/webhooks/woocommerce"),
    ("POST", "/v1/sites/{site}/webhooks/standard"),
    ("POST", "/admin/api/setup"),
    ("POST", "/admin/api/session"),
    ("DELETE", "/admin/api/session"),
    ("GET", "/admin/api/me"),
    ("GET", "/admin/api/users"),
    ("POST", "/admin/api/users"),
    ("PATCH", "/admin/api/users/{id}"),
    ("GET", "/admin/api/audit"),
    ("GET", "/admin/api/inbox/{site}/{id}/followups"),
    ("POST", "/admin/api/inbox/{site}/{id}/followups"),
    ("GET", "/admin/api/followups/summary"),
    ("GET", "/admin/api/sites/{site}/holdout"),
    ("PUT", "/admin/api/sites/{site}/holdout"),
    ("GET", "/admin/api/sites/{site}/holdout/results"),
    ("GET", "/v1/sites/{site}/followups"),
    ("OPTIONS", "/v1/sites/{site}/followups"),
    ("POST", "/v1/sites/{site}/followups/{id}/seen"),
    ("OPTIONS", "/v1/sites/{site}/followups/{id}/seen"),
    ("POST", "/v1/sites/{site}/followups/{id}/helpful"),
    ("OPTIONS", "/v1/sites/{site}/followups/{id}/helpful"),
    ("GET", "/admin/api/webhooks"),
    ("POST", "/admin/api/webhooks"),
    ("PATCH", "/admin/api/webhooks/{id}"),
    ("DELETE", "/admin/api/webhooks/{id}"),
    ("GET", "/admin/api/webhooks/{id}/deliveries"),
    ("POST", "/admin/api/webhooks/{id}/test"),
    ("GET", "/admin/api/sites/{site}/alerts"),
    ("PUT", "/admin/api/sites/{site}/alerts"),
    ("GET", "/admin/api/dashboard/data"),
    ("GET", "/admin/api/inbox"),
    ("POST", "/admin/api/inbox/bulk"),
    ("GET", "/admin/api/inbox/{site}/{id}"),
    ("PATCH", "/admin/api/inbox/{site}/{id}"),
    ("POST", "/admin/api/inbox/{site}/{id}/notes"),
    ("GET", "/admin/api/themes"),
    ("GET", "/admin/api/sites"),
    ("GET", "/admin/api/segments"),
    ("GET", "/admin/api/customers/{site}/{id}"),
];

/// The complete router for `state`, serving static files from `dirs`.
pub fn build_app(state: AppState, dirs: &StaticDirs) -> Router {
    let api = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/v1/openapi.json", get(openapi::openapi))
        .route(
            "/v1/sites/{site}/config",
            get(config::get_config).options(config::options_config),
        )
        .route(
            "/v1/responses",
            post(responses::post_response)
                .get(export::export)
                .options(responses::options_responses),
        )
        .route(
            "/v1/impressions",
            post(impressions::post_impression).options(impressions::options_impressions),
        )
        .route(
            "/v1/sites/{site}/loyalty/me",
            get(loyalty::me).options(shopper::preflight_get),
        )
        .route(
            "/v1/sites/{site}/loyalty/redemptions",
            post(loyalty::redeem).options(shopper::preflight_post),
        )
        .route(
            "/v1/sites/{site}/loyalty/adjustments",
            post(loyalty::adjust),
        )
        .route(
            "/v1/sites/{site}/loyalty/reward-redemptions",
            post(rewards::redeem_reward).options(shopper::preflight_post),
        )
        .route(
            "/v1/sites/{site}/loyalty/liability",
            get(liability::liability),
        )
        .route("/v1/sites/{site}/loyalty/imports", post(imports::import))
        .route("/v1/sites/{site}/webhooks/shopify", post(webhooks::shopify))
        .route(
            "/v1/sites/{site}/webhooks/woocommerce",
            post(webhooks::woocommerce),
        )
        .route(
            "/v1/sites/{site}/webhooks/standard",
            post(webhooks::standard),
        )
        .route("/admin/api/setup", post(console::setup))
        .route(
            "/admin/api/session",
            post(console::sign_in).delete(console::sign_out),
        )
        .route("/admin/api/me", get(console::me))
        .route(
            "/admin/api/users",
            get(console::list_users).post(console::create_user),
        )
        .route("/admin/api/users/{id}", patch(console::update_user))
        .route("/admin/api/audit", get(console::audit_log))
        .merge(followup_routes())
        .route("/admin/api/webhooks", get(hooks::list).post(hooks::create))
        .route(
            "/admin/api/webhooks/{id}",
            patch(hooks::update).delete(hooks::delete),
        )
        .route(
            "/admin/api/webhooks/{id}/deliveries",
            get(hooks::deliveries),
        )
        .route("/admin/api/webhooks/{id}/test", post(hooks::test))
        .route(
            "/admin/api/sites/{site}/alerts",
            get(hooks::get_alerts).put(hooks::put_alerts),
        )
        .route(
            "/admin/api/dashboard/data",
            get(crate::routes::dashboard::data),
        )
        .merge(crate::routes::inbox::router())
        .route("/admin/api/segments", get(segments::segments))
        .route("/admin/api/customers/{site}/{id}", get(segments::customer))
        .route("/admin/api", any(console::unknown))
        .route("/admin/api/{*rest}", any(console::unknown))
        .route("/v1", get(unknown_api))
        .route("/v1/{*rest}", get(unknown_api).post(unknown_api))
        .with_state(state);
    api.merge(static_files::router(dirs))
        .merge(crate::routes::console_app::router(&dirs.dist))
}

/// Follow-ups and the holdout (console and shopper sides), see [`crate::routes::followups`].
fn followup_routes() -> Router<AppState> {
    use crate::routes::{followups as f, shopper_followups as s};
    Router::new()
        .route(
            "/admin/api/inbox/{site}/{id}/followups",
            get(f::list).post(f::create),
        )
        .route("/admin/api/followups/summary", get(f::summary))
        .route(
            "/admin/api/sites/{site}/holdout",
            get(f::get_holdout).put(f::put_holdout),
        )
        .route("/admin/api/sites/{site}/holdout/results", get(f::results))
        .route(
            "/v1/sites/{site}/followups",
            get(s::list).options(s::preflight_list),
        )
        .route(
            "/v1/sites/{site}/followups/{id}/seen",
            post(s::seen).options(s::preflight_mark),
        )
        .route(
            "/v1/sites/{site}/followups/{id}/helpful",
            post(s::helpful).options(s::preflight_mark),
        )
}

async fn unknown_api(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

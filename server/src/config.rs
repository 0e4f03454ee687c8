//! The collector's configuration file (`--config`): the sites it serves, each a site
//! configuration plus the server-only `origins` and `adminToken`; the per-client POST rate
//! limit; the proxies whose forwarding headers are believed; the connection timeouts.
//!
//! ```json
//! { "sites": [ { "site": "demo", "surveys": [], "origins": ["http://127.0.0.1:8080"],
//!                "adminToken": "change-me-please" } ],
//!   "rateLimit": { "burst": 60, "perSecond": 20 },
//!   "trustedProxies": ["10.0.0.0/8", "127.0.0.1"],
//!   "timeouts": { "headerRead": 10, "bodyRead": 30, "writeStall": 30, "shutdown": 10 } }
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value};

use rapport::core::survey::decode::SITE_KEYS;

use crate::scoring::audience::Audience;
use std::collections::BTreeSet;

use crate::client_ip::TrustedProxies;
use crate::launcher;
use crate::loyalty::answer::{AnswerRule, DEFAULT_PERIOD_DAYS};
use crate::loyalty::expiry::ExpiryPolicy;
use crate::loyalty::outbound::OutboundWebhook;
use crate::loyalty::referral::ReferralRule;
use crate::loyalty::rewards::Reward;
use crate::loyalty::rules::LoyaltyRules;
use crate::loyalty::settings;
use crate::loyalty::signature;
use crate::loyalty::token::MIN_SECRET_BYTES;
use crate::validate::{SiteRules, SiteRulesError};

/// Members of the file's top level.
const ROOT_KEYS: &[&str] = &[
    "sites",
    "rateLimit",
    "trustedProxies",
    "timeouts",
    "console",
];
/// Members of `console` (the merchant console at `/admin`).
const CONSOLE_KEYS: &[&str] = &["publicUrl", "signInBurst"];
/// Members of a site beside the public ones ([`SITE_KEYS`]): never published.
const SERVER_ONLY_SITE_KEYS: &[&str] = &["origins", "adminToken", "loyalty"];
/// Members of a site the collector checks and publishes beside the widget's ([`SITE_KEYS`]):
/// the loader reads them, the widget ignores them.
const LOADER_SITE_KEYS: &[&str] = &["launcher", "followups"];
/// Members of a site's `loyalty`.
const LOYALTY_KEYS: &[&str] = &[
    "customerTokenSecret",
    "pointsPerUnit",
    "returnWindowDays",
    "webhooks",
    "expiry",
    "tiers",
    "rewards",
    "outboundWebhook",
    "surveyAnswer",
    "referral",
];
/// Members of `loyalty.surveyAnswer`.
const SURVEY_ANSWER_KEYS: &[&str] = &["points", "periodDays"];
/// Members of `loyalty.referral`.
const REFERRAL_KEYS: &[&str] = &["referrerPoints", "refereePoints", "link"];
/// Largest configured points value of one credit.
const MAX_CONFIG_POINTS: u64 = 1_000_000;
/// Members of `loyalty.webhooks` (one secret per source).
const WEBHOOK_KEYS: &[&str] = &["shopify", "woocommerce", "standard"];
/// Members of `rateLimit`.
const RATE_LIMIT_KEYS: &[&str] = &["burst", "perSecond"];
/// Members of `timeouts` (seconds).
const TIMEOUT_KEYS: &[&str] = &["headerRead", "bodyRead", "writeStall", "shutdown"];
/// Longest accepted timeout (one day): longer is a typo, not a policy.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// Default bucket size of the per-client rate limit.
pub const DEFAULT_BURST: u32 = 60;
/// Default refill rate of the per-client rate limit.
pub const DEFAULT_PER_SECOND: f64 = 20.0;

/// Why the configuration file was rejected; messages name the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("config {path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON.
    #[error("config: not valid JSON: {0}")]
    Json(String),
    /// A field is missing or wrong.
    #[error("config {field}: {message}")]
    Field {
        /// JSON path, e.g. `sites[0].origins[1]`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

fn field_err(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Field {
        field: field.into(),
        message: message.into(),
    }
}

/// One served site.
#[derive(Debug, Clone)]
pub struct SiteEntry {
    /// Site id (`site`).
    pub id: String,
    /// Origins allowed to call the API from a browser (`scheme://host[:port]`).
    pub origins: Vec<String>,
    /// Bearer token for the export endpoint.
    pub admin_token: String,
    /// The site configuration as served publicly: exactly the members the widget reads
    /// ([`SITE_KEYS`]) and the loader's `launcher`, never `origins`, `adminToken`,
    /// `loyalty` or anything else.
    pub public: Value,
    /// Surveys with an `audience` (none: every survey is public), served only to the
    /// identified shoppers they are meant for ([`SiteEntry::public_for`]).
    pub targeted: Vec<TargetedSurvey>,
    /// Validation rules derived from the site configuration.
    pub rules: SiteRules,
    /// The loyalty programme (`loyalty`, server-only); `None` when not enabled.
    pub loyalty: Option<LoyaltyConfig>,
}

/// A survey with an `audience`: where it sits among the site's surveys, who it is for, and
/// the survey as served (without its `audience`).
#[derive(Debug, Clone)]
pub struct TargetedSurvey {
    /// Index among the site's `surveys` in the file.
    pub index: usize,
    /// Survey id.
    pub id: String,
    /// Who it is meant for.
    pub audience: Audience,
    /// The survey's JSON without `audience`.
    pub survey: Value,
}

impl SiteEntry {
    /// The public configuration for an identified shopper in `segments`: the public
    /// surveys and the targeted ones whose audience admits them, in the file's order.
    pub fn public_for(&self, segments: &BTreeSet<String>) -> Value {
        let mut out = self.public.clone();
        let admitted: Vec<&TargetedSurvey> = self
            .targeted
            .iter()
            .filter(|t| t.audience.admits(segments))
            .collect();
        if admitted.is_empty() {
            return out;
        }
        if let Some(Value::Array(surveys)) = out.get_mut("surveys") {
            // Public surveys are the file's surveys minus the targeted ones, in order:
            // re-insert each admitted one at its index in the file.
            let mut all: Vec<(usize, Value)> = Vec::new();
            let mut index = 0;
            let mut public = surveys.drain(..);
            let total = public.len() + self.targeted.len();
            while index < total {
                if let Some(t) = self.targeted.iter().find(|t| t.index == index) {
                    if admitted.iter().any(|a| a.index == t.index) {
                        all.push((index, t.survey.clone()));
                    }
                } else if let Some(s) = public.next() {
                    all.push((index, s));
                }
                index += 1;
            }
            drop(public);
            surveys.extend(all.into_iter().map(|(_, s)| s));
        }
        out
    }
}

/// A site's `loyalty` member: never published.
#[derive(Debug, Clone)]
pub struct LoyaltyConfig {
    /// HS256 key of customer tokens (`customerTokenSecret`, at least 32 bytes).
    pub customer_token_secret: String,
    /// Earning rules.
    pub rules: LoyaltyRules,
    /// Shopify app secret (`webhooks.shopify`).
    pub shopify_secret: Option<String>,
    /// WooCommerce webhook secret (`webhooks.woocommerce`).
    pub woocommerce_secret: Option<String>,
    /// Standard Webhooks key, decoded from its `whsec_…` form (`webhooks.standard`).
    pub standard_key: Option<Vec<u8>>,
    /// Points expiry after inactivity (`expiry`); `None`: points never expire.
    pub expiry: Option<ExpiryPolicy>,
    /// The rewards catalogue (`rewards`).
    pub rewards: Vec<Reward>,
    /// Where reward events are sent (`outboundWebhook`).
    pub outbound: Option<OutboundWebhook>,
}

/// Per-client token bucket parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitConfig {
    /// Bucket size: requests allowed in a burst.
    pub burst: u32,
    /// Tokens added per second.
    pub per_second: f64,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            burst: DEFAULT_BURST,
            per_second: DEFAULT_PER_SECOND,
        }
    }
}

/// Connection and request time limits (`timeouts`, in seconds in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the moment a connection waits for a request until that request's headers are
    /// complete (`headerRead`): bounds slow headers and idle keep-alive connections alike.
    pub header_read: Duration,
    /// Reading a request body, start to end (`bodyRead`): a slow drip gets 408.
    pub body_read: Duration,
    /// How long a response write may make no progress (`writeStall`): a client that stops
    /// reading is disconnected.
    pub write_stall: Duration,
    /// After SIGTERM, how long in-flight requests may take before connections are cut
    /// (`shutdown`).
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            write_stall: Duration::from_secs(30),
            shutdown: Duration::from_secs(10),
        }
    }
}

/// The merchant console's settings (`console` in the file; every member optional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// The collector's public URL (`publicUrl`), e.g. `https://feedback.shop.example`: the
    /// setup link is printed under it, and an `https` URL marks session cookies `Secure`
    /// even when a proxy terminates TLS.
    pub public_url: Option<String>,
    /// Failed sign-ins a client, or an account, may make before it waits
    /// (`signInBurst`; one more attempt every 30 s after that).
    pub sign_in_burst: u32,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            public_url: None,
            sign_in_burst: 10,
        }
    }
}

/// The whole configuration file.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Sites in file order.
    pub sites: Vec<SiteEntry>,
    /// The POST rate limit.
    pub rate_limit: RateLimitConfig,
    /// Peers whose `Forwarded` / `X-Forwarded-For` headers name the client
    /// (`trustedProxies`; none by default).
    pub trusted_proxies: TrustedProxies,
    /// Connection and request time limits.
    pub timeouts: Timeouts,
    /// The merchant console's settings (`console`).
    pub console: ConsoleConfig,
    index: HashMap<String, usize>,
}

impl ServerConfig {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Parses and validates configuration text.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| ConfigError::Json(e.to_string()))?;
        let root = root
            .as_object()
            .ok_or_else(|| field_err("(root)", "must be an object"))?;
        only_known("", root, &[ROOT_KEYS])?;
        let sites_json = root
            .get("sites")
            .and_then(Value::as_array)
            .ok_or_else(|| field_err("sites", "must be an array of site configurations"))?;
        if sites_json.is_empty() {
            return Err(field_err("sites", "must list at least one site"));
        }
        let mut sites = Vec::with_capacity(sites_json.len());
        let mut index = HashMap::new();
        for (i, site) in sites_json.iter().enumerate() {
            let entry = parse_site(i, site)?;
            if index.insert(entry.id.clone(), i).is_some() {
                return Err(field_err(
                    format!("sites[{i}].site"),
                    format!("duplicate site id {:?}", entry.id),
                ));
            }
            sites.push(entry);
        }
        let rate_limit = match root.get("rateLimit") {
            None | Some(Value::Null) => RateLimitConfig::default(),
            Some(v) => parse_rate_limit(v)?,
        };
        let trusted_proxies = match root.get("trustedProxies") {
            None | Some(Value::Null) => TrustedProxies::default(),
            Some(v) => parse_trusted_proxies(v)?,
        };
        let timeouts = match root.get("timeouts") {
            None | Some(Value::Null) => Timeouts::default(),
            Some(v) => parse_timeouts(v)?,
        };
        let console = match root.get("console") {
            None | Some(Value::Null) => ConsoleConfig::default(),
            Some(v) => parse_console(v)?,
        };
        Ok(ServerConfig {
            sites,
            rate_limit,
            trusted_proxies,
            timeouts,
            console,
            index,
        })
    }

    /// The site with id `id`.
    pub fn site(&self, id: &str) -> Option<&SiteEntry> {
        self.index.get(id).and_then(|&i| self.sites.get(i))
    }
}

fn parse_site(i: usize, site: &Value) -> Result<SiteEntry, ConfigError> {
    let at = format!("sites[{i}]");
    let obj = site
        .as_object()
        .ok_or_else(|| field_err(&at, "must be an object"))?;
    only_known(
        &at,
        obj,
        &[SITE_KEYS, LOADER_SITE_KEYS, SERVER_ONLY_SITE_KEYS],
    )?;
    let mut public: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| SITE_KEYS.contains(&k.as_str()) || LOADER_SITE_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let origins_json = obj.get("origins").cloned();
    let token_json = obj.get("adminToken").cloned();

    let origins = match origins_json {
        None => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(k, o)| {
                let field = format!("{at}.origins[{k}]");
                let s = o
                    .as_str()
                    .ok_or_else(|| field_err(&field, "must be a string"))?;
                check_origin(s).map_err(|m| field_err(&field, m))?;
                Ok(s.to_owned())
            })
            .collect::<Result<Vec<_>, ConfigError>>()?,
        Some(_) => {
            return Err(field_err(
                format!("{at}.origins"),
                "must be an array of origins",
            ))
        }
    };
    let admin_token = match token_json {
        Some(Value::String(t)) if !t.trim().is_empty() && !t.contains(char::is_whitespace) => t,
        _ => {
            return Err(field_err(
                format!("{at}.adminToken"),
                "must be a non-empty string without spaces",
            ))
        }
    };
    let loyalty = match obj.get("loyalty") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_loyalty(&format!("{at}.loyalty"), v)?),
    };
    let targeted = take_audiences(&at, &mut public, loyalty.as_ref())?;
    let mut full = public.clone();
    if let Some(Value::Array(surveys)) = full.get_mut("surveys") {
        for t in &targeted {
            surveys.insert(t.index.min(surveys.len()), t.survey.clone());
        }
    }
    let public = Value::Object(public);
    let full = Value::Object(full);
    let rules = SiteRules::from_site_json(&full).map_err(|SiteRulesError { path, message }| {
        let field = if path.is_empty() {
            at.clone()
        } else {
            format!("{at}.{path}")
        };
        field_err(field, message)
    })?;
    if let Some(v) = obj.get("launcher") {
        let surveys: Vec<&str> = rules
            .config()
            .surveys
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let facts = launcher::SiteFacts {
            surveys: &surveys,
            loyalty: loyalty.is_some(),
        };
        launcher::check(v, facts).map_err(|e| field_err(format!("{at}.{}", e.field), e.message))?;
    }
    // `followups: true` makes the loader fetch the follow-up card for identified shoppers,
    // which needs customer tokens: the loyalty programme's secret.
    match obj.get("followups") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) if loyalty.is_some() => {}
        Some(Value::Bool(true)) => {
            return Err(field_err(
                format!("{at}.followups"),
                "needs loyalty.customerTokenSecret (follow-ups are shown to identified customers)",
            ))
        }
        Some(_) => {
            return Err(field_err(
                format!("{at}.followups"),
                "must be true or false",
            ))
        }
    }
    Ok(SiteEntry {
        id: rules.site_id().to_owned(),
        origins,
        admin_token,
        public,
        targeted,
        rules,
        loyalty,
    })
}

/// Removes every survey with an `audience` from `public`'s surveys, checking the audience
/// (its segments must exist on the site, and identifying shoppers needs `loyalty`).
fn take_audiences(
    at: &str,
    public: &mut Map<String, Value>,
    loyalty: Option<&LoyaltyConfig>,
) -> Result<Vec<TargetedSurvey>, ConfigError> {
    let Some(Value::Array(surveys)) = public.get_mut("surveys") else {
        return Ok(Vec::new());
    };
    let tiers: Vec<String> = loyalty
        .and_then(|l| l.rules.tiers.as_ref())
        .map(|t| t.levels.iter().map(|l| l.name.clone()).collect())
        .unwrap_or_default();
    let mut targeted = Vec::new();
    let mut kept = Vec::with_capacity(surveys.len());
    for (index, mut survey) in surveys.drain(..).enumerate() {
        let audience = survey.as_object_mut().and_then(|o| o.remove("audience"));
        let Some(audience) = audience else {
            kept.push(survey);
            continue;
        };
        let field = |f: &str| format!("{at}.surveys[{index}].{f}");
        if loyalty.is_none() {
            return Err(field_err(
                field("audience"),
                "needs the site's loyalty programme: a customer token identifies the shopper",
            ));
        }
        let audience = Audience::parse(&audience, &tiers)
            .map_err(|e| field_err(field(&e.field), e.message))?;
        let id = survey
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        targeted.push(TargetedSurvey {
            index,
            id,
            audience,
            survey,
        });
    }
    *surveys = kept;
    Ok(targeted)
}

fn parse_loyalty(at: &str, v: &Value) -> Result<LoyaltyConfig, ConfigError> {
    let obj = v
        .as_object()
        .ok_or_else(|| field_err(at, "must be an object"))?;
    only_known(at, obj, &[LOYALTY_KEYS])?;
    let secret = match obj.get("customerTokenSecret") {
        Some(Value::String(s)) if s.len() >= MIN_SECRET_BYTES => s.clone(),
        _ => {
            return Err(field_err(
                format!("{at}.customerTokenSecret"),
                format!("must be a string of at least {MIN_SECRET_BYTES} bytes"),
            ))
        }
    };
    let defaults = LoyaltyRules::default();
    let points_per_unit = match obj.get("pointsPerUnit") {
        None => defaults.points_per_unit,
        Some(p) => p
            .as_f64()
            .filter(|p| p.is_finite() && *p >= 0.0 && *p <= 10_000.0)
            .ok_or_else(|| {
                field_err(
                    format!("{at}.pointsPerUnit"),
                    "must be a number from 0 to 10000",
                )
            })?,
    };
    let return_window_days = match obj.get("returnWindowDays") {
        None => defaults.return_window_days,
        Some(d) => d
            .as_u64()
            .filter(|d| *d <= 365)
            .map(|d| d as u32)
            .ok_or_else(|| {
                field_err(
                    format!("{at}.returnWindowDays"),
                    "must be a whole number of days from 0 to 365",
                )
            })?,
    };
    let mut config = LoyaltyConfig {
        customer_token_secret: secret,
        rules: LoyaltyRules {
            points_per_unit,
            return_window_days,
            tiers: None,
            answer: obj
                .get("surveyAnswer")
                .map(|v| parse_answer_rule(&format!("{at}.surveyAnswer"), v))
                .transpose()?,
            referral: obj
                .get("referral")
                .map(|v| parse_referral_rule(&format!("{at}.referral"), v))
                .transpose()?,
        },
        shopify_secret: None,
        woocommerce_secret: None,
        standard_key: None,
        expiry: None,
        rewards: Vec::new(),
        outbound: None,
    };
    let setting = |e: settings::SettingError| field_err(format!("{at}.{}", e.field), e.message);
    if let Some(v) = obj.get("expiry") {
        config.expiry = Some(settings::expiry(v, return_window_days).map_err(setting)?);
    }
    if let Some(v) = obj.get("tiers") {
        config.rules.tiers = Some(settings::tiers(v).map_err(setting)?);
    }
    if let Some(v) = obj.get("rewards") {
        config.rewards = settings::rewards(v, config.rules.tiers.as_ref()).map_err(setting)?;
    }
    if let Some(v) = obj.get("outboundWebhook") {
        config.outbound = Some(settings::outbound(v).map_err(setting)?);
    }
    if !config.rewards.is_empty() && config.outbound.is_none() {
        return Err(field_err(
            format!("{at}.outboundWebhook"),
            "is required with rewards: the store creates each code it is sent",
        ));
    }
    if let Some(hooks) = obj.get("webhooks") {
        let wat = format!("{at}.webhooks");
        let hooks = hooks
            .as_object()
            .ok_or_else(|| field_err(&wat, "must be an object {shopify, woocommerce, standard}"))?;
        only_known(&wat, hooks, &[WEBHOOK_KEYS])?;
        let secret = |key: &str| -> Result<Option<String>, ConfigError> {
            match hooks.get(key) {
                None => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(_) => Err(field_err(
                    format!("{wat}.{key}"),
                    "must be a non-empty string",
                )),
            }
        };
        config.shopify_secret = secret("shopify")?;
        config.woocommerce_secret = secret("woocommerce")?;
        config.standard_key = secret("standard")?
            .map(|s| {
                signature::standard_key(&s)
                    .ok()
                    .filter(|k| k.len() >= 24)
                    .ok_or_else(|| {
                        field_err(
                            format!("{wat}.standard"),
                            "must be whsec_ followed by the base64 of at least 24 bytes",
                        )
                    })
            })
            .transpose()?;
    }
    Ok(config)
}

/// A whole number of points from 0 to [`MAX_CONFIG_POINTS`] at `at.key` (`None` when absent).
fn config_points(
    at: &str,
    obj: &Map<String, Value>,
    key: &str,
) -> Result<Option<i64>, ConfigError> {
    obj.get(key)
        .map(|v| {
            v.as_u64()
                .filter(|p| *p <= MAX_CONFIG_POINTS)
                .map(|p| p as i64)
                .ok_or_else(|| {
                    field_err(
                        format!("{at}.{key}"),
                        format!("must be a whole number of points from 0 to {MAX_CONFIG_POINTS}"),
                    )
                })
        })
        .transpose()
}

fn parse_answer_rule(at: &str, v: &Value) -> Result<AnswerRule, ConfigError> {
    let obj = v
        .as_object()
        .ok_or_else(|| field_err(at, "must be an object {points, periodDays}"))?;
    only_known(at, obj, &[SURVEY_ANSWER_KEYS])?;
    let points = config_points(at, obj, "points")?
        .ok_or_else(|| field_err(format!("{at}.points"), "is required"))?;
    let period_days = match obj.get("periodDays") {
        None => DEFAULT_PERIOD_DAYS,
        Some(d) => d
            .as_u64()
            .filter(|d| (1..=3650).contains(d))
            .map(|d| d as u32)
            .ok_or_else(|| {
                field_err(
                    format!("{at}.periodDays"),
                    "must be a whole number of days from 1 to 3650",
                )
            })?,
    };
    Ok(AnswerRule {
        points,
        period_days,
    })
}

fn parse_referral_rule(at: &str, v: &Value) -> Result<ReferralRule, ConfigError> {
    let obj = v.as_object().ok_or_else(|| {
        field_err(
            at,
            "must be an object {referrerPoints, refereePoints, link}",
        )
    })?;
    only_known(at, obj, &[REFERRAL_KEYS])?;
    let link = match obj.get("link") {
        None => None,
        Some(Value::String(s))
            if s.contains("{code}") && (s.starts_with("https://") || s.starts_with("http://")) =>
        {
            Some(s.clone())
        }
        Some(_) => {
            return Err(field_err(
                format!("{at}.link"),
                "must be an http(s) URL containing {code}",
            ))
        }
    };
    Ok(ReferralRule {
        referrer_points: config_points(at, obj, "referrerPoints")?.unwrap_or(0),
        referee_points: config_points(at, obj, "refereePoints")?.unwrap_or(0),
        link,
    })
}

/// Rejects the first member of `obj` (at JSON path `at`) whose key is in none of `known`,
/// naming it: a typo (`origin` for `origins`) must not start a server that silently
/// ignores it, and nothing unlisted may reach the public config endpoint.
fn only_known(at: &str, obj: &Map<String, Value>, known: &[&[&str]]) -> Result<(), ConfigError> {
    match obj
        .keys()
        .find(|k| !known.iter().any(|list| list.contains(&k.as_str())))
    {
        None => Ok(()),
        Some(key) => {
            let expected: Vec<&str> = known.iter().flat_map(|l| l.iter().copied()).collect();
            let field = match at {
                "" => key.clone(),
                _ => format!("{at}.{key}"),
            };
            Err(field_err(
                field,
                format!("unknown key; expected one of {}", expected.join(", ")),
            ))
        }
    }
}

/// An origin is `scheme://host[:port]`: no path, query or trailing slash.
fn check_origin(s: &str) -> Result<(), String> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .ok_or_else(|| format!("{s:?} must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(format!(
            "{s:?} must be an origin like https://shop.example or http://127.0.0.1:8080 (no path)"
        ));
    }
    Ok(())
}

fn parse_rate_limit(v: &Value) -> Result<RateLimitConfig, ConfigError> {
    let obj = v
        .as_object()
        .ok_or_else(|| field_err("rateLimit", "must be an object {burst, perSecond}"))?;
    only_known("rateLimit", obj, &[RATE_LIMIT_KEYS])?;
    let burst = match obj.get("burst") {
        None => DEFAULT_BURST,
        Some(b) => b
            .as_u64()
            .filter(|&b| (1..=u64::from(u32::MAX)).contains(&b))
            .map(|b| b as u32)
            .ok_or_else(|| field_err("rateLimit.burst", "must be an integer ≥ 1"))?,
    };
    let per_second = match obj.get("perSecond") {
        None => DEFAULT_PER_SECOND,
        Some(p) => p
            .as_f64()
            .filter(|p| p.is_finite() && *p > 0.0)
            .ok_or_else(|| field_err("rateLimit.perSecond", "must be a number > 0"))?,
    };
    Ok(RateLimitConfig { burst, per_second })
}

fn parse_console(v: &Value) -> Result<ConsoleConfig, ConfigError> {
    let obj = v
        .as_object()
        .ok_or_else(|| field_err("console", "must be an object {publicUrl, signInBurst}"))?;
    only_known("console", obj, &[CONSOLE_KEYS])?;
    let public_url = match obj.get("publicUrl") {
        None | Some(Value::Null) => None,
        Some(u) => Some(
            u.as_str()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .map(|u| u.trim_end_matches('/').to_owned())
                .ok_or_else(|| {
                    field_err("console.publicUrl", "must be an http:// or https:// URL")
                })?,
        ),
    };
    let sign_in_burst = match obj.get("signInBurst") {
        None => ConsoleConfig::default().sign_in_burst,
        Some(b) => b
            .as_u64()
            .filter(|&b| (1..=u64::from(u32::MAX)).contains(&b))
            .map(|b| b as u32)
            .ok_or_else(|| field_err("console.signInBurst", "must be an integer ≥ 1"))?,
    };
    Ok(ConsoleConfig {
        public_url,
        sign_in_burst,
    })
}

fn parse_trusted_proxies(v: &Value) -> Result<TrustedProxies, ConfigError> {
    let list = v.as_array().ok_or_else(|| {
        field_err(
            "trustedProxies",
            "must be an array of addresses or CIDR ranges",
        )
    })?;
    let mut entries = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let text = entry
            .as_str()
            .ok_or_else(|| field_err(format!("trustedProxies[{i}]"), "must be a string"))?;
        TrustedProxies::parse([text])
            .map_err(|e| field_err(format!("trustedProxies[{i}]"), e.to_string()))?;
        entries.push(text);
    }
    TrustedProxies::parse(entries).map_err(|e| field_err("trustedProxies", e.to_string()))
}

fn parse_timeouts(v: &Value) -> Result<Timeouts, ConfigError> {
    let obj = v.as_object().ok_or_else(|| {
        field_err(
            "timeouts",
            "must be an object {headerRead, bodyRead, writeStall, shutdown} (seconds)",
        )
    })?;
    only_known("timeouts", obj, &[TIMEOUT_KEYS])?;
    let defaults = Timeouts::default();
    let secs = |key: &str, default: Duration| -> Result<Duration, ConfigError> {
        match obj.get(key) {
            None => Ok(default),
            Some(value) => value
                .as_f64()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= MAX_TIMEOUT_SECS)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    field_err(
                        format!("timeouts.{key}"),
                        format!("must be a number of seconds > 0 and ≤ {MAX_TIMEOUT_SECS}"),
                    )
                }),
        }
    };
    Ok(Timeouts {
        header_read: secs("headerRead", defaults.header_read)?,
        body_read: secs("bodyRead", defaults.body_read)?,
        write_stall: secs("writeStall", defaults.write_stall)?,
        shutdown: secs("shutdown", defaults.shutdown)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = r#"{"site":"demo","surveys":[{"id":"s","questions":[{"id":"nps","type":"nps","text":"?"}]}],"origins":["http://127.0.0.1:8080"],"adminToken":"secret-token"}"#;

    fn config(sites: &str, extra: &str) -> String {
        format!(r#"{{"sites":[{sites}]{extra}}}"#)
    }

    fn field_of(text: &str) -> String {
        match ServerConfig::from_json(text) {
            Err(ConfigError::Field { field, .. }) => field,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn console_settings() -> Result<(), ConfigError> {
        let cfg = ServerConfig::from_json(&config(SITE, ""))?;
        assert_eq!(cfg.console, ConsoleConfig::default());
        assert_eq!(cfg.console.sign_in_burst, 10);
        let cfg = ServerConfig::from_json(&config(
            SITE,
            r#","console":{"publicUrl":"https://c.example/","signInBurst":3}"#,
        ))?;
        assert_eq!(cfg.console.public_url.as_deref(), Some("https://c.example"));
        assert_eq!(cfg.console.sign_in_burst, 3);
        for (extra, field) in [
            (
                r#","console":{"publicUrl":"c.example"}"#,
                "console.publicUrl",
            ),
            (r#","console":{"signInBurst":0}"#, "console.signInBurst"),
            (r#","console":{"nope":1}"#, "console.nope"),
            (r#","console":[]"#, "console"),
        ] {
            assert_eq!(field_of(&config(SITE, extra)), field, "{extra}");
        }
        Ok(())
    }

    #[test]
    fn parses_and_strips_secrets() -> Result<(), ConfigError> {
        let cfg = ServerConfig::from_json(&config(SITE, ""))?;
        let demo = cfg
            .site("demo")
            .ok_or_else(|| field_err("test", "no demo"))?;
        assert_eq!(demo.origins, ["http://127.0.0.1:8080"]);
        assert_eq!(demo.admin_token, "secret-token");
        assert!(demo.public.get("adminToken").is_none());
        assert!(demo.public.get("origins").is_none());
        assert_eq!(cfg.rate_limit, RateLimitConfig::default());
        let cfg =
            ServerConfig::from_json(&config(SITE, r#","rateLimit":{"burst":5,"perSecond":0.5}"#))?;
        assert_eq!(
            cfg.rate_limit,
            RateLimitConfig {
                burst: 5,
                per_second: 0.5
            }
        );
        Ok(())
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of(r#"{"sites":[]}"#), "sites");
        assert_eq!(
            field_of(&config(
                &SITE.replace("http://127.0.0.1:8080", "127.0.0.1"),
                ""
            )),
            "sites[0].origins[0]"
        );
        assert_eq!(
            field_of(&config(
                &SITE.replace("http://127.0.0.1:8080", "http://a.b/x"),
                ""
            )),
            "sites[0].origins[0]"
        );
        assert_eq!(
            field_of(&config(&SITE.replace("\"secret-token\"", "\"\""), "")),
            "sites[0].adminToken"
        );
        assert_eq!(
            field_of(&config(
                &SITE.replace(r#""type":"nps""#, r#""type":"bogus""#),
                ""
            )),
            "sites[0].surveys[0].questions[0].type"
        );
        // Every question needs its text (the widget has no default prompts): a file without
        // one is refused at start-up, naming the question.
        let no_text = ServerConfig::from_json(&config(&SITE.replace(r#","text":"?""#, ""), ""))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            no_text.as_deref(),
            Some("config sites[0].surveys[0].questions[0].text: missing field `text`")
        );
        assert_eq!(
            field_of(&config(&format!("{SITE},{SITE}"), "")),
            "sites[1].site"
        );
        assert_eq!(
            field_of(&config(SITE, r#","rateLimit":{"burst":0}"#)),
            "rateLimit.burst"
        );
        assert_eq!(
            field_of(&config(SITE, r#","rateLimit":{"perSecond":-1}"#)),
            "rateLimit.perSecond"
        );
    }

    #[test]
    fn unknown_keys_are_named_everywhere() {
        // A typo of a server-only key, an unknown site key, an unknown top-level key, an
        // unknown rate-limit key, and unknown keys deep inside a survey.
        let typo = SITE.replace("\"origins\"", "\"origin\"");
        let err = ServerConfig::from_json(&config(&typo, ""))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("config sites[0].origin: unknown key"),
            "{err}"
        );
        assert!(err.contains("origins"), "{err}");
        let secret = SITE.replace("{\"site\"", "{\"smtpPassword\":\"hunter2\",\"site\"");
        assert_eq!(field_of(&config(&secret, "")), "sites[0].smtpPassword");
        assert_eq!(field_of(&config(SITE, r#","rateLimits":{}"#)), "rateLimits");
        assert_eq!(
            field_of(&config(SITE, r#","rateLimit":{"burst":5,"persecond":1}"#)),
            "rateLimit.persecond"
        );
        assert_eq!(
            field_of(&config(SITE, r#","timeouts":{"headerread":1}"#)),
            "timeouts.headerread"
        );
        let deep = SITE.replace(r#""text":"?""#, r#""text":"?","txet":"?""#);
        assert_eq!(
            field_of(&config(&deep, "")),
            "sites[0].surveys[0].questions[0].txet"
        );
    }

    #[test]
    fn trusted_proxies_and_timeouts() -> Result<(), ConfigError> {
        let cfg = ServerConfig::from_json(&config(SITE, ""))?;
        assert!(cfg.trusted_proxies.is_empty());
        assert_eq!(cfg.timeouts, Timeouts::default());
        let cfg = ServerConfig::from_json(&config(
            SITE,
            r#","trustedProxies":["10.0.0.0/8","127.0.0.1"],"timeouts":{"headerRead":0.5,"shutdown":2}"#,
        ))?;
        assert!(cfg
            .trusted_proxies
            .contains("10.9.8.7".parse().map_err(|_| field_err("t", "ip"))?));
        assert!(cfg
            .trusted_proxies
            .contains("127.0.0.1".parse().map_err(|_| field_err("t", "ip"))?));
        assert_eq!(cfg.timeouts.header_read, Duration::from_millis(500));
        assert_eq!(cfg.timeouts.shutdown, Duration::from_secs(2));
        assert_eq!(cfg.timeouts.body_read, Timeouts::default().body_read);
        assert_eq!(
            field_of(&config(SITE, r#","trustedProxies":["10.0.0.0/8","proxy"]"#)),
            "trustedProxies[1]"
        );
        assert_eq!(
            field_of(&config(SITE, r#","trustedProxies":"10.0.0.0/8""#)),
            "trustedProxies"
        );
        assert_eq!(
            field_of(&config(SITE, r#","timeouts":{"bodyRead":0}"#)),
            "timeouts.bodyRead"
        );
        assert_eq!(
            field_of(&config(SITE, r#","timeouts":{"shutdown":"10s"}"#)),
            "timeouts.shutdown"
        );
        Ok(())
    }

    #[test]
    fn loyalty_is_server_only_and_checked() -> Result<(), ConfigError> {
        let with =
            |loyalty: &str| SITE.replace("{\"site\"", &format!("{{\"loyalty\":{loyalty},\"site\""));
        let ok = with(
            r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","pointsPerUnit":2,"returnWindowDays":30,"webhooks":{"shopify":"s","standard":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}"#,
        );
        let cfg = ServerConfig::from_json(&config(&ok, ""))?;
        let site = cfg
            .site("demo")
            .ok_or_else(|| field_err("test", "no demo"))?;
        assert!(site.public.get("loyalty").is_none());
        let loyalty = site
            .loyalty
            .as_ref()
            .ok_or_else(|| field_err("test", "no loyalty"))?;
        assert_eq!(loyalty.rules.points_per_unit, 2.0);
        assert_eq!(loyalty.rules.return_window_days, 30);
        assert_eq!(loyalty.shopify_secret.as_deref(), Some("s"));
        assert!(loyalty.woocommerce_secret.is_none());
        assert_eq!(loyalty.standard_key.as_ref().map(Vec::len), Some(24));
        assert_eq!(loyalty.rules.answer, None);
        assert_eq!(loyalty.rules.referral, None);
        let earn = with(
            r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","surveyAnswer":{"points":20},"referral":{"referrerPoints":500,"refereePoints":250,"link":"https://shop.example/?ref={code}"}}"#,
        );
        let cfg = ServerConfig::from_json(&config(&earn, ""))?;
        let rules = &cfg
            .site("demo")
            .and_then(|s| s.loyalty.as_ref())
            .ok_or_else(|| field_err("test", "no loyalty"))?
            .rules;
        assert_eq!(
            rules.answer,
            Some(AnswerRule {
                points: 20,
                period_days: DEFAULT_PERIOD_DAYS
            })
        );
        assert_eq!(
            rules.referral.as_ref().map(|r| r.referrer_points),
            Some(500)
        );
        for (bad, field) in [
            (r#""surveyAnswer":{"periodDays":3}"#, "surveyAnswer.points"),
            (r#""surveyAnswer":{"points":-1}"#, "surveyAnswer.points"),
            (
                r#""surveyAnswer":{"points":1,"periodDays":0}"#,
                "surveyAnswer.periodDays",
            ),
            (
                r#""surveyAnswer":{"points":1,"every":3}"#,
                "surveyAnswer.every",
            ),
            (
                r#""referral":{"link":"https://shop.example/"}"#,
                "referral.link",
            ),
            (
                r#""referral":{"referrerPoints":1.5}"#,
                "referral.referrerPoints",
            ),
        ] {
            let text = with(&format!(
                r#"{{"customerTokenSecret":"0123456789abcdef0123456789abcdef",{bad}}}"#
            ));
            assert_eq!(
                field_of(&config(&text, "")),
                format!("sites[0].loyalty.{field}")
            );
        }
        assert_eq!(
            field_of(&config(&with(r#"{"customerTokenSecret":"short"}"#), "")),
            "sites[0].loyalty.customerTokenSecret"
        );
        assert_eq!(
            field_of(&config(
                &with(
                    r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","returnWindowDays":-1}"#
                ),
                ""
            )),
            "sites[0].loyalty.returnWindowDays"
        );
        assert_eq!(
            field_of(&config(
                &with(
                    r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","webhooks":{"shopfy":"x"}}"#
                ),
                ""
            )),
            "sites[0].loyalty.webhooks.shopfy"
        );
        assert_eq!(
            field_of(&config(
                &with(
                    r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","webhooks":{"standard":"whsec_!!"}}"#
                ),
                ""
            )),
            "sites[0].loyalty.webhooks.standard"
        );
        assert_eq!(
            field_of(&config(
                &with(
                    r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","expiry":{"inactivityDays":7}}"#
                ),
                ""
            )),
            "sites[0].loyalty.expiry.inactivityDays"
        );
        assert_eq!(
            field_of(&config(
                &with(
                    r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","tiers":{"levels":[{"name":"A","threshold":0},{"name":"B","threshold":"x"}]}}"#
                ),
                ""
            )),
            "sites[0].loyalty.tiers.levels[1].threshold"
        );
        assert_eq!(
            field_of(&config(
                &with(
                    r#"{"customerTokenSecret":"0123456789abcdef0123456789abcdef","rewards":[{"id":"ship","kind":"freeShipping","points":10}]}"#
                ),
                ""
            )),
            "sites[0].loyalty.outboundWebhook"
        );
        Ok(())
    }

    #[test]
    fn public_config_is_exactly_the_widget_keys() -> Result<(), ConfigError> {
        let full = SITE.replace(
            "{\"site\"",
            r##"{"locale":"fr","theme":{"brand":"#112233"},"cooldownDays":3,"site""##,
        );
        let cfg = ServerConfig::from_json(&config(&full, ""))?;
        let public = cfg
            .site("demo")
            .and_then(|s| s.public.as_object())
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        let mut keys = public.clone();
        keys.sort();
        assert_eq!(keys, ["cooldownDays", "locale", "site", "surveys", "theme"]);
        Ok(())
    }

    #[test]
    fn the_dark_mode_brand_colour_is_accepted_published_and_checked() -> Result<(), ConfigError> {
        let with_theme = |theme: &str| {
            config(
                &SITE.replace("{\"site\"", &format!(r#"{{"theme":{theme},"site""#)),
                "",
            )
        };
        let cfg = ServerConfig::from_json(&with_theme(
            r##"{"brand":"#0f766e","brandDark":"#5eead4"}"##,
        ))?;
        let published = cfg
            .site("demo")
            .and_then(|s| s.public.get("theme"))
            .and_then(|t| t.get("brandDark"))
            .and_then(|v| v.as_str());
        assert_eq!(published, Some("#5eead4"));
        assert_eq!(
            field_of(&with_theme(r#"{"brandDark":"red;}"}"#)),
            "sites[0].theme.brandDark"
        );
        Ok(())
    }

    #[test]
    fn launcher_is_published_and_checked() -> Result<(), ConfigError> {
        let with = |launcher: &str| {
            SITE.replace("{\"site\"", &format!("{{\"launcher\":{launcher},\"site\""))
        };
        let cfg = ServerConfig::from_json(&config(
            &with(r#"{"survey":"s","label":{"en":"Tell us"},"position":"bottom-left"}"#),
            "",
        ))?;
        let public = cfg
            .site("demo")
            .map(|s| s.public.clone())
            .ok_or_else(|| field_err("test", "no demo"))?;
        assert_eq!(
            public.get("launcher"),
            Some(
                &serde_json::json!({"survey":"s","label":{"en":"Tell us"},"position":"bottom-left"})
            )
        );
        assert_eq!(
            field_of(&config(&with(r#"{"survey":"gone"}"#), "")),
            "sites[0].launcher.survey"
        );
        // A Rewards button needs the site's loyalty programme.
        assert_eq!(
            field_of(&config(&with(r#"{"survey":"s","rewards":true}"#), "")),
            "sites[0].launcher.rewards"
        );
        Ok(())
    }

    #[test]
    fn followups_flag_is_published_and_needs_tokens() -> Result<(), ConfigError> {
        let with = |v: &str, loyalty: bool| {
            let l = match loyalty {
                true => r#""loyalty":{"customerTokenSecret":"0123456789abcdef0123456789abcdef"},"#,
                false => "",
            };
            SITE.replace("{\"site\"", &format!("{{\"followups\":{v},{l}\"site\""))
        };
        let cfg = ServerConfig::from_json(&config(&with("true", true), ""))?;
        let public = cfg
            .site("demo")
            .map(|s| s.public.clone())
            .ok_or_else(|| field_err("test", "no demo"))?;
        assert_eq!(public.get("followups"), Some(&Value::Bool(true)));
        assert!(public.get("loyalty").is_none());
        assert_eq!(
            field_of(&config(&with("true", false), "")),
            "sites[0].followups"
        );
        assert_eq!(
            field_of(&config(&with("1", true), "")),
            "sites[0].followups"
        );
        assert!(ServerConfig::from_json(&config(&with("false", false), "")).is_ok());
        Ok(())
    }
}

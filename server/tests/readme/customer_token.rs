// Rust, with the collector crate's helper
use rapport_server::loyalty::token::{mint, CustomerClaims, TokenError};

/// A token for `customer_id` on `site`, valid for 10 minutes from `now_secs` (seconds since
/// the epoch: `SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64`).
fn customer_token(secret: &str, site: &str, customer_id: &str, now_secs: i64) -> Result<String, TokenError> {
    let claims = CustomerClaims::new(customer_id, site, now_secs, 600);
    mint(secret.as_bytes(), &claims)
}

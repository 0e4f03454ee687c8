//! An order event as the ledger needs it, whatever platform sent it: the order's facts
//! (customer, amounts, paid, cancelled, the refunds it carries) or one refund. Parsers for
//! each platform's payload live in [`crate::loyalty::platform`].

use serde_json::Value;

use super::money::AmountError;

/// Where an order came from; part of its identity (`shopify:123` and `woocommerce:123` are
/// different orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Shopify order webhooks.
    Shopify,
    /// WooCommerce webhooks.
    WooCommerce,
    /// The generic Standard Webhooks endpoint.
    Generic,
}

impl Platform {
    /// Its name in ids and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Shopify => "shopify",
            Platform::WooCommerce => "woocommerce",
            Platform::Generic => "generic",
        }
    }
}

/// One refund of an order, in hundredths of the eligible (goods, pre-tax) amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundFacts {
    /// The platform's refund id.
    pub refund_id: String,
    /// The platform's order id.
    pub order_id: String,
    /// Eligible amount refunded (positive).
    pub eligible: i64,
}

/// What a platform says about an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    /// The platform's order id.
    pub order_id: String,
    /// The platform's customer id (`None` for guest checkouts: stored, not credited).
    pub customer: Option<String>,
    /// The customer's email, when sent.
    pub email: Option<String>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Order total as charged, hundredths.
    pub total: i64,
    /// Spend that earns points (after discounts, without shipping and tax), hundredths.
    pub eligible: i64,
    /// Payment captured.
    pub paid: bool,
    /// Cancelled.
    pub cancelled: bool,
    /// Refunds the payload carries.
    pub refunds: Vec<RefundFacts>,
    /// Referral codes the order carries, normalised, in the platform's order of preference
    /// (see [`crate::loyalty::referral`]); texts that cannot be codes are left out.
    pub referral: Vec<String>,
}

/// A parsed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvent {
    /// An order was created, paid, updated or cancelled (its facts as now known).
    Order(OrderFacts),
    /// A refund was created.
    Refund(RefundFacts),
}

impl OrderEvent {
    /// The order this event is about.
    pub fn order_id(&self) -> &str {
        match self {
            OrderEvent::Order(o) => &o.order_id,
            OrderEvent::Refund(r) => &r.order_id,
        }
    }
}

/// A payload that is not the documented shape; names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PayloadError {
    /// JSON path of the field, e.g. `refund_line_items[0].subtotal`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl PayloadError {
    /// An error at `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        PayloadError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<AmountError> for PayloadError {
    fn from(e: AmountError) -> Self {
        PayloadError::new(e.field, format!("{} is not a decimal amount", e.value))
    }
}

/// An id given as a JSON string or integer, as text (`820982911946154508`).
pub fn id_of(v: &Value, key: &str, field: &str) -> Result<String, PayloadError> {
    match v.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 200 => Ok(s.clone()),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
        Some(_) => Err(PayloadError::new(
            field,
            "must be a non-empty string (at most 200 bytes) or an integer",
        )),
        None => Err(PayloadError::new(field, "missing")),
    }
}

/// An optional id: absent, null, `0` and `""` mean none (WooCommerce guests have
/// `customer_id: 0`).
pub fn optional_id(v: &Value, key: &str, field: &str) -> Result<Option<String>, PayloadError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(None),
        Some(Value::String(s)) if s.is_empty() || s == "0" => Ok(None),
        Some(_) => id_of(v, key, field).map(Some),
    }
}

/// Referral codes among `texts` (each normalised; duplicates and non-codes dropped).
pub fn referral_codes<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in texts
        .into_iter()
        .filter_map(super::referral::normalize_code)
    {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// The string values of `list[].value_key` whose `name_key` is one of `names` (Shopify's
/// `note_attributes`, WooCommerce's `meta_data`).
pub fn named_values<'a>(
    list: Option<&'a Value>,
    name_key: &str,
    value_key: &str,
    names: &[&str],
) -> Vec<&'a str> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|i| {
                    i.get(name_key)
                        .and_then(Value::as_str)
                        .is_some_and(|n| names.contains(&n))
                })
                .filter_map(|i| i.get(value_key).and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// The `key` strings of each object in `list` (discount and coupon codes).
pub fn each_str<'a>(list: Option<&'a Value>, key: &str) -> Vec<&'a str> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get(key).and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// The order attribute names that carry a referral code (Shopify note attributes,
/// WooCommerce order meta).
pub const REFERRAL_ATTRIBUTES: &[&str] = &["rapport_referral", "_rapport_referral"];

/// An optional string member.
pub fn optional_str(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

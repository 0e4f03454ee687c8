//! The generic endpoint's payload, in the Standard Webhooks envelope
//! `{"type", "timestamp", "data"}`:
//!
//! - `order.created` / `order.updated` / `order.paid` / `order.cancelled`: `data` =
//!   `{id, customer?, email?, currency?, total?, eligible, paid?, cancelled?, referral?}`
//!   (`referral`: the referral code the shopper arrived with);
//! - `refund.created`: `data` = `{id, order, eligible}`.
//!
//! Amounts are decimal strings or numbers in currency units; `eligible` is the spend that
//! earns points (after discounts, without shipping and tax), computed by the sender.

use serde_json::Value;

use crate::loyalty::money::amount;
use crate::loyalty::order::{
    id_of, optional_id, optional_str, referral_codes, OrderEvent, OrderFacts, PayloadError,
    RefundFacts,
};

/// Accepted `type`s.
pub const TYPES: &[&str] = &[
    "order.created",
    "order.updated",
    "order.paid",
    "order.cancelled",
    "refund.created",
];

/// Reads a delivery.
pub fn parse(body: &Value) -> Result<OrderEvent, PayloadError> {
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| PayloadError::new("type", format!("must be one of {}", TYPES.join(", "))))?;
    let data = body
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| PayloadError::new("data", "must be an object"))?;
    let flag = |key: &str| data.get(key).and_then(Value::as_bool) == Some(true);
    match kind {
        "refund.created" => Ok(OrderEvent::Refund(RefundFacts {
            refund_id: id_of(data, "id", "data.id")?,
            order_id: id_of(data, "order", "data.order")?,
            eligible: amount(data, "eligible", "data.eligible")?.abs(),
        })),
        "order.created" | "order.updated" | "order.paid" | "order.cancelled" => {
            let eligible = amount(data, "eligible", "data.eligible")?;
            if eligible < 0 {
                return Err(PayloadError::new("data.eligible", "must not be negative"));
            }
            Ok(OrderEvent::Order(OrderFacts {
                order_id: id_of(data, "id", "data.id")?,
                customer: optional_id(data, "customer", "data.customer")?,
                email: optional_str(data, "email"),
                currency: optional_str(data, "currency").unwrap_or_default(),
                total: amount(data, "total", "data.total")?,
                eligible,
                paid: kind == "order.paid" || flag("paid"),
                cancelled: kind == "order.cancelled" || flag("cancelled"),
                refunds: Vec::new(),
                referral: referral_codes(data.get("referral").and_then(Value::as_str)),
            }))
        }
        other => Err(PayloadError::new(
            "type",
            format!("{other:?} is not one of {}", TYPES.join(", ")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn referral_member() -> Result<(), PayloadError> {
        let body = json!({ "type": "order.paid",
            "data": { "id": "o", "customer": "c", "eligible": "1.00", "referral": " abcdefghijklmnop " } });
        let OrderEvent::Order(facts) = parse(&body)? else {
            return Err(PayloadError::new("test", "not an order"));
        };
        assert_eq!(facts.referral, ["ABCDEFGHIJKLMNOP"]);
        Ok(())
    }
}

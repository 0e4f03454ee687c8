//! WooCommerce order webhooks (`order.created`, `order.updated`, `order.deleted` is
//! ignored), in the shape of WooCommerce's REST order object. Refunds arrive inside
//! `order.updated` as `refunds: [{id, reason, total: "-10.00"}]`.
//!
//! A referral code comes as the order meta `rapport_referral` (`meta_data: [{key,
//! value}]`, set at checkout from the referral link) or as a coupon code equal to it
//! (`coupon_lines[].code`).
//!
//! Eligible spend is `total - total_tax - shipping_total` (`total` is after discounts). A
//! refund's `total` includes whatever tax and shipping it returned, so its eligible part
//! is taken in proportion `eligible / total`.

use serde_json::Value;

use crate::loyalty::money::amount;
use crate::loyalty::order::{
    each_str, id_of, named_values, optional_id, optional_str, referral_codes, OrderEvent,
    OrderFacts, PayloadError, RefundFacts, REFERRAL_ATTRIBUTES,
};

/// The topics this collector takes (`X-WC-Webhook-Topic`).
pub const TOPICS: &[&str] = &["order.created", "order.updated", "order.restored"];

/// Reads a delivery of `topic`.
pub fn parse(topic: &str, body: &Value) -> Result<OrderEvent, PayloadError> {
    if !TOPICS.contains(&topic) {
        return Err(PayloadError::new(
            "x-wc-webhook-topic",
            format!("{topic:?} is not one of {}", TOPICS.join(", ")),
        ));
    }
    if !body.is_object() {
        return Err(PayloadError::new(
            "body",
            "must be a JSON object (an order)",
        ));
    }
    let order_id = id_of(body, "id", "id")?;
    let total = amount(body, "total", "total")?;
    let tax = amount(body, "total_tax", "total_tax")?;
    let shipping = amount(body, "shipping_total", "shipping_total")?;
    let eligible = (total - tax - shipping).max(0);
    let status = body.get("status").and_then(Value::as_str).unwrap_or("");
    let mut refunds = Vec::new();
    if let Some(list) = body.get("refunds").and_then(Value::as_array) {
        for (i, r) in list.iter().enumerate() {
            let refund_total = amount(r, "total", &format!("refunds[{i}].total"))?.abs();
            let part = if total > 0 {
                (i128::from(refund_total) * i128::from(eligible) / i128::from(total)) as i64
            } else {
                refund_total
            };
            refunds.push(RefundFacts {
                refund_id: id_of(r, "id", &format!("refunds[{i}].id"))?,
                order_id: order_id.clone(),
                eligible: part,
            });
        }
    }
    let email = body.get("billing").and_then(|b| optional_str(b, "email"));
    Ok(OrderEvent::Order(OrderFacts {
        customer: optional_id(body, "customer_id", "customer_id")?,
        email,
        currency: optional_str(body, "currency").unwrap_or_default(),
        total,
        eligible,
        paid: matches!(status, "processing" | "completed" | "refunded")
            || body.get("date_paid").is_some_and(|v| !v.is_null()),
        cancelled: status == "cancelled",
        refunds,
        referral: referral_codes(
            named_values(body.get("meta_data"), "key", "value", REFERRAL_ATTRIBUTES)
                .into_iter()
                .chain(each_str(body.get("coupon_lines"), "code")),
        ),
        order_id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn referral_from_meta_or_coupon() -> Result<(), PayloadError> {
        let code = "ABCDEFGHIJKLMNOP";
        let mut order = json!({ "id": 1, "status": "processing", "customer_id": 2, "total": "10.00",
            "meta_data": [{ "key": "_other", "value": "x" }, { "key": "rapport_referral", "value": code.to_lowercase() }],
            "coupon_lines": [{ "code": "SUMMER10" }] });
        let OrderEvent::Order(facts) = parse("order.updated", &order)? else {
            return Err(PayloadError::new("test", "not an order"));
        };
        assert_eq!(facts.referral, [code]);
        order["meta_data"] = json!([]);
        order["coupon_lines"] = json!([{ "code": "summer10" }, { "code": code }]);
        let OrderEvent::Order(facts) = parse("order.updated", &order)? else {
            return Err(PayloadError::new("test", "not an order"));
        };
        assert_eq!(
            facts.referral,
            [code],
            "coupons that cannot be codes are left out"
        );
        Ok(())
    }
}

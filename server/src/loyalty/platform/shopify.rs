//! Shopify order webhooks (`orders/create`, `orders/paid`, `orders/cancelled`,
//! `refunds/create`), in the shapes of Shopify's documented sample payloads.
//!
//! A referral code comes as the note (cart) attribute `rapport_referral` (set by the
//! storefront from the referral link, e.g. `/cart/update.js` with
//! `attributes[rapport_referral]`) or as a discount code equal to it.
//!
//! Eligible spend is `subtotal_price` (line items after discounts, before shipping and
//! tax), less `total_tax` when the shop's prices include tax. A refund's eligible amount is
//! the sum of its `refund_line_items[].subtotal` (pre-tax); a refund with no line items
//! (an amount-only refund) counts its `refund` transactions, less the tax and shipping
//! they may carry being unknowable, as goods.

use serde_json::Value;

use crate::loyalty::money::amount;
use crate::loyalty::order::{
    each_str, id_of, named_values, optional_id, optional_str, referral_codes, OrderEvent,
    OrderFacts, PayloadError, RefundFacts, REFERRAL_ATTRIBUTES,
};

/// The topics this collector takes (`X-Shopify-Topic`).
pub const TOPICS: &[&str] = &[
    "orders/create",
    "orders/paid",
    "orders/cancelled",
    "orders/updated",
    "refunds/create",
];

/// Reads a delivery of `topic`.
pub fn parse(topic: &str, body: &Value) -> Result<OrderEvent, PayloadError> {
    match topic {
        "refunds/create" => refund(body, "").map(OrderEvent::Refund),
        "orders/create" | "orders/paid" | "orders/cancelled" | "orders/updated" => {
            let mut facts = order(body)?;
            facts.paid |= topic == "orders/paid";
            facts.cancelled |= topic == "orders/cancelled";
            Ok(OrderEvent::Order(facts))
        }
        other => Err(PayloadError::new(
            "x-shopify-topic",
            format!("{other:?} is not one of {}", TOPICS.join(", ")),
        )),
    }
}

fn order(body: &Value) -> Result<OrderFacts, PayloadError> {
    if !body.is_object() {
        return Err(PayloadError::new(
            "body",
            "must be a JSON object (an order)",
        ));
    }
    let order_id = id_of(body, "id", "id")?;
    let customer = match body.get("customer") {
        Some(c @ Value::Object(_)) => optional_id(c, "id", "customer.id")?,
        _ => None,
    };
    let subtotal = amount(body, "subtotal_price", "subtotal_price")?;
    let tax = amount(body, "total_tax", "total_tax")?;
    let taxes_included = body.get("taxes_included").and_then(Value::as_bool) == Some(true);
    let eligible = if taxes_included {
        subtotal - tax
    } else {
        subtotal
    }
    .max(0);
    let status = body
        .get("financial_status")
        .and_then(Value::as_str)
        .unwrap_or("");
    let refunds = match body.get("refunds") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, r)| refund_of(r, &order_id, &format!("refunds[{i}].")))
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    Ok(OrderFacts {
        customer,
        email: optional_str(body, "email"),
        currency: optional_str(body, "currency").unwrap_or_default(),
        total: amount(body, "total_price", "total_price")?,
        eligible,
        paid: matches!(status, "paid" | "partially_refunded" | "refunded"),
        cancelled: body.get("cancelled_at").is_some_and(|v| !v.is_null()),
        refunds,
        referral: referral_codes(
            named_values(
                body.get("note_attributes"),
                "name",
                "value",
                REFERRAL_ATTRIBUTES,
            )
            .into_iter()
            .chain(each_str(body.get("discount_codes"), "code")),
        ),
        order_id,
    })
}

fn refund(body: &Value, at: &str) -> Result<RefundFacts, PayloadError> {
    if !body.is_object() {
        return Err(PayloadError::new(
            "body",
            "must be a JSON object (a refund)",
        ));
    }
    let order_id = id_of(body, "order_id", &format!("{at}order_id"))?;
    refund_of(body, &order_id, at)
}

fn refund_of(r: &Value, order_id: &str, at: &str) -> Result<RefundFacts, PayloadError> {
    let refund_id = id_of(r, "id", &format!("{at}id"))?;
    let mut eligible = 0i64;
    let lines = r.get("refund_line_items").and_then(Value::as_array);
    match lines {
        Some(lines) if !lines.is_empty() => {
            for (i, line) in lines.iter().enumerate() {
                eligible += amount(
                    line,
                    "subtotal",
                    &format!("{at}refund_line_items[{i}].subtotal"),
                )?;
            }
        }
        _ => {
            if let Some(txs) = r.get("transactions").and_then(Value::as_array) {
                for (i, tx) in txs.iter().enumerate() {
                    if tx.get("kind").and_then(Value::as_str) == Some("refund")
                        && tx.get("status").and_then(Value::as_str) != Some("failure")
                    {
                        eligible += amount(tx, "amount", &format!("{at}transactions[{i}].amount"))?;
                    }
                }
            }
        }
    }
    Ok(RefundFacts {
        refund_id,
        order_id: order_id.to_owned(),
        eligible: eligible.abs(),
    })
}

//! The panel's two requests to the collector, as [`Answer`]s: the status and the JSON
//! body (status 0 when the network failed or the browser refused the request, e.g. CORS).

use rapport::core::json::Json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use super::json_value::to_json;
use crate::machine::Answer;
use crate::prelude::*;
use rapport::core::msg::cat;

/// `method url` with the customer token as Bearer and, for a POST, `body` as JSON.
pub async fn request(url: &str, token: Option<&str>, body: Option<String>) -> Answer {
    match send(url, token, body).await {
        Ok(answer) => answer,
        Err(_) => Answer {
            status: 0,
            body: None,
        },
    }
}

async fn send(url: &str, token: Option<&str>, body: Option<String>) -> Result<Answer, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let headers = Headers::new()?;
    if let Some(token) = token {
        headers.set("Authorization", &cat(&["Bearer ", token]))?;
    }
    let init = RequestInit::new();
    match body {
        Some(body) => {
            init.set_method("POST");
            headers.set("Content-Type", "application/json")?;
            init.set_body(&JsValue::from_str(&body));
        }
        None => init.set_method("GET"),
    }
    init.set_headers(&headers);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    let status = response.status();
    let body: Option<Json> = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok().map(|v| to_json(&v)),
        Err(_) => None,
    };
    Ok(Answer { status, body })
}

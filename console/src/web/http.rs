//! Requests to `/admin/api/*`: JSON in and out, the session's CSRF token on every
//! state-changing request (`X-CSRF-Token`), errors read into [`ConsoleError`].

use crate::error::ConsoleError;
use crate::model::ErrorBody;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// `GET path` → `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ConsoleError> {
    let value = call("GET", path, None, None).await?;
    decode(value)
}

/// `GET path` → the answer as the browser parsed it (read it with [`decode`], maybe twice).
pub async fn get_value(path: &str) -> Result<JsValue, ConsoleError> {
    call("GET", path, None, None).await
}

/// `method path` with `body` as JSON and the CSRF token → `T`.
pub async fn send<T: DeserializeOwned, B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
    csrf: &str,
) -> Result<T, ConsoleError> {
    let body = match body {
        Some(b) => Some(json_text(b)?),
        None => None,
    };
    decode(call(method, path, body, Some(csrf)).await?)
}

/// `method path` without an answer body worth reading (sign-out).
pub async fn send_empty(method: &str, path: &str, csrf: &str) -> Result<(), ConsoleError> {
    call(method, path, None, Some(csrf)).await.map(|_| ())
}

fn json_text<B: Serialize>(body: &B) -> Result<String, ConsoleError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = body
        .serialize(&serializer)
        .map_err(|e| ConsoleError::Decode(format!("request body: {e}")))?;
    js_sys::JSON::stringify(&value)
        .map(String::from)
        .map_err(|_| ConsoleError::Decode("request body".to_owned()))
}

/// A parsed answer as `T`.
pub fn decode<T: DeserializeOwned>(value: JsValue) -> Result<T, ConsoleError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| ConsoleError::Decode(e.to_string()))
}

async fn call(
    method: &str,
    path: &str,
    body: Option<String>,
    csrf: Option<&str>,
) -> Result<JsValue, ConsoleError> {
    let response = fetch(method, path, body, csrf)
        .await
        .map_err(|_| ConsoleError::Network)?;
    let status = response.status();
    let value = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if (200..300).contains(&status) {
        return Ok(value);
    }
    Err(error_of(status, value))
}

/// A failed answer: its status and its body as the browser parsed it (`null` when it was
/// not JSON), read as the collector's [`ErrorBody`] in either form.
pub(crate) fn error_of(status: u16, body: JsValue) -> ConsoleError {
    let (code, message) = serde_wasm_bindgen::from_value::<ErrorBody>(body)
        .map(|b| b.parts())
        .unwrap_or_else(|_| (format!("HTTP {status}"), String::new()));
    ConsoleError::Api {
        status,
        code,
        message,
    }
}

async fn fetch(
    method: &str,
    path: &str,
    body: Option<String>,
    csrf: Option<&str>,
) -> Result<Response, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let headers = Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(csrf) = csrf.filter(|c| !c.is_empty()) {
        headers.set("X-CSRF-Token", csrf)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await?
        .dyn_into()
}

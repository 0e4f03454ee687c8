//! The shell's whole view of JavaScript: `globalThis` and three generic imports,
//! `Reflect.get`, `Reflect.set` and `Function.prototype.call`.
//!
//! Every typed web-sys / js-sys binding costs one JS glue function, one wasm import and an
//! externref shim; going through these few generic ones instead keeps the widget small.
//! Property and method names are therefore plain strings here: the browser tests and the
//! end-to-end tests are what check them.
//!
//! Nothing here throws into wasm: a throwing getter reads as `undefined`, a throwing or
//! missing method as `Err`.

use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// A function, seen through `Function.prototype.call`.
    type Callable;

    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    fn reflect_set(target: &JsValue, key: &str, value: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, js_name = call, variadic, catch)]
    fn call_on(this: &Callable, ctx: &JsValue, args: &[JsValue]) -> Result<JsValue, JsValue>;
}

/// `globalThis` (the page's `window`).
pub fn global() -> JsValue {
    GLOBAL.with(JsValue::clone)
}

/// `globalThis[name]`: `document`, `JSON`, `Math`, `localStorage`, ...
pub fn global_get(name: &str) -> JsValue {
    get(&global(), name)
}

/// `obj[key]`; `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    reflect_get(obj, key).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key]` as a string.
pub fn get_str(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

/// `obj[key]` as a number.
pub fn get_f64(obj: &JsValue, key: &str) -> Option<f64> {
    get(obj, key).as_f64()
}

/// `obj[key] = value`, ignoring failures.
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = reflect_set(obj, key, value);
}

/// `obj[method](...args)`; `Err` with the thrown value if it throws or is not a function.
pub fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    get(obj, method)
        .unchecked_ref::<Callable>()
        .call_on(obj, args)
}

/// `obj[method](...args)` for its effect only: the result and any failure are dropped
/// here, once, rather than at every call site.
pub fn invoke(obj: &JsValue, method: &str, args: &[JsValue]) {
    let _ = call(obj, method, args);
}

/// `obj[method](...args)` with up to two string arguments, for its result (`undefined` on
/// failure).
pub fn call_s(obj: &JsValue, method: &str, args: &[&str]) -> JsValue {
    let mut values = [JsValue::UNDEFINED, JsValue::UNDEFINED];
    for (value, arg) in values.iter_mut().zip(args) {
        *value = JsValue::from_str(arg);
    }
    call(obj, method, &values[..args.len().min(2)]).unwrap_or(JsValue::UNDEFINED)
}

/// `globalThis[name](...args)` (`setTimeout`, `fetch`, `Object`, `RegExp`, ...).
pub fn call_global(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    call(&global(), name, args)
}

/// `globalThis[namespace][method](...args)` (`JSON.parse`, `Math.random`, ...), for its
/// result (`undefined` on failure).
pub fn call_static(namespace: &str, method: &str, args: &[JsValue]) -> JsValue {
    call(&global_get(namespace), method, args).unwrap_or(JsValue::UNDEFINED)
}

/// `new globalThis[class](...args)`, through `Reflect.construct`.
pub fn construct(class: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let args = call_static("Array", "of", args);
    call(
        &global_get("Reflect"),
        "construct",
        &[global_get(class), args],
    )
}

/// A new empty plain object (`Object()`).
pub fn object() -> JsValue {
    call_global("Object", &[]).unwrap_or(JsValue::UNDEFINED)
}

/// `JSON.stringify(value)`; `None` for values JSON cannot hold or that throw.
pub fn stringify(value: &JsValue) -> Option<String> {
    call_static("JSON", "stringify", ::core::slice::from_ref(value)).as_string()
}

/// `JSON.parse(text)`; `undefined` if it is not JSON.
pub fn parse(text: &str) -> JsValue {
    call_static("JSON", "parse", &[text.into()])
}

/// `Math[name](...args)` as a number.
pub fn math(name: &str, args: &[JsValue]) -> f64 {
    call_static("Math", name, args).as_f64().unwrap_or(0.0)
}

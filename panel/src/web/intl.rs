//! [`Format`] through the browser's `Intl`: `Number.prototype.toLocaleString` and
//! `Date.prototype.toLocaleDateString` in the locale of the words on screen. A number or a
//! date the browser cannot format (no `Intl`, an unknown tag, a timestamp it cannot read)
//! falls back to the [`Plain`] form: nothing throws into the page.

use js_sys::{Date, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::format::{Format, Plain};
use crate::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A number or a `Date`: what has `toLocaleString` / `toLocaleDateString` with options
    /// (js-sys binds the number's without them).
    type Localizable;

    /// `toLocaleString(locale, options)`, throwing on an unknown tag or option.
    #[wasm_bindgen(method, catch, js_name = toLocaleString)]
    fn to_locale_string(
        this: &Localizable,
        locale: &str,
        options: &JsValue,
    ) -> Result<JsString, JsValue>;

    /// `toLocaleDateString(locale, options)`, throwing on an unknown tag or option.
    #[wasm_bindgen(method, catch, js_name = toLocaleDateString)]
    fn to_locale_date_string(
        this: &Localizable,
        locale: &str,
        options: &JsValue,
    ) -> Result<JsString, JsValue>;
}

/// Numbers and dates in `tag`'s locale.
pub struct Intl {
    tag: &'static str,
    /// `{minimumFractionDigits: 2, maximumFractionDigits: 2}`.
    amount: JsValue,
    /// `{dateStyle: "medium", timeZone: "UTC"}`: the day the collector names, wherever the
    /// shopper is.
    date: JsValue,
}

fn options(members: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

impl Intl {
    /// The formats of the locale tagged `tag` (`"de"`).
    pub fn new(tag: &'static str) -> Intl {
        let two = JsValue::from_f64(2.0);
        Intl {
            tag,
            amount: options(&[
                ("minimumFractionDigits", two.clone()),
                ("maximumFractionDigits", two),
            ]),
            date: options(&[("dateStyle", "medium".into()), ("timeZone", "UTC".into())]),
        }
    }

    fn number_with(&self, v: f64, options: &JsValue) -> Option<String> {
        JsValue::from_f64(v)
            .unchecked_ref::<Localizable>()
            .to_locale_string(self.tag, options)
            .ok()
            .map(String::from)
    }
}

impl Format for Intl {
    fn int(&self, n: i64) -> String {
        self.number_with(n as f64, &JsValue::UNDEFINED)
            .unwrap_or_else(|| Plain.int(n))
    }

    fn amount(&self, hundredths: i64) -> String {
        self.number_with(hundredths as f64 / 100.0, &self.amount)
            .unwrap_or_else(|| Plain.amount(hundredths))
    }

    fn number(&self, v: f64) -> String {
        self.number_with(v, &JsValue::UNDEFINED)
            .unwrap_or_else(|| Plain.number(v))
    }

    fn date(&self, at: &str) -> String {
        let d = Date::new(&JsValue::from_str(at));
        if d.get_time().is_nan() {
            return Plain.date(at);
        }
        d.unchecked_ref::<Localizable>()
            .to_locale_date_string(self.tag, &self.date)
            .map(String::from)
            .unwrap_or_else(|_| Plain.date(at))
    }
}

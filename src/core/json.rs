//! A small JSON value and writer: what the core needs and nothing more, so that the
//! widget's wasm carries no general-purpose (de)serialisation framework.
//!
//! * [`Json`] is a document already read: the widget copies it out of the browser's
//!   `JSON.parse` (`web::json_value`), the collector out of serde_json (`From<&serde_json::Value>`,
//!   with the `serde_json` feature). The core has no JSON text parser of its own.
//! * [`Json::write`], [`write_str`] and [`write_num`] print compact JSON; strings are escaped
//!   so that NUL, control characters and U+2028/U+2029 survive any consumer.
//! * [`Fields`] reads an object field by field with the JSON path of each value, which is how
//!   every model type in the core is decoded with errors naming the path at fault. Paths are
//!   [`Path`]s chained on the stack and only rendered into text when an error needs one.
//!
//! ```
//! use rapport::core::json::Json;
//! let v = Json::Obj(vec![("a".into(), Json::Arr(vec![Json::Num(1.0), Json::Str("x\0".into())]))]);
//! assert_eq!(v.to_string(), r#"{"a":[1,"x\u0000"]}"#);
//! ```

use crate::prelude::*;

use ::core::fmt;

#[cfg(feature = "serde_json")]
mod from_serde;
#[cfg(feature = "serde_json")]
pub mod testing;

#[cfg(feature = "serde_json")]
pub use from_serde::from_text;

/// Object members in document order.
pub type JsonMap = Vec<(String, Json)>;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number (JSON numbers are read as `f64`).
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, members in document order (a repeated key keeps its last value).
    Obj(JsonMap),
}

/// Deepest nesting the widget copies out of `JSON.parse` (arrays and objects), so hostile
/// input cannot exhaust the stack of the recursive copy and of the decoders.
pub const MAX_DEPTH: usize = 64;

impl Json {
    /// Appends the compact JSON text of this value to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => write_num(out, *n),
            Json::Str(s) => write_str(out, s),
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => write_map(out, members),
        }
    }

    /// The value under `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => member(members, key),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(items) => Some(items),
            _ => None,
        }
    }

    /// What kind of value this is, for error messages ("a string", "null", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out);
        f.write_str(&out)
    }
}

/// The value of the member `key` (keys are unique: `JSON.parse` and serde_json keep a
/// repeated key's last value). One lookup loop for [`Json::get`] and [`Fields::get`].
fn member<'j>(members: &'j [(String, Json)], key: &str) -> Option<&'j Json> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Appends an object with these members.
pub fn write_map(out: &mut String, members: &[(String, Json)]) {
    let mut w = ObjectWriter::new(out);
    for (k, v) in members {
        v.write(w.key(k));
    }
    w.end();
}

/// Appends `s` as a JSON string literal. Quotes, backslashes, every control character
/// (NUL included) and U+2028/U+2029 are escaped; everything else (bidi overrides such as
/// U+202E included) is kept verbatim, as UTF-8.
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let v = c as usize;
                out.push_str("\\u");
                // Four hex digits, high to low (a counted loop, not one over an array).
                let mut shift = 16;
                while shift > 0 {
                    shift -= 4;
                    out.push(char::from(HEX[(v >> shift) & 15]));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a number without f64 formatting machinery: integers (up to 2^63) exactly,
/// other finite values with up to 9 decimals (trailing zeros trimmed); non-finite values
/// (which JSON cannot express) as `null`.
pub fn write_num(out: &mut String, n: f64) {
    use crate::core::msg::{push_uint, push_uint_padded};
    if !n.is_finite() {
        out.push_str("null");
        return;
    }
    let a = n.abs();
    if a >= 9.2e18 {
        // Out of i64 range: only reachable with absurd inputs; keep it valid JSON.
        out.push_str(if n < 0.0 { "-9.2e18" } else { "9.2e18" });
        return;
    }
    // `a` is non-negative and below 2^63: `as` truncates, `+ 0.5` then truncating rounds.
    let whole = a as u64 as f64;
    let mut frac = ((a - whole) * 1e9 + 0.5) as u64;
    let mut int = whole as u64;
    if frac >= 1_000_000_000 {
        int += 1;
        frac = 0;
    }
    // No sign on a value that rounds to zero.
    if n < 0.0 && (int != 0 || frac != 0) {
        out.push('-');
    }
    push_uint(out, int);
    if frac > 0 {
        out.push('.');
        // Nine digits with the trailing zeros trimmed (`frac > 0`: one of them is not zero).
        let mut width = 9;
        while frac / 10 * 10 == frac {
            frac /= 10;
            width -= 1;
        }
        push_uint_padded(out, frac, width);
    }
}

/// A number as text (see [`write_num`]), for messages.
pub fn num_to_string(n: f64) -> String {
    let mut s = String::new();
    write_num(&mut s, n);
    s
}

/// Writes one JSON object member by member.
pub struct ObjectWriter<'a> {
    /// The output.
    pub out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens the object.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Writes `"key":`; the value must be written next, to [`ObjectWriter::out`].
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) {
        write_str(self.key(key), value);
    }

    /// A member whose value is already JSON text (`true`, `null`, ...).
    pub fn str_raw(&mut self, key: &str, json: &str) {
        self.key(key).push_str(json);
    }

    /// A number member.
    pub fn num(&mut self, key: &str, value: f64) {
        write_num(self.key(key), value);
    }

    /// A string member when present.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.str(key, v);
        }
    }

    /// A number member when present.
    pub fn opt_num(&mut self, key: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.num(key, v);
        }
    }

    /// Closes the object.
    pub fn end(self) {
        self.out.push('}');
    }
}

/// Why a JSON value does not have the expected shape, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    /// JSON path of the value at fault (`surveys[0].questions[1].type`; `""` = the document).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// The result of decoding a value. The error is boxed: a decoding result is then barely
/// larger than the value, and passing an error up through `?` moves one pointer.
pub type Decoded<T> = Result<T, Box<ShapeError>>;

/// A JSON path built only when an error needs it: segments chained on the stack
/// (`Root("surveys")` → `Index(.., 3)` → `Key(.., "id")` renders `surveys[3].id`).
/// Decoders and validators pass these down instead of allocating a path string per value.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The first segment, verbatim (may be empty: the document itself).
    Root(&'a str),
    /// `.key` (no dot after an empty root).
    Key(&'a Path<'a>, &'a str),
    /// `[index]`.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The member `key` of this path.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The item `index` of this path.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// The path as text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.push(&mut out);
        out
    }

    fn push(&self, out: &mut String) {
        match *self {
            Path::Root(s) => out.push_str(s),
            Path::Key(parent, key) => {
                parent.push(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.push(out);
                out.push('[');
                // Not `to_string`: that would pull the integer formatter into the wasm.
                crate::core::msg::push_uint(out, i as u64);
                out.push(']');
            }
        }
    }
}

/// A shape error at `path` (the path is rendered here).
pub fn shape(path: &Path<'_>, message: String) -> Box<ShapeError> {
    Box::new(ShapeError {
        path: path.render(),
        message,
    })
}

/// A shape error at `path`.
pub fn shape_err<T>(path: &Path<'_>, message: String) -> Decoded<T> {
    Err(shape(path, message))
}

/// `expected {what}, got {kind of got}` at `path`.
fn expected(path: &Path<'_>, what: &str, got: &Json) -> Box<ShapeError> {
    shape(
        path,
        crate::core::msg::subst("expected {}, got {}", what, got.kind()),
    )
}

/// Reads a string.
pub fn string(path: &Path<'_>, v: &Json) -> Decoded<String> {
    match v {
        Json::Str(s) => Ok(s.clone()),
        other => Err(expected(path, "a string", other)),
    }
}

/// Reads a number.
pub fn number(path: &Path<'_>, v: &Json) -> Decoded<f64> {
    match v {
        Json::Num(n) => Ok(*n),
        other => Err(expected(path, "a number", other)),
    }
}

/// Reads an integer in `min..=max`.
pub fn integer(path: &Path<'_>, v: &Json, min: i64, max: i64) -> Decoded<i64> {
    let n = number(path, v)?;
    // From 2^52 up every f64 is an integer; below, the round trip through i64 is exact.
    let template = if n.abs() < 4_503_599_627_370_496.0 && n as i64 as f64 != n {
        "{} is not an integer"
    } else if n < min as f64 || n > max as f64 {
        "{} is out of range"
    } else {
        return Ok(n as i64);
    };
    Err(shape(
        path,
        crate::core::msg::subst(template, &num_to_string(n), ""),
    ))
}

/// Reads a boolean.
pub fn boolean(path: &Path<'_>, v: &Json) -> Decoded<bool> {
    match v {
        Json::Bool(b) => Ok(*b),
        other => Err(expected(path, "a boolean", other)),
    }
}

/// The items of an array.
pub fn items<'j>(path: &Path<'_>, v: &'j Json) -> Decoded<&'j [Json]> {
    match v {
        Json::Arr(items) => Ok(items),
        other => Err(expected(path, "an array", other)),
    }
}

/// A decoder of one value: gets the value's path (for errors) and the value.
pub type Decoder<T> = fn(&Path<'_>, &Json) -> Decoded<T>;

/// Reads an array, decoding each item with `f` (which gets the item's path).
pub fn array<T>(path: &Path<'_>, v: &Json, f: Decoder<T>) -> Decoded<Vec<T>> {
    items(path, v)?
        .iter()
        .enumerate()
        .map(|(i, item)| f(&path.index(i), item))
        .collect()
}

/// Reads one of the spellings of `table` (a unit enum, each spelling with its variant).
pub fn variant<T: Copy>(path: &Path<'_>, v: &Json, table: &[(&str, T)]) -> Decoded<T> {
    let s = match v {
        Json::Str(s) => s,
        other => return Err(expected(path, "a string", other)),
    };
    if let Some((_, value)) = table.iter().find(|(name, _)| name == s) {
        return Ok(*value);
    }
    let mut expected = String::new();
    for (i, (name, _)) in table.iter().enumerate() {
        expected.push_str(if i == 0 { "`" } else { ", `" });
        expected.push_str(name);
        expected.push('`');
    }
    Err(shape(
        path,
        crate::core::msg::subst("unknown variant `{}`, expected one of {}", s, &expected),
    ))
}

/// An object being decoded: its members and its path. `null` members count as absent.
///
/// The typed readers ([`Fields::str`], [`Fields::num`], ...) take `required`: when set, an
/// absent member is the "missing field" error, so `Ok(None)` only comes back for optional
/// ones.
pub struct Fields<'a> {
    path: Path<'a>,
    members: &'a [(String, Json)],
}

impl<'a> Fields<'a> {
    /// Opens `v` as an object whose keys must all be in `known` (`None`: any key allowed).
    pub fn new(path: &'a str, v: &'a Json, known: Option<&[&str]>) -> Decoded<Fields<'a>> {
        Self::at(Path::Root(path), v, known)
    }

    /// [`Fields::new`] at a lazily built path.
    pub fn at(path: Path<'a>, v: &'a Json, known: Option<&[&str]>) -> Decoded<Fields<'a>> {
        let Json::Obj(members) = v else {
            return Err(expected(&path, "an object", v));
        };
        let f = Fields { path, members };
        f.only(known)?;
        Ok(f)
    }

    /// Rejects the first member whose key is not in `known` (`None`: any key allowed).
    pub fn only(&self, known: Option<&[&str]>) -> Decoded<()> {
        if let Some(known) = known {
            if let Some((k, _)) = self
                .members
                .iter()
                .find(|(k, _)| !known.contains(&k.as_str()))
            {
                return Err(shape(
                    &self.path.key(k),
                    crate::core::msg::subst("unknown field `{}`", k, ""),
                ));
            }
        }
        Ok(())
    }

    /// Member `key` opened as an object (see [`Fields::at`]), unless absent or `null`.
    pub fn object<'s>(
        &'s self,
        key: &'s str,
        known: Option<&[&str]>,
    ) -> Decoded<Option<Fields<'s>>> {
        Ok(match self.get(key) {
            Some(v) => Some(Fields::at(self.child(key), v, known)?),
            None => None,
        })
    }

    /// The object's own path.
    pub fn path(&self) -> &Path<'a> {
        &self.path
    }

    /// The path of member `key`.
    pub fn child<'s>(&'s self, key: &'s str) -> Path<'s> {
        Path::Key(&self.path, key)
    }

    /// The member `key`, unless absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        member(self.members, key).filter(|v| !matches!(v, Json::Null))
    }

    /// Member `key`: `None` when absent or `null`, unless `required`, which makes that the
    /// "missing field" error.
    pub fn field(&self, key: &str, required: bool) -> Decoded<Option<&'a Json>> {
        match self.get(key) {
            None if required => Err(self.missing(key)),
            v => Ok(v),
        }
    }

    fn missing(&self, key: &str) -> Box<ShapeError> {
        shape(
            &self.child(key),
            crate::core::msg::subst("missing field `{}`", key, ""),
        )
    }

    /// Decodes member `key` with `f` when present.
    pub fn opt<T>(
        &self,
        key: &str,
        f: impl FnOnce(&Path<'_>, &Json) -> Decoded<T>,
    ) -> Decoded<Option<T>> {
        match self.field(key, false)? {
            Some(v) => f(&self.child(key), v).map(Some),
            None => Ok(None),
        }
    }

    /// Decodes the required member `key` with `f`.
    pub fn req<T>(&self, key: &str, f: impl FnOnce(&Path<'_>, &Json) -> Decoded<T>) -> Decoded<T> {
        match self.field(key, true)? {
            Some(v) => f(&self.child(key), v),
            None => Err(self.missing(key)),
        }
    }

    /// A string member.
    pub fn str(&self, key: &str, required: bool) -> Decoded<Option<String>> {
        Ok(match self.field(key, required)? {
            Some(v) => Some(string(&self.child(key), v)?),
            None => None,
        })
    }

    /// A required string member.
    pub fn req_str(&self, key: &str) -> Decoded<String> {
        self.req(key, string)
    }

    /// A number member.
    pub fn num(&self, key: &str, required: bool) -> Decoded<Option<f64>> {
        Ok(match self.field(key, required)? {
            Some(v) => Some(number(&self.child(key), v)?),
            None => None,
        })
    }

    /// An integer member in `min..=max`.
    pub fn int(&self, key: &str, required: bool, min: i64, max: i64) -> Decoded<Option<i64>> {
        Ok(match self.field(key, required)? {
            Some(v) => Some(integer(&self.child(key), v, min, max)?),
            None => None,
        })
    }

    /// An optional boolean member.
    pub fn bool(&self, key: &str) -> Decoded<Option<bool>> {
        Ok(match self.field(key, false)? {
            Some(v) => Some(boolean(&self.child(key), v)?),
            None => None,
        })
    }

    /// A member that is one of the spellings of `table`: its variant.
    pub fn variant<T: Copy>(
        &self,
        key: &str,
        required: bool,
        table: &[(&str, T)],
    ) -> Decoded<Option<T>> {
        Ok(match self.field(key, required)? {
            Some(v) => Some(variant(&self.child(key), v, table)?),
            None => None,
        })
    }

    /// An array member decoded item by item with `f` (absent: empty unless `required`).
    pub fn list<T>(&self, key: &str, required: bool, f: Decoder<T>) -> Decoded<Vec<T>> {
        match self.field(key, required)? {
            Some(v) => array(&self.child(key), v, f),
            None => Ok(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strings_escape_what_must_be() {
        let mut out = String::new();
        write_str(&mut out, "q\"b\\n\n\u{0}\u{1f}\u{202e}\u{2028}é");
        assert_eq!(out, "\"q\\\"b\\\\n\\n\\u0000\\u001f\u{202e}\\u2028é\"");
    }

    #[test]
    fn numbers_print_without_float_formatting() {
        for (n, s) in [
            (0.0, "0"),
            (-0.0, "0"),
            (8.64e15, "8640000000000000"),
            (-1.0, "-1"),
            (33.25, "33.25"),
            (0.1, "0.1"),
            (-0.5, "-0.5"),
            (f64::NAN, "null"),
        ] {
            assert_eq!(num_to_string(n), s);
        }
    }

    #[test]
    fn fields_track_paths() {
        let v = testing::parse(r#"{"a": 1, "b": null, "c": "x"}"#).unwrap();
        let f = Fields::new("root", &v, Some(&["a", "b", "c"])).unwrap();
        assert_eq!(f.opt("b", string).unwrap(), None);
        let e = f.req("b", string).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("root.b", "missing field `b`")
        );
        let e = f.req("a", string).unwrap_err();
        assert_eq!(e.message, "expected a string, got a number");
        let e = Fields::new("", &v, Some(&["a"])).err().unwrap();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("b", "unknown field `b`")
        );
    }

    /// `v` with the members of every object sorted by key.
    fn sorted(v: Json) -> Json {
        match v {
            Json::Arr(items) => Json::Arr(items.into_iter().map(sorted).collect()),
            Json::Obj(members) => {
                let mut members: JsonMap =
                    members.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                members.sort_by(|a, b| a.0.cmp(&b.0));
                Json::Obj(members)
            }
            other => other,
        }
    }

    fn arb_json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            (-1_000_000i64..1_000_000).prop_map(|n| Json::Num(n as f64)),
            any::<String>().prop_map(Json::Str),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Arr),
                prop::collection::vec(("[a-z]{1,3}", inner), 0..6).prop_map(|members| {
                    let mut m: JsonMap = Vec::new();
                    for (k, v) in members {
                        if !m.iter().any(|(e, _)| *e == k) {
                            m.push((k, v));
                        }
                    }
                    Json::Obj(m)
                }),
            ]
        })
    }

    proptest! {
        /// What the writer prints, a real parser reads back as the same value (objects
        /// compared with their members sorted: serde_json sorts keys).
        #[test]
        fn write_then_parse_round_trips(v in arb_json()) {
            let text = v.to_string();
            prop_assert_eq!(sorted(testing::parse(&text).unwrap()), sorted(v));
        }

        /// Same text as the `to_string`-based writer it replaced.
        #[test]
        fn numbers_print_as_before(n in prop_oneof![
            any::<f64>(),
            -1e6f64..1e6,
            (-1_000_000i64..1_000_000, 0u32..4).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
        ]) {
            let mut old = String::new();
            if !n.is_finite() {
                old.push_str("null");
            } else if n.abs() >= 9.2e18 {
                old.push_str(if n < 0.0 { "-9.2e18" } else { "9.2e18" });
            } else {
                let a = n.abs();
                let whole = a.trunc();
                let mut frac = ((a - whole) * 1e9).round() as u64;
                let mut int = whole as u64;
                if frac >= 1_000_000_000 {
                    int += 1;
                    frac = 0;
                }
                if n < 0.0 && !(int == 0 && frac == 0) {
                    old.push('-');
                }
                old.push_str(&int.to_string());
                if frac > 0 {
                    let digits = frac.to_string();
                    old.push('.');
                    for _ in digits.len()..9 {
                        old.push('0');
                    }
                    old.push_str(digits.trim_end_matches('0'));
                }
            }
            prop_assert_eq!(num_to_string(n), old);
        }
    }
}

//! A small JSON value, parser and writer: what the core needs and nothing more, so that the
//! widget's wasm carries no general-purpose (de)serialisation framework.
//!
//! * [`Json::parse`] reads a document (RFC 8259; a lone surrogate escape such as `\ud800`
//!   cannot live in a Rust string and reads as U+FFFD). Syntax errors give line and column.
//! * [`Json::write`], [`write_str`] and [`write_num`] print compact JSON; strings are escaped
//!   so that NUL, control characters and U+2028/U+2029 survive any consumer.
//! * [`Fields`] reads an object field by field with the JSON path of each value, which is how
//!   every model type in the core is decoded with errors naming the path at fault. Paths are
//!   [`Path`]s chained on the stack and only rendered into text when an error needs one.
//!
//! ```
//! use rapport::core::json::Json;
//! let v = Json::parse(r#"{"a": [1, "x\u0000"]}"#).unwrap();
//! assert_eq!(v.to_string(), r#"{"a":[1,"x\u0000"]}"#);
//! assert!(Json::parse("{\"a\": ").unwrap_err().to_string().contains("line 1"));
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

/// A JSON syntax error with its 1-based position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What was expected or found.
    pub message: &'static str,
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
}

impl SyntaxError {
    /// The full message, `{message} at line {line} column {column}` (what `Display` prints),
    /// built without `core::fmt`.
    pub fn text(&self) -> String {
        use crate::core::msg::push_uint;
        let mut s = String::from(self.message);
        s.push_str(" at line ");
        push_uint(&mut s, self.line as u64);
        s.push_str(" column ");
        push_uint(&mut s, self.column as u64);
        s
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Deepest nesting accepted (arrays and objects), so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

/// A parse step: the error is just the message; the parser stays at the offending position,
/// which [`Json::parse`] turns into a line and column once.
type Parsed<T> = Result<T, &'static str>;

impl<'a> Parser<'a> {
    /// The error `message` at the current position: lines and characters up to it (the
    /// whole text when an invalid escape left the position inside a character).
    fn error(&self, message: &'static str) -> SyntaxError {
        let upto = self.src.get(..self.pos).unwrap_or(self.src).as_bytes();
        let (mut line, mut column) = (1, 1);
        for &b in upto {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                // Not a UTF-8 continuation byte: a new character.
                column += 1;
            }
        }
        SyntaxError {
            message,
            line,
            column,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    /// Skips whitespace and returns the next byte (not consumed).
    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
        self.peek()
    }

    /// Consumes `b` if it comes next (after whitespace).
    fn eat(&mut self, b: u8) -> bool {
        let found = self.skip_ws() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    fn value(&mut self, depth: usize) -> Parsed<Json> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply");
        }
        let first = self.skip_ws();
        let word = match first {
            Some(b'{') => return self.object(depth),
            Some(b'[') => return self.array(depth),
            Some(b'"') => return self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => return self.number(),
            Some(b't') => "true",
            Some(b'f') => "false",
            Some(b'n') => "null",
            None => return Err("EOF while parsing a value"),
            Some(_) => return Err("expected value"),
        };
        if !self
            .src
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|s| s.starts_with(word.as_bytes()))
        {
            return Err("expected value");
        }
        self.pos += word.len();
        // One construction for the three literals.
        Ok(match first {
            Some(b'n') => Json::Null,
            _ => Json::Bool(first == Some(b't')),
        })
    }

    /// An array; the parser is at its `[`.
    fn array(&mut self, depth: usize) -> Parsed<Json> {
        self.pos += 1;
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth + 1)?);
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return Err("expected `,` or `]`");
                }
            }
        }
        Ok(Json::Arr(items))
    }

    /// An object; the parser is at its `{`.
    fn object(&mut self, depth: usize) -> Parsed<Json> {
        self.pos += 1;
        let mut members = JsonMap::new();
        if !self.eat(b'}') {
            loop {
                if self.skip_ws() != Some(b'"') {
                    return Err("expected a string key");
                }
                let key = self.string()?;
                if !self.eat(b':') {
                    return Err("expected `:`");
                }
                let value = self.value(depth + 1)?;
                match members.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => members.push((key, value)),
                }
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return Err("expected `,` or `}`");
                }
            }
        }
        Ok(Json::Obj(members))
    }

    /// A run of decimal digits: its value (digits beyond 19 only counted in `extra`, far
    /// beyond the precision of an f64 anyway), the number of extra digits, and how many
    /// digits there were. With `frac`, the digits are a fraction: every digit kept counts as
    /// `extra` = -1 instead.
    fn digits(&mut self, mut m: u64, frac: bool) -> (u64, i32, usize) {
        let (mut extra, mut n) = (0i32, 0usize);
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if m < 1_000_000_000_000_000_000 {
                m = m * 10 + u64::from(d - b'0');
                extra -= i32::from(frac);
            } else if !frac {
                extra += 1;
            }
            n += 1;
            self.pos += 1;
        }
        (m, extra, n)
    }

    fn number(&mut self) -> Parsed<Json> {
        const INVALID: &str = "invalid number";
        let negative = self.peek() == Some(b'-');
        self.pos += usize::from(negative);
        if self.peek() == Some(b'0')
            && matches!(self.src.as_bytes().get(self.pos + 1), Some(b'0'..=b'9'))
        {
            return Err(INVALID);
        }
        let (mut mantissa, mut exp, n) = self.digits(0, false);
        if n == 0 {
            return Err(INVALID);
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let (m, e, n) = self.digits(mantissa, true);
            if n == 0 {
                return Err(INVALID);
            }
            mantissa = m;
            exp += e;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            let sign = self.peek();
            self.pos += usize::from(matches!(sign, Some(b'-' | b'+')));
            let (e, _, n) = self.digits(0, false);
            if n == 0 {
                return Err(INVALID);
            }
            let e = e.min(100_000) as i32;
            exp = exp.saturating_add(if sign == Some(b'-') { -e } else { e });
        }
        let mut value = scale(mantissa, exp);
        if !value.is_finite() {
            // The fast path can overshoot by an ulp at the very top of the range.
            value = largest_below_overflow(mantissa, exp).ok_or("number out of range")?;
        }
        Ok(Json::Num(if negative { -value } else { value }))
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|c| char::from(c).to_digit(16))
                .ok_or("invalid \\u escape")?;
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Parsed<String> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // `start` and `pos` sit next to ASCII bytes (or the ends): char boundaries.
            out.push_str(self.src.get(start..self.pos).unwrap_or(""));
            let Some(b) = self.peek() else {
                return Err("EOF while parsing a string");
            };
            if b < 0x20 {
                return Err("control character in a string");
            }
            self.pos += 1;
            if b == b'"' {
                return Ok(out);
            }
            // A backslash.
            let Some(e) = self.peek() else {
                return Err("EOF while parsing a string");
            };
            self.pos += 1;
            let c = match e {
                b'"' | b'\\' | b'/' => char::from(e),
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = self.hex4()?;
                    let mut code = hi;
                    if (0xD800..0xDC00).contains(&hi)
                        && self.src.as_bytes().get(self.pos..self.pos + 2) == Some(b"\\u")
                    {
                        let back = self.pos;
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if (0xDC00..0xE000).contains(&lo) {
                            code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        } else {
                            // A lone high surrogate followed by another escape.
                            self.pos = back;
                        }
                    }
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                }
                _ => return Err("invalid escape"),
            };
            out.push(c);
        }
    }
}

/// `mantissa × 10^exp`, exact when both fit an f64 exactly (the common case: short decimals),
/// within an ulp or so otherwise.
fn scale(mantissa: u64, exp: i32) -> f64 {
    let mut m = mantissa as f64;
    if m == 0.0 {
        return 0.0;
    }
    let mut e = exp.clamp(-400, 400);
    if e < -300 {
        // Keep the divisor finite: divide in two steps.
        m /= pow10(300);
        e += 300;
    }
    if e >= 0 {
        m * pow10(e.unsigned_abs())
    } else {
        m / pow10(e.unsigned_abs())
    }
}

/// `f64::MAX` when `mantissa × 10^exp` rounds to it rather than overflowing (it lies
/// below `f64::MAX` plus half an ulp, 1.797693134862315807…e308), `None` otherwise.
fn largest_below_overflow(mantissa: u64, exp: i32) -> Option<f64> {
    // Leading 19 digits of f64::MAX + ulp/2.
    const LIMIT: u64 = 1_797_693_134_862_315_807;
    let digits = mantissa.checked_ilog10()? as i32 + 1;
    if exp.saturating_add(digits - 1) != 308 {
        return None;
    }
    let normalized = u128::from(mantissa) * 10u128.pow(19u32.checked_sub(digits as u32)?);
    (normalized <= u128::from(LIMIT)).then_some(f64::MAX)
}

fn pow10(mut e: u32) -> f64 {
    let (mut p, mut base) = (1.0f64, 10.0f64);
    while e > 0 {
        if e & 1 == 1 {
            p *= base;
        }
        base *= base;
        e >>= 1;
    }
    p
}

impl Json {
    /// Parses a whole document (trailing non-whitespace is an error).
    pub fn parse(text: &str) -> Result<Json, SyntaxError> {
        let mut p = Parser { src: text, pos: 0 };
        p.value(0)
            .and_then(|v| match p.skip_ws() {
                Some(_) => Err("trailing characters"),
                None => Ok(v),
            })
            .map_err(|message| p.error(message))
    }

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

/// The value of the member `key` (keys are unique: [`Json::parse`] keeps a repeated key's
/// last value, and so does `JSON.parse`). One lookup loop for [`Json::get`] and
/// [`Fields::get`].
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

    /// An optional member decoded with `f` (a plain function: one copy per value type).
    pub fn opt_with<T>(&self, key: &str, f: Decoder<T>) -> Decoded<Option<T>> {
        Ok(match self.field(key, false)? {
            Some(v) => Some(f(&self.child(key), v)?),
            None => None,
        })
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
    fn the_largest_finite_numbers_parse_and_larger_ones_do_not() {
        let num = |text: &str| match Json::parse(text) {
            Ok(Json::Num(n)) => Ok(n),
            other => Err(format!("{other:?}")),
        };
        assert_eq!(num("1.7976931348623157e+308"), Ok(f64::MAX));
        assert_eq!(num("-1.7976931348623157e308"), Ok(-f64::MAX));
        assert_eq!(num("179769313486231570000e288"), Ok(f64::MAX));
        assert!(num("8.98846567431158e307").is_ok_and(f64::is_finite));
        assert!(num("1.7976931348623159e308").is_err());
        assert!(num("1e309").is_err());
        assert!(num("2e308").is_err());
    }

    #[test]
    fn parses_every_kind() {
        let v =
            Json::parse(r#" {"a": [true, false, null, -1.5e2, "\u00e9\ud83d\ude00"], "b": {}} "#)
                .unwrap();
        assert_eq!(
            v.get("a").and_then(Json::as_array).map(|a| a.to_vec()),
            Some(vec![
                Json::Bool(true),
                Json::Bool(false),
                Json::Null,
                Json::Num(-150.0),
                Json::Str("é😀".into())
            ])
        );
        assert_eq!(v.get("b"), Some(&Json::Obj(vec![])));
    }

    #[test]
    fn syntax_errors_have_positions() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "\"\u{1}\"",
            "tru",
            "1 2",
            "\"\\x\"",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?}");
        }
        let e = Json::parse("{\n  \"a\": x}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.to_string().contains("line 2 column 8"));
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(Json::parse(&deep).is_err());
    }

    #[test]
    fn lone_surrogates_read_as_replacement() {
        let v = Json::parse(r#""a\ud800b\udc00c\ud800\u0041""#).unwrap();
        assert_eq!(v, Json::Str("a\u{FFFD}b\u{FFFD}c\u{FFFD}A".into()));
    }

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
    fn common_decimals_parse_exactly() {
        for s in [
            "0.1",
            "33.3",
            "1e3",
            "-2.5E-3",
            "1720000000000",
            "123456.789",
        ] {
            let parsed = Json::parse(s).unwrap().as_f64().unwrap();
            assert_eq!(parsed, s.parse::<f64>().unwrap(), "{s}");
        }
        assert!(Json::parse("1e400").is_err());
        assert!(Json::parse("1e-320").unwrap().as_f64().unwrap() > 0.0);
    }

    #[test]
    fn fields_track_paths() {
        let v = Json::parse(r#"{"a": 1, "b": null, "c": "x"}"#).unwrap();
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
        #[test]
        fn write_then_parse_round_trips(v in arb_json()) {
            let text = v.to_string();
            prop_assert_eq!(Json::parse(&text).unwrap(), v);
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

        #[test]
        fn never_panics_on_garbage(s in ".{0,40}") {
            let _ = Json::parse(&s);
        }
    }
}

//! A compile-time CSS minifier: the widget ships its stylesheet minified while the source
//! (`web/ui/style.css`) stays readable. [`minified_css!`] runs [`minify`] in const
//! evaluation, so no build script and no runtime code are involved.
//!
//! What it removes: comments, leading and trailing whitespace, whitespace around
//! `{ } ; , >`, after `( :` and before `) !`, and the `;` before a `}`. Other whitespace
//! runs become one space. Untouched: string literals (`"…"`, `'…'`), unquoted `url(…)`,
//! backslash escapes. Spaces before `(` or `:` and after `)` are kept (`and (max-width…)`,
//! `a :hover`, `:not(.a) .b`), and so are the spaces of `calc(a - b)`. A comment between two
//! tokens that would otherwise merge (`0/**/auto`) is kept as `/**/`.

/// `minified_css!(include_str!("style.css"))`: the minified stylesheet as a `&'static str`,
/// computed at compile time.
macro_rules! minified_css {
    ($src:expr) => {{
        const SRC: &str = $src;
        const FULL: ([u8; SRC.len()], usize) = $crate::css::minify(SRC.as_bytes());
        const BYTES: [u8; FULL.1] = $crate::css::head(&FULL.0);
        const CSS: &str = match ::core::str::from_utf8(&BYTES) {
            Ok(css) => css,
            Err(_) => panic!("minified CSS is not UTF-8"),
        };
        CSS
    }};
}
pub(crate) use minified_css;

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// No space is needed after these.
const fn tight_after(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b';' | b',' | b'>' | b'(' | b':')
}

/// No space is needed before these.
const fn tight_before(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b';' | b',' | b'>' | b')' | b'!')
}

/// Bytes that continue an identifier (or a number's unit).
const fn ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'\\') || b >= 0x80
}

/// Whether `prev` and `next`, written side by side, could read as one token (`0` `auto` →
/// `0auto`, `1` `.5` → `1.5`): a comment between them must stay.
const fn joins(prev: u8, next: u8) -> bool {
    (ident(next) && (ident(prev) || prev == b'%'))
        || (matches!(next, b'.' | b'%') && prev.is_ascii_digit())
}

const fn starts_url(src: &[u8], i: usize) -> bool {
    i + 4 <= src.len()
        && src[i].eq_ignore_ascii_case(&b'u')
        && src[i + 1].eq_ignore_ascii_case(&b'r')
        && src[i + 2].eq_ignore_ascii_case(&b'l')
        && src[i + 3] == b'('
}

/// Minifies `src` into the first `.1` bytes of the returned buffer (`N >= src.len()`; the
/// output is never longer than the input).
pub(crate) const fn minify<const N: usize>(src: &[u8]) -> ([u8; N], usize) {
    assert!(N >= src.len());
    let mut out = [0u8; N];
    let mut o = 0;
    let mut i = 0;
    // Whitespace is pending; a comment is pending; the last byte written is a `;` that
    // ends a declaration (not one inside a string, url or escape).
    let mut space = false;
    let mut comment = false;
    let mut semi = false;
    while i < src.len() {
        let c = src[i];
        if is_space(c) {
            space = true;
            i += 1;
            continue;
        }
        if c == b'/' && i + 1 < src.len() && src[i + 1] == b'*' {
            i += 2;
            while i + 1 < src.len() && !(src[i] == b'*' && src[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            comment = true;
            continue;
        }
        if o > 0 {
            let prev = out[o - 1];
            if space {
                if !tight_after(prev) && !tight_before(c) {
                    out[o] = b' ';
                    o += 1;
                    semi = false;
                }
            } else if comment && joins(prev, c) {
                out[o] = b'/';
                out[o + 1] = b'*';
                out[o + 2] = b'*';
                out[o + 3] = b'/';
                o += 4;
                semi = false;
            }
        }
        space = false;
        comment = false;
        if c == b'"' || c == b'\'' {
            // A string, verbatim up to its closing quote (or the end).
            out[o] = c;
            o += 1;
            i += 1;
            while i < src.len() {
                let b = src[i];
                out[o] = b;
                o += 1;
                i += 1;
                if b == b'\\' && i < src.len() {
                    out[o] = src[i];
                    o += 1;
                    i += 1;
                } else if b == c {
                    break;
                }
            }
            semi = false;
            continue;
        }
        if c == b'\\' {
            // An escape: the escaped byte is never syntax (`\;`, `\ `).
            out[o] = c;
            o += 1;
            i += 1;
            if i < src.len() {
                out[o] = src[i];
                o += 1;
                i += 1;
            }
            semi = false;
            continue;
        }
        if starts_url(src, i) && !(o > 0 && ident(out[o - 1])) {
            out[o] = src[i];
            out[o + 1] = src[i + 1];
            out[o + 2] = src[i + 2];
            out[o + 3] = b'(';
            o += 4;
            i += 4;
            let mut j = i;
            while j < src.len() && is_space(src[j]) {
                j += 1;
            }
            if j < src.len() && src[j] != b'"' && src[j] != b'\'' {
                // Unquoted: verbatim up to the closing parenthesis.
                while i < src.len() {
                    let b = src[i];
                    out[o] = b;
                    o += 1;
                    i += 1;
                    if b == b'\\' && i < src.len() {
                        out[o] = src[i];
                        o += 1;
                        i += 1;
                    } else if b == b')' {
                        break;
                    }
                }
            }
            semi = false;
            continue;
        }
        if c == b'}' && semi {
            o -= 1;
        }
        out[o] = c;
        o += 1;
        i += 1;
        semi = c == b';';
    }
    (out, o)
}

/// The first `M` bytes of `buf`.
pub(crate) const fn head<const N: usize, const M: usize>(buf: &[u8; N]) -> [u8; M] {
    let mut out = [0u8; M];
    let mut i = 0;
    while i < M {
        out[i] = buf[i];
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn min(css: &str) -> String {
        let (buf, len) = minify::<512>(css.as_bytes());
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn whitespace_and_comments() {
        assert_eq!(min("  /* c */ .a  {  color: red ;  }\n\n"), ".a{color:red}");
        // A space before `:` may be a descendant combinator: kept.
        assert_eq!(min("a :hover{color : red}"), "a :hover{color :red}");
        assert_eq!(
            min(".a , .b > .c\n.d {margin: 0 auto; padding:1px  2px}"),
            ".a,.b>.c .d{margin:0 auto;padding:1px 2px}"
        );
        assert_eq!(min(".d *{a:b}.d  *  .e{}"), ".d *{a:b}.d * .e{}");
        assert_eq!(
            min(":not( .a ) .b{x:y !important;}"),
            ":not(.a) .b{x:y!important}"
        );
        assert_eq!(min("a{b:c}/* end */"), "a{b:c}");
        assert_eq!(min("a{b:c} /* unterminated"), "a{b:c}");
        // Comments vanish between tokens that cannot merge, stay where they would.
        assert_eq!(min(".a/**/.b{x:y/* z */}"), ".a.b{x:y}");
        assert_eq!(
            min("a{x:1/**/.5 1/**/% a/**/#b}"),
            "a{x:1/**/.5 1/**/% a#b}"
        );
        assert_eq!(min("a{margin:0/**/auto}"), "a{margin:0/**/auto}");
        assert_eq!(min("a{margin:0 /**/ auto}"), "a{margin:0 auto}");
    }

    #[test]
    fn values_keep_their_meaningful_spaces() {
        assert_eq!(
            min(".d{width:calc(100vw - 32px);max-width: calc( 100% + -2px )}"),
            ".d{width:calc(100vw - 32px);max-width:calc(100% + -2px)}"
        );
        assert_eq!(
            min(".d{font:14px/1.45 var(--font, system-ui, sans-serif);box-shadow:0 8px 28px rgba(0, 0, 0, .22)}"),
            ".d{font:14px/1.45 var(--font,system-ui,sans-serif);box-shadow:0 8px 28px rgba(0,0,0,.22)}"
        );
        // Custom properties: inner spaces kept, outer trimmed (as the CSS parser does).
        assert_eq!(
            min(".d{ --shadow:  0  1px  2px  black ; --x: a}"),
            ".d{--shadow:0 1px 2px black;--x:a}"
        );
    }

    #[test]
    fn media_queries() {
        assert_eq!(
            min("@media screen and (max-width: 480px) and (min-width:1px) {\n  .d { width: auto }\n}"),
            "@media screen and (max-width:480px) and (min-width:1px){.d{width:auto}}"
        );
        assert_eq!(
            min("@media (prefers-reduced-motion: reduce) { .d, .d * { animation: none !important; } }"),
            "@media (prefers-reduced-motion:reduce){.d,.d *{animation:none!important}}"
        );
    }

    #[test]
    fn strings_urls_and_escapes_are_verbatim() {
        assert_eq!(
            min(r#"a::before { content: "  /* not a comment */ ; } " ; }"#),
            r#"a::before{content:"  /* not a comment */ ; } "}"#
        );
        assert_eq!(min(r#"a{content:'it\'s  ;'}"#), r#"a{content:'it\'s  ;'}"#);
        assert_eq!(min(r#"a{content:"\"  x"}"#), r#"a{content:"\"  x"}"#);
        assert_eq!(
            min("a{background:url(data:image/png;base64,AA//**/==) no-repeat;}"),
            "a{background:url(data:image/png;base64,AA//**/==) no-repeat}"
        );
        assert_eq!(
            min("a{background:URL( x\\)y.png ) , url( \"a b.png\" )}"),
            "a{background:URL( x\\)y.png ),url(\"a b.png\")}"
        );
        assert_eq!(min(".a\\:b\\;{x:y\\;}"), ".a\\:b\\;{x:y\\;}");
        assert_eq!(min("a{content:'é — ü'}"), "a{content:'é — ü'}");
    }

    #[test]
    fn the_widget_stylesheet() {
        const SRC: &str = include_str!("web/ui/style.css");
        const CSS: &str = crate::css::minified_css!(include_str!("web/ui/style.css"));
        assert!(!CSS.contains("/*") && !CSS.contains('\n') && !CSS.contains(";}"));
        assert!(
            CSS.len() + 150 < SRC.len(),
            "{} vs {}",
            CSS.len(),
            SRC.len()
        );
        // Same tokens: the source without its comments and whitespace equals the output
        // without whitespace (the stylesheet has no strings, urls or escapes).
        let mut bare = String::new();
        let mut rest = SRC;
        while let Some(start) = rest.find("/*") {
            bare.push_str(&rest[..start]);
            rest = &rest[start + rest[start..].find("*/").unwrap() + 2..];
        }
        bare.push_str(rest);
        let squeeze = |s: &str| -> String {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.replace(";}", "}")
        };
        assert_eq!(squeeze(&bare), squeeze(CSS));
        // Spaces that matter survive.
        for kept in [
            "calc(100% - 32px)",
            "@media (max-width:480px){",
            // (The sheet has no descendant combinator any more; `whitespace_and_comments`
            // covers those.)
            "margin:4px 0 12px",
            "animation:in .18s ease-out",
            "0 8px 28px rgba(0,0,0,.22)",
        ] {
            assert!(CSS.contains(kept), "{kept} in {CSS}");
        }
    }
}

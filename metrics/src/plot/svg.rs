//! A small SVG writer: shapes and text appended to one string, every text and
//! attribute value escaped, every number finite and short.
//!
//! Documents are self-contained: no external fonts, images, stylesheets or
//! scripts; text uses the reader's sans-serif system font.

use std::fmt::Write;

/// Font stack of every text element (system fonts only).
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/// Escapes text for XML content and attribute values. Characters XML 1.0 does
/// not allow (control characters other than tab, newline and carriage return)
/// become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate or length: two decimals at most, trailing zeros dropped; a
/// non-finite value (which a chart should never pass) is written as 0.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Horizontal alignment of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Left-aligned at x.
    Start,
    /// Centred on x.
    Middle,
    /// Right-aligned at x.
    End,
}

/// How a text is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size, px.
    pub size: f64,
    /// Alignment.
    pub anchor: Anchor,
    /// Bold.
    pub bold: bool,
    /// Colour.
    pub fill: &'static str,
    /// Rotated by −90° about its anchor point (for vertical axis titles).
    pub vertical: bool,
}

impl TextStyle {
    /// Regular text of `size` px, left-aligned, in the ink colour.
    pub const fn new(size: f64) -> Self {
        Self {
            size,
            anchor: Anchor::Start,
            bold: false,
            fill: super::colour::INK,
            vertical: false,
        }
    }

    /// The same, with another alignment.
    pub const fn anchor(self, anchor: Anchor) -> Self {
        Self { anchor, ..self }
    }

    /// The same, bold.
    pub const fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    /// The same, in another colour.
    pub const fn fill(self, fill: &'static str) -> Self {
        Self { fill, ..self }
    }

    /// The same, rotated to read bottom to top.
    pub const fn vertical(self) -> Self {
        Self {
            vertical: true,
            ..self
        }
    }
}

/// Approximate width of `text` at `size` px in a sans-serif font, for layout.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// An SVG document being written.
#[derive(Debug, Clone)]
pub struct Svg {
    out: String,
}

impl Svg {
    /// A `width` × `height` document on a white background; `title` is its
    /// accessible name (`<title>` and `aria-label`).
    pub fn new(width: f64, height: f64, title: &str) -> Self {
        let (w, h, t) = (num(width), num(height), escape(title));
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" font-family=\"{FONT}\">\n\
             <title>{t}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n"
        );
        Self { out }
    }

    /// A filled rectangle, with an optional hover text.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, hover: Option<&str>) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            escape(fill)
        );
        match hover {
            Some(t) => {
                let _ = writeln!(self.out, "><title>{}</title></rect>", escape(t));
            }
            None => self.out.push_str("/>\n"),
        }
    }

    /// A rectangle outline.
    pub fn frame(&mut self, x: f64, y: f64, w: f64, h: f64, stroke: &str) {
        let _ = writeln!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\"/>",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            escape(stroke)
        );
    }

    /// A straight line.
    pub fn line(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        stroke: &str,
        width: f64,
        dashed: bool,
    ) {
        let _ =
            writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
            num(from.0),
            num(from.1),
            num(to.0),
            num(to.1),
            escape(stroke),
            num(width),
            if dashed { " stroke-dasharray=\"6 4\"" } else { "" }
        );
    }

    /// A polyline through `points` (non-finite points are skipped).
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, dashed: bool) {
        let pts: Vec<String> = points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        if pts.len() < 2 {
            return;
        }
        let _ = writeln!(
            self.out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" \
             stroke-linejoin=\"round\"{}/>",
            pts.join(" "),
            escape(stroke),
            num(width),
            if dashed {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            }
        );
    }

    /// A filled circle, with an optional hover text.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, hover: Option<&str>) {
        let _ = write!(
            self.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"",
            num(cx),
            num(cy),
            num(r),
            escape(fill)
        );
        match hover {
            Some(t) => {
                let _ = writeln!(self.out, "><title>{}</title></circle>", escape(t));
            }
            None => self.out.push_str("/>\n"),
        }
    }

    /// A text whose baseline-left (or centre, or end) is at (x, y).
    pub fn text(&mut self, x: f64, y: f64, text: &str, style: TextStyle) {
        let anchor = match style.anchor {
            Anchor::Start => "",
            Anchor::Middle => " text-anchor=\"middle\"",
            Anchor::End => " text-anchor=\"end\"",
        };
        let (x, y) = (num(x), num(y));
        let rotate = if style.vertical {
            format!(" transform=\"rotate(-90 {x} {y})\"")
        } else {
            String::new()
        };
        let _ =
            writeln!(
            self.out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"{}\" fill=\"{}\"{anchor}{}{rotate}>{}</text>",
            num(style.size),
            escape(style.fill),
            if style.bold { " font-weight=\"bold\"" } else { "" },
            escape(text)
        );
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;\u{FFFD}"
        );
        let mut s = Svg::new(100.0, 50.0, "<script>alert(1)</script>");
        s.text(1.0, 2.0, "</text><script>x</script>", TextStyle::new(10.0));
        s.rect(0.0, 0.0, 1.0, 1.0, "red\" onload=\"x", Some("a<b"));
        let doc = s.finish();
        assert!(!doc.contains("<script"), "{doc}");
        assert!(!doc.contains("\" onload"), "{doc}");
        assert!(doc.contains("&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;"));
        assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(doc.ends_with("</svg>\n"));
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(2.345), "2.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(120.5), "120.5");
        let mut s = Svg::new(10.0, 10.0, "t");
        s.polyline(&[(0.0, f64::NAN), (1.0, 2.0)], "#000", 1.0, false);
        assert!(
            !s.finish().contains("polyline"),
            "one finite point draws nothing"
        );
    }
}

//! The pictures on the star, face and thumb radios, drawn as inline SVG with the DOM API
//! (`createElementNS`): they render the same everywhere, also where no emoji font is
//! installed, and need no markup string, no `style` attribute and no fetch (a strict CSP
//! allows them). Each is one `<path>` on a 20 × 20 grid in whole units (short path data:
//! at 24–28 px with round joins and caps the strokes still look smooth); its colours, stroke
//! and size come from the stylesheet (`fill`, `stroke` are CSS properties of SVG), so hover and selection
//! are plain CSS rules. The pictures are decorative (`aria-hidden`): each radio is named by
//! its `aria-label`.

use web_sys::Element;

use super::dom::{append, attr};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// A five-pointed star (the inner corners beside the top point lie on the line between the
/// side points, as in a regular star).
const STAR: &str = "M10 1l2 6h7l-6 5 2 6-5-4-5 4 2-6-6-5h7z";

/// Faces for emoji values 1 (very unhappy) to 5 (very happy), each one whole path: the
/// outline (two half circles) and eyes, then the mouth: a deep frown, a frown, a straight
/// line, a smile, an open smile. Written out in full (gzip stores the repeated outline for
/// a few bytes) so that no string is put together at run time.
const FACES: [&str; 5] = [
    "M2 10a8 8 0 0 0 16 0a8 8 0 0 0-16 0M7 7v2m6-2v2M6 15q4-5 8 0",
    "M2 10a8 8 0 0 0 16 0a8 8 0 0 0-16 0M7 7v2m6-2v2M7 14q3-2 6 0",
    "M2 10a8 8 0 0 0 16 0a8 8 0 0 0-16 0M7 7v2m6-2v2M7 13h6",
    "M2 10a8 8 0 0 0 16 0a8 8 0 0 0-16 0M7 7v2m6-2v2M7 12q3 2 6 0",
    "M2 10a8 8 0 0 0 16 0a8 8 0 0 0-16 0M7 7v2m6-2v2M6 12h8a4 4 0 0 1-8 0z",
];

/// A thumb up: the cuff, then the hand. Thumb down is the same picture turned half a
/// circle by the stylesheet (the second radio of a thumbs group).
const THUMB: &str = "M2 8h3v10H2zM5 8l3-6a2 2 0 0 1 3 2v3h5a2 2 0 0 1 2 2l-1 7a2 2 0 0 1-2 2H5";

/// Which picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    /// A star (CSAT).
    Star,
    /// The face of emoji value `1..=5` (`Face(0)` is the first).
    Face(usize),
    /// A thumb (up; the stylesheet turns the second one down).
    Thumb,
}

/// Appends the `<svg>` of `icon` to `parent` (a radio).
pub fn add(parent: &Element, icon: Icon) {
    let Some(doc) = parent.owner_document() else {
        return;
    };
    // Only fails for an invalid name; these are constants.
    let (Ok(svg), Ok(path)) = (
        doc.create_element_ns(Some(SVG_NS), "svg"),
        doc.create_element_ns(Some(SVG_NS), "path"),
    ) else {
        return;
    };
    attr(&svg, "viewBox", "0 0 20 20");
    attr(&svg, "aria-hidden", "true");
    let d = match icon {
        Icon::Star => STAR,
        Icon::Face(i) => FACES.get(i).copied().unwrap_or_default(),
        Icon::Thumb => THUMB,
    };
    attr(&path, "d", d);
    append(&svg, &path);
    append(parent, &svg);
}

//! The pictures on the star, face and thumb radios, drawn as inline SVG with the DOM API
//! (`createElementNS`): they render the same everywhere, also where no emoji font is
//! installed, and need no markup string, no `style` attribute and no fetch (a strict CSP
//! allows them). Each is one `<path>` on a 24 × 24 grid; its colours, stroke and size come
//! from the stylesheet (`fill`, `stroke` are CSS properties of SVG), so hover and selection
//! are plain CSS rules. The pictures are decorative (`aria-hidden`): each radio is named by
//! its `aria-label`.

use web_sys::Element;

use super::dom::{append, attr};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// A five-pointed star.
const STAR: &str = "M12 2.4l2.5 6.7 7.2.3-5.6 4.5 1.9 7-6-4-6 4 1.9-7-5.6-4.5 7.2-.3z";

/// Faces for emoji values 1 (very unhappy) to 5 (very happy), each one whole path: the
/// outline (two half circles) and eyes, then the mouth: a deep frown, a frown, a straight
/// line, a smile, an open smile. Written out in full (gzip stores the repeated outline for
/// a few bytes) so that no string is put together at run time.
const FACES: [&str; 5] = [
    "M12 3a9 9 0 0 1 0 18a9 9 0 0 1 0-18M9 9.5v1M15 9.5v1M8 17.5q4-5 8 0",
    "M12 3a9 9 0 0 1 0 18a9 9 0 0 1 0-18M9 9.5v1M15 9.5v1M8.5 16.5q3.5-2.5 7 0",
    "M12 3a9 9 0 0 1 0 18a9 9 0 0 1 0-18M9 9.5v1M15 9.5v1M8.5 15.5h7",
    "M12 3a9 9 0 0 1 0 18a9 9 0 0 1 0-18M9 9.5v1M15 9.5v1M8.5 14.5q3.5 2.5 7 0",
    "M12 3a9 9 0 0 1 0 18a9 9 0 0 1 0-18M9 9.5v1M15 9.5v1M8 14h8a4 4 0 0 1-8 0z",
];

/// A thumb up: the cuff, then the hand. Thumb down is the same picture turned half a
/// circle by the stylesheet (the second radio of a thumbs group).
const THUMB: &str =
    "M3 10h4v11H3zM7 10l3.5-7A2.5 2.5 0 0 1 13 5.5V9h5.5a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H7";

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
    attr(&svg, "viewBox", "0 0 24 24");
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

//! Mapping data to the page: linear scales, "nice" tick values (1, 2, 5 × 10ᵏ),
//! and tick labels.

/// A linear map from a data interval onto a pixel interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    /// Maps `domain` onto `range`; an empty domain maps everything to the
    /// middle of the range.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Self {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    /// The pixel position of `v`.
    pub fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return 0.5 * (self.r0 + self.r1);
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// A step of 1, 2 or 5 × 10ᵏ giving about `target` intervals over `span`.
pub fn nice_step(span: f64, target: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    // Round to the nearest of 1, 2, 5, 10 on a log scale (cut at √2, √10, √50).
    let nice = if f < std::f64::consts::SQRT_2 {
        1.0
    } else if f < 10f64.sqrt() {
        2.0
    } else if f < 50f64.sqrt() {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Rounds (lo, hi) outward to multiples of a nice step and returns the
/// extended interval with its ticks.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> ((f64, f64), Vec<f64>) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo, lo + 1.0)
    } else {
        (0.0, 1.0)
    };
    let step = nice_step(hi - lo, target);
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let n = ((end - start) / step).round() as usize;
    let ticks = (0..=n).map(|i| start + i as f64 * step).collect();
    ((start, end), ticks)
}

/// A tick label: as many decimals as the step needs, thousands separated.
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    grouped(v, decimals)
}

/// `v` with `decimals` decimals and commas between thousands: 12,345.6.
pub fn grouped(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    let zero = out.chars().all(|c| matches!(c, '0' | '.' | ','));
    if v < 0.0 && !zero {
        out.insert(0, '−');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let ((lo, hi), t) = nice_ticks(0.0, 1882.0, 5);
        assert_eq!((lo, hi), (0.0, 2000.0));
        assert_eq!(t, [0.0, 500.0, 1000.0, 1500.0, 2000.0]);
        let ((lo, hi), t) = nice_ticks(0.013, 0.91, 4);
        assert!(lo <= 0.013 && hi >= 0.91);
        assert_eq!(t.len(), 6, "{t:?}");
        let ((lo, hi), _) = nice_ticks(3.0, 3.0, 5);
        assert!(lo <= 3.0 && hi > 3.0);
        assert_eq!(nice_ticks(f64::NAN, f64::NAN, 5).0, (0.0, 1.0));
    }

    #[test]
    fn labels_and_maps() {
        assert_eq!(tick_label(1500.0, 500.0), "1,500");
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(tick_label(0.2, 0.2), "0.2");
        assert_eq!(grouped(-1234567.891, 2), "−1,234,567.89");
        assert_eq!(grouped(-0.001, 1), "0.0");
        let s = Linear::new((0.0, 10.0), (100.0, 0.0));
        assert_eq!(s.map(2.5), 75.0);
        assert_eq!(Linear::new((1.0, 1.0), (0.0, 10.0)).map(1.0), 5.0);
    }
}

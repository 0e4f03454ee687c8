//! Whole figures of the engine's reports, each a complete SVG document.

mod cohorts;
mod fit;
mod funnel;
mod holdout;

pub use cohorts::cohorts_svg;
pub use fit::{fit_svg, FitPlotOptions};
pub use funnel::funnel_svg;
pub use holdout::holdout_svg;

/// A share as a whole percentage: 0.123 → "12%" (one decimal below 10 %).
pub(crate) fn percent(v: f64) -> String {
    let p = 100.0 * v;
    if p.abs() < 10.0 && p != 0.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// A round number as briefly as it can be written: 5, 2.5, 0.25.
pub(crate) fn short_number(v: f64) -> String {
    let decimals = (0..3)
        .find(|&d| {
            let f = 10f64.powi(d);
            ((v * f).round() - v * f).abs() < 1e-6
        })
        .unwrap_or(3);
    crate::plot::scale::grouped(v, decimals as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_round_numbers() {
        assert_eq!(percent(0.123), "12%");
        assert_eq!(percent(0.0456), "4.6%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(short_number(20.0), "20");
        assert_eq!(short_number(2.5), "2.5");
        assert_eq!(short_number(0.6000000000000001), "0.6");
        assert_eq!(short_number(1500.0), "1,500");
    }
}

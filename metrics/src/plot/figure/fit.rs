//! A fitted transaction model at a glance: expected purchases and P(alive) of
//! a customer as functions of their frequency and recency (lifetimes'
//! frequency/recency and probability-alive matrices), as two heat maps.

use serde::{Deserialize, Serialize};

use crate::models::transaction::TransactionParams;
use crate::models::FitError;
use crate::plot::chart::heatmap::HeatMap;
use crate::plot::chart::Area;
use crate::plot::colour::MUTED;
use crate::plot::scale::grouped;
use crate::plot::svg::{Svg, TextStyle};

/// Most rows or columns drawn: beyond, frequencies and recencies are sampled.
const MAX_CELLS: usize = 40;

/// Which customers the maps cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FitPlotOptions {
    /// Largest frequency (repeat purchases) shown; the data's maximum is a good choice.
    pub max_frequency: u32,
    /// Age T of the customers shown, in model time units; the data's largest T
    /// is a good choice. Recency runs from 0 to T.
    pub age: f64,
    /// Horizon of the expected purchases, in model time units.
    pub horizon: f64,
    /// Name of the model time unit, singular ("week", "day").
    pub unit: String,
}

fn two_decimals(v: f64) -> String {
    grouped(v, 2)
}

/// The frequency/recency maps of `model` as an SVG document.
pub fn fit_svg(model: &TransactionParams, opts: &FitPlotOptions) -> Result<String, FitError> {
    let bad = |name, value, why| {
        Err(FitError::Argument {
            model: "plot",
            name,
            value,
            why,
        })
    };
    if !(opts.age.is_finite() && opts.age > 0.0) {
        return bad("age", opts.age, "must be a finite number > 0");
    }
    if !(opts.horizon.is_finite() && opts.horizon > 0.0) {
        return bad("horizon", opts.horizon, "must be a finite number > 0");
    }
    let f_step = (opts.max_frequency as usize + 1).div_ceil(MAX_CELLS).max(1);
    let freqs: Vec<u32> = (0..=opts.max_frequency).rev().step_by(f_step).collect();
    let cols = ((opts.age.floor() as usize) + 1).clamp(2, MAX_CELLS);
    let recency: Vec<f64> = (0..cols)
        .map(|j| opts.age * j as f64 / (cols - 1) as f64)
        .collect();
    let whole = recency.iter().all(|r| r.fract() == 0.0);
    let columns: Vec<String> = recency
        .iter()
        .map(|&r| grouped(r, if whole { 0 } else { 1 }))
        .collect();
    let mut expected = Vec::with_capacity(freqs.len());
    let mut alive = Vec::with_capacity(freqs.len());
    for &f in &freqs {
        let x = f64::from(f);
        let (mut e_row, mut a_row) = (Vec::with_capacity(cols), Vec::with_capacity(cols));
        for (j, &t_x) in recency.iter().enumerate() {
            // Without repeat purchases the recency is 0 by definition.
            if f == 0 && j > 0 {
                e_row.push(None);
                a_row.push(None);
                continue;
            }
            e_row.push(Some(model.conditional_expected_purchases(
                opts.horizon,
                x,
                t_x,
                opts.age,
            )?));
            a_row.push(Some(model.p_alive(x, t_x, opts.age)?));
        }
        expected.push(e_row);
        alive.push(a_row);
    }
    let rows: Vec<String> = freqs.iter().map(u32::to_string).collect();
    let label = model.kind().label();
    let u = &opts.unit;
    let e_title = format!(
        "Expected purchases in the next {} {u}s ({label})",
        grouped(opts.horizon, 0)
    );
    let a_title = format!("Probability still a customer ({label})");
    let x_title = format!("recency ({u}s from first to last purchase)");
    let y_title = "frequency (repeat purchases)";
    let e_max = expected
        .iter()
        .flatten()
        .flatten()
        .fold(0.0f64, |m, &v| m.max(v));
    let maps = [
        HeatMap {
            title: &e_title,
            x_title: &x_title,
            y_title,
            columns: columns.clone(),
            rows: rows.clone(),
            values: expected,
            range: Some((0.0, if e_max > 0.0 { e_max } else { 1.0 })),
            format: two_decimals,
            legend_format: super::short_number,
            legend_title: "purchases",
            empty_note: Some("not possible"),
        },
        HeatMap {
            title: &a_title,
            x_title: &x_title,
            y_title,
            columns,
            rows,
            values: alive,
            range: Some((0.0, 1.0)),
            format: super::percent,
            legend_format: super::percent,
            legend_title: "P(alive)",
            empty_note: Some("not possible"),
        },
    ];
    let cell_h = (560.0 / freqs.len() as f64).clamp(12.0, 22.0);
    let map_h = 30.0 + 46.0 + cell_h * freqs.len() as f64;
    let (w, h) = (1200.0, 40.0 + map_h + 20.0);
    let mut svg = Svg::new(w, h, &format!("{e_title}; {a_title}"));
    svg.text(
        12.0,
        22.0,
        &format!(
            "A customer first seen {} {u}s ago, by repeat purchases (rows) and time of the last one (columns). \
             Without a repeat purchase the recency is 0: the other cells of that row are not possible.",
            grouped(opts.age, 1)
        ),
        TextStyle::new(12.0).fill(MUTED),
    );
    for (i, map) in maps.iter().enumerate() {
        map.draw(
            &mut svg,
            Area::new(12.0 + i as f64 * 594.0, 40.0, 582.0, map_h),
        );
    }
    Ok(svg.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::bgnbd::BgNbd;

    #[test]
    fn cells_hold_the_model_values() {
        let p = BgNbd::new(0.2426, 4.4136, 0.7929, 2.4259).unwrap();
        let model = TransactionParams::Bgnbd(p);
        let opts = FitPlotOptions {
            max_frequency: 3,
            age: 4.0,
            horizon: 52.0,
            unit: "week".into(),
        };
        let doc = fit_svg(&model, &opts).unwrap();
        let e = p
            .conditional_expected_purchases(52.0, 2.0, 3.0, 4.0)
            .unwrap();
        let want = format!(
            "<title>frequency (repeat purchases) 2, recency (weeks from first to last purchase) 3: {}</title>",
            grouped(e, 2)
        );
        assert!(doc.contains(&want), "{want}\n{doc}");
        let a = p.p_alive(3.0, 1.0, 4.0).unwrap();
        let want = format!(
            "<title>frequency (repeat purchases) 3, recency (weeks from first to last purchase) 1: {}</title>",
            crate::plot::figure::percent(a)
        );
        assert!(doc.contains(&want), "{want}");
        // 4 frequencies × 5 recencies per map, minus 4 impossible (x = 0, t_x > 0) cells.
        assert_eq!(doc.matches("<title>frequency").count(), 2 * (20 - 4));
        let e = fit_svg(&model, &FitPlotOptions { age: 0.0, ..opts }).unwrap_err();
        assert!(e.to_string().contains("age = 0"), "{e}");
    }
}

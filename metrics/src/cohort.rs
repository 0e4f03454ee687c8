//! Acquisition cohorts: customers active, orders and revenue per period since
//! acquisition, the retention curve, churn and repeat-purchase rates.
//!
//! A customer's cohort is the period (calendar month, or ISO week starting
//! Monday, UTC days) of their first order. Cell `(c, k)` counts what cohort
//! `c` did `k` periods after its own period: distinct customers with an order
//! (`active`), orders and revenue. Only observable cells exist: cohort `c`
//! has `periods - c` offsets up to the end day, so rows form a triangle.
//!
//! Curves over offset `k`, pooling the cohorts observable at `k`:
//! * **retention**: share of customers active at `k`
//!   (Σ active / Σ cohort size). In [0, 1] but not monotone: customers return.
//! * **survival**: share still buying at `k` or later, chained Kaplan–Meier
//!   style, `S(k) = S(k−1) · Σ alive(k) / Σ alive(k−1)` over cohorts observable
//!   at `k`, where `alive(k)` counts customers whose last active offset is `≥ k`.
//!   Starts at 1 and never increases, so cohorts with short histories cannot
//!   make it jump up.
//!
//! **Churn rate** is the constant per-period rate matching the survival
//! curve's end: `1 − S(K)^(1/K)` for the longest offset `K` (0 when `K = 0`).
//! **Repeat-purchase rate** is the share of customers with an order on a day
//! after their first purchase day.
//!
//! Cost: a sequential pass for the date range, then two passes over the
//! orders with random access to small per-customer state. Up to 47 periods
//! (four years of months) that is a `u16` first day, then one `u64` (first
//! day, repeat flag, bitset of active offsets) per customer; beyond, one
//! packed record of 16 bytes for up to 63 periods, 32 bytes up to 192; beyond
//! 2^32 bits in all it falls back to sorting `(customer, offset)` keys.

use serde::{Deserialize, Serialize};

use crate::data::date::{civil_from_days, day_of, days_from_civil, format_day, SECONDS_PER_DAY};
use crate::data::{prefetch, Orders};

/// Cohort period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CohortPeriod {
    /// Calendar month.
    #[default]
    Month,
    /// ISO week (Monday to Sunday).
    Week,
}

impl CohortPeriod {
    /// Absolute period number of a day.
    fn index(self, day: i64) -> i64 {
        match self {
            CohortPeriod::Month => {
                let (y, m, _) = civil_from_days(day);
                y * 12 + i64::from(m) - 1
            }
            // 1970-01-01 is a Thursday: day -3 is a Monday.
            CohortPeriod::Week => (day + 3).div_euclid(7),
        }
    }

    /// First day of an absolute period number.
    fn start_day(self, index: i64) -> i64 {
        match self {
            CohortPeriod::Month => {
                days_from_civil(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
            }
            CohortPeriod::Week => index * 7 - 3,
        }
    }
}

/// Options of [`cohort_matrix`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CohortOptions {
    /// Month or week cohorts.
    pub by: CohortPeriod,
    /// Last day observed (days since epoch, inclusive); `None`: the last order's day.
    pub end_day: Option<i64>,
}

/// The cohort matrix and the rates derived from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CohortReport {
    /// Period kind.
    pub by: CohortPeriod,
    /// First day (`YYYY-MM-DD`) of each cohort's period, oldest first.
    pub cohort_start: Vec<String>,
    /// Customers acquired in each cohort.
    pub size: Vec<u64>,
    /// `active[c][k]`: distinct customers of cohort `c` with an order `k` periods after acquisition.
    pub active: Vec<Vec<u64>>,
    /// `orders[c][k]`: orders.
    pub orders: Vec<Vec<u64>>,
    /// `revenue[c][k]`: revenue.
    pub revenue: Vec<Vec<f64>>,
    /// Pooled share active at each offset.
    pub retention: Vec<f64>,
    /// Pooled share still buying at or after each offset (non-increasing).
    pub survival: Vec<f64>,
    /// Per-period churn rate implied by `survival`.
    pub churn_rate: f64,
    /// Share of customers who bought again on a later day.
    pub repeat_purchase_rate: f64,
    /// Customers with an order up to the end.
    pub customers: u64,
}

/// Above this many bits the distinct-customer bitset gives way to sorting.
const BITSET_LIMIT: u64 = 1 << 32;

/// Builds the cohort matrix of `orders`.
///
/// ```
/// use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
/// use rapport_metrics::data::{date::days_from_civil, Orders};
/// let day = |y, m, d| days_from_civil(y, m, d) * 86_400;
/// let o = Orders::from_columns(
///     &["a", "a", "b", "b"],
///     vec![day(2024, 1, 5), day(2024, 2, 9), day(2024, 2, 1), day(2024, 2, 2)],
///     vec![10.0, 20.0, 5.0, 5.0],
/// ).unwrap();
/// let r = cohort_matrix(&o, &CohortOptions::default());
/// assert_eq!(r.cohort_start, ["2024-01-01", "2024-02-01"]);
/// assert_eq!(r.active, vec![vec![1, 1], vec![1]]);
/// assert_eq!(r.revenue, vec![vec![10.0, 20.0], vec![10.0]]);
/// assert_eq!(r.retention, [1.0, 1.0]);
/// ```
pub fn cohort_matrix(orders: &Orders, opts: &CohortOptions) -> CohortReport {
    let by = opts.by;
    let ts = orders.timestamps();
    let empty = || CohortReport {
        by,
        ..Default::default()
    };
    // One branch-free pass for the bounds: days are monotone in timestamps.
    let end_day = match opts.end_day {
        Some(d) => d,
        None => match ts.iter().copied().max() {
            Some(t) => day_of(t),
            None => return empty(),
        },
    };
    // Orders kept are those with `t < end_t` (day at most `end_day`).
    let end_t = end_day.saturating_add(1).saturating_mul(SECONDS_PER_DAY);
    let min_t = ts
        .iter()
        .fold(i64::MAX, |m, &t| if t < end_t { m.min(t) } else { m });
    if min_t == i64::MAX {
        return empty();
    }
    let min_day = day_of(min_t);
    let p0 = by.index(min_day);
    let periods = (by.index(end_day) - p0 + 1) as usize;
    let span = (end_day - min_day + 1) as usize;
    // Period of each day from a lookup table: the calendar maths once per day, not per order.
    let table: Vec<u32> = (0..span as i64)
        .map(|i| (by.index(min_day + i) - p0) as u32)
        .collect();
    let bounds = Bounds {
        base: min_day * SECONDS_PER_DAY,
        end_t,
        periods,
        table,
    };
    let n = orders.n_customers();
    let tally = if periods <= COMPACT_PERIODS && span < usize::from(u16::MAX) {
        compact(orders, &bounds)
    } else if (n as u64).saturating_mul(strided_words(periods) as u64) <= BITSET_LIMIT / 64 {
        strided(orders, &bounds)
    } else {
        return cohort_matrix_sorted(orders, by, end_day);
    };
    let mut r = CohortReport {
        by,
        size: tally.size,
        ..Default::default()
    };
    r.customers = r.size.iter().sum();
    finish(
        r,
        periods,
        p0,
        &tally.active,
        tally.orders,
        tally.revenue,
        tally.alive,
        tally.repeaters,
    )
}

/// The time range kept and the period of each day in it.
struct Bounds {
    /// Midnight of the first day with an order kept.
    base: i64,
    /// Orders at or after this instant are past the end day.
    end_t: i64,
    periods: usize,
    /// Period (relative to the first) of each day since `base`.
    table: Vec<u32>,
}

impl Bounds {
    /// Days since `base` of a kept order's timestamp (`base <= t < end_t`).
    #[inline(always)]
    fn rel_day(&self, t: i64) -> usize {
        ((t - self.base) as u64 / SECONDS_PER_DAY as u64) as usize
    }
}

/// What the passes over the orders count; cells are flat, `c * periods + k`.
struct Tally {
    size: Vec<u64>,
    active: Vec<u64>,
    orders: Vec<u64>,
    revenue: Vec<f64>,
    /// Customers of cohort `c` whose last active offset is exactly `k`.
    alive: Vec<u64>,
    repeaters: u64,
}

impl Tally {
    fn new(periods: usize) -> Self {
        Tally {
            size: vec![0; periods],
            active: vec![0; periods * periods],
            orders: vec![0; periods * periods],
            revenue: vec![0.0; periods * periods],
            alive: vec![0; periods * periods],
            repeaters: 0,
        }
    }
}

/// How many orders ahead to prefetch customer state.
const PREFETCH: usize = 16;

/// Up to this many periods, a customer's state is one `u64`: see [`compact`].
const COMPACT_PERIODS: usize = 47;

/// No first day (customer without orders kept).
const NO_DAY: u16 = u16::MAX;

/// The common case (up to 47 periods, e.g. four years of months). Random
/// access into per-customer state is what bounds this function, so the
/// state is small: pass 1 finds each customer's first day in a `u16` array
/// (2 MB per million customers); pass 2 keeps one `u64` per customer (the
/// first day in bits 48..64, the repeat flag in bit 47 and the active
/// offsets as a bitset in bits 0..47; the last active offset is the highest
/// bit) and counts the cells.
fn compact(orders: &Orders, b: &Bounds) -> Tally {
    let cust = orders.customers();
    // Same length for all three, so indexing them by `i < n` needs no bounds check.
    let n = cust.len();
    let (ts, amounts) = (&orders.timestamps()[..n], &orders.amounts()[..n]);
    let periods = b.periods;
    // `periods <= COMPACT_PERIODS`: a period fits a byte, and the table a few cache lines.
    let table: Vec<u8> = b.table.iter().map(|&p| p as u8).collect();
    let mut first = vec![NO_DAY; orders.n_customers()];
    for block in blocks(n) {
        for &c in next_block(cust, &block) {
            if let Some(f) = first.get(c as usize) {
                prefetch(f);
            }
        }
        for i in block {
            let t = ts[i];
            if t < b.end_t {
                let f = &mut first[cust[i] as usize];
                // `rel < NO_DAY`: the caller checked the span.
                *f = (*f).min(compact_day(t - b.base) as u16);
            }
        }
    }
    let mut state: Vec<u64> = first.iter().map(|&f| u64::from(f) << 48).collect();
    drop(first);
    let mut tally = Tally::new(periods);
    const REPEAT: u64 = 1 << 47;
    for block in blocks(n) {
        for &c in next_block(cust, &block) {
            if let Some(s) = state.get(c as usize) {
                prefetch(s);
            }
        }
        for i in block {
            let t = ts[i];
            if t >= b.end_t {
                continue;
            }
            let rec = &mut state[cust[i] as usize];
            let first = (*rec >> 48) as usize;
            let rel = compact_day(t - b.base);
            let c = usize::from(table[first]);
            let k = usize::from(table[rel]) - c;
            let cell = c * periods + k;
            tally.orders[cell] += 1;
            tally.revenue[cell] += amounts[i];
            let bit = 1u64 << k;
            tally.active[cell] += u64::from(*rec & bit == 0);
            *rec |= bit | if rel > first { REPEAT } else { 0 };
        }
    }
    for &rec in &state {
        let first = (rec >> 48) as u16;
        if first == NO_DAY {
            continue;
        }
        let c = usize::from(table[usize::from(first)]);
        tally.size[c] += 1;
        let offsets = rec & (REPEAT - 1);
        let last = 63 - offsets.leading_zeros() as usize;
        tally.alive[c * periods + last] += 1;
        tally.repeaters += u64::from(rec & REPEAT != 0);
    }
    tally
}

/// Orders per block of [`compact`]'s passes.
const BLOCK: usize = 64;

/// `0..n` in blocks of [`BLOCK`]. The passes fetch the state of block `b + 1`
/// in a tight loop of its own before counting block `b`: the misses overlap
/// even where the "prefetch" is a plain load the core waits for (wasm32).
fn blocks(n: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..n).step_by(BLOCK).map(move |i| i..(i + BLOCK).min(n))
}

/// The customers of the block after `block`.
fn next_block<'a>(cust: &'a [u32], block: &std::ops::Range<usize>) -> &'a [u32] {
    cust.get(block.end..(block.end + BLOCK).min(cust.len()))
        .unwrap_or(&[])
}

/// Days in `x` seconds, for `0 <= x < u16::MAX` days (the compact path's
/// span) and without a 64-bit division, which wasm32 runs as a real divide:
/// 86 400 = 2^7 · 675, and `x >> 7` fits in 32 bits, whose division by a
/// constant compiles to a multiply.
#[inline(always)]
fn compact_day(x: i64) -> usize {
    (((x as u64) >> 7) as u32 / 675) as usize
}

/// Words per customer record of [`strided`].
fn strided_words(periods: usize) -> usize {
    (1 + periods.div_ceil(64)).next_power_of_two()
}

/// Any number of periods: one record of `stride` words per customer, so
/// that each order touches one cache line. Word 0 holds the first purchase
/// day (relative to `base`, bits 0..32), the last active offset (bits
/// 32..63) and a repeat flag (bit 63); the other words are a bitset of the
/// offsets the customer was active in.
fn strided(orders: &Orders, b: &Bounds) -> Tally {
    let (ts, cust, amounts) = (orders.timestamps(), orders.customers(), orders.amounts());
    let periods = b.periods;
    let stride = strided_words(periods);
    const NONE: u64 = u32::MAX as u64;
    let mut state = vec![NONE; orders.n_customers() * stride];
    for w in state.chunks_exact_mut(stride) {
        w[1..].fill(0);
    }
    let ahead = |state: &[u64], i: usize| {
        if let Some(&c) = cust.get(i + PREFETCH) {
            if let Some(w) = state.get(c as usize * stride) {
                prefetch(w);
            }
        }
    };
    // Pass 1: first purchase day per customer.
    for i in 0..cust.len() {
        ahead(&state, i);
        let t = ts[i];
        if t < b.end_t {
            let w = &mut state[cust[i] as usize * stride];
            let rel = b.rel_day(t) as u64;
            if rel < *w & NONE {
                *w = (*w & !NONE) | rel;
            }
        }
    }
    let mut tally = Tally::new(periods);
    // Pass 2: cells, distinct customers per cell through the bitsets.
    for i in 0..cust.len() {
        ahead(&state, i);
        let t = ts[i];
        if t >= b.end_t {
            continue;
        }
        let rec = &mut state[cust[i] as usize * stride..][..stride];
        let first = rec[0] & NONE;
        let c = b.table[first as usize] as usize;
        let rel = b.rel_day(t);
        let k = b.table[rel] as usize - c;
        let cell = c * periods + k;
        tally.orders[cell] += 1;
        tally.revenue[cell] += amounts[i];
        let mut w0 = rec[0];
        if rel as u64 > first {
            w0 |= 1 << 63;
        }
        let last = (w0 >> 32) & 0x7fff_ffff;
        if k as u64 > last {
            w0 = (w0 & !(0x7fff_ffff << 32)) | ((k as u64) << 32);
        }
        rec[0] = w0;
        let (wi, bit) = (1 + k / 64, 1u64 << (k % 64));
        if rec[wi] & bit == 0 {
            rec[wi] |= bit;
            tally.active[cell] += 1;
        }
    }
    for rec in state.chunks_exact(stride) {
        let first = rec[0] & NONE;
        if first == NONE {
            continue;
        }
        let c = b.table[first as usize] as usize;
        tally.size[c] += 1;
        tally.alive[c * periods + ((rec[0] >> 32) & 0x7fff_ffff) as usize] += 1;
        tally.repeaters += rec[0] >> 63;
    }
    tally
}

/// The fallback when the bitsets would not fit: distinct (customer, offset)
/// pairs by sorting. Same output, more time and 8 bytes per order.
fn cohort_matrix_sorted(orders: &Orders, by: CohortPeriod, end_day: i64) -> CohortReport {
    let ts = orders.timestamps();
    let n = orders.n_customers();
    let mut first = vec![i64::MAX; n];
    for (&c, &t) in orders.customers().iter().zip(ts) {
        let d = day_of(t);
        if d <= end_day {
            first[c as usize] = first[c as usize].min(d);
        }
    }
    let Some(min_day) = first.iter().copied().filter(|&d| d != i64::MAX).min() else {
        return CohortReport {
            by,
            ..Default::default()
        };
    };
    let p0 = by.index(min_day);
    let periods = (by.index(end_day) - p0 + 1) as usize;
    let period = |d: i64| (by.index(d) - p0) as usize;
    let mut r = CohortReport {
        by,
        ..Default::default()
    };
    r.size = vec![0; periods];
    let mut active_flat = vec![0u64; periods * periods];
    let mut orders_flat = vec![0u64; periods * periods];
    let mut revenue_flat = vec![0f64; periods * periods];
    let mut last = vec![0usize; n];
    let mut repeat = vec![false; n];
    let mut keys = Vec::new();
    for ((&cu, &t), &a) in orders.customers().iter().zip(ts).zip(orders.amounts()) {
        let d = day_of(t);
        if d > end_day {
            continue;
        }
        let cu = cu as usize;
        let c = period(first[cu]);
        let k = period(d) - c;
        orders_flat[c * periods + k] += 1;
        revenue_flat[c * periods + k] += a;
        repeat[cu] |= d > first[cu];
        last[cu] = last[cu].max(k);
        keys.push((cu as u64) << 32 | k as u64);
    }
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let cu = (key >> 32) as usize;
        active_flat[period(first[cu]) * periods + (key & 0xffff_ffff) as usize] += 1;
    }
    let mut alive = vec![0u64; periods * periods];
    let mut repeaters = 0;
    for cu in 0..n {
        if first[cu] != i64::MAX {
            let c = period(first[cu]);
            r.size[c] += 1;
            alive[c * periods + last[cu]] += 1;
            repeaters += u64::from(repeat[cu]);
        }
    }
    r.customers = r.size.iter().sum();
    finish(
        r,
        periods,
        p0,
        &active_flat,
        orders_flat,
        revenue_flat,
        alive,
        repeaters,
    )
}

/// Slices the flat cells into triangle rows and derives the curves and rates.
#[allow(clippy::too_many_arguments)]
fn finish(
    mut r: CohortReport,
    periods: usize,
    p0: i64,
    active_flat: &[u64],
    orders_flat: Vec<u64>,
    revenue_flat: Vec<f64>,
    mut alive: Vec<u64>,
    repeaters: u64,
) -> CohortReport {
    let by = r.by;
    let width = |c: usize| periods - c;
    for c in 0..periods {
        for k in (0..width(c).saturating_sub(1)).rev() {
            alive[c * periods + k] += alive[c * periods + k + 1];
        }
    }
    for c in 0..periods {
        let row = c * periods..c * periods + width(c);
        r.cohort_start.push(format_day(by.start_day(p0 + c as i64)));
        r.active.push(active_flat[row.clone()].to_vec());
        r.orders.push(orders_flat[row.clone()].to_vec());
        r.revenue.push(revenue_flat[row].to_vec());
    }
    let mut s_prev = 1.0;
    for k in 0..periods {
        // Cohorts observable at offset k: c + k < periods.
        let obs = 0..periods - k;
        let size: u64 = obs.clone().map(|c| r.size[c]).sum();
        let act: u64 = obs.clone().map(|c| active_flat[c * periods + k]).sum();
        r.retention.push(if size == 0 {
            0.0
        } else {
            act as f64 / size as f64
        });
        let s = if k == 0 {
            1.0
        } else {
            let now: u64 = obs.clone().map(|c| alive[c * periods + k]).sum();
            let before: u64 = obs.map(|c| alive[c * periods + k - 1]).sum();
            match (before, size) {
                (0, 0) => s_prev,
                (0, _) => 0.0,
                // The ratio first: it is exactly 1 when nobody left, so rounding cannot push S up.
                _ => s_prev * (now as f64 / before as f64),
            }
        };
        r.survival.push(s);
        s_prev = s;
    }
    let horizon = periods - 1;
    r.churn_rate = if horizon == 0 {
        0.0
    } else {
        1.0 - s_prev.powf(1.0 / horizon as f64)
    };
    r.repeat_purchase_rate = if r.customers == 0 {
        0.0
    } else {
        repeaters as f64 / r.customers as f64
    };
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn compact_day_is_floor_division() {
        let limit = i64::from(u16::MAX) * SECONDS_PER_DAY;
        for x in (0..limit)
            .step_by(86_399)
            .chain([0, 1, 86_399, 86_400, limit - 1])
        {
            assert_eq!(compact_day(x) as i64, x / SECONDS_PER_DAY, "x = {x}");
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        let monday = days_from_civil(2024, 1, 1);
        assert_eq!(
            CohortPeriod::Week.index(monday),
            CohortPeriod::Week.index(monday + 6)
        );
        assert_ne!(
            CohortPeriod::Week.index(monday),
            CohortPeriod::Week.index(monday - 1)
        );
        assert_eq!(
            CohortPeriod::Week.start_day(CohortPeriod::Week.index(monday + 3)),
            monday
        );
        let m = CohortPeriod::Month.index(days_from_civil(2023, 12, 31));
        assert_eq!(
            format_day(CohortPeriod::Month.start_day(m + 1)),
            "2024-01-01"
        );
    }

    fn orders_strategy() -> impl Strategy<Value = Orders> {
        proptest::collection::vec((0u32..12, 0i64..400, 0u32..10_000), 1..200).prop_map(|rows| {
            let ids: Vec<String> = rows.iter().map(|r| format!("c{}", r.0)).collect();
            let ts = rows.iter().map(|r| r.1 * 86_400 + 3_600).collect();
            let amounts = rows.iter().map(|r| f64::from(r.2) / 100.0).collect();
            Orders::from_columns(&ids, ts, amounts).unwrap_or_default()
        })
    }

    proptest! {
        #[test]
        fn totals_preserved_and_curves_bounded(o in orders_strategy(), weekly in any::<bool>(), cut in 0i64..420) {
            let by = if weekly { CohortPeriod::Week } else { CohortPeriod::Month };
            let r = cohort_matrix(&o, &CohortOptions { by, end_day: Some(cut) });
            prop_assert_eq!(&r, &cohort_matrix_sorted(&o, by, cut));
            let kept: Vec<usize> = (0..o.len()).filter(|&i| day_of(o.timestamps()[i]) <= cut).collect();
            let orders: u64 = r.orders.iter().flatten().sum();
            prop_assert_eq!(orders, kept.len() as u64);
            let revenue: f64 = r.revenue.iter().flatten().sum();
            let expected: f64 = kept.iter().map(|&i| o.amounts()[i]).sum();
            prop_assert!((revenue - expected).abs() <= 1e-6 * expected.max(1.0));
            let mut buyers: Vec<u32> = kept.iter().map(|&i| o.customers()[i]).collect();
            buyers.sort_unstable();
            buyers.dedup();
            prop_assert_eq!(r.customers, buyers.len() as u64);
            for (c, row) in r.active.iter().enumerate() {
                prop_assert_eq!(row.first().copied().unwrap_or(0), r.size[c]);
                for &a in row { prop_assert!(a <= r.size[c]); }
            }
            for &x in &r.retention { prop_assert!((0.0..=1.0).contains(&x)); }
            for w in r.survival.windows(2) { prop_assert!(w[1] <= w[0]); }
            for &x in &r.survival { prop_assert!((0.0..=1.0).contains(&x)); }
            prop_assert!((0.0..=1.0).contains(&r.churn_rate));
            prop_assert!((0.0..=1.0).contains(&r.repeat_purchase_rate));
        }
    }
}

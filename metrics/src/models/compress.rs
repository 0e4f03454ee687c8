//! Compression of customers into weighted unique (x, t_x, T) patterns:
//! [`FitInput::patterns`].
//!
//! Three routes, fastest first, all giving bitwise the same [`Patterns`]:
//!
//! 1. **Grid.** Recorded times are usually whole days, or weeks with a couple
//!    of decimals: every time is k/s for an integer k and one scale s of
//!    [`GRID_SCALES`]. Then k itself orders the times and a table over k ranks
//!    them, with no hashing at all.
//! 2. **Interned.** Otherwise, up to [`MAX_TIMES`] distinct times are interned
//!    with a hash map and ranked by sorting the few distinct values.
//!
//!    Both pack each customer into one `u64` (x, rank of t_x, rank of T, and
//!    the row number when weights differ) and radix-sort the keys
//!    ([`super::radix`]). The sort is stable and the keys start in row order,
//!    so each pattern's weight is summed in row order.
//! 3. **General.** Anything else (many distinct times, huge or non-integer x):
//!    a hash map of whole (x, t_x, T) bit patterns, then a sort of the unique
//!    keys; weights are again summed in row order.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::input::{FitInput, InputError, Patterns};
use super::radix;

/// Scales s tried for the grid route: whole units, hundredths and thousandths
/// (decimal data), and sevenths (days expressed in weeks).
const GRID_SCALES: [f64; 4] = [1.0, 100.0, 1000.0, 7.0];
/// Largest grid index k: the rank table has k + 1 entries.
const MAX_GRID: f64 = (1u32 << 20) as f64;
/// Distinct times beyond this go the general route: the interning table would
/// leave the caches and the packed key would run out of bits.
const MAX_TIMES: usize = 1 << 16;
/// Largest x the packed key takes.
const MAX_X: f64 = (1u32 << 24) as f64;
/// 2⁵²: for 0 ≤ v < 2⁵², (v + 2⁵²) − 2⁵² is v rounded to an integer
/// (`f64::round` is a library call on baseline x86-64 and wasm).
const TWO_52: f64 = 4_503_599_627_370_496.0;

fn round_nonneg(v: f64) -> f64 {
    (v + TWO_52) - TWO_52
}

/// The sorted distinct times and how to find a time's rank among them.
struct Ranked {
    times: Vec<f64>,
    lookup: Lookup,
}

enum Lookup {
    /// Route 1: rank = table[round(t · scale)].
    Grid { scale: f64, table: Vec<u32> },
    /// Route 2: rank by the time's bits.
    Interned(FxHashMap<u64, u32>),
}

impl Ranked {
    /// Rank of a time that occurs in the kept rows.
    #[inline]
    fn rank(&self, v: f64) -> u32 {
        match &self.lookup {
            Lookup::Grid { scale, table } => table[round_nonneg(v * scale) as usize],
            Lookup::Interned(map) => map.get(&(v + 0.0).to_bits()).copied().unwrap_or(0),
        }
    }
}

impl FitInput {
    /// Unique (x, t_x, T) patterns with summed weights, sorted by x, then t_x,
    /// then T (so equal-x patterns are contiguous). Deterministic: the same input
    /// gives bitwise the same patterns, whatever the row order (each pattern's
    /// weight is summed in row order). Zero-weight rows are dropped, and so
    /// are customers with T = 0 (they add nothing to any likelihood), whose
    /// weight is kept in [`Patterns::zero_age_weight`].
    pub fn patterns(&self) -> Patterns {
        let n = self.rows();
        let zero_age = |i: usize| self.t[i] == 0.0 && self.weights[i] > 0.0;
        if !(0..n).any(zero_age) {
            return self.patterns_observed();
        }
        let mut kept = FitInput::default();
        let mut left_out = 0.0;
        for i in 0..n {
            if zero_age(i) {
                left_out += self.weights[i];
            } else {
                kept.x.push(self.x[i]);
                kept.t_x.push(self.t_x[i]);
                kept.t.push(self.t[i]);
                kept.weights.push(self.weights[i]);
            }
        }
        let mut p = kept.patterns_observed();
        p.zero_age_weight = left_out;
        p
    }

    /// Patterns and a check that there is something to fit: the input is
    /// validated and at least one customer has T > 0.
    pub fn fit_patterns(&self) -> Result<Patterns, InputError> {
        self.validate()?;
        let p = self.patterns();
        if p.is_empty() {
            return Err(InputError::NoObservedTime);
        }
        Ok(p)
    }

    /// [`FitInput::patterns`] of rows that all have T > 0 (or zero weight).
    fn patterns_observed(&self) -> Patterns {
        self.patterns_packed()
            .unwrap_or_else(|| self.patterns_hashed())
    }

    /// Rows considered: the shortest column's length (validated input has
    /// equal lengths).
    fn rows(&self) -> usize {
        self.x
            .len()
            .min(self.t_x.len())
            .min(self.t.len())
            .min(self.weights.len())
    }

    /// Routes 1 and 2; None sends the input to route 3.
    fn patterns_packed(&self) -> Option<Patterns> {
        let n = self.rows();
        if n == 0 || n > u32::MAX as usize {
            return None;
        }
        let mut max_x = 0.0f64;
        let mut first_w: Option<f64> = None;
        // Whether every kept row has the same weight (raw data: all 1), so the
        // sums need not look weights up by row, a cache miss each.
        let mut uniform = true;
        for i in 0..n {
            let w = self.weights[i];
            if w <= 0.0 {
                continue;
            }
            let x = self.x[i];
            if !((0.0..MAX_X).contains(&x) && round_nonneg(x) == x) {
                return None;
            }
            max_x = max_x.max(x);
            uniform &= w.to_bits() == first_w.get_or_insert(w).to_bits();
        }
        let w0 = first_w?;
        let ranked = self.grid_ranks(n).or_else(|| self.interned_ranks(n))?;
        let width = |v: u64| 64 - v.leading_zeros();
        let row_bits = if uniform {
            0
        } else {
            width(n as u64 - 1).max(1)
        };
        let time_bits = width(ranked.times.len() as u64 - 1).max(1);
        let x_bits = width(max_x as u64).max(1);
        let pattern_bits = x_bits + 2 * time_bits;
        if pattern_bits + row_bits > 64 {
            return None;
        }
        let mut keys: Vec<u64> = Vec::with_capacity(n);
        for i in 0..n {
            if self.weights[i] <= 0.0 {
                continue;
            }
            let k = ((self.x[i] as u64) << time_bits) | u64::from(ranked.rank(self.t_x[i]));
            let k = (k << time_bits) | u64::from(ranked.rank(self.t[i]));
            keys.push(if uniform {
                k
            } else {
                (k << row_bits) | i as u64
            });
        }
        let Ranked { times, .. } = ranked;
        // Stable, and only on the pattern bits: rows keep their order within a
        // pattern.
        radix::sort_u64(&mut keys, row_bits, row_bits + pattern_bits);
        let mut unique = 0;
        let mut last = u64::MAX;
        for &k in &keys {
            let pattern = k >> row_bits;
            unique += usize::from(pattern != last);
            last = pattern;
        }
        let mut p = Patterns::with_capacity(unique);
        let (row_mask, time_mask) = ((1u64 << row_bits) - 1, (1u64 << time_bits) - 1);
        let mut last = u64::MAX;
        for &k in &keys {
            let pattern = k >> row_bits;
            let w = if uniform {
                w0
            } else {
                self.weights[(k & row_mask) as usize]
            };
            if pattern == last {
                if let Some(sum) = p.weight.last_mut() {
                    *sum += w;
                }
                continue;
            }
            last = pattern;
            let t_rank = (pattern & time_mask) as u32;
            let tx_rank = ((pattern >> time_bits) & time_mask) as u32;
            p.x.push((pattern >> (2 * time_bits)) as f64);
            p.t_x.push(times[tx_rank as usize]);
            p.t.push(times[t_rank as usize]);
            p.t_x_idx.push(tx_rank);
            p.t_idx.push(t_rank);
            p.weight.push(w);
        }
        p.times = times;
        p.finish();
        Some(p)
    }

    /// Route 1: the first scale of [`GRID_SCALES`] on which every kept time
    /// is k/s exactly, for an integer 0 ≤ k ≤ [`MAX_GRID`].
    fn grid_ranks(&self, n: usize) -> Option<Ranked> {
        let on_grid = |s: f64| -> Option<usize> {
            let mut max_k = 0.0f64;
            for i in 0..n {
                if self.weights[i] <= 0.0 {
                    continue;
                }
                for v in [self.t_x[i], self.t[i]] {
                    let k = round_nonneg(v * s);
                    if !(v >= 0.0 && k <= MAX_GRID && k / s == v) {
                        return None;
                    }
                    max_k = max_k.max(k);
                }
            }
            Some(max_k as usize)
        };
        let (s, max_k) = GRID_SCALES
            .iter()
            .find_map(|&s| on_grid(s).map(|m| (s, m)))?;
        let index = |v: f64| round_nonneg(v * s) as usize;
        let mut rank_of = vec![0u32; max_k + 1];
        for i in 0..n {
            if self.weights[i] > 0.0 {
                rank_of[index(self.t_x[i])] = 1;
                rank_of[index(self.t[i])] = 1;
            }
        }
        let mut times = Vec::new();
        for (k, r) in rank_of.iter_mut().enumerate() {
            if *r != 0 {
                *r = times.len() as u32;
                // k/s is the time itself (checked above), as +0.0 for zero.
                times.push(k as f64 / s);
            }
        }
        Some(Ranked {
            times,
            lookup: Lookup::Grid {
                scale: s,
                table: rank_of,
            },
        })
    }

    /// Route 2: up to [`MAX_TIMES`] distinct times, interned by their bits.
    fn interned_ranks(&self, n: usize) -> Option<Ranked> {
        // -0.0 + 0.0 = +0.0, so the bit keys of equal values are equal and order
        // like the values (all fields are ≥ 0 after validation).
        let bits = |v: f64| (v + 0.0).to_bits();
        let mut ids: FxHashMap<u64, u32> = FxHashMap::default();
        let mut distinct: Vec<u64> = Vec::new();
        for i in 0..n {
            if self.weights[i] <= 0.0 {
                continue;
            }
            for v in [self.t_x[i], self.t[i]] {
                let key = bits(v);
                if let Entry::Vacant(slot) = ids.entry(key) {
                    if distinct.len() >= MAX_TIMES {
                        return None;
                    }
                    slot.insert(distinct.len() as u32);
                    distinct.push(key);
                }
            }
        }
        // Ids become ranks: the position in sorted order.
        let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
        order.sort_unstable_by_key(|&id| distinct[id as usize]);
        for (r, &id) in order.iter().enumerate() {
            ids.insert(distinct[id as usize], r as u32);
        }
        let times = order
            .iter()
            .map(|&id| f64::from_bits(distinct[id as usize]))
            .collect();
        Some(Ranked {
            times,
            lookup: Lookup::Interned(ids),
        })
    }

    /// Route 3: a hash map of (x, t_x, T) bit patterns, then a sort of the
    /// unique keys.
    fn patterns_hashed(&self) -> Patterns {
        let key = |i: usize| {
            (
                (self.x[i] + 0.0).to_bits(),
                (self.t_x[i] + 0.0).to_bits(),
                (self.t[i] + 0.0).to_bits(),
            )
        };
        // Rows visited in order, so each pattern's weight is summed in row order.
        let mut slot: FxHashMap<(u64, u64, u64), usize> = FxHashMap::default();
        let mut unique: Vec<((u64, u64, u64), f64)> = Vec::new();
        for i in 0..self.rows() {
            let w = self.weights[i];
            if w <= 0.0 {
                continue;
            }
            let k = key(i);
            match slot.get(&k) {
                Some(&j) => unique[j].1 += w,
                None => {
                    slot.insert(k, unique.len());
                    unique.push((k, w));
                }
            }
        }
        drop(slot);
        // Keys are distinct, so an unstable sort is still deterministic.
        unique.sort_unstable_by_key(|u| u.0);
        let mut p = Patterns::with_capacity(unique.len());
        for ((x, t_x, t), w) in unique {
            p.x.push(f64::from_bits(x));
            p.t_x.push(f64::from_bits(t_x));
            p.t.push(f64::from_bits(t));
            p.weight.push(w);
        }
        // Distinct time values (t_x ∪ T), so functions of α + t are evaluated
        // once per distinct time rather than once per pattern.
        let mut times: Vec<u64> = p.t_x.iter().chain(&p.t).map(|v| v.to_bits()).collect();
        times.sort_unstable();
        times.dedup();
        let index = |v: f64| times.binary_search(&v.to_bits()).map_or(0, |i| i as u32);
        p.t_idx = p.t.iter().map(|&v| index(v)).collect();
        p.t_x_idx = p.t_x.iter().map(|&v| index(v)).collect();
        p.times = times.into_iter().map(f64::from_bits).collect();
        p.finish();
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All three routes on the same input, compared field by field, bitwise.
    fn routes_agree(input: &FitInput) {
        let general = input.patterns_hashed();
        let n = input.rows();
        for (route, ranked) in [
            ("grid", input.grid_ranks(n)),
            ("interned", input.interned_ranks(n)),
        ] {
            let Some(ranked) = ranked else { continue };
            let want: Vec<u64> = general.times.iter().map(|v| v.to_bits()).collect();
            let got: Vec<u64> = ranked.times.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{route}: times");
        }
        let packed = input.patterns_packed().expect("packed route applies");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&packed.x), bits(&general.x));
        assert_eq!(bits(&packed.t_x), bits(&general.t_x));
        assert_eq!(bits(&packed.t), bits(&general.t));
        assert_eq!(bits(&packed.weight), bits(&general.weight));
        assert_eq!(
            packed.total_weight.to_bits(),
            general.total_weight.to_bits()
        );
        assert_eq!(packed.x_runs, general.x_runs);
        assert_eq!(bits(&packed.times), bits(&general.times));
        assert_eq!(packed.t_idx, general.t_idx);
        assert_eq!(packed.t_x_idx, general.t_x_idx);
    }

    fn sample(n: usize, seed: u64, time: impl Fn(u64) -> f64) -> FitInput {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        let mut input = FitInput::default();
        for _ in 0..n {
            let x = (next() % 6) as f64;
            let t = time(next());
            let t_x = if x == 0.0 { 0.0 } else { time(next()).min(t) };
            input.x.push(x);
            input.t_x.push(t_x);
            input.t.push(t);
            input.weights.push(1.0);
        }
        input
    }

    #[test]
    fn every_route_gives_the_same_patterns() {
        // Whole days, hundredths, sevenths, and an irregular grid (interned).
        let days = sample(5000, 1, |u| (u % 40) as f64);
        let hundredths = sample(5000, 2, |u| (u % 4000) as f64 / 100.0);
        let sevenths = sample(5000, 3, |u| (u % 300) as f64 / 7.0);
        let irregular = sample(5000, 4, |u| ((u % 500) as f64).sqrt());
        assert!(days.grid_ranks(days.rows()).is_some());
        assert!(sevenths.grid_ranks(sevenths.rows()).is_some());
        assert!(irregular.grid_ranks(irregular.rows()).is_none());
        for input in [&days, &hundredths, &sevenths, &irregular] {
            routes_agree(input);
            // Fractional and zero weights: looked up by row, summed in row order.
            let mut weighted = input.clone();
            for (i, w) in weighted.weights.iter_mut().enumerate() {
                *w = [0.3, 1.7, 0.0, 2.25][i % 4];
            }
            routes_agree(&weighted);
        }
        // -0.0 and +0.0 are one time.
        let signed =
            FitInput::from_rows([(0.0, -0.0, 5.0), (0.0, 0.0, 5.0), (1.0, 2.0, 5.0)]).unwrap();
        routes_agree(&signed);
        assert_eq!(signed.patterns().weight, vec![2.0, 1.0]);
    }

    #[test]
    fn packed_route_declines_what_it_cannot_pack() {
        let fractional_x = FitInput {
            x: vec![1.5],
            t_x: vec![1.0],
            t: vec![2.0],
            weights: vec![1.0],
        };
        assert!(fractional_x.patterns_packed().is_none());
        assert_eq!(fractional_x.patterns().x, vec![1.5]);
        let many_times = sample(3 * MAX_TIMES, 5, |u| (u % 10_000_000) as f64 * 0.123_456_7);
        assert!(many_times.patterns_packed().is_none());
        assert_eq!(many_times.patterns().total_weight, (3 * MAX_TIMES) as f64);
    }
}

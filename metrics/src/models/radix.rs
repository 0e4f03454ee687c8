//! LSD radix sort of `u64` keys, the core of pattern compression
//! ([`super::FitInput::patterns`]).
//!
//! A million customers pack into a million `u64` keys (the pattern in the high
//! bits, the row number below when it is needed); sorting them by 11-bit digits
//! of the pattern bits takes a few linear passes with a 2,048-bucket histogram that stays in L1,
//! several times faster than a comparison sort or a hash map of patterns.
//! Digits on which every key agrees are skipped, so only the bits in use cost
//! anything.

const DIGIT_BITS: u32 = 11;
const BUCKETS: usize = 1 << DIGIT_BITS;

/// Sorts `keys` ascending by their bits `lo..hi` (higher bits must be zero),
/// stably: keys equal on those bits keep their order. Plain integers, so the
/// result is fully determined.
pub(crate) fn sort_u64(keys: &mut Vec<u64>, lo: u32, hi: u32) {
    let n = keys.len();
    if n < 2 || hi <= lo {
        return;
    }
    if n < 256 {
        keys.sort_by_key(|k| k >> lo);
        return;
    }
    let passes = (hi - lo).div_ceil(DIGIT_BITS) as usize;
    let shift = |p: usize| lo + p as u32 * DIGIT_BITS;
    // All histograms in one read of the keys.
    let mut counts = vec![[0usize; BUCKETS]; passes];
    for &k in keys.iter() {
        for (p, hist) in counts.iter_mut().enumerate() {
            hist[((k >> shift(p)) as usize) & (BUCKETS - 1)] += 1;
        }
    }
    let mut scratch = vec![0u64; n];
    for (p, hist) in counts.iter_mut().enumerate() {
        // Every key has the same digit here: the pass would not move anything.
        if hist.contains(&n) {
            continue;
        }
        let mut sum = 0;
        for c in hist.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        let sh = shift(p);
        for &k in keys.iter() {
            let d = ((k >> sh) as usize) & (BUCKETS - 1);
            scratch[hist[d]] = k;
            hist[d] += 1;
        }
        std::mem::swap(keys, &mut scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (n, bits) in [
            (0, 8),
            (1, 8),
            (100, 20),
            (5000, 8),
            (5000, 33),
            (70_000, 64),
        ] {
            let mask = if bits == 64 {
                u64::MAX
            } else {
                (1 << bits) - 1
            };
            let mut keys: Vec<u64> = (0..n).map(|_| next() & mask).collect();
            let mut want = keys.clone();
            want.sort_unstable();
            sort_u64(&mut keys, 0, bits);
            assert_eq!(keys, want, "n={n} bits={bits}");
        }
        // Sorting on the high bits only is stable: low bits hold the input order.
        for n in [100usize, 5000] {
            let mut keys: Vec<u64> = (0..n as u64).map(|i| ((next() % 37) << 20) | i).collect();
            let mut want = keys.clone();
            want.sort_unstable();
            sort_u64(&mut keys, 20, 26);
            assert_eq!(keys, want, "n={n}");
        }
        // Constant digits are skipped without disturbing the others.
        let mut keys: Vec<u64> = (0..3000u64).rev().map(|k| (k << 22) | 5).collect();
        let mut want = keys.clone();
        want.sort_unstable();
        sort_u64(&mut keys, 0, 40);
        assert_eq!(keys, want);
    }
}

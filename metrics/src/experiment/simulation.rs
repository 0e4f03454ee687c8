//! Coverage of the experiment's intervals on simulated data with a known effect: the
//! 95 % intervals must cover the true difference in 93–97 % of the simulations, exclude 0
//! when the effect is large, and cover 0 in 93–97 % when there is no effect.

use super::*;

/// SplitMix64: a small, well-mixed deterministic generator for the simulations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// One simulated group: repeat with probability `p`; a repeat customer's revenue is
/// normal with mean `mean` and sd 20 (floored at 0, which shifts the mean by < 1e-6 here).
fn group(rng: &mut Rng, n: usize, p: f64, mean: f64) -> Vec<Outcome> {
    (0..n)
        .map(|_| {
            let repeat = rng.uniform() < p;
            let revenue = match repeat {
                true => (mean + 20.0 * rng.normal()).max(0.0),
                false => 0.0,
            };
            let mut o = Outcome::new(repeat, revenue);
            o.p_alive_change = Some(0.1 * rng.normal() + if repeat { 0.05 } else { 0.0 });
            o
        })
        .collect()
}

const SIMULATIONS: usize = 1000;

struct Tally {
    rate_covered: usize,
    revenue_covered: usize,
    rate_excludes_zero: usize,
    revenue_excludes_zero: usize,
}

fn simulate(seed: u64, n: usize, (p1, m1): (f64, f64), (p2, m2): (f64, f64)) -> Tally {
    let mut rng = Rng(seed);
    let true_rate = p1 - p2;
    let true_revenue = p1 * m1 - p2 * m2;
    let mut t = Tally {
        rate_covered: 0,
        revenue_covered: 0,
        rate_excludes_zero: 0,
        revenue_excludes_zero: 0,
    };
    for _ in 0..SIMULATIONS {
        let a = group(&mut rng, n, p1, m1);
        let b = group(&mut rng, n, p2, m2);
        let c = compare(&a, &b, &CompareOptions::default()).expect("default options are valid");
        let (rl, rh) = c.repeat.interval.expect("both groups have members");
        let (vl, vh) = c
            .revenue
            .interval
            .expect("both groups have two members or more");
        t.rate_covered += usize::from(rl <= true_rate && true_rate <= rh);
        t.revenue_covered += usize::from(vl <= true_revenue && true_revenue <= vh);
        t.rate_excludes_zero += usize::from(rl > 0.0 || rh < 0.0);
        t.revenue_excludes_zero += usize::from(vl > 0.0 || vh < 0.0);
    }
    t
}

fn share(k: usize) -> f64 {
    k as f64 / SIMULATIONS as f64
}

#[test]
fn intervals_cover_a_known_effect() {
    // Following up lifts repeat buying from 25 % to 35 %.
    let t = simulate(7, 400, (0.35, 60.0), (0.25, 60.0));
    for (what, k) in [("rate", t.rate_covered), ("revenue", t.revenue_covered)] {
        assert!((0.93..=0.97).contains(&share(k)), "{what}: {}", share(k));
    }
}

#[test]
fn a_large_effect_is_detected() {
    // 20 % → 45 %: each interval lies above 0 in (nearly) every simulation.
    let t = simulate(11, 400, (0.45, 60.0), (0.20, 60.0));
    assert!(
        share(t.rate_excludes_zero) > 0.99,
        "{}",
        share(t.rate_excludes_zero)
    );
    assert!(
        share(t.revenue_excludes_zero) > 0.99,
        "{}",
        share(t.revenue_excludes_zero)
    );
}

#[test]
fn with_no_effect_zero_is_covered() {
    let t = simulate(13, 300, (0.3, 50.0), (0.3, 50.0));
    for (what, k) in [("rate", t.rate_covered), ("revenue", t.revenue_covered)] {
        assert!((0.93..=0.97).contains(&share(k)), "{what}: {}", share(k));
    }
}

#[test]
fn required_size_reaches_the_stated_power() {
    // At the size the formula asks for, a true effect is detected in about 80 % of runs.
    let n = proportions::sample_size(0.35, 0.25, 0.95, 0.8).expect("a non-zero effect");
    let t = simulate(17, n as usize, (0.35, 60.0), (0.25, 60.0));
    let power = share(t.rate_excludes_zero);
    assert!((0.76..=0.84).contains(&power), "n = {n}: power {power}");
}

#[test]
fn options_are_checked_and_small_groups_have_no_interval() {
    let one = [Outcome::new(true, 10.0)];
    let bad = CompareOptions {
        confidence: 1.0,
        ..CompareOptions::default()
    };
    assert!(matches!(
        compare(&one, &one, &bad),
        Err(ExperimentError::Option {
            name: "confidence",
            ..
        })
    ));
    let bad = CompareOptions {
        min_rate_effect: Some(-0.1),
        ..CompareOptions::default()
    };
    assert!(compare(&one, &one, &bad).is_err());
    let c = compare(&one, &[], &CompareOptions::default()).expect("valid options");
    assert_eq!(c.repeat.interval, None);
    assert_eq!(c.revenue.interval, None);
    assert_eq!(c.p_alive, None);
    // A stated minimum effect sets the required size even without an observed one.
    let g: Vec<Outcome> = (0..50).map(|i| Outcome::new(i % 2 == 0, 1.0)).collect();
    let opts = CompareOptions {
        min_rate_effect: Some(0.1),
        ..CompareOptions::default()
    };
    let c = compare(&g, &g, &opts).expect("valid options");
    assert_eq!(c.repeat.difference, Some(0.0));
    assert_eq!(
        c.repeat.required_per_group,
        proportions::sample_size(0.6, 0.5, 0.95, 0.8)
    );
    assert!(c.repeat.still_needed.is_some_and(|k| k > 300));
}

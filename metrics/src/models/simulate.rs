//! Seeded simulation from the models: synthetic customer bases for parameter
//! recovery tests and benchmarks. Deterministic: the same seed gives the same
//! customers on every platform (SplitMix64, no global state).

use super::bgbb::BgBb;
use super::bgnbd::BgNbd;
use super::pareto_nbd::ParetoNbd;

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, statistically fine for simulation.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller; one of the pair is discarded for simplicity).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Exponential with the given rate.
    pub fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }

    /// Gamma(shape, rate 1) by Marsaglia & Tsang (2000); shape < 1 via the
    /// boost Gamma(k) = Gamma(k+1)·U^{1/k}.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let g = self.gamma(shape + 1.0);
            return g * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let z = self.normal();
            let v = 1.0 + c * z;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u.ln() < 0.5 * z * z + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Beta(a, b).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }
}

/// Rounds a time to a grid (e.g. 1/7 for days expressed in weeks), as recorded
/// data is.
pub fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// One BG/NBD customer observed for `age` time units: (x, t_x).
pub fn bgnbd_customer(rng: &mut SplitMix64, p: &BgNbd, age: f64) -> (f64, f64) {
    let lambda = rng.gamma(p.r) / p.alpha;
    let drop = rng.beta(p.a, p.b);
    let (mut x, mut t_x, mut now) = (0.0, 0.0, 0.0);
    loop {
        now += rng.exponential(lambda);
        if now > age {
            break;
        }
        x += 1.0;
        t_x = now;
        if rng.uniform() < drop {
            break;
        }
    }
    (x, t_x)
}

/// One Pareto/NBD customer observed for `age` time units: (x, t_x).
pub fn pareto_customer(rng: &mut SplitMix64, p: &ParetoNbd, age: f64) -> (f64, f64) {
    let lambda = rng.gamma(p.r) / p.alpha;
    let mu = rng.gamma(p.s) / p.beta;
    let end = rng.exponential(mu).min(age);
    let (mut x, mut t_x, mut now) = (0.0, 0.0, 0.0);
    loop {
        now += rng.exponential(lambda);
        if now > end {
            break;
        }
        x += 1.0;
        t_x = now;
    }
    (x, t_x)
}

/// One BG/BB customer over `n` periods: (x, t_x).
pub fn bgbb_customer(rng: &mut SplitMix64, p: &BgBb, n: u32) -> (f64, f64) {
    let buy = rng.beta(p.alpha, p.beta);
    let die = rng.beta(p.gamma, p.delta);
    let (mut x, mut t_x) = (0.0, 0.0);
    for period in 1..=n {
        if rng.uniform() < die {
            break;
        }
        if rng.uniform() < buy {
            x += 1.0;
            t_x = f64::from(period);
        }
    }
    (x, t_x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_moments_right() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut rng = SplitMix64::new(42);
        let n = 200_000;
        for &shape in &[0.3, 2.5] {
            let mean: f64 = (0..n).map(|_| rng.gamma(shape)).sum::<f64>() / n as f64;
            assert!(
                (mean - shape).abs() < 0.02 * shape.max(1.0),
                "shape {shape}: mean {mean}"
            );
        }
        let mean: f64 = (0..n).map(|_| rng.beta(2.0, 6.0)).sum::<f64>() / n as f64;
        assert!((mean - 0.25).abs() < 0.005);
    }
}

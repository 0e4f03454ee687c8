//! Conversion funnels: ordered steps completed within a time window.
//!
//! A unit (user, or session when asked) *reaches step j* if it has events
//! `s_1, …, s_j` at times `t_1 ≤ … ≤ t_j` with `t_j − t_1 ≤ window`. Each
//! occurrence of the first step is tried as a start and the next steps are
//! taken greedily (the earliest matching event, which is optimal for a fixed
//! start); the deepest attempt counts, the earliest on ties. Events with equal
//! timestamps are ordered by step so `a` and `b` logged in the same second
//! count as `a → b`. Events whose name is not a step are ignored.
//!
//! Per step: units reached, conversion from the start and from the previous
//! step, drop-off (units lost since the previous step), and the median time
//! from the previous step over the units that reached it. The step with the
//! largest drop is the one with the lowest conversion from the previous step
//! (ties: the earlier). With a property column, the same report is broken
//! down by the property value on each unit's starting event.

use serde::{Deserialize, Serialize};

use crate::data::Events;

/// Errors of [`funnel`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FunnelError {
    /// No steps given.
    #[error("a funnel needs at least one step")]
    NoSteps,
    /// A step name appears twice.
    #[error("step {0:?} appears more than once")]
    DuplicateStep(String),
    /// The window is negative.
    #[error("window must be >= 0 seconds, got {0}")]
    NegativeWindow(i64),
    /// Session funnel asked for events without a session column.
    #[error("session funnels need a session column")]
    NoSessions,
    /// Breakdown asked for events without a property column.
    #[error("a breakdown needs a property column")]
    NoProperty,
}

/// What one funnel run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FunnelUnit {
    /// Each user.
    #[default]
    User,
    /// Each session (needs a session column).
    Session,
}

/// Options of [`funnel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FunnelOptions {
    /// Event names, in order.
    pub steps: Vec<String>,
    /// Conversion window from the first step, in seconds.
    pub window_seconds: i64,
    /// User or session funnel.
    pub unit: FunnelUnit,
    /// Break the report down by the events' property value.
    pub breakdown: bool,
}

impl Default for FunnelOptions {
    fn default() -> Self {
        FunnelOptions {
            steps: Vec::new(),
            window_seconds: 7 * 86_400,
            unit: FunnelUnit::User,
            breakdown: false,
        }
    }
}

/// One step of a funnel report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelStep {
    /// Event name.
    pub name: String,
    /// Units that reached this step.
    pub count: u64,
    /// `count / count of step 1` (1 for step 1; 0 when nobody started).
    pub conversion_from_start: f64,
    /// `count / count of the previous step`.
    pub conversion_from_previous: f64,
    /// Units lost since the previous step.
    pub drop_off: u64,
    /// Median seconds from the previous step (None for step 1 or when nobody reached it).
    pub median_seconds_from_previous: Option<f64>,
}

/// A funnel (or one breakdown group of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelReport {
    /// Steps in order; counts never increase along it.
    pub steps: Vec<FunnelStep>,
    /// Index of the step with the largest drop from its previous step (None with one step).
    pub largest_drop: Option<usize>,
    /// Per property value, when a breakdown was asked for (sorted by value).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub breakdown: Vec<(String, FunnelReport)>,
}

/// Per-unit result: depth reached, step times of the best attempt, start event.
struct Attempt {
    depth: usize,
    times: Vec<i64>,
    start: usize,
}

fn best_attempt(ev: &[(i64, usize, usize)], n_steps: usize, window: i64) -> Option<Attempt> {
    let mut best: Option<Attempt> = None;
    let mut times = Vec::with_capacity(n_steps);
    for (i, &(t0, step, origin)) in ev.iter().enumerate() {
        if step != 0 {
            continue;
        }
        times.clear();
        times.push(t0);
        for &(t, s, _) in &ev[i + 1..] {
            if t - t0 > window {
                break;
            }
            if s == times.len() {
                times.push(t);
                if times.len() == n_steps {
                    break;
                }
            }
        }
        if best.as_ref().is_none_or(|b| times.len() > b.depth) {
            best = Some(Attempt {
                depth: times.len(),
                times: times.clone(),
                start: origin,
            });
            if times.len() == n_steps {
                break;
            }
        }
    }
    best
}

fn median(v: &mut [i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m] as f64
    } else {
        (v[m - 1] as f64 + v[m] as f64) / 2.0
    })
}

fn report(names: &[String], attempts: &[&Attempt]) -> FunnelReport {
    let n = names.len();
    let mut counts = vec![0u64; n];
    let mut gaps: Vec<Vec<i64>> = vec![Vec::new(); n];
    for a in attempts {
        for j in 0..a.depth {
            counts[j] += 1;
            if j > 0 {
                gaps[j].push(a.times[j] - a.times[j - 1]);
            }
        }
    }
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let steps: Vec<FunnelStep> = (0..n)
        .map(|j| {
            let prev = if j == 0 { counts[0] } else { counts[j - 1] };
            FunnelStep {
                name: names[j].clone(),
                count: counts[j],
                conversion_from_start: ratio(counts[j], counts[0]),
                conversion_from_previous: ratio(counts[j], prev),
                drop_off: prev - counts[j],
                median_seconds_from_previous: if j == 0 { None } else { median(&mut gaps[j]) },
            }
        })
        .collect();
    let largest_drop = (1..n).min_by(|&a, &b| {
        steps[a]
            .conversion_from_previous
            .total_cmp(&steps[b].conversion_from_previous)
            .then(a.cmp(&b))
    });
    FunnelReport {
        steps,
        largest_drop,
        breakdown: Vec::new(),
    }
}

/// Computes a funnel over `events`.
///
/// ```
/// use rapport_metrics::data::Events;
/// use rapport_metrics::funnel::{funnel, FunnelOptions};
/// let e = Events::from_columns(
///     &["u1", "u1", "u1", "u2", "u2", "u3"],
///     &["view", "cart", "buy", "view", "cart", "view"],
///     vec![0, 10, 70, 0, 30, 5],
/// ).unwrap();
/// let opts = FunnelOptions { steps: vec!["view".into(), "cart".into(), "buy".into()], window_seconds: 3600, ..Default::default() };
/// let r = funnel(&e, &opts).unwrap();
/// let counts: Vec<u64> = r.steps.iter().map(|s| s.count).collect();
/// assert_eq!(counts, [3, 2, 1]);
/// assert_eq!(r.steps[1].median_seconds_from_previous, Some(20.0));
/// assert_eq!(r.largest_drop, Some(2));
/// ```
pub fn funnel(events: &Events, opts: &FunnelOptions) -> Result<FunnelReport, FunnelError> {
    let n_steps = opts.steps.len();
    if n_steps == 0 {
        return Err(FunnelError::NoSteps);
    }
    for (i, s) in opts.steps.iter().enumerate() {
        if opts.steps[..i].contains(s) {
            return Err(FunnelError::DuplicateStep(s.clone()));
        }
    }
    if opts.window_seconds < 0 {
        return Err(FunnelError::NegativeWindow(opts.window_seconds));
    }
    let (units, n_units): (&[u32], usize) = match opts.unit {
        FunnelUnit::User => (&events.user, events.user_ids.len()),
        FunnelUnit::Session => match &events.session {
            Some(s) => (s, events.session_ids.len()),
            None => return Err(FunnelError::NoSessions),
        },
    };
    let property = match (&events.property, opts.breakdown) {
        (Some(p), true) => Some(p),
        (None, true) => return Err(FunnelError::NoProperty),
        _ => None,
    };
    // Step index of each event name (usize::MAX: not a step).
    let step_of: Vec<usize> = events
        .event_names
        .iter()
        .map(|n| {
            opts.steps
                .iter()
                .position(|s| **s == **n)
                .unwrap_or(usize::MAX)
        })
        .collect();
    // Group step events by unit (counting sort).
    let mut offsets = vec![0usize; n_units + 1];
    for (i, &u) in units.iter().enumerate() {
        if step_of[events.event[i] as usize] != usize::MAX {
            offsets[u as usize + 1] += 1;
        }
    }
    for i in 0..n_units {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut grouped = vec![(0i64, 0usize, 0usize); offsets[n_units]];
    for (i, &u) in units.iter().enumerate() {
        let s = step_of[events.event[i] as usize];
        if s != usize::MAX {
            grouped[fill[u as usize]] = (events.timestamp[i], s, i);
            fill[u as usize] += 1;
        }
    }
    let mut attempts = Vec::new();
    for u in 0..n_units {
        let ev = &mut grouped[offsets[u]..offsets[u + 1]];
        ev.sort_unstable_by_key(|e| (e.0, e.1, e.2));
        if let Some(a) = best_attempt(ev, n_steps, opts.window_seconds) {
            attempts.push(a);
        }
    }
    let all: Vec<&Attempt> = attempts.iter().collect();
    let mut out = report(&opts.steps, &all);
    if let Some(prop) = property {
        let mut groups: std::collections::BTreeMap<&str, Vec<&Attempt>> = Default::default();
        for a in &attempts {
            let v = &events.property_values[prop[a.start] as usize];
            groups.entry(v).or_default().push(a);
        }
        out.breakdown = groups
            .into_iter()
            .map(|(v, list)| (v.to_string(), report(&opts.steps, &list)))
            .collect();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn steps(names: &[&str], window: i64) -> FunnelOptions {
        FunnelOptions {
            steps: names.iter().map(|s| s.to_string()).collect(),
            window_seconds: window,
            ..Default::default()
        }
    }

    #[test]
    fn window_and_order_are_enforced() -> Result<(), Box<dyn std::error::Error>> {
        // u1: b before a does not count; u2: a→b too slow at the first start but fine from the second.
        let e = Events::from_columns(
            &["u1", "u1", "u2", "u2", "u2"],
            &["b", "a", "a", "a", "b"],
            vec![0, 10, 0, 100, 150],
        )?;
        let r = funnel(&e, &steps(&["a", "b"], 60))?;
        assert_eq!(r.steps.iter().map(|s| s.count).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(r.steps[1].median_seconds_from_previous, Some(50.0));
        assert_eq!(r.steps[1].drop_off, 1);
        assert_eq!(
            funnel(&e, &steps(&["a", "a"], 60)),
            Err(FunnelError::DuplicateStep("a".into()))
        );
        assert_eq!(funnel(&e, &steps(&[], 60)), Err(FunnelError::NoSteps));
        assert_eq!(
            funnel(&e, &steps(&["a"], -1)),
            Err(FunnelError::NegativeWindow(-1))
        );
        Ok(())
    }

    #[test]
    fn breakdown_by_property_of_the_start_event() -> Result<(), Box<dyn std::error::Error>> {
        let csv = "user_id,event,timestamp,source\nu1,a,2024-01-01T00:00:00Z,ads\nu1,b,2024-01-01T00:01:00Z,\nu2,a,2024-01-01T00:00:00Z,mail\n";
        let opts = crate::data::EventsCsvOptions {
            columns: crate::data::EventColumns {
                property: Some("source".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let e = crate::data::parse_events_csv(csv.as_bytes(), &opts)?.data;
        let mut o = steps(&["a", "b"], 3600);
        o.breakdown = true;
        let r = funnel(&e, &o)?;
        let groups: Vec<(&str, Vec<u64>)> = r
            .breakdown
            .iter()
            .map(|(v, g)| (v.as_str(), g.steps.iter().map(|s| s.count).collect()))
            .collect();
        assert_eq!(groups, [("ads", vec![1, 1]), ("mail", vec![1, 0])]);
        Ok(())
    }

    proptest! {
        #[test]
        fn counts_never_increase(rows in proptest::collection::vec((0u8..6, 0u8..4, 0i64..1000), 0..150), window in 0i64..500) {
            let users: Vec<String> = rows.iter().map(|r| format!("u{}", r.0)).collect();
            let names: Vec<String> = rows.iter().map(|r| format!("e{}", r.1)).collect();
            let ts: Vec<i64> = rows.iter().map(|r| r.2).collect();
            let e = Events::from_columns(&users, &names, ts).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let r = funnel(&e, &steps(&["e0", "e1", "e2"], window)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for w in r.steps.windows(2) {
                prop_assert!(w[1].count <= w[0].count);
                prop_assert_eq!(w[1].drop_off, w[0].count - w[1].count);
            }
            for s in &r.steps {
                prop_assert!((0.0..=1.0).contains(&s.conversion_from_start));
                prop_assert!(s.median_seconds_from_previous.is_none_or(|m| (0.0..=window as f64).contains(&m)));
            }
        }
    }
}

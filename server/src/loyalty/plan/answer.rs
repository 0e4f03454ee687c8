//! What crediting a survey answer writes, decided without IO. Under the customer's lock the
//! store reads the [`AnswerRead`] facts, calls [`credit`], stores the credit row of the
//! returned [`AnswerPlan::entry`] (unique per response id) and appends the entry when that
//! row was new.

use crate::loyalty::answer::{self, AnswerDecision, AnswerFacts, AnswerRule};
use crate::loyalty::ledger::SourceKind;

use super::order::NewEntry;

/// A survey answer to credit (see [`crate::loyalty::answer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerCredit {
    /// Site.
    pub site: String,
    /// The verified customer.
    pub customer: String,
    /// Survey answered.
    pub survey: String,
    /// The response id (the entry's source id).
    pub response_id: String,
    /// The response is partial.
    pub partial: bool,
    /// The site's rule.
    pub rule: AnswerRule,
}

/// What was decided, and the points the response has earned (now or on an earlier
/// delivery; 0 when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerOutcome {
    /// The decision.
    pub decision: AnswerDecision,
    /// Points this response earned.
    pub points: i64,
}

/// What the store read for one credit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerRead {
    /// The stored response row's customer: `None` without a row, `Some(None)` for an
    /// anonymous row.
    pub stored_customer: Option<Option<String>>,
    /// The points an earlier credit of this response id gave, if any.
    pub earlier_points: Option<i64>,
    /// When this customer was last credited for this survey, ms.
    pub last_credit_for_survey: Option<i64>,
}

/// The plan of one credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerPlan {
    /// What to report.
    pub outcome: AnswerOutcome,
    /// The `answer` entry to append, spendable at once, with its credit row.
    pub entry: Option<NewEntry>,
}

/// Decides the credit of `c` at `now` from what the store read.
pub fn credit(c: &AnswerCredit, read: &AnswerRead, now: i64) -> AnswerPlan {
    let facts = AnswerFacts {
        partial: c.partial,
        stored_for_customer: read.stored_customer.as_ref().and_then(Option::as_deref)
            == Some(c.customer.as_str()),
        already_credited: read.earlier_points.is_some(),
        last_credit_for_survey: read.last_credit_for_survey,
    };
    let decision = answer::decide(&c.rule, facts, now);
    match decision {
        AnswerDecision::Credit(points) => AnswerPlan {
            outcome: AnswerOutcome { decision, points },
            entry: Some(NewEntry {
                customer: c.customer.clone(),
                kind: SourceKind::Answer,
                source_id: c.response_id.clone(),
                points,
                available_at: now,
            }),
        },
        _ => AnswerPlan {
            outcome: AnswerOutcome {
                decision,
                points: read.earlier_points.unwrap_or(0),
            },
            entry: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn credit_of(partial: bool) -> AnswerCredit {
        AnswerCredit {
            site: "s".into(),
            customer: "c".into(),
            survey: "nps".into(),
            response_id: "r1".into(),
            partial,
            rule: AnswerRule {
                points: 20,
                period_days: 30,
            },
        }
    }

    fn stored(customer: Option<&str>) -> AnswerRead {
        AnswerRead {
            stored_customer: Some(customer.map(str::to_owned)),
            ..AnswerRead::default()
        }
    }

    #[test]
    fn a_complete_answer_stored_for_the_customer_earns() {
        let plan = credit(&credit_of(false), &stored(Some("c")), 5);
        assert_eq!(plan.outcome.decision, AnswerDecision::Credit(20));
        assert_eq!(plan.outcome.points, 20);
        assert_eq!(
            plan.entry,
            Some(NewEntry {
                customer: "c".into(),
                kind: SourceKind::Answer,
                source_id: "r1".into(),
                points: 20,
                available_at: 5
            })
        );
    }

    #[test]
    fn nothing_is_written_unless_it_earns() {
        let cases = [
            (credit_of(true), stored(Some("c"))),
            (credit_of(false), stored(None)),
            (credit_of(false), stored(Some("other"))),
            (credit_of(false), AnswerRead::default()),
        ];
        for (c, read) in cases {
            let plan = credit(&c, &read, 5);
            assert!(matches!(
                plan.outcome.decision,
                AnswerDecision::NotEligible(_)
            ));
            assert_eq!((plan.outcome.points, plan.entry), (0, None));
        }
    }

    #[test]
    fn a_retry_reports_what_it_earned_and_the_period_holds() {
        let retry = AnswerRead {
            earlier_points: Some(20),
            ..stored(Some("c"))
        };
        let plan = credit(&credit_of(false), &retry, 5);
        assert_eq!(
            (plan.outcome.decision, plan.outcome.points, plan.entry),
            (AnswerDecision::Already, 20, None)
        );
        let soon = AnswerRead {
            last_credit_for_survey: Some(0),
            ..stored(Some("c"))
        };
        let plan = credit(&credit_of(false), &soon, DAY);
        assert_eq!(
            plan.outcome.decision,
            AnswerDecision::TooSoon { next: 30 * DAY }
        );
        assert_eq!(plan.entry, None);
        let later = credit(&credit_of(false), &soon, 30 * DAY);
        assert_eq!(later.outcome.decision, AnswerDecision::Credit(20));
    }
}

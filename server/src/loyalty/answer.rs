//! Points for answering a survey (`loyalty.surveyAnswer`): an identified customer's
//! complete response earns the configured points at most once per survey per period,
//! and never twice for one response. Pure: the store gathers the facts and applies the
//! decision inside the transaction that appends the entry.
//!
//! What earns: a response posted with a customer token the collector verified, stored
//! linked to that customer, and complete (a `partial: true` response never earns; the
//! complete one that follows it does). An unverified or absent token never earns.

/// The rule of one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerRule {
    /// Points per qualifying response.
    pub points: i64,
    /// At most one credit per customer and survey within this many days.
    pub period_days: u32,
}

/// Default period between two credits for the same survey, days.
pub const DEFAULT_PERIOD_DAYS: u32 = 30;

impl AnswerRule {
    /// The period in milliseconds.
    pub fn period_millis(&self) -> i64 {
        i64::from(self.period_days) * super::rules::DAY_MILLIS
    }
}

/// What the store knows when a response arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerFacts {
    /// The response is marked partial.
    pub partial: bool,
    /// The stored row of this response id is linked to this customer (a retry of a
    /// response first stored anonymously, or by another customer, earns nothing).
    pub stored_for_customer: bool,
    /// This response id was credited before.
    pub already_credited: bool,
    /// When this customer was last credited for this survey, ms.
    pub last_credit_for_survey: Option<i64>,
}

/// The decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerDecision {
    /// Append an `answer` entry of this many points, spendable at once.
    Credit(i64),
    /// Credited before (a retry): nothing new; the points it earned are reported again.
    Already,
    /// Nothing: a partial response, or not stored for this customer.
    NotEligible(&'static str),
    /// Nothing: this survey earned within the period; it may earn again from `next`, ms.
    TooSoon {
        /// When the survey may earn again.
        next: i64,
    },
}

/// Decides whether a response earns under `rule` at `now` (ms).
pub fn decide(rule: &AnswerRule, facts: AnswerFacts, now: i64) -> AnswerDecision {
    if facts.already_credited {
        return AnswerDecision::Already;
    }
    if facts.partial {
        return AnswerDecision::NotEligible("partial");
    }
    if !facts.stored_for_customer {
        return AnswerDecision::NotEligible("not stored for this customer");
    }
    if let Some(last) = facts.last_credit_for_survey {
        let next = last.saturating_add(rule.period_millis());
        if now < next {
            return AnswerDecision::TooSoon { next };
        }
    }
    if rule.points <= 0 {
        return AnswerDecision::NotEligible("no points configured");
    }
    AnswerDecision::Credit(rule.points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::rules::DAY_MILLIS;

    const RULE: AnswerRule = AnswerRule {
        points: 20,
        period_days: 30,
    };

    fn facts() -> AnswerFacts {
        AnswerFacts {
            partial: false,
            stored_for_customer: true,
            already_credited: false,
            last_credit_for_survey: None,
        }
    }

    #[test]
    fn first_complete_answer_earns() {
        assert_eq!(decide(&RULE, facts(), 0), AnswerDecision::Credit(20));
    }

    #[test]
    fn partial_retry_and_foreign_rows_do_not() {
        let partial = AnswerFacts {
            partial: true,
            ..facts()
        };
        assert_eq!(
            decide(&RULE, partial, 0),
            AnswerDecision::NotEligible("partial")
        );
        let again = AnswerFacts {
            already_credited: true,
            ..facts()
        };
        assert_eq!(decide(&RULE, again, 0), AnswerDecision::Already);
        let foreign = AnswerFacts {
            stored_for_customer: false,
            ..facts()
        };
        assert!(matches!(
            decide(&RULE, foreign, 0),
            AnswerDecision::NotEligible(_)
        ));
    }

    #[test]
    fn once_per_survey_per_period() {
        let last = 1_000;
        let recent = AnswerFacts {
            last_credit_for_survey: Some(last),
            ..facts()
        };
        let next = last + 30 * DAY_MILLIS;
        assert_eq!(
            decide(&RULE, recent, next - 1),
            AnswerDecision::TooSoon { next }
        );
        assert_eq!(decide(&RULE, recent, next), AnswerDecision::Credit(20));
    }
}

//! The feedback report: every answer scored by its question's type, overall,
//! per question and per ISO week, with the questions that could not be
//! scored named rather than silently dropped.
//!
//! A question's type comes, in this order, from the export row itself, from
//! [`FeedbackOptions::question_types`] keyed `survey/question` (a site
//! configuration, see [`crate::data::parse_survey_types`]) or by bare
//! question id (given by hand), and last from the question id when it is
//! literally `nps`, `csat` or `ces` (the demo site's convention). A question
//! with numeric answers and no type is listed in
//! [`FeedbackReport::unscored`] with a warning.
//!
//! Values off the type's scale or not whole numbers are not scored and are
//! counted in `invalid`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::scores::{ces, csat, nps, whole_in, Ces, Csat, FeedbackError, Nps};
use crate::data::date::{day_of, format_day};
use crate::data::{FeedbackAnswer, QuestionType, QuestionTypes};

/// Options of [`feedback_report`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FeedbackOptions {
    /// Question types by `"survey/question"` or by bare question id (the
    /// former win); the export's own type wins over both.
    pub question_types: QuestionTypes,
    /// Only answers to this question id (`None`: all).
    pub question: Option<String>,
    /// Only answers of this survey (`None`: all).
    pub survey: Option<String>,
    /// Confidence level of the NPS interval.
    pub confidence: f64,
}

impl Default for FeedbackOptions {
    fn default() -> Self {
        FeedbackOptions {
            question_types: QuestionTypes::new(),
            question: None,
            survey: None,
            confidence: 0.95,
        }
    }
}

/// Where a question's type was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeSource {
    /// On the answer in the export.
    Export,
    /// In [`FeedbackOptions::question_types`] (site configuration or by hand).
    Config,
    /// From the question id itself (`nps`, `csat`, `ces`).
    QuestionId,
}

/// One scored question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionScore {
    /// Survey id.
    pub survey: String,
    /// Question id.
    pub question: String,
    /// Its type.
    #[serde(rename = "type")]
    pub question_type: QuestionType,
    /// Where the type came from.
    pub type_source: TypeSource,
    /// Answers scored.
    pub responses: u64,
    /// Its score: NPS, CSAT % or CES mean (`None` without answers on the scale).
    pub score: Option<f64>,
}

/// A question with numeric answers whose type is unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unscored {
    /// Survey id.
    pub survey: String,
    /// Question id.
    pub question: String,
    /// Numeric answers left unscored.
    pub answers: u64,
}

/// Scores for one week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyScores {
    /// Monday of the week (`YYYY-MM-DD`).
    pub week_start: String,
    /// NPS that week.
    pub nps: Nps,
    /// CSAT that week.
    pub csat: Csat,
    /// CES that week.
    pub ces: Ces,
}

/// All scores, per question and per week, and what could not be scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackReport {
    /// NPS of every NPS-type answer.
    pub nps: Nps,
    /// CSAT of every CSAT-type answer.
    pub csat: Csat,
    /// CES of every CES-type answer.
    pub ces: Ces,
    /// The scored questions, by survey then question id.
    pub questions: Vec<QuestionScore>,
    /// Questions with numeric answers but no known type (not scored).
    pub unscored: Vec<Unscored>,
    /// Per ISO week, oldest first (weeks without scored answers omitted).
    pub weekly: Vec<WeeklyScores>,
    /// Answers to the scored questions whose value was off the scale.
    pub invalid: u64,
    /// What the reader should know: unscored questions, a chosen question
    /// without answers. Empty when all is well.
    pub warnings: Vec<String>,
}

#[derive(Default)]
struct Buckets {
    nps: Vec<f64>,
    csat: Vec<f64>,
    ces: Vec<f64>,
}

impl Buckets {
    fn of(&mut self, t: QuestionType) -> Option<&mut Vec<f64>> {
        match t {
            QuestionType::Nps => Some(&mut self.nps),
            QuestionType::Csat => Some(&mut self.csat),
            QuestionType::Ces => Some(&mut self.ces),
            _ => None,
        }
    }
}

/// The scale of a scored type.
fn scale(t: QuestionType) -> Option<(f64, f64)> {
    match t {
        QuestionType::Nps => Some((0.0, 10.0)),
        QuestionType::Csat => Some((1.0, 5.0)),
        QuestionType::Ces => Some((1.0, 7.0)),
        _ => None,
    }
}

/// The type of an answer and where it came from.
fn type_of(a: &FeedbackAnswer, types: &QuestionTypes) -> Option<(QuestionType, TypeSource)> {
    if let Some(t) = a.question_type {
        return Some((t, TypeSource::Export));
    }
    if let Some(&t) = types
        .get(&format!("{}/{}", a.survey, a.question))
        .or_else(|| types.get(&a.question))
    {
        return Some((t, TypeSource::Config));
    }
    match a.question.as_str() {
        "nps" => Some((QuestionType::Nps, TypeSource::QuestionId)),
        "csat" => Some((QuestionType::Csat, TypeSource::QuestionId)),
        "ces" => Some((QuestionType::Ces, TypeSource::QuestionId)),
        _ => None,
    }
}

/// Per question: its type and source, and its valid values.
struct PerQuestion {
    kind: Option<(QuestionType, TypeSource)>,
    values: Vec<f64>,
    numeric: u64,
}

/// Scores the answers by their questions' types.
///
/// ```
/// use rapport_metrics::data::{FeedbackAnswer, QuestionType};
/// use rapport_metrics::feedback::{feedback_report, FeedbackOptions};
/// let answer = |q: &str, v: f64| FeedbackAnswer {
///     response_id: "r".into(), survey: "s".into(), question: q.into(),
///     question_type: None, value: v, created_at: 0,
/// };
/// let answers = [answer("recommend", 10.0), answer("recommend", 3.0), answer("stars", 5.0)];
/// let mut opts = FeedbackOptions::default();
/// opts.question_types.insert("recommend".into(), QuestionType::Nps);
/// let r = feedback_report(&answers, &opts).unwrap();
/// assert_eq!(r.nps.score, Some(0.0));
/// // "stars" has no known type: named, not scored.
/// assert_eq!(r.unscored[0].question, "stars");
/// assert_eq!(r.csat.percent, None);
/// ```
pub fn feedback_report(
    answers: &[FeedbackAnswer],
    opts: &FeedbackOptions,
) -> Result<FeedbackReport, FeedbackError> {
    let mut all = Buckets::default();
    let mut weeks: BTreeMap<i64, Buckets> = BTreeMap::new();
    let mut per: BTreeMap<(String, String), PerQuestion> = BTreeMap::new();
    let mut invalid = 0;
    let mut seen_questions: BTreeMap<String, u64> = BTreeMap::new();
    for a in answers {
        if opts.survey.as_ref().is_some_and(|s| *s != a.survey) {
            continue;
        }
        *seen_questions.entry(a.question.clone()).or_default() += 1;
        if opts.question.as_ref().is_some_and(|q| *q != a.question) {
            continue;
        }
        let kind = type_of(a, &opts.question_types);
        let q = per
            .entry((a.survey.clone(), a.question.clone()))
            .or_insert_with(|| PerQuestion {
                kind,
                values: Vec::new(),
                numeric: 0,
            });
        q.numeric += 1;
        let Some((t, _)) = kind else { continue };
        let Some((lo, hi)) = scale(t) else { continue };
        if !whole_in(a.value, lo, hi) {
            invalid += 1;
            continue;
        }
        q.values.push(a.value);
        let monday = (day_of(a.created_at) + 3).div_euclid(7) * 7 - 3;
        if let Some(b) = all.of(t) {
            b.push(a.value);
        }
        if let Some(b) = weeks.entry(monday).or_default().of(t) {
            b.push(a.value);
        }
    }
    let mut questions = Vec::new();
    let mut unscored = Vec::new();
    let mut warnings = Vec::new();
    for ((survey, question), q) in per {
        match q.kind {
            Some((t, source)) if scale(t).is_some() => {
                let score = match t {
                    QuestionType::Nps => nps(&q.values, opts.confidence)?.score,
                    QuestionType::Csat => csat(&q.values).percent,
                    _ => ces(&q.values).mean,
                };
                questions.push(QuestionScore {
                    survey,
                    question,
                    question_type: t,
                    type_source: source,
                    responses: q.values.len() as u64,
                    score,
                });
            }
            Some(_) => {}
            None => {
                warnings.push(format!(
                    "question {question:?} of survey {survey:?} has {} numeric answers but no known type, so it is not scored: give its type (nps, csat or ces) or the site's survey configuration",
                    q.numeric
                ));
                unscored.push(Unscored {
                    survey,
                    question,
                    answers: q.numeric,
                });
            }
        }
    }
    if let Some(q) = &opts.question {
        if !seen_questions.contains_key(q) {
            let known: Vec<&str> = seen_questions.keys().map(String::as_str).collect();
            return Err(FeedbackError::UnknownQuestion {
                question: q.clone(),
                known: known.join(", "),
            });
        }
    }
    let weekly = weeks
        .into_iter()
        .map(|(monday, b)| {
            Ok(WeeklyScores {
                week_start: format_day(monday),
                nps: nps(&b.nps, opts.confidence)?,
                csat: csat(&b.csat),
                ces: ces(&b.ces),
            })
        })
        .collect::<Result<_, FeedbackError>>()?;
    Ok(FeedbackReport {
        nps: nps(&all.nps, opts.confidence)?,
        csat: csat(&all.csat),
        ces: ces(&all.ces),
        questions,
        unscored,
        weekly,
        invalid,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ans(survey: &str, q: &str, t: Option<QuestionType>, v: f64, at: i64) -> FeedbackAnswer {
        FeedbackAnswer {
            response_id: "r".into(),
            survey: survey.into(),
            question: q.into(),
            question_type: t,
            value: v,
            created_at: at,
        }
    }

    #[test]
    fn scores_by_type_with_weekly_trend() -> Result<(), FeedbackError> {
        let day = 86_400;
        let monday = crate::data::date::days_from_civil(2024, 1, 1) * day;
        let answers = [
            ans("s", "nps", None, 10.0, monday),
            ans("s", "nps", None, 0.0, monday + 6 * day),
            ans("s", "nps", None, 9.0, monday + 7 * day),
            ans("s", "csat", None, 9.0, monday),
            ans("s", "why", None, 1.0, monday),
        ];
        let r = feedback_report(&answers, &FeedbackOptions::default())?;
        assert_eq!(r.invalid, 1);
        assert_eq!(r.weekly.len(), 2);
        assert_eq!(r.weekly[0].week_start, "2024-01-01");
        assert_eq!(r.weekly[0].nps.score, Some(0.0));
        assert_eq!(r.weekly[1].nps.score, Some(100.0));
        assert_eq!(r.nps.score, Some(33.3));
        assert_eq!(r.csat.percent, None);
        assert_eq!(r.unscored.len(), 1);
        assert!(r.warnings[0].contains("\"why\""), "{:?}", r.warnings);
        Ok(())
    }

    #[test]
    fn a_csat_question_is_never_scored_as_nps() -> Result<(), FeedbackError> {
        let answers = [
            ans("s", "stars", Some(QuestionType::Csat), 5.0, 0),
            ans("s", "stars", Some(QuestionType::Csat), 4.0, 0),
            ans("s", "stars", Some(QuestionType::Csat), 2.0, 0),
        ];
        let opts = FeedbackOptions {
            question: Some("stars".into()),
            ..FeedbackOptions::default()
        };
        let r = feedback_report(&answers, &opts)?;
        assert_eq!(r.nps.score, None);
        assert_eq!(r.nps.responses, 0);
        assert_eq!(r.csat.percent, Some(66.7));
        assert_eq!(r.questions[0].type_source, TypeSource::Export);
        let missing = FeedbackOptions {
            question: Some("nope".into()),
            ..FeedbackOptions::default()
        };
        let err = feedback_report(&answers, &missing).expect_err("no such question");
        assert!(err.to_string().contains("stars"), "{err}");
        Ok(())
    }

    #[test]
    fn configured_types_apply_per_survey_then_by_id() -> Result<(), FeedbackError> {
        let answers = [ans("a", "q", None, 9.0, 0), ans("b", "q", None, 2.0, 0)];
        let mut opts = FeedbackOptions::default();
        opts.question_types.insert("a/q".into(), QuestionType::Nps);
        opts.question_types.insert("q".into(), QuestionType::Ces);
        let r = feedback_report(&answers, &opts)?;
        assert_eq!(r.nps.score, Some(100.0));
        assert_eq!(r.ces.mean, Some(2.0));
        assert!(r.unscored.is_empty() && r.warnings.is_empty());
        Ok(())
    }
}

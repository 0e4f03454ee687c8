//! Where a survey goes next: branch evaluation, the path a set of answers takes, and the
//! "Question n of m" progress along it.
//!
//! Every jump goes strictly forward (validation rejects backward targets, and these functions
//! treat a backward or unknown target as the end), so every walk ends within
//! `questions.len()` steps, whatever the input.

use crate::prelude::*;

use crate::core::response::{Answer, AnswerValue};
use crate::core::survey::{Survey, END};

/// What to show next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The question at this index of `survey.questions`.
    Question(usize),
    /// The thank-you screen.
    ThankYou,
}

/// Where a survey starts: its first question (or the end, for a survey without questions).
pub fn first_step(survey: &Survey) -> Step {
    if survey.questions.is_empty() {
        Step::ThankYou
    } else {
        Step::Question(0)
    }
}

/// The step after question `current` given its answer (`None` = skipped): the first branch
/// whose condition matches, else the question's `next`, else the following question.
///
/// ```
/// use rapport::core::branching::{next_step, Step};
/// use rapport::core::response::AnswerValue;
/// use rapport::core::survey::SiteConfig;
/// let config = SiteConfig::from_json(r#"{"site": "s", "surveys": [{"id": "x", "questions": [
///   {"id": "nps", "type": "nps", "text": "Recommend us?",
///    "branches": [{"when": {"max": 6}, "goto": "why"}], "next": "end"},
///   {"id": "why", "type": "openText", "text": "Why?"}]}]}"#).unwrap();
/// let survey = &config.surveys[0];
/// assert_eq!(next_step(survey, 0, Some(&AnswerValue::Number(3))), Step::Question(1));
/// assert_eq!(next_step(survey, 0, Some(&AnswerValue::Number(9))), Step::ThankYou);
/// ```
pub fn next_step(survey: &Survey, current: usize, answer: Option<&AnswerValue>) -> Step {
    let Some(q) = survey.questions.get(current) else {
        return Step::ThankYou;
    };
    if let Some(a) = answer {
        let mut i = 0;
        while let Some(b) = q.branches.get(i) {
            if b.when.matches(a) {
                return resolve(survey, current, &b.goto);
            }
            i += 1;
        }
    }
    match &q.next {
        Some(target) => resolve(survey, current, target),
        None if current + 1 < survey.questions.len() => Step::Question(current + 1),
        None => Step::ThankYou,
    }
}

fn resolve(survey: &Survey, from: usize, target: &str) -> Step {
    if target == END {
        return Step::ThankYou;
    }
    match survey.question_index(target) {
        Some(to) if to > from => Step::Question(to),
        _ => Step::ThankYou,
    }
}

/// The first answer to `question` (index loop: no iterator state in the wasm).
fn answer_for<'a>(answers: &'a [Answer], question: &str) -> Option<&'a Answer> {
    let mut i = 0;
    while let Some(a) = answers.get(i) {
        if a.question == question {
            return Some(a);
        }
        i += 1;
    }
    None
}

/// The question indices a visitor goes through with these answers, from the first question
/// to the end. An unanswered question counts as skipped (its default next applies), so for an
/// unfinished survey the tail is the expected remaining path.
pub fn path(survey: &Survey, answers: &[Answer]) -> Vec<usize> {
    walk(survey, answers, first_step(survey), None)
}

/// The question indices from `step` to the end, following the answers given; with `kept`,
/// also copies the answers met on the way there, in path order.
fn walk(
    survey: &Survey,
    answers: &[Answer],
    mut step: Step,
    mut kept: Option<&mut Vec<Answer>>,
) -> Vec<usize> {
    let mut out = Vec::new();
    while let Step::Question(i) = step {
        out.push(i);
        let answer = survey
            .questions
            .get(i)
            .and_then(|q| answer_for(answers, &q.id));
        if let (Some(a), Some(kept)) = (answer, kept.as_deref_mut()) {
            kept.push(a.clone());
        }
        step = next_step(survey, i, answer.map(|a| &a.value));
    }
    out
}

/// The answers that lie on the path they take, in path order. After a visitor goes back and
/// changes an answer, answers to questions the new path skips are dropped by this.
pub fn prune(survey: &Survey, answers: &[Answer]) -> Vec<Answer> {
    let mut kept = Vec::new();
    walk(survey, answers, first_step(survey), Some(&mut kept));
    kept
}

/// Position along the current path, for "Question {n} of {m}".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// 1-based position of the current question.
    pub current: usize,
    /// Questions on the path (current position + expected remaining ones).
    pub total: usize,
}

impl Progress {
    /// Fraction done before the current question, 0.0–1.0, for a progress bar.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.current.saturating_sub(1)) as f64 / self.total as f64
        }
    }
}

/// Progress when showing question `current` with the answers given so far. Questions after
/// `current` follow their answers if any, else their default next.
pub fn progress(survey: &Survey, answers: &[Answer], current: usize) -> Progress {
    let p = path(survey, answers);
    let mut pos = 0;
    while let Some(&i) = p.get(pos) {
        if i == current {
            return Progress {
                current: pos + 1,
                total: p.len(),
            };
        }
        pos += 1;
    }
    // Not on the answers' path (the caller navigated elsewhere): count from `current`.
    let remaining = walk(survey, answers, Step::Question(current), None).len();
    let done = answers.len();
    Progress {
        current: done + 1,
        total: done + remaining,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::survey::{Branch, Condition, Question, QuestionKind, ScaleLabels, SiteConfig};
    use crate::core::text::LocalizedText;
    use proptest::prelude::*;

    fn demo() -> Survey {
        let config = SiteConfig::from_json(include_str!("fixtures/demo_config.json")).unwrap();
        config.survey("post-purchase").unwrap().clone()
    }

    fn ids(s: &Survey, p: &[usize]) -> Vec<String> {
        p.iter().map(|&i| s.questions[i].id.clone()).collect()
    }

    #[test]
    fn detractor_promoter_and_passive_paths() {
        let s = demo();
        let detractor = [Answer::new("nps", AnswerValue::Number(3))];
        assert_eq!(
            ids(&s, &path(&s, &detractor)),
            ["nps", "what-went-wrong", "anything-else"]
        );
        let promoter = [Answer::new("nps", AnswerValue::Number(10))];
        assert_eq!(
            ids(&s, &path(&s, &promoter)),
            ["nps", "review", "anything-else"]
        );
        let passive = [Answer::new("nps", AnswerValue::Number(7))];
        assert_eq!(ids(&s, &path(&s, &passive)), ["nps", "anything-else"]);
    }

    #[test]
    fn progress_counts_along_the_expected_path() {
        let s = demo();
        let answers = [Answer::new("nps", AnswerValue::Number(3))];
        let wrong = s.question_index("what-went-wrong").unwrap();
        assert_eq!(
            progress(&s, &answers, wrong),
            Progress {
                current: 2,
                total: 3
            }
        );
        assert_eq!(
            progress(&s, &[], 0),
            Progress {
                current: 1,
                total: 2
            }
        );
        assert!(
            (Progress {
                current: 2,
                total: 4
            }
            .fraction()
                - 0.25)
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn prune_drops_answers_left_behind_by_a_changed_branch() {
        let s = demo();
        let answers = [
            Answer::new("nps", AnswerValue::Number(9)),
            Answer::new("what-went-wrong", AnswerValue::Text("slow".into())),
            Answer::new("review", AnswerValue::Text("up".into())),
        ];
        let kept: Vec<_> = prune(&s, &answers)
            .into_iter()
            .map(|a| a.question)
            .collect();
        assert_eq!(kept, ["nps", "review"]);
    }

    fn q(id: usize, branches: Vec<(i64, usize)>, next: Option<usize>) -> Question {
        Question {
            id: format!("q{id}"),
            kind: QuestionKind::Nps(ScaleLabels::default()),
            text: LocalizedText::Plain(format!("Question {id}?")),
            required: false,
            branches: branches
                .into_iter()
                .map(|(min, to)| Branch {
                    when: Condition {
                        min: Some(min),
                        ..Condition::default()
                    },
                    goto: format!("q{to}"),
                })
                .collect(),
            next: next.map(|n| format!("q{n}")),
        }
    }

    proptest! {
        // Unvalidated surveys with arbitrary (also backward and dangling) jumps still give
        // strictly increasing, hence finite, paths.
        #[test]
        fn branching_never_loops(
            spec in proptest::collection::vec(
                (proptest::collection::vec((0i64..=10, 0usize..12), 0..3), proptest::option::of(0usize..12)),
                1..10),
            answers in proptest::collection::vec((0usize..10, 0i64..=10), 0..10),
        ) {
            let survey = Survey {
                id: "s".into(),
                name: None,
                trigger: Default::default(),
                targeting: Default::default(),
                throttle: Default::default(),
                questions: spec.into_iter().enumerate().map(|(i, (b, n))| q(i, b, n)).collect(),
                thank_you: Default::default(),
            };
            let answers: Vec<Answer> = answers
                .into_iter()
                .map(|(i, v)| Answer::new(format!("q{i}"), AnswerValue::Number(v)))
                .collect();
            let p = path(&survey, &answers);
            prop_assert!(p.len() <= survey.questions.len());
            prop_assert!(p.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(p.first().copied(), Some(0));
            for i in 0..survey.questions.len() {
                let pr = progress(&survey, &answers, i);
                prop_assert!(pr.current >= 1 && pr.current <= pr.total);
            }
        }
    }
}

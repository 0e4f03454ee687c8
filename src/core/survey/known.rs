//! The collector is the source of truth for which surveys exist.
//!
//! The collector checks every answer against its own definition of the survey and rejects
//! (400) an answer to a survey it does not define, or to a question it does not ask. So a
//! survey given inline (the page's `config` command, the npm package's `config` option) is
//! shown only when the collector defines a survey with the same id that asks the same
//! questions; an inline copy may change only what does not decide whether an answer is
//! accepted: wording (texts, labels, placeholders, thank-you), trigger, targeting,
//! throttling and option order. Anything else is refused before it can be shown, so a
//! shopper is never thanked for an answer that would then be dropped.

use crate::prelude::*;

use super::{ConfigError, PartialSiteConfig, Question, QuestionKind, SiteConfig, Survey};
use crate::core::msg::{subst, uint};

/// Removes from `inline` every survey the collector would not accept answers for, and
/// returns one error for each, naming it (paths are those of `inline`, e.g. `surveys[1]`).
///
/// ```
/// use rapport::core::survey::{known, PartialSiteConfig, SiteConfig};
/// let collector = SiteConfig::from_json(r#"{"site": "shop", "surveys": [
///   {"id": "nps", "questions": [{"id": "q", "type": "nps", "text": "Recommend us?"}]}]}"#).unwrap();
/// let mut inline = PartialSiteConfig::from_json(r#"{"surveys": [
///   {"id": "nps", "questions": [{"id": "q", "type": "nps", "text": "¿Nos recomendarías?"}]},
///   {"id": "new", "questions": [{"id": "q", "type": "thumbs", "text": "Helpful?"}]}]}"#).unwrap();
/// let refused = known::keep_known(&mut inline, &collector);
/// assert_eq!(inline.surveys.len(), 1); // the restated `nps` stays
/// assert_eq!(
///     refused[0].to_string(),
///     "surveys[1]: survey `new` is not in the collector's configuration of site `shop`; it is not shown"
/// );
/// ```
pub fn keep_known(inline: &mut PartialSiteConfig, collector: &SiteConfig) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let mut index = 0u64;
    inline.surveys.retain(|survey| {
        let path = subst("surveys[{}]", &uint(index), "");
        index += 1;
        let refusal = match collector.survey(&survey.id) {
            None => ConfigError::Parse {
                path,
                message: subst(
                    "survey `{}` is not in the collector's configuration of site `{}`; it is not shown",
                    &survey.id,
                    &collector.site,
                ),
            },
            Some(defined) if !same_questions(defined, survey) => ConfigError::Parse {
                path: subst("{}.questions", &path, ""),
                message: subst(
                    "survey `{}` asks other questions than the collector's copy (ids, types, \
                     options, limits, required and branching must match); the collector's \
                     copy is used",
                    &survey.id,
                    "",
                ),
            },
            Some(_) => return true,
        };
        errors.push(refusal);
        false
    });
    errors
}

/// Whether two definitions of a survey accept exactly the same responses: the same
/// questions in the same order, each with the same id, type, options (in any order),
/// "Other" field, length limit, required flag and branching.
pub fn same_questions(a: &Survey, b: &Survey) -> bool {
    a.questions.len() == b.questions.len()
        && a.questions
            .iter()
            .zip(&b.questions)
            .all(|(p, q)| same_question(p, q))
}

fn same_question(a: &Question, b: &Question) -> bool {
    a.id == b.id
        && a.required == b.required
        && a.branches == b.branches
        && a.next == b.next
        && same_kind(&a.kind, &b.kind)
}

fn same_kind(a: &QuestionKind, b: &QuestionKind) -> bool {
    use QuestionKind::*;
    match (a, b) {
        (Nps(_), Nps(_))
        | (Csat(_), Csat(_))
        | (Ces(_), Ces(_))
        | (Thumbs, Thumbs)
        | (Emoji(_), Emoji(_)) => true,
        (SingleChoice { options: x }, SingleChoice { options: y }) => same_ids(x, y),
        (
            MultipleChoice {
                options: x,
                other: p,
            },
            MultipleChoice {
                options: y,
                other: q,
            },
        ) => p == q && same_ids(x, y),
        (OpenText { max_length: x, .. }, OpenText { max_length: y, .. }) => x == y,
        _ => false,
    }
}

/// Whether two option lists have the same ids, in any order (ids are unique in a question).
fn same_ids(a: &[super::Choice], b: &[super::Choice]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| y.id == x.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::response::{validate_response, Response};

    const COLLECTOR: &str = r#"{"site": "shop", "surveys": [
      {"id": "checkout", "questions": [
        {"id": "score", "type": "nps", "text": "Recommend us?", "required": true,
         "branches": [{"when": {"max": 6}, "goto": "why"}], "next": "end"},
        {"id": "why", "type": "multipleChoice", "text": "Why?", "other": true,
         "options": [{"id": "price", "label": "Price"}, {"id": "speed", "label": "Speed"}]},
        {"id": "more", "type": "openText", "text": "Anything else?", "maxLength": 500}
      ]},
      {"id": "thumbs", "trigger": {"type": "manual"},
       "questions": [{"id": "q", "type": "thumbs", "text": "Helpful?"}]}
    ]}"#;

    fn collector() -> SiteConfig {
        SiteConfig::from_json(COLLECTOR).unwrap()
    }

    /// The collector's `checkout` survey as inline JSON, with `edit` applied to its text.
    fn checkout(edit: impl Fn(String) -> String) -> PartialSiteConfig {
        let start = COLLECTOR.find(r#"{"id": "checkout""#).unwrap();
        let end = COLLECTOR
            .find(
                r#",
      {"id": "thumbs""#,
            )
            .unwrap();
        let survey = edit(COLLECTOR[start..end].to_owned());
        PartialSiteConfig::from_json(&format!(r#"{{"surveys": [{survey}]}}"#)).unwrap()
    }

    fn refused(mut inline: PartialSiteConfig) -> Vec<String> {
        let before = inline.surveys.len();
        let errors = keep_known(&mut inline, &collector());
        assert_eq!(inline.surveys.len() + errors.len(), before);
        errors.iter().map(ConfigError::text).collect()
    }

    #[test]
    fn a_survey_the_collector_does_not_define_is_refused_by_name() {
        let inline = PartialSiteConfig::from_json(
            r#"{"locale": "es", "surveys": [
              {"id": "thumbs", "questions": [{"id": "q", "type": "thumbs", "text": "¿Útil?"}]},
              {"id": "inline-only", "questions": [{"id": "q", "type": "thumbs", "text": "?"}]}]}"#,
        )
        .unwrap();
        let mut kept = inline.clone();
        let errors = keep_known(&mut kept, &collector());
        assert_eq!(
            errors.iter().map(ConfigError::text).collect::<Vec<_>>(),
            [
                "surveys[1]: survey `inline-only` is not in the collector's configuration of site \
              `shop`; it is not shown"
            ]
        );
        // The known survey and the other settings stay.
        assert_eq!(kept.surveys.len(), 1);
        assert_eq!(kept.surveys[0].id, "thumbs");
        assert_eq!(kept.locale.as_deref(), Some("es"));
    }

    #[test]
    fn without_the_collectors_configuration_no_inline_survey_is_shown() {
        let inline = checkout(|s| s);
        let mut kept = inline.clone();
        let errors = keep_known(&mut kept, &SiteConfig::new("shop"));
        assert_eq!(errors.len(), 1);
        assert!(kept.surveys.is_empty());
    }

    #[test]
    fn wording_trigger_targeting_throttle_and_option_order_may_change() {
        assert_eq!(refused(checkout(|s| s)), Vec::<String>::new());
        let reworded = checkout(|s| {
            s.replace("Recommend us?", "¿Nos recomendarías?")
                .replace(r#""label": "Price""#, r#""label": {"es": "Precio"}"#)
                .replace(
                    r#""id": "checkout","#,
                    r#""id": "checkout", "trigger": {"type": "delay", "seconds": 3},
                       "targeting": {"url": {"match": "prefix", "value": "/cart"}},
                       "throttle": {"sample": 50}, "thankYou": {"title": "¡Gracias!"},"#,
                )
                .replace(
                    r#"{"id": "price", "label": "Price"}, {"id": "speed", "label": "Speed"}"#,
                    r#"{"id": "speed", "label": "Speed"}, {"id": "price", "label": "Price"}"#,
                )
                .replace(
                    r#""maxLength": 500"#,
                    r#""maxLength": 500, "placeholder": "…""#,
                )
        });
        assert_eq!(refused(reworded), Vec::<String>::new());
    }

    #[test]
    fn anything_that_decides_whether_an_answer_is_accepted_may_not() {
        let changes: [(&str, &str); 8] = [
            (r#""id": "more""#, r#""id": "other""#),
            (r#""type": "nps""#, r#""type": "ces""#),
            (r#""required": true,"#, ""),
            (r#""max": 6"#, r#""max": 7"#),
            (r#", "next": "end""#, ""),
            (r#", {"id": "speed", "label": "Speed"}"#, ""),
            (r#""other": true,"#, ""),
            (r#""maxLength": 500"#, r#""maxLength": 501"#),
        ];
        for (from, to) in changes {
            let inline = checkout(|s| {
                assert!(s.contains(from), "{from}");
                s.replacen(from, to, 1)
            });
            assert_eq!(
                refused(inline),
                [
                    "surveys[0].questions: survey `checkout` asks other questions than the \
                  collector's copy (ids, types, options, limits, required and branching must \
                  match); the collector's copy is used"
                ],
                "{from} → {to}"
            );
        }
        // A question fewer, or one more.
        let fewer = checkout(|s| {
            let at = s
                .find(
                    r#",
        {"id": "more""#,
                )
                .unwrap();
            let end = s.rfind(']').unwrap();
            format!("{}{}", &s[..at], &s[end..])
        });
        assert_eq!(refused(fewer).len(), 1);
    }

    /// The property the rule exists for: whatever an accepted inline copy collects, the
    /// collector's own check accepts.
    #[test]
    fn answers_to_an_accepted_copy_pass_the_collectors_check() {
        let collector = collector();
        let mut inline = checkout(|s| s.replace("Why?", "¿Por qué?"));
        assert!(keep_known(&mut inline, &collector).is_empty());
        let copy = &inline.surveys[0];
        let response = |answers: &str| {
            Response::from_json(&format!(
                r#"{{"id": "r", "site": "shop", "survey": "checkout", "answers": {answers}}}"#
            ))
            .unwrap()
        };
        for answers in [
            r#"[{"question": "score", "value": 9}]"#,
            r#"[{"question": "score", "value": 3}, {"question": "why", "value": {"choices": ["speed"], "other": "x"}}]"#,
        ] {
            let r = response(answers);
            assert_eq!(r.validate(copy), Ok(()), "{answers}");
            assert_eq!(validate_response(&collector, &r), Ok(()), "{answers}");
        }
    }
}

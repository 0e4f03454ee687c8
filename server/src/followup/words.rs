//! The follow-up card's frame strings in the 9 bundled locales (the widget's and panel's
//! list). The collector sends them with the follow-ups, so the lazily loaded chunk carries
//! no words of its own. `{score}`, `{max}` and `{author}` are filled in by the chunk.

use rapport::core::i18n::Locale;
use serde::Serialize;

/// The strings of one locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Words {
    /// The card's heading.
    pub title: &'static str,
    /// Before the quote: "You told us".
    pub you_told_us: &'static str,
    /// A quoted score: "{score} out of {max}".
    pub score: &'static str,
    /// Before the reply: "{author} replied".
    pub replied: &'static str,
    /// The helpful question.
    pub helpful: &'static str,
    /// Yes.
    pub yes: &'static str,
    /// No.
    pub no: &'static str,
    /// After a vote.
    pub thanks: &'static str,
    /// The close button's label.
    pub close: &'static str,
}

/// The strings of `locale`.
pub fn of(locale: Locale) -> Words {
    match locale {
        Locale::En => Words {
            title: "A reply to your feedback",
            you_told_us: "You told us",
            score: "{score} out of {max}",
            replied: "{author} replied",
            helpful: "Was this helpful?",
            yes: "Yes",
            no: "No",
            thanks: "Thanks for letting us know.",
            close: "Close",
        },
        Locale::Es => Words {
            title: "Una respuesta a tu opinión",
            you_told_us: "Nos dijiste",
            score: "{score} de {max}",
            replied: "{author} respondió",
            helpful: "¿Te ha resultado útil?",
            yes: "Sí",
            no: "No",
            thanks: "Gracias por decírnoslo.",
            close: "Cerrar",
        },
        Locale::Fr => Words {
            title: "Une réponse à votre avis",
            you_told_us: "Vous nous avez dit",
            score: "{score} sur {max}",
            replied: "{author} a répondu",
            helpful: "Cette réponse vous a-t-elle aidé ?",
            yes: "Oui",
            no: "Non",
            thanks: "Merci de nous l’avoir dit.",
            close: "Fermer",
        },
        Locale::De => Words {
            title: "Eine Antwort auf Ihr Feedback",
            you_told_us: "Sie haben uns gesagt",
            score: "{score} von {max}",
            replied: "{author} hat geantwortet",
            helpful: "War das hilfreich?",
            yes: "Ja",
            no: "Nein",
            thanks: "Danke für Ihre Rückmeldung.",
            close: "Schließen",
        },
        Locale::Nl => Words {
            title: "Een antwoord op je feedback",
            you_told_us: "Je vertelde ons",
            score: "{score} van {max}",
            replied: "{author} antwoordde",
            helpful: "Was dit nuttig?",
            yes: "Ja",
            no: "Nee",
            thanks: "Bedankt voor je reactie.",
            close: "Sluiten",
        },
        Locale::Pt => Words {
            title: "Uma resposta à sua opinião",
            you_told_us: "Você nos disse",
            score: "{score} de {max}",
            replied: "{author} respondeu",
            helpful: "Isto foi útil?",
            yes: "Sim",
            no: "Não",
            thanks: "Obrigado por nos dizer.",
            close: "Fechar",
        },
        Locale::Ca => Words {
            title: "Una resposta a la teva opinió",
            you_told_us: "Ens vas dir",
            score: "{score} de {max}",
            replied: "{author} ha respost",
            helpful: "T’ha estat útil?",
            yes: "Sí",
            no: "No",
            thanks: "Gràcies per dir-nos-ho.",
            close: "Tanca",
        },
        Locale::Ar => Words {
            title: "رد على ملاحظاتك",
            you_told_us: "أخبرتنا",
            score: "{score} من {max}",
            replied: "ردّ {author}",
            helpful: "هل كان هذا مفيدًا؟",
            yes: "نعم",
            no: "لا",
            thanks: "شكرًا لإخبارنا.",
            close: "إغلاق",
        },
        Locale::He => Words {
            title: "תשובה למשוב שלך",
            you_told_us: "אמרת לנו",
            score: "{score} מתוך {max}",
            replied: "{author} השיב/ה",
            helpful: "האם זה עזר?",
            yes: "כן",
            no: "לא",
            thanks: "תודה שסיפרת לנו.",
            close: "סגירה",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_has_every_string_and_placeholder() {
        for l in Locale::ALL {
            let w = of(l);
            for s in [
                w.title,
                w.you_told_us,
                w.helpful,
                w.yes,
                w.no,
                w.thanks,
                w.close,
            ] {
                assert!(!s.trim().is_empty(), "{l:?}");
            }
            assert!(
                w.score.contains("{score}") && w.score.contains("{max}"),
                "{l:?}"
            );
            assert!(w.replied.contains("{author}"), "{l:?}");
        }
        assert_ne!(of(Locale::De).yes, of(Locale::En).yes);
    }
}

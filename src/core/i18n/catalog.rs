//! The translations: one [`Strings`] table per locale, every field filled (a missing
//! string is a compile error). Templates: `{n}` and `{m}` are numbers, `{n}` first.
//!
//! English is built into the widget; the others are compiled with the `std` feature only
//! (native builds), from which the build writes the locale files the widget fetches.

use super::Strings;

/// English.
pub(super) static EN: Strings = Strings {
    submit: "Submit",
    next: "Next",
    back: "Back",
    close: "Close",
    minimise: "Minimise",
    expand: "Expand",
    shortcut: "Survey: press Alt+Shift+R to answer it.",
    thank_you_title: "Thank you!",
    thank_you_body: "Your feedback has been received.",
    earned: ("You earned 1 point.", "You earned {n} points."),
    nps_ends: ("Not likely", "Very likely"),
    csat_ends: ("Very dissatisfied", "Very satisfied"),
    ces_ends: ("Very difficult", "Very easy"),
    thumbs: ["Thumbs up", "Thumbs down"],
    emoji: ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"],
    other: "Other",
    text_placeholder: "Type your answer…",
    required: "Please answer this question.",
    progress: "Question {n} of {m}",
    stars: "{n} of 5 stars",
};

/// Spanish.
#[cfg(feature = "std")]
pub(super) static ES: Strings = Strings {
    submit: "Enviar",
    next: "Siguiente",
    back: "Atrás",
    close: "Cerrar",
    minimise: "Minimizar",
    expand: "Expandir",
    shortcut: "Encuesta: pulsa Alt+Mayús+R para responderla.",
    thank_you_title: "¡Gracias!",
    thank_you_body: "Hemos recibido tu opinión.",
    earned: ("Has ganado 1 punto.", "Has ganado {n} puntos."),
    nps_ends: ("Nada probable", "Muy probable"),
    csat_ends: ("Muy insatisfecho", "Muy satisfecho"),
    ces_ends: ("Muy difícil", "Muy fácil"),
    thumbs: ["Pulgar arriba", "Pulgar abajo"],
    emoji: [
        "Muy descontento",
        "Descontento",
        "Neutral",
        "Contento",
        "Muy contento",
    ],
    other: "Otro",
    text_placeholder: "Escribe tu respuesta…",
    required: "Responde a esta pregunta, por favor.",
    progress: "Pregunta {n} de {m}",
    stars: "{n} de 5 estrellas",
};

/// French.
#[cfg(feature = "std")]
pub(super) static FR: Strings = Strings {
    submit: "Envoyer",
    next: "Suivant",
    back: "Retour",
    close: "Fermer",
    minimise: "Réduire",
    expand: "Agrandir",
    shortcut: "Questionnaire : appuyez sur Alt+Maj+R pour y répondre.",
    thank_you_title: "Merci !",
    thank_you_body: "Votre avis a bien été reçu.",
    earned: ("Vous avez gagné 1 point.", "Vous avez gagné {n} points."),
    nps_ends: ("Peu probable", "Très probable"),
    csat_ends: ("Très insatisfait", "Très satisfait"),
    ces_ends: ("Très difficile", "Très facile"),
    thumbs: ["Pouce levé", "Pouce baissé"],
    emoji: [
        "Très mécontent",
        "Mécontent",
        "Neutre",
        "Content",
        "Très content",
    ],
    other: "Autre",
    text_placeholder: "Saisissez votre réponse…",
    required: "Veuillez répondre à cette question.",
    progress: "Question {n} sur {m}",
    stars: "{n} étoiles sur 5",
};

/// German.
#[cfg(feature = "std")]
pub(super) static DE: Strings = Strings {
    submit: "Senden",
    next: "Weiter",
    back: "Zurück",
    close: "Schließen",
    minimise: "Minimieren",
    expand: "Erweitern",
    shortcut: "Umfrage: Alt+Umschalt+R drücken, um sie zu beantworten.",
    thank_you_title: "Vielen Dank!",
    thank_you_body: "Ihr Feedback ist bei uns angekommen.",
    earned: (
        "Sie haben 1 Punkt erhalten.",
        "Sie haben {n} Punkte erhalten.",
    ),
    nps_ends: ("Unwahrscheinlich", "Sehr wahrscheinlich"),
    csat_ends: ("Sehr unzufrieden", "Sehr zufrieden"),
    ces_ends: ("Sehr schwierig", "Sehr einfach"),
    thumbs: ["Daumen hoch", "Daumen runter"],
    emoji: [
        "Sehr unglücklich",
        "Unglücklich",
        "Neutral",
        "Glücklich",
        "Sehr glücklich",
    ],
    other: "Sonstiges",
    text_placeholder: "Ihre Antwort…",
    required: "Bitte beantworten Sie diese Frage.",
    progress: "Frage {n} von {m}",
    stars: "{n} von 5 Sternen",
};

/// Dutch.
#[cfg(feature = "std")]
pub(super) static NL: Strings = Strings {
    submit: "Verzenden",
    next: "Volgende",
    back: "Terug",
    close: "Sluiten",
    minimise: "Minimaliseren",
    expand: "Uitvouwen",
    shortcut: "Enquête: druk op Alt+Shift+R om te antwoorden.",
    thank_you_title: "Bedankt!",
    thank_you_body: "We hebben je feedback ontvangen.",
    earned: ("Je hebt 1 punt verdiend.", "Je hebt {n} punten verdiend."),
    nps_ends: ("Niet waarschijnlijk", "Zeer waarschijnlijk"),
    csat_ends: ("Zeer ontevreden", "Zeer tevreden"),
    ces_ends: ("Zeer moeilijk", "Zeer makkelijk"),
    thumbs: ["Duim omhoog", "Duim omlaag"],
    emoji: [
        "Zeer ontevreden",
        "Ontevreden",
        "Neutraal",
        "Blij",
        "Zeer blij",
    ],
    other: "Anders",
    text_placeholder: "Typ je antwoord…",
    required: "Beantwoord deze vraag.",
    progress: "Vraag {n} van {m}",
    stars: "{n} van 5 sterren",
};

/// Portuguese.
#[cfg(feature = "std")]
pub(super) static PT: Strings = Strings {
    submit: "Enviar",
    next: "Próximo",
    back: "Voltar",
    close: "Fechar",
    minimise: "Minimizar",
    expand: "Expandir",
    shortcut: "Inquérito: prima Alt+Shift+R para responder.",
    thank_you_title: "Obrigado!",
    thank_you_body: "Recebemos a sua opinião.",
    earned: ("Ganhou 1 ponto.", "Ganhou {n} pontos."),
    nps_ends: ("Pouco provável", "Muito provável"),
    csat_ends: ("Muito insatisfeito", "Muito satisfeito"),
    ces_ends: ("Muito difícil", "Muito fácil"),
    thumbs: ["Polegar para cima", "Polegar para baixo"],
    emoji: ["Muito infeliz", "Infeliz", "Neutro", "Feliz", "Muito feliz"],
    other: "Outro",
    text_placeholder: "Digite sua resposta…",
    required: "Responda a esta pergunta.",
    progress: "Pergunta {n} de {m}",
    stars: "{n} de 5 estrelas",
};

/// Catalan.
#[cfg(feature = "std")]
pub(super) static CA: Strings = Strings {
    submit: "Envia",
    next: "Següent",
    back: "Enrere",
    close: "Tanca",
    minimise: "Minimitza",
    expand: "Amplia",
    shortcut: "Enquesta: premeu Alt+Maj+R per respondre-la.",
    thank_you_title: "Gràcies!",
    thank_you_body: "Hem rebut la teva opinió.",
    earned: ("Has guanyat 1 punt.", "Has guanyat {n} punts."),
    nps_ends: ("Gens probable", "Molt probable"),
    csat_ends: ("Molt insatisfet", "Molt satisfet"),
    ces_ends: ("Molt difícil", "Molt fàcil"),
    thumbs: ["Polze amunt", "Polze avall"],
    emoji: [
        "Molt descontent",
        "Descontent",
        "Neutral",
        "Content",
        "Molt content",
    ],
    other: "Altres",
    text_placeholder: "Escriu la teva resposta…",
    required: "Respon aquesta pregunta, si us plau.",
    progress: "Pregunta {n} de {m}",
    stars: "{n} de 5 estrelles",
};

/// Arabic.
#[cfg(feature = "std")]
pub(super) static AR: Strings = Strings {
    submit: "إرسال",
    next: "التالي",
    back: "رجوع",
    close: "إغلاق",
    minimise: "تصغير",
    expand: "توسيع",
    shortcut: "استبيان: اضغط Alt+Shift+R للإجابة عنه.",
    thank_you_title: "شكرًا لك!",
    thank_you_body: "تم استلام ملاحظاتك.",
    earned: ("لقد حصلت على نقطة واحدة.", "النقاط التي حصلت عليها: {n}"),
    nps_ends: ("غير محتمل", "محتمل جدًا"),
    csat_ends: ("غير راضٍ إطلاقًا", "راضٍ جدًا"),
    ces_ends: ("صعب جدًا", "سهل جدًا"),
    thumbs: ["إعجاب", "عدم إعجاب"],
    emoji: ["غير سعيد جدًا", "غير سعيد", "محايد", "سعيد", "سعيد جدًا"],
    other: "أخرى",
    text_placeholder: "اكتب إجابتك…",
    required: "يرجى الإجابة عن هذا السؤال.",
    progress: "السؤال {n} من {m}",
    stars: "{n} من 5 نجوم",
};

/// Hebrew.
#[cfg(feature = "std")]
pub(super) static HE: Strings = Strings {
    submit: "שליחה",
    next: "הבא",
    back: "חזרה",
    close: "סגירה",
    minimise: "מזעור",
    expand: "הרחבה",
    shortcut: "סקר: הקישו Alt+Shift+R כדי לענות עליו.",
    thank_you_title: "תודה!",
    thank_you_body: "המשוב שלך התקבל.",
    earned: ("נוספה לך נקודה אחת.", "נוספו לך {n} נקודות."),
    nps_ends: ("לא סביר", "סביר מאוד"),
    csat_ends: ("לא מרוצה בכלל", "מרוצה מאוד"),
    ces_ends: ("קשה מאוד", "קל מאוד"),
    thumbs: ["אהבתי", "לא אהבתי"],
    emoji: ["עצוב מאוד", "עצוב", "ניטרלי", "שמח", "שמח מאוד"],
    other: "אחר",
    text_placeholder: "הקלידו את תשובתכם…",
    required: "נא לענות על שאלה זו.",
    progress: "שאלה {n} מתוך {m}",
    stars: "{n} מתוך 5 כוכבים",
};

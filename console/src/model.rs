//! The JSON answers of `/admin/api/*` as the console reads them (camelCase, as the
//! collector's OpenAPI document and the inbox contract state). Extra members are ignored,
//! so a newer collector does not break an older console.

use serde::{Deserialize, Serialize};

/// A console user (`ConsoleUser`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Random id.
    pub id: String,
    /// Sign-in e-mail.
    pub email: String,
    /// `owner` or `agent`.
    pub role: String,
    /// Created, ms since the epoch.
    pub created_at: i64,
    /// Disabled users cannot sign in.
    pub disabled: bool,
}

impl User {
    /// Owners manage users and read the audit log.
    pub fn is_owner(&self) -> bool {
        self.role == "owner"
    }
}

/// The sign-in and `me` answer (`ConsoleSession`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Who is signed in.
    pub user: User,
    /// Sent back as `X-CSRF-Token` on every state-changing request.
    pub csrf_token: String,
    /// Absolute expiry, ms since the epoch.
    pub expires_at: i64,
}

/// `{user}` (setup, create, update).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserAnswer {
    /// The user.
    pub user: User,
}

/// `GET /admin/api/users`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Users {
    /// Every user.
    pub users: Vec<User>,
}

/// One audit line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditEntry {
    /// Position, newest highest.
    pub seq: i64,
    /// When, ms since the epoch.
    pub at: i64,
    /// Acting user's e-mail.
    #[serde(default)]
    pub actor: Option<String>,
    /// What happened (`sign_in`, `user_created`…).
    pub action: String,
    /// What it acted on.
    #[serde(default)]
    pub target: Option<String>,
    /// Client address.
    pub client: String,
}

/// `GET /admin/api/audit`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// The `before` of the next page.
    #[serde(default)]
    pub next: Option<String>,
}

/// `POST /admin/api/setup` body.
#[derive(Debug, Clone, Serialize)]
pub struct SetupBody<'a> {
    /// The token from the link's fragment.
    pub token: &'a str,
    /// The owner's e-mail.
    pub email: &'a str,
    /// The owner's password.
    pub password: &'a str,
}

/// `POST /admin/api/session` body.
#[derive(Debug, Clone, Serialize)]
pub struct SignInBody<'a> {
    /// E-mail.
    pub email: &'a str,
    /// Password.
    pub password: &'a str,
}

/// `POST /admin/api/users` body.
#[derive(Debug, Clone, Serialize)]
pub struct NewUserBody<'a> {
    /// E-mail.
    pub email: &'a str,
    /// Initial password.
    pub password: &'a str,
    /// `agent` or `owner`.
    pub role: &'a str,
}

/// One response, by site and id (bulk actions).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ItemRef {
    /// Site id.
    pub site: String,
    /// Response id.
    pub id: String,
}

/// `POST /admin/api/inbox/bulk` body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkBody {
    /// The responses.
    pub items: Vec<ItemRef>,
    /// New status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Tags to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_tags: Option<Vec<String>>,
    /// Tags to remove.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_tags: Option<Vec<String>>,
    /// New assignee (`Some(None)`: nobody).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Option<String>>,
}

/// `{updated}` of a bulk action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct BulkAnswer {
    /// How many responses changed.
    pub updated: u64,
}

/// `PATCH /admin/api/inbox/{site}/{id}` body.
#[derive(Debug, Clone, Serialize)]
pub struct PatchBody {
    /// New status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The tags, all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// New assignee (`Some(None)`: nobody).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Option<String>>,
}

/// `POST …/notes` body.
#[derive(Debug, Clone, Serialize)]
pub struct NoteBody<'a> {
    /// The note.
    pub text: &'a str,
}

/// The error body of the collector: `{"error": {"code", "message"}}` (the console's
/// endpoints) or `{"error": "code", "message": "…"}` (the flat form).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorBody {
    /// Nested or flat.
    pub error: ErrorDetail,
    /// Flat form's message.
    #[serde(default)]
    pub message: Option<String>,
}

/// The `error` member: `{"code", "message", …}` or just the code. Read with a hand-written
/// visitor rather than `#[serde(untagged)]`, whose buffering of the input into serde's
/// `Content` doubles the decoding code in the wasm.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorDetail {
    /// `{"code", "message", "field"?}`.
    Nested {
        /// Code.
        code: String,
        /// Message.
        message: String,
    },
    /// Just the code.
    Flat(String),
}

impl<'de> Deserialize<'de> for ErrorDetail {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ErrorDetail;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an error code or {code, message}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ErrorDetail, E> {
                Ok(ErrorDetail::Flat(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ErrorDetail, A::Error> {
                let (mut code, mut message, mut field) = (None, String::new(), None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "code" => code = Some(map.next_value::<String>()?),
                        "message" => message = map.next_value::<String>()?,
                        "field" => field = map.next_value::<Option<String>>()?,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let code = code.ok_or_else(|| serde::de::Error::missing_field("error.code"))?;
                // Collectors before `unknown_site` said an unknown site as `not_found` on
                // the field `site`: the same 404, read as the code it has now.
                let code = match (code.as_str(), field.as_deref()) {
                    ("not_found", Some("site")) => "unknown_site".to_owned(),
                    _ => code,
                };
                Ok(ErrorDetail::Nested { code, message })
            }
        }
        d.deserialize_any(V)
    }
}

impl ErrorBody {
    /// `(code, message)` whichever the form.
    pub fn parts(&self) -> (String, String) {
        match &self.error {
            ErrorDetail::Nested { code, message } => (code.clone(), message.clone()),
            ErrorDetail::Flat(code) => (code.clone(), self.message.clone().unwrap_or_default()),
        }
    }
}

/// `GET /admin/api/sites`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Sites {
    /// The collector's sites.
    pub sites: Vec<Site>,
}

impl Sites {
    /// The site a picker starts on: `wanted` when the collector has it, the first site when
    /// nothing is wanted, none when `wanted` is a site the collector does not know (or there
    /// is no site at all).
    pub fn initial(&self, wanted: Option<&str>) -> Option<&str> {
        match wanted {
            Some(w) => self.sites.iter().find(|s| s.id == w).map(|s| s.id.as_str()),
            None => self.sites.first().map(|s| s.id.as_str()),
        }
    }
}

/// One site.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Site {
    /// Site id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
}

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// A response's score.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Score {
    /// `nps`, `csat`, `ces` or `rating`.
    pub kind: String,
    /// The value.
    pub value: f64,
}

/// One answer of a response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Answer {
    /// Question id.
    pub question: String,
    /// The question's text, when the collector knows the survey (absent from older
    /// collectors and for a question no longer in the survey).
    #[serde(default)]
    pub title: Option<String>,
    /// Question type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The value as the shopper gave it.
    pub value: answer_value::Value,
    /// Human label of the value.
    #[serde(default)]
    pub label: Option<String>,
}

impl Answer {
    /// What the response page shows as the question: its text, else its id.
    pub fn heading(&self) -> &str {
        match self.title.as_deref().map(str::trim) {
            Some(title) if !title.is_empty() => title,
            _ => &self.question,
        }
    }
}

/// The customer behind a response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer id.
    pub id: String,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Loyalty tier.
    #[serde(default)]
    pub tier: Option<String>,
    /// Orders so far.
    #[serde(default)]
    pub orders: i64,
    /// Spend so far, minor units.
    #[serde(default)]
    pub spend: f64,
    /// Probability the customer is still active.
    #[serde(default)]
    pub p_alive: Option<Estimate>,
    /// Predicted yearly value, minor units.
    #[serde(default)]
    pub annual_value: Option<Estimate>,
}

/// The user a response is assigned to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Assignee {
    /// User id.
    pub id: String,
    /// E-mail.
    pub email: String,
}

/// An internal note.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Note {
    /// Id (an integer, in the order the notes were written).
    pub id: i64,
    /// The console user who wrote it (`{id, email}`, as an assignee).
    pub author: Assignee,
    /// Text.
    pub text: String,
    /// When, ms since the epoch.
    pub at: i64,
}

/// One inbox row (and, with `notes_list`/`followups_list`, the detail view).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Site id.
    pub site: String,
    /// Response id.
    pub id: String,
    /// Survey id.
    pub survey: String,
    /// Received, ms since the epoch (the API writes it in RFC 3339).
    #[serde(deserialize_with = "crate::timestamp::millis")]
    pub received_at: i64,
    /// Score, if the survey has one.
    #[serde(default)]
    pub score: Option<Score>,
    /// `detractor`, `passive`, `promoter`, `unhappy`…
    #[serde(default)]
    pub band: Option<String>,
    /// Open text.
    #[serde(default)]
    pub text: Option<String>,
    /// Every answer.
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// Page URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Customer, when identified.
    #[serde(default)]
    pub customer: Option<Customer>,
    /// Revenue at risk, minor units.
    #[serde(default)]
    pub risk: Option<Estimate>,
    /// Currency of the money members; `null` when the customer has no scores yet (and
    /// then there is no money to show).
    #[serde(default)]
    pub currency: Option<String>,
    /// `new`, `triaged`, `acting`, `resolved`.
    pub status: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Assignee.
    #[serde(default)]
    pub assignee: Option<Assignee>,
    /// In the holdout group (no follow-up by default).
    #[serde(default)]
    pub holdout: bool,
}

impl Item {
    /// The currency code of the money members (empty when unknown: no scores).
    pub fn currency(&self) -> &str {
        self.currency.as_deref().unwrap_or("")
    }
}

/// `GET /admin/api/inbox`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InboxPage {
    /// Rows.
    pub items: Vec<Item>,
    /// Cursor of the next page.
    #[serde(default)]
    pub next: Option<String>,
}

/// `GET /admin/api/inbox/{site}/{id}`: the item plus its notes (its `followups` member is
/// the count; the response page reads the follow-ups from their own API,
/// [`crate::followup`]). The answer is one object; the shell reads it twice, as an [`Item`]
/// and as [`DetailExtras`] (cheaper in the wasm than `#[serde(flatten)]`, which buffers the
/// whole object first).
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The item.
    pub item: Item,
    /// Notes, oldest first.
    pub notes: Vec<Note>,
}

/// The members of the detail answer beyond the [`Item`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DetailExtras {
    /// Notes, oldest first.
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// `GET /admin/api/themes`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Themes {
    /// Top phrases.
    pub themes: Vec<Theme>,
}

/// One theme.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Theme {
    /// Phrase.
    pub phrase: String,
    /// Occurrences.
    pub count: i64,
    /// Band.
    #[serde(default)]
    pub band: Option<String>,
}

/// An answer's value as the console prints it (`3`, `yes`, `a, b`, the text): any JSON
/// value, read with a hand-written visitor (no `#[serde(untagged)]` buffering).
pub mod answer_value {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    use serde::Deserialize;
    use std::fmt;

    /// The printed value.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Value(pub String);

    impl Value {
        /// The value as the console prints it.
        pub fn display(&self) -> String {
            self.0.clone()
        }
    }

    struct V;

    impl<'de> Visitor<'de> for V {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an answer value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value(if v { "yes" } else { "no" }.to_owned()))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value(v.to_string()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value(v.to_string()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Value(crate::format::number(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value(v.to_owned()))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value("—".to_owned()))
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value("—".to_owned()))
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(V)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut parts = Vec::new();
            while let Some(part) = seq.next_element::<Value>()? {
                parts.push(part.0);
            }
            Ok(Value(parts.join(", ")))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut parts = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Value>()? {
                parts.push(format!("{k}: {}", v.0));
            }
            Ok(Value(parts.join(", ")))
        }
    }

    impl<'de> Deserialize<'de> for Value {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
            d.deserialize_any(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(ids: &[&str]) -> Sites {
        Sites {
            sites: ids
                .iter()
                .map(|id| Site {
                    id: (*id).to_owned(),
                    name: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_picker_starts_on_the_wanted_site_the_first_or_none() {
        let two = sites(&["a", "b"]);
        assert_eq!(two.initial(Some("b")), Some("b"));
        assert_eq!(two.initial(None), Some("a"));
        assert_eq!(two.initial(Some("nope")), None);
        assert_eq!(sites(&[]).initial(None), None);
        assert_eq!(sites(&[]).initial(Some("a")), None);
    }

    #[test]
    fn reads_a_session_and_errors() {
        let s: Session = serde_json::from_str(r#"{"user":{"id":"u1","email":"a@b.c","role":"owner","createdAt":1,"disabled":false},"csrfToken":"t","expiresAt":9,"extra":1}"#).unwrap();
        assert!(s.user.is_owner());
        assert_eq!(s.csrf_token, "t");
        let e: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"csrf","field":"x-csrf-token","message":"missing"}}"#,
        )
        .unwrap();
        assert_eq!(e.parts(), ("csrf".into(), "missing".into()));
        let e: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"unknown_site","field":"site","message":"no site \"x\""}}"#,
        )
        .unwrap();
        assert_eq!(e.parts(), ("unknown_site".into(), "no site \"x\"".into()));
        // The older collector's form of the same answer.
        let e: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"not_found","field":"site","message":"no site \"x\""}}"#,
        )
        .unwrap();
        assert_eq!(e.parts().0, "unknown_site");
        let e: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"not_found","field":"id","message":"no response"}}"#,
        )
        .unwrap();
        assert_eq!(e.parts().0, "not_found");
        let e: ErrorBody =
            serde_json::from_str(r#"{"error":"holdout","message":"in the holdout"}"#).unwrap();
        assert_eq!(e.parts(), ("holdout".into(), "in the holdout".into()));
    }

    #[test]
    fn writes_the_request_bodies() {
        let bulk = BulkBody {
            items: vec![ItemRef {
                site: "s".into(),
                id: "r1".into(),
            }],
            status: Some("triaged".into()),
            add_tags: None,
            remove_tags: None,
            assignee: Some(None),
        };
        assert_eq!(
            serde_json::to_string(&bulk).unwrap(),
            r#"{"items":[{"site":"s","id":"r1"}],"status":"triaged","assignee":null}"#
        );
    }

    #[test]
    fn reads_an_inbox_item() {
        let text = r#"{"items":[{"site":"s","id":"r1","survey":"nps","receivedAt":5,
          "score":{"kind":"nps","value":3},"band":"detractor","text":"late",
          "answers":[{"question":"q1","type":"nps","value":3},{"question":"q2","type":"choice","value":["a","b"],"label":"A, B"}],
          "url":"/cart","customer":{"id":"c1","email":null,"tier":"gold","orders":4,"spend":52000,
          "pAlive":{"value":0.4,"low":0.3,"high":0.5},"annualValue":null},
          "risk":{"value":124000,"low":88000,"high":161000},"currency":"USD","status":"new",
          "tags":["x"],"assignee":null,"notes":0,"followups":1,"holdout":true}],"next":null}"#;
        let page: InboxPage = serde_json::from_str(text).unwrap();
        let item = &page.items[0];
        assert!(item.holdout);
        assert_eq!(item.answers[1].value.display(), "a, b");
        assert_eq!(item.answers[0].value.display(), "3");
        assert_eq!(
            item.customer
                .as_ref()
                .and_then(|c| c.p_alive)
                .map(|p| p.value),
            Some(0.4)
        );
        assert_eq!(page.next, None);
        assert_eq!(item.currency(), "USD");
    }

    #[test]
    fn an_answer_shows_its_question_text_else_its_id() {
        let answers: Vec<Answer> = serde_json::from_str(
            r#"[{"question":"q1","title":"How likely are you to recommend us?","type":"nps","value":9},
                {"question":"q2","type":"text","value":"late"},
                {"question":"q3","title":null,"type":"text","value":"ok"},
                {"question":"q4","title":"  ","type":"text","value":"ok"}]"#,
        )
        .unwrap();
        let headings: Vec<&str> = answers.iter().map(Answer::heading).collect();
        assert_eq!(
            headings,
            ["How likely are you to recommend us?", "q2", "q3", "q4"]
        );
        assert_eq!(
            answers[0].title.as_deref(),
            Some("How likely are you to recommend us?")
        );
        assert_eq!(answers[1].title, None);
    }

    #[test]
    fn reads_an_item_without_scores_and_a_note() {
        let text = r#"{"site":"s","id":"r1","survey":"nps","receivedAt":5,"score":null,
          "band":null,"text":null,"answers":[],"url":null,
          "customer":{"id":"c1","orders":0,"spend":0,"currency":null,"pAlive":null,"annualValue":null},
          "risk":null,"currency":null,"status":"new","tags":[],"assignee":null,"notes":1,
          "followups":0,"holdout":false}"#;
        let item: Item = serde_json::from_str(text).unwrap();
        assert_eq!((item.currency.as_deref(), item.currency()), (None, ""));
        let note: Note = serde_json::from_str(
            r#"{"id":1,"author":{"id":"u1","email":"a@shop.example"},"text":"hi","at":7}"#,
        )
        .unwrap();
        assert_eq!(note.author.email, "a@shop.example");
        let extras: DetailExtras = serde_json::from_str(r#"{"followups":2,"notes":[]}"#).unwrap();
        assert!(extras.notes.is_empty());
    }
}

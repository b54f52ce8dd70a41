//! The HTTP API's bodies, as the server writes and reads them and as the browser and the tests read
//! and send them: one definition for all three. (What the paths are and who may call them:
//! `server/API.md`.)

pub mod auth;
pub mod cameras;
pub mod notify;
pub mod sync;
pub mod tracking;

use serde::{Deserialize, Serialize};

use crate::i18n::Both;

/// The body of every error answer of the API: a code for programs, the message in both languages
/// (`text`, for a screen to show in its person's language; `message`, both joined, for a person
/// reading the raw answer), and each field's problem for a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAnswer {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub text: Both,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldText>,
}

/// One field of a form and what is wrong with it, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldText {
    pub field: String,
    /// "Indonesian / English".
    pub message: String,
    pub text: Both,
}

impl FieldText {
    /// The problem of `field`, said by `message` ("Indonesian / English").
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldText {
        let message = message.into();
        FieldText {
            field: field.into(),
            text: Both::split(&message),
            message,
        }
    }
}

impl ErrorAnswer {
    /// The answer of `code` saying `message` ("Indonesian / English").
    pub fn new(code: &str, message: String, fields: Vec<FieldText>) -> ErrorAnswer {
        ErrorAnswer {
            error: ErrorDetail {
                code: code.to_owned(),
                text: Both::split(&message),
                message,
                fields,
            },
        }
    }
}

/// What an error answer says: the API's [`ErrorAnswer`], or only `{"error":{"message":…}}` (an
/// older server, a proxy in front of it). `None` when the body is neither.
pub fn error_text(body: &str) -> Option<Both> {
    #[derive(Deserialize)]
    struct Bare {
        error: BareDetail,
    }
    #[derive(Deserialize)]
    struct BareDetail {
        message: String,
    }
    if let Ok(answer) = serde_json::from_str::<ErrorAnswer>(body) {
        return Some(answer.error.text);
    }
    serde_json::from_str::<Bare>(body)
        .ok()
        .map(|bare| Both::split(&bare.error.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_answer_carries_both_languages_apart() {
        let answer = ErrorAnswer::new(
            "invalid_fields",
            "nama: wajib / name: required".into(),
            vec![FieldText::new("name", "wajib diisi / required")],
        );
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(json["error"]["text"]["id"], "nama: wajib");
        assert_eq!(json["error"]["text"]["en"], "name: required");
        assert_eq!(json["error"]["fields"][0]["text"]["en"], "required");
        let read: ErrorAnswer = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(read, answer);
        assert_eq!(
            error_text(&json.to_string()),
            Some(Both::new("nama: wajib", "name: required"))
        );
    }

    #[test]
    fn a_bare_error_message_is_read_and_anything_else_is_not() {
        let bare = r#"{"error":{"message":"terlalu besar / too large"}}"#;
        assert_eq!(
            error_text(bare),
            Some(Both::new("terlalu besar", "too large"))
        );
        assert_eq!(error_text("<html>502 Bad Gateway</html>"), None);
        assert_eq!(error_text(r#"{"error":"x"}"#), None);
    }
}

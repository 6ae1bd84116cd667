//! The API key: read once from the environment, trimmed once, checked for a
//! shape an HTTP header can carry, and redacted from text written to logs,
//! errors and stored request logs (never from data that is parsed).
//!
//! Redaction rule: a key shorter than [`MIN_SECRET_LEN`] characters is a
//! placeholder (local servers accept any key), not a secret, and is never
//! redacted. A longer key is replaced by `[redacted]` wherever it occurs as a
//! whole token, that is not directly preceded or followed by a letter, digit,
//! `-` or `_`, in each of its forms: as set (trimmed), percent-encoded and
//! JSON-escaped.

use super::error::LlmError;

/// Keys shorter than this are placeholders, not secrets.
pub const MIN_SECRET_LEN: usize = 8;

const REDACTED: &str = "[redacted]";

/// An API key. Its `Debug` form hides it; [`ApiKey::expose`] is for the
/// request header only.
#[derive(Clone)]
pub struct ApiKey {
    key: String,
    /// The forms searched for when redacting (empty for placeholders).
    forms: Vec<String>,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl ApiKey {
    /// Trims `raw` once; `Ok(None)` when nothing is left. A key must be
    /// printable ASCII without spaces, as HTTP headers and providers need.
    pub fn parse(var: &'static str, raw: &str) -> Result<Option<ApiKey>, LlmError> {
        let key = raw.trim();
        if key.is_empty() {
            return Ok(None);
        }
        if let Some((i, c)) = key.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
            let what = match c {
                ' ' | '\t' => "a space",
                c if c.is_control() => "a control character",
                _ => "a non-ASCII character",
            };
            let position = key[..i].chars().count() + 1;
            return Err(LlmError::MalformedKey {
                var,
                problem: format!("contains {what} at character {position}"),
            });
        }
        Ok(Some(ApiKey::new(key)))
    }

    fn new(key: &str) -> ApiKey {
        let mut forms = Vec::new();
        if key.chars().count() >= MIN_SECRET_LEN {
            for form in [key.to_string(), percent_encoded(key), json_escaped(key)] {
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        ApiKey {
            key: key.to_string(),
            forms,
        }
    }

    /// The key itself, for the request header.
    pub fn expose(&self) -> &str {
        &self.key
    }

    /// `text` with every whole-token occurrence of every form of the key
    /// replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        self.forms
            .iter()
            .fold(text.to_string(), |acc, form| redact_tokens(&acc, form))
    }
}

/// `key`'s form in `text`, only where it stands as a whole token.
fn redact_tokens(text: &str, form: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(form) {
        let end = at + form.len();
        let before = rest[..at].chars().next_back();
        let after = rest[end..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_token_char) || after.is_some_and(is_token_char) {
            out.push_str(form);
        } else {
            out.push_str(REDACTED);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// RFC 3986: everything but unreserved characters as `%XX`.
fn percent_encoded(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The key as it appears inside a JSON string.
fn json_escaped(key: &str) -> String {
    let quoted = serde_json::Value::String(key.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> ApiKey {
        ApiKey::parse("K", raw).expect("valid").expect("set")
    }

    #[test]
    fn redacts_whole_tokens_only() {
        let k = key("abc123456789");
        assert_eq!(k.redact("key=abc123456789 x"), "key=[redacted] x");
        assert_eq!(k.redact("Bearer abc123456789."), "Bearer [redacted].");
        assert_eq!(k.redact("xabc123456789"), "xabc123456789");
        assert_eq!(k.redact("abc123456789_2"), "abc123456789_2");
    }

    #[test]
    fn placeholder_keys_are_not_redacted() {
        let k = key("x");
        assert_eq!(k.redact("x marks the spot"), "x marks the spot");
        assert_eq!(k.expose(), "x");
    }

    #[test]
    fn trims_once_and_redacts_every_form() {
        let k = key("  sk-a/b+c\"d=1234 \n");
        assert_eq!(k.expose(), "sk-a/b+c\"d=1234");
        assert_eq!(k.redact("raw sk-a/b+c\"d=1234 here"), "raw [redacted] here");
        assert_eq!(
            k.redact("url ?key=sk-a%2Fb%2Bc%22d%3D1234&x"),
            "url ?key=[redacted]&x"
        );
        assert_eq!(
            k.redact(r#"{"k":"sk-a/b+c\"d=1234"}"#),
            r#"{"k":"[redacted]"}"#
        );
    }

    #[test]
    fn blank_is_unset_and_malformed_is_named_without_the_key() {
        assert!(ApiKey::parse("K", "  \n").expect("blank").is_none());
        let err = ApiKey::parse("K", "sk-abc def").expect_err("space");
        let text = err.to_string();
        assert!(text.contains("a space at character 7"), "{text}");
        assert!(!text.contains("abc"), "{text}");
        let err = ApiKey::parse("K", "sk-abcé").expect_err("non-ascii");
        assert!(err.to_string().contains("non-ASCII"), "{err}");
        assert_eq!(format!("{:?}", key("sk-123456789")), "[redacted]");
    }
}

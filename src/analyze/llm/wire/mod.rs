//! The three providers' wire formats: request bodies, answer parsing (text
//! and token usage) and error classification. One module per provider.

pub mod gemini;
pub mod ollama;
pub mod openai;

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::error::{LlmError, parse_duration};

/// A conversation: the system instruction, then alternating user and
/// assistant messages (the assistant ones only when re-asking).
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub system: String,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: Role,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// The model's answer text.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub text: String,
}

/// Tokens a provider reported for one answer (what it bills). Thinking
/// tokens are billed as output and counted in `tokens_out`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
}

impl Usage {
    /// Usage from the counters at JSON pointers `input` and `outputs` (summed;
    /// unknown when the first output counter is absent).
    pub(crate) fn at(v: &Value, input: &str, outputs: &[&str]) -> Usage {
        let get = |p: &str| v.pointer(p).and_then(Value::as_u64);
        let tokens_out = outputs.split_first().and_then(|(first, rest)| {
            Some(get(first)? + rest.iter().filter_map(|p| get(p)).sum::<u64>())
        });
        Usage {
            tokens_in: get(input),
            tokens_out,
        }
    }
}

/// What a request asks of the model besides the conversation: sampling
/// temperature (`None` for models that refuse one), the output cap and the
/// thinking budget (Gemini 2.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Generation {
    pub temperature: Option<f32>,
    pub max_output_tokens: u64,
    pub thinking_budget: Option<i64>,
}

const MAX_MESSAGE: usize = 300;

/// A short error message taken from a body (first characters only).
pub(crate) fn short(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(MAX_MESSAGE) {
        Some((i, _)) => format!("{}...", &t[..i]),
        None => t.to_string(),
    }
}

/// An error body as JSON (or `Null`) and its message: the string at
/// `pointer` when there is one, else the start of the body.
pub(crate) fn error_body(body: &str, pointer: &str) -> (Value, String) {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let message = v
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(short)
        .unwrap_or_else(|| short(body));
    (v, message)
}

pub(crate) fn parse_json(body: &str) -> Result<Value, LlmError> {
    serde_json::from_str(body).map_err(|e| LlmError::BadAnswer {
        reason: format!("response is not JSON: {e}"),
        raw: body.to_string(),
    })
}

pub(crate) fn missing(what: &str, body: &str) -> LlmError {
    LlmError::BadAnswer {
        reason: format!("response has no {what}"),
        raw: body.to_string(),
    }
}

/// `retry-after-ms` (milliseconds) or `retry-after` (seconds).
pub(crate) fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    if let Some(s) = get("retry-after").and_then(|v| v.trim().parse::<f64>().ok())
        && s.is_finite()
        && s >= 0.0
    {
        return Some(Duration::from_secs_f64(s));
    }
    None
}

/// What a provider says of its rate limit on an answer (OpenAI and
/// compatible servers send it on every answer; Gemini sends none):
/// `x-ratelimit-limit-requests` / `-tokens` (per minute),
/// `x-ratelimit-remaining-requests` and `x-ratelimit-reset-requests`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateLimits {
    pub requests_per_minute: Option<f64>,
    pub tokens_per_minute: Option<f64>,
    pub remaining_requests: Option<u64>,
    pub reset_requests: Option<Duration>,
}

impl RateLimits {
    pub fn from_headers(headers: &HeaderMap) -> RateLimits {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name: &str| {
            get(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n > 0.0)
        };
        RateLimits {
            requests_per_minute: number("x-ratelimit-limit-requests"),
            tokens_per_minute: number("x-ratelimit-limit-tokens"),
            remaining_requests: get("x-ratelimit-remaining-requests")
                .and_then(|v| v.trim().parse().ok()),
            reset_requests: get("x-ratelimit-reset-requests").and_then(parse_duration),
        }
    }
}

/// `x-ratelimit-reset-requests` / `-tokens` (OpenAI: `"1s"`, `"6m0s"`).
pub(crate) fn ratelimit_reset(headers: &HeaderMap) -> Option<Duration> {
    ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .filter_map(parse_duration)
        .max()
}

/// The error class of a non-429 failure status.
pub(crate) fn by_status(status: u16, message: String) -> LlmError {
    match status {
        500.. => LlmError::Server { status, message },
        401 | 403 => LlmError::Unauthorized { status, message },
        _ => LlmError::Client { status, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn a_refused_key_stops_the_run_other_client_errors_fail_the_call() {
        use crate::analyze::llm::ErrorClass;
        for status in [401, 403] {
            assert_eq!(by_status(status, "no".into()).class(), ErrorClass::FatalRun);
        }
        assert_eq!(by_status(404, "no".into()).class(), ErrorClass::FatalCall);
        assert_eq!(by_status(503, "no".into()).class(), ErrorClass::Transient);
    }

    #[test]
    fn retry_after_ms_wins_over_seconds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after_header(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", HeaderValue::from_static("150"));
        assert_eq!(retry_after_header(&h), Some(Duration::from_millis(150)));
        h.insert(
            "x-ratelimit-reset-requests",
            HeaderValue::from_static("6m0s"),
        );
        assert_eq!(ratelimit_reset(&h), Some(Duration::from_secs(360)));
    }

    #[test]
    fn rate_limit_headers_are_read_from_any_answer() {
        let mut h = HeaderMap::new();
        assert_eq!(RateLimits::from_headers(&h), RateLimits::default());
        h.insert(
            "x-ratelimit-limit-requests",
            HeaderValue::from_static("5000"),
        );
        h.insert(
            "x-ratelimit-limit-tokens",
            HeaderValue::from_static("4000000"),
        );
        h.insert(
            "x-ratelimit-remaining-requests",
            HeaderValue::from_static("4999"),
        );
        h.insert(
            "x-ratelimit-reset-requests",
            HeaderValue::from_static("12ms"),
        );
        let l = RateLimits::from_headers(&h);
        assert_eq!(l.requests_per_minute, Some(5000.0));
        assert_eq!(l.tokens_per_minute, Some(4_000_000.0));
        assert_eq!(l.remaining_requests, Some(4999));
        assert_eq!(l.reset_requests, Some(Duration::from_millis(12)));
    }

    #[test]
    fn short_cuts_long_messages_on_char_boundary() {
        let long = "é".repeat(400);
        assert_eq!(short(&long).chars().count(), MAX_MESSAGE + 3);
    }
}

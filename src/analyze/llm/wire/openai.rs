//! OpenAI-compatible `POST {base}/chat/completions` with
//! `response_format: {type: json_schema, json_schema: {name, strict, schema}}`;
//! usage from `usage`; 429 `insufficient_quota` is fatal, other 429s carry
//! `retry-after-ms` / `retry-after` / `x-ratelimit-reset-*` headers.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Conversation, Role, by_status, error_body, missing, parse_json, ratelimit_reset,
    retry_after_header, short,
};
use crate::analyze::llm::error::LlmError;

/// The `messages` array shared by OpenAI and Ollama.
pub fn messages(conv: &Conversation) -> Vec<Value> {
    let mut out = vec![json!({"role": "system", "content": conv.system})];
    out.extend(conv.messages.iter().map(|m| {
        let role = match m.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        json!({"role": role, "content": m.text})
    }));
    out
}

pub fn request(model: &str, conv: &Conversation, schema: &Value, temperature: f32) -> Value {
    json!({
        "model": model,
        "messages": messages(conv),
        "temperature": temperature,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "call_insight", "strict": true, "schema": schema},
        },
    })
}

pub fn parse(body: &str) -> Result<Answer, LlmError> {
    let v = parse_json(body)?;
    let message = v
        .pointer("/choices/0/message")
        .ok_or_else(|| missing("choices[0].message", body))?;
    if let Some(refusal) = message.get("refusal").and_then(Value::as_str) {
        return Err(LlmError::BadAnswer {
            reason: format!("model refused: {}", short(refusal)),
            raw: body.to_string(),
        });
    }
    let text = message
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("message content", body))?;
    let usage = |k: &str| v.pointer(&format!("/usage/{k}")).and_then(Value::as_u64);
    Ok(Answer {
        text: text.to_string(),
        tokens_in: usage("prompt_tokens"),
        tokens_out: usage("completion_tokens"),
    })
}

pub fn error(status: u16, headers: &HeaderMap, body: &str) -> LlmError {
    let (v, message) = error_body(body, "/error/message");
    if status != 429 {
        return by_status(status, message);
    }
    let is_quota = ["/error/code", "/error/type"]
        .iter()
        .any(|p| v.pointer(p).and_then(Value::as_str) == Some("insufficient_quota"));
    if is_quota {
        return LlmError::InsufficientQuota { message };
    }
    LlmError::RateLimited {
        retry_after: retry_after_header(headers).or_else(|| ratelimit_reset(headers)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::Duration;

    #[test]
    fn insufficient_quota_is_fatal_and_rate_limit_reads_headers() {
        let quota = json!({"error": {"message": "You exceeded your current quota, please check your plan and billing details.",
            "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}).to_string();
        assert!(matches!(
            error(429, &HeaderMap::new(), &quota),
            LlmError::InsufficientQuota { .. }
        ));
        let limited = json!({"error": {"message": "Rate limit reached for gpt-4o-mini on requests per min (RPM)",
            "type": "requests", "param": null, "code": "rate_limit_exceeded"}}).to_string();
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset-requests", HeaderValue::from_static("1s"));
        assert_eq!(
            error(429, &h, &limited),
            LlmError::RateLimited {
                retry_after: Some(Duration::from_secs(1))
            }
        );
        h.insert("retry-after-ms", HeaderValue::from_static("40"));
        assert_eq!(
            error(429, &h, &limited),
            LlmError::RateLimited {
                retry_after: Some(Duration::from_millis(40))
            }
        );
        assert!(matches!(
            error(503, &h, "oops"),
            LlmError::Server { status: 503, .. }
        ));
        assert!(matches!(
            error(400, &h, &limited),
            LlmError::Client { status: 400, .. }
        ));
    }

    #[test]
    fn parses_content_and_usage() {
        let body = json!({"id": "x", "object": "chat.completion", "choices": [{"index": 0,
            "message": {"role": "assistant", "content": "{}", "refusal": null}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}}).to_string();
        let a = parse(&body).expect("answer");
        assert_eq!((a.tokens_in, a.tokens_out), (Some(9), Some(3)));
    }
}

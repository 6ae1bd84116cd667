//! OpenAI-compatible `POST {base}/chat/completions` with
//! `response_format: {type: json_schema, json_schema: {name, strict, schema}}`
//! and `max_completion_tokens` (no `temperature` for reasoning models, which
//! refuse it); usage from `usage` (reasoning tokens are inside
//! `completion_tokens`); a refusal or `finish_reason: content_filter` is a
//! blocked answer, `length` a cut one; 429 `insufficient_quota` is fatal,
//! other 429s carry `retry-after-ms` / `retry-after` / `x-ratelimit-reset-*`.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Conversation, Generation, Role, Usage, by_status, error_body, missing, parse_json,
    ratelimit_reset, retry_after_header, short,
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

/// Reasoning models (o-series, gpt-5) answer 400 `unsupported_value` to a
/// `temperature` other than their default.
pub fn accepts_temperature(model: &str) -> bool {
    let name = model.rsplit('/').next().unwrap_or(model);
    let reasoning = name.starts_with("gpt-5")
        || (name.starts_with('o') && name[1..].starts_with(|c: char| c.is_ascii_digit()));
    !reasoning
}

pub fn request(model: &str, conv: &Conversation, schema: &Value, generation: &Generation) -> Value {
    let mut body = json!({
        "model": model,
        "messages": messages(conv),
        "max_completion_tokens": generation.max_output_tokens,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "call_insight", "strict": true, "schema": schema},
        },
    });
    if let Some(t) = generation
        .temperature
        .filter(|_| accepts_temperature(model))
    {
        body["temperature"] = json!(t);
    }
    body
}

pub fn usage(v: &Value) -> Usage {
    Usage::at(v, "/usage/prompt_tokens", &["/usage/completion_tokens"])
}

pub fn parse(body: &str) -> Result<Answer, LlmError> {
    let v = parse_json(body)?;
    let message = v
        .pointer("/choices/0/message")
        .ok_or_else(|| missing("choices[0].message", body))?;
    if let Some(refusal) = message.get("refusal").and_then(Value::as_str) {
        return Err(LlmError::Blocked {
            reason: format!("model refused: {}", short(refusal)),
        });
    }
    match v
        .pointer("/choices/0/finish_reason")
        .and_then(Value::as_str)
    {
        Some("content_filter") => {
            return Err(LlmError::Blocked {
                reason: "finish_reason content_filter".into(),
            });
        }
        Some("length") => return Err(LlmError::Truncated),
        _ => {}
    }
    let text = message
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("message content", body))?;
    Ok(Answer {
        text: text.to_string(),
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
        assert_eq!(a.text, "{}");
        let u = usage(&serde_json::from_str(&body).expect("json"));
        assert_eq!((u.tokens_in, u.tokens_out), (Some(9), Some(3)));
    }

    #[test]
    fn reasoning_models_get_no_temperature_and_every_model_a_cap() {
        let conv = Conversation {
            system: "s".into(),
            messages: vec![],
        };
        let g = Generation {
            temperature: Some(0.1),
            max_output_tokens: 8192,
            thinking_budget: None,
        };
        for model in ["gpt-5", "gpt-5-mini", "o3", "o4-mini", "openai/o1"] {
            let body = request(model, &conv, &json!({}), &g);
            assert!(body.get("temperature").is_none(), "{model}");
            assert_eq!(body["max_completion_tokens"], json!(8192));
        }
        for model in ["gpt-4o-mini", "gpt-4.1", "llama-3.1-8b", "olmo-2"] {
            let body = request(model, &conv, &json!({}), &g);
            assert!(body.get("temperature").is_some(), "{model}");
        }
    }

    #[test]
    fn refusals_and_filters_are_blocks_and_length_is_a_cut() {
        let answer = |message: Value, finish: &str| {
            json!({"choices": [{"index": 0, "message": message, "finish_reason": finish}]})
                .to_string()
        };
        let refused = answer(
            json!({"role": "assistant", "content": null, "refusal": "I can't help with that."}),
            "stop",
        );
        assert!(matches!(parse(&refused), Err(LlmError::Blocked { .. })));
        let filtered = answer(
            json!({"role": "assistant", "content": ""}),
            "content_filter",
        );
        assert!(matches!(parse(&filtered), Err(LlmError::Blocked { .. })));
        let cut = answer(json!({"role": "assistant", "content": "{\"a\""}), "length");
        assert_eq!(parse(&cut), Err(LlmError::Truncated));
    }
}

//! Gemini REST `POST /v1beta/models/{model}:generateContent`: request with
//! `systemInstruction` and `generationConfig.responseSchema`, usage from
//! `usageMetadata`, 429 `RESOURCE_EXHAUSTED` with `QuotaFailure` (per-day
//! quota ids are fatal) and `RetryInfo.retryDelay`.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Conversation, Role, by_status, error_body, missing, parse_json, retry_after_header,
};
use crate::analyze::llm::error::{LlmError, parse_duration};

const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";
const QUOTA_FAILURE: &str = "type.googleapis.com/google.rpc.QuotaFailure";

pub fn request(conv: &Conversation, schema: &Value, temperature: f32) -> Value {
    let contents: Vec<Value> = conv
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "model",
            };
            json!({"role": role, "parts": [{"text": m.text}]})
        })
        .collect();
    json!({
        "systemInstruction": {"parts": [{"text": conv.system}]},
        "contents": contents,
        "generationConfig": {
            "temperature": temperature,
            "responseMimeType": "application/json",
            "responseSchema": schema,
        },
    })
}

pub fn parse(body: &str) -> Result<Answer, LlmError> {
    let v = parse_json(body)?;
    let candidate = v.pointer("/candidates/0").ok_or_else(|| {
        let block = v
            .pointer("/promptFeedback/blockReason")
            .and_then(Value::as_str)
            .unwrap_or("none");
        missing(&format!("candidate (block reason {block})"), body)
    })?;
    let text: String = candidate
        .pointer("/content/parts")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    if text.is_empty() {
        let reason = candidate
            .get("finishReason")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        return Err(missing(
            &format!("answer text (finishReason {reason})"),
            body,
        ));
    }
    let usage = |k: &str| {
        v.pointer(&format!("/usageMetadata/{k}"))
            .and_then(Value::as_u64)
    };
    Ok(Answer {
        text,
        tokens_in: usage("promptTokenCount"),
        tokens_out: usage("candidatesTokenCount"),
    })
}

pub fn error(status: u16, headers: &HeaderMap, body: &str) -> LlmError {
    let (v, message) = error_body(body, "/error/message");
    if status == 400 && body.contains("API_KEY_INVALID") {
        return LlmError::Unauthorized { status, message };
    }
    if status != 429 {
        return by_status(status, message);
    }
    let details = v
        .pointer("/error/details")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let of_type = |t: &'static str| details.iter().filter(move |d| d["@type"] == t);
    let per_day = of_type(QUOTA_FAILURE)
        .filter_map(|d| d["violations"].as_array())
        .flatten()
        .filter_map(|viol| viol["quotaId"].as_str())
        .any(|id| id.contains("PerDay"));
    if per_day {
        return LlmError::DailyQuota { message };
    }
    let retry_after = of_type(RETRY_INFO)
        .filter_map(|d| d["retryDelay"].as_str())
        .find_map(parse_duration)
        .or_else(|| retry_after_header(headers));
    LlmError::RateLimited { retry_after }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn quota_body(quota_id: &str) -> String {
        json!({"error": {"code": 429, "message": "You exceeded your current quota.",
            "status": "RESOURCE_EXHAUSTED", "details": [
              {"@type": QUOTA_FAILURE, "violations": [{"quotaMetric":
                "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "quotaId": quota_id, "quotaValue": "10"}]},
              {"@type": RETRY_INFO, "retryDelay": "37s"}]}})
        .to_string()
    }

    #[test]
    fn per_minute_quota_is_rate_limit_with_retry_delay() {
        let e = error(
            429,
            &HeaderMap::new(),
            &quota_body("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
        );
        assert_eq!(
            e,
            LlmError::RateLimited {
                retry_after: Some(Duration::from_secs(37))
            }
        );
    }

    #[test]
    fn per_day_quota_is_fatal() {
        let e = error(
            429,
            &HeaderMap::new(),
            &quota_body("GenerateRequestsPerDayPerProjectPerModel-FreeTier"),
        );
        assert!(matches!(e, LlmError::DailyQuota { .. }));
    }

    #[test]
    fn parses_text_and_usage() {
        let body = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "{}"}]},
            "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 12,
            "candidatesTokenCount": 5, "totalTokenCount": 17}})
        .to_string();
        let a = parse(&body).expect("answer");
        assert_eq!(
            (a.text.as_str(), a.tokens_in, a.tokens_out),
            ("{}", Some(12), Some(5))
        );
        assert!(parse(r#"{"promptFeedback": {"blockReason": "SAFETY"}}"#).is_err());
    }
}

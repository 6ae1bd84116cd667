//! Gemini REST `POST /v1beta/models/{model}:generateContent`: request with
//! `systemInstruction` and `generationConfig` (`responseSchema`,
//! `maxOutputTokens`, `thinkingConfig.thinkingBudget`), usage from
//! `usageMetadata` (thinking tokens billed as output), blocked answers
//! (`promptFeedback.blockReason`, `finishReason: SAFETY` ...), 429
//! `RESOURCE_EXHAUSTED` with `QuotaFailure` (per-day quota ids are fatal) and
//! `RetryInfo.retryDelay`.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Conversation, Generation, Role, Usage, by_status, error_body, missing, parse_json,
    retry_after_header,
};
use crate::analyze::llm::error::{LlmError, parse_duration};

const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";
const QUOTA_FAILURE: &str = "type.googleapis.com/google.rpc.QuotaFailure";

/// Finish reasons of a candidate the provider withheld for its content.
const BLOCKED: [&str; 6] = [
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "LANGUAGE",
];

pub fn request(conv: &Conversation, schema: &Value, generation: &Generation) -> Value {
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
    let mut config = json!({
        "maxOutputTokens": generation.max_output_tokens,
        "responseMimeType": "application/json",
        "responseSchema": schema,
    });
    if let Some(t) = generation.temperature {
        config["temperature"] = json!(t);
    }
    if let Some(budget) = generation.thinking_budget {
        config["thinkingConfig"] = json!({"thinkingBudget": budget});
    }
    json!({
        "systemInstruction": {"parts": [{"text": conv.system}]},
        "contents": contents,
        "generationConfig": config,
    })
}

/// Prompt tokens, and answer plus thinking tokens (both billed as output).
pub fn usage(v: &Value) -> Usage {
    Usage::at(
        v,
        "/usageMetadata/promptTokenCount",
        &[
            "/usageMetadata/candidatesTokenCount",
            "/usageMetadata/thoughtsTokenCount",
        ],
    )
}

pub fn parse(body: &str) -> Result<Answer, LlmError> {
    let v = parse_json(body)?;
    if let Some(block) = v
        .pointer("/promptFeedback/blockReason")
        .and_then(Value::as_str)
    {
        return Err(LlmError::Blocked {
            reason: format!("prompt blocked ({block})"),
        });
    }
    let candidate = v
        .pointer("/candidates/0")
        .ok_or_else(|| missing("candidate", body))?;
    let finish = candidate
        .get("finishReason")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    if BLOCKED.contains(&finish) {
        return Err(LlmError::Blocked {
            reason: format!("finishReason {finish}"),
        });
    }
    if finish == "MAX_TOKENS" {
        return Err(LlmError::Truncated);
    }
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
        return Err(missing(
            &format!("answer text (finishReason {finish})"),
            body,
        ));
    }
    Ok(Answer { text })
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
    fn parses_text_and_counts_thinking_as_output() {
        let body = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "{}"}]},
            "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 12,
            "candidatesTokenCount": 5, "thoughtsTokenCount": 40, "totalTokenCount": 57}});
        let a = parse(&body.to_string()).expect("answer");
        assert_eq!(a.text, "{}");
        let u = usage(&body);
        assert_eq!((u.tokens_in, u.tokens_out), (Some(12), Some(45)));
    }

    #[test]
    fn blocked_and_cut_answers_are_named() {
        let blocked = parse(r#"{"promptFeedback": {"blockReason": "SAFETY"}}"#);
        assert!(matches!(blocked, Err(LlmError::Blocked { .. })));
        let safety = json!({"candidates": [{"finishReason": "SAFETY", "index": 0}]}).to_string();
        assert_eq!(
            parse(&safety),
            Err(LlmError::Blocked {
                reason: "finishReason SAFETY".into()
            })
        );
        let cut = json!({"candidates": [{"content": {"parts": [{"text": "{\"a\": "}]},
            "finishReason": "MAX_TOKENS"}]})
        .to_string();
        assert_eq!(parse(&cut), Err(LlmError::Truncated));
    }

    #[test]
    fn request_caps_output_and_sets_thinking_budget_only_when_asked() {
        let conv = Conversation {
            system: "s".into(),
            messages: vec![],
        };
        let mut g = Generation {
            temperature: Some(0.1),
            max_output_tokens: 4096,
            thinking_budget: Some(512),
        };
        let r = request(&conv, &json!({}), &g);
        assert_eq!(r["generationConfig"]["maxOutputTokens"], json!(4096));
        assert_eq!(
            r["generationConfig"]["thinkingConfig"]["thinkingBudget"],
            json!(512)
        );
        g.thinking_budget = None;
        let r = request(&conv, &json!({}), &g);
        assert!(r["generationConfig"].get("thinkingConfig").is_none());
    }
}

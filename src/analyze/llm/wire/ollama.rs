//! Ollama `POST /api/chat` with `format: <schema>`, `stream: false` and
//! `options` (`temperature`, `num_ctx`, `num_predict` as the output cap);
//! usage from `prompt_eval_count` / `eval_count`; `done_reason: length` is a
//! cut answer; errors are `{"error": ".."}`.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{
    Answer, Conversation, Generation, Usage, by_status, error_body, missing, parse_json,
    retry_after_header,
};
use crate::analyze::llm::error::LlmError;

pub fn request(
    model: &str,
    conv: &Conversation,
    schema: &Value,
    generation: &Generation,
    num_ctx: u64,
) -> Value {
    let mut options = json!({"num_ctx": num_ctx, "num_predict": generation.max_output_tokens});
    if let Some(t) = generation.temperature {
        options["temperature"] = json!(t);
    }
    json!({
        "model": model,
        "messages": super::openai::messages(conv),
        "stream": false,
        "format": schema,
        "options": options,
    })
}

pub fn usage(v: &Value) -> Usage {
    Usage::at(v, "/prompt_eval_count", &["/eval_count"])
}

pub fn parse(body: &str) -> Result<Answer, LlmError> {
    let v = parse_json(body)?;
    if v.get("done_reason").and_then(Value::as_str) == Some("length") {
        return Err(LlmError::Truncated);
    }
    let text = v
        .pointer("/message/content")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("message.content", body))?;
    Ok(Answer {
        text: text.to_string(),
    })
}

pub fn error(status: u16, headers: &HeaderMap, body: &str) -> LlmError {
    let (_, message) = error_body(body, "/error");
    if status == 429 {
        return LlmError::RateLimited {
            retry_after: retry_after_header(headers),
        };
    }
    by_status(status, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_counts_and_errors() {
        let body = json!({"model": "llama3.1", "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": "{}"}, "done": true, "done_reason": "stop",
            "prompt_eval_count": 26, "eval_count": 4})
        .to_string();
        assert_eq!(parse(&body).expect("answer").text, "{}");
        let u = usage(&serde_json::from_str(&body).expect("json"));
        assert_eq!((u.tokens_in, u.tokens_out), (Some(26), Some(4)));
        let e = error(
            404,
            &HeaderMap::new(),
            r#"{"error":"model \"x\" not found, try pulling it first"}"#,
        );
        assert!(
            matches!(e, LlmError::Client { status: 404, ref message } if message.contains("not found"))
        );
        assert!(matches!(
            error(503, &HeaderMap::new(), r#"{"error":"server busy"}"#),
            LlmError::Server { .. }
        ));
    }
}

//! The providers' batch APIs (half price, answers within 24 h), on the wire.
//!
//! - Gemini Batch Mode: `POST {base}/v1beta/models/{model}:batchGenerateContent`
//!   with the requests inline (`batch.inputConfig.requests.requests[]`, each
//!   `{request, metadata: {key}}`), answered with an operation named
//!   `batches/ID`; `GET {base}/v1beta/batches/ID` reports
//!   `metadata.state` (`BATCH_STATE_PENDING`, `_RUNNING`, `_SUCCEEDED`,
//!   `_FAILED`, `_CANCELLED`, `_EXPIRED`) and, once done, the answers in
//!   request order at `response.inlinedResponses.inlinedResponses[]`, each
//!   `{response}` or `{error}`.
//! - OpenAI Files + Batches: the requests as a JSONL file (`custom_id`,
//!   `method`, `url`, `body`) uploaded with `POST {base}/files`
//!   (`purpose=batch`), then `POST {base}/batches` (`endpoint`
//!   `/v1/chat/completions`, `completion_window` `24h`); `GET
//!   {base}/batches/ID` reports `status` (`validating`, `in_progress`,
//!   `finalizing`, `completed`, `failed`, `expired`, `cancelling`,
//!   `cancelled`) with `output_file_id` and `error_file_id`, read with `GET
//!   {base}/files/ID/content`, one line per request with its `custom_id`.
//!
//! A results line that cannot be read is counted, never fatal: its call
//! has no answer and the caller decides what that means.

use std::cell::Cell;

use serde_json::{Value, json};

use super::error::LlmError;
use super::provider::{LlmClient, ProviderKind};
use super::wire::{Answer, Usage, short};

/// OpenAI: most requests in one batch.
pub const OPENAI_MAX_REQUESTS: usize = 50_000;
/// OpenAI: largest input file of one batch.
pub const OPENAI_MAX_BYTES: usize = 200 * 1024 * 1024;
/// Gemini: most requests sent inline in one batch (kept well under the
/// 20 MB inline request limit by `GEMINI_MAX_BYTES`).
pub const GEMINI_MAX_REQUESTS: usize = 50_000;
/// Gemini: largest inline batch request body.
pub const GEMINI_MAX_BYTES: usize = 19 * 1024 * 1024;

/// What one batch may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_requests: usize,
    pub max_bytes: usize,
}

/// One request of a batch: the key that finds its answer again and the
/// body exactly as the streaming path would send it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRequest {
    pub key: String,
    pub body: Value,
}

/// Where a provider's batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchState {
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
}

impl BatchState {
    /// No more answers will come.
    pub fn is_terminal(self) -> bool {
        !matches!(self, BatchState::Pending | BatchState::Running)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Pending => "pending",
            BatchState::Running => "running",
            BatchState::Succeeded => "succeeded",
            BatchState::Failed => "failed",
            BatchState::Cancelled => "cancelled",
            BatchState::Expired => "expired",
        }
    }

    fn gemini(state: &str) -> Option<BatchState> {
        let name = state
            .strip_prefix("BATCH_STATE_")
            .or_else(|| state.strip_prefix("JOB_STATE_"))?;
        Some(match name {
            "PENDING" | "QUEUED" => BatchState::Pending,
            "RUNNING" => BatchState::Running,
            "SUCCEEDED" => BatchState::Succeeded,
            "FAILED" => BatchState::Failed,
            "CANCELLED" | "CANCELLING" => BatchState::Cancelled,
            "EXPIRED" => BatchState::Expired,
            _ => return None,
        })
    }

    fn openai(status: &str) -> Option<BatchState> {
        Some(match status {
            "validating" => BatchState::Pending,
            "in_progress" | "finalizing" => BatchState::Running,
            "completed" => BatchState::Succeeded,
            "failed" => BatchState::Failed,
            "cancelling" | "cancelled" => BatchState::Cancelled,
            "expired" => BatchState::Expired,
            _ => return None,
        })
    }
}

/// A batch as last polled.
#[derive(Debug, Clone, PartialEq)]
pub struct Polled {
    pub state: BatchState,
    output: Output,
}

/// Where a batch's answers are.
#[derive(Debug, Clone, PartialEq)]
enum Output {
    /// Gemini: answers in request order.
    Inline(Vec<Value>),
    /// OpenAI: result and error files (either may be absent).
    Files(Vec<String>),
}

/// Which request a results line answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LineKey {
    /// The request's key (`custom_id`, or Gemini's `metadata.key`).
    Key(String),
    /// Gemini without a key: the request's position in the batch.
    Index(usize),
}

/// One request's line in a batch's results.
#[derive(Debug, Clone, PartialEq)]
pub struct LineResult {
    pub key: LineKey,
    pub outcome: LineOutcome,
}

/// What a results line says of its request.
#[derive(Debug, Clone, PartialEq)]
pub enum LineOutcome {
    /// A 2xx answer, parsed as the streaming path parses it.
    Answered(Answered),
    /// The provider's reason the request has no answer.
    Failed(String),
    /// The batch ended (expired, cancelled) before running the request.
    NotRun,
}

/// OpenAI's error codes for a request its batch never ran.
const NOT_RUN: [&str; 2] = ["batch_expired", "batch_cancelled"];

/// A 2xx answer of one batched request.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub answer: Result<Answer, LlmError>,
    pub usage: Usage,
    /// The answer body as received (key redacted), for `inspect`.
    pub body: String,
}

/// A batch's results: one per readable line, and the count of lines that
/// could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub lines: Vec<LineResult>,
    pub unreadable: usize,
}

/// The batch API of the provider `client` talks to.
pub struct BatchApi<'a> {
    client: &'a LlmClient,
    requests: Cell<u64>,
}

impl<'a> BatchApi<'a> {
    /// `None` for a provider without a batch API (Ollama).
    pub fn new(client: &'a LlmClient) -> Option<BatchApi<'a>> {
        match client.kind() {
            ProviderKind::Gemini | ProviderKind::OpenAi => Some(BatchApi {
                client,
                requests: Cell::new(0),
            }),
            ProviderKind::Ollama => None,
        }
    }

    /// HTTP requests sent so far (upload, create, poll, results).
    pub fn requests(&self) -> u64 {
        self.requests.get()
    }

    pub fn limits(&self) -> Limits {
        match self.client.kind() {
            ProviderKind::OpenAi => Limits {
                max_requests: OPENAI_MAX_REQUESTS,
                max_bytes: OPENAI_MAX_BYTES,
            },
            ProviderKind::Gemini | ProviderKind::Ollama => Limits {
                max_requests: GEMINI_MAX_REQUESTS,
                max_bytes: GEMINI_MAX_BYTES,
            },
        }
    }

    /// The request as one entry of the batch (a JSONL line for OpenAI, an
    /// inline request for Gemini); its length counts against `max_bytes`.
    pub fn entry(&self, request: &BatchRequest) -> Value {
        match self.client.kind() {
            ProviderKind::OpenAi => json!({
                "custom_id": request.key,
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": request.body,
            }),
            ProviderKind::Gemini | ProviderKind::Ollama => json!({
                "request": request.body,
                "metadata": {"key": request.key},
            }),
        }
    }

    /// Submits entries (from [`BatchApi::entry`]) as one batch named
    /// `name`; the provider's batch id.
    pub async fn submit(&self, entries: &[Value], name: &str) -> Result<String, LlmError> {
        let base = self.client.base_url();
        let created = match self.client.kind() {
            ProviderKind::OpenAi => {
                let mut jsonl = String::new();
                for entry in entries {
                    jsonl.push_str(&entry.to_string());
                    jsonl.push('\n');
                }
                let file = self.upload(&format!("{base}/files"), &jsonl).await?;
                let id = field(&file, "/id", "file id")?;
                let body = json!({
                    "input_file_id": id,
                    "endpoint": "/v1/chat/completions",
                    "completion_window": "24h",
                    "metadata": {"name": name},
                });
                let url = format!("{base}/batches");
                self.json(self.client.http().post(url).json(&body)).await?
            }
            ProviderKind::Gemini | ProviderKind::Ollama => {
                let model = self.client.model();
                let body = json!({"batch": {
                    "displayName": name,
                    "inputConfig": {"requests": {"requests": entries}},
                }});
                let url = format!("{base}/v1beta/models/{model}:batchGenerateContent");
                self.json(self.client.http().post(url).json(&body)).await?
            }
        };
        let pointer = match self.client.kind() {
            ProviderKind::OpenAi => "/id",
            ProviderKind::Gemini | ProviderKind::Ollama => "/name",
        };
        field(&created, pointer, "batch id")
    }

    /// Where the batch stands, with its answers once it has ended.
    pub async fn poll(&self, id: &str) -> Result<Polled, LlmError> {
        let base = self.client.base_url();
        match self.client.kind() {
            ProviderKind::OpenAi => {
                let url = format!("{base}/batches/{id}");
                let v = self.json(self.client.http().get(url)).await?;
                let status = field(&v, "/status", "batch status")?;
                let state = BatchState::openai(&status)
                    .ok_or_else(|| bad(format!("unknown batch status {status}"), &v))?;
                let files = ["/output_file_id", "/error_file_id"]
                    .iter()
                    .filter_map(|p| v.pointer(p).and_then(Value::as_str))
                    .map(String::from)
                    .collect();
                Ok(Polled {
                    state,
                    output: Output::Files(files),
                })
            }
            ProviderKind::Gemini | ProviderKind::Ollama => {
                let url = format!("{base}/v1beta/{id}");
                let v = self.json(self.client.http().get(url)).await?;
                let status = field(&v, "/metadata/state", "batch state")?;
                let state = BatchState::gemini(&status)
                    .ok_or_else(|| bad(format!("unknown batch state {status}"), &v))?;
                let answers = [
                    "/response/inlinedResponses/inlinedResponses",
                    "/metadata/output/inlinedResponses/inlinedResponses",
                ]
                .iter()
                .find_map(|p| v.pointer(p).and_then(Value::as_array))
                .cloned()
                .unwrap_or_default();
                Ok(Polled {
                    state,
                    output: Output::Inline(answers),
                })
            }
        }
    }

    /// The answers of a polled batch (those it completed, whatever its
    /// state).
    pub async fn results(&self, polled: &Polled) -> Result<Results, LlmError> {
        let mut results = Results::default();
        match &polled.output {
            Output::Inline(answers) => {
                for (index, item) in answers.iter().enumerate() {
                    results.lines.push(self.gemini_line(index, item));
                }
            }
            Output::Files(files) => {
                let base = self.client.base_url();
                for file in files {
                    let url = format!("{base}/files/{file}/content");
                    let text = self.text(self.client.http().get(url)).await?;
                    for line in text.lines().filter(|l| !l.trim().is_empty()) {
                        match self.openai_line(line) {
                            Some(result) => results.lines.push(result),
                            None => results.unreadable += 1,
                        }
                    }
                }
            }
        }
        Ok(results)
    }

    fn gemini_line(&self, index: usize, item: &Value) -> LineResult {
        let key = item
            .pointer("/metadata/key")
            .and_then(Value::as_str)
            .map_or(LineKey::Index(index), |k| LineKey::Key(k.to_string()));
        let outcome = match (item.get("response"), item.get("error")) {
            (Some(response), _) => LineOutcome::Answered(self.answered(&response.to_string())),
            (None, Some(error)) => LineOutcome::Failed(provider_error(error)),
            (None, None) => {
                LineOutcome::Failed("the batch answered this request with nothing".to_string())
            }
        };
        LineResult { key, outcome }
    }

    fn openai_line(&self, line: &str) -> Option<LineResult> {
        let v: Value = serde_json::from_str(line).ok()?;
        let key = LineKey::Key(v.get("custom_id")?.as_str()?.to_string());
        let status = v.pointer("/response/status_code").and_then(Value::as_u64);
        let body = v.pointer("/response/body");
        let error = v.get("error").filter(|e| !e.is_null());
        let code = error.and_then(|e| e.get("code")).and_then(Value::as_str);
        let outcome = match (status, body) {
            (Some(200..=299), Some(body)) => {
                LineOutcome::Answered(self.answered(&body.to_string()))
            }
            (Some(status), Some(body)) => LineOutcome::Failed(format!(
                "HTTP {status}: {}",
                body.pointer("/error/message")
                    .and_then(Value::as_str)
                    .map_or_else(|| short(&body.to_string()), short)
            )),
            _ if code.is_some_and(|c| NOT_RUN.contains(&c)) => LineOutcome::NotRun,
            _ => LineOutcome::Failed(error.map_or_else(
                || "no answer in the results line".to_string(),
                provider_error,
            )),
        };
        Some(LineResult { key, outcome })
    }

    fn answered(&self, body: &str) -> Answered {
        Answered {
            answer: self.client.parse_answer(body),
            usage: self.client.usage(body),
            body: self.client.redact(body),
        }
    }

    /// Uploads a JSONL file with `purpose=batch` (multipart form).
    async fn upload(&self, url: &str, jsonl: &str) -> Result<Value, LlmError> {
        let boundary = format!(
            "callscope-{}",
            &blake3::hash(jsonl.as_bytes()).to_hex()[..24]
        );
        let mut body = String::new();
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
        ));
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"callscope-batch.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"
        ));
        body.push_str(jsonl);
        body.push_str(&format!("\r\n--{boundary}--\r\n"));
        let request = self
            .client
            .http()
            .post(url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.json(request).await
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> Result<Value, LlmError> {
        let text = self.text(request).await?;
        serde_json::from_str(&text).map_err(|e| LlmError::BadAnswer {
            reason: format!("batch API answer is not JSON: {e}"),
            raw: short(&text),
        })
    }

    /// The body of a 2xx answer; any other answer is classified as the
    /// streaming path classifies it.
    async fn text(&self, request: reqwest::RequestBuilder) -> Result<String, LlmError> {
        let url = self.client.base_url().to_string();
        self.requests.set(self.requests.get() + 1);
        let response =
            self.client
                .authorized(request)
                .send()
                .await
                .map_err(|e| LlmError::Connect {
                    url: url.clone(),
                    message: e.without_url().to_string(),
                })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.map_err(|e| LlmError::Connect {
            url,
            message: e.without_url().to_string(),
        })?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            let body = self.client.redact(&text);
            Err(self.client.classify(status, &headers, &body))
        }
    }
}

fn field(v: &Value, pointer: &str, what: &str) -> Result<String, LlmError> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| bad(format!("batch API answer has no {what}"), v))
}

fn bad(reason: String, v: &Value) -> LlmError {
    LlmError::BadAnswer {
        reason,
        raw: short(&v.to_string()),
    }
}

/// A `{code, message}` error object as one line.
fn provider_error(error: &Value) -> String {
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .map_or_else(|| short(&error.to_string()), short);
    match error.get("code") {
        Some(code) if !code.is_null() => format!("{}: {message}", code_text(code)),
        _ => message,
    }
}

fn code_text(code: &Value) -> String {
    code.as_str().map_or_else(|| code.to_string(), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_providers_states_map_to_one_lifecycle() {
        assert_eq!(
            BatchState::gemini("BATCH_STATE_SUCCEEDED"),
            Some(BatchState::Succeeded)
        );
        assert_eq!(
            BatchState::gemini("BATCH_STATE_PENDING"),
            Some(BatchState::Pending)
        );
        assert_eq!(BatchState::openai("finalizing"), Some(BatchState::Running));
        assert_eq!(BatchState::openai("expired"), Some(BatchState::Expired));
        assert_eq!(BatchState::openai("nonsense"), None);
        assert!(BatchState::Cancelled.is_terminal());
        assert!(!BatchState::Running.is_terminal());
    }

    #[test]
    fn provider_errors_read_as_one_line() {
        let e = json!({"code": "batch_expired", "message": "This request could not be executed before the completion window expired."});
        assert!(provider_error(&e).starts_with("batch_expired: This request"));
        assert_eq!(
            provider_error(&json!({"code": 13, "message": "internal"})),
            "13: internal"
        );
    }
}

//! A mock LLM provider on loopback speaking the Gemini, OpenAI and Ollama
//! wire formats. It answers with a JSON instance of whatever schema the
//! request carries and injects faults: lognormal latency (with a time
//! scale), an RPM limit answered with each provider's real 429, 5xx, hangs,
//! malformed JSON, a daily quota, 403s, calls that are always answered
//! malformed ("poisoned"), error bodies echoing the key received, oversized
//! answers and redirects (`/moved/...` to the same server, or every request
//! to another one). Every request is logged.
//! Test support only (benches include it by path); not part of the CLI.
#![allow(dead_code)] // each test binary uses a different part of it

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use tokio::time::Instant;

/// The largest request body the mock accepts (OpenAI's file limit is 512 MB).
const MAX_BODY: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Gemini,
    OpenAi,
    Ollama,
}

/// A fault forced on a given request of every call (deterministic tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    RateLimit,
    ServerError,
    Hang,
    Malformed,
    /// 403 naming the credentials received, as some gateways do.
    Forbidden,
}

#[derive(Debug, Clone)]
pub struct MockConfig {
    /// When set, requests must carry this key the provider's way.
    pub api_key: Option<String>,
    /// Latency of a real call (divided by `time_scale`).
    pub latency_median: Duration,
    pub latency_sigma: f64,
    /// Real time runs this many times faster in the mock.
    pub time_scale: f64,
    /// Requests per real minute before 429 (multiplied by `time_scale`).
    pub rpm: Option<f64>,
    /// Requests that may go ahead of the RPM schedule.
    pub rpm_burst: f64,
    /// `(period, length)`: of every `period` requests, the first `length`
    /// are answered 429 (bursts of rate limiting).
    pub rate_limit_bursts: Option<(u64, u64)>,
    pub server_error_rate: f64,
    pub hang_rate: f64,
    pub malformed_rate: f64,
    /// Successful answers before the daily quota is exhausted.
    pub daily_quota_after: Option<u64>,
    /// `per_call_faults[i]` is forced on the i-th request of every call.
    pub per_call_faults: Vec<Fault>,
    /// Paragraphs answered to report-narrative requests (schema with
    /// `paragraphs`); `None`: a schema instance like any other answer.
    pub narrative: Option<Vec<String>>,
    /// Top-level fields written over every call analysis answer (to play a
    /// model that obeyed an injected instruction).
    pub answer_patch: Option<Value>,
    /// Calls (by id) whose every answer is malformed JSON.
    pub poisoned: Option<fn(&str) -> bool>,
    /// Calls (by id) whose every answer is withheld for its content
    /// (Gemini `finishReason: SAFETY`, OpenAI `refusal`).
    pub blocked: Option<fn(&str) -> bool>,
    /// Thinking tokens Gemini reports (`thoughtsTokenCount`) per answer.
    pub thoughts_tokens: u64,
    /// OpenAI answers carry `x-ratelimit-*` headers on every answer (as the
    /// real service does), not only on 429s.
    pub ratelimit_headers: bool,
    /// 5xx and malformed answers quote the credentials received.
    pub echo_auth: bool,
    /// Keep each request body in the log (large runs turn it off).
    pub keep_bodies: bool,
    /// Every request is answered 307 to this base URL plus the same path.
    pub redirect_to: Option<String>,
    /// Bytes of padding added to every successful answer body.
    pub answer_padding: usize,
    /// Batch API: polls of a batch answered pending/running before it ends.
    pub batch_polls: u32,
    /// Batch API: how the n-th batch created (from 0) ends.
    pub batch_fate: Option<fn(usize) -> BatchFate>,
    /// Batch API: what the results say of each call (by id).
    pub batch_line: Option<fn(&str) -> LineFate>,
    /// Batch API: while set, every batch stays running.
    pub batch_hold: Option<Arc<std::sync::atomic::AtomicBool>>,
    pub seed: u64,
}

/// How a batch of the mock's batch API ends. An expired or cancelled
/// batch has answered the first half of its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFate {
    Succeed,
    Expire,
    Cancel,
    Fail,
}

/// What a finished batch's results say of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFate {
    Answer,
    /// The provider's error for this request (HTTP 500 / an error status).
    Error,
    /// A results line that is not JSON (OpenAI) or an answer whose text is
    /// not JSON (Gemini's inline answers are parsed by the provider).
    Malformed,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            api_key: None,
            latency_median: Duration::ZERO,
            latency_sigma: 0.0,
            time_scale: 1.0,
            rpm: None,
            rpm_burst: 1.0,
            rate_limit_bursts: None,
            server_error_rate: 0.0,
            hang_rate: 0.0,
            malformed_rate: 0.0,
            daily_quota_after: None,
            per_call_faults: Vec::new(),
            narrative: None,
            answer_patch: None,
            poisoned: None,
            blocked: None,
            thoughts_tokens: 0,
            ratelimit_headers: false,
            echo_auth: false,
            keep_bodies: true,
            redirect_to: None,
            answer_padding: 0,
            batch_polls: 1,
            batch_fate: None,
            batch_line: None,
            batch_hold: None,
            seed: 7,
        }
    }
}

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub dialect: Dialect,
    pub path: String,
    pub call_id: Option<String>,
    pub status: u16,
    /// The answer was a valid instance of the schema.
    pub answered: bool,
    /// Authorization / x-goog-api-key header as received.
    pub auth: Option<String>,
    pub body: Value,
    /// Output tokens billed (answer plus thinking), 0 when not answered.
    pub billed_out: u64,
}

struct MockState {
    cfg: MockConfig,
    rng: Mutex<ChaCha8Rng>,
    tat: Mutex<Option<Instant>>,
    per_call: Mutex<HashMap<String, usize>>,
    answered: AtomicU64,
    requests: AtomicU64,
    log: Mutex<Vec<Logged>>,
    batch: batch::BatchState,
}

pub struct MockProvider {
    pub addr: SocketAddr,
    state: Arc<MockState>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl MockProvider {
    pub async fn start(cfg: MockConfig) -> MockProvider {
        let state = Arc::new(MockState {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(cfg.seed)),
            cfg,
            tat: Mutex::new(None),
            per_call: Mutex::new(HashMap::new()),
            answered: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
            batch: batch::BatchState::default(),
        });
        let app = Router::new()
            .route("/v1beta/models/{action}", post(gemini))
            .route("/v1/chat/completions", post(openai))
            .route("/api/chat", post(ollama))
            .route("/moved/{*rest}", post(moved))
            .route("/v1beta/batches/{id}", get(batch::gemini_get))
            .route("/v1/files", post(batch::openai_upload))
            .route("/v1/files/{id}/content", get(batch::openai_file))
            .route("/v1/batches", post(batch::openai_create))
            .route("/v1/batches/{id}", get(batch::openai_get))
            // Batch uploads (a JSONL file, inline Gemini requests) run to
            // hundreds of MB; axum's default limit is 2 MB.
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        MockProvider {
            addr,
            state,
            server,
        }
    }

    /// The `--base-url` for a dialect, by each ecosystem's convention.
    pub fn base_url(&self, dialect: Dialect) -> String {
        match dialect {
            Dialect::OpenAi => format!("http://{}/v1", self.addr),
            Dialect::Gemini | Dialect::Ollama => format!("http://{}", self.addr),
        }
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.log.lock().expect("log").clone()
    }

    /// Valid answers per call id.
    pub fn answers_per_call(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for l in self.log().iter().filter(|l| l.answered) {
            if let Some(id) = &l.call_id {
                *out.entry(id.clone()).or_insert(0) += 1;
            }
        }
        out
    }

    /// Requests for a call that reached the mock, answered or not.
    pub fn requests_received(&self) -> usize {
        self.state.per_call.lock().expect("per call").values().sum()
    }

    /// Batches created through the batch API, and the requests in them.
    pub fn batches_created(&self) -> (usize, usize) {
        let b = self.state.batch.batches.lock().expect("batches");
        (b.len(), b.iter().map(|b| b.entries.len()).sum())
    }

    pub fn count_status(&self, status: u16) -> usize {
        self.log().iter().filter(|l| l.status == status).count()
    }
}

async fn gemini(
    State(st): State<Arc<MockState>>,
    Path(action): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(model) = action.strip_suffix(":batchGenerateContent") {
        return batch::gemini_create(&st, model, &headers, &body);
    }
    let Some(model) = action.strip_suffix(":generateContent") else {
        return reply(
            StatusCode::NOT_FOUND,
            json!({"error": {"code": 404,
            "message": "not found", "status": "NOT_FOUND"}}),
            &[],
        );
    };
    let model = model.to_string();
    handle(
        st,
        Dialect::Gemini,
        format!("/v1beta/models/{action}"),
        headers,
        body,
        model,
    )
    .await
}

async fn openai(State(st): State<Arc<MockState>>, headers: HeaderMap, body: String) -> Response {
    handle(
        st,
        Dialect::OpenAi,
        "/v1/chat/completions".into(),
        headers,
        body,
        String::new(),
    )
    .await
}

async fn ollama(State(st): State<Arc<MockState>>, headers: HeaderMap, body: String) -> Response {
    handle(
        st,
        Dialect::Ollama,
        "/api/chat".into(),
        headers,
        body,
        String::new(),
    )
    .await
}

/// `/moved/PATH` answers 307 to `/PATH` on this same server.
async fn moved(Path(rest): Path<String>) -> Response {
    redirect(&format!("/{rest}"))
}

fn redirect(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::TEMPORARY_REDIRECT)
        .header("location", location)
        .body(Body::empty())
        .expect("valid redirect")
}

fn reply(status: StatusCode, body: Value, headers: &[(&str, String)]) -> Response {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    builder
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// The call id from the prompt's `<<<TRANSCRIPT id=...>>>` marker.
fn call_id_of(body: &str) -> Option<String> {
    let marker = "<<<TRANSCRIPT id=";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find(">>>")? + start;
    Some(body[start..end].to_string())
}

fn auth_of(dialect: Dialect, headers: &HeaderMap) -> Option<String> {
    let name = match dialect {
        Dialect::Gemini => "x-goog-api-key",
        Dialect::OpenAi | Dialect::Ollama => "authorization",
    };
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(String::from)
}

fn schema_of(dialect: Dialect, req: &Value) -> Value {
    let pointer = match dialect {
        Dialect::Gemini => "/generationConfig/responseSchema",
        Dialect::OpenAi => "/response_format/json_schema/schema",
        Dialect::Ollama => "/format",
    };
    req.pointer(pointer).cloned().unwrap_or(Value::Null)
}

/// `value` with the top-level fields of `patch` written over it.
fn patched(mut value: Value, patch: Option<&Value>) -> Value {
    if let (Some(Value::Object(fields)), Some(target)) = (patch, value.as_object_mut()) {
        target.extend(fields.clone());
    }
    value
}

/// A JSON instance of a schema (JSON Schema or Gemini's OpenAPI subset).
pub fn instance(schema: &Value) -> Value {
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if let Some(branch) = schema
        .get("anyOf")
        .and_then(Value::as_array)
        .and_then(|b| b.iter().find(|s| s.get("type") != Some(&json!("null"))))
    {
        return instance(branch);
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.to_ascii_lowercase(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_ascii_lowercase(),
        _ => "null".into(),
    };
    let min = schema.get("minimum").and_then(Value::as_f64);
    match ty.as_str() {
        "object" => {
            let props = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.iter().map(|(k, s)| (k.clone(), instance(s))).collect())
                .unwrap_or_default();
            Value::Object(props)
        }
        "array" => json!([instance(schema.get("items").unwrap_or(&Value::Null))]),
        "string" => json!("mock answer"),
        "integer" => json!(min.unwrap_or(1.0) as i64),
        "number" => json!(min.unwrap_or(50.0)),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

enum Decision {
    Unauthorized(Option<String>),
    Forbidden,
    DailyQuota,
    RateLimited(Duration),
    Hang,
    ServerError,
    Malformed,
    Blocked,
    Answer,
}

impl MockState {
    /// The limit as a client sees it (per real minute of the mock's clock).
    fn effective_rpm(&self) -> Option<f64> {
        self.cfg.rpm.map(|r| r * self.cfg.time_scale)
    }

    /// `x-ratelimit-*` headers for a successful OpenAI answer.
    fn limit_headers(&self, dialect: Dialect) -> Vec<(&'static str, String)> {
        match (dialect, self.cfg.ratelimit_headers, self.effective_rpm()) {
            (Dialect::OpenAi, true, Some(rpm)) => vec![
                ("x-ratelimit-limit-requests", format!("{}", rpm.round())),
                (
                    "x-ratelimit-remaining-requests",
                    format!("{}", (rpm - 1.0).round()),
                ),
                ("x-ratelimit-reset-requests", "1ms".into()),
            ],
            _ => Vec::new(),
        }
    }

    fn chance(&self, p: f64) -> bool {
        p > 0.0 && self.rng.lock().expect("rng").r#gen::<f64>() < p
    }

    fn latency(&self) -> Duration {
        let cfg = &self.cfg;
        if cfg.latency_median.is_zero() {
            return Duration::ZERO;
        }
        let (u1, u2): (f64, f64) = {
            let mut rng = self.rng.lock().expect("rng");
            (1.0 - rng.r#gen::<f64>(), rng.r#gen::<f64>())
        };
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        cfg.latency_median
            .mul_f64((cfg.latency_sigma * z).exp() / cfg.time_scale)
    }

    /// GCRA at `rpm * time_scale` per minute; `Some(wait)` when over.
    fn over_rate(&self) -> Option<Duration> {
        let rpm = self.cfg.rpm?;
        let per = Duration::from_secs_f64(60.0 / (rpm * self.cfg.time_scale));
        let tolerance = per.mul_f64(self.cfg.rpm_burst.max(1.0));
        let now = Instant::now();
        let mut tat = self.tat.lock().expect("tat");
        let t = tat.map_or(now, |t| t.max(now));
        if t > now + tolerance {
            return Some(t - tolerance - now);
        }
        *tat = Some(t + per);
        None
    }

    fn request_index(&self, call_id: &Option<String>) -> Option<usize> {
        let id = call_id.as_ref()?;
        let mut m = self.per_call.lock().expect("per call");
        let n = m.entry(id.clone()).or_insert(0);
        *n += 1;
        Some(*n - 1)
    }

    fn decide(
        &self,
        dialect: Dialect,
        auth: &Option<String>,
        call_id: &Option<String>,
        index: Option<usize>,
    ) -> Decision {
        let cfg = &self.cfg;
        let expected = match (dialect, &cfg.api_key) {
            (Dialect::Gemini, Some(key)) => Some(key.clone()),
            (Dialect::OpenAi, Some(key)) => Some(format!("Bearer {key}")),
            _ => None,
        };
        if expected.is_some() && *auth != expected {
            return Decision::Unauthorized(auth.clone());
        }
        if dialect != Dialect::Ollama
            && cfg
                .daily_quota_after
                .is_some_and(|n| self.answered.load(Ordering::SeqCst) >= n)
        {
            return Decision::DailyQuota;
        }
        let forced = index.and_then(|i| cfg.per_call_faults.get(i)).copied();
        if let Some(wait) = self.over_rate() {
            return Decision::RateLimited(wait);
        }
        let n = self.requests.fetch_add(1, Ordering::SeqCst);
        if cfg
            .rate_limit_bursts
            .is_some_and(|(period, len)| n % period.max(1) < len)
        {
            return Decision::RateLimited(Duration::from_millis(20));
        }
        match forced {
            Some(Fault::RateLimit) => return Decision::RateLimited(Duration::from_millis(5)),
            Some(Fault::Hang) => return Decision::Hang,
            Some(Fault::ServerError) => return Decision::ServerError,
            Some(Fault::Malformed) => return Decision::Malformed,
            Some(Fault::Forbidden) => return Decision::Forbidden,
            None => {}
        }
        if let (Some(poisoned), Some(id)) = (cfg.poisoned, call_id)
            && poisoned(id)
        {
            return Decision::Malformed;
        }
        if let (Some(blocked), Some(id)) = (cfg.blocked, call_id)
            && blocked(id)
        {
            return Decision::Blocked;
        }
        if self.chance(cfg.hang_rate) {
            Decision::Hang
        } else if self.chance(cfg.server_error_rate) {
            Decision::ServerError
        } else if self.chance(cfg.malformed_rate) {
            Decision::Malformed
        } else {
            Decision::Answer
        }
    }
}

async fn handle(
    st: Arc<MockState>,
    dialect: Dialect,
    path: String,
    headers: HeaderMap,
    body: String,
    model: String,
) -> Response {
    let req: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let call_id = call_id_of(&body);
    let auth = auth_of(dialect, &headers);
    if let Some(base) = &st.cfg.redirect_to {
        let response = redirect(&format!("{}{path}", base.trim_end_matches('/')));
        st.log.lock().expect("log").push(Logged {
            dialect,
            path,
            call_id,
            status: response.status().as_u16(),
            answered: false,
            auth,
            body: Value::Null,
            billed_out: 0,
        });
        return response;
    }
    let index = st.request_index(&call_id);
    let decision = st.decide(dialect, &auth, &call_id, index);
    let echoed = st.cfg.echo_auth.then(|| auth.clone().unwrap_or_default());
    let (response, answered, billed_out) = match decision {
        Decision::Unauthorized(got) => (unauthorized(dialect, got), false, 0),
        Decision::Forbidden => (forbidden(auth.clone()), false, 0),
        Decision::DailyQuota => (daily_quota(dialect, &model), false, 0),
        Decision::RateLimited(wait) => (
            rate_limited(dialect, &model, wait, st.effective_rpm()),
            false,
            0,
        ),
        Decision::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            (server_error(dialect), false, 0)
        }
        Decision::ServerError => {
            tokio::time::sleep(st.latency()).await;
            (with_echo(server_error(dialect), echoed).await, false, 0)
        }
        Decision::Malformed => {
            tokio::time::sleep(st.latency()).await;
            let content = match echoed {
                Some(auth) => {
                    format!("{{\"agent_rating\": 7, \"note\": \"{auth}\", \"objections\": [")
                }
                None => "{\"agent_rating\": 7, \"objections\": [".to_string(),
            };
            let (response, billed) = answer(dialect, &model, &content, &body, 0);
            (response, false, billed)
        }
        Decision::Blocked => {
            tokio::time::sleep(st.latency()).await;
            (blocked(dialect, &body), false, 0)
        }
        Decision::Answer => {
            tokio::time::sleep(st.latency()).await;
            let schema = schema_of(dialect, &req);
            let content = match &st.cfg.narrative {
                Some(paragraphs) if schema.pointer("/properties/paragraphs").is_some() => {
                    json!({ "paragraphs": paragraphs }).to_string()
                }
                _ => patched(instance(&schema), st.cfg.answer_patch.as_ref()).to_string(),
            };
            st.answered.fetch_add(1, Ordering::SeqCst);
            let thoughts = match dialect {
                Dialect::Gemini => st.cfg.thoughts_tokens,
                Dialect::OpenAi | Dialect::Ollama => 0,
            };
            let (response, billed) = answer(dialect, &model, &content, &body, thoughts);
            let mut response = padded(response, st.cfg.answer_padding).await;
            for (name, value) in st.limit_headers(dialect) {
                if let Ok(v) = value.parse() {
                    response.headers_mut().insert(name, v);
                }
            }
            (response, true, billed)
        }
    };

    st.log.lock().expect("log").push(Logged {
        dialect,
        path,
        call_id,
        status: response.status().as_u16(),
        answered,
        auth,
        body: if st.cfg.keep_bodies { req } else { Value::Null },
        billed_out,
    });
    response
}

/// A 2xx answer and the output tokens it bills (answer plus thinking).
fn answer(
    dialect: Dialect,
    model: &str,
    content: &str,
    request: &str,
    thoughts: u64,
) -> (Response, u64) {
    let (body, billed) = answer_body(dialect, model, content, request, thoughts);
    (reply(StatusCode::OK, body, &[]), billed)
}

/// A 2xx answer body and the output tokens it bills.
fn answer_body(
    dialect: Dialect,
    model: &str,
    content: &str,
    request: &str,
    thoughts: u64,
) -> (Value, u64) {
    let tokens_in = request.len() as u64 / 4;
    let tokens_out = content.len() as u64 / 4;
    let body = match dialect {
        Dialect::Gemini => json!({
            "candidates": [{"content": {"parts": [{"text": content}], "role": "model"},
                "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": tokens_in, "candidatesTokenCount": tokens_out,
                "thoughtsTokenCount": thoughts,
                "totalTokenCount": tokens_in + tokens_out + thoughts},
            "modelVersion": model,
        }),
        Dialect::OpenAi => json!({
            "id": "chatcmpl-mock", "object": "chat.completion", "created": 1_700_000_000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                "refusal": null}, "logprobs": null, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                "total_tokens": tokens_in + tokens_out},
        }),
        Dialect::Ollama => json!({
            "model": "llama3.1", "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": content},
            "done": true, "done_reason": "stop", "total_duration": 1,
            "prompt_eval_count": tokens_in, "eval_count": tokens_out,
        }),
    };
    (body, tokens_out + thoughts)
}

/// An answer withheld for its content, as each provider words it.
fn blocked(dialect: Dialect, request: &str) -> Response {
    let tokens_in = request.len() as u64 / 4;
    let body = match dialect {
        Dialect::Gemini => json!({
            "candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH",
                 "blocked": true}]}],
            "usageMetadata": {"promptTokenCount": tokens_in, "totalTokenCount": tokens_in},
        }),
        Dialect::OpenAi | Dialect::Ollama => json!({
            "id": "chatcmpl-mock", "object": "chat.completion", "created": 1_700_000_000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": null,
                "refusal": "I'm sorry, I can't help with that."}, "logprobs": null,
                "finish_reason": "stop"}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": 10, "total_tokens": tokens_in + 10},
        }),
    };
    reply(StatusCode::OK, body, &[])
}

fn gemini_quota_error(model: &str, quota_id: &str, limit: String, retry: Duration) -> Value {
    json!({"error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_paid_tier_requests",
            "quotaId": quota_id,
            "quotaDimensions": {"location": "global", "model": model},
            "quotaValue": limit}]},
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [{
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": format!("{:.3}s", retry.as_secs_f64())}
    ]}})
}

fn rate_limited(dialect: Dialect, model: &str, wait: Duration, rpm: Option<f64>) -> Response {
    let limit = rpm.unwrap_or(0.0).round() as u64;
    match dialect {
        Dialect::Gemini => reply(
            StatusCode::TOO_MANY_REQUESTS,
            gemini_quota_error(
                model,
                "GenerateRequestsPerMinutePerProjectPerModel",
                limit.to_string(),
                wait,
            ),
            &[],
        ),
        Dialect::OpenAi => {
            let ms = wait.as_millis() as u64 + 1;
            reply(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"error": {
                    "message": format!("Rate limit reached for gpt-4o-mini in organization org-mock on requests per min (RPM): Limit {limit}, Used {limit}, Requested 1. Please try again in {ms}ms. Visit https://platform.openai.com/account/rate-limits to learn more."),
                    "type": "requests", "param": null, "code": "rate_limit_exceeded"}}),
                &[
                    (
                        "retry-after",
                        wait.as_secs_f64().ceil().max(1.0).to_string(),
                    ),
                    ("retry-after-ms", ms.to_string()),
                    ("x-ratelimit-limit-requests", limit.to_string()),
                    ("x-ratelimit-remaining-requests", "0".into()),
                    ("x-ratelimit-reset-requests", format!("{ms}ms")),
                ],
            )
        }
        Dialect::Ollama => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "server busy, please try again.  maximum pending requests exceeded"}),
            &[],
        ),
    }
}

fn daily_quota(dialect: Dialect, model: &str) -> Response {
    let body = match dialect {
        Dialect::Gemini => gemini_quota_error(
            model,
            "GenerateRequestsPerDayPerProjectPerModel",
            "250".into(),
            Duration::from_secs(3600),
        ),
        _ => json!({"error": {
            "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
            "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}),
    };
    reply(StatusCode::TOO_MANY_REQUESTS, body, &[])
}

fn server_error(dialect: Dialect) -> Response {
    match dialect {
        Dialect::Gemini => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": {"code": 503, "message": "The model is overloaded. Please try again later.",
                "status": "UNAVAILABLE"}}),
            &[],
        ),
        Dialect::OpenAi => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": {"message": "The server had an error while processing your request. Sorry about that!",
                "type": "server_error", "param": null, "code": null}}),
            &[],
        ),
        Dialect::Ollama => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "an error was encountered while running the model"}),
            &[],
        ),
    }
}

/// Like the real services, the wrong key is echoed back (OpenAI does,
/// partly masked): the client must redact it.
fn unauthorized(dialect: Dialect, got: Option<String>) -> Response {
    let shown = got.unwrap_or_default();
    match dialect {
        Dialect::Gemini => reply(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": 400, "message": format!("API key not valid. Please pass a valid API key. Got {shown}"),
                "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}),
            &[],
        ),
        _ => reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"message": format!("Incorrect API key provided: {shown}. You can find your API key at https://platform.openai.com/account/api-keys."),
                "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}),
            &[],
        ),
    }
}

/// A 403 quoting the credentials received.
fn forbidden(got: Option<String>) -> Response {
    let shown = got.unwrap_or_default();
    reply(
        StatusCode::FORBIDDEN,
        json!({"error": {"code": 403, "status": "PERMISSION_DENIED",
            "message": format!("Permission denied for credentials {shown}")}}),
        &[],
    )
}

/// Adds a `padding` field of `bytes` characters to a JSON answer body.
async fn padded(response: Response, bytes: usize) -> Response {
    if bytes == 0 {
        return response;
    }
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let mut value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    value["padding"] = Value::String("p".repeat(bytes));
    reply(status, value, &[])
}

/// Appends `echo` to an error body's text (when set).
async fn with_echo(response: Response, echo: Option<String>) -> Response {
    let Some(echo) = echo else { return response };
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let text = format!("{} (credentials: {echo})", String::from_utf8_lossy(&bytes));
    reply(
        status,
        json!({"error": {"code": status.as_u16(), "message": text}}),
        &[],
    )
}

/// The batch APIs: Gemini Batch Mode (inline requests, an operation named
/// `batches/N` polled with GET) and OpenAI Files + Batches (a JSONL file
/// uploaded as multipart, a batch polled with GET, results and errors as
/// JSONL files). A batch answers `batch_polls` polls pending/running, then
/// ends as `batch_fate` says; its answers are made once, when it ends, and
/// each answered request is logged like a streaming answer.
mod batch {
    use super::*;

    #[derive(Default)]
    pub(super) struct BatchState {
        pub(super) batches: Mutex<Vec<MockBatch>>,
        files: Mutex<HashMap<String, String>>,
    }

    pub(super) struct MockBatch {
        id: String,
        dialect: Dialect,
        model: String,
        name: String,
        input_file: Option<String>,
        /// `(key, request body)` in submission order.
        pub(super) entries: Vec<(String, Value)>,
        polls: u32,
        fate: BatchFate,
        /// Set when the batch ends: Gemini's inline answers, or OpenAI's
        /// output and error file ids.
        ended: Option<Ended>,
    }

    #[derive(Clone)]
    enum Ended {
        Inline(Vec<Value>),
        Files {
            output: Option<String>,
            errors: Option<String>,
        },
    }

    fn authorized(st: &MockState, dialect: Dialect, headers: &HeaderMap) -> Option<Response> {
        let want = st.cfg.api_key.as_ref()?;
        let got = auth_of(dialect, headers);
        let expected = match dialect {
            Dialect::Gemini => want.clone(),
            Dialect::OpenAi | Dialect::Ollama => format!("Bearer {want}"),
        };
        (got.as_deref() != Some(expected.as_str())).then(|| unauthorized(dialect, got))
    }

    fn log(st: &MockState, dialect: Dialect, path: String, status: u16) {
        st.log.lock().expect("log").push(Logged {
            dialect,
            path,
            call_id: None,
            status,
            answered: false,
            auth: None,
            body: Value::Null,
            billed_out: 0,
        });
    }

    fn not_found(dialect: Dialect, what: &str) -> Response {
        let body = match dialect {
            Dialect::Gemini => {
                json!({"error": {"code": 404, "message": format!("{what} not found"), "status": "NOT_FOUND"}})
            }
            Dialect::OpenAi | Dialect::Ollama => {
                json!({"error": {"message": format!("No such {what}"), "type": "invalid_request_error", "param": null, "code": null}})
            }
        };
        reply(StatusCode::NOT_FOUND, body, &[])
    }

    fn create(
        st: &MockState,
        dialect: Dialect,
        model: &str,
        name: String,
        input_file: Option<String>,
        entries: Vec<(String, Value)>,
    ) -> String {
        let mut batches = st.batch.batches.lock().expect("batches");
        let index = batches.len();
        let id = match dialect {
            Dialect::Gemini => format!("batches/mock{index}"),
            Dialect::OpenAi | Dialect::Ollama => format!("batch_mock{index}"),
        };
        let fate = st.cfg.batch_fate.map_or(BatchFate::Succeed, |f| f(index));
        batches.push(MockBatch {
            id: id.clone(),
            dialect,
            model: model.to_string(),
            name,
            input_file,
            entries,
            polls: 0,
            fate,
            ended: None,
        });
        id
    }

    pub(super) fn gemini_create(
        st: &Arc<MockState>,
        model: &str,
        headers: &HeaderMap,
        body: &str,
    ) -> Response {
        let path = format!("/v1beta/models/{model}:batchGenerateContent");
        if let Some(refused) = authorized(st, Dialect::Gemini, headers) {
            log(st, Dialect::Gemini, path, 401);
            return refused;
        }
        let req: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let Some(requests) = req
            .pointer("/batch/inputConfig/requests/requests")
            .and_then(Value::as_array)
        else {
            log(st, Dialect::Gemini, path, 400);
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": {"code": 400, "message": "batch.inputConfig is required", "status": "INVALID_ARGUMENT"}}),
                &[],
            );
        };
        let entries = requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let key = r
                    .pointer("/metadata/key")
                    .and_then(Value::as_str)
                    .map_or(i.to_string(), String::from);
                (key, r.get("request").cloned().unwrap_or(Value::Null))
            })
            .collect();
        let name = req
            .pointer("/batch/displayName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let id = create(st, Dialect::Gemini, model, name, None, entries);
        log(st, Dialect::Gemini, path, 200);
        let batches = st.batch.batches.lock().expect("batches");
        let b = batches.iter().find(|b| b.id == id).expect("just created");
        reply(
            StatusCode::OK,
            gemini_operation(b, "BATCH_STATE_PENDING"),
            &[],
        )
    }

    pub(super) async fn gemini_get(
        State(st): State<Arc<MockState>>,
        Path(id): Path<String>,
        headers: HeaderMap,
    ) -> Response {
        let path = format!("/v1beta/batches/{id}");
        if let Some(refused) = authorized(&st, Dialect::Gemini, &headers) {
            log(&st, Dialect::Gemini, path, 401);
            return refused;
        }
        let response = poll(&st, &format!("batches/{id}"), |b, state| {
            gemini_operation(b, gemini_state(state))
        });
        log(&st, Dialect::Gemini, path, response.status().as_u16());
        response
    }

    pub(super) async fn openai_upload(
        State(st): State<Arc<MockState>>,
        headers: HeaderMap,
        body: String,
    ) -> Response {
        if let Some(refused) = authorized(&st, Dialect::OpenAi, &headers) {
            log(&st, Dialect::OpenAi, "/v1/files".into(), 401);
            return refused;
        }
        // The multipart part named "file": after its headers, up to the
        // closing boundary.
        let content = body
            .find("name=\"file\"")
            .and_then(|at| body[at..].find("\r\n\r\n").map(|h| at + h + 4))
            .and_then(|start| {
                body[start..]
                    .rfind("\r\n--")
                    .map(|end| body[start..start + end].to_string())
            });
        let purpose_ok = body.contains("name=\"purpose\"\r\n\r\nbatch\r\n");
        let Some(content) = content.filter(|_| purpose_ok) else {
            log(&st, Dialect::OpenAi, "/v1/files".into(), 400);
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": {"message": "expected a file and purpose=batch", "type": "invalid_request_error", "param": null, "code": null}}),
                &[],
            );
        };
        let id = store_file(&st, content.clone());
        log(&st, Dialect::OpenAi, "/v1/files".into(), 200);
        reply(
            StatusCode::OK,
            json!({"id": id, "object": "file", "bytes": content.len(),
            "created_at": 1_700_000_000, "filename": "batch.jsonl", "purpose": "batch"}),
            &[],
        )
    }

    fn store_file(st: &MockState, content: String) -> String {
        let mut files = st.batch.files.lock().expect("files");
        let id = format!("file-mock{}", files.len());
        files.insert(id.clone(), content);
        id
    }

    pub(super) async fn openai_file(
        State(st): State<Arc<MockState>>,
        Path(id): Path<String>,
        headers: HeaderMap,
    ) -> Response {
        let path = format!("/v1/files/{id}/content");
        if let Some(refused) = authorized(&st, Dialect::OpenAi, &headers) {
            log(&st, Dialect::OpenAi, path, 401);
            return refused;
        }
        let content = st.batch.files.lock().expect("files").get(&id).cloned();
        log(
            &st,
            Dialect::OpenAi,
            path,
            if content.is_some() { 200 } else { 404 },
        );
        match content {
            Some(text) => Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/octet-stream")
                .body(Body::from(text))
                .expect("valid response"),
            None => not_found(Dialect::OpenAi, "file"),
        }
    }

    pub(super) async fn openai_create(
        State(st): State<Arc<MockState>>,
        headers: HeaderMap,
        body: String,
    ) -> Response {
        if let Some(refused) = authorized(&st, Dialect::OpenAi, &headers) {
            log(&st, Dialect::OpenAi, "/v1/batches".into(), 401);
            return refused;
        }
        let req: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let file_id = req
            .get("input_file_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let valid = req.get("endpoint").and_then(Value::as_str) == Some("/v1/chat/completions")
            && req.get("completion_window").and_then(Value::as_str) == Some("24h");
        let content = st.batch.files.lock().expect("files").get(&file_id).cloned();
        let Some(content) = content.filter(|_| valid) else {
            log(&st, Dialect::OpenAi, "/v1/batches".into(), 400);
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": {"message": "invalid batch", "type": "invalid_request_error", "param": null, "code": null}}),
                &[],
            );
        };
        let entries: Vec<(String, Value)> = content
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .map(|l| {
                let key = l
                    .get("custom_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                (key, l.get("body").cloned().unwrap_or(Value::Null))
            })
            .collect();
        let model = entries
            .first()
            .and_then(|(_, b)| b.get("model"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = req
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let id = create(&st, Dialect::OpenAi, &model, name, Some(file_id), entries);
        log(&st, Dialect::OpenAi, "/v1/batches".into(), 200);
        let batches = st.batch.batches.lock().expect("batches");
        let b = batches.iter().find(|b| b.id == id).expect("just created");
        reply(StatusCode::OK, openai_batch(b, "validating"), &[])
    }

    pub(super) async fn openai_get(
        State(st): State<Arc<MockState>>,
        Path(id): Path<String>,
        headers: HeaderMap,
    ) -> Response {
        let path = format!("/v1/batches/{id}");
        if let Some(refused) = authorized(&st, Dialect::OpenAi, &headers) {
            log(&st, Dialect::OpenAi, path, 401);
            return refused;
        }
        let response = poll(&st, &id, |b, state| openai_batch(b, openai_status(state)));
        log(&st, Dialect::OpenAi, path, response.status().as_u16());
        response
    }

    /// Where a batch stands on this poll; the answers are made when it ends.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Stage {
        Pending,
        Running,
        Ended(BatchFate),
    }

    fn gemini_state(stage: Stage) -> &'static str {
        match stage {
            Stage::Pending => "BATCH_STATE_PENDING",
            Stage::Running => "BATCH_STATE_RUNNING",
            Stage::Ended(BatchFate::Succeed) => "BATCH_STATE_SUCCEEDED",
            Stage::Ended(BatchFate::Expire) => "BATCH_STATE_EXPIRED",
            Stage::Ended(BatchFate::Cancel) => "BATCH_STATE_CANCELLED",
            Stage::Ended(BatchFate::Fail) => "BATCH_STATE_FAILED",
        }
    }

    fn openai_status(stage: Stage) -> &'static str {
        match stage {
            Stage::Pending => "validating",
            Stage::Running => "in_progress",
            Stage::Ended(BatchFate::Succeed) => "completed",
            Stage::Ended(BatchFate::Expire) => "expired",
            Stage::Ended(BatchFate::Cancel) => "cancelled",
            Stage::Ended(BatchFate::Fail) => "failed",
        }
    }

    fn poll(st: &MockState, id: &str, render: impl Fn(&MockBatch, Stage) -> Value) -> Response {
        let held = st
            .cfg
            .batch_hold
            .as_ref()
            .is_some_and(|h| h.load(Ordering::SeqCst));
        let mut batches = st.batch.batches.lock().expect("batches");
        let Some(b) = batches.iter_mut().find(|b| b.id == id) else {
            let dialect = if id.starts_with("batches/") {
                Dialect::Gemini
            } else {
                Dialect::OpenAi
            };
            return not_found(dialect, "batch");
        };
        let stage = if b.ended.is_some() {
            Stage::Ended(b.fate)
        } else if held || b.polls < st.cfg.batch_polls {
            b.polls += 1;
            if b.polls == 1 {
                Stage::Pending
            } else {
                Stage::Running
            }
        } else {
            b.ended = Some(finish(st, b));
            Stage::Ended(b.fate)
        };
        reply(StatusCode::OK, render(b, stage), &[])
    }

    /// Answers every request the batch completed: all of a succeeded one,
    /// the first half of an expired or cancelled one, none of a failed one.
    fn finish(st: &MockState, b: &MockBatch) -> Ended {
        let completed = match b.fate {
            BatchFate::Succeed => b.entries.len(),
            BatchFate::Expire | BatchFate::Cancel => b.entries.len() / 2,
            BatchFate::Fail => 0,
        };
        let mut inline = Vec::new();
        let (mut output, mut errors) = (String::new(), String::new());
        for (i, (key, request)) in b.entries.iter().enumerate() {
            let text = request.to_string();
            let call_id = call_id_of(&text);
            if i >= completed {
                if b.dialect == Dialect::OpenAi && b.fate != BatchFate::Fail {
                    let code = if b.fate == BatchFate::Expire {
                        "batch_expired"
                    } else {
                        "batch_cancelled"
                    };
                    errors.push_str(&json!({"id": format!("batch_req_{i}"), "custom_id": key, "response": null,
                        "error": {"code": code, "message": "This request could not be executed before the batch ended."}}).to_string());
                    errors.push('\n');
                }
                continue;
            }
            let fate = match (&st.cfg.batch_line, &call_id) {
                (Some(f), Some(id)) => f(id),
                _ => LineFate::Answer,
            };
            let content = match fate {
                LineFate::Malformed if b.dialect == Dialect::Gemini => {
                    "{\"agent_rating\": 7, \"objections\": [".to_string()
                }
                _ => instance(&schema_of(b.dialect, request)).to_string(),
            };
            let (body, billed) = answer_body(b.dialect, &b.model, &content, &text, 0);
            let answered = fate == LineFate::Answer;
            st.log.lock().expect("log").push(Logged {
                dialect: b.dialect,
                path: format!("batch:{}", b.id),
                call_id: call_id.clone(),
                status: if answered { 200 } else { 500 },
                answered,
                auth: None,
                body: if st.cfg.keep_bodies {
                    request.clone()
                } else {
                    Value::Null
                },
                billed_out: if answered { billed } else { 0 },
            });
            match (b.dialect, fate) {
                (Dialect::Gemini, LineFate::Error) => inline.push(json!({"error": {"code": 13, "message": "Internal error while processing the request."}, "metadata": {"key": key}})),
                (Dialect::Gemini, _) => inline.push(json!({"response": body, "metadata": {"key": key}})),
                (_, LineFate::Answer) => {
                    output.push_str(&json!({"id": format!("batch_req_{i}"), "custom_id": key,
                        "response": {"status_code": 200, "request_id": format!("req_{i}"), "body": body}, "error": null}).to_string());
                    output.push('\n');
                }
                (_, LineFate::Error) => {
                    errors.push_str(&json!({"id": format!("batch_req_{i}"), "custom_id": key,
                        "response": {"status_code": 500, "request_id": format!("req_{i}"),
                            "body": {"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}},
                        "error": null}).to_string());
                    errors.push('\n');
                }
                (_, LineFate::Malformed) => {
                    let line = json!({"id": format!("batch_req_{i}"), "custom_id": key,
                        "response": {"status_code": 200, "body": body}}).to_string();
                    output.push_str(&line[..line.len() / 2]);
                    output.push('\n');
                }
            }
        }
        match b.dialect {
            Dialect::Gemini => Ended::Inline(inline),
            Dialect::OpenAi | Dialect::Ollama => Ended::Files {
                output: (!output.is_empty()).then(|| store_file(st, output)),
                errors: (!errors.is_empty()).then(|| store_file(st, errors)),
            },
        }
    }

    fn gemini_operation(b: &MockBatch, state: &str) -> Value {
        let mut op = json!({
            "name": b.id,
            "metadata": {
                "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
                "model": format!("models/{}", b.model),
                "displayName": b.name,
                "name": b.id,
                "state": state,
                "batchStats": {"requestCount": b.entries.len().to_string()},
            },
            "done": b.ended.is_some(),
        });
        if let Some(Ended::Inline(answers)) = &b.ended {
            op["response"] = json!({
                "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput",
                "inlinedResponses": {"inlinedResponses": answers},
            });
        }
        op
    }

    fn openai_batch(b: &MockBatch, status: &str) -> Value {
        let (output, errors) = match &b.ended {
            Some(Ended::Files { output, errors }) => (output.clone(), errors.clone()),
            _ => (None, None),
        };
        json!({
            "id": b.id, "object": "batch", "endpoint": "/v1/chat/completions",
            "errors": null, "input_file_id": b.input_file, "completion_window": "24h",
            "status": status, "output_file_id": output, "error_file_id": errors,
            "created_at": 1_700_000_000,
            "request_counts": {"total": b.entries.len(), "completed": 0, "failed": 0},
            "metadata": {"name": b.name},
        })
    }
}

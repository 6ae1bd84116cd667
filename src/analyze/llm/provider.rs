//! Which provider to talk to and how: `ProviderKind` (defaults, endpoint
//! conventions, key variable), `ProviderOptions` (mirrors the CLI flags) and
//! `LlmClient`, which sends one request and classifies the outcome.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::LlmError;
use super::schema;
use super::secret::ApiKey;
use super::wire::{self, Answer, Conversation, Generation, RateLimits, Usage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Gemini,
    #[value(name = "openai")]
    #[serde(rename = "openai")]
    OpenAi,
    Ollama,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Gemini => "gemini",
            ProviderKind::OpenAi => "openai",
            ProviderKind::Ollama => "ollama",
        }
    }

    pub fn default_model(self) -> &'static str {
        match self {
            ProviderKind::Gemini => "gemini-2.5-flash",
            ProviderKind::OpenAi => "gpt-4o-mini",
            ProviderKind::Ollama => "llama3.1",
        }
    }

    /// Gemini: scheme and host; OpenAI: the API root including `/v1`;
    /// Ollama: the host.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::Gemini => "https://generativelanguage.googleapis.com",
            ProviderKind::OpenAi => "https://api.openai.com/v1",
            ProviderKind::Ollama => "http://localhost:11434",
        }
    }

    /// The environment variable holding the API key; Ollama needs none.
    pub fn key_var(self) -> Option<&'static str> {
        match self {
            ProviderKind::Gemini => Some("GEMINI_API_KEY"),
            ProviderKind::OpenAi => Some("OPENAI_API_KEY"),
            ProviderKind::Ollama => None,
        }
    }

    /// Default tokens a prompt plus answer may use (the model's context).
    pub fn default_context_budget(self) -> u64 {
        match self {
            ProviderKind::Gemini => 1_000_000,
            ProviderKind::OpenAi => 128_000,
            ProviderKind::Ollama => 8_192,
        }
    }

    /// A local server costs nothing.
    pub fn is_free(self) -> bool {
        self == ProviderKind::Ollama
    }

    pub fn endpoint(self, base_url: &str, model: &str) -> String {
        let base = base_url.trim_end_matches('/');
        match self {
            ProviderKind::Gemini => format!("{base}/v1beta/models/{model}:generateContent"),
            ProviderKind::OpenAi => format!("{base}/chat/completions"),
            ProviderKind::Ollama => format!("{base}/api/chat"),
        }
    }

    /// The schema as this provider's structured-output feature takes it.
    pub fn shape_schema(self, resolved: &Value) -> Value {
        match self {
            ProviderKind::Gemini => schema::gemini(resolved),
            // Ollama's grammar lets a model stop after the required keys:
            // every field is required (nullable) there too.
            ProviderKind::OpenAi | ProviderKind::Ollama => schema::openai_strict(resolved),
        }
    }
}

/// The provider flags: `--provider --model --base-url --timeout-s`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderOptions {
    pub kind: ProviderKind,
    pub model: Option<String>,
    pub base_url: Option<String>,
    pub timeout: Duration,
    pub temperature: f32,
    /// Output cap sent with every request (`[llm] max_output_tokens`).
    pub max_output_tokens: u64,
    /// Gemini thinking budget in tokens (`[llm] thinking_budget`).
    pub thinking_budget: Option<i64>,
    /// `--dry-run`: nothing will be sent, so no key is needed.
    pub dry_run: bool,
}

impl ProviderOptions {
    pub fn new(kind: ProviderKind) -> Self {
        ProviderOptions {
            kind,
            model: None,
            base_url: None,
            timeout: Duration::from_secs(120),
            temperature: 0.1,
            max_output_tokens: crate::config::llm::DEFAULT_MAX_OUTPUT_TOKENS,
            thinking_budget: None,
            dry_run: false,
        }
    }

    pub fn model(&self) -> &str {
        self.model.as_deref().unwrap_or(self.kind.default_model())
    }

    pub fn base_url(&self) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or(self.kind.default_base_url())
    }

    /// A warning when this provider's API key would travel unencrypted
    /// (a plain `http://` base URL for a provider that sends a key).
    pub fn plain_http_warning(&self) -> Option<String> {
        let var = self.kind.key_var()?;
        let url = self.base_url();
        url.get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
            .then(|| {
                format!(
                    "{url} is plain http://: the {var} key and every transcript are sent unencrypted; use https:// unless the server is on this machine"
                )
            })
    }
}

/// Largest answer body read from a provider; a call's answer is a few
/// kilobytes, so anything near this is a fault, not an analysis.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Redirects followed within the same scheme, host and port.
const MAX_REDIRECTS: usize = 5;

/// The outcome of one HTTP exchange, with what `inspect` shows of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub result: Result<Answer, LlmError>,
    pub status: Option<u16>,
    /// Response body with any secret redacted.
    pub response_body: Option<String>,
    pub latency: Duration,
    /// Tokens billed for a 2xx answer, usable or not (unknown otherwise).
    pub usage: Usage,
    /// The rate-limit headers of the answer, when it had any.
    pub limits: RateLimits,
}

/// Sends requests to one provider endpoint. Its `Debug` form hides the key.
#[derive(Debug, Clone)]
pub struct LlmClient {
    kind: ProviderKind,
    model: String,
    base_url: String,
    url: String,
    key: Option<ApiKey>,
    http: reqwest::Client,
    schema: Value,
    generation: Generation,
    num_ctx: u64,
}

impl LlmClient {
    /// `key` is required for providers that have a key variable, unless
    /// the run is a dry run.
    pub fn new(
        opts: &ProviderOptions,
        key: Option<String>,
        resolved_schema: &Value,
        context_budget: u64,
    ) -> Result<Self, LlmError> {
        let key = match opts.kind.key_var() {
            Some(var) => {
                let parsed = ApiKey::parse(var, key.as_deref().unwrap_or_default())?;
                match parsed {
                    None if !opts.dry_run => return Err(LlmError::MissingKey { var }),
                    parsed => parsed,
                }
            }
            None => None,
        };
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .pool_max_idle_per_host(1024)
            .redirect(same_origin_redirects())
            .referer(false)
            .build()
            .map_err(|e| LlmError::Connect {
                url: opts.base_url().to_string(),
                message: e.without_url().to_string(),
            })?;
        Ok(LlmClient {
            kind: opts.kind,
            model: opts.model().to_string(),
            base_url: opts.base_url().trim_end_matches('/').to_string(),
            url: opts.kind.endpoint(opts.base_url(), opts.model()),
            key,
            http,
            schema: opts.kind.shape_schema(resolved_schema),
            generation: Generation {
                temperature: Some(opts.temperature),
                max_output_tokens: opts.max_output_tokens,
                thinking_budget: opts.thinking_budget,
            },
            num_ctx: context_budget,
        })
    }

    /// `text` with the API key redacted (see `secret` for the rule): for
    /// everything written to logs, errors and stored request logs.
    pub fn redact(&self, text: &str) -> String {
        match &self.key {
            Some(key) => key.redact(text),
            None => text.to_string(),
        }
    }

    /// A request body with the API key redacted (a re-ask quotes the
    /// previous answer, which may quote the key), for the stored log.
    pub fn redact_json(&self, body: &Value) -> Value {
        let Some(key) = &self.key else {
            return body.clone();
        };
        let text = body.to_string();
        let redacted = key.redact(&text);
        if redacted == text {
            return body.clone();
        }
        serde_json::from_str(&redacted).unwrap_or(Value::String(redacted))
    }

    fn redact_error(&self, error: LlmError) -> LlmError {
        match &self.key {
            Some(key) => error.redacted(key),
            None => error,
        }
    }

    pub fn kind(&self) -> ProviderKind {
        self.kind
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The provider's address without a trailing slash (`--base-url`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The HTTP client (timeouts, same-origin redirects) for other
    /// endpoints of the same provider, such as its batch API.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `request` carrying the API key the provider's way.
    pub fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match (self.kind, &self.key) {
            (ProviderKind::Gemini, Some(key)) => request.header("x-goog-api-key", key.expose()),
            (ProviderKind::OpenAi, Some(key)) => request.bearer_auth(key.expose()),
            _ => request,
        }
    }

    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// The request body for a conversation answering with an `Insight`.
    pub fn body(&self, conv: &Conversation) -> Value {
        self.body_with(conv, &self.schema)
    }

    /// The request body for a conversation answering with `schema`
    /// (already shaped for this provider by `ProviderKind::shape_schema`).
    pub fn body_with(&self, conv: &Conversation, schema: &Value) -> Value {
        let g = &self.generation;
        match self.kind {
            ProviderKind::Gemini => wire::gemini::request(conv, schema, g),
            ProviderKind::OpenAi => wire::openai::request(&self.model, conv, schema, g),
            ProviderKind::Ollama => {
                wire::ollama::request(&self.model, conv, schema, g, self.num_ctx)
            }
        }
    }

    /// Send one request body. The answer is parsed as received; the key is
    /// redacted from the stored body and from any error.
    pub async fn send(&self, body: &Value) -> Exchange {
        let started = Instant::now();
        let request = self.authorized(self.http.post(&self.url).json(body));
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return self.transport_failure(&e, started),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limits = RateLimits::from_headers(&headers);
        let text = match read_capped(response).await {
            Ok(t) => t,
            Err(Read::TooLarge) => {
                return Exchange {
                    result: Err(LlmError::TooLarge {
                        limit: MAX_ANSWER_BYTES,
                    }),
                    status: Some(status),
                    response_body: None,
                    latency: started.elapsed(),
                    usage: Usage::default(),
                    limits,
                };
            }
            Err(Read::Transport(e)) => return self.transport_failure(&e, started),
        };
        let stored = self.redact(&text);
        let (result, usage) = if (200..300).contains(&status) {
            (self.parse_answer(&text), self.usage(&text))
        } else {
            (
                Err(self.classify(status, &headers, &stored)),
                Usage::default(),
            )
        };
        Exchange {
            result,
            status: Some(status),
            response_body: Some(stored),
            latency: started.elapsed(),
            usage,
            limits,
        }
    }

    /// Tokens billed for a 2xx answer body (unknown when it is not JSON).
    pub fn usage(&self, body: &str) -> Usage {
        let Ok(v) = serde_json::from_str::<Value>(body) else {
            return Usage::default();
        };
        match self.kind {
            ProviderKind::Gemini => wire::gemini::usage(&v),
            ProviderKind::OpenAi => wire::openai::usage(&v),
            ProviderKind::Ollama => wire::ollama::usage(&v),
        }
    }

    /// The answer text of a 2xx answer body, with the key redacted from
    /// any error.
    pub fn parse_answer(&self, body: &str) -> Result<Answer, LlmError> {
        self.parse(body).map_err(|e| self.redact_error(e))
    }

    fn parse(&self, body: &str) -> Result<Answer, LlmError> {
        match self.kind {
            ProviderKind::Gemini => wire::gemini::parse(body),
            ProviderKind::OpenAi => wire::openai::parse(body),
            ProviderKind::Ollama => wire::ollama::parse(body),
        }
    }

    /// The error class of a non-2xx answer.
    pub fn classify(
        &self,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &str,
    ) -> LlmError {
        match self.kind {
            ProviderKind::Gemini => wire::gemini::error(status, headers, body),
            ProviderKind::OpenAi => wire::openai::error(status, headers, body),
            ProviderKind::Ollama => wire::ollama::error(status, headers, body),
        }
    }

    fn transport_failure(&self, e: &reqwest::Error, started: Instant) -> Exchange {
        let url = self.url.clone();
        let error = if e.is_timeout() {
            LlmError::Timeout { url }
        } else if let Some(refused) = find_source::<RefusedRedirect>(e) {
            LlmError::Redirect {
                from: refused.from.clone(),
                to: refused.to.clone(),
            }
        } else {
            LlmError::Connect {
                url,
                message: error_chain(e),
            }
        };
        let error = self.redact_error(error);
        Exchange {
            result: Err(error),
            status: None,
            response_body: None,
            latency: started.elapsed(),
            usage: Usage::default(),
            limits: RateLimits::default(),
        }
    }
}

/// Why reading an answer body stopped.
enum Read {
    TooLarge,
    Transport(reqwest::Error),
}

/// The body as text, refused past [`MAX_ANSWER_BYTES`] without reading on.
async fn read_capped(mut response: reqwest::Response) -> Result<String, Read> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(Read::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Read::Transport)? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(Read::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A redirect to another scheme, host or port, which is not followed: it
/// would hand the key (in a provider-specific header) and the transcript to
/// whoever answers there.
#[derive(Debug, thiserror::Error)]
#[error("redirect from {from} to {to} refused")]
struct RefusedRedirect {
    from: String,
    to: String,
}

/// Follows redirects only within the first URL's scheme, host and port.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let origin = |u: &reqwest::Url| {
            (
                u.scheme().to_string(),
                u.host_str().map(str::to_ascii_lowercase),
                u.port_or_known_default(),
            )
        };
        if origin(first) != origin(attempt.url()) {
            let refused = RefusedRedirect {
                from: first.to_string(),
                to: attempt.url().to_string(),
            };
            attempt.error(refused)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The first error of type `T` among `e`'s sources.
fn find_source<T: std::error::Error + 'static>(e: &reqwest::Error) -> Option<&T> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(found) = s.downcast_ref::<T>() {
            return Some(found);
        }
        source = s.source();
    }
    None
}

/// The error and its sources, without the URL (we print our own).
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&s.to_string());
        source = s.source();
    }
    if text.is_empty() {
        "request failed".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_each_ecosystem() {
        assert_eq!(
            ProviderKind::Gemini.endpoint("https://g.example/", "gemini-2.5-flash"),
            "https://g.example/v1beta/models/gemini-2.5-flash:generateContent"
        );
        assert_eq!(
            ProviderKind::OpenAi.endpoint("http://h/v1", "m"),
            "http://h/v1/chat/completions"
        );
        assert_eq!(
            ProviderKind::Ollama.endpoint("http://h:11434", "m"),
            "http://h:11434/api/chat"
        );
    }

    #[test]
    fn keyed_provider_without_key_is_an_error() {
        let opts = ProviderOptions::new(ProviderKind::OpenAi);
        let err = LlmClient::new(&opts, None, &Value::Null, 1000).expect_err("no key");
        assert_eq!(
            err,
            LlmError::MissingKey {
                var: "OPENAI_API_KEY"
            }
        );
        assert!(
            LlmClient::new(
                &ProviderOptions::new(ProviderKind::Ollama),
                None,
                &Value::Null,
                1000
            )
            .is_ok()
        );
    }
}

//! What can go wrong talking to an LLM provider, classified by what the
//! engine must do about it. Messages never contain an API key.

use std::time::Duration;

use super::secret::ApiKey;

/// One failed request (or a call that must not be sent).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("rate limited (HTTP 429){}", retry_hint(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("daily quota exhausted: {message}")]
    DailyQuota { message: String },
    #[error("insufficient quota (billing): {message}")]
    InsufficientQuota { message: String },
    #[error("server error HTTP {status}: {message}")]
    Server { status: u16, message: String },
    #[error("request to {url} timed out")]
    Timeout { url: String },
    #[error("cannot reach {url}: {message}")]
    Connect { url: String, message: String },
    #[error("unusable answer: {reason}")]
    BadAnswer { reason: String, raw: String },
    #[error("the provider blocked the answer: {reason}")]
    Blocked { reason: String },
    #[error("the answer was cut at the output cap (raise [llm] max_output_tokens)")]
    Truncated,
    #[error("the provider refused the API key (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    #[error("request rejected HTTP {status}: {message}")]
    Client { status: u16, message: String },
    #[error("no API key: set the {var} environment variable")]
    MissingKey { var: &'static str },
    #[error("the API key in {var} is malformed: it {problem}")]
    MalformedKey { var: &'static str, problem: String },
    #[error(
        "refused to follow a redirect from {from} to {to}: another scheme, host or port would receive the API key and the transcript; set --base-url to the provider's real address"
    )]
    Redirect { from: String, to: String },
    #[error("answer larger than {limit} bytes: refused (a call's answer is a few kilobytes)")]
    TooLarge { limit: usize },
    /// The same text for every call over the budget, so the run summary
    /// counts them under one reason.
    #[error(
        "over the context budget: prompt and expected answer exceed [llm] context_budget_tokens = {budget}; not sent"
    )]
    ContextBudget { budget: u64 },
}

fn retry_hint(after: &Option<Duration>) -> String {
    after
        .map(|d| format!(", retry after {} ms", d.as_millis()))
        .unwrap_or_default()
}

/// What the engine does with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Slow down, then retry the same request.
    RateLimit,
    /// Transient: retry with back-off, up to a limit.
    Transient,
    /// The provider refused this content (safety block, refusal): sent once
    /// more, as it can be a fluke, then the call fails with the reason.
    Blocked,
    /// Stop starting calls: nothing more can succeed in this run.
    FatalRun,
    /// This call failed; others may still work.
    FatalCall,
}

impl LlmError {
    pub fn class(&self) -> ErrorClass {
        match self {
            LlmError::RateLimited { .. } => ErrorClass::RateLimit,
            LlmError::Server { .. }
            | LlmError::Timeout { .. }
            | LlmError::Connect { .. }
            | LlmError::BadAnswer { .. } => ErrorClass::Transient,
            LlmError::DailyQuota { .. }
            | LlmError::InsufficientQuota { .. }
            | LlmError::Unauthorized { .. }
            | LlmError::MissingKey { .. }
            | LlmError::MalformedKey { .. }
            | LlmError::Redirect { .. } => ErrorClass::FatalRun,
            LlmError::Blocked { .. } => ErrorClass::Blocked,
            LlmError::Client { .. }
            | LlmError::ContextBudget { .. }
            | LlmError::TooLarge { .. }
            | LlmError::Truncated => ErrorClass::FatalCall,
        }
    }

    /// The same error with `key` redacted from every text it carries.
    pub fn redacted(self, key: &ApiKey) -> LlmError {
        let r = |s: String| key.redact(&s);
        match self {
            LlmError::DailyQuota { message } => LlmError::DailyQuota {
                message: r(message),
            },
            LlmError::InsufficientQuota { message } => LlmError::InsufficientQuota {
                message: r(message),
            },
            LlmError::Server { status, message } => LlmError::Server {
                status,
                message: r(message),
            },
            LlmError::Timeout { url } => LlmError::Timeout { url: r(url) },
            LlmError::Connect { url, message } => LlmError::Connect {
                url: r(url),
                message: r(message),
            },
            LlmError::BadAnswer { reason, raw } => LlmError::BadAnswer {
                reason: r(reason),
                raw: r(raw),
            },
            LlmError::Unauthorized { status, message } => LlmError::Unauthorized {
                status,
                message: r(message),
            },
            LlmError::Client { status, message } => LlmError::Client {
                status,
                message: r(message),
            },
            LlmError::MalformedKey { var, problem } => LlmError::MalformedKey {
                var,
                problem: r(problem),
            },
            LlmError::Redirect { from, to } => LlmError::Redirect {
                from: r(from),
                to: r(to),
            },
            LlmError::Blocked { reason } => LlmError::Blocked { reason: r(reason) },
            other @ (LlmError::RateLimited { .. }
            | LlmError::Truncated
            | LlmError::MissingKey { .. }
            | LlmError::TooLarge { .. }
            | LlmError::ContextBudget { .. }) => other,
        }
    }
}

/// Parse a duration as providers write it: `"36s"`, `"0.5s"`, `"120ms"`,
/// `"6m0s"`, `"1h2m3.5s"`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = 0.0_f64;
    let mut number = String::new();
    let mut chars = text.trim().chars().peekable();
    let mut matched = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let value: f64 = number.parse().ok()?;
        number.clear();
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                0.001
            }
            ('h', _) => 3600.0,
            ('m', _) => 60.0,
            ('s', _) => 1.0,
            _ => return None,
        };
        total += value * unit;
        matched = true;
    }
    (matched && number.is_empty() && total.is_finite() && total >= 0.0)
        .then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_provider_durations() {
        assert_eq!(parse_duration("36s"), Some(Duration::from_secs(36)));
        assert_eq!(parse_duration("0.25s"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("120ms"), Some(Duration::from_millis(120)));
        assert_eq!(parse_duration("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("12"), None);
    }

    #[test]
    fn redacts_every_text_an_error_carries() {
        let key = ApiKey::parse("K", "sk-0123456789").unwrap().unwrap();
        let err = LlmError::BadAnswer {
            reason: "saw sk-0123456789".into(),
            raw: "{\"k\": \"sk-0123456789\"}".into(),
        }
        .redacted(&key);
        assert_eq!(
            err,
            LlmError::BadAnswer {
                reason: "saw [redacted]".into(),
                raw: "{\"k\": \"[redacted]\"}".into(),
            }
        );
    }
}

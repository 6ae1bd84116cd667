//! LLM analysis of one call: the prompt, the schema contract, the provider
//! wire formats and answer validation, tied together by `LlmAnalyzer`. The
//! engine (`crate::engine`) decides when and how often to send.

pub mod answer;
pub mod batch;
pub mod error;
pub mod narrative;
pub mod prompt;
pub mod provider;
pub mod schema;
pub mod secret;
pub mod wire;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analyze::key::KeyMaterial;
use crate::analyze::{Insight, Provenance};
use crate::config::Playbook;
use crate::config::llm::{LlmConfig, ModelPrice};
use crate::metrics::Metrics;
use crate::model::Call;

pub use error::{ErrorClass, LlmError};
pub use prompt::{PROMPT_VERSION, Prompt, estimate_tokens};
pub use provider::{Exchange, LlmClient, ProviderKind, ProviderOptions};
pub use schema::{PlaybookIds, SCHEMA_VERSION};
pub use wire::{Answer, Conversation, Generation, Message, RateLimits, Role, Usage};

/// Marks each quote of an insight as grounded or not in the call's
/// transcript (`crate::analyze::grounding::ground` in the pipeline).
pub type Grounder = fn(&mut Insight, &Call);

/// One HTTP request as `inspect` shows it. Holds no secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestLog {
    /// 1-based number of the request for this call.
    pub attempt: u32,
    pub url: String,
    pub request: Value,
    pub status: Option<u16>,
    pub response: Option<String>,
    pub error: Option<String>,
    pub latency_ms: u64,
}

/// Everything needed to analyse calls with one provider and model.
#[derive(Debug)]
pub struct LlmAnalyzer {
    client: LlmClient,
    prompt: Prompt,
    /// The system instruction sent (with the schema for providers that
    /// need it in the prompt).
    system: String,
    ids: PlaybookIds,
    key: String,
    ground: Grounder,
    context_budget: u64,
    expected_output_tokens: u64,
    /// Tokens of the response schema, which providers count as prompt.
    schema_tokens: u64,
    price: Option<ModelPrice>,
}

impl LlmAnalyzer {
    pub fn new(
        opts: &ProviderOptions,
        playbook: &Playbook,
        llm: &LlmConfig,
        api_key: Option<String>,
        ground: Grounder,
    ) -> Result<Self, LlmError> {
        let ids = PlaybookIds::of(playbook);
        let resolved = schema::insight_schema(&ids);
        let context_budget = llm
            .context_budget_tokens
            .unwrap_or(opts.kind.default_context_budget());
        let opts = ProviderOptions {
            max_output_tokens: llm.max_output_tokens,
            thinking_budget: llm.thinking_budget,
            ..opts.clone()
        };
        let client = LlmClient::new(&opts, api_key, &resolved, context_budget)?;
        let prompt = Prompt::new(playbook);
        let system = match opts.kind {
            ProviderKind::Ollama => prompt.system_with_schema(client.schema()),
            ProviderKind::Gemini | ProviderKind::OpenAi => prompt.system().to_string(),
        };
        let key = format!(
            "{}:{}:{PROMPT_VERSION}:s{SCHEMA_VERSION}",
            opts.kind.as_str(),
            opts.model(),
        );
        let price = if opts.kind.is_free() {
            Some(ModelPrice::FREE)
        } else {
            llm.price_for(opts.model())
        };
        // Ollama's schema travels in the system text, counted there.
        let schema_tokens = match opts.kind {
            ProviderKind::Ollama => 0,
            ProviderKind::Gemini | ProviderKind::OpenAi => {
                estimate_tokens(&client.schema().to_string())
            }
        };
        Ok(LlmAnalyzer {
            schema_tokens,
            client,
            prompt,
            system,
            ids,
            key,
            ground,
            context_budget,
            expected_output_tokens: llm.expected_output_tokens,
            price,
        })
    }

    /// The analyzer key stored with every result: provider, model, prompt
    /// and schema versions, then (once `keyed`) the hash of the cache-key
    /// recipe (`crate::analyze::key`).
    pub fn analyzer_key(&self) -> &str {
        &self.key
    }

    /// Gives the analyzer its cache key, `KeyMaterial::key` over this
    /// analyzer's `request_template` and the run's settings.
    pub fn keyed(mut self, material: KeyMaterial<'_>) -> Self {
        self.key = material
            .with_request(&self.request_template())
            .key(&self.key);
        self
    }

    /// A request exactly as it would be sent, with a placeholder for the
    /// call: everything sent that does not come from the call.
    pub fn request_template(&self) -> Value {
        let conv = Conversation {
            system: self.system.clone(),
            messages: vec![Message {
                role: Role::User,
                text: "{call}".to_string(),
            }],
        };
        self.client.body(&conv)
    }

    pub fn client(&self) -> &LlmClient {
        &self.client
    }

    /// `None` when the model's price is unknown.
    pub fn price(&self) -> Option<ModelPrice> {
        self.price
    }

    pub fn cost(&self, tokens_in: u64, tokens_out: u64) -> Option<f64> {
        self.price.map(|p| p.cost(tokens_in, tokens_out))
    }

    /// The cost through the provider's batch API (half the list price).
    pub fn batch_cost(&self, tokens_in: u64, tokens_out: u64) -> Option<f64> {
        self.price.map(|p| p.batch().cost(tokens_in, tokens_out))
    }

    pub fn expected_output_tokens(&self) -> u64 {
        self.expected_output_tokens
    }

    /// The first request for a call.
    pub fn conversation(&self, call: &Call, metrics: &Metrics) -> Conversation {
        Conversation {
            system: self.system.clone(),
            messages: vec![Message {
                role: Role::User,
                text: self.prompt.user(call, metrics),
            }],
        }
    }

    /// Extend a conversation with the rejected answer and the reason.
    pub fn reask(&self, conv: &mut Conversation, raw: &str, error: &str) {
        conv.messages.push(Message {
            role: Role::Assistant,
            text: raw.to_string(),
        });
        conv.messages.push(Message {
            role: Role::User,
            text: self.prompt.reask(error),
        });
    }

    /// Estimated prompt tokens of a conversation (schema included).
    pub fn estimate_input(&self, conv: &Conversation) -> u64 {
        self.schema_tokens
            + estimate_tokens(&conv.system)
            + conv
                .messages
                .iter()
                .map(|m| estimate_tokens(&m.text))
                .sum::<u64>()
    }

    /// Tokens of the smallest possible request and its answer: the
    /// instructions, the answer schema and the expected answer.
    pub fn smallest_request_tokens(&self) -> u64 {
        self.schema_tokens + estimate_tokens(self.prompt.system()) + self.expected_output_tokens
    }

    /// A call whose prompt plus expected answer exceeds the context budget
    /// is flagged, never truncated.
    pub fn check_context(&self, tokens_in: u64) -> Result<(), LlmError> {
        if tokens_in + self.expected_output_tokens > self.context_budget {
            return Err(LlmError::ContextBudget {
                budget: self.context_budget,
            });
        }
        Ok(())
    }

    /// Validate an answer and mark its quotes.
    pub fn accept(&self, text: &str, call: &Call) -> Result<Insight, String> {
        let mut insight = answer::parse_insight(text, &self.ids)?;
        (self.ground)(&mut insight, call);
        Ok(insight)
    }

    /// The provenance skeleton every result of this analyzer starts from.
    pub fn provenance(&self) -> Provenance {
        Provenance {
            analyzer: self.key.clone(),
            model: Some(self.client.model().to_string()),
            prompt_version: Some(PROMPT_VERSION.to_string()),
            ..Provenance::default()
        }
    }
}

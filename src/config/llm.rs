//! The `[llm]` part of `callscope.toml`: the price table used for cost
//! estimates and budgets, the expected answer size, the output cap, the
//! thinking budget, the context budget and the output folder's budget.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// USD per million tokens for one model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

/// What a batch API bills against the list price (both providers: half).
pub const BATCH_PRICE_FACTOR: f64 = 0.5;

impl ModelPrice {
    pub const FREE: ModelPrice = ModelPrice {
        input_per_mtok: 0.0,
        output_per_mtok: 0.0,
    };

    /// The price through the provider's batch API (Gemini Batch Mode,
    /// OpenAI Batches): half the list price, for answers within 24 h.
    pub fn batch(&self) -> ModelPrice {
        ModelPrice {
            input_per_mtok: self.input_per_mtok * BATCH_PRICE_FACTOR,
            output_per_mtok: self.output_per_mtok * BATCH_PRICE_FACTOR,
        }
    }

    pub fn cost(&self, tokens_in: u64, tokens_out: u64) -> f64 {
        (tokens_in as f64 * self.input_per_mtok + tokens_out as f64 * self.output_per_mtok)
            / 1_000_000.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmConfig {
    /// Model name -> price. Merged over the built-in defaults.
    #[serde(default)]
    pub prices: BTreeMap<String, ModelPrice>,
    /// Tokens a call's prompt plus answer may use; `None` = the provider default.
    #[serde(default)]
    pub context_budget_tokens: Option<u64>,
    /// Expected answer size, for estimates before the answer is known.
    #[serde(default = "default_output_tokens")]
    pub expected_output_tokens: u64,
    /// Most tokens an answer may use, thinking included; sent with every
    /// request (`maxOutputTokens`, `max_completion_tokens`, `num_predict`).
    #[serde(default = "default_max_output_tokens")]
    pub max_output_tokens: u64,
    /// Gemini 2.5 thinking budget in tokens (`thinkingConfig.thinkingBudget`;
    /// 0 turns thinking off, -1 lets the model decide); `None` = the model's
    /// default.
    #[serde(default)]
    pub thinking_budget: Option<i64>,
    /// USD every run into one output folder may spend in all (what earlier
    /// runs spent is stored there); `--budget-usd` still limits each run.
    #[serde(default)]
    pub budget_total_usd: Option<f64>,
}

/// The output cap when the config names none: room for a full answer and
/// the thinking before it.
pub const DEFAULT_MAX_OUTPUT_TOKENS: u64 = 8192;

fn default_max_output_tokens() -> u64 {
    DEFAULT_MAX_OUTPUT_TOKENS
}

fn default_output_tokens() -> u64 {
    900
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            prices: BTreeMap::new(),
            context_budget_tokens: None,
            expected_output_tokens: default_output_tokens(),
            max_output_tokens: DEFAULT_MAX_OUTPUT_TOKENS,
            thinking_budget: None,
            budget_total_usd: None,
        }
    }
}

/// Published list prices (standard tier) used when the config names none.
fn default_price(model: &str) -> Option<ModelPrice> {
    match model {
        "gemini-2.5-flash" => Some(ModelPrice {
            input_per_mtok: 0.30,
            output_per_mtok: 2.50,
        }),
        "gpt-4o-mini" => Some(ModelPrice {
            input_per_mtok: 0.15,
            output_per_mtok: 0.60,
        }),
        _ => None,
    }
}

impl LlmConfig {
    /// The price of a model: configured, else built-in; `None` when unknown
    /// (cost is then unknown, not zero). Local providers are priced by the
    /// caller as free.
    pub fn price_for(&self, model: &str) -> Option<ModelPrice> {
        self.prices
            .get(model)
            .copied()
            .or_else(|| default_price(model))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_price_overrides_default_and_unknown_is_none() {
        let mut cfg = LlmConfig::default();
        assert_eq!(
            cfg.price_for("gpt-4o-mini").map(|p| p.input_per_mtok),
            Some(0.15)
        );
        assert_eq!(cfg.price_for("mystery"), None);
        cfg.prices.insert(
            "gpt-4o-mini".into(),
            ModelPrice {
                input_per_mtok: 1.0,
                output_per_mtok: 2.0,
            },
        );
        let p = cfg.price_for("gpt-4o-mini").expect("configured");
        assert!((p.cost(1_000_000, 500_000) - 2.0).abs() < 1e-9);
        assert!((p.batch().cost(1_000_000, 500_000) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn parses_from_toml() {
        let cfg: LlmConfig = toml::from_str(
            "expected_output_tokens = 500\n[prices.\"my-model\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 3.0\n",
        )
        .expect("valid");
        assert_eq!(cfg.expected_output_tokens, 500);
        assert!(cfg.price_for("my-model").is_some());
    }
}

//! The one cache-key recipe. A stored analysis is reused when the call's
//! content hash and its analyzer key both match; the analyzer key is the
//! analyzer's readable name (`heuristic-v2`, `openai:gpt-4o-mini:p1:s1`)
//! followed by a hash of everything else, besides the call itself, that is
//! sent to the analyzer or changes its result: the metrics definition, the
//! playbook, the short-call threshold (metrics such as `length_class` that
//! the LLM prompt carries depend on it) and, for an LLM, a request exactly
//! as it would be sent with the call left out (system text, schema, model,
//! sampling and provider options). Settings that change neither (stats
//! group sizes, concurrency, rate limits, timeouts, the output folder)
//! leave the key alone, so changing them re-does nothing.

use serde::Serialize;
use serde_json::Value;

use crate::config::Playbook;
use crate::metrics::METRICS_VERSION;

/// Everything besides the call that changes an analyzer's result.
#[derive(Debug, Serialize)]
pub struct KeyMaterial<'a> {
    metrics: &'static str,
    pub playbook: &'a Playbook,
    pub short_call_threshold_s: f64,
    /// For an LLM: a request as sent, with a placeholder for the call.
    pub request: Option<&'a Value>,
}

impl<'a> KeyMaterial<'a> {
    pub fn new(playbook: &'a Playbook, short_call_threshold_s: f64) -> Self {
        KeyMaterial {
            metrics: METRICS_VERSION,
            playbook,
            short_call_threshold_s,
            request: None,
        }
    }

    /// The same material plus an LLM request template.
    pub fn with_request(self, request: &'a Value) -> Self {
        KeyMaterial {
            request: Some(request),
            ..self
        }
    }

    /// `NAME:HASH`, the analyzer key stored with every result.
    pub fn key(&self, name: &str) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        format!("{name}:{}", &blake3::hash(&bytes).to_hex()[..12])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_changes_the_key_and_the_name_stays_readable() {
        let playbook = Playbook::generic();
        let base = KeyMaterial::new(&playbook, 300.0).key("heuristic-v2");
        assert!(base.starts_with("heuristic-v2:"));
        assert_eq!(base, KeyMaterial::new(&playbook, 300.0).key("heuristic-v2"));
        assert_ne!(base, KeyMaterial::new(&playbook, 240.0).key("heuristic-v2"));
        let mut other = playbook.clone();
        other.buying_signals.push("sign me up".into());
        assert_ne!(base, KeyMaterial::new(&other, 300.0).key("heuristic-v2"));
        let request = serde_json::json!({ "model": "m" });
        let with_request = KeyMaterial::new(&playbook, 300.0).with_request(&request);
        assert_ne!(base, with_request.key("heuristic-v2"));
        assert_ne!(base, KeyMaterial::new(&playbook, 300.0).key("heuristic-v3"));
    }
}

//! The learned sentence-level classifier of who speaks: one logistic head,
//! `agent`, over hashed word and character n-grams (`crate::learn`). It is
//! trained by `scripts/train-roles` on conversations whose roles are known
//! (`corpus`: the training part of the PersuasionForGood chats and of the
//! generated demo calls, and the sales seed sentences) and shipped inside
//! the binary; its log-odds join the rule cues as the content emission of the
//! sequence model.

use std::sync::OnceLock;

use crate::learn::{Example, FeatureSpec, LinearModel, ModelError, TrainOptions};

use super::corpus::Labelled;

static BYTES: &[u8] = include_bytes!("roles.cslm");

/// The model's only head: the text was said by the agent.
const HEAD: &str = "agent";
/// A probability is not believed beyond these log-odds.
const MAX_LOG_ODDS: f64 = 4.0;
/// Words from which a text's log-odds count in full.
const FULL_WORDS: f64 = 20.0;

/// Trains the classifier on every sentence of every turn of `convs`, and on
/// every turn of several sentences whole (units are turns, lines or
/// sentences).
pub fn train(name: &str, convs: &[Labelled]) -> Result<LinearModel, ModelError> {
    let spec = spec();
    let mut examples = Vec::new();
    for conv in convs {
        let group = u64::from_le_bytes(
            blake3::hash(conv.id.as_bytes()).as_bytes()[..8]
                .try_into()
                .unwrap_or_default(),
        );
        for (agent, text) in &conv.turns {
            let sentences = crate::learn::text::sentences(text);
            let whole = (sentences.len() > 1).then_some(text.as_str());
            for unit in sentences
                .iter()
                .filter_map(|r| text.get(r.clone()))
                .chain(whole)
            {
                examples.push(Example {
                    features: spec.featurize(unit),
                    labels: vec![Some(*agent)],
                    group,
                });
            }
        }
    }
    let opts = TrainOptions {
        calibrate: false,
        ..TrainOptions::default()
    };
    LinearModel::train(name, spec, vec![HEAD.to_string()], &examples, &opts)
}

fn spec() -> FeatureSpec {
    FeatureSpec {
        bits: 16,
        ..FeatureSpec::default()
    }
}

/// The shipped model (checked by a unit test).
fn model() -> Option<&'static LinearModel> {
    static MODEL: OnceLock<Option<LinearModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| LinearModel::from_bytes(BYTES).ok())
        .as_ref()
}

/// log P(agent | text) / P(customer | text) by the shipped classifier,
/// capped at `MAX_LOG_ODDS` and shrunk for texts under `FULL_WORDS` words:
/// "It is." or "What do you want?" is said by either side, whatever the
/// chats it learned from made of it.
pub(crate) fn agent_log_odds(text: &str) -> f64 {
    let Some(p) = model().and_then(|m| m.predict_text(text).first().copied()) else {
        return 0.0;
    };
    let p = f64::from(p).clamp(1e-6, 1.0 - 1e-6);
    let words = text.split_whitespace().count() as f64;
    let log_odds = (p / (1.0 - p)).ln().clamp(-MAX_LOG_ODDS, MAX_LOG_ODDS);
    log_odds * (words / FULL_WORDS).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_loads_and_tells_the_sides_apart() {
        let model = LinearModel::from_bytes(BYTES).unwrap();
        assert_eq!(model.heads(), [HEAD]);
        assert!(agent_log_odds("Would you be willing to donate to Save the Children?") > 0.0);
        assert!(agent_log_odds("I'm not sure, I don't have much money myself.") < 0.0);
    }
}

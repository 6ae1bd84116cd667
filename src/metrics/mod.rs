//! Deterministic conversation metrics computed from a normalised call and the
//! playbook, over the main (closer) leg. A metric that cannot be computed (no
//! transcript, no speaker roles, no times) is `None`. Every metric by side
//! (talk share, questions, monologues, interruptions, sentiment, objections,
//! buying signals, section coverage) needs the call's roles known with
//! confidence (`transcript::roles_known`): without them it is absent or
//! empty, so unknown speakers never become 0 customer words.

pub mod handoff;
mod lexicon;
pub mod phrase_book;
pub mod phrases;
mod script;
pub mod sentiment;
mod talk;
mod types;

pub use phrase_book::PhraseBook;
pub use script::BUYING_SIGNAL_KIND;
pub use types::{Metrics, PhraseHit, SectionCoverage};

use crate::config::Playbook;
use crate::model::{Call, Speaker, Turn};
use crate::transcript;

use script::Normalized;

/// Version of the metric definitions; part of every cache key (the LLM
/// prompt carries the metrics). Bump when a metric's meaning changes.
pub const METRICS_VERSION: &str = "m2";

/// Customer turns whose text gives the start / end sentiment.
pub const SENTIMENT_WINDOW_TURNS: usize = 3;

/// Computes every metric of `call`'s main leg; `phrases` is `playbook`'s
/// [`PhraseBook`] (compiled once per run).
pub fn compute(
    call: &Call,
    playbook: &Playbook,
    phrases: &PhraseBook,
    threshold_s: f64,
) -> Metrics {
    let length_class = call.length_class(threshold_s);
    let (turns, shape) = match call.main_leg() {
        Some(leg) if !leg.transcript.turns.is_empty() => (
            leg.transcript.turns.as_slice(),
            transcript::shape(&leg.transcript),
        ),
        _ => {
            return Metrics {
                length_class,
                ..Metrics::default()
            };
        }
    };
    let roles_known = transcript::roles_known(turns);
    if !roles_known {
        return Metrics {
            turns: Some(u32::try_from(turns.len()).unwrap_or(u32::MAX)),
            shape,
            handoff: handoff::measure(call),
            length_class,
            transcript_span_s: talk::span_s(turns),
            ..Metrics::default()
        };
    }
    let counts = talk::counts(turns);
    let durations = talk::durations(turns);
    let norm = Normalized::new(turns, phrases);
    let (sections, script_hits) = match counts {
        Some(_) => script::sections(&norm, playbook),
        None => (Vec::new(), Vec::new()),
    };
    let purpose = purpose_hit(&script_hits, playbook);
    let (sentiment_start, sentiment_end) = customer_sentiment(turns);
    Metrics {
        turns: Some(u32::try_from(turns.len()).unwrap_or(u32::MAX)),
        shape,
        roles_known,
        handoff: handoff::measure(call),
        agent_turns: counts.map(|c| c.agent_turns),
        customer_turns: counts.map(|c| c.customer_turns),
        agent_words: counts.map(|c| c.agent_words),
        customer_words: counts.map(|c| c.customer_words),
        agent_talk_share_words: counts.and_then(|c| share(c.agent_words, c.customer_words)),
        agent_talk_share_time: talk::agent_time_share(turns, &durations),
        agent_questions: counts.map(|c| c.agent_questions),
        customer_questions: counts.map(|c| c.customer_questions),
        longest_monologue_words: counts.map(|c| c.longest_monologue_words),
        longest_monologue_s: talk::longest_monologue_s(turns, &durations),
        interruptions: talk::interruptions(turns),
        time_to_purpose_s: purpose.and_then(|h| time_since_start(turns, h.start_s)),
        purpose_turn: purpose.map(|h| h.turn),
        objections: script::objections(&norm, playbook),
        buying_signals: script::buying_signals(&norm),
        customer_sentiment_start: sentiment_start,
        customer_sentiment_end: sentiment_end,
        sections,
        script_hits,
        length_class,
        transcript_span_s: talk::span_s(turns),
    }
}

fn share(part: u32, other: u32) -> Option<f64> {
    let total = f64::from(part) + f64::from(other);
    (total > 0.0).then(|| f64::from(part) / total)
}

fn purpose_hit<'h>(hits: &'h [PhraseHit], playbook: &Playbook) -> Option<&'h PhraseHit> {
    let id = playbook.purpose_section.as_deref()?;
    hits.iter().find(|h| h.kind == id)
}

fn time_since_start(turns: &[Turn], at: Option<f64>) -> Option<f64> {
    let start = turns.iter().find_map(|t| t.start_s)?;
    at.map(|t| (t - start).max(0.0))
}

/// Sentiment of the first and of the last few customer turns.
fn customer_sentiment(turns: &[Turn]) -> (Option<f64>, Option<f64>) {
    let customer: Vec<&str> = turns
        .iter()
        .filter(|t| t.speaker == Speaker::Customer)
        .map(|t| t.text.as_str())
        .collect();
    if customer.is_empty() {
        return (None, None);
    }
    let window = SENTIMENT_WINDOW_TURNS.min(customer.len());
    let start = customer[..window].join(" ");
    let end = customer[customer.len() - window..].join(" ");
    (Some(sentiment::score(&start)), Some(sentiment::score(&end)))
}

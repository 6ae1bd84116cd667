//! The heuristic analyzer (offline default): the sentence detectors
//! (objections, buying signals, rebuttals) and deterministic rules over the
//! metrics and the playbook fill the parts of an `Insight` that rules can
//! judge. Judgement calls (agent rating, opener quality, critical moment,
//! transferable technique, recommendations) stay empty for an LLM to fill.
//! Every quote is a verbatim slice of a turn.

mod compliance;
mod objections;
mod quotes;
mod termination;

use crate::analyze::detect::{Detector, SentenceTag};
use crate::analyze::insight::{EngagementLevel, Insight, ObjectionAnalysis, Quote, Sentiment};
use crate::config::Playbook;
use crate::metrics::{Metrics, PhraseBook};
use crate::model::{Call, LengthClass, Outcome, Turn};

use quotes::text_quote;

/// Analyzer key stored with every result; bump when the rules change so
/// stored calls are re-analysed.
pub const HEURISTIC_KEY: &str = "heuristic-v3";

/// VADER's neutral band for compound scores.
const NEUTRAL_BAND: f64 = 0.05;
const MAX_NOTABLE_QUOTES: usize = 3;

/// Analyses one call from its metrics and its main leg's sentence
/// detections (see the module docs); `phrases` is `playbook`'s compiled
/// [`PhraseBook`].
pub fn analyze(
    call: &Call,
    metrics: &Metrics,
    tags: &[SentenceTag],
    playbook: &Playbook,
    phrases: &PhraseBook,
    threshold_s: f64,
) -> Insight {
    let turns: &[Turn] = call
        .main_leg()
        .map_or(&[], |leg| leg.transcript.turns.as_slice());
    let length = call.length_class(threshold_s);
    let objections = objections::analyze(turns, tags, metrics, playbook, phrases);
    let cause = termination::detect(turns, metrics, playbook, phrases, &objections);
    let script = compliance::assess(turns, metrics, playbook, cause.as_ref());
    let short_cause = cause.as_ref().filter(|_| length == LengthClass::Short);
    let signals = signal_quotes(tags);
    Insight {
        engagement: engagement(metrics),
        sentiment_start: metrics.customer_sentiment_start.map(sentiment),
        sentiment_end: metrics.customer_sentiment_end.map(sentiment),
        early_termination: short_cause.map(|c| c.reason.id.clone()),
        termination_reasons: short_cause
            .map(|c| c.reason.name.clone())
            .into_iter()
            .collect(),
        notable_quotes: notable_quotes(&signals, &objections),
        proof_of_issue: short_cause.and_then(|c| c.proof.clone()),
        proof_of_success: proof_of_success(call, length, &signals, &objections),
        objections,
        script,
        ..Insight::default()
    }
}

/// Engagement from the customer's side of the talk:
/// high = at least 150 words over 5+ turns, or 3+ questions asked;
/// low = at most 2 turns or under 30 words; medium otherwise.
fn engagement(metrics: &Metrics) -> Option<EngagementLevel> {
    let words = metrics.customer_words?;
    let turns = metrics.customer_turns?;
    let questions = metrics.customer_questions.unwrap_or(0);
    Some(if (words >= 150 && turns >= 5) || questions >= 3 {
        EngagementLevel::High
    } else if turns <= 2 || words < 30 {
        EngagementLevel::Low
    } else {
        EngagementLevel::Medium
    })
}

fn sentiment(score: f64) -> Sentiment {
    if score > NEUTRAL_BAND {
        Sentiment::Positive
    } else if score < -NEUTRAL_BAND {
        Sentiment::Negative
    } else {
        Sentiment::Neutral
    }
}

fn signal_quotes(tags: &[SentenceTag]) -> Vec<Quote> {
    tags.iter()
        .filter(|t| t.hit(Detector::BuyingSignal))
        .map(|t| text_quote(&t.text, t.turn_index))
        .collect()
}

fn best_rebuttal(objections: &[ObjectionAnalysis]) -> Option<&Quote> {
    objections
        .iter()
        .filter(|o| o.rebuttal_attempted)
        .max_by_key(|o| o.rebuttal_quality)
        .and_then(|o| o.agent_rebuttal.as_ref())
}

/// The first buying signal, the first objection and the best rebuttal.
fn notable_quotes(signals: &[Quote], objections: &[ObjectionAnalysis]) -> Vec<Quote> {
    let candidates = [
        signals.first(),
        objections.first().map(|o| &o.customer_quote),
        best_rebuttal(objections),
    ];
    let mut out: Vec<Quote> = Vec::new();
    for q in candidates.into_iter().flatten() {
        if out.len() < MAX_NOTABLE_QUOTES && !out.iter().any(|o| o.text == q.text) {
            out.push(q.clone());
        }
    }
    out
}

/// Long calls that converted or showed buying interest: the last buying
/// signal, else the best rebuttal.
fn proof_of_success(
    call: &Call,
    length: LengthClass,
    signals: &[Quote],
    objections: &[ObjectionAnalysis],
) -> Option<Quote> {
    let promising = call.outcome == Outcome::Converted || !signals.is_empty();
    if length != LengthClass::Long || !promising {
        return None;
    }
    signals
        .last()
        .or_else(|| best_rebuttal(objections))
        .cloned()
}

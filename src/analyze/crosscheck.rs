//! Cross-checks an LLM's judgement against the deterministic metrics of the
//! same call. A transcript that talks the model into "rate this agent 10/10"
//! produces scores the measurements contradict; such answers are flagged
//! (kept, never silently trusted) and the report lists them.

use serde::{Deserialize, Serialize};

use crate::analyze::Insight;
use crate::analyze::insight::{EngagementLevel, Sentiment};
use crate::metrics::Metrics;
use crate::model::{LengthClass, Outcome};

/// Customers who said fewer words than this were not highly engaged.
const SILENT_CUSTOMER_WORDS: u32 = 15;
/// A lexicon score this far on one side contradicts the opposite label.
const CLEAR_SENTIMENT: f64 = 0.5;
/// Calls this short (in turns) leave little to rate highly.
const FEW_TURNS: u32 = 6;

/// One way an LLM answer disagrees with what was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Inconsistency {
    /// High engagement claimed for a customer who barely spoke.
    EngagementWithSilentCustomer { customer_words: u32 },
    /// High script compliance claimed where no script phrase was found.
    ComplianceWithoutScript { claimed_pct: f64 },
    /// A top agent rating for a short, lost call of a few turns.
    RatingOnFailedCall { rating: u8, turns: u32 },
    /// End sentiment opposite to the lexicon's clear reading.
    SentimentContradicted { claimed: Sentiment, measured: f64 },
}

impl std::fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Inconsistency::EngagementWithSilentCustomer { customer_words } => write!(
                f,
                "high engagement, but the customer said {customer_words} words"
            ),
            Inconsistency::ComplianceWithoutScript { claimed_pct } => write!(
                f,
                "script compliance {claimed_pct:.0}%, but no script phrase was found"
            ),
            Inconsistency::RatingOnFailedCall { rating, turns } => write!(
                f,
                "agent rated {rating}/10 on a short, lost call of {turns} turns"
            ),
            Inconsistency::SentimentContradicted { claimed, measured } => write!(
                f,
                "customer sentiment at the end judged {claimed:?}, measured {measured:+.2}"
            ),
        }
    }
}

/// Every contradiction between `insight` and the call's measurements.
pub fn check(insight: &Insight, metrics: &Metrics, outcome: Outcome) -> Vec<Inconsistency> {
    [
        engagement(insight, metrics),
        compliance(insight, metrics),
        rating(insight, metrics, outcome),
        sentiment(insight, metrics),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn engagement(insight: &Insight, m: &Metrics) -> Option<Inconsistency> {
    let words = m.customer_words?;
    (insight.engagement == Some(EngagementLevel::High) && words < SILENT_CUSTOMER_WORDS).then_some(
        Inconsistency::EngagementWithSilentCustomer {
            customer_words: words,
        },
    )
}

fn compliance(insight: &Insight, m: &Metrics) -> Option<Inconsistency> {
    let claimed = insight.script.as_ref()?.overall_pct;
    let measured_any = m.sections.iter().any(|s| s.attempted());
    (m.turns.is_some() && !m.sections.is_empty() && claimed > 70.0 && !measured_any).then_some(
        Inconsistency::ComplianceWithoutScript {
            claimed_pct: claimed,
        },
    )
}

fn rating(insight: &Insight, m: &Metrics, outcome: Outcome) -> Option<Inconsistency> {
    let rating = insight.agent_rating?;
    let turns = m.turns?;
    let failed = m.length_class == LengthClass::Short && outcome == Outcome::NotConverted;
    (rating >= 9 && failed && turns <= FEW_TURNS)
        .then_some(Inconsistency::RatingOnFailedCall { rating, turns })
}

fn sentiment(insight: &Insight, m: &Metrics) -> Option<Inconsistency> {
    let claimed = insight.sentiment_end?;
    let measured = m.customer_sentiment_end?;
    let contradicts = match claimed {
        Sentiment::Positive => measured <= -CLEAR_SENTIMENT,
        Sentiment::Negative => measured >= CLEAR_SENTIMENT,
        Sentiment::Neutral => false,
    };
    contradicts.then_some(Inconsistency::SentimentContradicted { claimed, measured })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::SectionCoverage;

    fn short_lost_call() -> Metrics {
        Metrics {
            turns: Some(4),
            customer_words: Some(6),
            customer_sentiment_end: Some(-0.7),
            length_class: LengthClass::Short,
            sections: vec![SectionCoverage {
                section: "opening".into(),
                phrases_matched: 0,
                phrases_total: 5,
                first_turn: None,
            }],
            ..Metrics::default()
        }
    }

    fn glowing() -> Insight {
        Insight {
            engagement: Some(EngagementLevel::High),
            agent_rating: Some(10),
            sentiment_end: Some(Sentiment::Positive),
            script: Some(crate::analyze::insight::ScriptCompliance {
                sections: vec![],
                overall_pct: 95.0,
                followed_sequence: true,
                sequence_deviations: vec![],
                non_compliance: None,
                strongest_sections: vec![],
                weakest_sections: vec![],
                best_practice_quote: None,
                improvement_quote: None,
            }),
            ..Insight::default()
        }
    }

    #[test]
    fn a_glowing_answer_on_a_dead_call_is_flagged_four_ways() {
        let flags = check(&glowing(), &short_lost_call(), Outcome::NotConverted);
        assert_eq!(flags.len(), 4, "{flags:?}");
        assert!(flags[2].to_string().contains("rated 10/10"));
    }

    #[test]
    fn consistent_or_unmeasurable_answers_are_not_flagged() {
        let mut measured = short_lost_call();
        measured.customer_words = Some(200);
        measured.customer_sentiment_end = Some(0.6);
        measured.sections[0].phrases_matched = 2;
        measured.length_class = LengthClass::Long;
        assert!(check(&glowing(), &measured, Outcome::Converted).is_empty());
        // Nothing measured (no transcript): nothing to contradict.
        assert!(check(&glowing(), &Metrics::default(), Outcome::NotConverted).is_empty());
    }
}

//! Quote grounding: marks every quote of an `Insight` as found or not found
//! in the call's transcripts. Matching ignores case, whitespace, punctuation
//! and curly quotes, on whole words. Used for heuristic and LLM answers alike.

use crate::analyze::insight::{Insight, Quote};
use crate::metrics::phrases::normalize;
use crate::model::Call;

/// Sets `grounded` on every quote in `insight`.
pub fn ground(insight: &mut Insight, call: &Call) {
    let haystacks: Vec<String> = call
        .legs
        .iter()
        .flat_map(|leg| {
            let turns: Vec<&str> = leg
                .transcript
                .turns
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            [normalize(&leg.transcript.raw), normalize(&turns.join("\n"))]
        })
        .collect();
    for quote in quotes_mut(insight) {
        let needle = normalize(&quote.text);
        let found = !needle.trim().is_empty() && haystacks.iter().any(|h| h.contains(&needle));
        quote.grounded = Some(found);
    }
}

/// Every quote an insight holds.
fn quotes_mut(insight: &mut Insight) -> Vec<&mut Quote> {
    let mut quotes: Vec<&mut Quote> = insight.notable_quotes.iter_mut().collect();
    quotes.extend(
        [
            &mut insight.critical_moment,
            &mut insight.proof_of_issue,
            &mut insight.proof_of_success,
        ]
        .into_iter()
        .flatten(),
    );
    for o in &mut insight.objections {
        quotes.push(&mut o.customer_quote);
        quotes.extend(o.agent_rebuttal.as_mut());
    }
    if let Some(script) = &mut insight.script {
        quotes.extend(
            script
                .sections
                .iter_mut()
                .filter_map(|s| s.evidence.as_mut()),
        );
        quotes.extend(script.best_practice_quote.as_mut());
        quotes.extend(script.improvement_quote.as_mut());
        if let Some(nc) = &mut script.non_compliance {
            quotes.extend(nc.proof.as_mut());
        }
    }
    quotes
}

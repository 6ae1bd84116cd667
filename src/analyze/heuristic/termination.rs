//! Why a call ended when it did, as a reason of the playbook's
//! early-termination taxonomy. Rules, first match wins:
//! 1. a reason's `phrases` occur in the last 3 turns (any speaker) and not
//!    earlier in the call (a check said at the start of a call that went on,
//!    such as "can you hear me", is routine, not why it ended);
//! 2. the call ended on an objection (one raised in the last 3 customer
//!    turns): not rebutted => the `unhandled_objection` signal's reason;
//!    rebutted => the objection type's `ends_call_as` reason, if any;
//! 3. no conversation: the customer said at most one turn of under 10 words
//!    (reason with `signal = "no_conversation"`); needs the roles known with
//!    confidence, and a call of 10 or more turns is a conversation whatever
//!    the roles say;
//! 4. the agent never said a phrase of the purpose section
//!    (`no_purpose_stated` signal).

use crate::analyze::insight::{ObjectionAnalysis, Quote};
use crate::config::Playbook;
use crate::config::playbook::{TerminationReason, TerminationSignal};
use crate::metrics::phrases::normalize;
use crate::metrics::{Metrics, PhraseBook};
use crate::model::{Speaker, Turn};

use super::quotes::{sentence_quote, turn_quote};

const LAST_TURNS: usize = 3;
const MIN_CONVERSATION_WORDS: u32 = 10;
/// Turns from which a call is a conversation.
const CONVERSATION_TURNS: u32 = 10;

/// A detected termination reason and the quote that shows it.
pub(crate) struct Cause<'p> {
    pub reason: &'p TerminationReason,
    pub proof: Option<Quote>,
}

pub(crate) fn detect<'p>(
    turns: &[Turn],
    metrics: &Metrics,
    playbook: &'p Playbook,
    phrases: &PhraseBook,
    objections: &[ObjectionAnalysis],
) -> Option<Cause<'p>> {
    by_phrases(turns, playbook, phrases)
        .or_else(|| by_final_objection(turns, playbook, objections))
        .or_else(|| no_conversation(turns, metrics, playbook))
        .or_else(|| no_purpose(metrics, playbook))
}

fn by_signal(playbook: &Playbook, signal: TerminationSignal) -> Option<&TerminationReason> {
    playbook
        .termination_reasons
        .iter()
        .find(|r| r.signal == Some(signal))
}

fn no_conversation<'p>(
    turns: &[Turn],
    metrics: &Metrics,
    playbook: &'p Playbook,
) -> Option<Cause<'p>> {
    let silent = metrics.roles_known
        && metrics.turns? < CONVERSATION_TURNS
        && metrics.customer_turns? <= 1
        && metrics.customer_words? < MIN_CONVERSATION_WORDS;
    if !silent {
        return None;
    }
    let customer_turn = turns.iter().position(|t| t.speaker == Speaker::Customer);
    Some(Cause {
        reason: by_signal(playbook, TerminationSignal::NoConversation)?,
        proof: customer_turn
            .and_then(|i| u32::try_from(i).ok())
            .and_then(|i| turn_quote(turns, i)),
    })
}

fn by_phrases<'p>(
    turns: &[Turn],
    playbook: &'p Playbook,
    phrases: &PhraseBook,
) -> Option<Cause<'p>> {
    let first_last = turns.len().saturating_sub(LAST_TURNS);
    let found: Vec<_> = turns
        .iter()
        .map(|t| phrases.scan(&normalize(&t.text)))
        .collect();
    let (earlier, last) = found.split_at(first_last);
    playbook
        .termination_reasons
        .iter()
        .zip(&phrases.termination)
        .filter(|(r, _)| !r.phrases.is_empty())
        .find_map(|(reason, set)| {
            if earlier.iter().any(|f| f.any(set)) {
                return None;
            }
            last.iter().zip(first_last..).find_map(|(f, i)| {
                let i = u32::try_from(i).ok()?;
                phrases.first(set, f).map(|phrase| Cause {
                    reason,
                    proof: sentence_quote(turns, i, phrase),
                })
            })
        })
}

fn by_final_objection<'p>(
    turns: &[Turn],
    playbook: &'p Playbook,
    objections: &[ObjectionAnalysis],
) -> Option<Cause<'p>> {
    let last_customer_turns: Vec<u32> = turns
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, t)| t.speaker == Speaker::Customer)
        .take(LAST_TURNS)
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let last = objections.iter().rev().find(|o| {
        o.customer_quote
            .turn
            .is_some_and(|t| last_customer_turns.contains(&t))
    })?;
    let reason = if last.rebuttal_attempted {
        let id = playbook
            .objections
            .iter()
            .find(|o| o.id == last.kind)?
            .ends_call_as
            .as_deref()?;
        playbook.termination_reason(id)?
    } else {
        by_signal(playbook, TerminationSignal::UnhandledObjection)?
    };
    Some(Cause {
        reason,
        proof: Some(last.customer_quote.clone()),
    })
}

fn no_purpose<'p>(metrics: &Metrics, playbook: &'p Playbook) -> Option<Cause<'p>> {
    let stated = metrics.purpose_turn.is_some();
    let checkable = playbook.purpose_section.is_some() && !metrics.sections.is_empty();
    if stated || !checkable {
        return None;
    }
    Some(Cause {
        reason: by_signal(playbook, TerminationSignal::NoPurposeStated)?,
        proof: None,
    })
}

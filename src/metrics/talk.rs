//! Who talks how much: words, questions, monologues, speaking time and
//! interruptions over the turns of one leg. Everything that needs roles or
//! times is `None` without them.

use crate::model::{Speaker, Turn};

/// Word, question and turn counts by side; needs speaker roles.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct TalkCounts {
    pub agent_words: u32,
    pub customer_words: u32,
    pub agent_questions: u32,
    pub customer_questions: u32,
    pub agent_turns: u32,
    pub customer_turns: u32,
    pub longest_monologue_words: u32,
}

pub(crate) fn counts(turns: &[Turn]) -> Option<TalkCounts> {
    if turns.iter().all(|t| t.speaker == Speaker::Unknown) {
        return None;
    }
    let mut c = TalkCounts::default();
    let mut run_words = 0u32;
    for turn in turns {
        let words = word_count(&turn.text);
        let questions = question_count(&turn.text);
        match turn.speaker {
            Speaker::Agent => {
                c.agent_words += words;
                c.agent_questions += questions;
                c.agent_turns += 1;
                run_words += words;
                c.longest_monologue_words = c.longest_monologue_words.max(run_words);
            }
            Speaker::Customer => {
                c.customer_words += words;
                c.customer_questions += questions;
                c.customer_turns += 1;
                run_words = 0;
            }
            Speaker::Other | Speaker::Unknown => {}
        }
    }
    Some(c)
}

pub(crate) fn word_count(text: &str) -> u32 {
    u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX)
}

/// Questions asked: sentences with a `?` ("Food? Clothing? Shelter?" is one
/// question, "really??" too), not `?` characters.
pub(crate) fn question_count(text: &str) -> u32 {
    let questions = crate::learn::text::sentences(text)
        .into_iter()
        .filter(|r| text[r.clone()].contains('?'))
        .count();
    u32::try_from(questions).unwrap_or(u32::MAX)
}

/// Length of each turn in seconds: its own end, else the next turn's start.
pub(crate) fn durations(turns: &[Turn]) -> Vec<Option<f64>> {
    turns
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let start = t.start_s?;
            let end = t
                .end_s
                .or_else(|| turns.get(i + 1).and_then(|n| n.start_s))?;
            (end >= start).then_some(end - start)
        })
        .collect()
}

/// Agent share of the speaking time of agent and customer turns.
pub(crate) fn agent_time_share(turns: &[Turn], durations: &[Option<f64>]) -> Option<f64> {
    let (mut agent, mut customer) = (0.0, 0.0);
    for (turn, d) in turns.iter().zip(durations) {
        match (turn.speaker, d) {
            (Speaker::Agent, Some(d)) => agent += d,
            (Speaker::Customer, Some(d)) => customer += d,
            _ => {}
        }
    }
    let total: f64 = agent + customer;
    (total > 0.0).then(|| agent / total)
}

/// Longest run of agent turns without a customer turn, in seconds.
pub(crate) fn longest_monologue_s(turns: &[Turn], durations: &[Option<f64>]) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut run = 0.0;
    for (turn, d) in turns.iter().zip(durations) {
        match turn.speaker {
            Speaker::Agent => {
                if let Some(d) = d {
                    run += d;
                    best = Some(best.map_or(run, |b: f64| b.max(run)));
                }
            }
            Speaker::Customer => run = 0.0,
            Speaker::Other | Speaker::Unknown => {}
        }
    }
    best
}

/// Turns by one side that start before the other side's previous turn ended.
/// Needs explicit end times; `None` when no pair of turns can be compared.
pub(crate) fn interruptions(turns: &[Turn]) -> Option<u32> {
    let mut comparable = false;
    let mut count = 0u32;
    for pair in turns.windows(2) {
        let (prev, cur) = (&pair[0], &pair[1]);
        let sides_known = prev.speaker != Speaker::Unknown && cur.speaker != Speaker::Unknown;
        if !sides_known || prev.speaker == cur.speaker {
            continue;
        }
        if let (Some(end), Some(start)) = (prev.end_s, cur.start_s) {
            comparable = true;
            if start < end {
                count += 1;
            }
        }
    }
    comparable.then_some(count)
}

/// From the first turn start to the last known end (or start).
pub(crate) fn span_s(turns: &[Turn]) -> Option<f64> {
    let first = turns.iter().find_map(|t| t.start_s)?;
    let last = turns.iter().rev().find_map(|t| t.end_s.or(t.start_s))?;
    (last >= first).then_some(last - first)
}

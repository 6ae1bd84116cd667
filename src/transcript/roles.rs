//! Speaker roles: which label is the agent and which the customer.
//!
//! Order of decision, first match wins:
//! 1. The configured `SpeakerMap` (case-insensitive, trimmed label).
//! 2. Role words in the label: agent/rep/representative/salesperson/sales/
//!    seller/closer/opener/persuader/advisor/operator/csr/consultant => agent;
//!    customer/client/prospect/caller/lead/persuadee/buyer/homeowner => customer
//!    (agent words win, so "Customer Service Rep" is the agent).
//! 3. For the remaining (anonymous) labels of one transcript — `Speaker A`,
//!    `Speaker 1`, `spk_0`, names:
//!    - if one role is already taken by a labelled speaker and exactly one
//!      other label remains, it gets the other role;
//!    - otherwise, among the first 10 turns, the speaker who introduces
//!      themselves as the caller ("calling from", "calling on behalf of",
//!      "my name is ... with/from", "the reason for my call") scores 3, a
//!      bare "my name is" scores 2, and one who answers like an inbound agent
//!      ("thank you for calling", "how can I help") scores 1; the single
//!      highest scorer is the agent (a tie decides nothing);
//!    - with no such cue at all, the first speaker is the agent only if their
//!      first turn opens with a greeting (hi/hello/hey/good morning...) and
//!      has at least 5 words: a bare "Hello?" is how a called customer
//!      answers, a full greeting is how an agent opens;
//!    - once the agent is known and exactly two anonymous labels exist, the
//!      other one is the customer. With more speakers the rest stay unknown.
//! 4. Anything else stays `Unknown`, and metrics that need roles are absent.

use std::collections::HashMap;

use crate::config::SpeakerMap;
use crate::model::{Speaker, Turn};

const AGENT_WORDS: &[&str] = &[
    "agent",
    "rep",
    "representative",
    "salesperson",
    "sales",
    "seller",
    "closer",
    "opener",
    "persuader",
    "advisor",
    "operator",
    "csr",
    "consultant",
];
const CUSTOMER_WORDS: &[&str] = &[
    "customer",
    "client",
    "prospect",
    "caller",
    "lead",
    "persuadee",
    "buyer",
    "homeowner",
];
const ANONYMOUS_WORDS: &[&str] = &["speaker", "spk", "participant", "person", "channel", "s"];

const OUTBOUND_CUES: &[&str] = &[
    "calling from",
    "calling on behalf of",
    "calling with",
    "reason for my call",
    "reason i'm calling",
    "reason i am calling",
    "i'm with",
];
const INBOUND_CUES: &[&str] = &[
    "thank you for calling",
    "thanks for calling",
    "how can i help",
    "how may i help",
];
const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
];
const CUE_WINDOW_TURNS: usize = 10;
const MIN_GREETING_WORDS: usize = 5;

/// The role of one speaker label, from the config map and then role words.
pub fn speaker_role(label: &str, speakers: &SpeakerMap) -> Speaker {
    let label = label.trim();
    let listed = |labels: &[String]| labels.iter().any(|l| l.trim().eq_ignore_ascii_case(label));
    if listed(&speakers.agent) {
        return Speaker::Agent;
    }
    if listed(&speakers.customer) {
        return Speaker::Customer;
    }
    let words = label_words(label);
    if words.iter().any(|w| AGENT_WORDS.contains(&w.as_str())) {
        Speaker::Agent
    } else if words.iter().any(|w| CUSTOMER_WORDS.contains(&w.as_str())) {
        Speaker::Customer
    } else {
        Speaker::Unknown
    }
}

/// True for labels that name a speaker without a role: `Speaker A`, `spk_0`,
/// `Participant 2`.
pub(crate) fn is_anonymous_label(label: &str) -> bool {
    let words = label_words(label);
    match words.as_slice() {
        [word, id] => ANONYMOUS_WORDS.contains(&word.as_str()) && id.chars().count() <= 2,
        [word] => {
            let digits = word.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let prefix = &word[..word.len() - digits.len()];
            !digits.is_empty()
                && digits.len() <= 2
                && digits.bytes().all(|b| b.is_ascii_digit())
                && ANONYMOUS_WORDS.contains(&prefix)
        }
        _ => false,
    }
}

/// True when the label is configured, or made only of role words and short
/// ids ("Agent", "Sales Rep", "Customer 2"): a whole label, not a sentence
/// that happens to end in one.
pub(crate) fn is_role_label(label: &str, speakers: &SpeakerMap) -> bool {
    let words = label_words(label);
    let role_like = |w: &String| {
        AGENT_WORDS.contains(&w.as_str())
            || CUSTOMER_WORDS.contains(&w.as_str())
            || w.chars().count() <= 2
    };
    speaker_role(label, speakers) != Speaker::Unknown && words.iter().all(role_like)
        || configured(label, speakers)
}

fn configured(label: &str, speakers: &SpeakerMap) -> bool {
    let label = label.trim();
    speakers
        .agent
        .iter()
        .chain(&speakers.customer)
        .any(|l| l.trim().eq_ignore_ascii_case(label))
}

fn label_words(label: &str) -> Vec<String> {
    label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Sets `speaker` on every labelled turn (see the module docs for the rules).
pub(crate) fn assign_roles(turns: &mut [Turn], speakers: &SpeakerMap) {
    let mut roles: HashMap<String, Speaker> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for turn in turns.iter() {
        if let Some(label) = &turn.label {
            let key = label.to_lowercase();
            if !roles.contains_key(&key) {
                roles.insert(key.clone(), speaker_role(label, speakers));
                order.push(key);
            }
        }
    }
    resolve_anonymous(turns, &mut roles, &order);
    for turn in turns.iter_mut() {
        if let Some(label) = &turn.label {
            turn.speaker = roles
                .get(&label.to_lowercase())
                .copied()
                .unwrap_or(Speaker::Unknown);
        }
    }
}

fn resolve_anonymous(turns: &[Turn], roles: &mut HashMap<String, Speaker>, order: &[String]) {
    let unknown: Vec<&String> = order
        .iter()
        .filter(|l| roles.get(*l) == Some(&Speaker::Unknown))
        .collect();
    if unknown.is_empty() {
        return;
    }
    let taken: Vec<Speaker> = roles
        .values()
        .copied()
        .filter(|r| *r != Speaker::Unknown)
        .collect();
    let has = |s: Speaker| taken.contains(&s);
    if has(Speaker::Agent) != has(Speaker::Customer) {
        if let [only] = unknown.as_slice() {
            let other = if has(Speaker::Agent) {
                Speaker::Customer
            } else {
                Speaker::Agent
            };
            roles.insert((*only).clone(), other);
        }
        return;
    }
    if !taken.is_empty() {
        return;
    }
    let scores = cue_scores(turns);
    let agent = if scores.is_empty() {
        agent_by_greeting(turns)
    } else {
        single_top(scores)
    };
    let Some(agent) = agent else {
        return;
    };
    roles.insert(agent.clone(), Speaker::Agent);
    if let [a, b] = unknown.as_slice() {
        let other = if **a == agent { b } else { a };
        roles.insert((*other).clone(), Speaker::Customer);
    }
}

/// Each label's strongest self-introduction cue in the first turns.
fn cue_scores(turns: &[Turn]) -> Vec<(String, u32)> {
    let mut scores: Vec<(String, u32)> = Vec::new();
    for turn in turns.iter().take(CUE_WINDOW_TURNS) {
        let Some(label) = &turn.label else { continue };
        let text = turn.text.to_lowercase().replace('\u{2019}', "'");
        let mut score = 0;
        if OUTBOUND_CUES.iter().any(|c| text.contains(c)) || introduces_self_with_company(&text) {
            score += 3;
        } else if text.contains("my name is") {
            score += 2;
        }
        if INBOUND_CUES.iter().any(|c| text.contains(c)) {
            score += 1;
        }
        if score == 0 {
            continue;
        }
        let key = label.to_lowercase();
        match scores.iter_mut().find(|(l, _)| *l == key) {
            Some(entry) => entry.1 = entry.1.max(score),
            None => scores.push((key, score)),
        }
    }
    scores
}

/// The label with the highest score, if no other label has it too.
fn single_top(scores: Vec<(String, u32)>) -> Option<String> {
    let best = scores.iter().map(|(_, s)| *s).max()?;
    let mut top = scores.into_iter().filter(|(_, s)| *s == best);
    let (label, _) = top.next()?;
    top.next().is_none().then_some(label)
}

/// "my name is X with/from Y" or "this is X from/with Y".
fn introduces_self_with_company(text: &str) -> bool {
    ["my name is ", "this is "].iter().any(|intro| {
        text.split(intro).skip(1).any(|after| {
            let words: Vec<&str> = after.split_whitespace().take(4).collect();
            words.iter().skip(1).any(|w| *w == "from" || *w == "with")
        })
    })
}

/// The first speaker, if their first turn is a full greeting.
fn agent_by_greeting(turns: &[Turn]) -> Option<String> {
    let first = turns.iter().find(|t| t.label.is_some())?;
    let text = first.text.to_lowercase();
    let words = text.split_whitespace().count();
    let greets = GREETINGS.iter().any(|g| {
        text.strip_prefix(g)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
    });
    (greets && words >= MIN_GREETING_WORDS)
        .then(|| first.label.as_deref().unwrap_or("").to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_words_and_config() {
        let map = SpeakerMap {
            agent: vec!["Mike".into()],
            customer: vec![],
        };
        assert_eq!(speaker_role("mike", &map), Speaker::Agent);
        assert_eq!(speaker_role("Sales Rep", &map), Speaker::Agent);
        assert_eq!(speaker_role("Customer Service Rep", &map), Speaker::Agent);
        assert_eq!(speaker_role("Prospect", &map), Speaker::Customer);
        assert_eq!(speaker_role("Speaker A", &map), Speaker::Unknown);
    }

    #[test]
    fn anonymous_labels() {
        assert!(is_anonymous_label("Speaker A"));
        assert!(is_anonymous_label("spk_0"));
        assert!(is_anonymous_label("Speaker 12"));
        assert!(is_anonymous_label("S1"));
        assert!(!is_anonymous_label("Note"));
        assert!(!is_anonymous_label("Speaker Alpha"));
    }
}

//! Speaker-label vocabulary: which labels name a role by themselves.
//!
//! 1. The configured `SpeakerMap` (case-insensitive, trimmed label).
//! 2. Role words in the label: agent/rep/representative/salesperson/sales/
//!    seller/closer/opener/persuader/advisor/operator/csr/consultant => agent;
//!    customer/client/prospect/caller/lead/persuadee/buyer/homeowner => customer
//!    (agent words win, so "Customer Service Rep" is the agent).
//! 3. Anything else (`Speaker A`, `spk_0`, names) is anonymous: `infer`
//!    decides its role from what is said and the turn order.

use crate::config::SpeakerMap;
use crate::model::Speaker;

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

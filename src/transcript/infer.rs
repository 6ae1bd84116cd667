//! Who speaks each turn: roles from labels, content and alternation.
//!
//! 1. Labels that name a role (configured, or role words such as "Agent",
//!    "Customer") fix the role of their turns: source `label`, confidence 1.
//! 2. Every turn's text gives content evidence (the rule `cues` plus the
//!    learned classifier `role_model`), and the sequence
//!    model (`sequence`) combines it with the turn order: speakers alternate
//!    at a new label or line, keep their role under the same label, and a
//!    paragraph's sentences mostly continue one speaker.
//! 3. Labelled transcripts (two or more speakers, or any role label): each
//!    anonymous label gets the role its turns have on average (weighted by
//!    words), if that probability is at least `CONFIDENT`; so a three-speaker
//!    handoff maps opener and closer to agent, the prospect to customer, a
//!    voicemail greeting to other, and leaves an unclear extra voice unknown.
//! 4. Unlabelled lines and paragraph sentences get the role of their own
//!    posterior where it is at least `CONFIDENT`, else stay unknown.
//! 5. A role-labelled turn that repeats the previous turn's role while its
//!    content points firmly to the other side is `contested`: flagged, and
//!    its speaker left unknown ("Agent: I already told you, not interested").
//! 6. Where an agent hands the call over ("I have my manager on the line")
//!    and another agent label speaks after it, the two agents are marked
//!    opener and closer.
//!
//! The source recorded is `content` when the speaker's own words point to
//! the role, `alternation` when the role follows from the turns around it.

use crate::config::SpeakerMap;
use crate::model::{AgentPart, Attribution, RoleSource, Speaker, Turn};

use super::cues::{self, Evidence};
use super::role_model;
use super::roles::{is_anonymous_label, speaker_role};
use super::sequence::{self, AGENT, CUSTOMER, Link, OTHER, Posterior, Unit};

/// Probability from which a role is taken as known.
pub const CONFIDENT: f64 = 0.8;
/// Own log-odds from which a role counts as decided by content.
const CONTENT_LOG_ODDS: f64 = 1.0;
/// Content log-odds against a role label that contest it.
const CONTEST_LOG_ODDS: f64 = 2.0;
/// Log-odds of answering the phone first, and of greeting like a business.
const ANSWERS_FIRST: f64 = -1.0;
const CALLED_BUSINESS: f64 = -3.0;
const INBOUND_AGENT: f64 = 1.5;
/// Weight of the learned classifier's log-odds beside the cues'.
const LEARNED_WEIGHT: f64 = 1.0;
/// Turns from the start within which a business greeting is the answer.
const GREETING_TURNS: usize = 3;

/// How the units of a transcript follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Turns or lines: a new one is usually the other speaker.
    Turns,
    /// The sentences of one paragraph: mostly the same speaker.
    Sentences,
}

/// Sets `speaker` and `attribution` on every turn of one conversation (see
/// the module docs). `parse_text` calls it; utterance-table readers call it
/// on the turns of one call.
pub fn assign_roles(turns: &mut [Turn], speakers: &SpeakerMap, layout: Layout) {
    let mut evidence: Vec<Evidence> = turns.iter().map(|t| content(&t.text)).collect();
    who_answered(turns, &mut evidence);
    let labelled = uses_labels(turns, speakers);
    let fixed: Vec<Option<usize>> = turns
        .iter()
        .map(|t| {
            t.label
                .as_deref()
                .and_then(|l| state_of(speaker_role(l, speakers)))
        })
        .collect();
    let units: Vec<Unit> = (0..turns.len())
        .map(|i| Unit {
            evidence: evidence[i],
            fixed: fixed[i],
            link: link(turns, &evidence, i, labelled, layout),
        })
        .collect();
    let post = sequence::posteriors(&units);
    for (turn, fixed) in turns.iter_mut().zip(&fixed) {
        (turn.speaker, turn.attribution) = match fixed.map(speaker_of) {
            Some(role) => (role, Some(attribution(RoleSource::Label, 1.0))),
            None => (Speaker::Unknown, None),
        };
    }
    if labelled {
        by_label(turns, &units, &post, &fixed);
    } else {
        by_unit(turns, &post, &evidence);
    }
    contest(turns, &evidence, &fixed);
    mark_parts(turns, &evidence);
}

/// The content evidence of one unit: the rule cues plus the learned
/// classifier's log-odds (weighted by `LEARNED_WEIGHT`), except where a cue
/// of phone-call structure decides (answering the phone, a handoff, a
/// machine): the classifier learned from chats and scripted calls, where the
/// agent opens and nobody hands over.
fn content(text: &str) -> Evidence {
    let mut evidence = cues::score(text);
    if !(evidence.answers_phone || evidence.handoff || evidence.machine) {
        evidence.agent_log_odds += LEARNED_WEIGHT * role_model::agent_log_odds(text);
    }
    evidence
}

/// Who answers the phone is the called side: a short "Hello?" opening the
/// call is the customer; a business greeting ("thank you for calling ...")
/// near the start is the customer when another speaker introduces themselves
/// as the caller, and the (inbound) agent otherwise.
fn who_answered(turns: &[Turn], evidence: &mut [Evidence]) {
    if let Some(first) = evidence.first_mut().filter(|e| e.answers_phone) {
        first.agent_log_odds += ANSWERS_FIRST;
    }
    for i in 0..turns.len().min(GREETING_TURNS) {
        if !evidence[i].inbound_greeting {
            continue;
        }
        let other_speaker =
            |j: usize| j != i && (turns[j].label.is_none() || turns[j].label != turns[i].label);
        let called = (0..turns.len()).any(|j| other_speaker(j) && evidence[j].outbound_intro);
        evidence[i].agent_log_odds += if called {
            CALLED_BUSINESS
        } else {
            INBOUND_AGENT
        };
    }
}

/// Labels are used when two or more speakers are named, or one names a role;
/// one anonymous label for everything (failed diarisation) is no label.
fn uses_labels(turns: &[Turn], speakers: &SpeakerMap) -> bool {
    let mut distinct: Vec<String> = Vec::new();
    for label in turns.iter().filter_map(|t| t.label.as_deref()) {
        if speaker_role(label, speakers) != Speaker::Unknown || !is_anonymous_label(label) {
            return true;
        }
        let key = label.to_lowercase();
        if !distinct.contains(&key) {
            distinct.push(key);
        }
    }
    distinct.len() > 1
}

fn link(turns: &[Turn], evidence: &[Evidence], i: usize, labelled: bool, layout: Layout) -> Link {
    let same_label = |a: &Turn, b: &Turn| match (&a.label, &b.label) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    };
    let Some(p) = i.checked_sub(1) else {
        return Link::NewTurn;
    };
    match layout {
        _ if labelled && same_label(&turns[p], &turns[i]) => Link::SameLabel,
        Layout::Turns if evidence[p].handoff => Link::AfterHandoff,
        Layout::Turns => Link::NewTurn,
        Layout::Sentences => Link::NextSentence,
    }
}

fn state_of(speaker: Speaker) -> Option<usize> {
    match speaker {
        Speaker::Agent => Some(AGENT),
        Speaker::Customer => Some(CUSTOMER),
        Speaker::Other => Some(OTHER),
        Speaker::Unknown => None,
    }
}

fn speaker_of(state: usize) -> Speaker {
    match state {
        AGENT => Speaker::Agent,
        CUSTOMER => Speaker::Customer,
        _ => Speaker::Other,
    }
}

fn attribution(source: RoleSource, confidence: f64) -> Attribution {
    Attribution {
        source,
        confidence: confidence as f32,
        part: None,
    }
}

/// The most probable state and its probability.
fn best(p: &Posterior) -> (usize, f64) {
    let mut state = AGENT;
    for s in [CUSTOMER, OTHER] {
        if p[s] > p[state] {
            state = s;
        }
    }
    (state, p[state])
}

/// The source of a role decided by the model: the speaker's own words when
/// they point to it, else the turns around it.
fn model_source(state: usize, log_odds: f64, machine: bool) -> RoleSource {
    let own = match state {
        AGENT => log_odds >= CONTENT_LOG_ODDS,
        CUSTOMER => log_odds <= -CONTENT_LOG_ODDS,
        _ => machine,
    };
    if own {
        RoleSource::Content
    } else {
        RoleSource::Alternation
    }
}

/// Anonymous labels: their marginal role from the joint assignment of all
/// labels (or, past `MAX_JOINT_LABELS`, the word-weighted mean posterior of
/// their turns).
fn by_label(turns: &mut [Turn], units: &[Unit], post: &[Posterior], fixed: &[Option<usize>]) {
    let mut keys: Vec<String> = Vec::new();
    let label_of: Vec<usize> = turns
        .iter()
        .map(|t| {
            let key = t.label.as_deref().unwrap_or("").to_lowercase();
            keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                keys.push(key);
                keys.len() - 1
            })
        })
        .collect();
    let marginals = sequence::label_marginals(units, &label_of, keys.len())
        .unwrap_or_else(|| mean_posteriors(turns, post, &label_of, keys.len()));
    let mut log_odds = vec![0.0; keys.len()];
    let mut machine = vec![(0usize, 0usize); keys.len()];
    for (i, unit) in units.iter().enumerate() {
        log_odds[label_of[i]] += unit.evidence.agent_log_odds;
        machine[label_of[i]].0 += usize::from(unit.evidence.machine);
        machine[label_of[i]].1 += 1;
    }
    for (i, turn) in turns.iter_mut().enumerate() {
        let l = label_of[i];
        let (state, p) = best(&marginals[l]);
        if fixed[i].is_some() || turn.label.is_none() || p < CONFIDENT {
            continue;
        }
        let source = model_source(state, log_odds[l], machine[l].0 * 2 > machine[l].1);
        turn.speaker = speaker_of(state);
        turn.attribution = Some(attribution(source, p));
    }
}

/// Each label's word-weighted mean of its turns' posteriors.
fn mean_posteriors(
    turns: &[Turn],
    post: &[Posterior],
    label_of: &[usize],
    labels: usize,
) -> Vec<Posterior> {
    let mut mass = vec![[0.0; 3]; labels];
    let mut weight = vec![0.0; labels];
    for (i, turn) in turns.iter().enumerate() {
        let w = turn.text.split_whitespace().count().max(1) as f64;
        weight[label_of[i]] += w;
        (0..3).for_each(|s| mass[label_of[i]][s] += w * post[i][s]);
    }
    mass.iter()
        .zip(&weight)
        .map(|(m, w)| m.map(|x| x / w.max(f64::MIN_POSITIVE)))
        .collect()
}

/// Unlabelled lines and sentences: each its own posterior.
fn by_unit(turns: &mut [Turn], post: &[Posterior], evidence: &[Evidence]) {
    for ((turn, p), ev) in turns.iter_mut().zip(post).zip(evidence) {
        let (state, prob) = best(p);
        if prob >= CONFIDENT {
            turn.speaker = speaker_of(state);
            let source = model_source(state, ev.agent_log_odds, ev.machine);
            turn.attribution = Some(attribution(source, prob));
        }
    }
}

/// Flags role-labelled turns that break alternation against their content.
fn contest(turns: &mut [Turn], evidence: &[Evidence], fixed: &[Option<usize>]) {
    for i in 1..turns.len() {
        let against = match fixed[i] {
            Some(AGENT) => -evidence[i].agent_log_odds,
            Some(CUSTOMER) => evidence[i].agent_log_odds,
            _ => continue,
        };
        if fixed[i - 1] == fixed[i] && against >= CONTEST_LOG_ODDS {
            turns[i].speaker = Speaker::Unknown;
            let confidence = 1.0 / (1.0 + against.exp());
            turns[i].attribution = Some(attribution(RoleSource::Contested, confidence));
        }
    }
}

/// Opener and closer: the agent label that hands over, and the agent label
/// that speaks after it.
fn mark_parts(turns: &mut [Turn], evidence: &[Evidence]) {
    let is_agent = |t: &Turn| t.speaker == Speaker::Agent && t.label.is_some();
    let Some(handoff) = (0..turns.len()).find(|&i| evidence[i].handoff && is_agent(&turns[i]))
    else {
        return;
    };
    let opener = turns[handoff].label.clone();
    let closer = turns[handoff + 1..]
        .iter()
        .find(|t| is_agent(t) && t.label != opener)
        .and_then(|t| t.label.clone());
    let Some(closer) = closer else { return };
    for turn in turns.iter_mut().filter(|t| t.speaker == Speaker::Agent) {
        let part = if turn.label == opener {
            AgentPart::Opener
        } else if turn.label.as_ref() == Some(&closer) {
            AgentPart::Closer
        } else {
            continue;
        };
        if let Some(a) = turn.attribution.as_mut() {
            a.part = Some(part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(lines: &[(&str, &str)]) -> Vec<Turn> {
        lines
            .iter()
            .map(|(label, text)| Turn::new((!label.is_empty()).then(|| label.to_string()), *text))
            .collect()
    }

    fn roles(turns: &[Turn]) -> Vec<Speaker> {
        turns.iter().map(|t| t.speaker).collect()
    }

    #[test]
    fn three_party_handoff() {
        let mut t = turns(&[
            (
                "Speaker A",
                "I do have here my manager, Art. Mr. Wade owns a washing service.",
            ),
            (
                "Speaker B",
                "Hello Wade, my name is Art, area manager for 411 Locals. The reason for my call is simple. How long have you been in business?",
            ),
            ("Speaker C", "About seven years. Word of mouth mostly."),
            (
                "Speaker B",
                "And do you use any online services to promote your business?",
            ),
            ("Speaker C", "No."),
        ]);
        assign_roles(&mut t, &SpeakerMap::default(), Layout::Turns);
        use Speaker::{Agent, Customer};
        assert_eq!(roles(&t), [Agent, Agent, Customer, Agent, Customer]);
        let parts: Vec<_> = t
            .iter()
            .map(|t| t.attribution.and_then(|a| a.part))
            .collect();
        assert_eq!(parts[0], Some(AgentPart::Opener));
        assert_eq!(parts[1], Some(AgentPart::Closer));
    }

    #[test]
    fn contested_role_label() {
        let mut t = turns(&[
            (
                "Agent",
                "Hi, this is Sam calling from Acme about your listing.",
            ),
            (
                "Agent",
                "Who is this? I'm the owner and I'm not interested.",
            ),
            ("Customer", "Okay."),
        ]);
        assign_roles(&mut t, &SpeakerMap::default(), Layout::Turns);
        assert_eq!(t[1].speaker, Speaker::Unknown);
        assert_eq!(
            t[1].attribution.map(|a| a.source),
            Some(RoleSource::Contested)
        );
    }
}

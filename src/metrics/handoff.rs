//! The opener-to-closer handoff of a two-leg call, measured from both
//! transcripts: where the call is handed over, whether the opener asked for
//! and got consent to it, how the opener framed the call, and whether the
//! closer set an agenda and asked for time in the first minute.
//!
//! The opener's side is the opener leg plus the closer leg's turns up to and
//! including the handoff (closer recordings often start with the opener
//! introducing the closer). Where roles are unknown (one paragraph), the
//! cues are agent phrases and are read from the text by position.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::model::{AgentPart, Call, Speaker, Turn};
use crate::transcript;

/// The closer's first minute; without times, its first words at speaking pace.
const FIRST_MINUTE_S: f64 = 60.0;
const FIRST_MINUTE_WORDS: usize = 150;
/// Opener turns before the transfer in which consent is looked for.
const CONSENT_WINDOW_TURNS: usize = 6;

/// How the opener presented the call to the prospect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framing {
    /// Customers or jobs for the prospect ("looking for a reliable business
    /// to work with", "handles new customers") — not what is then sold.
    Customers,
    /// Advertising, marketing, listings, websites: what is actually sold.
    Marketing,
    /// A survey or a few questions, updating details.
    Survey,
    /// No framing cue in the opener's words.
    Unstated,
}

impl Framing {
    pub fn as_str(self) -> &'static str {
        match self {
            Framing::Customers => "customers for you",
            Framing::Marketing => "marketing",
            Framing::Survey => "survey / questions",
            Framing::Unstated => "unstated",
        }
    }
}

/// The handoff features of one two-leg call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffFeatures {
    /// Closer-leg turn where the call is handed over; `None` when the
    /// handover is not in the closer recording.
    pub transfer_turn: Option<u32>,
    pub consent_asked: bool,
    /// Whether the reply to the request agreed; `None` when not asked.
    pub consent_given: Option<bool>,
    pub framing: Framing,
    /// The closer said what the call will cover in the first minute.
    pub agenda_set: bool,
    /// The closer asked for the prospect's time in the first minute.
    pub time_asked: bool,
}

fn regex(pattern: &str) -> Regex {
    Regex::new(&format!(r"(?i)\b(?:{pattern})\b")).expect("valid handoff pattern")
}

static CONSENT_ASK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"is (?:that|it) (?:okay|ok|alright|all right|fine)|(?:can|may|could) i (?:bring|connect|transfer|get|put|introduce)|would you (?:mind|like to (?:speak|talk)|be open)|do you mind|mind if i|are you (?:with me|okay with)|(?:okay|ok|alright) if i|do you have (?:a|one) (?:minute|moment|second)",
    )
});
static CONSENT_YES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(?:yes|yeah|yep|sure|okay|ok|alright|all right|go ahead|not a problem|no problem|fine|of course|absolutely|please|that'?s fine)\b")
        .expect("valid pattern")
});
static CONSENT_NO: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"not interested|no thanks|no thank you|i'?m busy|don'?t have time|not now|call (?:me )?back",
    )
});
static FRAME_CUSTOMERS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"reliable (?:business|company|contractor)|(?:take|taking|handle|handles|handling|accept|accepting) (?:on )?(?:new|more) (?:customers|clients|jobs|work)|(?:customers?|jobs?|work|projects?) for you|business (?:in|around) (?:the|your) area (?:we can|to) work with",
    )
});
static FRAME_MARKETING: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"advertis\w*|marketing|search engine|google|listing|website|seo|online presence|exposure|leads",
    )
});
static FRAME_SURVEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"survey|(?:verify|update|confirm) (?:your|the) (?:business )?(?:information|details|listing)",
    )
});
static AGENDA: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:a few|some|couple of|couple) (?:quick |short )?questions|(?:purpose|reason) (?:of|for) (?:this|my|the|our) call|what i'?d like to do|here'?s (?:how|what)|(?:see|find out) if (?:this|we|it|you) (?:would be|is|are|could be) a good fit|agenda|first,? i'?(?:ll|d)|walk you through",
    )
});
static TIME_ASK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:do|would) you have (?:a|one|two|five|a few|couple of) (?:minutes?|moments?|seconds?)|is (?:now|this) a (?:good|bad) time|(?:got|have) a (?:minute|second|moment)|(?:take|takes|taking) (?:up )?(?:just |only )?(?:a few|two|five|couple of) minutes|(?:won'?t|will not|don'?t) take (?:too much|much|long|more than)|(?:so|that) we don'?t take (?:too much )?(?:of )?your time",
    )
});

/// The handoff features of `call`, present for two-leg calls whose opener
/// and closer transcripts both have text.
pub fn measure(call: &Call) -> Option<HandoffFeatures> {
    let opener = &call.opener_leg()?.transcript.turns;
    let closer = &call.main_leg()?.transcript.turns;
    if opener.is_empty() || closer.is_empty() {
        return None;
    }
    let transfer = transfer_turn(closer);
    let closer_start = transfer.map_or(0, |t| t + 1);
    let before: Vec<&Turn> = opener
        .iter()
        .chain(&closer[..closer_start.min(closer.len())])
        .collect();
    let (consent_asked, consent_given) = consent(&before);
    let first_minute = closer_first_minute(&closer[closer_start.min(closer.len())..]);
    Some(HandoffFeatures {
        transfer_turn: transfer.and_then(|t| u32::try_from(t).ok()),
        consent_asked,
        consent_given,
        framing: framing(opener),
        agenda_set: AGENDA.is_match(&first_minute),
        time_asked: TIME_ASK.is_match(&first_minute),
    })
}

/// The first closer-leg turn where an agent (or an unknown speaker) hands
/// the call over, within the closer's opening.
fn transfer_turn(closer: &[Turn]) -> Option<usize> {
    closer.iter().position(|t| {
        let opener_part = t.attribution.and_then(|a| a.part) == Some(AgentPart::Opener);
        let may_be_agent = matches!(t.speaker, Speaker::Agent | Speaker::Unknown);
        (opener_part || may_be_agent) && transcript::is_handoff(&t.text)
    })
}

/// Consent asked in the opener's last turns before the transfer, and the
/// answer in the next turn of another speaker.
fn consent(before: &[&Turn]) -> (bool, Option<bool>) {
    let from = before.len().saturating_sub(CONSENT_WINDOW_TURNS);
    let asked = (from..before.len())
        .rev()
        .find(|&i| before[i].speaker != Speaker::Customer && CONSENT_ASK.is_match(&before[i].text));
    let Some(i) = asked else {
        return (false, None);
    };
    let reply = before[i + 1..]
        .iter()
        .find(|t| t.speaker != Speaker::Agent && (t.label.is_none() || t.label != before[i].label));
    let given = reply.map(|r| CONSENT_YES.is_match(&r.text) && !CONSENT_NO.is_match(&r.text));
    (true, Some(given.unwrap_or(false)))
}

/// What the opener (its agent turns, or every turn when roles are unknown)
/// said the call was about; the first framing cue wins.
fn framing(opener: &[Turn]) -> Framing {
    let agent_known = opener.iter().any(|t| t.speaker == Speaker::Agent);
    let said = opener
        .iter()
        .filter(|t| !agent_known || t.speaker == Speaker::Agent)
        .map(|t| t.text.as_str());
    for text in said {
        if FRAME_CUSTOMERS.is_match(text) {
            return Framing::Customers;
        }
        if FRAME_MARKETING.is_match(text) {
            return Framing::Marketing;
        }
        if FRAME_SURVEY.is_match(text) {
            return Framing::Survey;
        }
    }
    Framing::Unstated
}

/// The closer's words in the first minute after the handoff (agent turns
/// when roles are known, all text otherwise).
fn closer_first_minute(turns: &[Turn]) -> String {
    let start = turns.iter().find_map(|t| t.start_s);
    let agent_known = turns.iter().any(|t| t.speaker == Speaker::Agent);
    let mut words = 0;
    let mut text = String::new();
    for t in turns {
        let in_time = match (start, t.start_s) {
            (Some(s), Some(at)) => at - s <= FIRST_MINUTE_S,
            _ => words < FIRST_MINUTE_WORDS,
        };
        if !in_time {
            break;
        }
        words += t.text.split_whitespace().count();
        if !agent_known || t.speaker == Speaker::Agent {
            text.push_str(&t.text);
            text.push('\n');
        }
    }
    text
}

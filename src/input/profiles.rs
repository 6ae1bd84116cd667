//! Built-in profiles: which columns each profile looks for, and the
//! disposition legend a profile brings. Explicit config keys override both.
//!
//! `vici-lgs-omc` legend (original-system.md §3.4): converted = P2P (promise
//! to pay), SALE, SW (sold website); not converted = HU, NI, CR, REJNUM, LB,
//! NP, CALLBK; unknown = A, VM, N (no conversation) and AC ("already a
//! customer": the prospect could not be won on this call, so counting it as a
//! lost sale would blame the agent for the lead list).
//!
//! `generic` legend: converted = sale, sold, converted, won, closed_won,
//! success; not converted = no_sale, not_interested, lost, closed_lost,
//! hung_up, hangup, declined, rejected, callback, call_back; unknown =
//! voicemail, no_answer, answering_machine, wrong_number.

use crate::config::input::{InputConfig, LegColumns, Profile, UtteranceColumns};
use crate::config::{Config, OutcomeMap};

/// Where to find one field: candidate header names in order of preference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnSpec {
    pub names: Vec<String>,
    /// Explicit keys (and the call id) must exist; profile guesses may not.
    pub required: bool,
}

impl ColumnSpec {
    fn explicit(name: &str) -> Self {
        ColumnSpec {
            names: vec![name.to_string()],
            required: true,
        }
    }

    fn guesses(names: &[&str]) -> Self {
        ColumnSpec {
            names: names.iter().map(|n| n.to_string()).collect(),
            required: false,
        }
    }

    /// The explicit key when given, else the profile's guesses.
    fn pick(explicit: Option<&String>, guesses: &[&str]) -> Self {
        explicit.map_or_else(|| Self::guesses(guesses), |n| Self::explicit(n))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegSpec {
    pub name: String,
    pub agent: ColumnSpec,
    pub duration: ColumnSpec,
    pub transcript: Vec<ColumnSpec>,
}

/// The call-level mapping to look up in a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingSpec {
    pub call_id: ColumnSpec,
    pub agent: ColumnSpec,
    pub team: ColumnSpec,
    pub started_at: ColumnSpec,
    pub duration: ColumnSpec,
    pub disposition: ColumnSpec,
    pub transcript: Vec<ColumnSpec>,
    /// Empty: one leg from the call-level agent, duration and transcript.
    pub legs: Vec<LegSpec>,
    /// `None`: every unmapped column passes through.
    pub passthrough: Option<Vec<ColumnSpec>>,
}

/// Column guesses of one profile.
struct Guesses {
    call_id: &'static [&'static str],
    agent: &'static [&'static str],
    team: &'static [&'static str],
    started_at: &'static [&'static str],
    duration: &'static [&'static str],
    disposition: &'static [&'static str],
    transcript: &'static [&'static str],
}

const GENERIC: Guesses = Guesses {
    call_id: &[
        "call_id",
        "id",
        "callid",
        "call_uuid",
        "uniqueid",
        "lead_id",
        "conversation_id",
    ],
    agent: &[
        "agent",
        "user",
        "agent_name",
        "username",
        "agent_id",
        "user_id",
        "rep",
    ],
    team: &["team", "campaign", "campaign_id", "campaign_name", "group"],
    started_at: &[
        "started_at",
        "date",
        "call_date",
        "start_time",
        "datetime",
        "timestamp",
        "call_time",
        "started",
    ],
    duration: &[
        "duration",
        "length_in_sec",
        "duration_s",
        "duration_sec",
        "duration_seconds",
        "length",
        "talk_time",
    ],
    disposition: &[
        "disposition",
        "status",
        "outcome",
        "status_name",
        "result",
        "call_status",
    ],
    transcript: &["transcript", "transcription", "text", "conversation"],
};

const VICI: Guesses = Guesses {
    call_id: &[vici::LEAD_ID],
    agent: &[],
    team: &[],
    started_at: &[vici::EVENT_DATE],
    duration: &[],
    disposition: &[vici::OMC_DISPOSITION],
    transcript: &[],
};

const NONE: Guesses = Guesses {
    call_id: &[],
    agent: &[],
    team: &[],
    started_at: &[],
    duration: &[],
    disposition: &[],
    transcript: &[],
};

/// Exact column names of the original export (original-system.md §2.2).
pub mod vici {
    pub const LEAD_ID: &str = "TO_Lead_ID";
    pub const EVENT_DATE: &str = "TO_Event_O";
    pub const LGS_USER: &str = "TO_User_M";
    pub const LGS_LENGTH: &str = "TO_length_in_sec";
    pub const LGS_TRANSCRIPT: [&str; 3] = [
        "TO_Transcription_VICI(0-32000) Words",
        "TO_Transcription_VICI(32001-64000) Words",
        "TO_Transcription_VICI(64000+ Words)",
    ];
    pub const OMC_USER: &str = "TO_OMC_User";
    pub const OMC_DURATION: &str = "TO_OMC_Duration";
    /// Sic: the export spells it "Disposiion".
    pub const OMC_DISPOSITION: &str = "TO_OMC_Disposiion";
    pub const OMC_TRANSCRIPT: [&str; 3] = [
        "TO_OMC_Transcription_VICI",
        "TO_OMC_Transcription_VICI(32000-64000)Words",
        "TO_OMC_Transcription_VICI(64000+ Words)",
    ];
    pub const CALLS_COUNT: &str = "Calls Count";
    pub const CONNECTIONS: &str = "Connection Made Calls";
    pub const LEAD_QUALITY: [&str; 4] = [
        "LQ_Company_Name",
        "LQ_Company_Address",
        "LQ_Service",
        "LQ_Customer_Name",
    ];
}

/// The two legs of the original export: LGS opener, then OMC closer.
fn vici_legs() -> Vec<LegColumns> {
    let leg = |name: &str, agent: &str, duration: &str, parts: [&str; 3]| LegColumns {
        name: name.to_string(),
        agent: Some(agent.to_string()),
        duration: Some(duration.to_string()),
        transcript: parts.iter().map(|p| p.to_string()).collect(),
    };
    vec![
        leg(
            "opener",
            vici::LGS_USER,
            vici::LGS_LENGTH,
            vici::LGS_TRANSCRIPT,
        ),
        leg(
            "closer",
            vici::OMC_USER,
            vici::OMC_DURATION,
            vici::OMC_TRANSCRIPT,
        ),
    ]
}

fn guesses(profile: Profile) -> &'static Guesses {
    match profile {
        Profile::Generic => &GENERIC,
        Profile::ViciLgsOmc => &VICI,
        Profile::Custom => &NONE,
    }
}

/// The call-level mapping: profile guesses overridden by explicit keys.
pub fn mapping_spec(input: &InputConfig) -> MappingSpec {
    let g = guesses(input.profile);
    let c = &input.columns;
    let mut call_id = ColumnSpec::pick(c.call_id.as_ref(), g.call_id);
    call_id.required = true;
    let transcript = match &c.transcript {
        Some(parts) => parts.iter().map(|p| ColumnSpec::explicit(p)).collect(),
        None if g.transcript.is_empty() => Vec::new(),
        None => vec![ColumnSpec::guesses(g.transcript)],
    };
    MappingSpec {
        call_id,
        agent: ColumnSpec::pick(c.agent.as_ref(), g.agent),
        team: ColumnSpec::pick(c.team.as_ref(), g.team),
        started_at: ColumnSpec::pick(c.started_at.as_ref(), g.started_at),
        duration: ColumnSpec::pick(c.duration.as_ref(), g.duration),
        disposition: ColumnSpec::pick(c.disposition.as_ref(), g.disposition),
        transcript,
        legs: leg_specs(input),
        passthrough: input
            .passthrough
            .as_ref()
            .map(|cols| cols.iter().map(|n| ColumnSpec::explicit(n)).collect()),
    }
}

/// Explicit legs are required columns; the profile's legs are optional.
fn leg_specs(input: &InputConfig) -> Vec<LegSpec> {
    let (legs, required) = match (input.legs.is_empty(), input.profile) {
        (false, _) => (input.legs.clone(), true),
        (true, Profile::ViciLgsOmc) => (vici_legs(), false),
        (true, _) => (Vec::new(), false),
    };
    let spec = |name: &Option<String>| ColumnSpec {
        names: name.iter().cloned().collect(),
        required,
    };
    legs.iter()
        .map(|leg| LegSpec {
            name: leg.name.clone(),
            agent: spec(&leg.agent),
            duration: spec(&leg.duration),
            transcript: leg
                .transcript
                .iter()
                .map(|p| spec(&Some(p.clone())))
                .collect(),
        })
        .collect()
}

/// Where the columns of an utterance table are.
#[derive(Debug, Clone, PartialEq)]
pub struct UtteranceSpec {
    pub call_id: ColumnSpec,
    pub speaker: ColumnSpec,
    pub text: ColumnSpec,
    pub turn: ColumnSpec,
    pub start: ColumnSpec,
    pub end: ColumnSpec,
}

/// Utterance-table columns: explicit, else the generic profile's guesses.
pub fn utterance_spec(input: &InputConfig) -> Option<UtteranceSpec> {
    if let Some(u) = &input.utterances {
        return Some(explicit_utterances(u));
    }
    let required = |names: &[&str]| ColumnSpec {
        required: true,
        ..ColumnSpec::guesses(names)
    };
    (input.profile == Profile::Generic).then(|| UtteranceSpec {
        call_id: required(GENERIC.call_id),
        speaker: required(&["speaker", "role", "speaker_label", "participant", "channel"]),
        text: required(&["text", "utterance", "content", "transcript", "unit"]),
        turn: ColumnSpec::guesses(&["turn", "turn_index", "turn_id"]),
        start: ColumnSpec::guesses(&["start", "start_s", "start_time", "begin"]),
        end: ColumnSpec::guesses(&["end", "end_s", "end_time"]),
    })
}

fn explicit_utterances(u: &UtteranceColumns) -> UtteranceSpec {
    let opt = |n: &Option<String>| n.as_deref().map(ColumnSpec::explicit).unwrap_or_default();
    UtteranceSpec {
        call_id: ColumnSpec::explicit(&u.call_id),
        speaker: ColumnSpec::explicit(&u.speaker),
        text: ColumnSpec::explicit(&u.text),
        turn: opt(&u.turn),
        start: opt(&u.start),
        end: opt(&u.end),
    }
}

/// Common disposition words the generic profile understands.
const GENERIC_CONVERTED: &[&str] = &["sale", "sold", "converted", "won", "closed_won", "success"];
const GENERIC_NOT_CONVERTED: &[&str] = &[
    "no_sale",
    "not_interested",
    "lost",
    "closed_lost",
    "hung_up",
    "hangup",
    "declined",
    "rejected",
    "callback",
    "call_back",
];
const GENERIC_UNKNOWN: &[&str] = &[
    "voicemail",
    "no_answer",
    "answering_machine",
    "wrong_number",
];

/// The profile's disposition legend.
fn legend(profile: Profile) -> OutcomeMap {
    let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect();
    match profile {
        Profile::ViciLgsOmc => OutcomeMap {
            converted: codes(&["P2P", "SALE", "SW"]),
            not_converted: codes(&["HU", "NI", "CR", "REJNUM", "LB", "NP", "CALLBK"]),
            unknown: codes(&["A", "VM", "N", "AC"]),
            ..OutcomeMap::default()
        },
        Profile::Generic => OutcomeMap {
            converted: codes(GENERIC_CONVERTED),
            not_converted: codes(GENERIC_NOT_CONVERTED),
            unknown: codes(GENERIC_UNKNOWN),
            ..OutcomeMap::default()
        },
        Profile::Custom => OutcomeMap::default(),
    }
}

/// The config's disposition map with the profile legend behind it: a code
/// the config lists anywhere keeps the config's meaning.
pub fn outcome_map(cfg: &Config) -> OutcomeMap {
    let user = &cfg.outcomes;
    let in_user = |code: &String| {
        [&user.converted, &user.not_converted, &user.unknown]
            .iter()
            .any(|list| {
                list.iter()
                    .any(|c| c.trim().eq_ignore_ascii_case(code.trim()))
            })
    };
    let base = legend(cfg.input.profile);
    let merge = |mine: &[String], theirs: &[String]| -> Vec<String> {
        mine.iter()
            .cloned()
            .chain(theirs.iter().filter(|c| !in_user(c)).cloned())
            .collect()
    };
    OutcomeMap {
        converted: merge(&user.converted, &base.converted),
        not_converted: merge(&user.not_converted, &base.not_converted),
        unknown: merge(&user.unknown, &base.unknown),
        default: user.default.or(base.default),
        positive_label: user.positive_label.clone(),
        negative_label: user.negative_label.clone(),
        rate_label: user.rate_label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outcome;

    #[test]
    fn vici_legend_and_config_override() {
        let mut cfg = Config::default();
        cfg.input.profile = Profile::ViciLgsOmc;
        cfg.outcomes.converted.push("ac".into());
        let map = outcome_map(&cfg);
        assert_eq!(map.outcome(Some("sale")), Outcome::Converted);
        assert_eq!(map.outcome(Some("HU")), Outcome::NotConverted);
        assert_eq!(map.outcome(Some("VM")), Outcome::Unknown);
        assert_eq!(map.outcome(Some("AC")), Outcome::Converted);
        cfg.outcomes = OutcomeMap::default();
        assert_eq!(outcome_map(&cfg).outcome(Some("AC")), Outcome::Unknown);
    }
}

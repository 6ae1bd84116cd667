//! Roles for turns that arrive already split (utterance tables, subtitle and
//! speech-to-text files): the transcript module decides them
//! (`transcript::assign_roles`: config and role words, then what each
//! speaker says and the turn order); this module sums up, per call, whether
//! labels decided or the heuristic did (each turn's `attribution`), so a
//! call whose numbered speakers were mapped by the heuristic can be reported
//! as such, and builds the call's raw text from the turns.

use crate::config::SpeakerMap;
use crate::model::{RoleSource, Speaker, Transcript, Turn};
use crate::transcript::{Layout, assign_roles};

/// The attribute naming how a file's speakers got their roles.
pub const ATTRIBUTE: &str = "speaker_roles";

/// How the roles of one call's speakers were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolesFrom {
    /// Every speaker's role came from the `[speakers]` config or a role word in the label.
    Labels,
    /// At least one numbered or named speaker got its role from what it
    /// says or the turn order (the heuristic), not from its label.
    Heuristic,
    /// Speakers are labelled but at least one has no role.
    Unresolved,
    /// The file names no speaker at all.
    NoSpeakers,
}

impl RolesFrom {
    /// The value of the `speaker_roles` attribute (none when labels decided).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            RolesFrom::Labels => None,
            RolesFrom::Heuristic => Some("intro heuristic"),
            RolesFrom::Unresolved => Some("unresolved"),
            RolesFrom::NoSpeakers => Some("none in file"),
        }
    }
}

/// The transcript of `turns`, assigning their roles first unless the
/// transcript parser already did (`assigned`), and how the roles were decided.
pub fn transcript_of(
    mut turns: Vec<Turn>,
    speakers: &SpeakerMap,
    assigned: bool,
) -> (Transcript, RolesFrom) {
    if !assigned {
        assign_roles(&mut turns, speakers, Layout::Turns);
    }
    let source = roles_from(&turns);
    (
        Transcript {
            raw: raw_text(&turns),
            turns,
            rows: Vec::new(),
        },
        source,
    )
}

/// How the roles of a call's turns were decided, from their attributions.
fn roles_from(turns: &[Turn]) -> RolesFrom {
    let labelled: Vec<&Turn> = turns.iter().filter(|t| t.label.is_some()).collect();
    let by_label = |t: &&Turn| t.attribution.is_some_and(|a| a.source == RoleSource::Label);
    if labelled.is_empty() {
        RolesFrom::NoSpeakers
    } else if labelled.iter().any(|t| t.speaker == Speaker::Unknown) {
        RolesFrom::Unresolved
    } else if labelled.iter().all(by_label) {
        RolesFrom::Labels
    } else {
        RolesFrom::Heuristic
    }
}

/// One `label: text` line per turn (`?` for an unlabelled turn).
pub fn raw_text(turns: &[Turn]) -> String {
    turns
        .iter()
        .map(|t| format!("{}: {}", t.label.as_deref().unwrap_or("?"), t.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(label: Option<&str>, text: &str) -> Turn {
        Turn::new(label.map(str::to_string), text)
    }

    #[test]
    fn numbered_speakers_mapped_by_the_intro_are_marked_heuristic() {
        let turns = vec![
            turn(Some("Speaker 0"), "Hello?"),
            turn(
                Some("Speaker 1"),
                "Hi, this is Dana calling from Brightline about your account.",
            ),
        ];
        let (t, source) = transcript_of(turns.clone(), &SpeakerMap::default(), false);
        assert_eq!(source, RolesFrom::Heuristic);
        assert_eq!(t.turns[1].speaker, Speaker::Agent);
        let config = SpeakerMap {
            agent: vec!["Speaker 1".into()],
            customer: vec!["Speaker 0".into()],
        };
        assert_eq!(transcript_of(turns, &config, false).1, RolesFrom::Labels);
    }

    #[test]
    fn no_labels_means_no_speakers() {
        let (t, source) = transcript_of(vec![turn(None, "hello")], &SpeakerMap::default(), false);
        assert_eq!(source, RolesFrom::NoSpeakers);
        assert_eq!(t.raw, "?: hello");
    }
}

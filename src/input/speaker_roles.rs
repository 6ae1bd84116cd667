//! Roles for turns that arrive already split (utterance tables, subtitle and
//! speech-to-text files): the transcript module decides them
//! (`transcript::assign_roles`: config, role words, then the documented
//! intro heuristic); this module says which of those decided, so a call
//! whose numbered speakers were mapped by the heuristic can be reported as
//! such, and builds the call's raw text from the turns.

use crate::config::SpeakerMap;
use crate::model::{Speaker, Transcript, Turn};
use crate::transcript::{Layout, assign_roles, speaker_role};

/// The attribute naming how a file's speakers got their roles.
pub const ATTRIBUTE: &str = "speaker_roles";

/// How the roles of one call's speakers were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSource {
    /// Every speaker's role came from the `[speakers]` config or a role word in the label.
    Labels,
    /// At least one numbered or named speaker got a role from the intro heuristic.
    Heuristic,
    /// Speakers are labelled but at least one has no role.
    Unresolved,
    /// The file names no speaker at all.
    NoSpeakers,
}

impl RoleSource {
    /// The value of the `speaker_roles` attribute (none when labels decided).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            RoleSource::Labels => None,
            RoleSource::Heuristic => Some("intro heuristic"),
            RoleSource::Unresolved => Some("unresolved"),
            RoleSource::NoSpeakers => Some("none in file"),
        }
    }
}

/// Assigns roles to `turns` and returns the transcript with how they were decided.
pub fn transcript_of(mut turns: Vec<Turn>, speakers: &SpeakerMap) -> (Transcript, RoleSource) {
    assign_roles(&mut turns, speakers, Layout::Turns);
    let labelled: Vec<&Turn> = turns.iter().filter(|t| t.label.is_some()).collect();
    let source = if labelled.is_empty() {
        RoleSource::NoSpeakers
    } else if labelled.iter().any(|t| t.speaker == Speaker::Unknown) {
        RoleSource::Unresolved
    } else if labelled
        .iter()
        .any(|t| speaker_role(t.label.as_deref().unwrap_or(""), speakers) == Speaker::Unknown)
    {
        RoleSource::Heuristic
    } else {
        RoleSource::Labels
    };
    (
        Transcript {
            raw: raw_text(&turns),
            turns,
            rows: Vec::new(),
        },
        source,
    )
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
        let (t, source) = transcript_of(turns.clone(), &SpeakerMap::default());
        assert_eq!(source, RoleSource::Heuristic);
        assert_eq!(t.turns[1].speaker, Speaker::Agent);
        let config = SpeakerMap {
            agent: vec!["Speaker 1".into()],
            customer: vec!["Speaker 0".into()],
        };
        assert_eq!(transcript_of(turns, &config).1, RoleSource::Labels);
    }

    #[test]
    fn no_labels_means_no_speakers() {
        let (t, source) = transcript_of(vec![turn(None, "hello")], &SpeakerMap::default());
        assert_eq!(source, RoleSource::NoSpeakers);
        assert_eq!(t.raw, "?: hello");
    }
}

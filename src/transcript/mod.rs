//! Transcript parsing: raw text or utterance rows into speaker turns with optional times.

use crate::config::SpeakerMap;
use crate::model::{Speaker, Turn};

/// Parses a raw transcript into turns. (Placeholder: one unknown turn per
/// non-empty line; the real parser replaces it.)
pub fn parse_text(raw: &str, _speakers: &SpeakerMap) -> Vec<Turn> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Turn {
            speaker: Speaker::Unknown,
            label: None,
            start_s: None,
            end_s: None,
            text: l.to_string(),
        })
        .collect()
}

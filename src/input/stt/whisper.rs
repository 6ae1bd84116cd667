//! OpenAI Whisper `verbose_json` and WhisperX: `segments[]` with `start` /
//! `end` in seconds and `text`. WhisperX after diarization adds `speaker`
//! (`SPEAKER_00`...) to each segment; Whisper alone has no speakers, so its
//! turns stay unlabelled. The audio length is `duration` when present.

use serde::Deserialize;
use serde_json::Value;

use super::{push_merged, turn};
use crate::model::Turn;

#[derive(Deserialize)]
struct Transcript {
    segments: Vec<Segment>,
    #[serde(default)]
    duration: Option<f64>,
}

#[derive(Deserialize)]
struct Segment {
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    end: Option<f64>,
    text: String,
    #[serde(default)]
    speaker: Option<String>,
}

pub fn read(value: Value) -> Result<(Vec<Turn>, Option<f64>), serde_json::Error> {
    let doc: Transcript = serde_json::from_value(value)?;
    let mut turns = Vec::new();
    for s in &doc.segments {
        push_merged(&mut turns, turn(s.speaker.clone(), s.start, s.end, &s.text));
    }
    Ok((turns, doc.duration))
}

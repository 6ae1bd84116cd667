//! AssemblyAI transcripts with `speaker_labels` on: `utterances[]` with
//! `speaker` (`A`, `B`... labelled `Speaker A`), `text`, and `start` / `end`
//! in milliseconds. The audio length is `audio_duration` in seconds.

use serde::Deserialize;
use serde_json::Value;

use super::{push_merged, turn};
use crate::model::Turn;

#[derive(Deserialize)]
struct Transcript {
    utterances: Vec<Utterance>,
    #[serde(default)]
    audio_duration: Option<f64>,
}

#[derive(Deserialize)]
struct Utterance {
    #[serde(default)]
    speaker: Option<String>,
    text: String,
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    end: Option<f64>,
}

pub fn read(value: Value) -> Result<(Vec<Turn>, Option<f64>), serde_json::Error> {
    let doc: Transcript = serde_json::from_value(value)?;
    let mut turns = Vec::new();
    for u in &doc.utterances {
        let label = u.speaker.as_ref().map(|s| format!("Speaker {s}"));
        let ms = |v: Option<f64>| v.map(|v| v / 1000.0);
        push_merged(&mut turns, turn(label, ms(u.start), ms(u.end), &u.text));
    }
    Ok((turns, doc.audio_duration))
}

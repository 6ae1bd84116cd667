//! Deepgram pre-recorded results with `utterances=true`:
//! `results.utterances[]` with `start` / `end` in seconds, `transcript`,
//! `channel` and, with `diarize=true`, a numeric `speaker` (label
//! `Speaker N`). Without diarization a multichannel result labels turns by
//! channel (`Channel N`); a single channel without it has no speakers.
//! The audio length is `metadata.duration`.

use serde::Deserialize;
use serde_json::Value;

use super::{push_merged, turn};
use crate::model::Turn;

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    metadata: Option<Metadata>,
    results: Results,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    channels: Option<u32>,
}

#[derive(Deserialize)]
struct Results {
    utterances: Vec<Utterance>,
}

#[derive(Deserialize)]
struct Utterance {
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    end: Option<f64>,
    transcript: String,
    #[serde(default)]
    channel: Option<u32>,
    #[serde(default)]
    speaker: Option<u32>,
}

pub fn read(value: Value) -> Result<(Vec<Turn>, Option<f64>), serde_json::Error> {
    let doc: Response = serde_json::from_value(value)?;
    let multichannel = doc
        .metadata
        .as_ref()
        .and_then(|m| m.channels)
        .is_some_and(|c| c > 1);
    let mut turns = Vec::new();
    for u in &doc.results.utterances {
        let label = match (u.speaker, u.channel) {
            (Some(s), _) => Some(format!("Speaker {s}")),
            (None, Some(c)) if multichannel => Some(format!("Channel {c}")),
            _ => None,
        };
        push_merged(&mut turns, turn(label, u.start, u.end, &u.transcript));
    }
    Ok((turns, doc.metadata.and_then(|m| m.duration)))
}

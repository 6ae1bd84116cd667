//! AWS Transcribe results.
//!
//! - Standard batch output: `results.items[]` are words
//!   (`type: pronunciation`, times as strings in seconds) and punctuation
//!   (no times, attached to the word before). The speaker of a word is its
//!   own `speaker_label` (newer output), else the `speaker_labels.segments`
//!   item or `channel_labels.channels` item with the same `start_time`.
//!   Consecutive words of one speaker form a turn.
//! - Call Analytics (and Contact Lens) output: `Transcript[]` with `Content`,
//!   `BeginOffsetMillis`, `EndOffsetMillis` and `ParticipantRole`
//!   (`AGENT` / `CUSTOMER`), or a `ParticipantId` resolved through
//!   `Participants[]`. The role is the label, so it needs no heuristic.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{push_merged, turn};
use crate::model::Turn;

type Read = Result<(Vec<Turn>, Option<f64>), serde_json::Error>;

#[derive(Deserialize)]
struct Standard {
    results: Results,
}

#[derive(Deserialize)]
struct Results {
    items: Vec<Item>,
    #[serde(default)]
    speaker_labels: Option<Labelled>,
    #[serde(default)]
    channel_labels: Option<Channels>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    start_time: Option<String>,
    #[serde(default)]
    end_time: Option<String>,
    #[serde(default)]
    speaker_label: Option<String>,
    #[serde(default)]
    channel_label: Option<String>,
    alternatives: Vec<Alternative>,
}

#[derive(Deserialize)]
struct Alternative {
    content: String,
}

#[derive(Deserialize)]
struct Labelled {
    #[serde(default)]
    segments: Vec<Segment>,
}

#[derive(Deserialize)]
struct Segment {
    #[serde(default)]
    speaker_label: Option<String>,
    #[serde(default)]
    items: Vec<TimedLabel>,
}

#[derive(Deserialize)]
struct TimedLabel {
    start_time: Option<String>,
    #[serde(default)]
    speaker_label: Option<String>,
}

#[derive(Deserialize)]
struct Channels {
    #[serde(default)]
    channels: Vec<Channel>,
}

#[derive(Deserialize)]
struct Channel {
    channel_label: String,
    #[serde(default)]
    items: Vec<ChannelItem>,
}

#[derive(Deserialize)]
struct ChannelItem {
    start_time: Option<String>,
}

/// Standard output: words grouped into turns by speaker.
pub fn standard(value: Value) -> Read {
    let doc: Standard = serde_json::from_value(value)?;
    let speaker_at = labels_by_start(&doc.results);
    let mut turns: Vec<Turn> = Vec::new();
    for item in &doc.results.items {
        let Some(word) = item.alternatives.first().map(|a| a.content.as_str()) else {
            continue;
        };
        if item.kind == "punctuation" {
            if let Some(last) = turns.last_mut() {
                last.text.push_str(word);
            }
            continue;
        }
        let start = seconds(&item.start_time);
        let label = item
            .speaker_label
            .clone()
            .or_else(|| item.channel_label.clone())
            .or_else(|| {
                item.start_time
                    .as_ref()
                    .and_then(|t| speaker_at.get(t).cloned())
            });
        push_merged(
            &mut turns,
            turn(label, start, seconds(&item.end_time), word),
        );
    }
    Ok((turns, None))
}

/// Start time (as written) to speaker or channel label.
fn labels_by_start(results: &Results) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for seg in results.speaker_labels.iter().flat_map(|l| &l.segments) {
        for item in &seg.items {
            let label = item.speaker_label.as_ref().or(seg.speaker_label.as_ref());
            if let (Some(t), Some(l)) = (&item.start_time, label) {
                map.insert(t.clone(), l.clone());
            }
        }
    }
    for ch in results.channel_labels.iter().flat_map(|c| &c.channels) {
        for item in &ch.items {
            if let Some(t) = &item.start_time {
                map.entry(t.clone())
                    .or_insert_with(|| ch.channel_label.clone());
            }
        }
    }
    map
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Analytics {
    transcript: Vec<Utterance>,
    #[serde(default)]
    participants: Vec<Participant>,
    #[serde(default)]
    conversation_characteristics: Option<Characteristics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Utterance {
    content: String,
    #[serde(default)]
    begin_offset_millis: Option<f64>,
    #[serde(default)]
    end_offset_millis: Option<f64>,
    #[serde(default)]
    participant_role: Option<String>,
    #[serde(default)]
    participant_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Participant {
    #[serde(default)]
    participant_id: Option<String>,
    participant_role: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Characteristics {
    #[serde(default)]
    total_conversation_duration_millis: Option<f64>,
}

/// Call Analytics output: one turn per utterance, labelled by role.
pub fn call_analytics(value: Value) -> Read {
    let doc: Analytics = serde_json::from_value(value)?;
    let role_of: HashMap<&str, &str> = doc
        .participants
        .iter()
        .filter_map(|p| Some((p.participant_id.as_deref()?, p.participant_role.as_str())))
        .collect();
    let mut turns = Vec::new();
    for u in &doc.transcript {
        let label = u.participant_role.clone().or_else(|| {
            let id = u.participant_id.as_deref()?;
            Some(role_of.get(id).map_or(id, |r| r).to_string())
        });
        let ms = |v: Option<f64>| v.map(|v| v / 1000.0);
        push_merged(
            &mut turns,
            turn(
                label,
                ms(u.begin_offset_millis),
                ms(u.end_offset_millis),
                &u.content,
            ),
        );
    }
    let duration = doc
        .conversation_characteristics
        .and_then(|c| c.total_conversation_duration_millis)
        .map(|ms| ms / 1000.0);
    Ok((turns, duration))
}

fn seconds(raw: &Option<String>) -> Option<f64> {
    raw.as_deref()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_one_speaker_form_a_turn_and_punctuation_attaches() {
        let v = serde_json::json!({"results": {
        "speaker_labels": {"segments": [
            {"speaker_label": "spk_0", "items": [{"start_time": "0.5", "speaker_label": "spk_0"}]},
            {"speaker_label": "spk_1", "items": [{"start_time": "1.5", "speaker_label": "spk_1"}]}
        ]},
        "items": [
            {"type": "pronunciation", "start_time": "0.5", "end_time": "0.9", "alternatives": [{"content": "Hello"}]},
            {"type": "punctuation", "alternatives": [{"content": "."}]},
            {"type": "pronunciation", "start_time": "1.5", "end_time": "1.8", "alternatives": [{"content": "Hi"}]}
        ]}});
        let (turns, stated) = standard(v).expect("reads");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "Hello.");
        assert_eq!(turns[0].label.as_deref(), Some("spk_0"));
        assert_eq!(turns[1].start_s, Some(1.5));
        assert_eq!(stated, None);
    }

    #[test]
    fn contact_lens_participant_ids_resolve_to_roles() {
        let v = serde_json::json!({
            "Participants": [{"ParticipantId": "A1", "ParticipantRole": "AGENT"}],
            "Transcript": [{"ParticipantId": "A1", "Content": "Hello", "BeginOffsetMillis": 1200, "EndOffsetMillis": 2000}]
        });
        let (turns, _) = call_analytics(v).expect("reads");
        assert_eq!(turns[0].label.as_deref(), Some("AGENT"));
        assert_eq!(turns[0].start_s, Some(1.2));
    }
}

//! Speech-to-text JSON results, one call per file, recognised by their shape
//! (never by file name): AWS Transcribe (standard, with speaker or channel
//! labels) and its Call Analytics output, Deepgram, AssemblyAI, OpenAI
//! Whisper `verbose_json` and WhisperX. Each vendor's module turns its
//! shape into speaker turns with times in seconds; a JSON that fits none is
//! an error naming every shape tried.

mod assemblyai;
mod aws;
mod deepgram;
mod whisper;

use serde_json::Value;

use crate::model::Turn;

/// The shapes recognised, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    AwsCallAnalytics,
    AwsTranscribe,
    Deepgram,
    AssemblyAi,
    WhisperX,
    WhisperVerbose,
}

impl Shape {
    const ALL: [Shape; 6] = [
        Shape::AwsCallAnalytics,
        Shape::AwsTranscribe,
        Shape::Deepgram,
        Shape::AssemblyAi,
        Shape::WhisperX,
        Shape::WhisperVerbose,
    ];

    /// The product's name and the fields that identify it.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::AwsCallAnalytics => {
                "AWS Transcribe Call Analytics (`Transcript[]` with `ParticipantRole`)"
            }
            Shape::AwsTranscribe => "AWS Transcribe (`results.items`)",
            Shape::Deepgram => "Deepgram (`results.utterances`)",
            Shape::AssemblyAi => "AssemblyAI (`utterances`)",
            Shape::WhisperX => "WhisperX (`segments[]` with `speaker`)",
            Shape::WhisperVerbose => "OpenAI Whisper verbose_json (`segments`)",
        }
    }

    fn matches(self, v: &Value) -> bool {
        let array = |v: Option<&Value>| v.is_some_and(Value::is_array);
        match self {
            Shape::AwsCallAnalytics => v
                .get("Transcript")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().all(|e| e.get("Content").is_some())),
            Shape::AwsTranscribe => array(v.pointer("/results/items")),
            Shape::Deepgram => array(v.pointer("/results/utterances")),
            Shape::AssemblyAi => array(v.get("utterances")),
            Shape::WhisperX => {
                segments(v).is_some_and(|s| s.iter().any(|s| s.get("speaker").is_some()))
            }
            Shape::WhisperVerbose => segments(v).is_some(),
        }
    }
}

fn segments(v: &Value) -> Option<&Vec<Value>> {
    v.get("segments").and_then(Value::as_array)
}

/// One file's speech-to-text result as turns.
#[derive(Debug, Clone, PartialEq)]
pub struct SttTranscript {
    pub shape: Shape,
    /// Labels as the vendor numbers or names speakers (`spk_0`, `Speaker 1`,
    /// `Speaker A`, `SPEAKER_00`, `AGENT`); `None` where it has none.
    pub turns: Vec<Turn>,
    /// The audio's length where the result states it.
    pub duration_s: Option<f64>,
}

/// Why a JSON file is not a transcript.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SttError {
    #[error("matches no known speech-to-text shape; tried {}", tried())]
    UnknownShape,
    #[error("looks like {shape} but does not fit it: {message}")]
    Malformed {
        shape: &'static str,
        message: String,
    },
}

fn tried() -> String {
    Shape::ALL.map(Shape::describe).join(", ")
}

/// Recognises the shape of `value` and reads its turns.
pub fn parse(value: Value) -> Result<SttTranscript, SttError> {
    let shape = Shape::ALL
        .into_iter()
        .find(|s| s.matches(&value))
        .ok_or(SttError::UnknownShape)?;
    let read = match shape {
        Shape::AwsCallAnalytics => aws::call_analytics(value),
        Shape::AwsTranscribe => aws::standard(value),
        Shape::Deepgram => deepgram::read(value),
        Shape::AssemblyAi => assemblyai::read(value),
        Shape::WhisperX | Shape::WhisperVerbose => whisper::read(value),
    };
    let (turns, duration_s) = read.map_err(|e| SttError::Malformed {
        shape: shape.describe(),
        message: e.to_string(),
    })?;
    Ok(SttTranscript {
        shape,
        turns,
        duration_s,
    })
}

/// A turn as every vendor gives one: label, times in seconds, text.
fn turn(label: Option<String>, start_s: Option<f64>, end_s: Option<f64>, text: &str) -> Turn {
    Turn {
        start_s,
        end_s,
        ..Turn::new(label, text.trim())
    }
}

/// Appends `next`, or extends the previous turn when the same labelled
/// speaker goes on (vendors split one speaker's talk into many segments).
fn push_merged(turns: &mut Vec<Turn>, next: Turn) {
    if next.text.is_empty() {
        return;
    }
    match turns.last_mut() {
        Some(last) if last.label.is_some() && last.label == next.label => {
            last.text.push(' ');
            last.text.push_str(&next.text);
            last.end_s = next.end_s.or(last.end_s);
        }
        _ => turns.push(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_json_names_every_shape_tried() {
        let err = parse(serde_json::json!({"foo": [1, 2]})).unwrap_err();
        let text = err.to_string();
        for shape in Shape::ALL {
            assert!(text.contains(shape.describe()), "{text}");
        }
    }

    #[test]
    fn a_known_shape_with_wrong_fields_says_which_shape() {
        let err = parse(serde_json::json!({"utterances": [{"speaker": "A"}]})).unwrap_err();
        assert!(
            err.to_string().starts_with("looks like AssemblyAI"),
            "{err}"
        );
    }
}

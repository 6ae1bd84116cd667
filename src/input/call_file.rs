//! One file holding one call: WebVTT, SRT, speech-to-text JSON or a plain
//! text transcript, chosen by extension, read into speaker turns. A file
//! that cannot be read is a warning naming it (and the line, where the
//! parser knows it); the caller goes on with the next file.

use std::path::Path;

use encoding_rs::Encoding;
use serde_json::Value;

use super::RowWarning;
use super::decode::decode_cell;
use super::stt;
use super::subtitles;
use crate::config::SpeakerMap;
use crate::model::Turn;
use crate::transcript::parse_text;

/// Files larger than this are skipped with a warning (a call's transcript is
/// kilobytes; this is a wrong file, and reading it would hold it in memory).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The kinds of file a call can come in, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    WebVtt,
    Srt,
    Json,
    Text,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "vtt" => Some(FileKind::WebVtt),
            "srt" => Some(FileKind::Srt),
            "json" => Some(FileKind::Json),
            "txt" => Some(FileKind::Text),
            _ => None,
        }
    }

    /// What the kind is, for notes and warnings.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::WebVtt => "WebVTT",
            FileKind::Srt => "SRT",
            FileKind::Json => "speech-to-text JSON",
            FileKind::Text => "text transcript",
        }
    }
}

/// The call one file holds, before roles and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct FileCall {
    /// From the configured JSON field, else the file name without extension.
    pub id: String,
    pub turns: Vec<Turn>,
    /// The audio length where the file states it.
    pub stated_duration_s: Option<f64>,
    /// The format recognised, e.g. `Deepgram (`results.utterances`)`.
    pub format: &'static str,
    pub warnings: Vec<RowWarning>,
}

/// How to read the files of a folder.
pub struct ReadOptions<'a> {
    pub speakers: &'a SpeakerMap,
    /// Dotted path of a top-level JSON field holding the call id.
    pub id_field: Option<&'a str>,
}

/// Reads one file; `Err` is the warning saying why it was skipped.
pub fn read(path: &Path, kind: FileKind, opts: &ReadOptions) -> Result<FileCall, RowWarning> {
    let file = path.display().to_string();
    let fail = |line: u64, message: String| RowWarning::new(&file, line, None, message);
    let text = read_text(path).map_err(|m| fail(1, m))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| fail(1, "no file name to take the call id from".to_string()))?;
    let mut call = FileCall {
        id: stem,
        turns: Vec::new(),
        stated_duration_s: None,
        format: kind.name(),
        warnings: Vec::new(),
    };
    match kind {
        FileKind::WebVtt | FileKind::Srt => {
            (call.turns, call.warnings) = subtitles::parse(&text, &file, opts.speakers);
        }
        FileKind::Text => call.turns = parse_text(&text, opts.speakers),
        FileKind::Json => {
            let value: Value = serde_json::from_str(&text).map_err(|e| {
                fail(
                    e.line() as u64,
                    format!("not valid JSON: {e}; file skipped"),
                )
            })?;
            if let Some(id) = opts.id_field.and_then(|f| field(&value, f)) {
                call.id = id;
            }
            let stt = stt::parse(value).map_err(|e| fail(1, format!("{e}; file skipped")))?;
            call.turns = stt.turns;
            call.stated_duration_s = stt.duration_s;
            call.format = stt.shape.describe();
        }
    }
    Ok(call)
}

/// The file as text: a byte-order mark decides, else UTF-8, else Windows-1252.
fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "{size} bytes is too large for one call's transcript (limit {MAX_BYTES}); file skipped"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if let Some((encoding, bom)) = Encoding::for_bom(&bytes) {
        return Ok(encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned());
    }
    if bytes.contains(&0) {
        return Err("holds binary data (a NUL byte); file skipped".to_string());
    }
    Ok(decode_cell(&bytes).0)
}

/// A string or number at a dotted path (`jobName`, `metadata.request_id`).
fn field(value: &Value, path: &str) -> Option<String> {
    let found = path
        .split('.')
        .try_fold(value, |v, key| v.get(key.trim()))?;
    match found {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

//! JSONL in callscope's own `Call` schema (one call per line), so exports
//! round-trip. A line that does not parse is a row warning; a field that
//! cannot be read is a warning and unknown, as a CSV cell would be
//! (`jsonl_fields`); a transcript given only as `raw` text is parsed.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::decode::decode_cell;
use super::dedup::Dedup;
use super::jsonl_fields::repair;
use super::{CallStream, InputError, RowResult, RowWarning};
use crate::config::SpeakerMap;
use crate::model::Call;
use crate::transcript::parse_text;

/// Opens a JSONL file of calls, streaming line by line.
pub fn open(path: &Path, speakers: &SpeakerMap) -> Result<CallStream, InputError> {
    let file = path.display().to_string();
    let handle = File::open(path).map_err(|source| InputError::Io {
        file: file.clone(),
        source,
    })?;
    let lines = JsonlLines {
        file,
        reader: BufReader::new(handle),
        line: 0,
        dedup: Dedup::default(),
        failed: false,
        speakers: speakers.clone(),
    };
    Ok(CallStream {
        inner: Box::new(lines),
        notes: vec!["JSONL: calls in callscope's own schema".to_string()],
    })
}

struct JsonlLines {
    file: String,
    reader: BufReader<File>,
    line: u64,
    dedup: Dedup,
    failed: bool,
    speakers: SpeakerMap,
}

impl Iterator for JsonlLines {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        let mut buf = Vec::new();
        while !self.failed {
            buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) if buf.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(_) => return Some(self.parse(&buf)),
                Err(e) => {
                    self.failed = true;
                    return Some(RowResult::Skipped(
                        self.warn(format!("read error: {e}; stopped reading")),
                    ));
                }
            }
        }
        None
    }
}

impl JsonlLines {
    fn warn(&self, message: String) -> RowWarning {
        RowWarning::new(&self.file, self.line, None, message)
    }

    fn parse(&mut self, bytes: &[u8]) -> RowResult {
        let (text, cp1252) = decode_cell(bytes);
        let text = text.trim_start_matches('\u{feff}');
        let mut record: Value = match serde_json::from_str(text) {
            Ok(record) => record,
            Err(e) => return RowResult::Skipped(self.warn(format!("not a call record: {e}"))),
        };
        let problems = repair(&mut record);
        let mut call: Call = match serde_json::from_value(record) {
            Ok(call) => call,
            Err(e) => return RowResult::Skipped(self.warn(format!("not a call record: {e}"))),
        };
        if call.id.trim().is_empty() {
            return RowResult::Skipped(self.warn("empty call id; line skipped".to_string()));
        }
        if let Some(w) = self.dedup.check(&self.file, &call.id, self.line) {
            return RowResult::Skipped(w);
        }
        for leg in &mut call.legs {
            let transcript = &mut leg.transcript;
            if transcript.turns.is_empty() && transcript.rows.is_empty() {
                transcript.turns = parse_text(&transcript.raw, &self.speakers);
            }
        }
        if call.duration_s.is_none() {
            call.duration_s = call.main_leg().and_then(|leg| leg.duration_s);
        }
        let mut warnings: Vec<RowWarning> = cp1252
            .then(|| self.warn("not valid UTF-8; decoded as Windows-1252".to_string()))
            .into_iter()
            .collect();
        warnings.extend(
            problems
                .into_iter()
                .map(|p| RowWarning::new(&self.file, self.line, Some(p.field), p.message)),
        );
        RowResult::Call(Box::new(call), warnings)
    }
}

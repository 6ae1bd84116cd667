//! JSONL in callscope's own `Call` schema (one call per line), so exports
//! round-trip. A line that does not parse is a row warning.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::decode::decode_cell;
use super::dedup::Dedup;
use super::{CallStream, InputError, RowResult, RowWarning};
use crate::model::Call;

/// Opens a JSONL file of calls, streaming line by line.
pub fn open(path: &Path) -> Result<CallStream, InputError> {
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
        let call: Call = match serde_json::from_str(text) {
            Ok(call) => call,
            Err(e) => return RowResult::Skipped(self.warn(format!("not a call record: {e}"))),
        };
        if call.id.trim().is_empty() {
            return RowResult::Skipped(self.warn("empty call id; line skipped".to_string()));
        }
        if let Some(w) = self.dedup.check(&self.file, &call.id, self.line) {
            return RowResult::Skipped(w);
        }
        let warnings = cp1252
            .then(|| self.warn("not valid UTF-8; decoded as Windows-1252".to_string()))
            .into_iter()
            .collect();
        RowResult::Call(Box::new(call), warnings)
    }
}

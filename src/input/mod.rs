//! Reading call exports (CSV, XLSX, JSONL, utterance tables, a folder of
//! files one per call) into normalised calls, streaming, with row-level warnings.
//!
//! Rules every format follows:
//! - A row that cannot become a call is `RowResult::Skipped` with a warning
//!   naming file, row and column; the stream goes on.
//! - A value that cannot be parsed (duration, date) is a warning and `None`.
//! - Duplicate call ids: the first row wins; every later row with the same id
//!   is skipped with a warning naming both rows (nothing is merged silently).
//! - Row numbers are as a spreadsheet shows them: the header is row 1 and a
//!   CSV record with multi-line cells is one row. For JSONL, the line number.

mod call_file;
mod columns;
mod count;
mod date_order;
pub mod dates;
mod decode;
mod dedup;
mod folder;
mod jsonl;
mod jsonl_fields;
mod meta;
mod ods_size;
pub mod profiles;
mod row_shape;
mod rows;
pub mod speaker_roles;
mod stt;
mod subtitles;
mod swallowed;
pub mod table;
mod utterances;
pub mod values;

pub use count::count_calls;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::config::input::{InputFormat, Layout};
use crate::model::Call;

/// What to read: the main file and, for utterance tables, a per-call metadata table.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    pub path: PathBuf,
    pub calls_meta: Option<PathBuf>,
}

/// One item of the call stream.
#[derive(Debug, Clone, PartialEq)]
pub enum RowResult {
    Call(Box<Call>, Vec<RowWarning>),
    Skipped(RowWarning),
}

/// A problem with one row (or one value in it); the run goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct RowWarning {
    pub file: String,
    pub row: u64,
    pub column: Option<String>,
    pub message: String,
}

impl RowWarning {
    pub fn new(file: &str, row: u64, column: Option<String>, message: String) -> Self {
        RowWarning {
            file: file.to_string(),
            row,
            column,
            message,
        }
    }
}

impl fmt::Display for RowWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(col) => write!(f, "{}:{}: {}: {}", self.file, self.row, col, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.row, self.message),
        }
    }
}

/// A file that cannot be read at all, or a mapping that does not fit it.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: required column `{column}` not found; columns found: {}", column_list(.found))]
    MissingColumn {
        file: String,
        column: String,
        found: Vec<String>,
    },
    #[error("{file}: {message}")]
    Mapping { file: String, message: String },
    #[error("{file}: no header row (empty file)")]
    Empty { file: String },
    #[error("{file}: no data rows under the header (columns: {})", column_list(.headers))]
    NoRows { file: String, headers: Vec<String> },
    #[error("{file}: not a delimited text file: {reason}")]
    NotText { file: String, reason: String },
    #[error("{file}: cannot read the header row: {message}")]
    Csv { file: String, message: String },
    #[error("{file}: cannot open as a spreadsheet: {message}")]
    Xlsx { file: String, message: String },
    #[error("{file}: sheet `{sheet}` is empty; sheets found: {} (name one with `sheet = \"...\"` in [input])", .found.join(", "))]
    EmptySheet {
        file: String,
        sheet: String,
        found: Vec<String>,
    },
    #[error(
        "{file}: sheet `{sheet}` spans {rows} rows × {columns} columns from its first to its last value, more than the {} cells callscope reads; delete the stray cells beyond the data or export the sheet as CSV",
        table::MAX_SHEET_CELLS
    )]
    SheetTooLarge {
        file: String,
        sheet: String,
        rows: u64,
        columns: u64,
    },
    #[error("{file}: no sheet named `{sheet}`; sheets found: {}", .found.join(", "))]
    Sheet {
        file: String,
        sheet: String,
        found: Vec<String>,
    },
}

/// Columns listed in an error before the rest are only counted.
const LISTED_COLUMNS: usize = 30;
/// Characters of one header shown in an error.
const HEADER_CHARS: usize = 60;

/// Header names for an error message: at most `LISTED_COLUMNS`, each cut to
/// `HEADER_CHARS`; a single column gets a hint about the delimiter.
fn column_list(headers: &[String]) -> String {
    let mut shown: Vec<String> = headers
        .iter()
        .take(LISTED_COLUMNS)
        .map(|h| match h.char_indices().nth(HEADER_CHARS) {
            Some((cut, _)) => format!("{}...", &h[..cut]),
            None => h.clone(),
        })
        .collect();
    if headers.len() > LISTED_COLUMNS {
        shown.push(format!("... and {} more", headers.len() - LISTED_COLUMNS));
    }
    let mut list = shown.join(", ");
    if headers.len() == 1 {
        list += " (a single column: is the file delimited by something other than a comma, semicolon or tab?)";
    }
    list
}

/// The calls of one input, streamed. `notes` says how the columns were mapped.
pub struct CallStream {
    inner: Box<dyn Iterator<Item = RowResult> + Send>,
    notes: Vec<String>,
}

impl CallStream {
    /// Which column feeds which field, and which expected columns are absent.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Reads everything into memory (small inputs and tests; the pipeline streams).
    pub fn collect_all(self) -> Loaded {
        let mut loaded = Loaded::default();
        for item in self {
            match item {
                RowResult::Call(call, warnings) => {
                    loaded.calls.push(*call);
                    loaded.warnings.extend(warnings);
                }
                RowResult::Skipped(w) => loaded.skipped.push(w),
            }
        }
        loaded
    }
}

/// A whole input in memory: its calls, the warnings on them, and the skipped rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub calls: Vec<Call>,
    pub warnings: Vec<RowWarning>,
    pub skipped: Vec<RowWarning>,
}

impl Iterator for CallStream {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        self.inner.next()
    }
}

impl fmt::Debug for CallStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallStream")
            .field("notes", &self.notes)
            .finish()
    }
}

/// Opens an input for streaming, resolving its columns against the config.
pub fn open(spec: &InputSpec, cfg: &Config) -> Result<CallStream, InputError> {
    if folder::handles(&spec.path) {
        let meta = match &spec.calls_meta {
            Some(path) => Some(open_table(path, format_of(path, InputFormat::Auto), cfg)?),
            None => None,
        };
        return folder::open(&spec.path, meta, cfg);
    }
    let format = format_of(&spec.path, cfg.input.format);
    if format == InputFormat::Jsonl {
        return jsonl::open(&spec.path, &cfg.speakers);
    }
    let table = open_table(&spec.path, format, cfg)?;
    match (cfg.input.layout, &spec.calls_meta) {
        (Layout::CallPerRow, None) => rows::open(table, cfg),
        (Layout::CallPerRow, Some(meta)) => Err(InputError::Mapping {
            file: meta.display().to_string(),
            message: "a metadata table needs `layout = \"utterance-per-row\"` in [input]"
                .to_string(),
        }),
        (Layout::UtterancePerRow, meta) => {
            let meta = match meta {
                Some(path) => Some(open_table(path, format_of(path, InputFormat::Auto), cfg)?),
                None => None,
            };
            utterances::open(table, meta, cfg)
        }
    }
}

/// Opens any table (CSV, TSV, XLSX...) by its extension, e.g. a label file.
pub fn open_plain_table(path: &Path, cfg: &Config) -> Result<table::Table, InputError> {
    open_table(path, format_of(path, InputFormat::Auto), cfg)
}

fn open_table(path: &Path, format: InputFormat, cfg: &Config) -> Result<table::Table, InputError> {
    match format {
        InputFormat::Xlsx => table::open_xlsx(path, cfg.input.sheet.as_deref()),
        _ => table::open_csv(path),
    }
}

/// The configured format, or the one the extension names.
fn format_of(path: &Path, configured: InputFormat) -> InputFormat {
    if configured != InputFormat::Auto {
        return configured;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => InputFormat::Xlsx,
        "jsonl" | "ndjson" => InputFormat::Jsonl,
        _ => InputFormat::Csv,
    }
}

//! A folder of files, one per call (`callscope analyze calls/ --calls crm.csv`),
//! or a single such file: kinds may be mixed (WebVTT, SRT, speech-to-text
//! JSON, text). The call id is the file name without extension (or the
//! configured JSON field) and joins the metadata table.
//!
//! Streams: only the folder's file names are listed up front (sorted, so
//! runs are repeatable); each file is read when its call is pulled. A file
//! that cannot be read, or of an unsupported kind, is a warning naming it.
//! The folder is not searched recursively; hidden files are ignored.
//!
//! The call's duration is the metadata's, else the audio length the file
//! states, else the end of its last timed turn. Speaker roles come from
//! `speaker_roles`; a call mapped by the intro heuristic or with no speakers
//! carries the `speaker_roles` attribute saying so.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use super::call_file::{self, FileCall, FileKind, ReadOptions};
use super::dedup::Dedup;
use super::meta::{MetaIndex, attach};
use super::speaker_roles::{ATTRIBUTE, RolesFrom, transcript_of};
use super::table::Table;
use super::{CallStream, InputError, RowResult, RowWarning};
use crate::config::{Config, SpeakerMap};
use crate::model::Call;

/// True when `path` is read by this module: a folder, or one call's file.
pub fn handles(path: &Path) -> bool {
    path.is_dir() || FileKind::of(path).is_some_and(|k| k != FileKind::Text)
}

/// Opens a folder (or one file) as a call stream joined with `meta`.
pub fn open(path: &Path, meta: Option<Table>, cfg: &Config) -> Result<CallStream, InputError> {
    let mut pending = VecDeque::new();
    let files = if path.is_dir() {
        list(path, &mut pending)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut notes = vec![format!(
        "one call per file: {} files from {}",
        files.len(),
        path.display()
    )];
    let meta = match meta {
        Some(t) => Some(MetaIndex::load(t, cfg, &mut notes, &mut pending)?),
        None => None,
    };
    let stream = Folder {
        files: files.into_iter(),
        read: Vec::new(),
        speakers: cfg.speakers.clone(),
        id_field: cfg.input.files.call_id_field.clone(),
        meta,
        pending,
        seen: Dedup::default(),
    };
    Ok(CallStream {
        inner: Box::new(stream),
        notes,
    })
}

/// The folder's supported files, sorted; other visible files become warnings.
fn list(dir: &Path, pending: &mut VecDeque<RowResult>) -> Result<Vec<PathBuf>, InputError> {
    let io = |source| InputError::Io {
        file: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden || path.is_dir() {
            continue;
        }
        match FileKind::of(&path) {
            Some(_) => files.push(path),
            None => pending.push_back(RowResult::Skipped(RowWarning::new(
                &path.display().to_string(),
                1,
                None,
                "not a call file (.vtt, .srt, .json or .txt); skipped".to_string(),
            ))),
        }
    }
    if files.is_empty() {
        return Err(InputError::Mapping {
            file: dir.display().to_string(),
            message: "no call files (.vtt, .srt, .json or .txt) in this folder".to_string(),
        });
    }
    files.sort();
    Ok(files)
}

struct Folder {
    files: std::vec::IntoIter<PathBuf>,
    /// Files read so far, to name the first holder of a repeated call id.
    read: Vec<PathBuf>,
    speakers: SpeakerMap,
    id_field: Option<String>,
    meta: Option<MetaIndex>,
    pending: VecDeque<RowResult>,
    seen: Dedup,
}

impl Iterator for Folder {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        if let Some(r) = self.pending.pop_front() {
            return Some(r);
        }
        match self.files.next() {
            Some(path) => Some(self.call_of(path)),
            None => {
                let meta = self.meta.as_mut()?;
                let (call, mut warnings) = meta.next_unmatched()?;
                warnings.push(RowWarning::new(
                    meta.file(),
                    1,
                    None,
                    format!(
                        "call id `{}` has no call file; analysed without a transcript",
                        call.id
                    ),
                ));
                Some(RowResult::Call(Box::new(call), warnings))
            }
        }
    }
}

impl Folder {
    fn call_of(&mut self, path: PathBuf) -> RowResult {
        let file = path.display().to_string();
        let kind = FileKind::of(&path).unwrap_or(FileKind::Text);
        let opts = ReadOptions {
            speakers: &self.speakers,
            id_field: self.id_field.as_deref(),
        };
        let read = call_file::read(&path, kind, &opts);
        self.read.push(path);
        let fc = match read {
            Ok(fc) => fc,
            Err(w) => return RowResult::Skipped(w),
        };
        if let Some(first) = self.seen.first_row(&fc.id) {
            let other = self.read[first as usize - 1].display().to_string();
            return RowResult::Skipped(RowWarning::new(
                &file,
                1,
                None,
                format!(
                    "call id `{}` was already read from {other}; file skipped",
                    fc.id
                ),
            ));
        }
        self.seen.remember(&fc.id, self.read.len() as u64);
        let (call, warnings) = self.join(fc, &file);
        RowResult::Call(Box::new(call), warnings)
    }

    /// The file's call joined with its metadata row.
    fn join(&mut self, fc: FileCall, file: &str) -> (Call, Vec<RowWarning>) {
        let mut warnings = fc.warnings;
        let mut call = MetaIndex::join(self.meta.as_mut(), fc.id, &mut warnings, (file, 1, None));
        let (transcript, source) = transcript_of(fc.turns, &self.speakers, fc.roles_assigned);
        let span = transcript
            .turns
            .iter()
            .filter_map(|t| t.end_s)
            .reduce(f64::max);
        attach(&mut call, transcript);
        if call.duration_s.is_none() {
            call.duration_s = fc.stated_duration_s.or(span);
            if let Some(leg) = call.legs.last_mut() {
                leg.duration_s = leg.duration_s.or(call.duration_s);
            }
        }
        if let Some(value) = source.attribute() {
            call.attributes
                .insert(ATTRIBUTE.to_string(), value.to_string());
        }
        if source == RolesFrom::NoSpeakers {
            warnings.push(RowWarning::new(
                file,
                1,
                None,
                format!(
                    "{} names no speakers; roles only where the words make them clear, else unknown",
                    fc.format
                ),
            ));
        }
        (call, warnings)
    }
}

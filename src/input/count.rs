//! How many calls an input holds, counted before a run so its progress
//! knows the total. A table of one call per row is counted by its rows
//! without parsing them (rows later skipped as unusable make the count a
//! little high); any other input is read through as the run reads it.
//! Only regular files and folders are counted: a pipe or device can be read
//! once, so its total stays unknown rather than consumed before the run.

use super::{InputError, InputSpec, RowResult, folder, format_of, open, open_table};
use crate::config::Config;
use crate::config::input::{InputFormat, Layout};

/// The calls in the input, at most `limit`; `None` when the input cannot
/// be read twice (not a regular file or folder).
pub fn count_calls(
    spec: &InputSpec,
    cfg: &Config,
    limit: Option<u64>,
) -> Result<Option<u64>, InputError> {
    let rereadable =
        |p: &std::path::Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() || m.is_dir());
    if !rereadable(&spec.path) || spec.calls_meta.as_deref().is_some_and(|m| !rereadable(m)) {
        return Ok(None);
    }
    let limit = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    let format = format_of(&spec.path, cfg.input.format);
    let table_of_calls = cfg.input.layout == Layout::CallPerRow
        && spec.calls_meta.is_none()
        && format != InputFormat::Jsonl
        && !folder::handles(&spec.path);
    let counted = if table_of_calls {
        let table = open_table(&spec.path, format, cfg)?;
        table.rows.filter(Result::is_ok).take(limit).count()
    } else {
        open(spec, cfg)?
            .filter(|row| matches!(row, RowResult::Call(..)))
            .take(limit)
            .count()
    };
    Ok(Some(counted as u64))
}

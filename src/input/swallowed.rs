//! Rows swallowed by an unclosed quote mid-file. A quote left open in a
//! delimited file's last cell runs on until some later quote closes it: the
//! lines between become part of that cell instead of rows. When the last
//! lines of a multi-line last cell are each shaped like a whole record (the
//! header's number of cells, a call id that is one short token, durations
//! that read as durations), they are taken back out and read as rows, with
//! a warning naming them.

use super::RowWarning;
use super::columns::CallColumns;
use super::row_shape::Shape;
use super::table::RawRow;
use super::values::parse_duration;

/// Longest call id a swallowed line may show (ids are short tokens).
const MAX_ID_CHARS: usize = 64;

/// Takes the lines shaped like records out of `raw`'s last cell: `raw`
/// keeps the text before them, with a warning, and the recovered rows are
/// returned (numbered as `raw`, the record they were read in).
pub fn recover(raw: &mut RawRow, cols: &CallColumns, shape: &Shape) -> Vec<RawRow> {
    let width = shape.headers.len();
    let (Some(delimiter), Some(last)) = (
        shape.delimiter,
        raw.cells.last().filter(|c| c.contains('\n')),
    ) else {
        return Vec::new();
    };
    let lines: Vec<&str> = last.split('\n').collect();
    let first_record = (1..lines.len())
        .rev()
        .take_while(|&i| record_shaped(split(lines[i], delimiter), width, cols).is_some())
        .last();
    let Some(first_record) = first_record else {
        return Vec::new();
    };
    let rows: Vec<RawRow> = lines[first_record..]
        .iter()
        .filter_map(|line| record_shaped(split(line, delimiter), width, cols))
        .map(|cells| RawRow {
            row: raw.row,
            cells,
            warnings: Vec::new(),
        })
        .collect();
    let ids: Vec<String> = rows
        .iter()
        .map(|r| format!("`{}`", r.cell(cols.call_id.idx)))
        .collect();
    let kept = lines[..first_record].join("\n");
    let message = format!(
        "a quote opened in this cell closes only {} lines later, and those lines are shaped like rows (call ids {}): an unclosed quote? They are read as rows of their own",
        lines.len() - 1,
        ids.join(", ")
    );
    let column = shape.headers.get(raw.cells.len() - 1).cloned();
    raw.warnings
        .push(RowWarning::new(&shape.file, raw.row, column, message));
    if let Some(cell) = raw.cells.last_mut() {
        *cell = kept;
    }
    rows
}

/// The cells of one line, split on the delimiter with quotes stripped
/// (the quote that opened the swallowing cell left them unbalanced).
fn split(line: &str, delimiter: u8) -> Vec<String> {
    line.trim_end_matches('\r')
        .split(char::from(delimiter))
        .map(|c| c.trim_matches('"').to_string())
        .collect()
}

/// `cells` when they look like a whole record of the table (more cells are
/// a transcript's own delimiters, joined back like any long row's).
fn record_shaped(cells: Vec<String>, width: usize, cols: &CallColumns) -> Option<Vec<String>> {
    let id = cells.get(cols.call_id.idx)?.trim();
    let id_like = !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && !id.contains(|c: char| c.is_whitespace() || c == ':');
    let durations = cols
        .legs
        .iter()
        .filter_map(|leg| leg.duration.as_ref())
        .chain(&cols.duration)
        .all(|col| parse_duration(cells.get(col.idx).map_or("", String::as_str)).is_ok());
    (cells.len() >= width && id_like && durations).then_some(cells)
}

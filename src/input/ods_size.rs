//! The size of every sheet of an .ods workbook, read from its XML before
//! calamine loads it. Calamine expands repeated rows and cells when it
//! opens a workbook (every sheet at once), so an 840-byte file repeating one
//! row of 500 values 190,000 times would take gigabytes; this streams
//! `content.xml` and measures each sheet's used range (first to last cell
//! holding a value), so the caller can refuse the file before it is loaded.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::BytesStart;
use quick_xml::events::Event;

/// The used range of one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetSize {
    pub name: String,
    pub rows: u64,
    pub columns: u64,
}

impl SheetSize {
    pub fn cells(&self) -> u64 {
        self.rows.saturating_mul(self.columns)
    }
}

/// Rows and columns holding values in the sheet being read.
#[derive(Default)]
struct Extent {
    rows: Option<(u64, u64)>,
    columns: Option<(u64, u64)>,
}

fn widen(span: &mut Option<(u64, u64)>, first: u64, last: u64) {
    *span = Some(match *span {
        Some((a, b)) => (a.min(first), b.max(last)),
        None => (first, last),
    });
}

fn len(span: Option<(u64, u64)>) -> u64 {
    span.map_or(0, |(a, b)| b - a + 1)
}

/// The first sheet whose used range spans more than `limit` cells.
pub fn oversized(path: &Path, limit: u64) -> Result<Option<SheetSize>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    let content = zip.by_name("content.xml").map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet: Option<(String, Extent)> = None;
    let (mut row, mut column, mut row_repeats) = (0u64, 0u64, 1u64);
    let mut row_columns: Option<(u64, u64)> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => {
                    sheet = Some((text_attr(e, "table:name"), Extent::default()));
                    row = 0;
                }
                "table:table-row" => {
                    row_repeats = number_attr(e, "table:number-rows-repeated")?;
                    (column, row_columns) = (0, None);
                    if empty {
                        row = row.saturating_add(row_repeats);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeats = number_attr(e, "table:number-columns-repeated")?;
                    if has_value(e) {
                        let last = column.saturating_add(repeats - 1);
                        widen(&mut row_columns, column, last);
                    }
                    column = column.saturating_add(repeats);
                }
                _ => {}
            }
        }
        match &event {
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let (Some((first, last)), Some((_, extent))) = (row_columns, sheet.as_mut()) {
                    widen(&mut extent.rows, row, row.saturating_add(row_repeats - 1));
                    widen(&mut extent.columns, first, last);
                }
                row = row.saturating_add(row_repeats);
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some((name, extent)) = sheet.take() {
                    let size = SheetSize {
                        name,
                        rows: len(extent.rows),
                        columns: len(extent.columns),
                    };
                    if size.cells() > limit {
                        return Ok(Some(size));
                    }
                }
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
        buf.clear();
    }
}

/// A cell holds a value when it declares a value type.
fn has_value(e: &BytesStart<'_>) -> bool {
    matches!(e.try_get_attribute("office:value-type"), Ok(Some(_)))
}

fn text_attr(e: &BytesStart<'_>, name: &str) -> String {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a.value.into_owned(),
        _ => String::new(),
    }
}

/// A repeat count: 1 when absent, at least 1.
fn number_attr(e: &BytesStart<'_>, name: &str) -> Result<u64, String> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a
            .value
            .trim()
            .parse::<u64>()
            .ok()
            .map(|n| n.max(1))
            .ok_or_else(|| format!("`{name}` is not a count")),
        _ => Ok(1),
    }
}

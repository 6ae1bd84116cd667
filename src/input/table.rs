//! Tabular sources (delimited text and spreadsheets) as a header plus a
//! stream of rows of text cells, each with its row number in the file.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Range, Reader, open_workbook_auto};

use super::decode::{decode_cell, sniff};
use super::{InputError, RowWarning};

/// One data row: its number in the file (the header is row 1) and its cells.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub row: u64,
    pub cells: Vec<String>,
    pub warnings: Vec<RowWarning>,
}

impl RawRow {
    /// The cell at `idx`; a short row reads as empty cells.
    pub fn cell(&self, idx: usize) -> &str {
        self.cells.get(idx).map_or("", String::as_str)
    }
}

/// Rows of a table; a row that cannot be read at all is an `Err` warning.
pub type RowIter = Box<dyn Iterator<Item = Result<RawRow, RowWarning>> + Send>;

/// A header row and the rows after it.
pub struct Table {
    pub file: String,
    pub headers: Vec<String>,
    pub rows: RowIter,
}

/// Opens a delimited text file, streaming.
pub fn open_csv(path: &Path) -> Result<Table, InputError> {
    let file = path.display().to_string();
    let io_err = |source| InputError::Io {
        file: file.clone(),
        source,
    };
    let handle = File::open(path).map_err(io_err)?;
    let sniffed = sniff(Box::new(BufReader::with_capacity(256 * 1024, handle))).map_err(io_err)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniffed.delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(sniffed.reader);
    let mut header = csv::ByteRecord::new();
    let has_header = reader
        .read_byte_record(&mut header)
        .map_err(|e| InputError::Csv {
            file: file.clone(),
            message: e.to_string(),
        })?;
    if !has_header {
        return Err(InputError::Empty { file });
    }
    let headers: Vec<String> = header
        .iter()
        .map(|h| decode_cell(h).0.trim().to_string())
        .collect();
    let rows = CsvRows {
        file: file.clone(),
        headers: headers.clone(),
        reader,
        failed: false,
        warned_cp1252: false,
    };
    Ok(Table {
        file,
        headers,
        rows: Box::new(rows),
    })
}

struct CsvRows {
    file: String,
    headers: Vec<String>,
    reader: csv::Reader<Box<dyn std::io::Read + Send>>,
    failed: bool,
    warned_cp1252: bool,
}

impl Iterator for CsvRows {
    type Item = Result<RawRow, RowWarning>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let mut record = csv::ByteRecord::new();
        match self.reader.read_byte_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let row = record.position().map_or(0, |p| p.record() + 1);
                Some(Ok(self.decode_row(row, &record)))
            }
            Err(e) => {
                let row = e.position().map_or(0, |p| p.record() + 1);
                // An I/O error would repeat forever; stop after reporting it.
                self.failed = matches!(e.kind(), csv::ErrorKind::Io(_));
                Some(Err(RowWarning::new(
                    &self.file,
                    row,
                    None,
                    format!("unreadable row: {e}"),
                )))
            }
        }
    }
}

impl CsvRows {
    /// Decodes the cells; the first cell that is not UTF-8 gets the file's
    /// only Windows-1252 warning (later ones are decoded the same way).
    fn decode_row(&mut self, row: u64, record: &csv::ByteRecord) -> RawRow {
        let mut first_lossy = None;
        let cells = record
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                let (text, cp1252) = decode_cell(bytes);
                if cp1252 && first_lossy.is_none() {
                    first_lossy = Some(i);
                }
                text
            })
            .collect();
        let mut warnings = Vec::new();
        if let Some(i) = first_lossy.filter(|_| !self.warned_cp1252) {
            self.warned_cp1252 = true;
            let column = self
                .headers
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("#{}", i + 1));
            warnings.push(RowWarning::new(
                &self.file,
                row,
                Some(column),
                "not valid UTF-8; decoded as Windows-1252 (and so is every later such cell)"
                    .to_string(),
            ));
        }
        RawRow {
            row,
            cells,
            warnings,
        }
    }
}

/// Opens a spreadsheet sheet (the named one, or the first). The sheet is
/// held in memory; spreadsheets are bounded by their row limit.
pub fn open_xlsx(path: &Path, sheet: Option<&str>) -> Result<Table, InputError> {
    let file = path.display().to_string();
    let xlsx_err = |e: calamine::Error| InputError::Xlsx {
        file: file.clone(),
        message: e.to_string(),
    };
    let mut book = open_workbook_auto(path).map_err(xlsx_err)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| InputError::Sheet {
                file: file.clone(),
                sheet: s.to_string(),
                found: names.clone(),
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| InputError::Empty { file: file.clone() })?,
    };
    let range = book.worksheet_range(&name).map_err(xlsx_err)?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .ok_or_else(|| InputError::Empty { file: file.clone() })?
        .iter()
        .map(|c| cell_text(c).trim().to_string())
        .collect();
    let rows = SheetRows {
        range,
        next: 1,
        first_row,
    };
    Ok(Table {
        file,
        headers,
        rows: Box::new(rows),
    })
}

struct SheetRows {
    range: Range<Data>,
    next: usize,
    first_row: u64,
}

impl Iterator for SheetRows {
    type Item = Result<RawRow, RowWarning>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.range.height() {
            return None;
        }
        let cells = (0..self.range.width())
            .map(|col| {
                self.range
                    .get((self.next, col))
                    .map(cell_text)
                    .unwrap_or_default()
            })
            .collect();
        let row = self.first_row + self.next as u64 + 1;
        self.next += 1;
        Some(Ok(RawRow {
            row,
            cells,
            warnings: Vec::new(),
        }))
    }
}

/// A spreadsheet cell as the text a CSV export would hold.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(dt) if dt.is_duration() => (dt.as_f64() * 86_400.0).to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
        }
        Data::Error(_) | Data::Empty => String::new(),
        other => other.to_string(),
    }
}

//! Tabular sources (delimited text and spreadsheets) as a header plus a
//! stream of rows of text cells, each with its row number in the file.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{
    Cell, Data, DataRef, Dimensions, Range, Reader, SheetVisible, Sheets, Xlsx, open_workbook_auto,
};

use super::decode::{SniffError, decode_cell, sniff};
use super::ods_size;
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
    /// The delimiter of a delimited file (`None` for spreadsheets).
    pub delimiter: Option<u8>,
}

/// Opens a delimited text file, streaming.
pub fn open_csv(path: &Path) -> Result<Table, InputError> {
    let file = path.display().to_string();
    let io_err = |source| InputError::Io {
        file: file.clone(),
        source,
    };
    let handle = File::open(path).map_err(io_err)?;
    let sniffed =
        sniff(Box::new(BufReader::with_capacity(256 * 1024, handle))).map_err(|e| match e {
            SniffError::Io(source) => io_err(source),
            SniffError::NotText(reason) => InputError::NotText {
                file: file.clone(),
                reason,
            },
        })?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniffed.delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(EndWatch::new(sniffed.reader));
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
    let mut rows = CsvRows {
        file: file.clone(),
        headers: headers.clone(),
        reader,
        failed: false,
        warned_cp1252: false,
    }
    .peekable();
    if rows.peek().is_none() {
        return Err(InputError::NoRows { file, headers });
    }
    Ok(Table {
        file,
        headers,
        rows: Box::new(rows),
        delimiter: Some(sniffed.delimiter),
    })
}

/// Watches the decoded stream for the CSV reader: counts quote characters
/// and notes when the end of the input has been reached, so that a record
/// ended by the end of the file (not by a line break) can be recognised.
struct EndWatch {
    inner: Box<dyn Read + Send>,
    quotes: u64,
    at_end: bool,
}

impl EndWatch {
    fn new(inner: Box<dyn Read + Send>) -> Self {
        EndWatch {
            inner,
            quotes: 0,
            at_end: false,
        }
    }
}

impl Read for EndWatch {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.at_end |= n == 0 && !buf.is_empty();
        self.quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        Ok(n)
    }
}

struct CsvRows {
    file: String,
    headers: Vec<String>,
    reader: csv::Reader<EndWatch>,
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
                let refused = self
                    .cut_short(row, &record)
                    .or_else(|| self.binary(row, &record));
                Some(match refused {
                    Some(w) => Err(w),
                    None => Ok(self.decode_row(row, &record)),
                })
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
    /// A record ended by the end of the file rather than a line break is
    /// cut short when a quote was left open (its last cell swallowed every
    /// later line) or when it has fewer cells than the header (a truncated
    /// export). Either way the row is skipped: its values are not whole.
    fn cut_short(&self, row: u64, record: &csv::ByteRecord) -> Option<RowWarning> {
        let watch = self.reader.get_ref();
        if !watch.at_end {
            return None;
        }
        let last = record.len().checked_sub(1)?;
        let swallowed = record
            .get(last)
            .map_or(0, |cell| cell.iter().filter(|&&b| b == b'\n').count());
        if watch.quotes % 2 == 1 && swallowed > 0 {
            return Some(RowWarning::new(
                &self.file,
                row,
                Some(self.column_name(last)),
                format!(
                    "a quote opened in this cell is never closed, so the cell runs to the end of the file ({swallowed} more lines); row skipped"
                ),
            ));
        }
        (record.len() < self.headers.len()).then(|| {
            RowWarning::new(
                &self.file,
                row,
                None,
                format!(
                    "the file ends in the middle of this row ({} of {} cells; truncated export?); row skipped",
                    record.len(),
                    self.headers.len()
                ),
            )
        })
    }

    /// A row holding a NUL byte is binary data, not text: skipped with a
    /// warning (a NUL in the first 64 KB refuses the whole file).
    fn binary(&self, row: u64, record: &csv::ByteRecord) -> Option<RowWarning> {
        let idx = record.iter().position(|cell| cell.contains(&0))?;
        Some(RowWarning::new(
            &self.file,
            row,
            Some(self.column_name(idx)),
            "holds binary data (a NUL byte); row skipped".to_string(),
        ))
    }

    /// The header of column `idx`, or `#N` past the header.
    fn column_name(&self, idx: usize) -> String {
        self.headers
            .get(idx)
            .cloned()
            .unwrap_or_else(|| format!("#{}", idx + 1))
    }

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
            warnings.push(RowWarning::new(
                &self.file,
                row,
                Some(self.column_name(i)),
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

/// Most cells a sheet's used range may span (rows × columns from the first
/// to the last cell holding a value): about 320 MB in memory. A few stray
/// cells far away could otherwise make a 5 KB file take gigabytes.
pub const MAX_SHEET_CELLS: u64 = 10_000_000;

/// Opens a spreadsheet sheet (the named one, or the first visible one). The
/// sheet is held in memory, bounded by [`MAX_SHEET_CELLS`] for .xlsx and
/// .ods files.
pub fn open_xlsx(path: &Path, sheet: Option<&str>) -> Result<Table, InputError> {
    let file = path.display().to_string();
    let xlsx_err = |e: calamine::Error| InputError::Xlsx {
        file: file.clone(),
        message: e.to_string(),
    };
    refuse_oversized_ods(path, &file)?;
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
        None => first_visible(&book).ok_or_else(|| InputError::Empty { file: file.clone() })?,
    };
    let mut range = match &mut book {
        Sheets::Xlsx(x) => bounded_range(x, &name, &file)?,
        other => other.worksheet_range(&name).map_err(xlsx_err)?,
    };
    fill_merged(&mut range, &merged_regions(&mut book, &name));
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .ok_or_else(|| InputError::EmptySheet {
            file: file.clone(),
            sheet: name.clone(),
            found: names.clone(),
        })?
        .iter()
        .map(|c| cell_text(c).trim().to_string())
        .collect();
    if range.height() < 2 {
        return Err(InputError::NoRows { file, headers });
    }
    let rows = SheetRows {
        range,
        next: 1,
        first_row,
    };
    Ok(Table {
        file,
        headers,
        rows: Box::new(rows),
        delimiter: None,
    })
}

/// Calamine loads every sheet of an .ods workbook when it opens it,
/// expanding repeated rows: each sheet's used range is measured from the
/// XML first, and one over [`MAX_SHEET_CELLS`] refuses the file.
fn refuse_oversized_ods(path: &Path, file: &str) -> Result<(), InputError> {
    let is_ods = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ods"));
    if !is_ods {
        return Ok(());
    }
    match ods_size::oversized(path, MAX_SHEET_CELLS) {
        Ok(None) => Ok(()),
        Ok(Some(size)) => Err(InputError::SheetTooLarge {
            file: file.to_string(),
            sheet: size.name,
            rows: size.rows,
            columns: size.columns,
        }),
        Err(message) => Err(InputError::Xlsx {
            file: file.to_string(),
            message,
        }),
    }
}

/// The first sheet a person opening the workbook can see (hidden sheets
/// hold lookups and scratch data, not the export).
fn first_visible(book: &Sheets<BufReader<File>>) -> Option<String> {
    let sheets = book.sheets_metadata();
    sheets
        .iter()
        .find(|s| s.visible == SheetVisible::Visible)
        .or(sheets.first())
        .map(|s| s.name.clone())
}

/// An .xlsx sheet read cell by cell, keeping only cells with a value and
/// refusing a used range over [`MAX_SHEET_CELLS`] before it is allocated.
fn bounded_range(
    book: &mut Xlsx<BufReader<File>>,
    sheet: &str,
    file: &str,
) -> Result<Range<Data>, InputError> {
    let xlsx_err = |e: calamine::XlsxError| InputError::Xlsx {
        file: file.to_string(),
        message: e.to_string(),
    };
    let mut reader = book.worksheet_cells_reader(sheet).map_err(xlsx_err)?;
    let mut cells = Vec::new();
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
    while let Some(cell) = reader.next_cell().map_err(xlsx_err)? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        first = (first.0.min(row), first.1.min(col));
        last = (last.0.max(row), last.1.max(col));
        let spanned = u64::from(last.0 - first.0 + 1) * u64::from(last.1 - first.1 + 1);
        if spanned > MAX_SHEET_CELLS {
            return Err(InputError::SheetTooLarge {
                file: file.to_string(),
                sheet: sheet.to_string(),
                rows: u64::from(last.0 - first.0 + 1),
                columns: u64::from(last.1 - first.1 + 1),
            });
        }
        cells.push(Cell::new((row, col), Data::from(cell.get_value().clone())));
    }
    Ok(Range::from_sparse(cells))
}

/// The merged regions of a sheet (none for formats calamine cannot tell;
/// unreadable merge information only leaves merged cells unfilled).
fn merged_regions(book: &mut Sheets<BufReader<File>>, sheet: &str) -> Vec<Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    }
}

/// A cell merged down over several data rows (a team or date written once
/// for a block of calls) holds its value only in its top cell; every row of
/// the merge reads that value, as a person reading the sheet does. Merges
/// starting in the header row, and the other columns of a merge, stay as they are.
fn fill_merged(range: &mut Range<Data>, merges: &[Dimensions]) {
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return;
    };
    for merge in merges {
        let (top, col) = merge.start;
        if top <= start.0 || col < start.1 || col > end.1 {
            continue;
        }
        let Some(value) = range.get_value((top, col)).cloned() else {
            continue;
        };
        for row in top + 1..=merge.end.0.min(end.0) {
            range.set_value((row, col), value.clone());
        }
    }
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

/// A spreadsheet cell as the text a CSV export would hold. A date-time
/// without a date (a serial below 1: a cell formatted `h:mm:ss`) is a
/// duration, written in seconds like a duration-formatted cell.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(dt) if dt.is_duration() || (0.0..1.0).contains(&dt.as_f64()) => {
            (dt.as_f64() * 86_400.0).round().to_string()
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
        }
        Data::Error(_) | Data::Empty => String::new(),
        other => other.to_string(),
    }
}

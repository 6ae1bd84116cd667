//! Rows whose cell count differs from the header's, in delimited files.
//! A short row reads its missing cells as empty, with a warning. A long row
//! is a warning too; when the header's last column is a transcript, the
//! extra cells are the transcript's own unquoted delimiters, so they are
//! joined back into it with the delimiter that split them.

use super::RowWarning;
use super::table::RawRow;

/// What a row is checked against.
#[derive(Debug, Clone)]
pub struct Shape {
    pub file: String,
    pub headers: Vec<String>,
    /// The delimiter of a delimited file (`None` for spreadsheets).
    pub delimiter: Option<u8>,
    /// The last header column is (part of) a transcript.
    pub transcript_last: bool,
}

impl Shape {
    /// Fits `raw` to the header; `Some` warning when its length differs.
    pub fn fit(&self, raw: &mut RawRow) -> Option<RowWarning> {
        let want = self.headers.len();
        let have = raw.cells.len();
        let last = self.headers.last()?;
        let message = if have < want {
            format!(
                "{have} of {want} cells; the missing ones (from `{}`) read as empty",
                self.headers[have]
            )
        } else if have > want {
            match self.delimiter.filter(|_| self.transcript_last) {
                Some(delimiter) => {
                    let joined = raw.cells[want - 1..].join(&char::from(delimiter).to_string());
                    raw.cells.truncate(want - 1);
                    raw.cells.push(joined);
                    format!(
                        "{have} cells under a header of {want}: the transcript holds unquoted `{}`; the extra cells are joined back into it",
                        char::from(delimiter)
                    )
                }
                None => {
                    raw.cells.truncate(want);
                    format!("{have} cells under a header of {want}; the extra cells are ignored")
                }
            }
        } else {
            return None;
        };
        let column = (have > want).then(|| last.clone());
        Some(RowWarning::new(&self.file, raw.row, column, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(transcript_last: bool) -> Shape {
        Shape {
            file: "f.csv".into(),
            headers: vec!["id".into(), "agent".into(), "transcript".into()],
            delimiter: Some(b','),
            transcript_last,
        }
    }

    fn row(cells: &[&str]) -> RawRow {
        RawRow {
            row: 2,
            cells: cells.iter().map(|c| c.to_string()).collect(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn extra_cells_after_the_transcript_are_joined_back() {
        let mut raw = row(&["k1", "ann", "Agent: hi", " how are you", " fine"]);
        let w = shape(true).fit(&mut raw).expect("warned");
        assert_eq!(raw.cells[2], "Agent: hi, how are you, fine");
        assert_eq!(raw.cells.len(), 3);
        assert!(w.message.contains("joined back"), "{w}");
        let mut raw = row(&["k1", "ann", "x", "y"]);
        shape(false).fit(&mut raw).expect("warned");
        assert_eq!(raw.cells, ["k1", "ann", "x"]);
    }

    #[test]
    fn short_rows_are_warned_and_whole_rows_are_not() {
        let mut raw = row(&["k1"]);
        let w = shape(true).fit(&mut raw).expect("warned");
        assert!(w.message.contains("1 of 3 cells"), "{w}");
        assert!(shape(true).fit(&mut row(&["a", "b", "c"])).is_none());
    }
}

//! A file's slash-date order (month or day first), decided before its calls
//! are built: the first rows (at most [`PEEK_ROWS`]) are held back until a
//! date that reads only one way is found. A file whose dates all read both
//! ways is read month first, with one warning naming the rule.

use std::collections::VecDeque;

use super::RowWarning;
use super::columns::Col;
use super::dates::{DateOrder, Readings, readings};
use super::table::{RawRow, RowIter};

/// Rows held back while looking for a date that tells the order.
pub const PEEK_ROWS: usize = 1000;

/// The order chosen and what the user is told about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub order: DateOrder,
    /// A mapping note when the file reads day first.
    pub note: Option<String>,
    /// One warning when no date told the order.
    pub ambiguous: Option<RowWarning>,
}

impl Decision {
    fn month_first() -> Self {
        Decision {
            order: DateOrder::MonthFirst,
            note: None,
            ambiguous: None,
        }
    }
}

/// Reads ahead in `rows` to decide the order of the dates in `col`; the
/// rows come back unchanged, in order.
pub fn decide(rows: RowIter, col: Option<&Col>, file: &str) -> (RowIter, Decision) {
    let Some(col) = col else {
        return (rows, Decision::month_first());
    };
    let mut rows = rows;
    let mut held = VecDeque::new();
    let mut first_either: Option<(u64, String)> = None;
    let mut decision = None;
    while held.len() < PEEK_ROWS {
        let Some(item) = rows.next() else { break };
        if let Ok(raw) = &item {
            let value = raw.cell(col.idx);
            match readings(value) {
                Some(Readings::Only(order)) => {
                    decision = Some(told(order, raw, col));
                    held.push_back(item);
                    break;
                }
                Some(Readings::Either) if first_either.is_none() => {
                    first_either = Some((raw.row, value.trim().to_string()));
                }
                _ => {}
            }
        }
        held.push_back(item);
    }
    let decision = decision.unwrap_or_else(|| match first_either {
        Some((row, value)) => Decision {
            ambiguous: Some(RowWarning::new(
                file,
                row,
                Some(col.name.clone()),
                format!(
                    "dates such as `{value}` read both ways; read month first (mm/dd), as no date in the first {PEEK_ROWS} rows has a first number above 12 (which would make the file day first)"
                ),
            )),
            ..Decision::month_first()
        },
        None => Decision::month_first(),
    });
    (Box::new(held.into_iter().chain(rows)), decision)
}

fn told(order: DateOrder, raw: &RawRow, col: &Col) -> Decision {
    let note = (order == DateOrder::DayFirst).then(|| {
        format!(
            "dates in `{}` read day first (dd/mm): `{}` at row {} reads only that way",
            col.name,
            raw.cell(col.idx).trim(),
            raw.row
        )
    });
    Decision {
        order,
        note,
        ambiguous: None,
    }
}

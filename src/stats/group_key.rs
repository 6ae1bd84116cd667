//! `GroupKey`: the key of one group in any grouping, ordered naturally (days
//! by date, buckets by their order, text alphabetically).

use std::fmt;

use chrono::NaiveDate;

use super::row::LengthBucket;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    Day(NaiveDate),
    Length(LengthBucket),
    /// A numeric bucket: its position, then its label.
    Bucket(u32, String),
    Text(String),
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupKey::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            GroupKey::Length(l) => f.write_str(l.label()),
            GroupKey::Bucket(_, s) | GroupKey::Text(s) => f.write_str(s),
        }
    }
}

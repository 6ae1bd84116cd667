//! Aggregates and statistical tests over stored results: per-group rates with
//! Wilson intervals, effect sizes, Mann-Whitney and chi-square with
//! Benjamini-Hochberg, script compliance Q1-Q5, examples.

pub mod applicability;
mod chi_square;
pub mod compare;
pub mod compliance;
pub mod drivers;
pub mod evidence;
pub mod examples;
mod extremes;
mod facts;
mod fdr;
pub mod features;
pub mod funnel;
mod group_key;
pub mod groups;
pub mod handoff;
pub mod histogram;
pub mod label;
mod lead_quality;
mod mann_whitney;
pub mod rate;
pub mod row;
pub mod speaker_roles;
mod summary;
mod value_counts;
pub mod weekly;

pub use chi_square::{ChiSquare, chi_square};
pub use compare::{Comparison, ComparisonDetail, EffectBar, Target};
pub use fdr::benjamini_hochberg;
pub use features::{Dimension, NumericFeature};
pub use groups::GroupStats;
pub use mann_whitney::{MannWhitney, mann_whitney};
pub use rate::{Interval, Rate};
pub use row::{AnalysisState, CallRow, LengthBucket};
pub use summary::{Grouping, ONE_LEG, Summary, TWO_LEGS, Totals, summarize};

//! `[detect]` (which detector model to use) and `[eval]` (how a label table's
//! columns and values map to the detectors and call-level fields, for
//! `callscope eval` and `callscope train`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectConfig {
    /// A model written by `callscope train` (relative paths from the
    /// working directory); absent means the built-in model.
    #[serde(default)]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalConfig {
    /// Label-table columns; each defaults to `[input.utterances]`'s.
    #[serde(default)]
    pub call_id: Option<String>,
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub turn: Option<String>,
    /// Per detector (or `social`): the column and the values that mean yes.
    /// A row whose column is empty is "no" for that detector.
    #[serde(default)]
    pub detectors: BTreeMap<String, LabelRule>,
    /// Call-level fields (`outcome`, `engagement`, `compliance_tier`) by
    /// label column; the first non-empty value of a call counts.
    #[serde(default)]
    pub calls: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRule {
    /// One column, or several (yes when any of them holds a yes-value).
    pub column: Columns,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Columns {
    One(String),
    Many(Vec<String>),
}

impl Columns {
    pub fn names(&self) -> &[String] {
        match self {
            Columns::One(c) => std::slice::from_ref(c),
            Columns::Many(cs) => cs,
        }
    }
}

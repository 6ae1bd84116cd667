//! How the calls' speakers got their roles, where the input says it was not
//! from labels (the `speaker_roles` attribute set by the one-file-per-call
//! reader): how many calls were mapped by the intro heuristic, had no
//! speakers, or stayed unresolved, with the first call ids of each.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::CallRow;
use crate::input::speaker_roles::ATTRIBUTE;

/// Call ids listed per kind; the rest are counted.
const EXAMPLES: usize = 12;

/// Calls per way of deciding roles other than labels.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoleNotes {
    /// Attribute value (`intro heuristic`, `none in file`, `unresolved`)
    /// to the number of calls and the first call ids.
    pub by_source: BTreeMap<String, (u64, Vec<String>)>,
}

impl RoleNotes {
    pub fn add(&mut self, row: &CallRow) {
        let Some(source) = row.call.attributes.get(ATTRIBUTE) else {
            return;
        };
        let (calls, ids) = self.by_source.entry(source.clone()).or_default();
        *calls += 1;
        if ids.len() < EXAMPLES {
            ids.push(row.call.id.clone());
        }
    }

    /// One line per kind, e.g. `speaker roles by intro heuristic: 3 calls (a, b, c)`.
    pub fn lines(&self) -> Vec<String> {
        self.by_source
            .iter()
            .map(|(source, (calls, ids))| {
                let more = if *calls as usize > ids.len() {
                    ", ..."
                } else {
                    ""
                };
                let noun = if *calls == 1 { "call" } else { "calls" };
                format!(
                    "speaker roles {}: {calls} {noun} ({}{more})",
                    describe(source),
                    ids.join(", ")
                )
            })
            .collect()
    }
}

fn describe(source: &str) -> String {
    match source {
        "intro heuristic" => "assigned by the intro heuristic (numbered or named speakers; name them under [speakers] in the config to decide instead)".to_string(),
        "none in file" => "unknown, the file names no speakers (metrics by side absent)".to_string(),
        "unresolved" => "not all known (metrics by side absent where unknown)".to_string(),
        other => other.to_string(),
    }
}

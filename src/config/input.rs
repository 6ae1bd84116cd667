//! The `[input]` part of the config: profile, file format and layout, and the
//! column mapping (call-level columns, legs, utterance columns, pass-through).
//! A profile fills defaults; every key given here overrides it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// Built-in column mapping to start from.
    #[serde(default)]
    pub profile: Profile,
    /// File format; `auto` decides by the file extension.
    #[serde(default)]
    pub format: InputFormat,
    /// One row per call, or one row per utterance (plus an optional metadata table).
    #[serde(default)]
    pub layout: Layout,
    /// XLSX sheet to read (default: the first one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Call-level columns (also used for the metadata table of an utterance layout).
    #[serde(default)]
    pub columns: ColumnMap,
    /// Legs of a multi-leg row, in call order (e.g. opener then closer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<LegColumns>,
    /// Columns of an utterance-per-row table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utterances: Option<UtteranceColumns>,
    /// Columns copied to `Call.attributes`. Absent: every unmapped column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passthrough: Option<Vec<String>>,
    /// A folder of files, one per call.
    #[serde(default, skip_serializing_if = "FilesConfig::is_default")]
    pub files: FilesConfig,
}

/// How to read a folder of files, one per call.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Dotted path of a top-level JSON field holding the call id (e.g.
    /// `jobName`); absent, or missing in a file: the file name without extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id_field: Option<String>,
}

impl FilesConfig {
    fn is_default(&self) -> bool {
        *self == FilesConfig::default()
    }
}

/// A built-in column mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Recognises common column names case-insensitively.
    #[default]
    Generic,
    /// The original system's two-leg VICIdial export (LGS opener + OMC closer).
    ViciLgsOmc,
    /// No defaults: every column comes from the config.
    Custom,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Generic => "generic",
            Profile::ViciLgsOmc => "vici-lgs-omc",
            Profile::Custom => "custom",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Profile::Generic, Profile::ViciLgsOmc, Profile::Custom]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown profile `{s}` (expected generic, vici-lgs-omc or custom)")
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// By extension: .xlsx/.xlsm/.xls/.ods, .jsonl/.ndjson, anything else CSV.
    #[default]
    Auto,
    Csv,
    Xlsx,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    #[default]
    CallPerRow,
    UtterancePerRow,
}

/// Call-level column names. Absent keys come from the profile.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    /// Transcript split over several columns is joined in this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Vec<String>>,
}

/// One leg of a multi-leg row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegColumns {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default)]
    pub transcript: Vec<String>,
}

/// Columns of an utterance-per-row table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UtteranceColumns {
    pub call_id: String,
    pub speaker: String,
    pub text: String,
    /// Turn index: consecutive rows of one speaker with the same index merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn every_input_key_parses_and_unknown_keys_are_rejected() {
        let cfg = Config::parse(
            r#"
            [input]
            profile = "vici-lgs-omc"
            format = "xlsx"
            layout = "utterance-per-row"
            sheet = "Calls"
            passthrough = ["LQ_Service"]
            [input.columns]
            call_id = "id"
            transcript = ["part 1", "part 2"]
            [[input.legs]]
            name = "closer"
            agent = "omc_user"
            [input.utterances]
            call_id = "conv"
            speaker = "role"
            text = "utterance"
            start = "t0"
            "#,
            "test",
        )
        .expect("parses");
        let input = cfg.input;
        assert_eq!(
            (input.profile, input.format, input.layout),
            (
                Profile::ViciLgsOmc,
                InputFormat::Xlsx,
                Layout::UtterancePerRow
            )
        );
        assert_eq!(
            input.columns.transcript.as_deref().map(<[String]>::len),
            Some(2)
        );
        assert_eq!(input.legs[0].agent.as_deref(), Some("omc_user"));
        assert_eq!(
            input.utterances.and_then(|u| u.start).as_deref(),
            Some("t0")
        );
        assert!(Config::parse("[input]\nprofil = \"generic\"", "test").is_err());
        assert!(Config::parse("[input]\nprofile = \"vici\"", "test").is_err());
        assert_eq!("VICI-LGS-OMC".parse::<Profile>(), Ok(Profile::ViciLgsOmc));
        assert!("vici".parse::<Profile>().is_err());
    }
}

//! `callscope.toml`: loading, defaults and validation. Each part of the file has
//! its own module; this one ties them together.

pub mod detect;
pub mod input;
pub mod llm;
pub mod outcomes;
pub mod playbook;
pub mod speakers;
pub mod template;
pub mod validate;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use input::InputConfig;
pub use outcomes::OutcomeMap;
pub use playbook::Playbook;
pub use speakers::SpeakerMap;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub input: InputConfig,
    #[serde(default)]
    pub speakers: SpeakerMap,
    #[serde(default)]
    pub outcomes: OutcomeMap,
    #[serde(default)]
    pub analysis: AnalysisConfig,
    #[serde(default)]
    pub llm: llm::LlmConfig,
    /// Absent means the built-in generic sales playbook.
    #[serde(default)]
    pub playbook: Option<Playbook>,
    #[serde(default)]
    pub detect: detect::DetectConfig,
    #[serde(default)]
    pub eval: detect::EvalConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisConfig {
    /// Calls whose closer leg is shorter than this are "short".
    #[serde(default = "default_threshold")]
    pub short_call_threshold_s: f64,
    /// Groups with fewer calls are flagged, not ranked.
    #[serde(default = "default_min_group")]
    pub min_group_size: u32,
    /// Smallest difference in a rate, in percentage points, that a finding
    /// must show to be reported as one.
    #[serde(default = "default_min_effect_pp")]
    pub min_effect_pp: f64,
    /// Smallest |Cliff's delta| a finding on a measure must show.
    #[serde(default = "default_min_effect_delta")]
    pub min_effect_delta: f64,
    /// Most transcripts the HTML report carries (the cited calls first).
    #[serde(default = "default_max_transcripts")]
    pub max_report_transcripts: usize,
}

fn default_threshold() -> f64 {
    300.0
}
fn default_min_group() -> u32 {
    10
}
fn default_min_effect_pp() -> f64 {
    5.0
}
fn default_min_effect_delta() -> f64 {
    0.2
}
fn default_max_transcripts() -> usize {
    200
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            short_call_threshold_s: default_threshold(),
            min_group_size: default_min_group(),
            min_effect_pp: default_min_effect_pp(),
            min_effect_delta: default_min_effect_delta(),
            max_report_transcripts: default_max_transcripts(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config {path}: {message}")]
    Parse { path: String, message: String },
    #[error("invalid config {path}: {} problem(s):\n  - {}", problems.len(), problems.join("\n  - "))]
    Invalid { path: String, problems: Vec<String> },
}

impl Config {
    /// The playbook in force: the configured one, else the built-in generic one.
    pub fn effective_playbook(&self) -> std::borrow::Cow<'_, Playbook> {
        match &self.playbook {
            Some(p) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(Playbook::generic()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and validates the whole file: every problem is listed at once.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        let problems = validate::problems(&config);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                path: origin.to_string(),
                problems,
            })
        }
    }
}

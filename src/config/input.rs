//! The `[input]` part of the config: profile, file layout, column mapping and
//! speaker labels.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// Built-in column mapping to start from.
    #[serde(default)]
    pub profile: Option<String>,
}

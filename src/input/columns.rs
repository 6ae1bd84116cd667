//! Resolving a mapping against a header row: which column index feeds which
//! field, which columns pass through, and what could not be found.

use super::profiles::{ColumnSpec, MappingSpec, UtteranceSpec};
use super::{InputError, RowWarning};

/// A resolved column: its index in the row and its header.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub idx: usize,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegCols {
    pub name: String,
    pub agent: Option<Col>,
    pub duration: Option<Col>,
    pub transcript: Vec<Col>,
}

/// Column indices of a call-per-row table (or a metadata table).
#[derive(Debug, Clone, PartialEq)]
pub struct CallColumns {
    pub call_id: Col,
    /// Call-level agent apart from the legs' (absent: the last leg's).
    pub agent: Option<Col>,
    pub team: Option<Col>,
    pub started_at: Option<Col>,
    /// Call-level duration apart from the legs' (absent: the last leg's).
    pub duration: Option<Col>,
    pub disposition: Option<Col>,
    /// At least one leg; a single-leg table gets one leg named `call`.
    pub legs: Vec<LegCols>,
    pub passthrough: Vec<Col>,
}

/// Column indices of an utterance table.
#[derive(Debug, Clone, PartialEq)]
pub struct UtteranceCols {
    pub call_id: Col,
    pub speaker: Col,
    pub text: Col,
    pub turn: Option<Col>,
    pub start: Option<Col>,
    pub end: Option<Col>,
}

/// Looks fields up in one header row, remembering what it used and noting
/// what it mapped or missed.
pub struct Resolver<'a> {
    file: &'a str,
    headers: &'a [String],
    used: Vec<bool>,
    pub notes: Vec<String>,
    /// A mapped column whose header another column repeats (header row).
    pub duplicates: Vec<RowWarning>,
}

/// Header comparison key: case-insensitive, with spaces and hyphens as `_`.
fn header_key(h: &str) -> String {
    h.trim()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

impl<'a> Resolver<'a> {
    pub fn new(file: &'a str, headers: &'a [String]) -> Self {
        Resolver {
            file,
            headers,
            used: vec![false; headers.len()],
            notes: Vec::new(),
            duplicates: Vec::new(),
        }
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name).or_else(|| {
            self.headers
                .iter()
                .position(|h| header_key(h) == header_key(name))
        })
    }

    /// The first candidate present in the header; an error when a required one is not.
    pub fn find(&mut self, field: &str, spec: &ColumnSpec) -> Result<Option<Col>, InputError> {
        let found = spec.names.iter().find_map(|n| self.index_of(n));
        match found {
            Some(idx) => {
                self.used[idx] = true;
                let name = self.headers[idx].clone();
                self.warn_repeats(field, idx);
                self.notes.push(format!("{field} <- `{name}`"));
                Ok(Some(Col { idx, name }))
            }
            None if spec.required && spec.names.is_empty() => Err(InputError::Mapping {
                file: self.file.to_string(),
                message: format!(
                    "no column is mapped to `{field}`; set it in [input] of the config"
                ),
            }),
            None if spec.required => Err(InputError::MissingColumn {
                file: self.file.to_string(),
                column: spec.names.join("` or `"),
                found: self.headers.to_vec(),
            }),
            None => {
                if !spec.names.is_empty() {
                    self.notes.push(format!(
                        "{field}: no column (looked for `{}`)",
                        spec.names.join("`, `")
                    ));
                }
                Ok(None)
            }
        }
    }

    /// A warning for each later column with the same header as the mapped
    /// column `idx`: only the first is read as `field`.
    fn warn_repeats(&mut self, field: &str, idx: usize) {
        let key = header_key(&self.headers[idx]);
        for (other, header) in self.headers.iter().enumerate().skip(idx + 1) {
            if header_key(header) == key {
                let message = format!(
                    "columns {} and {} are both named `{header}`; only column {} is read as {field}",
                    idx + 1,
                    other + 1,
                    idx + 1,
                );
                self.duplicates
                    .push(RowWarning::new(self.file, 1, None, message));
            }
        }
    }

    fn find_all(&mut self, field: &str, specs: &[ColumnSpec]) -> Result<Vec<Col>, InputError> {
        let mut cols = Vec::new();
        for spec in specs {
            cols.extend(self.find(field, spec)?);
        }
        Ok(cols)
    }

    /// Resolves the call-level mapping.
    pub fn call_columns(&mut self, spec: &MappingSpec) -> Result<CallColumns, InputError> {
        let call_id = self
            .find("call_id", &spec.call_id)?
            .ok_or_else(|| InputError::Mapping {
                file: self.file.to_string(),
                message: "no call id column".to_string(),
            })?;
        let agent = self.find("agent", &spec.agent)?;
        let duration = self.find("duration", &spec.duration)?;
        let mut cols = CallColumns {
            call_id,
            team: self.find("team", &spec.team)?,
            started_at: self.find("started_at", &spec.started_at)?,
            disposition: self.find("disposition", &spec.disposition)?,
            legs: Vec::new(),
            passthrough: Vec::new(),
            agent: None,
            duration: None,
        };
        let transcript = self.find_all("transcript", &spec.transcript)?;
        cols.legs = if spec.legs.is_empty() {
            // A single leg owns the call's agent and duration columns.
            vec![LegCols {
                name: "call".to_string(),
                agent,
                duration,
                transcript,
            }]
        } else {
            cols.agent = agent;
            cols.duration = duration;
            let mut legs = Vec::new();
            for leg in &spec.legs {
                legs.push(LegCols {
                    name: leg.name.clone(),
                    agent: self.find(&format!("{}.agent", leg.name), &leg.agent)?,
                    duration: self.find(&format!("{}.duration", leg.name), &leg.duration)?,
                    transcript: self
                        .find_all(&format!("{}.transcript", leg.name), &leg.transcript)?,
                });
            }
            legs
        };
        cols.passthrough = match &spec.passthrough {
            Some(list) => self.find_all("passthrough", list)?,
            None => self.unused(),
        };
        Ok(cols)
    }

    /// Resolves the columns of an utterance table.
    pub fn utterance_columns(&mut self, spec: &UtteranceSpec) -> Result<UtteranceCols, InputError> {
        let required = |r: &mut Self, field: &str, s: &ColumnSpec| {
            r.find(field, s)?.ok_or_else(|| InputError::Mapping {
                file: r.file.to_string(),
                message: format!("no column is mapped to utterance `{field}`"),
            })
        };
        Ok(UtteranceCols {
            call_id: required(self, "call_id", &spec.call_id)?,
            speaker: required(self, "speaker", &spec.speaker)?,
            text: required(self, "text", &spec.text)?,
            turn: self.find("turn", &spec.turn)?,
            start: self.find("start", &spec.start)?,
            end: self.find("end", &spec.end)?,
        })
    }

    /// Columns no field has claimed (and that have a header).
    fn unused(&self) -> Vec<Col> {
        self.headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !self.used[*i] && !h.is_empty())
            .map(|(idx, h)| Col {
                idx,
                name: h.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::input::{InputConfig, Profile};
    use crate::input::profiles::mapping_spec;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn generic_profile_recognises_common_names_case_insensitively() {
        let h = headers(&[
            "Call ID",
            "User",
            "Call_Date",
            "Length_In_Sec",
            "STATUS",
            "Transcription",
            "Campaign",
            "notes",
        ]);
        let mut r = Resolver::new("f.csv", &h);
        let cols = r
            .call_columns(&mapping_spec(&InputConfig::default()))
            .expect("resolves");
        assert_eq!(cols.call_id.idx, 0);
        assert_eq!(cols.legs[0].agent.as_ref().map(|c| c.idx), Some(1));
        assert_eq!(cols.started_at.map(|c| c.idx), Some(2));
        assert_eq!(cols.legs[0].duration.as_ref().map(|c| c.idx), Some(3));
        assert_eq!(cols.disposition.map(|c| c.idx), Some(4));
        assert_eq!(cols.legs[0].transcript[0].idx, 5);
        assert_eq!(cols.team.map(|c| c.idx), Some(6));
        assert_eq!(
            cols.passthrough,
            vec![Col {
                idx: 7,
                name: "notes".into()
            }]
        );
    }

    #[test]
    fn missing_explicit_column_names_it_and_the_columns_found() {
        let mut cfg = InputConfig {
            profile: Profile::Custom,
            ..InputConfig::default()
        };
        cfg.columns.call_id = Some("lead".into());
        let h = headers(&["id", "agent"]);
        let err = Resolver::new("calls.csv", &h)
            .call_columns(&mapping_spec(&cfg))
            .expect_err("missing");
        let text = err.to_string();
        assert!(
            text.contains("calls.csv") && text.contains("`lead`") && text.contains("id, agent"),
            "{text}"
        );
    }
}

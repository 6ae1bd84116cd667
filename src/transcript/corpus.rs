//! Conversations whose roles are known, for training and measuring the role
//! classifier (`role_model`): the PersuasionForGood chats (persuader =
//! agent, persuadee = customer), the generated demo calls (their `Agent:` /
//! `Customer:` labels) and the hand-written sales seed sentences. Each
//! conversation keeps its id, so the fixed train/test split by a hash of the
//! id (`Part`) holds calls out of training.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::SpeakerMap;
use crate::learn::Part;
use crate::model::Speaker;

use super::{parse_text, speaker_role};

/// One conversation with known roles: (spoken by the agent, text) per turn,
/// a turn being the run of one side.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub id: String,
    pub turns: Vec<(bool, String)>,
}

/// Why a corpus could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
    #[error("{path}: no column `{column}` in the header")]
    MissingColumn { path: String, column: &'static str },
}

/// The conversations of `all` in `part`.
pub fn part(all: Vec<Labelled>, part: Part) -> Vec<Labelled> {
    all.into_iter().filter(|c| part.holds(&c.id)).collect()
}

/// PersuasionForGood `full_dialog.csv`: one row per utterance (`Unit`
/// text, `B4` role, `B2` conversation id).
pub fn persuasion(path: &Path) -> Result<Vec<Labelled>, CorpusError> {
    let rows = read(path, &["Unit", "B4", "B2"])?;
    Ok(grouped(
        rows.into_iter()
            .map(|[text, role, id]| (id, role == "0", text)),
    ))
}

/// A call table with a `transcript` column of `Agent:` / `Customer:`
/// labelled turns (the generated demo calls).
pub fn labelled_calls(path: &Path) -> Result<Vec<Labelled>, CorpusError> {
    let rows = read(path, &["call_id", "transcript"])?;
    let speakers = SpeakerMap::default();
    Ok(rows
        .into_iter()
        .map(|[id, transcript]| {
            let turns = parse_text(&transcript, &speakers)
                .into_iter()
                .filter(|t| t.speaker != Speaker::Unknown)
                .map(|t| (t.speaker == Speaker::Agent, clean(&t.text)));
            Labelled {
                id,
                turns: merged(turns),
            }
        })
        .collect())
}

/// An utterance table (`call_id`, `speaker`, `text`), such as the sales
/// seed; rows whose speaker is neither agent nor customer are skipped.
pub fn utterances(path: &Path) -> Result<Vec<Labelled>, CorpusError> {
    let rows = read(path, &["call_id", "speaker", "text"])?;
    let speakers = SpeakerMap::default();
    Ok(grouped(rows.into_iter().filter_map(
        |[id, speaker, text]| match speaker_role(&speaker, &speakers) {
            Speaker::Agent => Some((id, true, text)),
            Speaker::Customer => Some((id, false, text)),
            _ => None,
        },
    )))
}

/// The named columns of every row of a CSV file.
fn read<const N: usize>(
    path: &Path,
    columns: &[&'static str; N],
) -> Result<Vec<[String; N]>, CorpusError> {
    let csv_error = |source| CorpusError::Csv {
        path: path.display().to_string(),
        source,
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    let header = reader.headers().map_err(csv_error)?.clone();
    let mut at = [0usize; N];
    for (slot, column) in at.iter_mut().zip(columns) {
        *slot = header
            .iter()
            .position(|h| h == *column)
            .ok_or(CorpusError::MissingColumn {
                path: path.display().to_string(),
                column,
            })?;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        rows.push(at.map(|i| record.get(i).unwrap_or("").to_string()));
    }
    Ok(rows)
}

/// Rows (id, agent, text) in file order into conversations in order of
/// first appearance.
fn grouped(rows: impl Iterator<Item = (String, bool, String)>) -> Vec<Labelled> {
    let mut order: Vec<String> = Vec::new();
    let mut by_id: BTreeMap<String, Vec<(bool, String)>> = BTreeMap::new();
    for (id, agent, text) in rows {
        let conv = by_id.entry(id.clone()).or_insert_with(|| {
            order.push(id);
            Vec::new()
        });
        conv.push((agent, clean(&text)));
    }
    order
        .into_iter()
        .filter_map(|id| {
            let turns = merged(by_id.remove(&id)?);
            Some(Labelled { id, turns })
        })
        .collect()
}

/// Joins consecutive pieces of one side into one turn; drops empty ones.
fn merged(pieces: impl IntoIterator<Item = (bool, String)>) -> Vec<(bool, String)> {
    let mut turns: Vec<(bool, String)> = Vec::new();
    for (agent, text) in pieces.into_iter().filter(|(_, t)| !t.is_empty()) {
        match turns.last_mut() {
            Some((a, t)) if *a == agent => {
                t.push(' ');
                t.push_str(&text);
            }
            _ => turns.push((agent, text)),
        }
    }
    turns
}

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_rows_of_one_side_make_one_turn() {
        let rows = [
            ("c1", true, "Hi."),
            ("c1", true, "Calling  about ads."),
            ("c1", false, "No."),
        ]
        .map(|(i, a, t)| (i.to_string(), a, t.to_string()));
        let convs = grouped(rows.into_iter());
        assert_eq!(
            convs[0].turns,
            [
                (true, "Hi. Calling about ads.".into()),
                (false, "No.".into())
            ]
        );
    }
}

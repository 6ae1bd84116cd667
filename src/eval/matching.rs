//! Pairing label rows with stored sentences of the same call: the first
//! unused stored sentence with the same words, else one containing the
//! label's words or contained in them. Rows that find no call or no
//! sentence are returned, so they are counted and shown, never dropped.

use std::collections::HashMap;

use crate::analyze::detect::SentenceTag;
use crate::metrics::phrases::normalize;

use super::labels::LabelRow;

/// Why a label row found no stored sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched {
    /// The call id is not in the analysed run.
    NoCall,
    /// The call is there but no stored sentence has these words.
    NoSentence,
}

/// Label row index -> stored sentence (call's tag list and index), or why not.
pub type Pairing = Vec<Result<(usize, usize), Unmatched>>;

/// Pairs every row of `rows` with `calls[call] = tags` entries.
pub fn pair(
    rows: &[LabelRow],
    calls: &HashMap<String, usize>,
    tags: &[Vec<SentenceTag>],
) -> Pairing {
    let mut used: HashMap<usize, Vec<bool>> = HashMap::new();
    let mut norms: HashMap<usize, Vec<String>> = HashMap::new();
    rows.iter()
        .map(|row| {
            let &call = calls.get(&row.call_id).ok_or(Unmatched::NoCall)?;
            let call_tags = &tags[call];
            let norm = norms
                .entry(call)
                .or_insert_with(|| call_tags.iter().map(|t| normalize(&t.text)).collect());
            let used = used
                .entry(call)
                .or_insert_with(|| vec![false; call_tags.len()]);
            let want = normalize(&row.text);
            let free = |i: &usize| !used[*i];
            let found = (0..norm.len())
                .filter(free)
                .find(|&i| norm[i] == want)
                .or_else(|| {
                    (0..norm.len()).filter(free).find(|&i| {
                        want.trim().len() > 1
                            && (norm[i].contains(want.as_str()) || want.contains(norm[i].as_str()))
                    })
                })
                .ok_or(Unmatched::NoSentence)?;
            used[found] = true;
            Ok((call, found))
        })
        .collect()
}

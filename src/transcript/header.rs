//! Turn headers: the `[time] Label (range):` prefix that starts a turn, found
//! at the start of a line (lenient labels) or inside a line (known labels only,
//! for one-line VICI exports).

use std::collections::HashSet;

use crate::config::SpeakerMap;

use super::clock::time_block;
use super::roles::{is_anonymous_label, is_role_label};

const MAX_LABEL_BYTES: usize = 32;
const MAX_LABEL_WORDS: usize = 3;
const INLINE_WINDOW_BYTES: usize = 96;
const MAX_PAREN_BYTES: usize = 24;

/// A turn header found in the raw text. Offsets are byte offsets into it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// Where the header starts (the previous turn's text ends here).
    pub at: usize,
    /// Where this turn's text starts.
    pub text_at: usize,
    pub label: Option<String>,
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
}

/// How sure a position must be before it counts as a turn start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Line starts: any plausible label (capitalised words), timestamps.
    LineStart,
    /// Mid-line: only labels known to be speakers.
    Inline,
}

/// Labels accepted as speakers: configured, role words, anonymous patterns,
/// and those already seen at line starts of this transcript.
pub(crate) struct KnownLabels<'a> {
    pub speakers: &'a SpeakerMap,
    pub seen: HashSet<String>,
}

impl KnownLabels<'_> {
    fn contains(&self, label: &str) -> bool {
        self.seen.contains(&label.to_lowercase())
            || is_role_label(label, self.speakers)
            || is_anonymous_label(label)
    }
}

/// Tries to read a header at byte offset `at` of `raw` (a char boundary).
pub(crate) fn header_at(
    raw: &str,
    at: usize,
    strictness: Strictness,
    known: &KnownLabels,
) -> Option<Header> {
    let line = line_window(raw, at, strictness);
    let mut pos = 0;
    let mut start_s = None;
    let mut end_s = None;
    let mut bracketed = false;
    if let Some(block) = time_block(line) {
        start_s = Some(block.start_s);
        end_s = block.end_s;
        bracketed = block.bracketed;
        pos = skip_separator(line, block.len);
    }
    if let Some((label, range, after)) = label_at(&line[pos..], strictness, known) {
        let (start_s, end_s) = match range {
            Some((s, e)) => (Some(s), e.or(end_s)),
            None => (start_s, end_s),
        };
        return Some(Header {
            at,
            text_at: at + pos + after,
            label: Some(label.to_string()),
            start_s,
            end_s,
        });
    }
    let alone = line[pos..].trim().is_empty();
    let time_only =
        strictness == Strictness::LineStart && start_s.is_some() && (bracketed || alone);
    time_only.then_some(Header {
        at,
        text_at: at + pos,
        label: None,
        start_s,
        end_s,
    })
}

/// The rest of the line from `at`; mid-line only a short window, so that
/// scanning a one-line transcript of several MB stays linear.
fn line_window(raw: &str, at: usize, strictness: Strictness) -> &str {
    let rest = &raw[at..];
    let rest = match strictness {
        Strictness::LineStart => rest,
        Strictness::Inline => {
            let mut cut = rest.len().min(INLINE_WINDOW_BYTES);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            &rest[..cut]
        }
    };
    rest.split('\n').next().unwrap_or(rest)
}

/// Skips whitespace and one optional `-` / `|` separator after a timestamp.
fn skip_separator(line: &str, from: usize) -> usize {
    let rest = &line[from..];
    let trimmed = rest.trim_start();
    let after = trimmed
        .strip_prefix(['-', '|'])
        .filter(|r| r.starts_with(char::is_whitespace))
        .unwrap_or(trimmed)
        .trim_start();
    line.len() - after.len()
}

/// `Label [(range) | (name)]:` at the start of `s`: (label, optional range,
/// bytes to text). A parenthesised name stays part of the label
/// ("Agent (Mike)"); the part before it is what must look like a label.
fn label_at<'s>(s: &'s str, strictness: Strictness, known: &KnownLabels) -> Option<LabelMatch<'s>> {
    let end = s
        .char_indices()
        .find(|(i, c)| *i > MAX_LABEL_BYTES || !is_label_char(*c))
        .map_or(s.len(), |(i, _)| i);
    if end == 0 || end > MAX_LABEL_BYTES {
        return None;
    }
    let base = s[..end].trim_end();
    let mut label = base;
    let mut pos = end;
    let mut range = None;
    let stop = s[pos..].chars().next()?;
    if stop == '(' || stop == '[' {
        if let Some(block) = time_block(&s[pos..]) {
            range = Some((block.start_s, block.end_s));
            pos += block.len;
        } else {
            pos += parenthetical(&s[pos..])?;
            label = &s[..pos];
        }
        pos += s[pos..].len() - s[pos..].trim_start().len();
    }
    let after_colon = s[pos..].strip_prefix(':')?;
    if !(after_colon.is_empty() || after_colon.starts_with(char::is_whitespace)) {
        return None;
    }
    if !plausible_label(base, strictness, known) {
        return None;
    }
    Some((label, range, s.len() - after_colon.len()))
}

/// Length of a short `(...)` at the start of `s` (a name after a label).
fn parenthetical(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('(')?;
    let close = inner
        .char_indices()
        .take_while(|(i, _)| *i <= MAX_PAREN_BYTES)
        .find(|(_, c)| matches!(c, ')' | '(' | ':' | '\n'))?;
    (close.1 == ')' && close.0 > 0).then_some(close.0 + 2)
}

/// A label, its optional `(start - end)` range, and the bytes up to its text.
type LabelMatch<'s> = (&'s str, Option<(f64, Option<f64>)>, usize);

fn is_label_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '\'' | '#')
}

fn plausible_label(label: &str, strictness: Strictness, known: &KnownLabels) -> bool {
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_LABEL_WORDS || label.len() > MAX_LABEL_BYTES {
        return false;
    }
    if known.contains(label) {
        return true;
    }
    let looks_like_name = !label.chars().all(|c| c.is_ascii_digit())
        && words
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()));
    strictness == Strictness::LineStart && looks_like_name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(map: &SpeakerMap) -> KnownLabels<'_> {
        KnownLabels {
            speakers: map,
            seen: HashSet::new(),
        }
    }

    #[test]
    fn reads_headers() {
        let map = SpeakerMap::default();
        let k = known(&map);
        let h = header_at(
            "Speaker A (00:00 - 00:02): hi",
            0,
            Strictness::LineStart,
            &k,
        )
        .expect("header");
        assert_eq!(h.label.as_deref(), Some("Speaker A"));
        assert_eq!((h.start_s, h.end_s, h.text_at), (Some(0.0), Some(2.0), 26));
        let h = header_at("[00:01:02] Agent: hi", 0, Strictness::LineStart, &k).expect("ts");
        assert_eq!((h.label.as_deref(), h.start_s), (Some("Agent"), Some(62.0)));
        assert!(header_at("so then: we", 0, Strictness::LineStart, &k).is_none());
        assert!(header_at("Note: x", 0, Strictness::Inline, &k).is_none());
        assert!(header_at("10:30 works", 0, Strictness::LineStart, &k).is_none());
        let h = header_at("00:05", 0, Strictness::LineStart, &k).expect("bare");
        assert_eq!((h.label, h.start_s), (None, Some(5.0)));
    }
}

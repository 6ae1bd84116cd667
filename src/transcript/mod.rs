//! Transcript parsing: raw text into speaker turns with optional times, and
//! speaker-label roles (also used by the utterance-table reader).
//!
//! Accepted shapes, mixed freely: `Agent: ...`, `Speaker A (00:00 - 00:02): ...`,
//! `[00:01:02] Agent: ...`, `[00:12] Speaker 1: ...`, `00:01:02 Agent: ...`, a
//! timestamp alone on a line followed by text lines, label-less `[00:12] text`,
//! continuation lines (appended to the previous turn), and one-line exports
//! with several inline `Agent:` / `Customer:` labels (only in a transcript
//! written on one line, and only after the end of a sentence: elsewhere a
//! label counts only at the start of a line). Every turn's text is a
//! verbatim slice of the input (trimmed), so quotes taken from turns are
//! always found in the transcript. Unlabelled lines before the first header
//! (or in a transcript without any) become one unknown turn per line.

mod clock;
pub mod corpus;
mod cues;
mod header;
mod infer;
pub mod role_model;
mod roles;
mod sentences;
mod sequence;

use std::collections::HashSet;

use crate::config::SpeakerMap;
use crate::model::{Speaker, Transcript, TranscriptShape, Turn};

pub use cues::is_handoff;
use header::{Header, KnownLabels, Strictness, header_at};
pub use infer::{CONFIDENT, Layout, assign_roles};
pub use roles::speaker_role;

/// Share of a transcript's words that must have a confident role for the
/// call's roles to count as known.
pub const MIN_ATTRIBUTED_SHARE: f64 = 0.75;

/// Parses a raw transcript into turns (see the module docs for the formats).
/// A transcript without any header written as one paragraph becomes one
/// turn per sentence.
pub fn parse_text(raw: &str, speakers: &SpeakerMap) -> Vec<Turn> {
    let headers = find_headers(raw, speakers);
    if headers.is_empty() && is_one_line(raw) {
        let mut turns: Vec<Turn> = sentences::split(raw)
            .into_iter()
            .map(|s| Turn::new(None, s))
            .collect();
        assign_roles(&mut turns, speakers, Layout::Sentences);
        return turns;
    }
    let first_at = headers.first().map_or(raw.len(), |h| h.at);
    let mut turns = unlabelled_lines(raw.get(..first_at).unwrap_or(""));
    let mut carried: Option<(f64, Option<f64>)> = None;
    for (i, header) in headers.iter().enumerate() {
        let text_end = headers.get(i + 1).map_or(raw.len(), |next| next.at);
        let text = raw.get(header.text_at..text_end).unwrap_or("").trim();
        let (start_s, end_s) = match (header.start_s, carried.take()) {
            (Some(s), _) => (Some(s), header.end_s),
            (None, Some((s, e))) => (Some(s), e),
            (None, None) => (None, None),
        };
        if text.is_empty() {
            if header.label.is_none() {
                carried = start_s.map(|s| (s, end_s));
            }
            continue;
        }
        turns.push(Turn {
            start_s,
            end_s,
            ..Turn::new(header.label.clone(), text)
        });
    }
    assign_roles(&mut turns, speakers, Layout::Turns);
    turns
}

fn unlabelled_lines(text: &str) -> Vec<Turn> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Turn::new(None, l))
        .collect()
}

/// How `transcript` is written (labelled speakers, lines, one paragraph).
pub fn shape(transcript: &Transcript) -> TranscriptShape {
    let turns = &transcript.turns;
    if turns.is_empty() {
        return TranscriptShape::Empty;
    }
    let mut labels: Vec<String> = turns
        .iter()
        .filter_map(|t| t.label.as_deref().map(str::to_lowercase))
        .collect();
    labels.sort();
    labels.dedup();
    match labels.len() {
        0 | 1 if is_one_line(&transcript.raw) => TranscriptShape::Paragraph,
        0 | 1 => TranscriptShape::Lines,
        2 => TranscriptShape::TwoSpeakers,
        _ => TranscriptShape::MultiSpeaker,
    }
}

/// True when the agent is identified and at least `MIN_ATTRIBUTED_SHARE` of
/// the words have a confident role: only then do talk share, questions,
/// objections by side and compliance mean anything. (A customer who never
/// speaks while the rest is attributed has a known 0 words.)
pub fn roles_known(turns: &[Turn]) -> bool {
    let (mut agent, mut attributed, mut total) = (0usize, 0usize, 0usize);
    for turn in turns {
        let words = turn.text.split_whitespace().count();
        total += words;
        match turn.speaker {
            Speaker::Agent => agent += words,
            Speaker::Customer | Speaker::Other => {}
            Speaker::Unknown => continue,
        }
        attributed += words;
    }
    agent > 0 && attributed as f64 >= MIN_ATTRIBUTED_SHARE * total as f64
}

/// All turn headers in input order. Labels count at the start of a line;
/// only a transcript written on one line (a VICI export) may also have
/// headers inside it, and only labels known as speakers (by role, config,
/// or its own first label) that follow the end of a sentence. So "Customer:
/// My old agent: he was useless." stays one customer turn.
fn find_headers(raw: &str, speakers: &SpeakerMap) -> Vec<Header> {
    let mut known = KnownLabels {
        speakers,
        seen: HashSet::new(),
    };
    let line_headers: Vec<Header> = line_starts(raw)
        .filter_map(|at| header_at(raw, at, Strictness::LineStart, &known))
        .collect();
    known.seen = line_headers
        .iter()
        .filter_map(|h| h.label.as_deref().map(str::to_lowercase))
        .collect();
    let one_line = is_one_line(raw);
    let mut headers = Vec::with_capacity(line_headers.len());
    let mut line_iter = line_headers.into_iter().peekable();
    let mut scan_from = 0;
    for (line_at, line) in lines_with_offsets(raw) {
        let line_end = line_at + line.len();
        let mut inline_from = line_at;
        if let Some(h) = line_iter.next_if(|h| h.at == line_at + leading_ws(line)) {
            inline_from = h.text_at;
            headers.push(h);
        }
        scan_from = scan_from.max(inline_from);
        if one_line {
            headers.extend(inline_headers(raw, scan_from, line_end, &known));
        }
    }
    headers
}

/// True when the transcript has text on one line only.
fn is_one_line(raw: &str) -> bool {
    raw.lines().filter(|l| !l.trim().is_empty()).count() <= 1
}

/// Headers inside `raw[from..to]` at positions after the end of a sentence
/// (`.`, `!`, `?` or `…` and whitespace).
fn inline_headers(raw: &str, from: usize, to: usize, known: &KnownLabels) -> Vec<Header> {
    let mut found = Vec::new();
    let mut skip_until = from;
    let Some(segment) = raw.get(from..to) else {
        return found;
    };
    let mut prev_ws = false;
    let mut sentence_ended = false;
    for (i, c) in segment.char_indices() {
        let at = from + i;
        let candidate =
            prev_ws && sentence_ended && at >= skip_until && (c == '[' || c.is_alphanumeric());
        if let Some(h) = candidate
            .then(|| header_at(raw, at, Strictness::Inline, known))
            .flatten()
        {
            skip_until = h.text_at;
            found.push(h);
        }
        prev_ws = c.is_whitespace();
        if !prev_ws {
            sentence_ended = matches!(c, '.' | '!' | '?' | '\u{2026}');
        }
    }
    found
}

fn lines_with_offsets(raw: &str) -> impl Iterator<Item = (usize, &str)> {
    raw.split_inclusive('\n').scan(0, |offset, line| {
        let at = *offset;
        *offset += line.len();
        Some((at, line.trim_end_matches(['\n', '\r'])))
    })
}

/// Offsets of the first non-blank character of every line.
fn line_starts(raw: &str) -> impl Iterator<Item = usize> + '_ {
    lines_with_offsets(raw)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| at + leading_ws(line))
}

fn leading_ws(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Vec<Turn> {
        parse_text(raw, &SpeakerMap::default())
    }

    #[test]
    fn labelled_lines_and_continuations() {
        let turns = parse("Agent: Hi there.\nHow are you?\nCustomer: Fine.");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "Hi there.\nHow are you?");
        assert_eq!(turns[0].speaker, Speaker::Agent);
        assert_eq!(turns[1].speaker, Speaker::Customer);
    }

    #[test]
    fn inline_labels_on_one_line() {
        let turns = parse("Agent: hi, calling about ads. Customer: not interested. Agent: ok");
        let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["hi, calling about ads.", "not interested.", "ok"]);
    }

    #[test]
    fn a_speaker_word_inside_a_sentence_starts_no_turn() {
        let turns = parse("Customer: My old agent: he was useless. Not interested.");
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].speaker, Speaker::Customer);
        let turns = parse("Agent: Hello.\nCustomer: Dear customer: we regret. Agent: no.");
        assert_eq!(turns.len(), 2, "inline labels only in one-line transcripts");
    }

    #[test]
    fn timestamp_line_then_text() {
        let turns = parse("00:00:05\nAgent: hello\n00:00:09\nCustomer: hi");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].start_s, Some(5.0));
        assert_eq!(turns[1].start_s, Some(9.0));
    }
}

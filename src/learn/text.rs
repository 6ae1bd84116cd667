//! Text normalisation for learning: lower case, straight apostrophes, digits
//! folded to `0` (so "$25" and "$40" share features), the word tokens a
//! featuriser reads, with `?`, `!`, `$` and `%` kept as tokens of their own,
//! and sentence splitting. A fragment of at most two words ("Food?", "Ok!")
//! joins the sentence before it, so "Food? Clothing? Shelter?" is one
//! question, not three.

use std::ops::Range;

/// Fragments of at most this many words join the previous sentence.
const FRAGMENT_WORDS: usize = 2;

/// Lower-cased text with apostrophes straightened, digits folded to `0` and
/// whitespace collapsed to single spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        space = false;
        match c {
            '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
            c if c.is_ascii_digit() => out.push('0'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Word tokens of already-normalised text: runs of letters, digits and inner
/// apostrophes, plus `?`, `!`, `$` and `%` as tokens of their own.
pub fn tokens(normalized: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in normalized.char_indices() {
        let in_word = c.is_alphanumeric() || c == '\'';
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push_word(&mut out, &normalized[s..i]);
                start = None;
            }
            _ => {}
        }
        if matches!(c, '?' | '!' | '$' | '%') {
            out.push(&normalized[i..i + 1]);
        }
    }
    if let Some(s) = start {
        push_word(&mut out, &normalized[s..]);
    }
    out
}

fn push_word<'t>(out: &mut Vec<&'t str>, word: &'t str) {
    let word = word.trim_matches('\'');
    if !word.is_empty() {
        out.push(word);
    }
}

/// Words that negate what follows until the next punctuation mark.
pub fn is_negation(token: &str) -> bool {
    matches!(
        token,
        "not" | "no" | "never" | "nothing" | "nobody" | "none" | "neither" | "nor" | "cannot"
    ) || token.ends_with("n't")
}

/// Modal verbs: ability, possibility, intention, obligation.
pub fn is_modal(token: &str) -> bool {
    matches!(
        token,
        "can"
            | "could"
            | "would"
            | "should"
            | "might"
            | "may"
            | "will"
            | "shall"
            | "must"
            | "i'll"
            | "i'd"
            | "we'll"
            | "we'd"
            | "you'd"
            | "you'll"
    )
}

/// Sentence ranges of `text`: split after `.`, `!`, `?` (runs of them) and
/// line breaks; fragments joined to the sentence before.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?' | '\n');
        let run_continues = chars
            .peek()
            .is_some_and(|(_, n)| matches!(n, '.' | '!' | '?' | '"' | ')'));
        if ends && !run_continues {
            push_sentence(&mut out, text, start..i + c.len_utf8());
            start = i + c.len_utf8();
        }
    }
    push_sentence(&mut out, text, start..text.len());
    out
}

fn push_sentence(out: &mut Vec<Range<usize>>, text: &str, range: Range<usize>) {
    let Some(range) = trimmed(text, range) else {
        return;
    };
    let words = text[range.clone()].split_whitespace().count();
    match out.last_mut() {
        Some(prev) if words <= FRAGMENT_WORDS && !text[prev.end..range.start].contains('\n') => {
            prev.end = range.end;
        }
        _ => out.push(range),
    }
}

/// `range` of `text` without surrounding whitespace; `None` when nothing
/// alphanumeric is left.
pub fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    let core = slice.trim();
    if !core.chars().any(char::is_alphanumeric) {
        return None;
    }
    let start = range.start + (slice.len() - slice.trim_start().len());
    Some(start..start + core.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn normalises_case_apostrophes_digits_and_space() {
        assert_eq!(
            normalize("  I Don’t  have $25\tNOW "),
            "i don't have $00 now"
        );
    }

    #[test]
    fn tokens_keep_marks_and_inner_apostrophes() {
        let n = normalize("Why? I can't give 'much' - maybe 10%!");
        assert_eq!(
            tokens(&n),
            [
                "why", "?", "i", "can't", "give", "much", "maybe", "00", "%", "!"
            ]
        );
    }

    #[test]
    fn negations_and_modals() {
        assert!(is_negation("can't") && is_negation("never") && !is_negation("know"));
        assert!(is_modal("could") && !is_modal("give"));
    }

    #[test]
    fn splits_sentences_and_joins_fragments() {
        assert_eq!(
            texts("Hi there. How are you today? Food? Clothing? Shelter?"),
            ["Hi there.", "How are you today? Food? Clothing? Shelter?"]
        );
        assert_eq!(
            texts("Food? Clothing? Shelter?"),
            ["Food? Clothing? Shelter?"]
        );
        assert_eq!(
            texts("Really?! I can give $1."),
            ["Really?!", "I can give $1."]
        );
        assert_eq!(texts("Wait...\nno way"), ["Wait...", "no way"]);
        assert!(texts("  ... ").is_empty());
    }
}

//! Verbatim quotes from turns: the sentence that carries a phrase, or a
//! prefix of a long turn cut at a sentence or word boundary. Always a slice
//! of the turn text, so grounding finds it.

use crate::analyze::insight::Quote;
use crate::metrics::phrases::sentence_with;
use crate::model::Turn;

/// Longest quote taken from one turn, in bytes.
const MAX_QUOTE_BYTES: usize = 300;

/// The sentence of turn `index` that contains `phrase`.
pub(crate) fn sentence_quote(turns: &[Turn], index: u32, phrase: &str) -> Option<Quote> {
    let turn = turns.get(usize::try_from(index).ok()?)?;
    Some(quote(excerpt(sentence_with(&turn.text, phrase)), index))
}

/// A sentence of turn `index` (a verbatim slice of it), cut to length.
pub(crate) fn text_quote(sentence: &str, index: u32) -> Quote {
    quote(excerpt(sentence), index)
}

/// The start of turn `index`, at most `MAX_QUOTE_BYTES` long.
pub(crate) fn turn_quote(turns: &[Turn], index: u32) -> Option<Quote> {
    let turn = turns.get(usize::try_from(index).ok()?)?;
    Some(quote(excerpt(&turn.text), index))
}

fn quote(text: &str, turn: u32) -> Quote {
    Quote {
        text: text.to_string(),
        turn: Some(turn),
        grounded: None,
    }
}

/// A verbatim prefix of `text`: whole sentences while they fit, else words.
fn excerpt(text: &str) -> &str {
    let text = text.trim();
    if text.len() <= MAX_QUOTE_BYTES {
        return text;
    }
    let mut end = 0;
    for piece in text.split_inclusive(['.', '!', '?']) {
        if end + piece.len() > MAX_QUOTE_BYTES {
            break;
        }
        end += piece.len();
    }
    if end == 0 {
        end = text
            .char_indices()
            .take_while(|(i, _)| *i <= MAX_QUOTE_BYTES)
            .filter(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i)
            .last()
            .unwrap_or_else(|| floor_char_boundary(text, MAX_QUOTE_BYTES));
    }
    text[..end].trim()
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_turns_are_cut_verbatim() {
        let long = "Short one. ".repeat(40);
        let cut = excerpt(&long);
        assert!(cut.len() <= MAX_QUOTE_BYTES && long.contains(cut) && cut.ends_with('.'));
        let words = "é".repeat(400);
        let cut = excerpt(&words);
        assert!(words.starts_with(cut) && !cut.is_empty());
    }
}

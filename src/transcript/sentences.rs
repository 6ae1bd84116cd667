//! One-paragraph transcripts (no turns at all) split into sentences, each a
//! verbatim, trimmed slice of the text, by the Unicode sentence rules
//! (UAX #29).

use unicode_segmentation::UnicodeSegmentation;

/// The trimmed, non-empty sentences of `text`.
pub(crate) fn split(text: &str) -> Vec<&str> {
    text.split_sentence_bounds()
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_of_a_paragraph() {
        let s = split("Hello? Hi, this is Ann with Acme. Yes. Okay, go ahead!");
        assert_eq!(
            s,
            [
                "Hello?",
                "Hi, this is Ann with Acme.",
                "Yes.",
                "Okay, go ahead!"
            ]
        );
    }
}

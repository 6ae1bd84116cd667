//! Text normalisation for learning: lower case, straight apostrophes, digits
//! folded to `0` (so "$25" and "$40" share features), and the word tokens a
//! featuriser reads, with `?`, `!`, `$` and `%` kept as tokens of their own.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! Text normalisation shared by phrase matching (`phrase_book`), the
//! heuristic analyzer and grounding: text is normalised (lower case, curly quotes straightened, punctuation to
//! spaces, whitespace collapsed) and phrases match on whole words.

/// Lower-case words of `text`, apostrophes kept inside words ("it's").
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(|w| {
        let mut out = String::with_capacity(w.len());
        push_lower(&mut out, w);
        out
    })
}

fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || is_apostrophe(c)))
        .map(|w| w.trim_matches(is_apostrophe))
        .filter(|w| !w.is_empty())
}

/// Appends `word` lower-cased, with every apostrophe as `'`.
fn push_lower(out: &mut String, word: &str) {
    for c in word.chars() {
        if is_apostrophe(c) {
            out.push('\'');
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`')
}

/// The normalised form used for matching: ` word word word ` (padded with
/// spaces so that a phrase matches only on word boundaries).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for word in raw_words(text) {
        push_lower(&mut out, word);
        out.push(' ');
    }
    out
}

/// The first sentence of `text` containing `phrase` (verbatim slice of
/// `text`, trimmed), or the whole text when no single sentence does.
pub fn sentence_with<'t>(text: &'t str, phrase: &str) -> &'t str {
    let needle = normalize(phrase);
    sentences(text)
        .find(|s| normalize(s).contains(&needle))
        .unwrap_or(text.trim())
}

/// Sentences of `text` as verbatim trimmed slices (split after `.`, `!`, `?`
/// and line breaks).
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(normalize("It’s TOO  expensive!"), " it's too expensive ");
    }

    #[test]
    fn finds_the_sentence() {
        let text = "Hi there. Honestly it's too expensive for us! Bye.";
        assert_eq!(
            sentence_with(text, "too expensive"),
            "Honestly it's too expensive for us!"
        );
        assert_eq!(sentence_with(text, "missing"), text);
    }
}

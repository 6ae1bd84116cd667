//! Escaping of every text that reaches a rendered report, so input text
//! (agent names, quotes) can never become markup in HTML or in Markdown,
//! nor reorder the report's own text with bidirectional controls; and the
//! shortening of long row labels.

/// Longest row label shown whole; a longer one is cut (the full text on
/// hover in HTML) so that it cannot push a table off the screen.
pub const MAX_LABEL_CHARS: usize = 60;

/// `label` cut to [`MAX_LABEL_CHARS`] with an ellipsis; `None` when it fits.
pub fn shortened(label: &str) -> Option<String> {
    let (cut, _) = label.char_indices().nth(MAX_LABEL_CHARS)?;
    Some(format!("{}…", &label[..cut]))
}

/// Bidirectional embeddings, overrides, isolates and marks (U+202E reverses
/// everything after it): dropped from input text.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_bidi_control(c) => {}
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for one Markdown line or table cell: newlines become spaces,
/// and characters that Markdown would read as markup or HTML are
/// backslash-escaped.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            c if is_bidi_control(c) => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    escape_line_start(out)
}

/// A line starting like a list item, thematic break or setext heading is
/// escaped; a number (`0.31`, `-5`, `+2 pp`) is left as it reads.
fn escape_line_start(s: String) -> String {
    let trimmed = s.trim_start();
    let lead = &s[..s.len() - trimmed.len()];
    let second = trimmed.chars().nth(1);
    let signed_number =
        trimmed.starts_with(['-', '+']) && second.is_some_and(|c| c.is_ascii_digit());
    if trimmed.starts_with(['-', '+', '=']) && !signed_number {
        return format!("{lead}\\{trimmed}");
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let rest = &trimmed[digits..];
    let mut after = rest.chars();
    let marker = after.next();
    let marker_ends = after.next().is_none_or(char::is_whitespace);
    if digits > 0 && matches!(marker, Some('.' | ')')) && marker_ends {
        return format!("{lead}{}\\{rest}", &trimmed[..digits]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<script>alert('x')</script> & "y""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn bidi_controls_are_dropped_and_long_labels_shortened() {
        let name = "Ann\u{202E}gnol\u{2066}x\u{2069}";
        assert_eq!(html(name), "Anngnolx");
        assert_eq!(markdown(name), "Anngnolx");
        assert_eq!(shortened("short"), None);
        let long = "a".repeat(10_000);
        let cut = shortened(&long).expect("cut");
        assert_eq!(cut.chars().count(), MAX_LABEL_CHARS + 1);
    }

    #[test]
    fn markdown_escapes_html_tables_and_line_starts() {
        assert_eq!(markdown("<b>a|b</b>\nc"), "\\<b\\>a\\|b\\</b\\> c");
        assert_eq!(markdown("- not a list"), "\\- not a list");
        assert_eq!(markdown("1. not a list"), "1\\. not a list");
        assert_eq!(markdown("0.31"), "0.31");
        assert_eq!(markdown("12–14 s"), "12–14 s");
        assert_eq!(markdown("é"), "é");
        assert_eq!(markdown("-0.2 and +5 pp"), "-0.2 and +5 pp");
        assert_eq!(markdown("12."), "12\\.");
        assert_eq!(markdown("---"), "\\---");
        assert_eq!(
            markdown("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
    }
}

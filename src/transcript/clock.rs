//! Clock times inside transcripts: `mm:ss`, `hh:mm:ss`, optional fractions
//! (`00:01.5`, `00:00:01,250`), single times and ranges, bare or in brackets.

/// A time or time range found at the start of some text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeBlock {
    pub start_s: f64,
    pub end_s: Option<f64>,
    /// Written inside `[...]` or `(...)`.
    pub bracketed: bool,
    /// Bytes of the input the block occupies.
    pub len: usize,
}

/// Parses a time block at the very start of `s`.
pub(crate) fn time_block(s: &str) -> Option<TimeBlock> {
    let close = match s.as_bytes().first() {
        Some(b'[') => Some(']'),
        Some(b'(') => Some(')'),
        _ => None,
    };
    match close {
        Some(close) => {
            let inner = &s[1..];
            let (start_s, end_s, used) = range(inner)?;
            let rest = &inner[used..];
            let trimmed = rest.trim_start();
            let after = trimmed.strip_prefix(close)?;
            Some(TimeBlock {
                start_s,
                end_s,
                bracketed: true,
                len: s.len() - after.len(),
            })
        }
        None => {
            let (start_s, end_s, used) = range(s)?;
            Some(TimeBlock {
                start_s,
                end_s,
                bracketed: false,
                len: used,
            })
        }
    }
}

/// `clock [sep clock]` at the start of `s`: (start, end, bytes used).
fn range(s: &str) -> Option<(f64, Option<f64>, usize)> {
    let lead = s.len() - s.trim_start().len();
    let (start, used) = clock(&s[lead..])?;
    let mut total = lead + used;
    let rest = &s[total..];
    let after_sep = ["-->", "-", "\u{2013}", "\u{2014}", "to "]
        .iter()
        .find_map(|sep| rest.trim_start().strip_prefix(sep));
    if let Some(after_sep) = after_sep {
        let lead2 = after_sep.len() - after_sep.trim_start().len();
        if let Some((end, used2)) = clock(&after_sep[lead2..]) {
            total = s.len() - after_sep.len() + lead2 + used2;
            return Some((start, Some(end), total));
        }
    }
    Some((start, None, total))
}

/// One clock time `h:mm:ss`, `mm:ss` (with optional fraction) at the start of
/// `s`: (seconds, bytes used). Needs at least one colon.
pub(crate) fn clock(s: &str) -> Option<(f64, usize)> {
    let mut parts = [0u32; 3];
    let mut count = 0;
    let mut pos = 0;
    loop {
        let digits = leading_digits(&s[pos..]);
        let max_len = if count == 0 { 3 } else { 2 };
        if digits == 0 || digits > max_len || (count > 0 && digits != 2) {
            return None;
        }
        let value: u32 = s[pos..pos + digits].parse().ok()?;
        if count > 0 && value >= 60 {
            return None;
        }
        parts[count] = value;
        count += 1;
        pos += digits;
        let next_is_clock_part =
            s[pos..].starts_with(':') && leading_digits(&s[pos + 1..]) == 2 && count < 3;
        if !next_is_clock_part {
            break;
        }
        pos += 1;
    }
    if count < 2 {
        return None;
    }
    let mut seconds = parts[..count]
        .iter()
        .fold(0.0, |acc, p| acc * 60.0 + f64::from(*p));
    if let Some(rest) = s[pos..].strip_prefix(['.', ',']) {
        let digits = leading_digits(rest).min(3);
        if digits > 0 {
            let frac: u32 = rest[..digits].parse().ok()?;
            seconds += f64::from(frac) / 10f64.powi(digits as i32);
            pos += 1 + leading_digits(rest);
        }
    }
    // A clock directly followed by more digits or letters is something else.
    if s[pos..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    Some((seconds, pos))
}

fn leading_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock("01:02"), Some((62.0, 5)));
        assert_eq!(clock("1:02:03 x"), Some((3723.0, 7)));
        assert_eq!(clock("00:00:01,250"), Some((1.25, 12)));
        assert_eq!(clock("12"), None);
        assert_eq!(clock("10:75"), None);
        assert_eq!(clock("10:30am"), None);
    }

    #[test]
    fn blocks() {
        let b = time_block("[00:01:02] Agent").expect("block");
        assert_eq!(
            (b.start_s, b.end_s, b.bracketed, b.len),
            (62.0, None, true, 10)
        );
        let b = time_block("(00:00 - 00:02):").expect("range");
        assert_eq!((b.start_s, b.end_s, b.len), (0.0, Some(2.0), 15));
        let b = time_block("00:05 hello").expect("bare");
        assert_eq!((b.bracketed, b.len), (false, 5));
        assert!(time_block("[00:05 hello").is_none());
    }
}

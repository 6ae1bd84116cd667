//! WebVTT and SRT files (Zoom, Teams, Google Meet, subtitle tools) into
//! speaker turns with the cue times as turn times.
//!
//! Speakers come from WebVTT voice tags (`<v Name>`, `<v.class Name>`) or
//! from a `Name:` prefix in the cue text, recognised by the transcript
//! parser so both kinds of file read labels alike. Consecutive cues of one
//! named speaker merge into one turn (from the first start to the last end);
//! unnamed cues stay one turn each. Other tags (`<b>`, `<c.x>`, inline
//! timestamps) are dropped and the five WebVTT character references decoded.
//!
//! Hand-written rather than a subtitle crate because meeting exports are
//! often slightly off the standard (missing header, `,` in WebVTT times, no
//! blank line at the end) and one bad cue must cost that cue's times, with a
//! warning naming its line, never the whole call.

use super::RowWarning;
use crate::config::SpeakerMap;
use crate::model::Turn;
use crate::transcript::parse_text;

/// The turns of one subtitle file, plus a warning per cue whose times could not be read.
pub fn parse(text: &str, file: &str, speakers: &SpeakerMap) -> (Vec<Turn>, Vec<RowWarning>) {
    let mut turns: Vec<Turn> = Vec::new();
    let mut warnings = Vec::new();
    for block in blocks(text) {
        let Some(cue) = Cue::read(&block, file, &mut warnings) else {
            continue;
        };
        for turn in cue.turns(speakers) {
            push_merged(&mut turns, turn);
        }
    }
    (turns, warnings)
}

/// Lines of one blank-line separated block, each with its 1-based line number.
fn blocks(text: &str) -> Vec<Vec<(u64, &str)>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push((i as u64 + 1, line));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One cue: its times and the text lines under the timing line.
struct Cue {
    start_s: Option<f64>,
    end_s: Option<f64>,
    text: String,
}

impl Cue {
    /// The cue in `block`, or `None` for header, NOTE, STYLE and REGION blocks.
    fn read(block: &[(u64, &str)], file: &str, warnings: &mut Vec<RowWarning>) -> Option<Cue> {
        let at = block.iter().position(|(_, l)| l.contains("-->"))?;
        let (line_no, timing) = block[at];
        let (start, end) = timing.split_once("-->")?;
        let end = end.split_whitespace().next().unwrap_or("");
        let (start_s, end_s) = (timestamp(start.trim()), timestamp(end));
        if start_s.is_none() || end_s.is_none() {
            warnings.push(RowWarning::new(
                file,
                line_no,
                None,
                format!(
                    "cue timing `{}` not readable; cue kept without times",
                    timing.trim()
                ),
            ));
        }
        let text = block[at + 1..]
            .iter()
            .map(|(_, l)| l.trim())
            .collect::<Vec<_>>()
            .join("\n");
        Some(Cue {
            start_s,
            end_s,
            text,
        })
    }

    /// The cue's turns: one per speaker found in it, times on the first and last.
    fn turns(&self, speakers: &SpeakerMap) -> Vec<Turn> {
        let (voice, plain) = strip_tags(&self.text);
        let mut turns = match voice {
            Some(name) => vec![Turn::new(Some(name), plain.trim())],
            None => parse_text(&plain, speakers),
        };
        turns.retain(|t| !t.text.is_empty());
        if let Some(first) = turns.first_mut() {
            first.start_s = self.start_s;
        }
        if let Some(last) = turns.last_mut() {
            last.end_s = self.end_s;
        }
        turns
    }
}

/// Appends `turn`, or extends the previous turn when the same named speaker goes on.
fn push_merged(turns: &mut Vec<Turn>, turn: Turn) {
    match turns.last_mut() {
        Some(last) if last.label.is_some() && last.label == turn.label => {
            last.text.push(' ');
            last.text.push_str(&turn.text);
            last.end_s = turn.end_s.or(last.end_s);
        }
        _ => turns.push(turn),
    }
}

/// `hh:mm:ss.mmm`, `mm:ss.mmm` (WebVTT) or `hh:mm:ss,mmm` (SRT), in seconds.
fn timestamp(raw: &str) -> Option<f64> {
    let (clock, fraction) = match raw.rsplit_once(['.', ',']) {
        Some((clock, frac)) if frac.bytes().all(|b| b.is_ascii_digit()) && !frac.is_empty() => {
            (clock, format!("0.{frac}").parse::<f64>().ok()?)
        }
        _ => (raw, 0.0),
    };
    let parts: Vec<u64> = clock
        .split(':')
        .map(|p| p.trim().parse::<u64>().ok())
        .collect::<Option<_>>()?;
    let seconds = match parts.as_slice() {
        [m, s] if *s < 60 => m * 60 + s,
        [h, m, s] if *m < 60 && *s < 60 => h * 3600 + m * 60 + s,
        _ => return None,
    };
    Some(seconds as f64 + fraction)
}

/// The cue text without tags, and the voice name of its first `<v ...>` tag.
fn strip_tags(text: &str) -> (Option<String>, String) {
    let mut voice = None;
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        plain.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            plain.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        if voice.is_none()
            && let Some(name) = voice_name(tag)
        {
            voice = Some(name);
        }
        rest = &rest[open + close + 1..];
    }
    plain.push_str(rest);
    (voice, decode_entities(&plain))
}

/// `v Name` or `v.class Name` gives `Name`.
fn voice_name(tag: &str) -> Option<String> {
    let body = tag.strip_prefix('v')?;
    if !(body.starts_with(' ') || body.starts_with('.')) {
        return None;
    }
    let name = body.split_once(' ').map(|(_, n)| n.trim())?;
    (!name.is_empty()).then(|| decode_entities(name))
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(text: &str) -> Vec<Turn> {
        parse(text, "t.vtt", &SpeakerMap::default()).0
    }

    #[test]
    fn webvtt_voice_tags_give_speakers_and_times() {
        let t = turns(
            "WEBVTT\n\nNOTE made by hand\n\n1\n00:00:01.500 --> 00:00:04.000 align:start\n<v Dana Reyes>Hi, this is Dana from Brightline.</v>\n\n2\n00:00:04.200 --> 00:00:06.000\n<v.loud Sam Ortiz>Oh, hello.\n",
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].label.as_deref(), Some("Dana Reyes"));
        assert_eq!((t[0].start_s, t[0].end_s), (Some(1.5), Some(4.0)));
        assert_eq!(t[1].label.as_deref(), Some("Sam Ortiz"));
        assert_eq!(t[1].text, "Oh, hello.");
    }

    #[test]
    fn srt_name_prefixes_merge_consecutive_cues_of_one_speaker() {
        let t = turns(
            "1\r\n00:00:00,000 --> 00:00:02,000\r\nAgent: Good morning,\r\n\r\n2\r\n00:00:02,000 --> 00:00:03,500\r\nAgent: how are you?\r\n\r\n3\r\n00:01:03,000 --> 00:01:05,250\r\nCustomer: Fine &amp; you?\r\n",
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].text, "Good morning, how are you?");
        assert_eq!((t[0].start_s, t[0].end_s), (Some(0.0), Some(3.5)));
        assert_eq!(t[1].text, "Fine & you?");
        assert_eq!(t[1].start_s, Some(63.0));
    }

    #[test]
    fn a_bad_timing_line_costs_only_that_cue_its_times() {
        let (t, w) = parse(
            "WEBVTT\n\n00:00:01.000 --> 00:xx:02.000\nHello there.\n\n00:00:03.000 --> 00:00:04.000\nBye.\n",
            "t.vtt",
            &SpeakerMap::default(),
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].start_s, None);
        assert_eq!(t[1].start_s, Some(3.0));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].row, 3);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("01:02.5"), Some(62.5));
        assert_eq!(timestamp("1:00:00,250"), Some(3600.25));
        assert_eq!(timestamp("00:61.0"), None);
        assert_eq!(timestamp("abc"), None);
    }
}

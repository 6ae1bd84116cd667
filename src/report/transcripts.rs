//! The evidence section of the HTML report: each cited call's transcript,
//! its turns labelled with what was found in them (kind, source and
//! confidence; a detector's sentence marked within its turn), reachable from every mention of the call's id; cited calls
//! past the limit listed by id. Anchors and `:target` only, no script.

use std::fmt::Write;

use super::escape::html as esc;
use super::evidence::{CallTranscript, Evidence, EvidenceTurn, Label, LabelKind};
use super::format::opt_duration;
use crate::stats::label::label;

pub const ID: &str = "evidence";
pub const TITLE: &str = "Evidence: the cited calls";

/// The fragment of a call's anchor (`call-` + the id, escaped).
pub fn anchor(id: &str) -> String {
    esc(&format!("call-{id}"))
}

pub fn render(out: &mut String, e: &Evidence) {
    if e.transcripts.is_empty() && e.not_shown.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"{ID}\" data-narrative=\"rules\">\n<h2>{TITLE}</h2>\n<p>Every call id in this report links here. Highlighted turns: <span class=\"tag objection\">objection</span> <span class=\"tag rebuttal\">rebuttal</span> <span class=\"tag signal\">buying signal</span> <span class=\"tag question\">question</span> <span class=\"tag commit\">asks for commitment</span> <span class=\"tag section\">script section</span>; each label says what found it (phrase match, analyzer, learned detector) and its confidence when it has one; the sentences a detector flagged are underlined in the label's colour.</p>"
    );
    for t in &e.transcripts {
        transcript(out, t);
    }
    if !e.not_shown.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Cited calls without their transcript ({} past the limit, <code>[analysis] max_report_transcripts</code>)</h3>\n<ul class=\"ids\">",
            e.not_shown.len()
        );
        for id in &e.not_shown {
            let _ = write!(out, "<li id=\"{}\">{}</li>", anchor(id), esc(id));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn transcript(out: &mut String, t: &CallTranscript) {
    let mut facts: Vec<String> = t.agent.iter().cloned().collect();
    facts.push(label(&t.outcome));
    facts.push(opt_duration(t.duration_s));
    let _ = write!(
        out,
        "<article class=\"call\" id=\"{}\"><h3>Call {}</h3><p class=\"facts\">{}</p>",
        anchor(&t.id),
        esc(&t.id),
        esc(&facts.join(" · "))
    );
    if t.turns.is_empty() {
        out.push_str("<p>No transcript was given for this call.</p>");
    } else {
        out.push_str("<ol class=\"turns\">");
        t.turns.iter().for_each(|turn| turn_html(out, turn));
        out.push_str("</ol>");
    }
    out.push_str("</article>\n");
}

fn turn_html(out: &mut String, turn: &EvidenceTurn) {
    let who = turn.speaker.as_str();
    let mark = turn.labels.first().map_or("", |l| l.kind.css());
    let _ = write!(
        out,
        "<li class=\"turn {who} {mark}\"><span class=\"who\">{}</span>",
        crate::report::sections::capitalise(who)
    );
    if let Some(s) = turn.start_s {
        let _ = write!(
            out,
            " <span class=\"time\">{}</span>",
            opt_duration(Some(s))
        );
    }
    let _ = write!(out, " {}", highlighted(&turn.text, &turn.labels));
    for l in &turn.labels {
        tag(out, l);
    }
    out.push_str("</li>");
}

/// The turn's text, escaped, with each sentence a label names wrapped in a
/// `<mark>` of the label's kind (where they overlap the first wins, a
/// question last).
fn highlighted(text: &str, labels: &[Label]) -> String {
    let mut spans: Vec<(usize, usize, &Label)> = labels
        .iter()
        .filter_map(|l| {
            let sentence = l.sentence.as_deref().filter(|s| !s.is_empty())?;
            let start = text.find(sentence)?;
            Some((start, start + sentence.len(), l))
        })
        .collect();
    // A sentence that is also a question is marked as what else it is.
    spans.sort_by_key(|(start, _, l)| (*start, l.kind == LabelKind::Question));
    let mut out = String::new();
    let mut at = 0;
    for (start, end, l) in spans {
        if start < at {
            continue;
        }
        let _ = write!(
            out,
            "{}<mark class=\"{}\" title=\"{}\">{}</mark>",
            esc(&text[at..start]),
            l.kind.css(),
            esc(&tag_text(l)),
            esc(&text[start..end])
        );
        at = end;
    }
    out + &esc(&text[at..])
}

fn tag_text(l: &Label) -> String {
    let mut text = l.kind.name().to_string();
    if !l.name.is_empty() {
        text += &format!(": {}", l.name);
    }
    text += &format!(" · {}", l.source.name());
    if let Some(c) = l.confidence {
        text += &format!(" {:.0}%", c * 100.0);
    }
    text
}

fn tag(out: &mut String, l: &Label) {
    let _ = write!(
        out,
        " <span class=\"tag {}\">{}</span>",
        l.kind.css(),
        esc(&tag_text(l))
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::evidence::LabelSource;

    fn detected(kind: LabelKind, sentence: &str, p: f64) -> Label {
        Label {
            kind,
            name: String::new(),
            source: LabelSource::Detector,
            confidence: Some(p),
            sentence: Some(sentence.to_string()),
        }
    }

    #[test]
    fn detected_sentences_are_marked_with_kind_and_confidence_and_text_stays_escaped() {
        let text = "Too <b>expensive</b>. I see. Can we talk later?";
        let labels = [
            detected(LabelKind::Question, "Can we talk later?", 0.8),
            detected(LabelKind::Objection, "Too <b>expensive</b>.", 0.91),
            detected(LabelKind::BuyingSignal, "expensive", 0.5),
            detected(LabelKind::Rebuttal, "not in the text", 0.7),
        ];
        let html = highlighted(text, &labels);
        assert_eq!(
            html,
            "<mark class=\"objection\" title=\"objection · learned detector 91%\">Too &lt;b&gt;expensive&lt;/b&gt;.</mark> I see. <mark class=\"question\" title=\"question · learned detector 80%\">Can we talk later?</mark>"
        );
    }
}

//! The evidence section of the HTML report: each cited call's transcript,
//! its turns labelled with what was found in them (kind, source and
//! confidence), reachable from every mention of the call's id; cited calls
//! past the limit listed by id. Anchors and `:target` only, no script.

use std::fmt::Write;

use super::escape::html as esc;
use super::evidence::{CallTranscript, Evidence, EvidenceTurn, Label};
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
        "<section id=\"{ID}\" data-narrative=\"rules\">\n<h2>{TITLE}</h2>\n<p>Every call id in this report links here. Highlighted turns: <span class=\"tag objection\">objection</span> <span class=\"tag rebuttal\">rebuttal</span> <span class=\"tag signal\">buying signal</span> <span class=\"tag question\">question</span> <span class=\"tag section\">script section</span>; each label says what found it (phrase match, analyzer, detector) and its confidence when it has one.</p>"
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
    let _ = write!(out, " {}", esc(&turn.text));
    for l in &turn.labels {
        tag(out, l);
    }
    out.push_str("</li>");
}

fn tag(out: &mut String, l: &Label) {
    let mut text = l.kind.name().to_string();
    if !l.name.is_empty() {
        text += &format!(": {}", l.name);
    }
    text += &format!(" · {}", l.source.name());
    if let Some(c) = l.confidence {
        text += &format!(" {:.0}%", c * 100.0);
    }
    let _ = write!(
        out,
        " <span class=\"tag {}\">{}</span>",
        l.kind.css(),
        esc(&text)
    );
}

//! Renders the report document as one self-contained HTML page: inline CSS
//! (screen and print), inline SVG charts, no script, a strict CSP, and every
//! text escaped. Every cited call id links to its transcript at the end of
//! the page (anchors and `:target`, no script).

use std::fmt::Write;

use std::collections::BTreeSet;

use super::document::{Block, Document, NarrativeSource, Section, Table};
use super::escape::{html as esc, shortened};
use super::evidence::{Evidence, is_separator, trim_token};
use super::{svg, transcripts};

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2329;margin:0;background:#f6f7f9;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
p,li,td,h2,h3{overflow-wrap:anywhere}
h1{font-size:1.8em;margin:0 0 .3em}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.4em;font-size:1.1em}
dl.meta{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;color:#57606a}dl.meta dt{font-weight:600}dl.meta dd{margin:0;overflow-wrap:anywhere}
nav ol{columns:2;color:#0969da}
.scroll{overflow-x:auto;max-width:100%;margin:.6em 0 1.2em}
table{border-collapse:collapse;font-size:.9em;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6}tr:nth-child(even) td{background:#fafbfc}
pre{background:#f6f8fa;padding:8px 12px;overflow-x:auto;max-width:100%}
figure.chart{margin:1em 0;overflow-x:auto;max-width:100%}figure.chart svg{width:100%;height:auto;min-width:720px;max-width:760px;display:block}
figcaption{font-size:.85em;color:#57606a}
svg text{font-size:11px;fill:#1d2329}svg .axis{fill:#57606a;font-size:10px}svg .title{font-size:11px;fill:#57606a;font-weight:600}svg .inbar{font-size:10px;fill:#fff;font-weight:600}
svg .grid{stroke:#e1e4e8;stroke-width:1}svg .bar{fill:#0969da}svg .short{fill:#cf6b2c}svg .long{fill:#0969da}
svg .whisker{stroke:#1d2329;stroke-width:1.4;fill:none}svg .split{stroke:#b00020;stroke-dasharray:4 3}
svg .line{fill:none;stroke:#0969da;stroke-width:2}svg .dot{fill:#0969da}svg .count{fill:#57606a}svg .gap{stroke:#9e9e9e;stroke-dasharray:3 3;fill:none}
a{color:#0969da}
article.call{border:1px solid #d0d7de;border-radius:6px;padding:4px 12px;margin:12px 0}
article.call:target,li:target{outline:3px solid #0969da;background:#f0f7ff}
ol.turns{padding-left:1.4em}ol.turns li{margin:2px 0;padding:2px 4px}
.who{font-weight:600}.time{color:#57606a;font-size:.85em}.facts{color:#57606a}
li.objection{background:#fdecea}li.rebuttal{background:#e8f0fe}li.signal{background:#e6f4ea}li.question{background:#fff8e1}li.section{background:#f3e8fd}
.tag{display:inline-block;font-size:.75em;border-radius:3px;padding:0 4px;margin-left:4px;border:1px solid #d0d7de;background:#fff}
.tag.objection{border-color:#c62828}.tag.rebuttal{border-color:#0969da}.tag.signal{border-color:#2e7d32}.tag.question{border-color:#b58900}.tag.section{border-color:#8250df}.tag.commit{border-color:#1b7f79}li.commit{background:#e0f2f1}
mark{background:none;color:inherit;border-bottom:2px solid #57606a}mark.objection{border-color:#c62828}mark.rebuttal{border-color:#0969da}mark.signal{border-color:#2e7d32}mark.question{border-color:#b58900}mark.commit{border-color:#1b7f79}
ul.ids{columns:3}
footer{max-width:1100px;margin:0 auto;padding:12px 32px;color:#57606a;font-size:.85em}
@media (max-width:640px){main{padding:12px}footer{padding:12px}nav ol{columns:1}ul.ids{columns:2}h1{font-size:1.4em}}
@media print{body{background:#fff}main{padding:0;max-width:none}nav{display:none}
section{break-inside:auto}h2,h3{break-after:avoid}figure,table,article.call{break-inside:avoid}.scroll,figure.chart{overflow:visible}figure.chart svg{min-width:0}}
";

/// The page's chart rules (`svg ...`), for charts drawn outside the page.
pub(super) fn chart_css() -> String {
    STYLE
        .lines()
        .filter(|l| l.starts_with("svg "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The ids that link to an anchor, and how a text is written with them.
struct Links<'a> {
    ids: BTreeSet<&'a str>,
}

impl Links<'_> {
    /// Escaped text whose cited call ids link to their anchors.
    fn text(&self, text: &str) -> String {
        if self.ids.is_empty() {
            return esc(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once('\n')) {
            if is_separator(c) {
                self.word(&mut out, &word);
                word.clear();
                out.push_str(&esc(&c.to_string()));
            } else {
                word.push(c);
            }
        }
        out.pop();
        out
    }

    fn word(&self, out: &mut String, word: &str) {
        let id = trim_token(word);
        if !id.is_empty() && self.ids.contains(id) {
            let _ = write!(
                out,
                "<a href=\"#{}\">{}</a>",
                transcripts::anchor(id),
                esc(id)
            );
            out.push_str(&esc(&word[id.len()..]));
        } else {
            out.push_str(&esc(word));
        }
    }
}

pub fn render(doc: &Document, footer: &str, evidence: &Evidence) -> String {
    let links = Links {
        ids: evidence.anchored(),
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<dl class=\"meta\">",
        esc(&doc.title),
        esc(&doc.title)
    );
    for (k, v) in &doc.meta {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    out.push_str("</dl>\n<nav><ol>");
    // Coaching sections are reached from the agents table.
    for s in doc.sections.iter().filter(|s| !s.id.starts_with("coach-")) {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            esc(&s.id),
            esc(&s.title)
        );
    }
    if !links.ids.is_empty() {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            transcripts::ID,
            transcripts::TITLE
        );
    }
    out.push_str("</ol></nav>\n");
    for (i, s) in doc.sections.iter().enumerate() {
        section_html(&mut out, i + 1, s, &links);
    }
    transcripts::render(&mut out, evidence);
    let _ = write!(
        out,
        "</main>\n<footer>{}</footer>\n</body>\n</html>\n",
        esc(footer)
    );
    out
}

fn section_html(out: &mut String, number: usize, s: &Section, links: &Links) {
    let source = match s.narrative {
        NarrativeSource::Rules => "rules",
        NarrativeSource::Llm => "llm",
    };
    let _ = write!(
        out,
        "<section id=\"{}\" data-narrative=\"{source}\">\n<h2>{number}. {}</h2>\n",
        esc(&s.id),
        esc(&s.title)
    );
    for block in &s.blocks {
        match block {
            Block::Paragraph(p) => {
                let _ = writeln!(out, "<p>{}</p>", links.text(p));
            }
            Block::Subheading(h) => {
                let _ = writeln!(out, "<h3>{}</h3>", links.text(h));
            }
            Block::Table(t) => table_html(out, t, links),
            Block::Bullets(items) => {
                out.push_str("<ul>");
                for item in items {
                    let _ = write!(out, "<li>{}</li>", links.text(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Chart(c) => out.push_str(&svg::render(c)),
            Block::Code(text) => {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", esc(text));
            }
        }
    }
    out.push_str("</section>\n");
}

fn table_html(out: &mut String, t: &Table, links: &Links) {
    out.push_str("<div class=\"scroll\"><table><thead><tr>");
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for (i, row) in t.rows.iter().enumerate() {
        out.push_str("<tr>");
        let anchor = t.anchors.get(i).and_then(Option::as_deref);
        for (j, cell) in row.iter().enumerate() {
            match anchor.filter(|_| j == 0) {
                Some(a) => {
                    let _ = write!(out, "<td><a href=\"#{}\">{}</a></td>", esc(a), esc(cell));
                }
                None => match shortened(cell).filter(|_| j == 0) {
                    Some(short) => {
                        let _ = write!(
                            out,
                            "<td><span title=\"{}\">{}</span></td>",
                            esc(cell),
                            esc(&short)
                        );
                    }
                    None => {
                        let _ = write!(out, "<td>{}</td>", links.text(cell));
                    }
                },
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
}

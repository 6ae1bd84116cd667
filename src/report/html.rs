//! Renders the report document as one self-contained HTML page: inline CSS
//! (screen and print), inline SVG charts, no script, a strict CSP, and every
//! text escaped.

use std::fmt::Write;

use super::document::{Block, Document, NarrativeSource, Section, Table};
use super::escape::html as esc;
use super::svg;

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2329;margin:0;background:#f6f7f9;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:1.8em;margin:0 0 .3em}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.4em;font-size:1.1em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;color:#57606a}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
nav ol{columns:2;color:#0969da}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6}tr:nth-child(even) td{background:#fafbfc}
figure.chart{margin:1em 0}figure.chart svg{width:100%;height:auto;max-width:760px;display:block}
figcaption{font-size:.85em;color:#57606a}
svg text{font-size:11px;fill:#1d2329}svg .axis{fill:#57606a;font-size:10px}
svg .grid{stroke:#e1e4e8;stroke-width:1}svg .bar{fill:#0969da}svg .short{fill:#cf6b2c}svg .long{fill:#2e7d32}
svg .whisker{stroke:#1d2329;stroke-width:1.4;fill:none}svg .split{stroke:#b00020;stroke-dasharray:4 3}
svg .line{fill:none;stroke:#0969da;stroke-width:2}svg .dot{fill:#0969da}
footer{max-width:1100px;margin:0 auto;padding:12px 32px;color:#57606a;font-size:.85em}
@media print{body{background:#fff}main{padding:0;max-width:none}nav{display:none}
section{break-inside:auto}h2,h3{break-after:avoid}figure,table{break-inside:avoid}}
";

/// The page's chart rules (`svg ...`), for charts drawn outside the page.
pub(super) fn chart_css() -> String {
    STYLE
        .lines()
        .filter(|l| l.starts_with("svg "))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(doc: &Document, footer: &str) -> String {
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
    for s in &doc.sections {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            esc(&s.id),
            esc(&s.title)
        );
    }
    out.push_str("</ol></nav>\n");
    for (i, s) in doc.sections.iter().enumerate() {
        section_html(&mut out, i + 1, s);
    }
    let _ = write!(
        out,
        "</main>\n<footer>{}</footer>\n</body>\n</html>\n",
        esc(footer)
    );
    out
}

fn section_html(out: &mut String, number: usize, s: &Section) {
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
                let _ = writeln!(out, "<p>{}</p>", esc(p));
            }
            Block::Subheading(h) => {
                let _ = writeln!(out, "<h3>{}</h3>", esc(h));
            }
            Block::Table(t) => table_html(out, t),
            Block::Bullets(items) => {
                out.push_str("<ul>");
                for item in items {
                    let _ = write!(out, "<li>{}</li>", esc(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Chart(c) => out.push_str(&svg::render(c)),
        }
    }
    out.push_str("</section>\n");
}

fn table_html(out: &mut String, t: &Table) {
    out.push_str("<table><thead><tr>");
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

//! Renders the report document as Markdown. Every text is escaped; charts
//! become tables of their data.

use std::fmt::Write;

use super::document::{Block, Chart, ChartKind, Document, Lane, RateBar, Section, Table};
use super::escape::{markdown as esc, shortened};
use super::format::pct;

pub fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n\n", esc(&doc.title));
    for (k, v) in &doc.meta {
        let _ = writeln!(out, "- **{}:** {}", esc(k), esc(v));
    }
    for (i, section) in doc.sections.iter().enumerate() {
        out.push('\n');
        section_md(&mut out, i + 1, section);
    }
    out
}

fn section_md(out: &mut String, number: usize, s: &Section) {
    let _ = writeln!(out, "## {number}. {}\n", esc(&s.title));
    for block in &s.blocks {
        match block {
            Block::Paragraph(p) => {
                let _ = writeln!(out, "{}\n", esc(p));
            }
            Block::Subheading(h) => {
                let _ = writeln!(out, "### {}\n", esc(h));
            }
            Block::Table(t) => table_md(out, t),
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", esc(item));
                }
                out.push('\n');
            }
            Block::Chart(c) => chart_md(out, c),
            Block::Code(text) => code_md(out, text),
        }
    }
}

/// A fenced block whose fence is longer than any backtick run inside it.
fn code_md(out: &mut String, text: &str) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}toml\n{}\n{fence}\n", text.trim_end());
}

fn table_md(out: &mut String, t: &Table) {
    let row = |cells: &[String]| {
        let escaped: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(j, c)| match shortened(c).filter(|_| j == 0) {
                Some(short) => esc(&short),
                None => esc(c),
            })
            .collect();
        format!("| {} |\n", escaped.join(" | "))
    };
    out.push_str(&row(&t.headers));
    let _ = writeln!(out, "|{}", "---|".repeat(t.headers.len()));
    for r in &t.rows {
        out.push_str(&row(r));
    }
    out.push('\n');
}

fn chart_md(out: &mut String, c: &Chart) {
    let _ = writeln!(out, "**Chart: {}**\n", esc(&c.title));
    let table = match &c.kind {
        ChartKind::RateBars(bars) | ChartKind::Trend(bars) => rate_table(bars),
        ChartKind::Histogram { bins, split } => Table {
            headers: vec!["Duration".into(), "Calls".into(), "Class".into()],
            rows: bins
                .iter()
                .enumerate()
                .map(|(i, (label, n))| {
                    let class = if i < *split { "short" } else { "long" };
                    vec![label.clone(), n.to_string(), class.to_string()]
                })
                .collect(),
            ..Table::default()
        },
        ChartKind::Stacked { legend, rows } => Table {
            headers: std::iter::once(String::new())
                .chain(legend.iter().cloned())
                .collect(),
            rows: rows
                .iter()
                .map(|(label, parts)| {
                    std::iter::once(label.clone())
                        .chain(parts.iter().map(u64::to_string))
                        .collect()
                })
                .collect(),
            ..Table::default()
        },
        ChartKind::Lanes { periods, lanes, .. } => lanes_table(periods, lanes),
    };
    table_md(out, &table);
}

/// A lanes chart as a table: a row per lane, a column per period ("–" where
/// the lane has no point), then the lane's total.
fn lanes_table(periods: &[String], lanes: &[Lane]) -> Table {
    let cell = |lane: &Lane, period: &String| {
        lane.points
            .iter()
            .find(|p| &p.label == period)
            .map_or_else(|| "–".to_string(), |p| p.note.clone())
    };
    Table {
        headers: std::iter::once(String::new())
            .chain(periods.iter().cloned())
            .chain(std::iter::once("All".to_string()))
            .collect(),
        rows: lanes
            .iter()
            .map(|lane| {
                std::iter::once(lane.label.clone())
                    .chain(periods.iter().map(|p| cell(lane, p)))
                    .chain(std::iter::once(lane.note.clone()))
                    .collect()
            })
            .collect(),
        ..Table::default()
    }
}

fn rate_table(bars: &[RateBar]) -> Table {
    Table {
        headers: vec!["".into(), "Rate".into(), "95% CI".into(), "n".into()],
        rows: bars
            .iter()
            .map(|b| {
                vec![
                    b.label.clone(),
                    pct(b.value),
                    b.interval
                        .map_or_else(|| "–".into(), |(lo, hi)| format!("{}–{}", pct(lo), pct(hi))),
                    b.note.clone(),
                ]
            })
            .collect(),
        ..Table::default()
    }
}

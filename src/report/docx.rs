//! Renders the report document as a Word file (`report.docx`) for readers
//! who live in Word or LibreOffice: the same sections, tables, lists and
//! findings as the HTML, built with docx-rs; every chart is the HTML's SVG
//! rasterised to PNG with resvg (system fonts; a chart's text is missing
//! only where the machine has no font at all). Styles are Word's built-in
//! names (Title, Heading 1, Heading 2, Caption) so the navigation pane and
//! a table of contents work.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, BreakType, Docx, IndentLevel, Level, LevelJc, LevelText, LineSpacing,
    NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Pic, Run, RunFonts, Shading,
    ShdType, SpecialIndentType, Start, Style, StyleType, Table as DocxTable, TableCell,
    TableLayoutType, TableRow, WidthType,
};
use resvg::{tiny_skia, usvg};

use super::document::{Block, Chart, Document, Section, Table};
use super::svg;

/// A4 with 2 cm margins: the width left to a chart or table, in twips and EMU.
const MARGIN_TWIPS: i32 = 1_134;
const TEXT_WIDTH_TWIPS: usize = 11_906 - 2 * MARGIN_TWIPS as usize;
const TEXT_WIDTH_EMU: u32 = TEXT_WIDTH_TWIPS as u32 * 635;
/// Charts are rasterised at this multiple of their SVG size, for print.
const CHART_SCALE: f32 = 2.0;
/// Fonts tried, in order, for chart text.
const CHART_FONTS: [&str; 5] = [
    "DejaVu Sans",
    "Liberation Sans",
    "Arial",
    "Noto Sans",
    "Helvetica",
];
/// Numbering id of bullet lists (docx-rs reserves 1 for its default list).
const BULLETS: usize = 2;
/// Characters of a cell that count towards its column's width.
const WIDTH_CHARS: usize = 40;
/// Width of one character of table text (8 pt), and a cell's padding in characters.
const TWIPS_PER_CHAR: usize = 115;
const CELL_PAD_CHARS: usize = 1;
const ACCENT: &str = "1F3B57";

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("chart `{title}` cannot be drawn: {message}")]
    Chart { title: String, message: String },
    #[error("cannot assemble the Word document: {0}")]
    Pack(String),
}

/// The whole report as the bytes of a `.docx` file.
pub fn render(doc: &Document, footer: &str) -> Result<Vec<u8>, DocxError> {
    let charts = ChartPainter::new();
    let mut docx = styled();
    docx = docx.add_paragraph(Paragraph::new().style("Title").add_run(text(&doc.title)));
    for (key, value) in &doc.meta {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(text(&format!("{key}: ")).bold())
                .add_run(text(value)),
        );
    }
    for section in &doc.sections {
        docx = add_section(docx, section, &charts)?;
    }
    docx = docx.add_paragraph(Paragraph::new().add_run(text(footer).size(16).color("57606A")));
    let mut out = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| DocxError::Pack(e.to_string()))?;
    Ok(out.into_inner())
}

/// An empty document with the report's styles and the bullet list numbering.
fn styled() -> Docx {
    let heading = |id: &str, name: &str, half_points: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .bold()
            .size(half_points)
            .color(ACCENT)
            .outline_lvl(level)
            .line_spacing(LineSpacing::new().before(240).after(80))
    };
    let bullet = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("bullet"),
        LevelText::new("•"),
        LevelJc::new("left"),
    )
    .indent(Some(360), Some(SpecialIndentType::Hanging(240)), None, None);
    Docx::new()
        .default_fonts(
            RunFonts::new()
                .ascii("Calibri")
                .hi_ansi("Calibri")
                .cs("Calibri"),
        )
        .default_size(21)
        .default_line_spacing(LineSpacing::new().after(120))
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TWIPS)
                .bottom(MARGIN_TWIPS)
                .left(MARGIN_TWIPS)
                .right(MARGIN_TWIPS),
        )
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .size(40)
                .bold()
                .color(ACCENT),
        )
        .add_style(heading("Heading1", "heading 1", 30, 0))
        .add_style(heading("Heading2", "heading 2", 24, 1))
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("caption")
                .based_on("Normal")
                .italic()
                .size(18)
                .color("57606A"),
        )
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(bullet))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
}

fn add_section(mut docx: Docx, s: &Section, charts: &ChartPainter) -> Result<Docx, DocxError> {
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("Heading1")
            .keep_next(true)
            .add_run(text(&s.title)),
    );
    for block in &s.blocks {
        docx = match block {
            Block::Paragraph(p) => docx.add_paragraph(Paragraph::new().add_run(text(p))),
            Block::Code(code) => docx.add_paragraph(
                Paragraph::new().add_run(
                    text(code)
                        .fonts(RunFonts::new().ascii("Courier New").hi_ansi("Courier New"))
                        .size(18),
                ),
            ),
            Block::Subheading(h) => docx.add_paragraph(
                Paragraph::new()
                    .style("Heading2")
                    .keep_next(true)
                    .add_run(text(h)),
            ),
            Block::Bullets(items) => items.iter().fold(docx, |d, item| {
                d.add_paragraph(
                    Paragraph::new()
                        .numbering(NumberingId::new(BULLETS), IndentLevel::new(0))
                        .add_run(text(item)),
                )
            }),
            Block::Table(t) => docx.add_table(table(t)).add_paragraph(Paragraph::new()),
            Block::Chart(c) => {
                let (png, w, h) = charts.paint(c)?;
                let width = TEXT_WIDTH_EMU;
                let height = (u64::from(width) * u64::from(h) / u64::from(w.max(1))) as u32;
                let pic = Pic::new_with_dimensions(png, w, h).size(width, height);
                docx.add_paragraph(
                    Paragraph::new()
                        .keep_next(true)
                        .add_run(Run::new().add_image(pic)),
                )
                .add_paragraph(Paragraph::new().style("Caption").add_run(text(&c.title)))
            }
        };
    }
    Ok(docx)
}

/// A bordered table with a shaded header row over the text width; each
/// column's width follows its longest header word and its longest cell.
fn table(t: &Table) -> DocxTable {
    let widths = column_widths(t);
    let cell = |s: &str, width: usize, header: bool| {
        let run = if header { text(s).bold() } else { text(s) };
        let cell = TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(run.size(16)));
        if header {
            cell.shading(Shading::new().shd_type(ShdType::Clear).fill("DCE3EA"))
        } else {
            cell
        }
    };
    let row = |cells: Vec<&str>, header: bool| {
        let cells = widths
            .iter()
            .enumerate()
            .map(|(i, w)| cell(cells.get(i).copied().unwrap_or(""), *w, header))
            .collect();
        TableRow::new(cells).cant_split()
    };
    let header = row(t.headers.iter().map(String::as_str).collect(), true);
    let rows = std::iter::once(header).chain(
        t.rows
            .iter()
            .map(|r| row(r.iter().map(String::as_str).collect(), false)),
    );
    DocxTable::new(rows.collect())
        .set_grid(widths)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH_TWIPS, WidthType::Dxa)
}

/// Column widths in twips: each column first gets room for its longest
/// header word, then the rest of the width goes to the columns whose cells
/// are longer, in proportion to how much longer.
fn column_widths(t: &Table) -> Vec<usize> {
    let chars = |s: &str| s.chars().count().min(WIDTH_CHARS);
    let longest_word = |s: &str| s.split_whitespace().map(chars).max().unwrap_or(1);
    let columns = t.headers.len().max(1);
    let base: Vec<usize> = (0..columns)
        .map(|i| {
            (t.headers.get(i).map_or(1, |h| longest_word(h)) + CELL_PAD_CHARS) * TWIPS_PER_CHAR
        })
        .collect();
    let extra: Vec<usize> = (0..columns)
        .map(|i| {
            let longest = t
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| chars(c))
                .max();
            (longest.unwrap_or(0) + CELL_PAD_CHARS) * TWIPS_PER_CHAR
        })
        .zip(&base)
        .map(|(want, base)| want.saturating_sub(*base))
        .collect();
    let base_total: usize = base.iter().sum();
    if base_total >= TEXT_WIDTH_TWIPS {
        return base
            .iter()
            .map(|b| TEXT_WIDTH_TWIPS * b / base_total)
            .collect();
    }
    let spare = TEXT_WIDTH_TWIPS - base_total;
    let extra_total: usize = extra.iter().sum::<usize>().max(1);
    base.iter()
        .zip(&extra)
        .map(|(b, e)| b + spare * e / extra_total)
        .collect()
}

/// A run of text; line breaks in the text become breaks in the run.
fn text(s: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

/// Draws charts: the HTML's SVG and chart styles, rasterised by resvg.
struct ChartPainter {
    options: usvg::Options<'static>,
}

impl ChartPainter {
    fn new() -> Self {
        let mut options = usvg::Options::default();
        let fonts = options.fontdb_mut();
        fonts.load_system_fonts();
        let family = CHART_FONTS
            .iter()
            .find(|f| {
                fonts
                    .faces()
                    .any(|face| face.families.iter().any(|(name, _)| name == *f))
            })
            .map(|f| f.to_string())
            .or_else(|| {
                fonts
                    .faces()
                    .next()
                    .and_then(|face| face.families.first().map(|(n, _)| n.clone()))
            });
        if let Some(family) = family {
            fonts.set_sans_serif_family(family.clone());
            options.font_family = family;
        }
        ChartPainter { options }
    }

    /// The chart as PNG bytes and its size in pixels.
    fn paint(&self, chart: &Chart) -> Result<(Vec<u8>, u32, u32), DocxError> {
        let fail = |message: String| DocxError::Chart {
            title: chart.title.clone(),
            message,
        };
        let svg = svg::standalone(chart);
        let tree = usvg::Tree::from_str(&svg, &self.options).map_err(|e| fail(e.to_string()))?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(CHART_SCALE)
            .ok_or_else(|| fail("empty size".into()))?;
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| fail("empty size".into()))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(CHART_SCALE, CHART_SCALE),
            &mut pixmap.as_mut(),
        );
        let png = pixmap.encode_png().map_err(|e| fail(e.to_string()))?;
        Ok((png, size.width(), size.height()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{ChartKind, RateBar};

    #[test]
    fn a_document_with_every_block_packs_into_a_docx_zip() {
        let mut s = Section::new("agents", "Agents");
        s.paragraph("Two agents.\nSecond line.")
            .subheading("Detail")
            .table(&["agent", "calls"], vec![vec!["Ann".into(), "12".into()]])
            .bullets(vec!["one".into(), "two".into()])
            .chart(
                "Conversion by agent",
                ChartKind::RateBars(vec![RateBar {
                    label: "Ann".into(),
                    value: 0.4,
                    interval: Some((0.2, 0.6)),
                    note: "4/10".into(),
                }]),
            );
        let doc = Document {
            title: "Report".into(),
            meta: vec![("Input".into(), "calls/".into())],
            sections: vec![s],
        };
        let bytes = render(&doc, "footer").expect("renders");
        assert!(bytes.starts_with(b"PK"), "a zip archive");
        assert!(
            bytes.windows(10).any(|w| w == b"word/media"),
            "the chart image is embedded"
        );
    }
}

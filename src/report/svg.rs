//! Hand-written inline SVG charts: rate bars with interval whiskers, a
//! duration histogram split at the threshold, a trend line on a real date
//! axis (gaps in the data left as gaps) and stacked bars with percentage
//! labels. Every chart has axis titles; colours mean one thing each (green /
//! red / grey: the outcome; blue: any other rate; orange: short calls;
//! slate: counts). Small multiples (one lane per agent or objection kind)
//! share one date axis.
//! Every drawn data mark has class `mark`; every text is escaped.

use std::fmt::Write;

use super::document::{Chart, ChartKind, Lane, LaneUnit, RateBar};
use super::escape::html as esc;
use super::format::pct;
use chrono::NaiveDate;

const WIDTH: f64 = 720.0;
const LABEL_W: f64 = 200.0;
const PLOT_W: f64 = 420.0;
const ROW_H: f64 = 24.0;
const TOP: f64 = 20.0;
/// Longest label drawn before it is cut.
const LABEL_CHARS: usize = 28;
const PALETTE: [&str; 3] = ["#2e7d32", "#c62828", "#9e9e9e"];

pub fn render(c: &Chart) -> String {
    let (height, body) = draw(c);
    format!(
        "<figure class=\"chart\"><svg class=\"chart-svg\" role=\"img\" aria-label=\"{t}\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\">{body}</svg><figcaption>{t}</figcaption></figure>\n",
        t = esc(&c.title)
    )
}

/// The chart as a standalone SVG document carrying the report's chart
/// styles on a white ground, for rasterising (the DOCX report).
pub fn standalone(c: &Chart) -> String {
    let (height, body) = draw(c);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\"><style>{}</style><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>{body}</svg>",
        super::html::chart_css()
    )
}

/// The chart's height and its marks, with its axis titles.
fn draw(c: &Chart) -> (f64, String) {
    let (height, mut body) = match &c.kind {
        ChartKind::RateBars(bars) => rate_bars(bars),
        ChartKind::Histogram { bins, split } => histogram(bins, *split),
        ChartKind::Trend(points) => trend(points),
        ChartKind::Stacked { legend, rows } => stacked(legend, rows),
        ChartKind::Lanes {
            unit,
            periods,
            lanes: rows,
        } => lanes(*unit, periods, rows),
    };
    let (x_title, y_title) = axis_titles(&c.kind);
    let height = height + 16.0;
    let _ = write!(
        body,
        "<text class=\"title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        WIDTH / 2.0,
        height - 4.0,
        esc(x_title)
    );
    if let Some(y) = y_title {
        let _ = write!(
            body,
            "<text class=\"title\" transform=\"translate(12 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
            height / 2.0,
            esc(y)
        );
    }
    (height, body)
}

/// The x and (for vertical charts) y axis titles of each kind.
fn axis_titles(kind: &ChartKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ChartKind::RateBars(_) => ("rate (bar) and its 95% interval (whisker)", None),
        ChartKind::Histogram { .. } => ("call duration", Some("calls")),
        ChartKind::Trend(_) => ("date", Some("rate")),
        ChartKind::Stacked { .. } => ("share of calls", None),
        ChartKind::Lanes { .. } => ("week (starting on Monday)", None),
    }
}

fn short_label(s: &str) -> String {
    if s.chars().count() > LABEL_CHARS {
        let cut: String = s.chars().take(LABEL_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

fn x_of(v: f64) -> f64 {
    LABEL_W + PLOT_W * v.clamp(0.0, 1.0)
}

fn grid(out: &mut String, height: f64) {
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let x = x_of(tick);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{x:.1}\" y=\"12\" text-anchor=\"middle\">{}</text>",
            height - 4.0,
            pct(tick)
        );
    }
}

fn rate_bars(bars: &[RateBar]) -> (f64, String) {
    let height = TOP + ROW_H * bars.len() as f64 + 8.0;
    let mut out = String::new();
    grid(&mut out, height);
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let w = (PLOT_W * b.value.clamp(0.0, 1.0)).max(1.5);
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"mark bar\" x=\"{LABEL_W}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            LABEL_W - 6.0,
            y + 16.0,
            esc(&short_label(&b.label)),
            y + 4.0,
            ROW_H - 8.0,
            esc(&format!("{}: {} ({})", b.label, pct(b.value), b.note))
        );
        if let Some((lo, hi)) = b.interval {
            whisker(&mut out, x_of(lo), x_of(hi), y + ROW_H / 2.0);
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{} ({})</text>",
            LABEL_W + PLOT_W + 8.0,
            y + 16.0,
            pct(b.value),
            esc(&b.note)
        );
    }
    (height, out)
}

fn whisker(out: &mut String, x1: f64, x2: f64, y: f64) {
    let _ = write!(
        out,
        "<path class=\"whisker\" d=\"M{x1:.1} {:.1}V{:.1}M{x1:.1} {y:.1}H{x2:.1}M{x2:.1} {:.1}V{:.1}\"/>",
        y - 5.0,
        y + 5.0,
        y - 5.0,
        y + 5.0
    );
}

fn histogram(bins: &[(String, u64)], split: usize) -> (f64, String) {
    let (height, plot_h, left) = (260.0, 200.0, 40.0);
    let max = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let bw = (WIDTH - left - 20.0) / bins.len().max(1) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">0</text>",
        left - 4.0,
        TOP + 4.0,
        max,
        left - 4.0,
        TOP + plot_h
    );
    for (i, (label, n)) in bins.iter().enumerate() {
        let h = (plot_h * *n as f64 / max).max(1.0);
        let x = left + bw * i as f64;
        let class = if i < split { "mark short" } else { "mark long" };
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}: {n} calls</title></rect>",
            x + 1.0,
            TOP + plot_h - h,
            bw - 2.0,
            esc(label)
        );
        if i % 5 == 0 || i + 1 == bins.len() {
            let first = label.split('–').next().unwrap_or(label);
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x + 1.0,
                TOP + plot_h + 14.0,
                esc(first)
            );
        }
    }
    let sx = left + bw * split as f64;
    let _ = write!(
        out,
        "<line class=\"split\" x1=\"{sx:.1}\" y1=\"{TOP}\" x2=\"{sx:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\">short | long</text>",
        TOP + plot_h,
        sx - 30.0,
        TOP - 6.0
    );
    (height, out)
}

/// A real date axis: x by day between the first and last date, and a gap
/// wherever two consecutive points are further apart than the shortest step
/// between any two periods.
struct DateAxis {
    first: NaiveDate,
    days: f64,
    period: i64,
    left: f64,
    span: f64,
}

impl DateAxis {
    /// The axis over `labels` when every one is an ISO date (at least two).
    fn of<'a>(labels: impl IntoIterator<Item = &'a str>, left: f64, span: f64) -> Option<Self> {
        let mut dates = dates(labels)?;
        dates.sort();
        dates.dedup();
        let (first, last) = (*dates.first()?, *dates.last()?);
        let period = dates.windows(2).map(|w| (w[1] - w[0]).num_days()).min()?;
        Some(DateAxis {
            first,
            days: ((last - first).num_days() as f64).max(1.0),
            period,
            left,
            span,
        })
    }

    fn x(&self, d: NaiveDate) -> f64 {
        self.left + self.span * (d - self.first).num_days() as f64 / self.days
    }

    /// Per date (in order), whether the line breaks before it.
    fn breaks(&self, dates: &[NaiveDate]) -> Vec<bool> {
        std::iter::once(false)
            .chain(
                dates
                    .windows(2)
                    .map(|w| (w[1] - w[0]).num_days() > self.period),
            )
            .collect()
    }
}

fn dates<'a>(labels: impl IntoIterator<Item = &'a str>) -> Option<Vec<NaiveDate>> {
    labels
        .into_iter()
        .map(|l| NaiveDate::parse_from_str(l, "%Y-%m-%d").ok())
        .collect()
}

/// x positions of the points: by date when every label is a date (so gaps
/// in the data stay gaps), else evenly spaced; and where the line breaks.
fn trend_positions(points: &[RateBar], left: f64, span: f64) -> (Vec<f64>, Vec<bool>) {
    let labels = || points.iter().map(|p| p.label.as_str());
    match (DateAxis::of(labels(), left, span), dates(labels())) {
        (Some(axis), Some(dates)) => (
            dates.iter().map(|d| axis.x(*d)).collect(),
            axis.breaks(&dates),
        ),
        _ => {
            let step = span / (points.len().max(2) - 1) as f64;
            (
                (0..points.len()).map(|i| left + step * i as f64).collect(),
                vec![false; points.len()],
            )
        }
    }
}

/// Polylines through `coords`, one per run between breaks (a gap in the
/// data is a gap in the line).
fn broken_line(out: &mut String, coords: &[(f64, f64)], breaks: &[bool]) {
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for ((x, y), brk) in coords.iter().zip(breaks) {
        if *brk {
            runs.push(Vec::new());
        }
        if let Some(run) = runs.last_mut() {
            run.push(format!("{x:.1},{y:.1}"));
        }
    }
    for run in runs.iter().filter(|r| r.len() > 1) {
        let _ = write!(
            out,
            "<polyline class=\"mark line\" points=\"{}\"/>",
            run.join(" ")
        );
    }
}

fn trend(points: &[RateBar]) -> (f64, String) {
    let (height, plot_h, left) = (240.0, 180.0, 40.0);
    let y_of = |v: f64| TOP + plot_h * (1.0 - v.clamp(0.0, 1.0));
    let mut out = String::new();
    for tick in [0.0, 0.5, 1.0] {
        let y = y_of(tick);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - 20.0,
            left - 4.0,
            y + 4.0,
            pct(tick)
        );
    }
    let (xs, breaks) = trend_positions(points, left, WIDTH - left - 30.0);
    let coords: Vec<(f64, f64)> = points
        .iter()
        .zip(&xs)
        .map(|(p, x)| (*x, y_of(p.value)))
        .collect();
    broken_line(&mut out, &coords, &breaks);
    let label_every = points.len().div_ceil(8).max(1);
    for (i, (p, (x, y))) in points.iter().zip(&coords).enumerate() {
        if let Some((lo, hi)) = p.interval {
            let _ = write!(
                out,
                "<line class=\"whisker\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>",
                y_of(lo),
                y_of(hi)
            );
        }
        let _ = write!(
            out,
            "<circle class=\"mark dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"><title>{}</title></circle>",
            esc(&format!("{}: {} ({})", p.label, pct(p.value), p.note))
        );
        if i % label_every == 0 {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                TOP + plot_h + 16.0,
                esc(&short_label(&p.label))
            );
        }
    }
    (height, out)
}

const LANE_H: f64 = 36.0;

/// One lane per key on a shared date axis: a rate line (0–100 % within the
/// lane, broken where a period has no point) or count bars scaled to the
/// chart's largest count.
fn lanes(unit: LaneUnit, periods: &[String], rows: &[Lane]) -> (f64, String) {
    let height = TOP + LANE_H * rows.len() as f64 + 24.0;
    let mut out = String::new();
    let Some(axis) = DateAxis::of(periods.iter().map(String::as_str), LABEL_W, PLOT_W) else {
        return (height, out);
    };
    let inner = LANE_H - 10.0;
    let max = rows
        .iter()
        .flat_map(|l| &l.points)
        .map(|p| p.value)
        .fold(0.0, f64::max)
        .max(1.0);
    let scale = match unit {
        LaneUnit::Rate => "each row: 0% (bottom) to 100% (top)".to_string(),
        LaneUnit::Count => format!("each row: bar height = count (tallest {max})"),
    };
    let _ = write!(
        out,
        "<text class=\"axis\" x=\"{LABEL_W}\" y=\"12\">{}</text>",
        esc(&scale)
    );
    let bottom = TOP + LANE_H * rows.len() as f64;
    let every = periods.len().div_ceil(7).max(1);
    for (d, label) in dates(periods.iter().map(String::as_str))
        .unwrap_or_default()
        .iter()
        .zip(periods)
        .step_by(every)
    {
        let x = axis.x(*d);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/><text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\"><title>{}</title>{}</text>",
            bottom + 14.0,
            esc(label),
            d.format("%d %b")
        );
    }
    let bar_w = (PLOT_W / periods.len().max(1) as f64 * 0.7).clamp(2.0, 14.0);
    for (i, lane) in rows.iter().enumerate() {
        let top = TOP + LANE_H * i as f64;
        let base = top + 4.0 + inner;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LABEL_W}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\"/><text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL_W + PLOT_W,
            LABEL_W - 6.0,
            top + LANE_H / 2.0 + 4.0,
            esc(&short_label(&lane.label))
        );
        let mut points: Vec<(NaiveDate, &RateBar)> = lane
            .points
            .iter()
            .filter_map(|p| Some((dates([p.label.as_str()])?[0], p)))
            .collect();
        points.sort_by_key(|(d, _)| *d);
        let title = |p: &RateBar| esc(&format!("{}, {}: {}", lane.label, p.label, p.note));
        match unit {
            LaneUnit::Rate => {
                let coords: Vec<(f64, f64)> = points
                    .iter()
                    .map(|(d, p)| (axis.x(*d), base - inner * p.value.clamp(0.0, 1.0)))
                    .collect();
                let days: Vec<NaiveDate> = points.iter().map(|(d, _)| *d).collect();
                broken_line(&mut out, &coords, &axis.breaks(&days));
                for ((x, y), (_, p)) in coords.iter().zip(&points) {
                    let _ = write!(
                        out,
                        "<circle class=\"mark dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"><title>{}</title></circle>",
                        title(p)
                    );
                }
            }
            LaneUnit::Count => {
                for (d, p) in &points {
                    let h = (inner * p.value / max).max(1.0);
                    let _ = write!(
                        out,
                        "<rect class=\"mark count\" x=\"{:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\"><title>{}</title></rect>",
                        axis.x(*d) - bar_w / 2.0,
                        base - h,
                        title(p)
                    );
                }
            }
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL_W + PLOT_W + 8.0,
            top + LANE_H / 2.0 + 4.0,
            esc(&lane.note)
        );
    }
    (height, out)
}

fn stacked(legend: &[String], rows: &[(String, Vec<u64>)]) -> (f64, String) {
    let height = TOP + ROW_H * rows.len() as f64 + 30.0;
    let mut out = String::new();
    for (i, name) in legend.iter().enumerate() {
        let x = LABEL_W + 130.0 * i as f64;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"2\" width=\"10\" height=\"10\" fill=\"{}\"/><text class=\"axis\" x=\"{:.1}\" y=\"11\">{}</text>",
            PALETTE[i % PALETTE.len()],
            x + 14.0,
            esc(name)
        );
    }
    for (r, (label, parts)) in rows.iter().enumerate() {
        let y = TOP + ROW_H * r as f64;
        let total = parts.iter().sum::<u64>().max(1) as f64;
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 6.0,
            y + 16.0,
            esc(&short_label(label))
        );
        let mut x = LABEL_W;
        for (i, n) in parts.iter().enumerate() {
            let w = PLOT_W * *n as f64 / total;
            let name = legend.get(i).map_or("", String::as_str);
            let _ = write!(
                out,
                "<rect class=\"mark\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}</title></rect>",
                y + 4.0,
                ROW_H - 8.0,
                PALETTE[i % PALETTE.len()],
                esc(&format!("{label}: {n} {name}"))
            );
            if w >= 30.0 {
                let _ = write!(
                    out,
                    "<text class=\"inbar\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    x + w / 2.0,
                    y + 16.0,
                    pct(*n as f64 / total)
                );
            }
            x += w;
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">n = {}</text>",
            LABEL_W + PLOT_W + 8.0,
            y + 16.0,
            parts.iter().sum::<u64>()
        );
    }
    (height, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> RateBar {
        RateBar {
            label: label.to_string(),
            value,
            interval: Some((0.0, 0.3)),
            note: "0/9".to_string(),
        }
    }

    #[test]
    fn zero_rates_still_draw_a_mark_and_labels_are_escaped_and_cut() {
        let chart = Chart {
            title: "<b>t</b>".into(),
            kind: ChartKind::RateBars(vec![bar(
                "<script>x</script> a very long agent name indeed",
                0.0,
            )]),
        };
        let svg = render(&chart);
        assert!(svg.contains("class=\"mark bar\""));
        assert!(svg.contains("width=\"1.5\""), "{svg}");
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains('…'));
        assert!(svg.contains("class=\"whisker\""));
    }

    #[test]
    fn histogram_marks_the_split_and_trend_draws_points() {
        let hist = render(&Chart {
            title: "h".into(),
            kind: ChartKind::Histogram {
                bins: vec![
                    ("0–60 s".into(), 3),
                    ("60–120 s".into(), 0),
                    ("≥ 120 s".into(), 5),
                ],
                split: 2,
            },
        });
        assert_eq!(hist.matches("class=\"mark short\"").count(), 2);
        assert_eq!(hist.matches("class=\"mark long\"").count(), 1);
        assert!(hist.contains("class=\"split\""));
        let trend = render(&Chart {
            title: "t".into(),
            kind: ChartKind::Trend(vec![bar("d1", 0.2), bar("d2", 0.4)]),
        });
        assert_eq!(trend.matches("class=\"mark dot\"").count(), 2);
        assert!(trend.contains("class=\"mark line\""));
    }

    #[test]
    fn a_date_axis_leaves_missing_weeks_as_a_gap_and_every_chart_has_axis_titles() {
        let weeks = ["2026-03-02", "2026-03-09", "2026-03-30", "2026-04-06"];
        let trend = render(&Chart {
            title: "w".into(),
            kind: ChartKind::Trend(weeks.iter().map(|w| bar(w, 0.3)).collect()),
        });
        assert_eq!(trend.matches("class=\"mark line\"").count(), 2, "{trend}");
        assert_eq!(trend.matches("class=\"mark dot\"").count(), 4);
        assert!(trend.contains(">date</text>") && trend.contains(">rate</text>"));
        let stacked = render(&Chart {
            title: "s".into(),
            kind: ChartKind::Stacked {
                legend: vec!["yes".into(), "no".into()],
                rows: vec![("a".into(), vec![3, 1])],
            },
        });
        assert!(
            stacked.contains(">75%</text>") && stacked.contains(">25%</text>"),
            "{stacked}"
        );
        assert!(stacked.contains(">share of calls</text>"));
    }

    #[test]
    fn lanes_share_a_date_axis_break_at_missing_weeks_and_scale_counts() {
        let periods: Vec<String> = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let lane = |label: &str, weeks: &[usize], value: f64| Lane {
            label: label.into(),
            note: "all".into(),
            points: weeks.iter().map(|w| bar(&periods[*w], value)).collect(),
        };
        let rates = render(&Chart {
            title: "r".into(),
            kind: ChartKind::Lanes {
                unit: LaneUnit::Rate,
                periods: periods.clone(),
                lanes: vec![
                    lane("Ann", &[0, 1, 3], 0.5),
                    lane("<Bo>", &[0, 1, 2, 3], 0.2),
                ],
            },
        });
        assert_eq!(rates.matches("class=\"mark line\"").count(), 2, "{rates}");
        assert_eq!(rates.matches("class=\"mark dot\"").count(), 7);
        assert!(rates.contains("&lt;Bo&gt;") && rates.contains(">09 Mar<"));
        assert!(rates.contains(">week (starting on Monday)</text>"));
        let counts = render(&Chart {
            title: "c".into(),
            kind: ChartKind::Lanes {
                unit: LaneUnit::Count,
                periods: periods.clone(),
                lanes: vec![lane("price", &[0, 3], 4.0)],
            },
        });
        assert_eq!(counts.matches("class=\"mark count\"").count(), 2);
        assert!(
            counts.contains("height=\"26.0\""),
            "the tallest fills its lane"
        );
    }
}

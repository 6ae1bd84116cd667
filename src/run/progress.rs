//! What a run shows while it works, offline and LLM alike: calls done out
//! of the total (counted before the run starts), cached and failed calls,
//! the rate, the time left, the money spent and the estimate to finish. On
//! a terminal a bar on stderr; otherwise one plain line on stderr at the
//! start, every few seconds, and when the analysis ends.

use std::io::Write;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::writer::RunCounts;

/// Where progress goes, resolved from `--quiet` and whether stderr is a
/// terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    Hidden,
    /// A bar redrawn in place.
    Bar,
    /// Plain log lines (stderr is a file or a pipe).
    Lines,
}

/// Time between two plain lines.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// What the run's analyzer costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// The offline analyzer.
    Free,
    /// An LLM whose price is known.
    Priced,
    /// An LLM without a price (add it under `[llm.prices]`).
    Unpriced,
}

/// Money spent by the calls analysed so far.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Money {
    /// The offline analyzer costs nothing.
    Free,
    Known(f64),
    /// The model's price is unknown.
    Unknown,
}

/// The progress of one run's analysis.
pub struct Progress {
    total: Option<u64>,
    started: Instant,
    last_line: Instant,
    money: Money,
    view: View,
}

enum View {
    Hidden,
    Bar(ProgressBar),
    Lines,
}

impl Progress {
    /// `total`: the calls the run will go through, when counted.
    pub fn new(mode: ProgressMode, total: Option<u64>, billing: Billing) -> Self {
        let view = match mode {
            ProgressMode::Hidden => View::Hidden,
            ProgressMode::Lines => View::Lines,
            ProgressMode::Bar => {
                let bar = total.map_or_else(ProgressBar::no_length, ProgressBar::new);
                bar.set_draw_target(ProgressDrawTarget::stderr());
                if let Ok(style) = ProgressStyle::with_template("{bar:30} {msg}") {
                    bar.set_style(style);
                }
                View::Bar(bar)
            }
        };
        let now = Instant::now();
        let progress = Progress {
            total,
            started: now,
            last_line: now,
            money: match billing {
                Billing::Free => Money::Free,
                Billing::Priced => Money::Known(0.0),
                Billing::Unpriced => Money::Unknown,
            },
            view,
        };
        if let View::Lines = progress.view {
            log_line(&progress.line(&RunCounts::default()));
        }
        progress
    }

    /// The cost of one answered or failed call (`None`: nothing billed).
    pub fn spend(&mut self, cost_usd: Option<f64>) {
        if let (Money::Known(spent), Some(cost)) = (&mut self.money, cost_usd) {
            *spent += cost;
        }
    }

    /// Shows the counts: the bar at once, a plain line every few seconds.
    pub fn tick(&mut self, counts: &RunCounts) {
        match &self.view {
            View::Hidden => {}
            View::Bar(bar) => {
                bar.set_position(processed(counts));
                bar.set_message(self.line(counts));
            }
            View::Lines => {
                if self.last_line.elapsed() >= LINE_EVERY {
                    self.last_line = Instant::now();
                    log_line(&self.line(counts));
                }
            }
        }
    }

    /// The analysis is over: the last counts, shown whatever the time.
    /// The total is now known exactly (the count before the run may have
    /// included rows then skipped as unusable).
    pub fn finish(&mut self, counts: &RunCounts) {
        if self.total.is_some() {
            self.total = Some(processed(counts) + counts.calls_pending);
        }
        let line = self.line(counts);
        match &self.view {
            View::Hidden => {}
            View::Bar(bar) => {
                if let Some(total) = self.total {
                    bar.set_length(total);
                }
                bar.set_position(processed(counts));
                bar.finish_with_message(line);
            }
            View::Lines => log_line(&format!("{line}; writing the report and exports")),
        }
    }

    /// `412/1,000 calls, 120 cached, 3 failed, 38.2 calls/s, 15 s left,
    /// $0.0123 spent, ~$0.0301 to finish`.
    fn line(&self, c: &RunCounts) -> String {
        let done = processed(c);
        let total = self
            .total
            .map_or_else(String::new, |t| format!("/{}", thousands(t)));
        let mut line = format!(
            "{}{total} calls, {} cached, {} failed",
            thousands(done),
            thousands(c.calls_cached),
            thousands(c.calls_failed)
        );
        let analysed = c.calls_analyzed + c.calls_failed;
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = analysed as f64 / elapsed.max(1e-3);
        let left = self.total.map(|t| t.saturating_sub(done));
        if analysed > 0 {
            line += &format!(", {rate:.1} calls/s");
            if let Some(left) = left {
                line += &format!(", {} left", duration(left as f64 / rate));
            }
        }
        match self.money {
            Money::Free => {}
            Money::Unknown => line += ", cost unknown",
            Money::Known(spent) => {
                line += &format!(", ${spent:.4} spent");
                if let (Some(left), true) = (left, analysed > 0) {
                    let to_finish = spent / analysed as f64 * left as f64;
                    line += &format!(", ~${to_finish:.4} to finish");
                }
            }
        }
        line
    }
}

/// One plain progress line on stderr, where the bar would draw; a closed
/// stderr is no reason to fail the run.
fn log_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "progress: {line}");
}

/// Calls gone through: analysed, cached or failed.
fn processed(c: &RunCounts) -> u64 {
    c.calls_analyzed + c.calls_cached + c.calls_failed
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as `42 s`, `3.5 min` or `2.1 h`.
pub fn duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_total_cached_rate_and_money() {
        let mut p = Progress::new(ProgressMode::Hidden, Some(1000), Billing::Priced);
        p.spend(Some(0.5));
        p.spend(None);
        let counts = RunCounts {
            calls_analyzed: 100,
            calls_cached: 200,
            calls_failed: 0,
            ..RunCounts::default()
        };
        let line = p.line(&counts);
        assert!(
            line.starts_with("300/1,000 calls, 200 cached, 0 failed, "),
            "{line}"
        );
        assert!(line.contains("calls/s, "), "{line}");
        assert!(
            line.ends_with("$0.5000 spent, ~$3.5000 to finish"),
            "{line}"
        );
        let unpriced = Progress::new(ProgressMode::Hidden, None, Billing::Unpriced);
        assert!(unpriced.line(&counts).ends_with("cost unknown"));
        let offline = Progress::new(ProgressMode::Hidden, None, Billing::Free);
        assert_eq!(
            offline.line(&RunCounts::default()),
            "0 calls, 0 cached, 0 failed"
        );
    }

    #[test]
    fn numbers_read_easily() {
        assert_eq!(thousands(2_785_074), "2,785,074");
        assert_eq!(thousands(999), "999");
        assert_eq!(duration(42.0), "42 s");
        assert_eq!(duration(210.0), "3.5 min");
    }
}

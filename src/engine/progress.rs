//! The progress bar: done / cached / failed, calls per second, ETA, cost.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    cached: u64,
    done: u64,
    failed: u64,
}

impl Progress {
    /// `total`: calls to analyse, when known; `cached`: calls skipped
    /// because the store already has them; `visible`: draw on stderr.
    pub fn new(total: Option<u64>, cached: u64, visible: bool) -> Self {
        let bar = match total {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::no_length(),
        };
        if visible {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let template = "{bar:30} {pos}/{len} {per_sec} eta {eta} {msg}";
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        let p = Progress {
            bar,
            cached,
            done: 0,
            failed: 0,
        };
        p.refresh(None);
        p
    }

    pub fn record(&mut self, ok: bool, cost_usd: Option<f64>) {
        if ok {
            self.done += 1;
        } else {
            self.failed += 1;
        }
        self.bar.inc(1);
        self.refresh(cost_usd);
    }

    fn refresh(&self, cost_usd: Option<f64>) {
        let cost = cost_usd.map_or_else(|| "cost unknown".to_string(), |c| format!("${c:.4}"));
        self.bar.set_message(format!(
            "done {} | cached {} | failed {} | {cost}",
            self.done, self.cached, self.failed
        ));
    }

    pub fn finish(&self) {
        self.bar.finish();
    }
}

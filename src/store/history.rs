//! What earlier runs into this folder spent and learned, read from their
//! recorded figures (`runs.stats_json`, as in `run.json`): the money spent
//! across runs, for `[llm] budget_total_usd`, and per analyzer the token
//! usage estimated against reported (which corrects the next estimate) and
//! the pace of its latest run (for the dry run's time). A run that never
//! recorded its figures (killed) is not counted.

use serde::Deserialize;

use super::{Result, Store};
use crate::engine::Calibration;

/// The figures of one recorded run that later runs use.
#[derive(Debug, Default, Deserialize)]
struct Recorded {
    #[serde(default)]
    cost_usd: Option<f64>,
    #[serde(default)]
    requests: u64,
    #[serde(default)]
    wall_s: f64,
    #[serde(default)]
    calibration: Calibration,
}

/// What the earlier runs of one analyzer tell the next.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct History {
    /// Their answers' estimated against reported tokens, summed.
    pub calibration: Calibration,
    /// Requests per minute of the latest run that sent any.
    pub requests_per_minute: Option<f64>,
}

impl Store {
    /// Every recorded run's figures, oldest first, with its analyzer.
    fn recorded(&self) -> Result<Vec<(String, Recorded)>> {
        let mut stmt = self.conn.prepare(
            "SELECT analyzer, stats_json FROM runs WHERE stats_json IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (analyzer, json) = row?;
            // A record from an older version without these figures counts
            // as nothing rather than failing the run.
            out.push((analyzer, serde_json::from_str(&json).unwrap_or_default()));
        }
        Ok(out)
    }

    /// USD spent by every recorded run into this folder.
    pub fn spent_usd(&self) -> Result<f64> {
        Ok(self
            .recorded()?
            .iter()
            .filter_map(|(_, r)| r.cost_usd)
            .sum())
    }

    /// What the earlier runs of `analyzer` tell the next one.
    pub fn history(&self, analyzer: &str) -> Result<History> {
        let mut history = History::default();
        for (_, r) in self.recorded()?.iter().filter(|(a, _)| a == analyzer) {
            history.calibration.merge(&r.calibration);
            if r.requests > 0 && r.wall_s > 0.0 {
                history.requests_per_minute = Some(r.requests as f64 * 60.0 / r.wall_s);
            }
        }
        Ok(history)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn sums_spend_and_calibration_of_recorded_runs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("db")).expect("store");
        let config = Config::default();
        let run = |analyzer: &str, json: serde_json::Value| {
            let id = store.begin_run(analyzer, "in", &config).expect("run");
            store.finish_run(id, &json).expect("finish");
        };
        let cal = serde_json::json!({"answers": 5, "estimated_in": 1000,
            "reported_in": 500, "reported_out": 100});
        run(
            "g",
            serde_json::json!({"cost_usd": 0.25, "requests": 10, "wall_s": 60.0, "calibration": cal}),
        );
        run(
            "g",
            serde_json::json!({"cost_usd": 0.5, "requests": 30, "wall_s": 60.0, "calibration": cal}),
        );
        run("heuristic", serde_json::json!({"cost_usd": 0.0}));
        store.begin_run("g", "killed", &config).expect("run");
        assert!((store.spent_usd().expect("spent") - 0.75).abs() < 1e-12);
        let h = store.history("g").expect("history");
        assert_eq!(h.calibration.answers, 10);
        assert!((h.calibration.input_ratio() - 0.5).abs() < 1e-12);
        assert_eq!(h.requests_per_minute, Some(30.0));
        assert_eq!(store.history("o").expect("none"), History::default());
    }
}

//! Statistics and report over the real PersuasionForGood calls: the overall
//! and per-agent donation rates must match a direct count of the data.

use std::collections::BTreeMap;

use callscope::config::{AnalysisConfig, Config};
use callscope::metrics::Metrics;
use callscope::model::{Call, Outcome};
use callscope::report::{ReportContext, render_markdown};
use callscope::stats::row::CallRow;
use callscope::stats::{Dimension, Rate, summarize};

const CALLS: &str = "data/persuasionforgood/calls.csv";

/// (call id, agent, donated) for every row of the data.
fn records() -> Vec<(String, String, bool)> {
    let mut reader = csv::Reader::from_path(CALLS).expect("persuasionforgood calls.csv readable");
    let headers = reader.headers().expect("header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .expect("column present")
    };
    let (id, agent, outcome) = (col("call_id"), col("agent"), col("outcome"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("valid csv row");
            (
                r[id].to_string(),
                r[agent].to_string(),
                &r[outcome] == "donated",
            )
        })
        .collect()
}

fn row((id, agent, donated): &(String, String, bool)) -> CallRow {
    CallRow {
        call: Call {
            id: id.clone(),
            started_at: None,
            agent: Some(agent.clone()),
            team: None,
            duration_s: None,
            disposition: Some(if *donated { "donated" } else { "no_donation" }.to_string()),
            outcome: if *donated {
                Outcome::Converted
            } else {
                Outcome::NotConverted
            },
            legs: Vec::new(),
            attributes: BTreeMap::new(),
        },
        metrics: Metrics::default(),
        analysis: None,
    }
}

fn config() -> Config {
    Config {
        analysis: AnalysisConfig {
            short_call_threshold_s: 300.0,
            min_group_size: 10,
            ..AnalysisConfig::default()
        },
        ..Config::default()
    }
}

#[test]
fn overall_and_per_agent_donation_rates_match_the_data() {
    let data = records();
    let s = summarize(data.iter().map(row), &config());
    let donated = data.iter().filter(|r| r.2).count() as u64;
    assert_eq!(s.totals.calls, data.len() as u64);
    assert_eq!(
        s.totals.all.conversion,
        Rate::new(donated, data.len() as u64)
    );
    assert_eq!(s.totals.not_analysed, data.len() as u64);
    // Unanalysed calls are never short or long.
    assert_eq!(s.totals.all.short.n, 0);

    let mut expected: BTreeMap<&str, Rate> = BTreeMap::new();
    for (_, agent, d) in &data {
        expected.entry(agent.as_str()).or_default().record(*d);
    }
    let agents = s.groups(&Dimension::Agent);
    assert_eq!(agents.len(), expected.len());
    for g in agents {
        assert_eq!(
            Some(&g.conversion),
            expected.get(g.key.as_str()),
            "agent {}",
            g.key
        );
        assert_eq!(g.rank.is_some(), g.conversion.n >= 10);
    }
}

#[test]
fn report_prints_the_exact_rates() {
    let data = records();
    let s = summarize(data.iter().map(row), &config());
    let md = render_markdown(
        &s,
        &ReportContext {
            title: "PersuasionForGood".into(),
            generated_at: "fixed".into(),
            input_name: "persuasionforgood".into(),
            analyzer: "none".into(),
        },
    );
    let donated = data.iter().filter(|r| r.2).count();
    let overall = format!("({donated}/{}, 95% CI ", data.len());
    assert!(md.contains(&overall), "overall rate {overall} missing");
    // The most active agent's table row shows its exact count.
    let top = s.groups(&Dimension::Agent).first().expect("agents");
    let cell = format!(
        "| {} | {} | {:.0}% ({}/{}; ",
        top.key.replace('_', "\\_"),
        top.calls,
        top.conversion.value().unwrap_or(0.0) * 100.0,
        top.conversion.hits,
        top.conversion.n
    );
    assert!(md.contains(&cell), "row {cell} missing");
    // The summary is JSON-serialisable (it is handed to an LLM later).
    let json = serde_json::to_string(&s).expect("summary serialises");
    assert!(json.contains("\"agent\""));
}

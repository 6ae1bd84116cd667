//! The statistics and the report over a small hand-built set of calls with
//! planted patterns: summary figures, Markdown snapshot, empty input, hostile
//! text escaping, and the HTML rendered in headless Chromium.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use callscope::analyze::insight::{
    EngagementLevel, NonCompliance, NonComplianceReason, ObjectionAnalysis, Quote, RebuttalQuality,
    ScriptCompliance, SectionScore,
};
use callscope::analyze::{Analysis, Insight, Provenance};
use callscope::config::Config;
use callscope::metrics::Metrics;
use callscope::model::{Call, CallTime, Leg, Outcome, Transcript};
use callscope::report::{ReportContext, build_document, render_html, render_markdown};
use callscope::stats::Summary;
use callscope::stats::row::CallRow;
use callscope::stats::{ComparisonDetail, Dimension, NumericFeature, Rate, Target, summarize};

const HOSTILE_SCRIPT: &str = "<script>document.title='PWNED'</script>";
const HOSTILE_SVG: &str = "<svg onload=\"document.title='PWNED'\">";
const HOSTILE_LINK: &str =
    "[click](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a> </textarea>";
const SECTIONS: [&str; 5] = ["opening", "discovery", "pitch", "value", "close"];

/// Parsed from TOML so the fixture keeps working when the config gains fields.
fn config() -> Config {
    let sections: String = SECTIONS
        .iter()
        .map(|id| {
            format!(
                "[[playbook.sections]]\nid = \"{id}\"\nname = \"{} step\"\nphrases = [\"{id}\"]\n",
                id.to_uppercase()
            )
        })
        .collect();
    let toml = format!(
        "[analysis]\nshort_call_threshold_s = 300.0\nmin_group_size = 5\n\n[playbook]\n{sections}\
         [[playbook.objections]]\nid = \"price\"\nname = \"Price too high\"\nphrases = [\"price\"]\n\
         [[playbook.objections]]\nid = \"busy\"\nname = \"Too busy\"\nphrases = [\"busy\"]\n"
    );
    Config::parse(&toml, "fixture").expect("fixture config parses")
}

fn quote(text: &str) -> Quote {
    Quote {
        text: text.to_string(),
        turn: Some(3),
        grounded: Some(true),
    }
}

fn leg(name: &str, agent: &str) -> Leg {
    Leg {
        name: name.to_string(),
        agent: Some(agent.to_string()),
        duration_s: None,
        transcript: Transcript::default(),
    }
}

/// Agent, whether the call converts, for call `i` of 36.
fn plan(i: usize) -> (&'static str, bool) {
    match i {
        0..=15 => ("Maria Lopez", !i.is_multiple_of(4)),
        16..=31 => ("Tom Reed", i.is_multiple_of(5)),
        _ => ("Ann | Pipe", i == 32),
    }
}

fn insight(i: usize, converted: bool, short: bool) -> Insight {
    let script = ScriptCompliance {
        sections: SECTIONS
            .iter()
            .enumerate()
            .map(|(k, s)| SectionScore {
                section: s.to_string(),
                attempted: converted || k < 2,
                score_pct: if converted || k < 2 {
                    85.0 - 5.0 * k as f64
                } else {
                    0.0
                },
                evidence: None,
            })
            .collect(),
        overall_pct: if converted { 80.0 } else { 30.0 },
        followed_sequence: converted,
        sequence_deviations: Vec::new(),
        non_compliance: (!converted).then(|| NonCompliance {
            reason: if short {
                NonComplianceReason::CustomerHungUpImmediately
            } else {
                NonComplianceReason::AgentSkippedSections
            },
            details: None,
            proof: Some(quote("No thanks, not interested.")),
        }),
        strongest_sections: vec!["opening".into()],
        weakest_sections: vec!["close".into()],
        best_practice_quote: converted.then(|| quote("What matters most to you in a supplier?")),
        improvement_quote: None,
    };
    let mut objections = Vec::new();
    if i.is_multiple_of(3) {
        objections.push(ObjectionAnalysis {
            kind: "price".into(),
            customer_quote: quote("That sounds expensive."),
            rebuttal_attempted: converted,
            rebuttal_quality: if converted { RebuttalQuality::Good } else { RebuttalQuality::None },
            agent_rebuttal: converted.then(|| quote("I hear you; most clients recover it in a month. What budget did you have in mind?")),
            followed_avq: converted,
            returned_to_script: converted,
            section_returned_to: None,
            phase: None,
        });
    }
    if i == 1 {
        objections.push(ObjectionAnalysis {
            kind: "busy".into(),
            customer_quote: quote(HOSTILE_SCRIPT),
            rebuttal_attempted: true,
            rebuttal_quality: RebuttalQuality::Partial,
            agent_rebuttal: Some(quote(HOSTILE_SVG)),
            followed_avq: false,
            returned_to_script: true,
            section_returned_to: None,
            phase: None,
        });
    }
    Insight {
        engagement: Some(if converted {
            EngagementLevel::High
        } else {
            EngagementLevel::Low
        }),
        agent_rating: Some(if converted { 8 } else { 4 }),
        opener_quality: i.is_multiple_of(2).then_some(6),
        opener_issues: if i % 4 == 2 {
            vec!["Did not confirm the decision maker".into()]
        } else {
            Vec::new()
        },
        early_termination: short.then(|| "not_interested".into()),
        success_factors: if converted {
            vec!["Asked about needs early".into()]
        } else {
            Vec::new()
        },
        objections,
        script: Some(script),
        notable_quotes: if i == 1 {
            vec![quote(HOSTILE_LINK)]
        } else {
            Vec::new()
        },
        proof_of_issue: (!converted && short).then(|| quote("I'm busy, call me later.")),
        proof_of_success: if i == 1 {
            Some(quote(HOSTILE_LINK))
        } else {
            converted.then(|| quote("Yes, let's set that up."))
        },
        transferable_technique: converted.then(|| "Tie the price to a monthly saving".into()),
        ..Insight::default()
    }
}

fn row(i: usize) -> CallRow {
    let (agent, converted) = plan(i);
    let duration = if converted {
        400.0 + 10.0 * i as f64
    } else {
        90.0 + i as f64
    };
    let outcome = match (i, converted) {
        (33, _) => Outcome::Unknown,
        (_, true) => Outcome::Converted,
        (_, false) => Outcome::NotConverted,
    };
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1 + (i % 3) as u32).expect("valid date");
    let started = day
        .and_hms_opt(9 + (i % 8) as u32, 0, 0)
        .expect("valid time");
    let mut legs = vec![leg("closer", agent)];
    if i.is_multiple_of(2) {
        let opener = if i.is_multiple_of(4) {
            "Opener Olga"
        } else {
            "Opener Ivan"
        };
        legs.insert(0, leg("opener", opener));
    }
    let mut attributes = BTreeMap::new();
    attributes.insert("Calls Count".to_string(), (i % 7).to_string());
    attributes.insert(
        "LQ_Service".to_string(),
        ["Plumbing", "Roofing"][i % 2].to_string(),
    );
    attributes.insert("LQ_Company_Name".to_string(), format!("Company {i}"));
    let metrics = Metrics {
        turns: Some(if converted { 24 } else { 10 } + (i % 3) as u32),
        agent_questions: Some(if converted { 6 } else { 1 } + (i % 2) as u32),
        customer_questions: Some((i % 3) as u32),
        agent_talk_share_words: Some(if converted { 0.5 } else { 0.8 } + (i % 5) as f64 / 100.0),
        ..Metrics::default()
    };
    let short = duration < 300.0;
    let analysis = match i {
        34 => Some(Analysis {
            insight: None,
            provenance: Provenance {
                analyzer: "heuristic-v1".into(),
                error: Some("timed out".into()),
                ..Provenance::default()
            },
        }),
        35 => None,
        _ => Some(Analysis {
            insight: Some(insight(i, converted, short)),
            provenance: Provenance {
                analyzer: "heuristic-v1".into(),
                attempts: 1,
                ..Provenance::default()
            },
        }),
    };
    CallRow {
        call: Call {
            id: format!("call-{i:02}"),
            started_at: Some(CallTime::Local(started)),
            agent: Some(agent.to_string()),
            team: Some(
                if i.is_multiple_of(2) {
                    "North"
                } else {
                    "South"
                }
                .to_string(),
            ),
            duration_s: Some(duration),
            disposition: Some(if converted { "SALE" } else { "NI" }.to_string()),
            outcome,
            legs,
            attributes,
        },
        metrics,
        analysis,
    }
}

fn summary() -> Summary {
    summarize((0..36).map(row), &config())
}

fn context() -> ReportContext {
    ReportContext {
        title: "Call performance report".into(),
        generated_at: "2026-11-28 12:00 UTC".into(),
        input_name: "fixture.csv".into(),
        analyzer: "heuristic-v1".into(),
    }
}

#[test]
fn totals_keep_failed_and_unanalysed_calls_apart() {
    let s = summary();
    let t = &s.totals;
    assert_eq!(
        (t.calls, t.analysed, t.failed, t.not_analysed),
        (36, 34, 1, 1)
    );
    assert_eq!(t.outcome_unknown, 1);
    // Short/long only over the 34 analysed calls with a duration.
    assert_eq!(t.all.short.n, 34);
    let lengths = s.groups(&Dimension::Length);
    let keys: Vec<&str> = lengths.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["short", "long", "analysis failed", "not analysed"]);
    assert_eq!(lengths[2].calls, 1);
    assert_eq!(lengths[3].calls, 1);
}

#[test]
fn per_agent_conversion_matches_the_plan_and_small_agents_are_not_ranked() {
    let s = summary();
    let agents = s.groups(&Dimension::Agent);
    let get = |name: &str| {
        agents
            .iter()
            .find(|a| a.key == name)
            .expect("agent present")
    };
    assert_eq!(get("Maria Lopez").conversion, Rate::new(12, 16));
    assert_eq!(get("Maria Lopez").rank, Some(1));
    assert_eq!(get("Tom Reed").conversion, Rate::new(3, 16));
    // Ann: 4 calls, one unknown outcome -> 1/3, flagged small.
    let ann = get("Ann | Pipe");
    assert_eq!(ann.conversion, Rate::new(1, 3));
    assert!(ann.small);
    assert_eq!(ann.rank, None);
    let days = s.groups(&Dimension::Day);
    assert_eq!(
        days.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(),
        ["2026-11-01", "2026-11-02", "2026-11-03"]
    );
    assert_eq!(days.iter().map(|d| d.calls).sum::<u64>(), 36);
}

#[test]
fn planted_patterns_are_findings() {
    let s = summary();
    let numeric_finding = |target: Target, feature: NumericFeature| {
        s.comparisons.iter().any(|c| {
            c.finding
                && c.target == target
                && matches!(&c.detail, ComparisonDetail::Numeric(n) if n.feature == feature)
        })
    };
    assert!(numeric_finding(
        Target::Conversion,
        NumericFeature::AgentQuestions
    ));
    assert!(numeric_finding(
        Target::Conversion,
        NumericFeature::AgentTalkShareWords
    ));
    assert!(numeric_finding(
        Target::Conversion,
        NumericFeature::CompliancePct
    ));
    assert!(numeric_finding(Target::Shortness, NumericFeature::Turns));
    let agent_finding = s.comparisons.iter().any(|c| {
        c.finding
            && c.target == Target::Conversion
            && matches!(&c.detail, ComparisonDetail::Categorical(k) if k.dimension == Dimension::Agent)
    });
    assert!(agent_finding, "agent should separate conversion");
    // Customer questions are noise (i % 3) and must not be a finding.
    assert!(!numeric_finding(
        Target::Conversion,
        NumericFeature::CustomerQuestions
    ));
    // Every q is at least its p (BH never lowers a p-value).
    assert!(s.comparisons.iter().all(|c| c.q >= c.p - 1e-12));
}

#[test]
fn compliance_questions_count_objections_not_calls() {
    let s = summary();
    let c = &s.compliance;
    assert_eq!(c.assessed_calls, 34);
    // Objections: one "price" per call with i % 3 == 0 among the 34 analysed
    // calls (0..=33 -> 12), plus the "busy" objection on call 1.
    assert_eq!(c.rebutted.rate.n, 13);
    // Returned to script per objection: converted price objections + busy.
    let converted_price = (0..34).filter(|i| i % 3 == 0 && plan(*i).1).count() as u64;
    assert_eq!(
        c.returned_to_script.rate,
        Rate::new(converted_price + 1, 13)
    );
    assert_eq!(c.returned_to_script.hits[0], "call-01");
    assert_eq!(c.returned_to_script.misses[0], "call-00");
    assert_eq!(c.objections[0].id, "price");
    assert_eq!(c.objections[0].name, "Price too high");
    assert_eq!(c.sections[0].name, "OPENING step");
    let followed = (0..34).filter(|i| plan(*i).1).count() as u64;
    assert_eq!(c.followed, Rate::new(followed, 34));
}

#[test]
fn lead_quality_buckets_values_and_drops_unique_names() {
    let s = summary();
    let names: Vec<String> = s.lead_attributes().map(|g| g.dimension.label()).collect();
    assert_eq!(
        names,
        ["lead attribute Calls Count", "lead attribute LQ_Service"]
    );
    assert_eq!(s.dropped_lead_attributes, ["LQ_Company_Name"]);
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!("fixture_report_md", render_markdown(&summary(), &context()));
}

#[test]
fn empty_input_renders_a_report_that_says_there_is_no_data() {
    let s = summarize(std::iter::empty(), &config());
    let md = render_markdown(&s, &context());
    assert!(md.contains("The input holds no calls"), "{md}");
    assert!(!md.contains("NaN") && !md.contains("inf"), "{md}");
    insta::assert_snapshot!("empty_report_md", md);
    let html = render_html(&s, &context());
    assert!(html.contains("The input holds no calls"));
}

#[test]
fn hostile_text_is_escaped_in_markdown_and_html() {
    let s = summary();
    let md = render_markdown(&s, &context());
    // Escaped as `\<script\>`, which Markdown shows as text.
    let unescaped = md.replace("\\<", "");
    assert!(md.contains("\\<script\\>"), "hostile quote missing");
    assert!(!unescaped.contains("<script"), "raw script tag in markdown");
    assert!(!unescaped.contains("<svg"), "raw svg tag in markdown");
    assert!(
        !md.replace("\\]", "").contains("](javascript:"),
        "live link in markdown"
    );
    assert!(
        md.contains("Ann \\| Pipe"),
        "pipe in a cell must be escaped"
    );
    let html = render_html(&s, &context());
    assert!(!html.contains("<script"), "raw script tag in html");
    assert!(!html.contains("<svg onload"), "raw svg onload in html");
    assert!(
        !html.contains("<a href=\"javascript:"),
        "javascript link in html"
    );
    assert!(html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
    assert!(html.contains("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
}

#[test]
fn every_chart_has_marks_and_both_renderings_share_the_document() {
    let s = summary();
    let doc = build_document(&s, &context());
    let html = render_html(&s, &context());
    let charts = html.matches("<svg class=\"chart-svg\"").count();
    let doc_charts = doc
        .sections
        .iter()
        .flat_map(|x| &x.blocks)
        .filter(|b| matches!(b, callscope::report::Block::Chart(_)))
        .count();
    assert_eq!(charts, doc_charts);
    assert!(charts >= 6, "expected the six chart kinds, got {charts}");
    for svg in html.split("<svg class=\"chart-svg\"").skip(1) {
        let body = svg.split("</svg>").next().unwrap_or("");
        assert!(body.contains("class=\"mark"), "chart without marks: {body}");
    }
    let md = render_markdown(&s, &context());
    assert_eq!(md.matches("**Chart: ").count(), doc_charts);
}

/// Chromium's flags for a quiet, offline, headless run.
fn chromium(profile: &Path) -> Command {
    let mut cmd = Command::new("/usr/bin/chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1200,3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

#[test]
fn html_report_renders_in_headless_chromium_without_errors_and_inert_hostile_text() {
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: run scripts/test, which installs it"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("report.html");
    std::fs::write(&page, render_html(&summary(), &context())).expect("write html");
    let url = format!("file://{}", page.display());

    let dump = chromium(&dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium --dump-dom");
    let dom = String::from_utf8_lossy(&dump.stdout);
    let log = String::from_utf8_lossy(&dump.stderr);
    assert!(dump.status.success(), "chromium failed: {log}");
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(
        dom.contains("<title>Call performance report</title>"),
        "title changed"
    );
    assert!(!dom.contains("PWNED</title>"));
    assert!(
        !dom.contains("<script"),
        "a script element exists in the DOM"
    );
    assert!(
        !dom.contains("<svg onload"),
        "an onload attribute exists in the DOM"
    );
    assert!(
        dom.contains("&lt;svg onload="),
        "hostile rebuttal not shown as text"
    );
    assert!(
        !dom.contains("<a href=\"javascript:"),
        "a javascript link exists in the DOM"
    );
    let charts: Vec<&str> = dom.split("class=\"chart-svg\"").skip(1).collect();
    assert!(charts.len() >= 6);
    for chart in charts {
        let body = chart.split("</svg>").next().unwrap_or("");
        assert!(body.contains("class=\"mark"), "empty chart in the DOM");
    }

    let png = dir.path().join("report.png");
    let shot = chromium(&dir.path().join("profile-shot"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .expect("run chromium --screenshot");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let size = std::fs::metadata(&png).expect("screenshot written").len();
    assert!(size > 10_000, "screenshot too small: {size} bytes");
}

#[test]
fn an_llm_narrative_adds_to_one_sections_paragraphs_in_both_renderings() {
    let ctx = context();
    let mut doc = build_document(&summary(), &ctx);
    let agents = doc
        .sections
        .iter_mut()
        .find(|s| s.id == "agents")
        .expect("agents section");
    agents.add_narrative(vec!["Maria <b>leads</b>.".into()]);
    let md = callscope::report::render_document_markdown(&doc, &ctx);
    let html = callscope::report::render_document_html(&doc, &ctx);
    assert!(md.contains("Maria \\<b\\>leads\\</b\\>."));
    assert!(
        md.contains("3 agents; 2 have enough calls"),
        "the computed paragraph stays"
    );
    assert!(md.contains("| Maria Lopez | 16 |"), "tables stay");
    assert!(md.contains("narrative written by an LLM from the figures in: Agents"));
    assert!(html.contains("<section id=\"agents\" data-narrative=\"llm\">"));
    assert!(html.contains("<p>Maria &lt;b&gt;leads&lt;/b&gt;.</p>"));
}

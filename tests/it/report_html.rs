//! The HTML report through the binary and headless Chromium: every call id
//! it mentions links to an anchor that exists (the cited call's transcript
//! or its entry in the list past the limit), also at a 420-px phone width,
//! where the page has no horizontal scroll (tables and charts scroll in
//! their own box) and no chart text renders below 9 px; the weekly trends
//! are lane charts per agent and objection kind; every ranked agent has a coaching section linked from
//! the agents table.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::report_findings::analyze;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo_ids() -> BTreeSet<String> {
    let mut rdr = csv::Reader::from_path(root().join("examples/demo-calls.csv")).unwrap();
    rdr.records().map(|r| r.unwrap()[0].to_string()).collect()
}

/// A page (not the report: its CSP forbids scripts) that loads the report in
/// a 420-px frame and writes what it measures into its own body.
const PROBE: &str = r##"<!DOCTYPE html><html><body>
<iframe id="f" src="report.html" style="width:420px;height:900px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('f').addEventListener('load', () => {
  const d = document.getElementById('f').contentDocument;
  const links = [...d.querySelectorAll('a[href^="#"]')];
  const missing = links
    .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
    .filter(id => !d.getElementById(id));
  const calls = links.filter(a => a.getAttribute('href').startsWith('#call-')).length;
  // Rendered size of every chart text: its font size times the SVG's scale.
  const sizes = [...d.querySelectorAll('svg.chart-svg')].flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')]
      .map(t => parseFloat(d.defaultView.getComputedStyle(t).fontSize) * scale);
  });
  document.getElementById('out').textContent = JSON.stringify({
    scroll: d.documentElement.scrollWidth,
    width: d.documentElement.clientWidth,
    calls, missing: missing.slice(0, 10), nmissing: missing.length,
    charts: d.querySelectorAll('svg.chart-svg').length,
    smallest_chart_text: Math.min(...sizes),
  });
});
</script></body></html>"##;

fn run_chromium(dir: &Path, page: &Path) -> String {
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: run scripts/test, which installs it"
    );
    let out = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--window-size=800,1000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_call_id_links_to_an_anchor_and_a_phone_has_no_horizontal_scroll() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A small transcript limit, so some cited calls are listed by id only.
    let cfg = dir.path().join("callscope.toml");
    std::fs::write(&cfg, "[analysis]\nmax_report_transcripts = 25\n").unwrap();
    let demo = root().join("examples/demo-calls.csv");
    analyze(
        &[demo.to_str().unwrap(), "--config", cfg.to_str().unwrap()],
        &out,
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<article class=\"call\"").count(), 25);
    assert!(html.contains("past the limit"), "the rest listed by id");
    // The learned detectors' sentences are marked with kind and confidence.
    for kind in [
        "objection: ",
        "rebuttal",
        "buying signal",
        "question: customer",
        "question: agent",
    ] {
        let mark = format!("title=\"{kind}");
        assert!(html.contains(&mark), "no detector mark {mark}");
    }
    assert!(html.contains(" · learned detector "));
    // The demo spans three weeks: weekly lanes per agent and objection kind.
    assert!(html.contains("per agent and week"), "agent lanes");
    assert!(html.contains("Objections raised per kind and week"));
    assert!(html.contains("class=\"mark count\""));
    assert!(html.contains(">week (starting on Monday)</text>"));
    // Every ranked agent (12 with 10+ calls) has a coaching section, linked
    // from the agents table.
    let coached = html.matches("<section id=\"coach-").count();
    assert_eq!(coached, 12, "coaching sections");
    assert!(html.contains("<td><a href=\"#coach-maria-lopez\">Maria Lopez</a></td>"));
    assert!(html.contains("<section id=\"coach-maria-lopez\""));
    // Outside the evidence section, no call id is left unlinked.
    let body = &html[..html
        .find("<section id=\"evidence\"")
        .expect("evidence section")];
    let mut unlinked = body.to_string();
    for id in demo_ids() {
        unlinked = unlinked.replace(&format!("<a href=\"#call-{id}\">{id}</a>"), "");
    }
    let stray: Vec<String> = demo_ids()
        .into_iter()
        .filter(|id| unlinked.contains(id.as_str()))
        .collect();
    assert!(stray.is_empty(), "call ids without a link: {stray:?}");

    std::fs::write(out.join("probe.html"), PROBE).unwrap();
    let dom = run_chromium(dir.path(), &out.join("probe.html"));
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .expect("probe output");
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert!(v["calls"].as_u64().unwrap() > 25, "{v}");
    assert_eq!(v["nmissing"], 0, "links without an anchor: {v}");
    assert!(
        v["scroll"].as_u64() <= v["width"].as_u64(),
        "horizontal page scroll at 420 px: {v}"
    );
    assert!(v["charts"].as_u64().unwrap() >= 5, "{v}");
    let smallest = v["smallest_chart_text"].as_f64().unwrap();
    assert!(smallest >= 9.0, "chart text at 420 px: {smallest:.1} px");
}

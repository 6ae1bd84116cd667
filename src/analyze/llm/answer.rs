//! Turning an LLM's answer text into a validated `Insight`: strict JSON
//! (unknown fields rejected), then range and playbook-id checks. The error
//! text is what the re-ask shows the model.

use crate::analyze::Insight;
use crate::analyze::insight::{ObjectionAnalysis, ScriptCompliance};

use super::schema::{OTHER_OBJECTION, PlaybookIds};

/// Parse and validate an answer. `Err` holds a message for the model.
pub fn parse_insight(text: &str, ids: &PlaybookIds) -> Result<Insight, String> {
    let body = strip_fences(text);
    let insight: Insight = serde_json::from_str(body)
        .map_err(|e| format!("the answer is not valid JSON for the schema: {e}"))?;
    let problems = problems(&insight, ids);
    if problems.is_empty() {
        Ok(insight)
    } else {
        Err(problems.join("; "))
    }
}

/// Local models sometimes wrap JSON in a Markdown code fence.
fn strip_fences(text: &str) -> &str {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("```") else {
        return t;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

fn problems(insight: &Insight, ids: &PlaybookIds) -> Vec<String> {
    let mut out = Vec::new();
    rating(&mut out, "agent_rating", insight.agent_rating);
    rating(&mut out, "opener_quality", insight.opener_quality);
    if let Some(t) = &insight.early_termination {
        known(&mut out, "early_termination", t, &ids.terminations);
    }
    for (i, o) in insight.objections.iter().enumerate() {
        objection(&mut out, i, o, ids);
    }
    if let Some(script) = &insight.script {
        script_problems(&mut out, script, ids);
    }
    out
}

fn rating(out: &mut Vec<String>, field: &str, value: Option<u8>) {
    if let Some(v) = value
        && !(1..=10).contains(&v)
    {
        out.push(format!("{field} must be 1..10, got {v}"));
    }
}

fn pct(out: &mut Vec<String>, field: &str, value: f64) {
    if !(0.0..=100.0).contains(&value) {
        out.push(format!("{field} must be 0..100, got {value}"));
    }
}

fn known(out: &mut Vec<String>, field: &str, id: &str, allowed: &[String]) {
    if !allowed.is_empty() && !allowed.iter().any(|a| a == id) {
        out.push(format!(
            "{field} \"{id}\" is not one of: {}",
            allowed.join(", ")
        ));
    }
}

fn objection(out: &mut Vec<String>, i: usize, o: &ObjectionAnalysis, ids: &PlaybookIds) {
    if o.kind != OTHER_OBJECTION {
        known(
            out,
            &format!("objections[{i}].kind"),
            &o.kind,
            &ids.objections,
        );
    }
    if let Some(s) = &o.section_returned_to {
        known(
            out,
            &format!("objections[{i}].section_returned_to"),
            s,
            &ids.sections,
        );
    }
}

fn script_problems(out: &mut Vec<String>, script: &ScriptCompliance, ids: &PlaybookIds) {
    pct(out, "script.overall_pct", script.overall_pct);
    for (i, s) in script.sections.iter().enumerate() {
        pct(out, &format!("script.sections[{i}].score_pct"), s.score_pct);
        known(
            out,
            &format!("script.sections[{i}].section"),
            &s.section,
            &ids.sections,
        );
    }
    for s in script
        .strongest_sections
        .iter()
        .chain(&script.weakest_sections)
    {
        known(out, "script strongest/weakest section", s, &ids.sections);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> PlaybookIds {
        PlaybookIds {
            objections: vec!["price".into()],
            sections: vec!["intro".into()],
            terminations: vec![],
        }
    }

    const EMPTY: &str = r#"{"opener_issues":[],"opener_strengths":[],"termination_reasons":[],
        "success_factors":[],"objections":[],"notable_quotes":[],"recommendations":[]"#;

    #[test]
    fn accepts_minimal_answer_in_a_code_fence() {
        let text = format!("```json\n{EMPTY}, \"agent_rating\": 7}}\n```");
        let insight = parse_insight(&text, &ids()).expect("valid");
        assert_eq!(insight.agent_rating, Some(7));
    }

    #[test]
    fn rejects_out_of_range_rating_and_unknown_ids() {
        let text = format!(
            "{EMPTY}, \"agent_rating\": 11, \"objections\": [{{\"kind\": \"weather\",
              \"customer_quote\": {{\"text\": \"no\", \"turn\": 1}}, \"rebuttal_attempted\": false,
              \"rebuttal_quality\": \"none\", \"agent_rebuttal\": null, \"followed_avq\": false,
              \"returned_to_script\": false, \"section_returned_to\": null, \"phase\": null}}]}}"
        )
        .replacen("\"objections\":[],", "", 1);
        let err = parse_insight(&text, &ids()).expect_err("invalid");
        assert!(err.contains("agent_rating must be 1..10, got 11"), "{err}");
        assert!(err.contains("objections[0].kind \"weather\""), "{err}");
    }

    #[test]
    fn rejects_unknown_fields_and_broken_json() {
        let text = format!("{EMPTY}, \"mood\": \"great\"}}");
        assert!(
            parse_insight(&text, &ids())
                .expect_err("unknown")
                .contains("mood")
        );
        assert!(parse_insight("{\"agent_rating\": ", &ids()).is_err());
    }
}

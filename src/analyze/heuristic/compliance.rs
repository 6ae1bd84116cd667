//! Script compliance from section coverage: a score per section, the overall
//! score (mean of attempted sections), the sequence check, strongest and
//! weakest sections, and the non-compliance reason when the script was not
//! followed.
//!
//! A section's score is the share of its key phrases the agent said, where
//! saying half of them (rounded up) already counts as 100 %: scripts are
//! paraphrased, and no agent says every listed phrase.

use crate::analyze::insight::{NonCompliance, NonComplianceReason, ScriptCompliance, SectionScore};
use crate::config::Playbook;
use crate::metrics::{Metrics, SectionCoverage};
use crate::model::Turn;

use super::quotes::sentence_quote;
use super::termination::Cause;

const LISTED_SECTIONS: usize = 3;

/// `None` when coverage could not be measured (no transcript or no roles).
pub(crate) fn assess(
    turns: &[Turn],
    metrics: &Metrics,
    playbook: &Playbook,
    cause: Option<&Cause>,
) -> Option<ScriptCompliance> {
    if metrics.sections.is_empty() {
        return None;
    }
    let sections: Vec<SectionScore> = metrics
        .sections
        .iter()
        .map(|c| section_score(turns, metrics, c))
        .collect();
    let attempted: Vec<&SectionScore> = sections.iter().filter(|s| s.attempted).collect();
    let overall_pct = if attempted.is_empty() {
        0.0
    } else {
        attempted.iter().map(|s| s.score_pct).sum::<f64>() / attempted.len() as f64
    };
    let deviations = sequence_deviations(metrics, playbook);
    let strongest = strongest(&sections);
    let weakest = weakest(&sections, playbook, &strongest);
    let best_practice_quote = strongest
        .first()
        .and_then(|id| sections.iter().find(|s| &s.section == id))
        .and_then(|s| s.evidence.clone());
    let mut compliance = ScriptCompliance {
        sections,
        overall_pct,
        followed_sequence: deviations.is_empty(),
        sequence_deviations: deviations,
        non_compliance: None,
        strongest_sections: strongest,
        weakest_sections: weakest,
        best_practice_quote,
        improvement_quote: cause.and_then(|c| c.proof.clone()),
    };
    let core = playbook.core_section_ids();
    if !compliance.is_followed(&core) {
        compliance.non_compliance = Some(non_compliance(&compliance, &core, cause));
    }
    Some(compliance)
}

fn section_score(turns: &[Turn], metrics: &Metrics, c: &SectionCoverage) -> SectionScore {
    let expected = c.phrases_total.div_ceil(2).max(1);
    let score_pct = (100.0 * f64::from(c.phrases_matched) / f64::from(expected)).min(100.0);
    let evidence = metrics
        .script_hits
        .iter()
        .find(|h| h.kind == c.section)
        .and_then(|h| sentence_quote(turns, h.turn, &h.phrase));
    SectionScore {
        section: c.section.clone(),
        attempted: c.attempted(),
        score_pct,
        evidence,
    }
}

/// Pairs of non-situational sections delivered out of playbook order.
fn sequence_deviations(metrics: &Metrics, playbook: &Playbook) -> Vec<String> {
    let delivered: Vec<(&str, u32)> = playbook
        .sections
        .iter()
        .filter(|s| !s.situational)
        .filter_map(|s| {
            let first = metrics
                .sections
                .iter()
                .find(|c| c.section == s.id)?
                .first_turn?;
            Some((s.id.as_str(), first))
        })
        .collect();
    delivered
        .windows(2)
        .filter(|w| w[1].1 < w[0].1)
        .map(|w| {
            format!(
                "{} (turn {}) came before {} (turn {})",
                w[1].0, w[1].1, w[0].0, w[0].1
            )
        })
        .collect()
}

fn strongest(sections: &[SectionScore]) -> Vec<String> {
    let mut attempted: Vec<&SectionScore> = sections.iter().filter(|s| s.attempted).collect();
    attempted.sort_by(|a, b| b.score_pct.total_cmp(&a.score_pct));
    attempted
        .iter()
        .take(LISTED_SECTIONS)
        .map(|s| s.section.clone())
        .collect()
}

fn weakest(sections: &[SectionScore], playbook: &Playbook, strongest: &[String]) -> Vec<String> {
    let mut candidates: Vec<&SectionScore> = sections
        .iter()
        .filter(|s| playbook.section(&s.section).is_some_and(|p| !p.situational))
        .filter(|s| !strongest.contains(&s.section))
        .collect();
    candidates.sort_by(|a, b| a.score_pct.total_cmp(&b.score_pct));
    candidates
        .iter()
        .take(LISTED_SECTIONS)
        .map(|s| s.section.clone())
        .collect()
}

/// The reason implied by how the call ended, else the agent's own error.
fn non_compliance(
    compliance: &ScriptCompliance,
    core: &[String],
    cause: Option<&Cause>,
) -> NonCompliance {
    let missing: Vec<&str> = core
        .iter()
        .filter(|id| {
            !compliance
                .sections
                .iter()
                .any(|s| &s.section == *id && s.attempted)
        })
        .map(String::as_str)
        .collect();
    let external = cause.and_then(|c| c.reason.non_compliance);
    let reason = external.unwrap_or(if compliance.followed_sequence {
        NonComplianceReason::AgentSkippedSections
    } else {
        NonComplianceReason::AgentDeviatedFromScript
    });
    let details = format!(
        "{:.0}% overall; core sections not attempted: {}",
        compliance.overall_pct,
        if missing.is_empty() {
            "none".to_string()
        } else {
            missing.join(", ")
        }
    );
    NonCompliance {
        reason,
        details: Some(details),
        proof: cause.and_then(|c| c.proof.clone()),
    }
}

//! The sequence model over the units of one transcript (turns, lines or
//! sentences): a three-state hidden Markov model — agent, customer, other —
//! whose emissions are the content evidence of each unit and whose
//! transitions say that speakers alternate and roles persist. Forward-backward
//! gives each unit the posterior probability of each role, which is the
//! confidence recorded on the turn.

use super::cues::Evidence;

/// Index of each state in the probability arrays.
pub(crate) const AGENT: usize = 0;
pub(crate) const CUSTOMER: usize = 1;
pub(crate) const OTHER: usize = 2;
const STATES: usize = 3;

/// Emission weight of "other" for a unit with / without a machine cue.
const MACHINE_EMISSION: f64 = 30.0;
const HUMAN_EMISSION: f64 = 0.03;

/// Posterior probability of agent, customer, other for one unit.
pub(crate) type Posterior = [f64; STATES];

/// How units follow each other, which sets the transition probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// The same speaker label continues: the role persists.
    SameLabel,
    /// A different label, or a new line of an unlabelled transcript:
    /// the other side usually answers.
    NewTurn,
    /// The next sentence of a paragraph: mostly the same speaker.
    NextSentence,
    /// A new speaker right after an agent hands the call over: often the
    /// agent taking it.
    AfterHandoff,
}

type Matrix = [[f64; STATES]; STATES];

fn transitions(link: Link) -> Matrix {
    match link {
        Link::SameLabel => [[0.98, 0.01, 0.01], [0.01, 0.98, 0.01], [0.01, 0.01, 0.98]],
        Link::NewTurn => [[0.15, 0.80, 0.05], [0.85, 0.10, 0.05], [0.30, 0.30, 0.40]],
        Link::NextSentence => [[0.62, 0.36, 0.02], [0.45, 0.53, 0.02], [0.10, 0.10, 0.80]],
        Link::AfterHandoff => [[0.60, 0.35, 0.05], [0.85, 0.10, 0.05], [0.30, 0.30, 0.40]],
    }
}

const START: [f64; STATES] = [0.45, 0.45, 0.10];

/// One unit: its evidence, an optional fixed role (from a role label), and
/// how it is linked to the previous unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    pub evidence: Evidence,
    pub fixed: Option<usize>,
    pub link: Link,
}

fn emission(unit: &Unit) -> [f64; STATES] {
    if let Some(state) = unit.fixed {
        let mut e = [0.001; STATES];
        e[state] = 1.0;
        return e;
    }
    let half = unit.evidence.agent_log_odds / 2.0;
    let other = if unit.evidence.machine {
        MACHINE_EMISSION
    } else {
        HUMAN_EMISSION
    };
    [half.exp(), (-half).exp(), other]
}

/// Labels jointly: every assignment of the labels to roles is scored by the
/// emissions and transitions of the whole turn sequence; the result is each
/// label's marginal role probabilities. `label_of[i]` is unit i's label
/// index (`labels` distinct labels); `None` when there are more labels than
/// `MAX_JOINT_LABELS` (the caller then falls back to per-unit posteriors).
pub(crate) fn label_marginals(
    units: &[Unit],
    label_of: &[usize],
    labels: usize,
) -> Option<Vec<Posterior>> {
    if labels == 0 || labels > MAX_JOINT_LABELS {
        return None;
    }
    let log_e: Vec<[f64; STATES]> = units.iter().map(|u| emission(u).map(f64::ln)).collect();
    let combos = STATES.pow(u32::try_from(labels).ok()?);
    let mut scores = Vec::with_capacity(combos);
    for combo in 0..combos {
        let role = |label: usize| combo / STATES.pow(label as u32) % STATES;
        let mut score = START[role(label_of[0])].ln();
        for (i, unit) in units.iter().enumerate() {
            let r = role(label_of[i]);
            score += log_e[i][r];
            if i > 0 {
                score += transitions(unit.link)[role(label_of[i - 1])][r].ln();
            }
        }
        scores.push(score);
    }
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut marginals = vec![[0.0; STATES]; labels];
    for (combo, score) in scores.iter().enumerate() {
        let w = (score - top).exp();
        for (label, m) in marginals.iter_mut().enumerate() {
            m[combo / STATES.pow(label as u32) % STATES] += w;
        }
    }
    Some(marginals.into_iter().map(normalized).collect())
}

/// Labels scored jointly at most (3^8 assignments).
const MAX_JOINT_LABELS: usize = 8;

/// Posterior role probabilities of every unit (forward-backward, scaled).
pub(crate) fn posteriors(units: &[Unit]) -> Vec<Posterior> {
    let n = units.len();
    if n == 0 {
        return Vec::new();
    }
    let emissions: Vec<[f64; STATES]> = units.iter().map(emission).collect();
    let mut forward = vec![[0.0; STATES]; n];
    for i in 0..n {
        let mut f = [0.0; STATES];
        for (s, slot) in f.iter_mut().enumerate() {
            let prior = if i == 0 {
                START[s]
            } else {
                let t = transitions(units[i].link);
                (0..STATES).map(|p| forward[i - 1][p] * t[p][s]).sum()
            };
            *slot = prior * emissions[i][s];
        }
        forward[i] = normalized(f);
    }
    let mut backward = vec![[1.0; STATES]; n];
    for i in (0..n - 1).rev() {
        let t = transitions(units[i + 1].link);
        let mut b = [0.0; STATES];
        for (s, slot) in b.iter_mut().enumerate() {
            *slot = (0..STATES)
                .map(|next| t[s][next] * emissions[i + 1][next] * backward[i + 1][next])
                .sum();
        }
        backward[i] = normalized(b);
    }
    forward
        .iter()
        .zip(&backward)
        .map(|(f, b)| normalized([f[0] * b[0], f[1] * b[1], f[2] * b[2]]))
        .collect()
}

fn normalized(p: [f64; STATES]) -> [f64; STATES] {
    let total: f64 = p.iter().sum();
    if total > 0.0 && total.is_finite() {
        p.map(|x| x / total)
    } else {
        [1.0 / STATES as f64; STATES]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(log_odds: f64, link: Link) -> Unit {
        Unit {
            evidence: Evidence {
                agent_log_odds: log_odds,
                ..Evidence::default()
            },
            fixed: None,
            link,
        }
    }

    #[test]
    fn one_cue_carries_through_alternation() {
        let units = [
            unit(3.0, Link::NewTurn),
            unit(0.0, Link::NewTurn),
            unit(0.0, Link::NewTurn),
        ];
        let p = posteriors(&units);
        assert!(p[0][AGENT] > 0.9);
        assert!(p[1][CUSTOMER] > 0.7);
        assert!(p[2][AGENT] > p[2][CUSTOMER]);
    }

    #[test]
    fn no_evidence_decides_nothing() {
        let p = posteriors(&[unit(0.0, Link::NewTurn), unit(0.0, Link::NewTurn)]);
        assert!((p[0][AGENT] - p[0][CUSTOMER]).abs() < 1e-9);
    }
}

//! `Summary` and `summarize`: one streaming pass over the stored calls that
//! feeds every aggregate, then the tests. Memory grows with the number of
//! groups and the distinct values of each tested metric (bounded), never
//! with the number of calls or transcripts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::outcomes::OutcomeWords;
use crate::config::{Config, Playbook};
use crate::input::profiles::outcome_map;

use super::applicability::{Applicability, ApplicabilityAcc};
use super::compare::{Comparison, EffectBar, NumericSamples, compare};
use super::compliance::{ComplianceAcc, ComplianceSummary};
use super::drivers::{Drivers, DriversAcc};
use super::examples::Examples;
use super::facts::RowFacts;
use super::features::Dimension;
use super::funnel::{Funnel, FunnelAcc};
use super::group_key::GroupKey;
use super::groups::{GroupStats, GroupTable, Order, Overall};
use super::handoff::{HandoffAcc, HandoffSummary};
use super::histogram::DurationHistogram;
use super::label::label;
use super::lead_quality::{MAX_BUCKETS, bucket, is_lead_attribute};
use super::row::{AnalysisState, CallRow, LengthBucket};
use super::speaker_roles::RoleNotes;
use super::weekly::Weekly;

/// Group key of calls with one leg in the legs grouping.
pub const ONE_LEG: &str = "one leg";
/// Group key of opener + closer calls in the legs grouping.
pub const TWO_LEGS: &str = "opener + closer";

/// Everything the report shows, computed from the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub threshold_s: f64,
    pub min_group_size: u32,
    /// The smallest effect a headline finding shows.
    pub effect_bar: EffectBar,
    /// The report's words for the outcome.
    pub words: OutcomeWords,
    /// What the report may claim on this data.
    pub applicability: Applicability,
    pub totals: Totals,
    /// Every grouping with its groups, in a fixed order.
    pub groupings: Vec<Grouping>,
    /// Lead attributes dropped because they have too many distinct values.
    pub dropped_lead_attributes: Vec<String>,
    pub duration_histogram: DurationHistogram,
    /// Every test, findings first.
    pub comparisons: Vec<Comparison>,
    pub compliance: ComplianceSummary,
    pub handoff: HandoffSummary,
    pub examples: Examples,
    /// The cross-validated drivers model of each target.
    pub drivers: Vec<Drivers>,
    /// Where calls are lost, overall and per agent.
    pub funnel: Funnel,
    /// Outcome, agents and objections per calendar week.
    pub weekly: Weekly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub calls: u64,
    pub analysed: u64,
    pub failed: u64,
    pub not_analysed: u64,
    pub outcome_unknown: u64,
    pub duration_unknown: u64,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// Analyzer keys of the successful analyses and their call counts.
    pub analyzers: Vec<(String, u64)>,
    /// Figures over all calls.
    pub all: GroupStats,
    /// LLM answers that contradict the calls' measurements.
    pub inconsistent: Inconsistent,
    /// Calls whose speaker roles did not come from labels.
    pub speaker_roles: RoleNotes,
}

/// How many LLM answers the cross-check flagged, with a few examples.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Inconsistent {
    pub calls: u64,
    /// Call id and what contradicts, for the first few flagged calls.
    pub examples: Vec<(String, Vec<String>)>,
}

/// Flagged calls named in the report.
const INCONSISTENT_EXAMPLES: usize = 5;

impl Inconsistent {
    fn add(&mut self, row: &CallRow) {
        let Some(analysis) = &row.analysis else {
            return;
        };
        let flags = &analysis.provenance.inconsistencies;
        if flags.is_empty() {
            return;
        }
        self.calls += 1;
        if self.examples.len() < INCONSISTENT_EXAMPLES {
            let reasons = flags.iter().map(ToString::to_string).collect();
            self.examples.push((row.call.id.clone(), reasons));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grouping {
    pub dimension: Dimension,
    pub groups: Vec<GroupStats>,
}

impl Summary {
    /// The groups of one grouping (empty when it had no data).
    pub fn groups(&self, dimension: &Dimension) -> &[GroupStats] {
        self.groupings
            .iter()
            .find(|g| &g.dimension == dimension)
            .map_or(&[], |g| &g.groups)
    }

    /// The lead-quality groupings.
    pub fn lead_attributes(&self) -> impl Iterator<Item = &Grouping> {
        self.groupings
            .iter()
            .filter(|g| matches!(g.dimension, Dimension::Attribute(_)))
    }
}

/// Streams the rows into a `Summary`. Without a playbook in the config, the
/// built-in generic one names the sections, as it did for the analysis.
pub fn summarize(rows: impl Iterator<Item = CallRow>, cfg: &Config) -> Summary {
    let playbook = cfg.effective_playbook();
    let mut acc = Accumulator::new(cfg, &playbook);
    rows.for_each(|row| acc.add(&row));
    acc.finish(&playbook)
}

struct Accumulator {
    threshold_s: f64,
    min_size: u32,
    effect_bar: EffectBar,
    words: OutcomeWords,
    applicability: ApplicabilityAcc,
    core_sections: Vec<String>,
    /// The playbook names a purpose section, so "purpose stated" is known.
    has_purpose_section: bool,
    /// Early-termination reason id -> its playbook name.
    termination_names: BTreeMap<String, String>,
    states: BTreeMap<AnalysisState, u64>,
    outcome_unknown: u64,
    days: Option<(NaiveDate, NaiveDate)>,
    analyzers: BTreeMap<String, u64>,
    inconsistent: Inconsistent,
    speaker_roles: RoleNotes,
    overall: Overall,
    tables: BTreeMap<Dimension, GroupTable<GroupKey>>,
    dropped_attributes: BTreeSet<String>,
    histogram: DurationHistogram,
    numeric: NumericSamples,
    compliance: ComplianceAcc,
    handoff: HandoffAcc,
    examples: Examples,
    drivers: DriversAcc,
    funnel: FunnelAcc,
    weekly: Weekly,
}

impl Accumulator {
    fn new(cfg: &Config, playbook: &Playbook) -> Self {
        let threshold_s = cfg.analysis.short_call_threshold_s;
        let map = outcome_map(cfg);
        Accumulator {
            threshold_s,
            min_size: cfg.analysis.min_group_size,
            effect_bar: EffectBar {
                rate_difference: cfg.analysis.min_effect_pp / 100.0,
                cliffs_delta: cfg.analysis.min_effect_delta,
            },
            words: map.words(),
            applicability: ApplicabilityAcc::new(playbook, map),
            core_sections: playbook.core_section_ids(),
            has_purpose_section: playbook.purpose_section.is_some(),
            termination_names: playbook
                .termination_reasons
                .iter()
                .map(|r| (r.id.clone(), r.name.clone()))
                .collect(),
            states: BTreeMap::new(),
            outcome_unknown: 0,
            days: None,
            analyzers: BTreeMap::new(),
            inconsistent: Inconsistent::default(),
            speaker_roles: RoleNotes::default(),
            overall: Overall::default(),
            tables: BTreeMap::new(),
            dropped_attributes: BTreeSet::new(),
            histogram: DurationHistogram::new(threshold_s),
            numeric: NumericSamples::default(),
            compliance: ComplianceAcc::default(),
            handoff: HandoffAcc::default(),
            examples: Examples::default(),
            drivers: DriversAcc::new(playbook.purpose_section.is_some()),
            funnel: FunnelAcc::new(playbook),
            weekly: Weekly::default(),
        }
    }

    fn add(&mut self, row: &CallRow) {
        let facts = RowFacts::of(row, self.threshold_s);
        let state = row.state();
        *self.states.entry(state).or_default() += 1;
        self.outcome_unknown += u64::from(facts.converted.is_none());
        if let (AnalysisState::Analysed, Some(a)) = (state, &row.analysis) {
            *self
                .analyzers
                .entry(a.provenance.analyzer.clone())
                .or_default() += 1;
        }
        if let Some(day) = row.call.started_at.map(|t| t.date()) {
            self.days = Some(
                self.days
                    .map_or((day, day), |(a, b)| (a.min(day), b.max(day))),
            );
        }
        self.overall.add(&facts);
        for (dimension, key) in self.keys(row) {
            self.add_to_table(dimension, key, &facts);
        }
        self.histogram.add(facts.duration_s);
        self.numeric.add(row, facts.converted, facts.short);
        self.compliance.add(row, &self.core_sections, facts.short);
        self.handoff.add(row);
        self.inconsistent.add(row);
        self.speaker_roles.add(row);
        self.applicability.add(row);
        self.drivers.add(row, facts.converted, facts.short);
        self.funnel.add(row, facts.converted);
        self.weekly.add(row, facts.converted);
        self.examples.add(row, facts.short);
    }

    fn add_to_table(&mut self, dimension: Dimension, key: GroupKey, facts: &RowFacts) {
        if let Dimension::Attribute(name) = &dimension
            && self.dropped_attributes.contains(name)
        {
            return;
        }
        let table = self.tables.entry(dimension.clone()).or_default();
        table.add(key, facts);
        if let (Dimension::Attribute(name), true) = (&dimension, table.len() > MAX_BUCKETS) {
            self.dropped_attributes.insert(name.clone());
            self.tables.remove(&dimension);
        }
    }

    /// The group this call belongs to in every grouping it has a value for.
    fn keys(&self, row: &CallRow) -> Vec<(Dimension, GroupKey)> {
        let text = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| GroupKey::Text(s.to_string()))
        };
        let mut keys = vec![(
            Dimension::Length,
            Some(GroupKey::Length(row.length_bucket(self.threshold_s))),
        )];
        keys.push((Dimension::Agent, text(row.agent())));
        keys.push((
            Dimension::Day,
            row.call.started_at.map(|t| GroupKey::Day(t.date())),
        ));
        keys.push((
            Dimension::Disposition,
            text(row.call.disposition.as_deref()),
        ));
        keys.push((Dimension::Team, text(row.call.team.as_deref())));
        keys.push((Dimension::Opener, text(row.opener_agent())));
        let legs = match row.call.legs.len() {
            0 => None,
            1 => Some(ONE_LEG),
            _ => Some(TWO_LEGS),
        };
        keys.push((Dimension::Legs, text(legs)));
        let purpose = match (self.has_purpose_section, row.metrics.turns) {
            (true, Some(_)) if row.metrics.purpose_turn.is_some() => Some("stated"),
            (true, Some(_)) => Some("not stated"),
            _ => None,
        };
        keys.push((Dimension::PurposeStated, text(purpose)));
        if let Some(insight) = row.insight() {
            keys.push((
                Dimension::Engagement,
                insight.engagement.map(|e| GroupKey::Text(label(&e))),
            ));
            let unhandled = insight.objections.iter().any(|o| !o.rebuttal_attempted);
            let unhandled = if unhandled { "yes" } else { "no" };
            keys.push((Dimension::UnhandledObjection, text(Some(unhandled))));
            let followed = insight.script.as_ref().map(|s| {
                let followed = s.is_followed(&self.core_sections);
                if followed { "followed" } else { "not followed" }
            });
            keys.push((Dimension::ScriptFollowed, text(followed)));
            let termination = insight
                .early_termination
                .as_deref()
                .map(|id| self.termination_names.get(id).map_or(id, String::as_str));
            keys.push((Dimension::EarlyTermination, text(termination)));
        }
        for (name, value) in &row.call.attributes {
            if is_lead_attribute(name) {
                keys.push((Dimension::Attribute(name.clone()), bucket(value)));
            }
        }
        keys.into_iter()
            .filter_map(|(d, k)| k.map(|k| (d, k)))
            .collect()
    }

    fn finish(self, playbook: &Playbook) -> Summary {
        let min = self.min_size;
        let groupings: Vec<Grouping> = self
            .tables
            .into_iter()
            .map(|(dimension, table)| {
                let order = match dimension {
                    Dimension::Day | Dimension::Length | Dimension::Attribute(_) => Order::Key,
                    _ => Order::Calls,
                };
                let rank = matches!(
                    dimension,
                    Dimension::Agent | Dimension::Opener | Dimension::Day | Dimension::Team
                );
                Grouping {
                    groups: table.finish(min, order, rank),
                    dimension,
                }
            })
            .collect();
        let script = self.applicability.script_fit().applies();
        let mut numeric = self.numeric;
        if !script {
            numeric.retain(|f| !f.needs_script());
        }
        let comparisons = run_tests(numeric, &groupings, min, self.effect_bar, script);
        let applicability = self.applicability.finish(&comparisons);
        let state = |s| self.states.get(&s).copied().unwrap_or(0);
        let all = self.overall.finish(min);
        let mut examples = self.examples;
        examples.name_objections(playbook);
        Summary {
            threshold_s: self.threshold_s,
            min_group_size: min,
            effect_bar: self.effect_bar,
            words: self.words,
            applicability,
            totals: Totals {
                calls: all.calls,
                analysed: state(AnalysisState::Analysed),
                failed: state(AnalysisState::Failed),
                not_analysed: state(AnalysisState::NotAnalysed),
                outcome_unknown: self.outcome_unknown,
                duration_unknown: self.histogram.unknown,
                first_day: self.days.map(|d| d.0),
                last_day: self.days.map(|d| d.1),
                analyzers: self.analyzers.into_iter().collect(),
                all,
                inconsistent: self.inconsistent,
                speaker_roles: self.speaker_roles,
            },
            groupings,
            dropped_lead_attributes: self.dropped_attributes.into_iter().collect(),
            duration_histogram: self.histogram,
            comparisons,
            compliance: self.compliance.finish(playbook, min),
            handoff: self.handoff.finish(),
            examples,
            drivers: self.drivers.finish(script),
            funnel: self.funnel.finish(script),
            weekly: self.weekly,
        }
    }
}

/// Every grouping but disposition (it defines the outcome) is tested; the
/// length grouping only over its short and long groups; script groupings
/// only when the script applies.
fn run_tests(
    numeric: NumericSamples,
    groupings: &[Grouping],
    min: u32,
    bar: EffectBar,
    script: bool,
) -> Vec<Comparison> {
    let short_long: Vec<GroupStats> = groupings
        .iter()
        .filter(|g| g.dimension == Dimension::Length)
        .flat_map(|g| g.groups.iter())
        .filter(|g| g.key == LengthBucket::Short.label() || g.key == LengthBucket::Long.label())
        .cloned()
        .collect();
    let tested: Vec<(Dimension, &[GroupStats])> = groupings
        .iter()
        .filter(|g| g.dimension != Dimension::Disposition)
        .filter(|g| script || !g.dimension.needs_script())
        .map(|g| match g.dimension {
            Dimension::Length => (Dimension::Length, short_long.as_slice()),
            _ => (g.dimension.clone(), g.groups.as_slice()),
        })
        .collect();
    compare(numeric, &tested, min, bar)
}

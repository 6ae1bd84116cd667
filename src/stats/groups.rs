//! Per-group aggregates (agent, day, disposition, team, length, opener):
//! calls, conversion with its Wilson interval, short-call rate, median
//! duration, compliance, objection and rebuttal rates. Small groups are
//! flagged and never ranked.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use super::facts::RowFacts;
use super::rate::Rate;
use super::value_counts::ValueCounts;

/// How many example call ids a group keeps per outcome.
const EXAMPLES_PER_GROUP: usize = 3;

/// The figures of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupStats {
    pub key: String,
    pub calls: u64,
    /// Conversions over calls with a known outcome (unknown outcomes excluded).
    pub conversion: Rate,
    /// Short calls over analysed calls with a known duration.
    pub short: Rate,
    pub median_duration_s: Option<f64>,
    pub mean_compliance_pct: Option<f64>,
    /// Analysed calls with at least one objection, over analysed calls.
    pub objection_calls: Rate,
    /// Objections the agent rebutted, over objections raised.
    pub rebuttals: Rate,
    /// Fewer calls than the minimum group size: shown, not ranked.
    pub small: bool,
    /// 1 = highest conversion among the ranked groups.
    pub rank: Option<u32>,
    pub converted_examples: Vec<String>,
    pub lost_examples: Vec<String>,
    pub short_examples: Vec<String>,
    pub long_examples: Vec<String>,
}

/// Running sums for one group.
#[derive(Debug, Default)]
struct GroupAcc {
    calls: u64,
    conversion: Rate,
    short: Rate,
    /// Bounded counts of the known durations, for the median.
    durations: ValueCounts<1>,
    compliance_sum: f64,
    compliance_n: u64,
    objection_calls: Rate,
    rebuttals: Rate,
    converted_examples: Vec<String>,
    lost_examples: Vec<String>,
    short_examples: Vec<String>,
    long_examples: Vec<String>,
}

impl GroupAcc {
    fn add(&mut self, f: &RowFacts) {
        self.calls += 1;
        if let Some(converted) = f.converted {
            self.conversion.record(converted);
            let examples = if converted {
                &mut self.converted_examples
            } else {
                &mut self.lost_examples
            };
            push_example(examples, &f.call_id);
        }
        if let Some(short) = f.short {
            self.short.record(short);
            let examples = if short {
                &mut self.short_examples
            } else {
                &mut self.long_examples
            };
            push_example(examples, &f.call_id);
        }
        if let Some(d) = f.duration_s {
            self.durations.add(0, d);
        }
        if let Some(pct) = f.compliance_pct {
            self.compliance_sum += pct;
            self.compliance_n += 1;
        }
        if let Some((raised, rebutted)) = f.objections {
            self.objection_calls.record(raised > 0);
            self.rebuttals.add(Rate::new(rebutted, raised));
        }
    }

    fn finish(self, key: String, min_size: u32) -> GroupStats {
        GroupStats {
            key,
            calls: self.calls,
            conversion: self.conversion,
            short: self.short,
            median_duration_s: self.durations.median(0),
            mean_compliance_pct: (self.compliance_n > 0)
                .then(|| self.compliance_sum / self.compliance_n as f64),
            objection_calls: self.objection_calls,
            rebuttals: self.rebuttals,
            small: self.calls < u64::from(min_size),
            rank: None,
            converted_examples: self.converted_examples,
            lost_examples: self.lost_examples,
            short_examples: self.short_examples,
            long_examples: self.long_examples,
        }
    }
}

/// Keeps the first few example call ids, each once.
pub fn push_example(examples: &mut Vec<String>, id: &str) {
    if examples.len() < EXAMPLES_PER_GROUP && !examples.iter().any(|e| e == id) {
        examples.push(id.to_string());
    }
}

/// How a finished table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By key (days in calendar order, length buckets in enum order).
    Key,
    /// Most calls first.
    Calls,
}

/// Groups keyed by `K`, accumulated one call at a time.
#[derive(Debug)]
pub struct GroupTable<K> {
    groups: BTreeMap<K, GroupAcc>,
}

impl<K> Default for GroupTable<K> {
    fn default() -> Self {
        GroupTable {
            groups: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Display> GroupTable<K> {
    pub fn add(&mut self, key: K, facts: &RowFacts) {
        self.groups.entry(key).or_default().add(facts);
    }

    /// Number of groups so far.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Final figures. With `rank`, ranks by conversion the groups that are
    /// not small and have at least `min_size` calls with a known outcome.
    pub fn finish(self, min_size: u32, order: Order, rank: bool) -> Vec<GroupStats> {
        let mut out: Vec<GroupStats> = self
            .groups
            .into_iter()
            .map(|(k, acc)| acc.finish(k.to_string(), min_size))
            .collect();
        if rank {
            rank_by_conversion(&mut out, min_size);
        }
        if order == Order::Calls {
            out.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.key.cmp(&b.key)));
        }
        out
    }
}

/// Accumulates the overall group while streaming.
#[derive(Debug, Default)]
pub struct Overall(GroupAcc);

impl Overall {
    pub fn add(&mut self, facts: &RowFacts) {
        self.0.add(facts);
    }

    pub fn finish(self, min_size: u32) -> GroupStats {
        self.0.finish("all calls".to_string(), min_size)
    }
}

fn rank_by_conversion(groups: &mut [GroupStats], min_size: u32) {
    let mut rankable: Vec<usize> = (0..groups.len())
        .filter(|&i| !groups[i].small && groups[i].conversion.n >= u64::from(min_size))
        .collect();
    rankable.sort_by(|&a, &b| {
        let va = groups[a].conversion.value().unwrap_or(0.0);
        let vb = groups[b].conversion.value().unwrap_or(0.0);
        vb.total_cmp(&va)
    });
    for (rank, i) in rankable.into_iter().enumerate() {
        groups[i].rank = Some(rank as u32 + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(id: &str, converted: Option<bool>, duration: Option<f64>) -> RowFacts {
        RowFacts {
            call_id: id.to_string(),
            converted,
            short: duration.map(|d| d < 300.0),
            duration_s: duration,
            compliance_pct: None,
            objections: Some((2, 1)),
        }
    }

    #[test]
    fn conversion_excludes_unknown_outcomes_and_small_groups_are_not_ranked() {
        let mut t = GroupTable::default();
        for i in 0..4 {
            t.add(
                "big",
                &facts(&format!("b{i}"), Some(i % 2 == 0), Some(100.0)),
            );
        }
        t.add("big", &facts("b-unknown", None, None));
        t.add("tiny", &facts("t0", Some(true), Some(400.0)));
        let out = t.finish(3, Order::Calls, true);
        assert_eq!(out[0].key, "big");
        assert_eq!(out[0].calls, 5);
        assert_eq!(out[0].conversion, Rate::new(2, 4));
        assert_eq!(out[0].short, Rate::new(4, 4));
        assert_eq!(out[0].median_duration_s, Some(100.0));
        assert_eq!(out[0].rank, Some(1));
        assert_eq!(out[0].rebuttals, Rate::new(5, 10));
        assert_eq!(out[0].mean_compliance_pct, None);
        assert!(out[1].small);
        assert_eq!(out[1].rank, None);
        assert_eq!(out[0].converted_examples, vec!["b0", "b2"]);
    }
}

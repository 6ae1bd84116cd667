//! Checks a parsed configuration as a whole, before anything runs, and lists
//! every problem at once: thresholds that are not finite or out of range,
//! playbook references to sections that do not exist, duplicate ids, a
//! disposition code in two outcome lists, and more sections than
//! `MAX_SECTIONS`.

use std::collections::BTreeSet;

use super::Config;
use super::outcomes::OutcomeMap;
use super::playbook::Playbook;
use crate::model::MAX_DURATION_S;

/// Most script sections a playbook may have: every section is matched
/// against every agent sentence of every call, and a script is read by
/// people, so a longer list is a generated or pasted mistake.
pub const MAX_SECTIONS: usize = 200;

/// Every problem with `cfg`, in file order; empty when it is sound.
pub fn problems(cfg: &Config) -> Vec<String> {
    let mut out = Vec::new();
    let analysis = &cfg.analysis;
    in_range(
        &mut out,
        "analysis.short_call_threshold_s",
        analysis.short_call_threshold_s,
        (f64::MIN_POSITIVE, MAX_DURATION_S),
        "a positive number of seconds, at most a week (604800)",
    );
    if analysis.min_group_size == 0 {
        out.push("analysis.min_group_size = 0: expected at least 1 call".to_string());
    }
    in_range(
        &mut out,
        "analysis.min_effect_pp",
        analysis.min_effect_pp,
        (0.0, 100.0),
        "percentage points from 0 to 100",
    );
    in_range(
        &mut out,
        "analysis.min_effect_delta",
        analysis.min_effect_delta,
        (0.0, 1.0),
        "a Cliff's delta from 0 to 1",
    );
    outcome_lists(&mut out, &cfg.outcomes);
    if let Some(playbook) = &cfg.playbook {
        sections(&mut out, playbook);
    }
    out
}

/// `value` must be finite and within `range` (both ends included).
fn in_range(out: &mut Vec<String>, key: &str, value: f64, range: (f64, f64), expected: &str) {
    if !(value.is_finite() && value >= range.0 && value <= range.1) {
        out.push(format!("{key} = {value:?}: expected {expected}"));
    }
}

/// A code may stand in one outcome list only.
fn outcome_lists(out: &mut Vec<String>, map: &OutcomeMap) {
    let lists = [
        ("converted", &map.converted),
        ("not_converted", &map.not_converted),
        ("unknown", &map.unknown),
    ];
    for (i, (first, codes)) in lists.iter().enumerate() {
        for (second, others) in &lists[i + 1..] {
            for code in codes.iter() {
                let code = code.trim();
                if others.iter().any(|o| o.trim().eq_ignore_ascii_case(code)) {
                    out.push(format!(
                        "outcomes: the code `{code}` is listed in both `{first}` and `{second}`"
                    ));
                }
            }
        }
    }
}

/// Section ids are unique, at most `MAX_SECTIONS`, and every reference to a
/// section names one that exists.
fn sections(out: &mut Vec<String>, playbook: &Playbook) {
    let count = playbook.sections.len();
    if count > MAX_SECTIONS {
        out.push(format!(
            "playbook: {count} sections; at most {MAX_SECTIONS} are allowed"
        ));
    }
    let mut ids = BTreeSet::new();
    for section in &playbook.sections {
        if !ids.insert(section.id.as_str()) {
            out.push(format!(
                "playbook: the section id `{}` is used twice",
                section.id
            ));
        }
    }
    let missing = |id: &str| !ids.contains(id);
    for id in playbook.core_sections.iter().flatten() {
        if missing(id) {
            out.push(format!(
                "playbook.core_sections names `{id}`, which is no section id"
            ));
        }
    }
    if let Some(id) = playbook.purpose_section.as_deref().filter(|id| missing(id)) {
        out.push(format!(
            "playbook.purpose_section names `{id}`, which is no section id"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_and_bundled_configs_are_sound() {
        assert_eq!(problems(&Config::default()), Vec::<String>::new());
        let generic = Config {
            playbook: Some(Playbook::generic()),
            ..Config::default()
        };
        assert_eq!(problems(&generic), Vec::<String>::new());
    }

    #[test]
    fn every_problem_is_listed() {
        let text = r#"
[analysis]
short_call_threshold_s = nan
min_effect_pp = -1.0
min_effect_delta = 1e308

[outcomes]
converted = ["SALE"]
not_converted = [" sale "]

[playbook]
core_sections = ["a", "zz"]
purpose_section = "nope"
[[playbook.sections]]
id = "a"
name = "A"
phrases = ["hi"]
[[playbook.sections]]
id = "a"
name = "A again"
phrases = ["hi"]
"#;
        let cfg: Config = toml::from_str(text).expect("parses");
        assert_eq!(
            problems(&cfg),
            [
                "analysis.short_call_threshold_s = NaN: expected a positive number of seconds, at most a week (604800)",
                "analysis.min_effect_pp = -1.0: expected percentage points from 0 to 100",
                "analysis.min_effect_delta = 1e308: expected a Cliff's delta from 0 to 1",
                "outcomes: the code `SALE` is listed in both `converted` and `not_converted`",
                "playbook: the section id `a` is used twice",
                "playbook.core_sections names `zz`, which is no section id",
                "playbook.purpose_section names `nope`, which is no section id",
            ]
        );
    }
}

//! `Extremes`: the few calls with the highest and the lowest value of a
//! measure, kept while streaming, so that an example shows the value the
//! finding claims (a "more buying signals" example has many) and no call is
//! named twice on one side.

/// Calls kept at each end.
const KEPT: usize = 3;

#[derive(Debug, Default)]
pub struct Extremes {
    /// Highest values first.
    highest: Vec<(f64, String)>,
    /// Lowest values first.
    lowest: Vec<(f64, String)>,
}

impl Extremes {
    pub fn add(&mut self, value: f64, id: &str) {
        insert(&mut self.highest, value, id, |a, b| a > b);
        insert(&mut self.lowest, value, id, |a, b| a < b);
    }

    /// Ids of the calls with the highest values, highest first.
    pub fn highest(&self) -> Vec<String> {
        self.highest.iter().map(|(_, id)| id.clone()).collect()
    }

    /// Ids of the calls with the lowest values, lowest first.
    pub fn lowest(&self) -> Vec<String> {
        self.lowest.iter().map(|(_, id)| id.clone()).collect()
    }
}

/// Inserts `(value, id)` where `before` orders it; the first call seen wins
/// a tie, so the examples do not depend on later calls with equal values.
fn insert(list: &mut Vec<(f64, String)>, value: f64, id: &str, before: fn(f64, f64) -> bool) {
    if list.len() == KEPT && !before(value, list[KEPT - 1].0) {
        return;
    }
    let at = list
        .iter()
        .position(|(v, _)| before(value, *v))
        .unwrap_or(list.len());
    list.insert(at, (value, id.to_string()));
    list.truncate(KEPT);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_three_at_each_end_first_seen_on_ties() {
        let mut e = Extremes::default();
        for (i, v) in [5.0, 1.0, 9.0, 1.0, 7.0, 9.0, 3.0].into_iter().enumerate() {
            e.add(v, &format!("c{i}"));
        }
        assert_eq!(e.highest(), ["c2", "c5", "c4"]);
        assert_eq!(e.lowest(), ["c1", "c3", "c6"]);
    }
}

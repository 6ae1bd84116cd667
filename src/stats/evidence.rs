//! `Evidenced`: a rate that keeps a few example call ids on each side, so every
//! rate the report states can name calls that show it.

use serde::{Deserialize, Serialize};

use super::groups::push_example;
use super::rate::Rate;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Evidenced {
    pub rate: Rate,
    /// Calls counted as hits.
    pub hits: Vec<String>,
    /// Calls counted as misses.
    pub misses: Vec<String>,
}

impl Evidenced {
    pub fn record(&mut self, hit: bool, call_id: &str) {
        self.rate.record(hit);
        push_example(
            if hit {
                &mut self.hits
            } else {
                &mut self.misses
            },
            call_id,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_examples_of_each_side() {
        let mut e = Evidenced::default();
        for i in 0..10 {
            e.record(i % 2 == 0, &format!("c{i}"));
        }
        assert_eq!(e.rate, Rate::new(5, 10));
        assert_eq!(e.hits, ["c0", "c2", "c4"]);
        assert_eq!(e.misses, ["c1", "c3", "c5"]);
    }
}

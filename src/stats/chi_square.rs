//! Pearson chi-square test of independence on a contingency table, with
//! Cramér's V as its effect size.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: u32,
    pub p: f64,
    pub cramers_v: f64,
}

/// Tests independence of rows and columns. Empty rows and columns are
/// dropped; `None` when fewer than two rows or columns remain.
pub fn chi_square(table: &[Vec<u64>]) -> Option<ChiSquare> {
    let width = table.iter().map(Vec::len).max()?;
    let col_total = |c: usize| {
        table
            .iter()
            .map(|r| r.get(c).copied().unwrap_or(0))
            .sum::<u64>()
    };
    let cols: Vec<usize> = (0..width).filter(|&c| col_total(c) > 0).collect();
    let rows: Vec<&Vec<u64>> = table.iter().filter(|r| r.iter().sum::<u64>() > 0).collect();
    if rows.len() < 2 || cols.len() < 2 {
        return None;
    }
    let n: u64 = rows.iter().map(|r| r.iter().sum::<u64>()).sum();
    let n = n as f64;
    let mut statistic = 0.0;
    for row in &rows {
        let row_total = row.iter().sum::<u64>() as f64;
        for &c in &cols {
            let expected = row_total * col_total(c) as f64 / n;
            let observed = row.get(c).copied().unwrap_or(0) as f64;
            statistic += (observed - expected).powi(2) / expected;
        }
    }
    let df = ((rows.len() - 1) * (cols.len() - 1)) as u32;
    let dist = ChiSquared::new(f64::from(df)).ok()?;
    let p = (1.0 - dist.cdf(statistic)).clamp(0.0, 1.0);
    let k = (rows.len().min(cols.len()) - 1) as f64;
    Some(ChiSquare {
        statistic,
        df,
        p,
        cramers_v: (statistic / (n * k)).sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_by_two_matches_reference() {
        // scipy.stats.chi2_contingency([[10,20],[30,40]], correction=False)
        // -> chi2 = 0.793651, p = 0.372998
        let r = chi_square(&[vec![10, 20], vec![30, 40]]).expect("test");
        assert!((r.statistic - 0.793_651).abs() < 1e-5, "{r:?}");
        assert!((r.p - 0.372_998).abs() < 1e-5, "{r:?}");
        assert_eq!(r.df, 1);
        assert!((r.cramers_v - (0.793_651f64 / 100.0).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn three_by_two_uses_two_degrees_of_freedom() {
        // df = 2, so p = exp(-chi2 / 2).
        let r = chi_square(&[vec![20, 5], vec![10, 15], vec![5, 20]]).expect("test");
        assert_eq!(r.df, 2);
        assert!((r.p - (-r.statistic / 2.0).exp()).abs() < 1e-9, "{r:?}");
        assert!(r.p < 0.001);
    }

    #[test]
    fn empty_rows_and_columns_are_dropped() {
        assert!(chi_square(&[vec![5, 0], vec![7, 0]]).is_none());
        assert!(chi_square(&[vec![5, 3], vec![0, 0]]).is_none());
        assert!(chi_square(&[]).is_none());
    }
}

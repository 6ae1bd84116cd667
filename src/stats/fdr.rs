//! Benjamini-Hochberg false discovery rate: q-values for a family of tests.

/// Returns the BH-adjusted q-value of each p-value, in the input order.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut q = vec![1.0; m];
    let mut running_min = 1.0f64;
    for (rank0, &i) in order.iter().enumerate().rev() {
        let adjusted = p_values[i] * m as f64 / (rank0 + 1) as f64;
        running_min = running_min.min(adjusted);
        q[i] = running_min.min(1.0);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_p_adjust_bh() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "BH")
        // -> 0.025 0.05 0.05 0.025 0.5
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005, 0.5]);
        let expected = [0.025, 0.05, 0.05, 0.025, 0.5];
        for (got, want) in q.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn empty_family_is_empty() {
        assert!(benjamini_hochberg(&[]).is_empty());
    }
}

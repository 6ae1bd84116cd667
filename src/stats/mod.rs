//! Aggregates and statistical tests over stored results: per-group rates with Wilson intervals, effect sizes, Mann-Whitney and chi-square with Benjamini-Hochberg.

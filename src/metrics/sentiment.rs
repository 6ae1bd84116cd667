//! Lexicon sentiment of a piece of text: VADER-style word valences with
//! negation (a negator in the three words before flips and damps the word)
//! and boosters, summed and squashed to -1..=1.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::lexicon::{BOOSTERS, LEXICON, NEGATORS};
use super::phrases::words;

const NEGATION_SCALAR: f64 = -0.74;
const BOOSTER_INCREMENT: f64 = 0.293;
const NEGATION_WINDOW: usize = 3;
/// VADER's normalisation constant: compound = sum / sqrt(sum^2 + alpha).
const ALPHA: f64 = 15.0;

fn lexicon() -> &'static HashMap<&'static str, f64> {
    static MAP: OnceLock<HashMap<&'static str, f64>> = OnceLock::new();
    MAP.get_or_init(|| LEXICON.iter().copied().collect())
}

/// Compound sentiment of `text`, -1 (negative) ..= 1 (positive); 0 when no
/// word of the lexicon occurs.
pub fn score(text: &str) -> f64 {
    let tokens: Vec<String> = words(text).collect();
    let sum: f64 = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, token)| {
            lexicon()
                .get(token.as_str())
                .map(|v| valence(&tokens, i, *v))
        })
        .fold(0.0, |acc, v| acc + v);
    sum / (sum * sum + ALPHA).sqrt()
}

fn valence(tokens: &[String], i: usize, base: f64) -> f64 {
    let before = &tokens[i.saturating_sub(NEGATION_WINDOW)..i];
    let mut v = base;
    if before
        .last()
        .is_some_and(|p| BOOSTERS.contains(&p.as_str()))
    {
        v += BOOSTER_INCREMENT * v.signum();
    }
    if before.iter().any(|t| NEGATORS.contains(&t.as_str())) {
        v *= NEGATION_SCALAR;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polarity_and_negation() {
        assert!(score("That sounds great, thank you!") > 0.5);
        assert!(score("It's too expensive and I hate these calls") < -0.3);
        assert!(score("I'm not interested") < 0.0);
        assert!(score("no problem at all") > 0.0);
        let neutral = score("the invoice number is 42");
        assert!(
            neutral == 0.0 && neutral.is_sign_positive(),
            "no negative zero"
        );
        assert!(score("really good") > score("good"));
    }
}

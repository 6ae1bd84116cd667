//! Report narrative written by the LLM from the computed figures only. The
//! figures go in as JSON; every number in the answer must be one of them
//! (rounded as displayed, or a share shown as a percentage), otherwise the
//! caller keeps its rule-based narrative.

use serde_json::{Value, json};

use super::wire::{Conversation, Message, Role};

const INSTRUCTION: &str = "You write one section of a sales-call analysis report for a sales \
director. Use only the figures given as JSON. Every number you write must be one of those \
figures (you may round it, or show a share between 0 and 1 as a percentage). Do not invent \
numbers, names or call ids. Plain, direct prose: one to three short paragraphs. Answer with \
JSON matching the schema.";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NarrativeError {
    #[error("narrative answer unusable: {0}")]
    BadAnswer(String),
    #[error("narrative uses numbers not in the figures: {}", .0.join(", "))]
    UnsupportedNumbers(Vec<String>),
}

/// The answer's JSON Schema (before provider shaping).
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {"paragraphs": {"type": "array", "items": {"type": "string"}}},
        "required": ["paragraphs"],
        "additionalProperties": false,
    })
}

/// The request for one section's paragraphs. The engine sends it under
/// the run's limits (`crate::engine::Scheduler::narrative`).
pub fn conversation(section: &str, figures: &Value) -> Conversation {
    Conversation {
        system: INSTRUCTION.to_string(),
        messages: vec![Message {
            role: Role::User,
            text: format!("Section: {section}\n\nFigures (JSON):\n{figures}"),
        }],
    }
}

/// The paragraphs of an answer, when every number in them is a figure;
/// `Err` means: keep the rules' text.
pub fn accept(text: &str, figures: &Value) -> Result<Vec<String>, NarrativeError> {
    let paragraphs = parse(text)?;
    let unsupported = unsupported_numbers(&paragraphs.join("\n"), figures);
    if unsupported.is_empty() {
        Ok(paragraphs)
    } else {
        Err(NarrativeError::UnsupportedNumbers(unsupported))
    }
}

fn parse(text: &str) -> Result<Vec<String>, NarrativeError> {
    let v: Value =
        serde_json::from_str(text.trim()).map_err(|e| NarrativeError::BadAnswer(e.to_string()))?;
    let paragraphs: Vec<String> = v
        .get("paragraphs")
        .and_then(Value::as_array)
        .map(|p| {
            p.iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if paragraphs.is_empty() {
        return Err(NarrativeError::BadAnswer("no paragraphs".into()));
    }
    Ok(paragraphs)
}

/// A number as written: its value and how many decimals it shows.
#[derive(Debug, Clone, PartialEq)]
struct Written {
    text: String,
    value: f64,
    decimals: i32,
}

/// Numbers in running text: `1,234`, `12.5`, `42%` (signs and units ignored).
fn numbers_in(text: &str) -> Vec<Written> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], ',' | '.')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let plain = token.replace(',', "");
        if let Ok(value) = plain.parse::<f64>() {
            let decimals = plain.split_once('.').map_or(0, |(_, d)| d.len() as i32);
            out.push(Written {
                text: token,
                value,
                decimals,
            });
        }
    }
    out
}

fn figure_values(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::String(s) => out.extend(numbers_in(s).into_iter().map(|w| w.value)),
        Value::Array(items) => items.iter().for_each(|i| figure_values(i, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.extend(numbers_in(k).into_iter().map(|w| w.value));
            figure_values(v, out);
        }),
        Value::Bool(_) | Value::Null => {}
    }
}

/// The numbers of `text` that are not figures (as displayed, rounded to
/// the decimals written, or x100 for a share shown as a percentage).
pub fn unsupported_numbers(text: &str, figures: &Value) -> Vec<String> {
    let mut known = Vec::new();
    figure_values(figures, &mut known);
    numbers_in(text)
        .into_iter()
        .filter(|w| {
            let tolerance = 0.5 * 10f64.powi(-w.decimals) + 1e-9;
            !known.iter().any(|f| {
                (f - w.value).abs() <= tolerance || (f * 100.0 - w.value).abs() <= tolerance
            })
        })
        .map(|w| w.text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rounded_figures_and_shares_as_percentages() {
        let figures = json!({"calls": 1234, "conversion_rate": 0.4236, "agent": "Maria (team 7)",
            "median_duration_s": 312.75});
        let text = "Of 1,234 calls, 42.4% converted (team 7); the median call lasted 313 seconds, or 312.8.";
        assert!(unsupported_numbers(text, &figures).is_empty());
    }

    #[test]
    fn flags_invented_numbers() {
        let figures = json!({"calls": 120, "converted": 30});
        let text = "30 of 120 calls converted, so about 1 in 4 did, up 15% on last month.";
        assert_eq!(unsupported_numbers(text, &figures), vec!["1", "4", "15"]);
    }

    #[test]
    fn parses_paragraphs_and_rejects_empty_answers() {
        assert_eq!(
            parse(r#"{"paragraphs": ["First.", "  ", "Second."]}"#).expect("ok"),
            vec!["First.", "Second."]
        );
        assert!(parse(r#"{"paragraphs": []}"#).is_err());
        assert!(parse("not json").is_err());
    }
}

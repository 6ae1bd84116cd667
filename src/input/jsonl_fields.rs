//! The typed fields of one JSONL call read by the rules CSV cells follow: a
//! date or duration that cannot be read (or a negative or implausible
//! duration) is removed with a warning naming the field, so the call is kept
//! with that value unknown; scalar attributes (`"age": 42`) are kept as text.
//! Anything else wrong with the line is left for the schema to refuse.

use serde_json::{Map, Value};

use super::values::{parse_datetime, parse_duration};
use crate::model::CallTime;

/// A field of the line that was removed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    /// Path of the field in the record: `duration_s`, `legs[1].duration_s`.
    pub field: String,
    pub message: String,
}

/// Reads the typed fields of one call record in place; every value that
/// cannot be read is removed and reported.
pub fn repair(record: &mut Value) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let Some(call) = record.as_object_mut() else {
        return problems;
    };
    check(call, "", "started_at", date, &mut problems);
    check(call, "", "duration_s", duration, &mut problems);
    if let Some(Value::Array(legs)) = call.get_mut("legs") {
        for (i, leg) in legs.iter_mut().enumerate() {
            if let Some(leg) = leg.as_object_mut() {
                check(
                    leg,
                    &format!("legs[{i}]."),
                    "duration_s",
                    duration,
                    &mut problems,
                );
            }
        }
    }
    if let Some(attributes) = call.get_mut("attributes") {
        attributes_as_text(attributes, &mut problems);
    }
    problems
}

/// Replaces `object[key]` by what `read` makes of it; `None` removes it.
fn check(
    object: &mut Map<String, Value>,
    prefix: &str,
    key: &str,
    read: fn(&Value) -> Result<Option<Value>, String>,
    problems: &mut Vec<FieldProblem>,
) {
    let Some(value) = object.get(key) else {
        return;
    };
    match read(value) {
        Ok(Some(v)) => {
            object.insert(key.to_string(), v);
        }
        Ok(None) => {
            object.remove(key);
        }
        Err(message) => {
            object.remove(key);
            problems.push(FieldProblem {
                field: format!("{prefix}{key}"),
                message: format!("{message}; treated as unknown"),
            });
        }
    }
}

/// The value as the text a CSV cell would hold (`null` is an empty cell).
fn as_cell(value: &Value) -> Result<String, String> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("expected a number or text, found `{other}`")),
    }
}

/// A duration by the CSV rules: seconds, `mm:ss` or `hh:mm:ss`, never
/// negative, at most a week.
fn duration(value: &Value) -> Result<Option<Value>, String> {
    let seconds = parse_duration(&as_cell(value)?)?;
    Ok(seconds.map(Value::from))
}

/// A start time as the schema writes it, else by the CSV rules (ISO 8601 or
/// month-first slash dates).
fn date(value: &Value) -> Result<Option<Value>, String> {
    if serde_json::from_value::<CallTime>(value.clone()).is_ok() {
        return Ok(Some(value.clone()));
    }
    let time = parse_datetime(&as_cell(value)?)?;
    Ok(time.map(|t| Value::String(t.to_rfc3339())))
}

/// Attribute values as text: numbers and booleans written as in the file,
/// `null` dropped; nested values are kept as their JSON text.
fn attributes_as_text(attributes: &mut Value, problems: &mut Vec<FieldProblem>) {
    let Value::Object(map) = attributes else {
        problems.push(FieldProblem {
            field: "attributes".to_string(),
            message: format!("expected an object of named values, found `{attributes}`; ignored"),
        });
        *attributes = Value::Object(Map::new());
        return;
    };
    map.retain(|_, v| !v.is_null());
    for value in map.values_mut() {
        if !value.is_string() {
            *value = Value::String(value.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unreadable_values_are_removed_and_named() {
        let mut record = json!({
            "id": "c1",
            "started_at": "yesterday",
            "duration_s": -50,
            "legs": [{"name": "a", "duration_s": "1:30"}, {"name": "b", "duration_s": 1e308}],
            "attributes": {"age": 42, "vip": true, "note": "x", "gone": null},
        });
        let problems = repair(&mut record);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["started_at", "duration_s", "legs[1].duration_s"]);
        assert!(problems[1].message.starts_with("negative duration `-50`"));
        assert!(problems[2].message.contains("implausible duration"));
        assert_eq!(
            record,
            json!({
                "id": "c1",
                "legs": [{"name": "a", "duration_s": 90.0}, {"name": "b"}],
                "attributes": {"age": "42", "vip": "true", "note": "x"},
            })
        );
    }

    #[test]
    fn readable_values_are_kept_in_schema_form() {
        let mut record = json!({"id": "c1", "started_at": "12/16/2025 8:32", "duration_s": "95"});
        assert_eq!(repair(&mut record), []);
        assert_eq!(record["started_at"], "2025-12-16T08:32:00");
        assert_eq!(record["duration_s"], 95.0);
    }
}

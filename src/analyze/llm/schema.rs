//! The one JSON Schema contract for LLM answers: generated from `Insight`
//! (schemars), `$ref`s inlined, the playbook's ids injected as enums, then
//! shaped for each provider (every field required and nullable for OpenAI's
//! strict mode and for Ollama, Gemini's OpenAPI subset). Properties keep the
//! declaration order of the Rust types, evidence first and judgement last,
//! because models write fields in schema order (`propertyOrdering` for
//! Gemini, key order for the others).

use serde_json::{Map, Value, json};

use crate::analyze::Insight;
use crate::config::Playbook;

/// Bumped whenever the shape of `Insight` changes; part of the analyzer key.
pub const SCHEMA_VERSION: u32 = 2;

/// The ids an answer may use, from the playbook. An empty list means the
/// playbook defines none, and any id is accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaybookIds {
    pub objections: Vec<String>,
    pub sections: Vec<String>,
    pub terminations: Vec<String>,
}

/// The objection kind an answer may always use besides the playbook's ids.
pub const OTHER_OBJECTION: &str = "other";

impl PlaybookIds {
    pub fn of(playbook: &Playbook) -> Self {
        PlaybookIds {
            objections: playbook.objections.iter().map(|o| o.id.clone()).collect(),
            sections: playbook.sections.iter().map(|s| s.id.clone()).collect(),
            terminations: playbook
                .termination_reasons
                .iter()
                .map(|t| t.id.clone())
                .collect(),
        }
    }

    fn objection_kinds(&self) -> Vec<String> {
        let mut kinds = self.objections.clone();
        kinds.push(OTHER_OBJECTION.to_string());
        kinds
    }
}

/// The resolved schema (no `$ref`, no non-standard `format`), with the
/// playbook's ids as enums. Ollama takes it as is.
pub fn insight_schema(ids: &PlaybookIds) -> Value {
    let root = schemars::schema_for!(Insight).to_value();
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut schema = resolve(&root, &defs);
    inject_ids(&mut schema, ids);
    schema
}

/// Inline `#/$defs/..` references and drop keys no provider needs. An
/// inlined type loses its own description (it would repeat at every use);
/// the description of the field that uses it stays.
fn resolve(node: &Value, defs: &Map<String, Value>) -> Value {
    let Value::Object(map) = node else {
        return match node {
            Value::Array(items) => Value::Array(items.iter().map(|v| resolve(v, defs)).collect()),
            other => other.clone(),
        };
    };
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| defs.get(name))
    {
        let mut inlined = resolve(target, defs);
        if let Some(obj) = inlined.as_object_mut() {
            obj.remove("description");
        }
        return inlined;
    }
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "$defs" | "$schema" | "title" | "format" => {}
            "properties" => {
                let props = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(name, s)| (name.clone(), resolve(s, defs)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            _ => {
                out.insert(key.clone(), resolve(value, defs));
            }
        }
    }
    Value::Object(out)
}

/// One step into a schema: a property, the array's items, or the non-null
/// branch of an optional value.
enum Step {
    Prop(&'static str),
    Items,
    Present,
}

fn descend<'a>(node: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let Some((step, rest)) = path.split_first() else {
        return Some(node);
    };
    let next = match step {
        Step::Prop(name) => node.get_mut("properties")?.get_mut(*name)?,
        Step::Items => node.get_mut("items")?,
        Step::Present => present_branch(node),
    };
    descend(next, rest)
}

/// For `anyOf: [S, {type: null}]` the branch `S`; otherwise the node itself.
fn present_branch(node: &mut Value) -> &mut Value {
    let has_any_of = node.get("anyOf").is_some_and(Value::is_array);
    if !has_any_of {
        return node;
    }
    let idx = node
        .get("anyOf")
        .and_then(Value::as_array)
        .and_then(|branches| branches.iter().position(|b| !is_null_schema(b)));
    match idx {
        Some(i) => &mut node["anyOf"][i],
        None => node,
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

fn allows_null(node: &Value) -> bool {
    match node.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    }
}

/// Restrict a string (or nullable string) schema to `ids`.
fn restrict(node: &mut Value, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    let mut values: Vec<Value> = ids.iter().map(|id| json!(id)).collect();
    if allows_null(node) {
        values.push(Value::Null);
    }
    if let Some(obj) = node.as_object_mut() {
        obj.insert("enum".into(), Value::Array(values));
    }
}

fn inject_ids(schema: &mut Value, ids: &PlaybookIds) {
    use Step::*;
    let kinds = ids.objection_kinds();
    let targets: [(&[Step], &[String]); 6] = [
        (&[Prop("early_termination")], &ids.terminations),
        (&[Prop("objections"), Items, Prop("kind")], &kinds),
        (
            &[Prop("objections"), Items, Prop("section_returned_to")],
            &ids.sections,
        ),
        (
            &[
                Prop("script"),
                Present,
                Prop("sections"),
                Items,
                Prop("section"),
            ],
            &ids.sections,
        ),
        (
            &[Prop("script"), Present, Prop("strongest_sections"), Items],
            &ids.sections,
        ),
        (
            &[Prop("script"), Present, Prop("weakest_sections"), Items],
            &ids.sections,
        ),
    ];
    for (path, values) in targets {
        if let Some(node) = descend(schema, path) {
            restrict(node, values);
        }
    }
    for pct in [
        &[Prop("script"), Present, Prop("overall_pct")][..],
        &[
            Prop("script"),
            Present,
            Prop("sections"),
            Items,
            Prop("score_pct"),
        ][..],
    ] {
        if let Some(obj) = descend(schema, pct).and_then(Value::as_object_mut) {
            obj.insert("minimum".into(), json!(0));
            obj.insert("maximum".into(), json!(100));
        }
    }
}

/// OpenAI structured outputs, strict mode: every object closed and every
/// property required; the optional ones made nullable.
pub fn openai_strict(schema: &Value) -> Value {
    let mut out = schema.clone();
    make_strict(&mut out);
    out
}

fn make_strict(node: &mut Value) {
    match node {
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        Value::Object(map) => {
            if map.get("properties").is_some_and(Value::is_object) {
                let required: Vec<String> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                let mut all = Vec::new();
                if let Some(Value::Object(props)) = map.get_mut("properties") {
                    for (name, prop) in props.iter_mut() {
                        if !required.contains(name) {
                            make_nullable(prop);
                        }
                        all.push(json!(name));
                    }
                }
                map.insert("required".into(), Value::Array(all));
                map.insert("additionalProperties".into(), json!(false));
            }
            for (key, value) in map.iter_mut() {
                if key != "enum" {
                    make_strict(value);
                }
            }
        }
        _ => {}
    }
}

fn make_nullable(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
        if !branches.iter().any(is_null_schema) {
            branches.push(json!({"type": "null"}));
        }
        return;
    }
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"))
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}

/// Gemini's `responseSchema`: the OpenAPI 3.0 subset (upper-case types,
/// `nullable` instead of null unions, no `additionalProperties`).
pub fn gemini(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(Value::Array(branches)) = map.get("anyOf") {
        let present: Vec<&Value> = branches.iter().filter(|b| !is_null_schema(b)).collect();
        if let [only] = present.as_slice() {
            let mut converted = gemini(only);
            if branches.len() > 1
                && let Some(obj) = converted.as_object_mut()
            {
                obj.insert("nullable".into(), json!(true));
            }
            if let (Some(desc), Some(obj)) = (map.get("description"), converted.as_object_mut()) {
                obj.entry("description").or_insert(desc.clone());
            }
            return converted;
        }
    }
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "type" => gemini_type(value, &mut out),
            "description" | "required" | "minimum" | "maximum" | "minItems" | "maxItems" => {
                out.insert(key.clone(), value.clone());
            }
            "enum" => {
                let values: Vec<Value> = value
                    .as_array()
                    .map(|v| v.iter().filter(|x| !x.is_null()).cloned().collect())
                    .unwrap_or_default();
                out.insert("enum".into(), Value::Array(values));
                out.insert("format".into(), json!("enum"));
            }
            "items" => {
                out.insert(key.clone(), gemini(value));
            }
            "properties" => {
                let props: Map<String, Value> = value
                    .as_object()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), gemini(v))).collect())
                    .unwrap_or_default();
                let order: Vec<Value> = props.keys().map(|k| json!(k)).collect();
                out.insert(key.clone(), Value::Object(props));
                out.insert("propertyOrdering".into(), Value::Array(order));
            }
            _ => {}
        }
    }
    Value::Object(out)
}

fn gemini_type(value: &Value, out: &mut Map<String, Value>) {
    let (name, nullable) = match value {
        Value::String(t) => (Some(t.as_str()), false),
        Value::Array(types) => (
            types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null"),
            types.iter().any(|t| t == "null"),
        ),
        _ => (None, false),
    };
    if let Some(name) = name {
        out.insert("type".into(), json!(name.to_ascii_uppercase()));
    }
    if nullable {
        out.insert("nullable".into(), json!(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> PlaybookIds {
        PlaybookIds {
            objections: vec!["price".into(), "timing".into()],
            sections: vec!["intro".into(), "pitch".into()],
            terminations: vec!["hung_up".into()],
        }
    }

    fn all_nodes(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Object(m) => {
                out.push(v.clone());
                m.values().for_each(|c| all_nodes(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| all_nodes(c, out)),
            _ => {}
        }
    }

    #[test]
    fn resolved_schema_has_no_refs_and_carries_playbook_ids() {
        let s = insight_schema(&ids());
        let text = s.to_string();
        assert!(!text.contains("$ref") && !text.contains("$defs"));
        assert!(!text.contains("uint8"));
        let kind = &s["properties"]["objections"]["items"]["properties"]["kind"];
        assert_eq!(kind["enum"], json!(["price", "timing", "other"]));
        assert_eq!(
            s["properties"]["early_termination"]["enum"],
            json!(["hung_up", null])
        );
    }

    #[test]
    fn openai_strict_closes_every_object_and_requires_every_property() {
        let s = openai_strict(&insight_schema(&ids()));
        let mut nodes = Vec::new();
        all_nodes(&s, &mut nodes);
        let objects: Vec<&Value> = nodes
            .iter()
            .filter(|n| n.get("properties").is_some())
            .collect();
        assert!(
            objects.len() >= 6,
            "Insight, Quote, Objection, Script, Section, NonCompliance"
        );
        for obj in objects {
            assert_eq!(obj["additionalProperties"], json!(false));
            let props = obj["properties"].as_object().expect("object");
            let req = obj["required"].as_array().expect("required");
            assert_eq!(props.len(), req.len());
        }
        assert_eq!(
            s["properties"]["agent_persona"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn gemini_schema_uses_openapi_subset() {
        let s = gemini(&insight_schema(&ids()));
        let text = s.to_string();
        for banned in ["anyOf", "additionalProperties", "\"null\"", "$ref"] {
            assert!(!text.contains(banned), "{banned} in {text}");
        }
        assert_eq!(s["type"], json!("OBJECT"));
        let engagement = &s["properties"]["engagement"];
        assert_eq!(engagement["type"], json!("STRING"));
        assert_eq!(engagement["nullable"], json!(true));
        assert_eq!(engagement["enum"], json!(["low", "medium", "high"]));
        let order = s["propertyOrdering"].as_array().expect("ordering");
        let keys: Vec<&String> = s["properties"].as_object().expect("props").keys().collect();
        assert_eq!(order.len(), keys.len());
        assert!(order.iter().zip(&keys).all(|(o, k)| o == *k));
    }

    fn position(order: &[&String], name: &str) -> usize {
        order.iter().position(|k| *k == name).expect(name)
    }

    #[test]
    fn evidence_comes_before_the_judgement_resting_on_it() {
        for shaped in [
            openai_strict(&insight_schema(&ids())),
            gemini(&insight_schema(&ids())),
        ] {
            let top: Vec<&String> = shaped["properties"]
                .as_object()
                .expect("props")
                .keys()
                .collect();
            for verdict in [
                "agent_rating",
                "engagement",
                "early_termination",
                "recommendations",
            ] {
                for evidence in ["notable_quotes", "objections", "critical_moment"] {
                    assert!(
                        position(&top, evidence) < position(&top, verdict),
                        "{evidence} before {verdict}"
                    );
                }
            }
            let objection = &shaped["properties"]["objections"]["items"]["properties"];
            let keys: Vec<&String> = objection.as_object().expect("props").keys().collect();
            assert!(position(&keys, "customer_quote") < position(&keys, "rebuttal_quality"));
        }
    }

    #[test]
    fn a_type_used_many_times_is_not_described_at_every_use() {
        let text = insight_schema(&ids()).to_string();
        assert!(!text.contains("grounded"), "no field the answer cannot set");
        assert!(!text.contains("A verbatim quote"));
    }
}

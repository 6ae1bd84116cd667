//! Lead-quality columns (`LQ_*`, `lead_*`, `Calls Count`, `Connection Made
//! Calls`, `dial_attempts`) and how their values are bucketed so conversion
//! can be compared across them.

use super::group_key::GroupKey;

/// Distinct buckets above which an attribute is dropped (names, addresses).
pub const MAX_BUCKETS: usize = 30;

/// Attempt and connection counters, compared case- and separator-insensitively.
const LEAD_COUNTERS: [&str; 3] = ["calls count", "connection made calls", "dial attempts"];

/// True for the pass-through columns that describe the lead.
pub fn is_lead_attribute(name: &str) -> bool {
    let norm = name.trim().to_lowercase().replace(['_', '-'], " ");
    norm.starts_with("lq ") || norm.starts_with("lead ") || LEAD_COUNTERS.contains(&norm.as_str())
}

/// Numbers fall into count buckets; text is its own bucket; blanks are skipped.
pub fn bucket(value: &str) -> Option<GroupKey> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let Ok(x) = v.parse::<f64>() else {
        return Some(GroupKey::Text(v.to_string()));
    };
    let (order, label) = match x {
        x if !x.is_finite() || x < 0.0 => (0, "negative or invalid"),
        x if x < 1.0 => (1, "0"),
        x if x < 2.0 => (2, "1"),
        x if x < 3.0 => (3, "2"),
        x if x < 6.0 => (4, "3-5"),
        x if x < 11.0 => (5, "6-10"),
        _ => (6, "11 or more"),
    };
    Some(GroupKey::Bucket(order, label.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_bucketed_in_order_and_text_kept() {
        let b = |s| bucket(s).map(|k| k.to_string());
        assert_eq!(b("0"), Some("0".into()));
        assert_eq!(b(" 4 "), Some("3-5".into()));
        assert_eq!(b("12.0"), Some("11 or more".into()));
        assert_eq!(b("Plumbing"), Some("Plumbing".into()));
        assert_eq!(b("  "), None);
        assert!(bucket("2") < bucket("3"));
        assert!(bucket("10") < bucket("11"));
        assert!(is_lead_attribute("LQ_Service"));
        assert!(is_lead_attribute("Calls Count"));
        assert!(is_lead_attribute("Connection Made Calls"));
        assert!(is_lead_attribute("lead_service"));
        assert!(is_lead_attribute("dial_attempts"));
        assert!(!is_lead_attribute("TO_OMC_Duration"));
        assert!(!is_lead_attribute("leader"));
    }
}

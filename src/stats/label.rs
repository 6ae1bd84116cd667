//! Human labels for the closed sets, from their serde names, so a label can
//! never disagree with the stored value.

use serde::Serialize;

/// `customer_hung_up_immediately` -> `customer hung up immediately`.
pub fn label<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::from("?"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::insight::{NonComplianceCategory, NonComplianceReason};

    #[test]
    fn labels_come_from_serde_names() {
        assert_eq!(
            label(&NonComplianceReason::CustomerHungUpImmediately),
            "customer hung up immediately"
        );
        assert_eq!(label(&NonComplianceCategory::AgentError), "agent error");
    }
}

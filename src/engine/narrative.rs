//! The report narrative as an engine task: a section's figures go out
//! through the run's scheduler (limits, retries, budget, accounting) and
//! the answer is kept only when every number in it is a figure.

use serde_json::Value;

use super::worker::{End, Ledger, Shared, Task, run_task};
use crate::analyze::llm::wire::Conversation;
use crate::analyze::llm::{LlmClient, narrative};

/// Writing one section's paragraphs from its figures.
struct NarrativeTask<'a> {
    client: &'a LlmClient,
    schema: Value,
    figures: &'a Value,
}

impl Task for NarrativeTask<'_> {
    type Output = Vec<String>;
    const REASK: bool = false;

    fn body(&self, conv: &Conversation) -> Value {
        self.client.body_with(conv, &self.schema)
    }

    fn accept(&self, text: &str) -> Result<Vec<String>, String> {
        narrative::accept(text, self.figures).map_err(|e| e.to_string())
    }
}

pub(super) async fn write(
    shared: &Shared,
    section: &str,
    figures: &Value,
) -> Result<Vec<String>, String> {
    let client = shared.analyzer().client();
    let task = NarrativeTask {
        client,
        schema: client.kind().shape_schema(&narrative::schema()),
        figures,
    };
    let mut conv = narrative::conversation(section, figures);
    let mut ledger = Ledger::default();
    match run_task(&task, &mut conv, shared, &mut ledger).await {
        End::Done(paragraphs) => Ok(*paragraphs),
        End::Failed { error, .. } => Err(error),
        End::Abandoned => Err("the run has stopped".to_string()),
    }
}

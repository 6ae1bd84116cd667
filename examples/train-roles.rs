//! Trains the role classifier shipped inside the binary
//! (`src/transcript/roles.cslm`); run by `scripts/train-roles`.
#![allow(clippy::print_stdout)] // a command-line tool reports what it wrote

use std::error::Error;
use std::path::Path;

use callscope::learn::Part;
use callscope::transcript::corpus::{self, labelled_calls, persuasion, utterances};
use callscope::transcript::role_model;

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut convs = corpus::part(
        persuasion(&root.join("data/persuasionforgood/full_dialog.csv"))?,
        Part::Train,
    );
    convs.extend(corpus::part(
        labelled_calls(&root.join("examples/demo-calls.csv"))?,
        Part::Train,
    ));
    convs.extend(utterances(&root.join("data/sales-seed/utterances.csv"))?);
    let model = role_model::train("roles-pfg-train+demo-train+sales-seed", &convs)?;
    let out = root.join("src/transcript/roles.cslm");
    std::fs::write(&out, model.to_bytes())?;
    println!("{} conversations -> {}", convs.len(), out.display());
    Ok(())
}

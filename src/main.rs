//! The `callscope` binary: runs the command line and turns an error into one
//! paragraph on stderr and exit code 1.

#![allow(clippy::print_stderr)] // the error paragraph

fn main() {
    match callscope::cli::run() {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            std::process::exit(1);
        }
    }
}

/// The error and its causes on one line, stopping at the first cause its
/// parent's message already quotes (library errors include their cause, so
/// `{:#}` would repeat it).
fn describe(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    let mut parent = text.clone();
    for cause in e.chain().skip(1) {
        let message = cause.to_string();
        if parent.contains(&message) {
            break;
        }
        text = format!("{text}: {message}");
        parent = message;
    }
    text
}

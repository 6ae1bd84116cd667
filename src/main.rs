//! The `callscope` binary: runs the command line and turns an error into one
//! paragraph on stderr and exit code 1.

#![allow(clippy::print_stderr)] // the error paragraph

fn main() {
    restore_sigpipe();
    match callscope::cli::run() {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            std::process::exit(1);
        }
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`callscope … |
/// head -1`) would panic; like other Unix tools, end quietly instead. Output
/// files are all written before anything is printed.
#[allow(unsafe_code)] // the one libc call; no safe API sets a signal's disposition
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists;
    // setting a signal's disposition to its default has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
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

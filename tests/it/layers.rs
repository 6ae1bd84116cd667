//! The layering rule of the README's "Layout of the code" table, checked
//! on the source: every top-level module is in the table, and no module
//! refers (`crate::name`, outside comments) to one listed after it. The
//! table order is the dependency order, so there is no import cycle either.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Module names in the order of the README's layout table.
fn layers() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let table = readme
        .split("## Layout of the code")
        .nth(1)
        .expect("a layout section");
    table
        .lines()
        .skip_while(|l| !l.starts_with("| module"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let cell = row.split('|').nth(1).expect("a first cell").trim();
            let name = cell.trim_matches('`').trim_end_matches('/');
            name.trim_end_matches(".rs").to_string()
        })
        .collect()
}

/// The modules `lib.rs` declares.
fn declared() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("lib.rs");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect()
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("read_dir") {
            rust_files(&entry.expect("entry").path(), out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The top-level modules a line of code refers to as `crate::name`.
fn references(line: &str) -> Vec<&str> {
    let code = line.split("//").next().unwrap_or_default();
    code.match_indices("crate::")
        .map(|(i, m)| {
            let rest = &code[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

#[test]
fn every_module_is_in_the_layout_table() {
    let layers = layers();
    for module in declared() {
        assert!(
            layers.contains(&module),
            "src/lib.rs declares `{module}`, missing from README's layout table {layers:?}"
        );
    }
}

#[test]
fn no_module_refers_to_one_above_it() {
    let layers = layers();
    let mut violations = Vec::new();
    for (rank, module) in layers.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&root().join("src").join(module), &mut files);
        rust_files(&root().join(format!("src/{module}.rs")), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            for (n, line) in text.lines().enumerate() {
                for target in references(line) {
                    let above = layers
                        .iter()
                        .position(|l| l == target)
                        .is_some_and(|t| t > rank);
                    if above {
                        violations.push(format!(
                            "{}:{}: {module} -> {target}",
                            file.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that run back up:\n{}",
        violations.join("\n")
    );
}

#[test]
fn references_skip_comments_and_find_every_path() {
    assert_eq!(
        references("use crate::model::Call; // crate::run"),
        vec!["model"]
    );
    assert_eq!(
        references("let x = crate::a::f(crate::b_c::g());"),
        vec!["a", "b_c"]
    );
    assert!(references("//! see `crate::engine`").is_empty());
}

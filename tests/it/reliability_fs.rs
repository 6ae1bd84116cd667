//! Filesystem and environment faults: a full disk, a read-only output
//! folder, a database locked by another process, and a provider whose host
//! does not resolve. Each gives a clear error naming the path or host, a
//! non-zero exit, and leaves an existing database intact.
//!
//! We run as root in CI containers, where permissions do not stop writes:
//! the full disk is a small tmpfs and the read-only folder a read-only bind
//! mount. Without the right to mount, the same cases use RLIMIT_FSIZE and
//! `chmod`, which do stop an unprivileged user.

#![allow(unsafe_code)] // setrlimit(2) in pre_exec caps the file size

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::cli::{demo_calls, integrity, offline, run_json, stderr, stored_ok};

/// A mount undone when dropped.
struct Mount(PathBuf);

impl Mount {
    fn new(args: &[&str], target: &Path) -> Option<Mount> {
        let ok = Command::new("mount")
            .args(args)
            .arg(target)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(target.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// One paragraph: a single line, or lines without blank ones between.
fn one_paragraph(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && !text.contains("\n\n") && !text.contains("panicked")
}

/// A finished offline run of the first `limit` calls into `out`.
fn seeded_out(input: &Path, out: &Path, limit: &str) {
    let first = offline(input, out, &["--limit", limit, "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
}

#[test]
fn disk_full_is_a_clear_error_and_leaves_the_database_sound() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 400, 21);
    let out = dir.path().join("small");
    std::fs::create_dir(&out).unwrap();
    let mount = Mount::new(&["-t", "tmpfs", "-o", "size=2m", "tmpfs"], &out);
    seeded_out(&input, &out, "5");
    let db = out.join("callscope.db");
    let before = stored_ok(&db);
    let mut cmd = crate::support::cli::callscope();
    cmd.arg("analyze").arg(&input).arg("--out").arg(&out);
    if mount.is_none() {
        limit_file_size(&mut cmd, std::fs::metadata(&db).unwrap().len() + 1_000_000);
    }
    let full = cmd.output().unwrap();
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    let err = stderr(&full);
    assert!(one_paragraph(&err), "{err}");
    assert!(
        err.contains(&db.display().to_string()),
        "names the database: {err}"
    );
    assert!(
        err.contains("full") || err.contains("too large"),
        "says why: {err}"
    );
    assert_eq!(integrity(&db), "ok");
    assert!(before.is_subset(&stored_ok(&db)), "earlier results kept");
    drop(mount);
}

/// Caps the size of any file the child writes; writes past it fail with
/// EFBIG instead of killing the process.
fn limit_file_size(cmd: &mut Command, bytes: u64) {
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn read_only_output_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 30, 22);
    let rw = dir.path().join("rw");
    seeded_out(&input, &rw, "10");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let rw_arg = rw.display().to_string();
    let mount = Mount::new(&["--bind", "-o", "ro", &rw_arg], &ro);
    let target = match &mount {
        Some(_) => ro.clone(),
        None => {
            chmod(&rw, 0o555);
            chmod(&rw.join("callscope.db"), 0o444);
            rw.clone()
        }
    };
    let result = offline(&input, &target, &[]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let err = stderr(&result);
    assert!(one_paragraph(&err), "{err}");
    assert!(
        err.contains(&target.display().to_string()),
        "names the folder: {err}"
    );
    assert!(err.to_lowercase().contains("read-only"), "{err}");

    let new_folder = target.join("new");
    let result = offline(&input, &new_folder, &[]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(
        one_paragraph(&err) && err.contains(&new_folder.display().to_string()),
        "{err}"
    );
    drop(mount);
    if target == rw {
        chmod(&rw, 0o755);
    }
    assert_eq!(integrity(&rw.join("callscope.db")), "ok");
    assert_eq!(stored_ok(&rw.join("callscope.db")).len(), 10);
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn database_locked_by_another_process_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 30, 23);
    let out = dir.path().join("out");
    seeded_out(&input, &out, "10");
    let db = out.join("callscope.db");
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let result = offline(&input, &out, &[]);
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let err = stderr(&result);
    assert!(one_paragraph(&err), "{err}");
    assert!(
        err.contains(&db.display().to_string()),
        "names the database: {err}"
    );
    assert!(err.contains("locked"), "{err}");
    assert_eq!(integrity(&db), "ok");
    assert_eq!(stored_ok(&db).len(), 10);
}

#[test]
fn unresolvable_provider_host_stops_the_run_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 60, 24);
    let out = dir.path().join("out");
    seeded_out(&input, &out, "5");
    let result =
        crate::support::cli::llm_command(&input, "gemini", "http://nonexistent.invalid", &out)
            .output()
            .unwrap();
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(3), "stopped early: {err}");
    assert!(err.contains("nonexistent.invalid"), "names the host: {err}");
    let run = run_json(&out);
    assert_eq!(run["calls_failed"], 0, "no call is blamed: {run}");
    assert_eq!(run["calls_pending"], 60, "{run}");
    assert_eq!(run["stopped"]["reason"], "unusable", "{run}");
    assert!(
        run["requests"].as_u64().unwrap() <= 60 * 3,
        "gives up on an unreachable host after a few tries, not every call's full retries: {run}"
    );
    assert_eq!(integrity(&out.join("callscope.db")), "ok");
}

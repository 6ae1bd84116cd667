//! One run at a time per output folder: an OS advisory lock on
//! `.callscope.lock` in the folder, held for the whole run (or `report`) and
//! released when the process ends, even when it is killed.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::{Context, Result};

/// The lock file inside an output folder.
pub const LOCK_FILE: &str = ".callscope.lock";

/// Held while the folder is written; dropping it releases the lock.
#[derive(Debug)]
pub struct OutputLock {
    _file: File,
}

/// Locks `dir` (which must exist) for this process, or says who holds it.
pub fn lock(dir: &Path) -> Result<OutputLock> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock { _file: file }),
        Err(TryLockError::WouldBlock) => anyhow::bail!(
            "another callscope run is writing to {}; wait for it to finish or give this one another --out",
            dir.display()
        ),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).expect("first");
        let err = lock(dir.path()).expect_err("second");
        assert!(
            err.to_string()
                .contains("another callscope run is writing to"),
            "{err}"
        );
        drop(first);
        lock(dir.path()).expect("free again");
    }
}

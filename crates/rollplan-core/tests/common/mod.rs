//! Helpers shared by the integration tests: finding the shared test data.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::{Path, PathBuf};

use rollplan_core::Syntax;

/// The repository root (the test data lives in `/tests`, shared by every layer).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every description file in a test-data folder (not the snapshots beside them), sorted.
pub fn descriptions(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join(folder))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| Syntax::from_path(&path.to_string_lossy()).is_some())
        .collect();
    files.sort();
    files
}

/// The text of a file under the repository root.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap()
}

//! `cargo xtask size`: everything a first visit downloads, each file raw and
//! gzipped, against the page budget.
//!
//! A first visit downloads every file in `dist/`: the page, its loader, the
//! wasm, the stylesheet, the icon, and the service worker, which precaches
//! all of them for offline use. gzip -9 is what a static host typically
//! serves; the budget is on that total.

use std::path::Path;

use crate::cmd::{Env, Result};

/// What a first visit may download, gzipped: 200 KB.
pub const BUDGET_GZIPPED: u64 = 200 * 1024;

/// One file of `dist/`: its name, bytes and bytes gzipped.
pub struct FileSize {
    pub name: String,
    pub bytes: u64,
    pub gzipped: u64,
}

/// Every file of `dist/`, sorted by name.
pub fn measure(env: &Env, dist: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|error| format!("cannot list {}: {error}", dist.display()))?;
    for entry in entries.filter_map(std::result::Result::ok) {
        let Ok(metadata) = entry.metadata() else { continue };
        if !metadata.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let gzipped = gzip_size(env, &entry.path())?;
        files.push(FileSize { name, bytes: metadata.len(), gzipped });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Prints the table; returns the gzipped total.
pub fn print(files: &[FileSize]) -> u64 {
    println!("{:>10}  {:>10}  file", "bytes", "gzip -9");
    let (mut total, mut total_gzipped) = (0, 0);
    for file in files {
        println!("{:>10}  {:>10}  {}", file.bytes, file.gzipped, file.name);
        total += file.bytes;
        total_gzipped += file.gzipped;
    }
    println!("{total:>10}  {total_gzipped:>10}  (all: what a first visit downloads)");
    total_gzipped
}

/// Fails when the gzipped total is over [`BUDGET_GZIPPED`].
pub fn check(total_gzipped: u64) -> Result<()> {
    if total_gzipped > BUDGET_GZIPPED {
        return Err(format!(
            "a first visit downloads {total_gzipped} bytes gzipped, over the budget of {BUDGET_GZIPPED} ({} over)",
            total_gzipped - BUDGET_GZIPPED
        ));
    }
    println!("ok    {total_gzipped} bytes gzipped, within the budget of {BUDGET_GZIPPED}");
    Ok(())
}

/// A file's size compressed with `gzip -9`, as a web server would send it.
fn gzip_size(env: &Env, path: &Path) -> Result<u64> {
    let output = env
        .command("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|error| format!("cannot run gzip for {}: {error}", path.display()))?;
    if !output.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

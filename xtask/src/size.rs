//! `cargo xtask size`: everything a first visit downloads, each file raw,
//! gzipped and in Brotli, against the page budget.
//!
//! A first visit downloads every file in `dist/` (but the precompressed
//! copies, which are the same files): the page, its loader, the wasm, the
//! stylesheet, the icon, and the service worker, which precaches all of
//! them for offline use. gzip -9 is what a static host typically serves;
//! the budget is on that total. Brotli is what a host serving the
//! precompressed copies sends to browsers that accept it.

use std::path::Path;

use crate::cmd::{Env, Result};
use crate::compress;

/// What a first visit may download, gzipped: 360 KiB (the product decision
/// of issue 12: Rust and Yew stay, and this is what they cost).
pub const BUDGET_GZIPPED: u64 = 360 * 1024;

/// One file of `dist/`: its name, bytes, and bytes gzipped and in Brotli.
pub struct FileSize {
    pub name: String,
    pub bytes: u64,
    pub gzipped: u64,
    pub brotli: u64,
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
        if compress::is_copy(&name) {
            continue;
        }
        let gzipped = compress::gzip(env, &entry.path())?.len() as u64;
        let brotli = compress::brotli(env, &entry.path())?.len() as u64;
        files.push(FileSize { name, bytes: metadata.len(), gzipped, brotli });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Prints the table; returns the gzipped total.
pub fn print(files: &[FileSize]) -> u64 {
    println!("{:>10}  {:>10}  {:>10}  file", "bytes", "gzip -9", "brotli -q 11");
    let (mut total, mut total_gzipped, mut total_brotli) = (0, 0, 0);
    for file in files {
        println!("{:>10}  {:>10}  {:>10}  {}", file.bytes, file.gzipped, file.brotli, file.name);
        total += file.bytes;
        total_gzipped += file.gzipped;
        total_brotli += file.brotli;
    }
    println!("{total:>10}  {total_gzipped:>10}  {total_brotli:>10}  (all: what a first visit downloads)");
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

//! Precompressed copies of dist/: `NAME.gz` (gzip -9) and `NAME.br` (Brotli,
//! quality 11) beside each file, for static hosts that serve a precompressed
//! file when the browser accepts it (nginx `gzip_static` and `brotli_static`,
//! Caddy `precompressed`; see the README). A host that does not look for them
//! serves the originals, so they cost nothing but disk.
//!
//! A copy no smaller than its original is not written: a server would send
//! more bytes with it than without. The service worker precaches the
//! originals only (`dist.rs`); the browser decodes a compressed response
//! before the worker sees it.

use std::path::Path;

use crate::cmd::{Env, Result};

/// The encodings written, as file-name suffixes.
pub const SUFFIXES: [&str; 2] = ["gz", "br"];

/// Whether `name` is one of the copies this module writes.
pub fn is_copy(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|extension| SUFFIXES.iter().any(|suffix| extension == *suffix))
}

/// A file compressed by `gzip -9 -n` (no name or time in the header, so
/// the same file always gives the same bytes).
pub fn gzip(env: &Env, path: &Path) -> Result<Vec<u8>> {
    compressed(env, "gzip", &["-9", "-n", "-c"], path)
}

/// A file compressed by `brotli -q 11` (the most thorough setting, as for
/// files compressed once and served many times).
pub fn brotli(env: &Env, path: &Path) -> Result<Vec<u8>> {
    compressed(env, "brotli", &["-q", "11", "-c"], path)
}

fn compressed(env: &Env, program: &str, args: &[&str], path: &Path) -> Result<Vec<u8>> {
    let output = env
        .command(program)
        .args(args)
        .arg(path)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| format!("cannot run {program} for {}: {error}", path.display()))?;
    if !output.status.success() {
        return Err(format!("{program} failed on {} ({})", path.display(), output.status));
    }
    Ok(output.stdout)
}

/// Writes the `.gz` and `.br` copies of every file directly in `dist`
/// (Trunk writes no directories there); returns how many it wrote.
pub fn precompress(env: &Env, dist: &Path) -> Result<usize> {
    let mut written = 0;
    let entries = std::fs::read_dir(dist).map_err(|error| format!("cannot list {}: {error}", dist.display()))?;
    let mut originals: Vec<_> = entries
        .filter_map(std::result::Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .map(|entry| entry.path())
        .filter(|path| !is_copy(&path.to_string_lossy()))
        .collect();
    originals.sort();
    for path in originals {
        let size = std::fs::metadata(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?.len();
        for (suffix, bytes) in [("gz", gzip(env, &path)?), ("br", brotli(env, &path)?)] {
            let mut copy = path.clone().into_os_string();
            copy.push(format!(".{suffix}"));
            let copy = std::path::PathBuf::from(copy);
            if (bytes.len() as u64) < size {
                std::fs::write(&copy, &bytes).map_err(|error| format!("cannot write {}: {error}", copy.display()))?;
                written += 1;
            } else if copy.exists() {
                // A stale copy from an earlier build would be served instead of the new file.
                std::fs::remove_file(&copy).map_err(|error| format!("cannot remove {}: {error}", copy.display()))?;
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::is_copy;

    #[test]
    fn tells_copies_from_originals() {
        assert!(is_copy("rollplan-web-0123_bg.wasm.br"));
        assert!(is_copy("index.html.gz"));
        assert!(!is_copy("index.html"));
        assert!(!is_copy("sw.js"));
        assert!(!is_copy("style.brotli.css"));
    }
}

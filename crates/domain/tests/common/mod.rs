//! What the repository-wide checks share: the repository root and a walk
//! over its Rust files.

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, leaving out `target/`, `dist/`, hidden
/// folders and the folders named in `skip`.
pub fn rust_files(dir: &Path, skip: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !matches!(name.as_str(), "target" | "dist")
                && !name.starts_with('.')
                && !skip.contains(&name.as_str())
            {
                rust_files(&p, skip, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

//! Turning the command line's files and folders into the list of inputs to convert.

use crate::pipeline::input_kind;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

pub struct Input {
    pub path: PathBuf,
    /// The path as the user would recognise it (as given, or folder/relative for walked files).
    pub shown: String,
}

pub struct Found {
    pub files: Vec<Input>,
    pub warnings: Vec<String>,
}

/// Files given by name are taken whatever their extension (an unsupported one becomes a failed
/// row); folders are walked recursively for supported extensions, in sorted order — except
/// text dumps (.txt), which are converted only when named (folders hold notes and outputs).
pub fn collect(inputs: &[PathBuf]) -> Result<Found> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in inputs {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => bail!("cannot read input {}: {e}", p.display()),
        };
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() && input_kind(e.path()).is_some_and(|k| k != crate::pipeline::InputKind::Text) && !crate::produce::html::is_saved_page_asset(e.path()) => {
                        push(&mut files, &mut seen, e.path());
                    }
                    Ok(_) => {}
                    Err(e) => warnings.push(format!("skipping part of {}: {e}", p.display())),
                }
            }
        } else {
            push(&mut files, &mut seen, p);
        }
    }
    Ok(Found { files, warnings })
}

fn push(files: &mut Vec<Input>, seen: &mut std::collections::HashSet<PathBuf>, p: &Path) {
    let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if seen.insert(key) {
        files.push(Input { path: p.to_path_buf(), shown: p.to_string_lossy().into_owned() });
    }
}

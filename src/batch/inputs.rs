//! Turning the command line's files and folders into the list of inputs to convert.
//!
//! Every input gets a row in reports.csv: files of a kind nianbao reads are converted; report-like
//! files of a kind it does not read yet (`NotReadYet`: .doc, .wps, .ofd, spreadsheets, other
//! image formats) are listed as `skipped` with what to do; a file or folder entry that cannot be
//! opened (permissions, a broken link) is listed as `failed` with the reason.

use crate::pipeline::{InputKind, input_kind};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

pub struct Input {
    pub path: PathBuf,
    /// The path as the user would recognise it (as given, or folder/relative for walked files).
    pub shown: String,
    /// Set when the file is not to be converted: why, and the row it gets instead.
    pub verdict: Option<Verdict>,
}

/// Why an input is listed without being converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A report-like format nianbao does not read yet (status `skipped`).
    NotReadYet(NotReadYet),
    /// The file (or a folder entry) could not be opened (status `failed`): the row's error.
    Unreadable(String),
}

/// Report-like file formats that nianbao does not read yet, found in folders or given by name.
/// Each says what to do with such a file, in the row it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReadYet {
    /// Legacy Word (.doc) and WPS Writer (.wps) documents.
    LegacyWord,
    /// OFD (GB/T 33190), China's fixed-layout format.
    Ofd,
    /// Spreadsheets: Excel (.xls, .xlsx) and WPS Spreadsheets (.et).
    Spreadsheet,
    /// Image formats other than PNG, JPEG and TIFF.
    OtherImage,
}

impl NotReadYet {
    /// By extension (any case); `None` for formats read and for files that are no reports.
    pub fn of(path: &Path) -> Option<NotReadYet> {
        if input_kind(path).is_some() {
            return None;
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "doc" | "wps" => NotReadYet::LegacyWord,
            "ofd" => NotReadYet::Ofd,
            "xls" | "xlsx" | "et" => NotReadYet::Spreadsheet,
            "gif" | "bmp" | "webp" | "jp2" | "heic" | "heif" | "avif" => NotReadYet::OtherImage,
            _ => return None,
        })
    }

    /// The row's `error`: what the file is and what to do with it.
    pub fn advice(self, path: &Path) -> String {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match self {
            NotReadYet::LegacyWord if ext == "wps" => {
                "WPS Writer .wps is not read yet: save it as .docx or PDF".into()
            }
            NotReadYet::LegacyWord => {
                "legacy Word .doc is not read yet: save it as .docx or PDF".into()
            }
            NotReadYet::Ofd => {
                "OFD is not read yet: export it to PDF (e.g. with the OFD reader's print to PDF)"
                    .into()
            }
            NotReadYet::Spreadsheet => format!(
                ".{ext} spreadsheets are not read yet: save the sheet as PDF, or as tab-separated .txt"
            ),
            NotReadYet::OtherImage => {
                format!(".{ext} images are not read yet: convert it to PNG or JPEG")
            }
        }
    }
}

pub struct Found {
    pub files: Vec<Input>,
    pub warnings: Vec<String>,
}

/// Files given by name are taken whatever their extension (an unsupported one becomes a failed
/// row, a `NotReadYet` one a skipped row); folders are walked recursively for supported and
/// `NotReadYet` extensions, in sorted order — except text dumps (.txt), which are converted only
/// when named (folders hold notes and outputs).  A folder entry that cannot be read (no
/// permission, a broken link) is an input with an `Unreadable` verdict, never silently dropped.
pub fn collect(inputs: &[PathBuf]) -> Result<Found> {
    let mut files = Vec::new();
    let warnings = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in inputs {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => bail!("cannot read input {}: {e}", p.display()),
        };
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
            {
                match entry {
                    Ok(e)
                        if e.file_type().is_file()
                            && !crate::produce::html::is_saved_page_asset(e.path()) =>
                    {
                        let path = e.path();
                        if input_kind(path).is_some_and(|k| k != InputKind::Text) {
                            push(&mut files, &mut seen, path, None);
                        } else if let Some(f) = NotReadYet::of(path) {
                            push(&mut files, &mut seen, path, Some(Verdict::NotReadYet(f)));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        // An entry that cannot be read: a folder without permission, a broken
                        // link, a loop.  It gets a failed row (whatever it is called: its
                        // contents are unknown).
                        let path = e.path().unwrap_or(p).to_path_buf();
                        let why = match e.io_error() {
                            Some(io) => io.to_string(),
                            None => e.to_string(),
                        };
                        let what = if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                            format!(
                                "cannot read this folder: {why}; the files in it are not listed (check its permissions)"
                            )
                        } else {
                            format!(
                                "cannot read the file: {why} (check its permissions, or where the link points)"
                            )
                        };
                        push(
                            &mut files,
                            &mut seen,
                            &path,
                            Some(Verdict::Unreadable(what)),
                        );
                    }
                }
            }
        } else {
            let verdict = NotReadYet::of(p).map(Verdict::NotReadYet);
            push(&mut files, &mut seen, p, verdict);
        }
    }
    Ok(Found { files, warnings })
}

fn push(
    files: &mut Vec<Input>,
    seen: &mut std::collections::HashSet<PathBuf>,
    p: &Path,
    verdict: Option<Verdict>,
) {
    let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if seen.insert(key) {
        files.push(Input {
            path: p.to_path_buf(),
            shown: p.to_string_lossy().into_owned(),
            verdict,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_like_formats_not_read_yet() {
        let of = |s: &str| NotReadYet::of(Path::new(s));
        assert_eq!(of("a/报告.DOC"), Some(NotReadYet::LegacyWord));
        assert_eq!(of("x.wps"), Some(NotReadYet::LegacyWord));
        assert_eq!(of("x.ofd"), Some(NotReadYet::Ofd));
        assert_eq!(of("x.xlsx"), Some(NotReadYet::Spreadsheet));
        assert_eq!(of("x.et"), Some(NotReadYet::Spreadsheet));
        assert_eq!(of("x.gif"), Some(NotReadYet::OtherImage));
        assert_eq!(of("x.webp"), Some(NotReadYet::OtherImage));
        // read, or no report
        assert_eq!(of("x.pdf"), None);
        assert_eq!(of("x.PNG"), None);
        assert_eq!(of("x.txt"), None);
        assert_eq!(of("notes.md"), None);
        assert_eq!(of("Makefile"), None);
        assert!(
            NotReadYet::LegacyWord
                .advice(Path::new("a.doc"))
                .contains("save it as .docx or PDF")
        );
        assert!(
            NotReadYet::LegacyWord
                .advice(Path::new("a.wps"))
                .starts_with("WPS")
        );
    }
}

//! Inputs found by the fuzz target (scripts/fuzz.sh) that once crashed, hung or blew up the
//! document entry point, converted in this process: after their fix each must come back as a
//! result (any status) without aborting the test binary, within a time bound.

use nianbao::pipeline::{Options, convert_bytes_caught};
use std::path::Path;
use std::time::{Duration, Instant};

#[test]
fn fuzz_finds_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let opts = Options {
        ocr: None,
        tolerances: Default::default(),
        repair: nianbao::repair::Mode::On,
    };
    for f in &files {
        if f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("README"))
        {
            continue;
        }
        let bytes = std::fs::read(f).unwrap();
        let t = Instant::now();
        let r = convert_bytes_caught(
            &bytes,
            Path::new("fuzz.pdf"),
            &f.display().to_string(),
            &opts,
        );
        assert!(!r.report.status.is_empty(), "{}", f.display());
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{} took {:?}",
            f.display(),
            t.elapsed()
        );
        eprintln!("{}: {} {}", f.display(), r.report.status, r.report.error);
    }
}

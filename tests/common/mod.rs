//! Helpers for the end-to-end tests: run the real binary on fixture files in a scratch folder.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

pub fn bad(name: &str) -> PathBuf {
    fixtures().join("bad").join(name)
}

/// A fresh scratch folder (removed first if a previous run left it).
pub fn scratch(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("nianbao-test-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run nianbao")
}

/// `nianbao convert INPUTS --out OUT EXTRA...`, returns (exit code, stderr).
pub fn convert(inputs: &[PathBuf], out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<std::ffi::OsString> = vec!["convert".into()];
    args.extend(inputs.iter().map(|p| p.clone().into_os_string()));
    args.push("--out".into());
    args.push(out.as_os_str().to_owned());
    args.push("--quiet".into());
    args.extend(extra.iter().map(|s| s.into()));
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let o = run(&refs);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

pub type Row = BTreeMap<String, String>;

pub fn read_csv(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub fn reports(out: &Path) -> Vec<Row> {
    read_csv(&out.join("reports.csv"))
}

/// The reports.csv row whose source_file ends with `name`.
pub fn row<'a>(rows: &'a [Row], name: &str) -> &'a Row {
    let m: Vec<&Row> = rows
        .iter()
        .filter(|r| r["source_file"].ends_with(name))
        .collect();
    assert_eq!(
        m.len(),
        1,
        "expected one row for {name}, got {}: {rows:#?}",
        m.len()
    );
    m[0]
}

/// Value of cells.csv for (file, table, row, col).
pub fn cell(out: &Path, file: &str, table: &str, row: &str, col: &str) -> String {
    let rows = read_csv(&out.join("cells.csv"));
    let m: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r["source_file"].ends_with(file)
                && r["table"] == table
                && r["row"] == row
                && r["col"] == col
        })
        .collect();
    assert_eq!(m.len(), 1, "cell {file} {table}/{row}/{col}");
    m[0]["value"].clone()
}

/// Check the exact cell values of good-01.pdf (from its truth file) under `name`.
pub fn assert_good01_cells(out: &Path, name: &str) {
    assert_eq!(
        cell(out, name, "active", "normative_documents", "issued"),
        "28"
    );
    assert_eq!(
        cell(out, name, "active", "normative_documents", "in_force"),
        "65"
    );
    assert_eq!(
        cell(out, name, "active", "licensing", "decisions"),
        "335918"
    );
    assert_eq!(
        cell(out, name, "active", "fees", "amount_10k_yuan"),
        "44381.44"
    );
    let n = read_csv(&out.join("cells.csv"))
        .iter()
        .filter(|r| r["source_file"].ends_with(name))
        .count();
    assert_eq!(n, 200, "cells of {name}");
}

/// Every output file (relative path -> bytes), except the state folder; in reports.csv the
/// `seconds` column (the only run-dependent value, documented) is blanked.  The workbook is
/// compared by content (its zip carries a creation time): each sheet as CSV, `seconds` blank.
pub fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !e.file_type().is_file() || rel.starts_with(".nianbao") || rel == "summary.json" {
            continue;
        }
        let mut data = std::fs::read(e.path()).unwrap();
        if rel == "reports.csv" {
            data = blank_column(&data, "seconds");
        }
        if rel.ends_with(".xlsx") {
            data = xlsx_content(e.path());
        }
        m.insert(rel, data);
    }
    m
}

pub fn blank_column(csv_bytes: &[u8], col: &str) -> Vec<u8> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_bytes);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut idx = None;
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap();
        if i == 0 {
            idx = rec.iter().position(|h| h == col);
            w.write_record(&rec).unwrap();
            continue;
        }
        let v: Vec<&str> = rec
            .iter()
            .enumerate()
            .map(|(j, f)| if Some(j) == idx { "" } else { f })
            .collect();
        w.write_record(&v).unwrap();
    }
    w.into_inner().unwrap()
}

pub fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let ka: Vec<&String> = a.keys().collect();
    let kb: Vec<&String> = b.keys().collect();
    assert_eq!(ka, kb, "different output files");
    for (k, v) in a {
        assert!(
            v == &b[k],
            "{k} differs:\n--- a\n{}\n--- b\n{}",
            String::from_utf8_lossy(v),
            String::from_utf8_lossy(&b[k])
        );
    }
}

/// `n` distinct valid copies of good-01.pdf (a comment appended after %%EOF changes the hash).
pub fn good_copies(dir: &Path, n: usize) -> Vec<PathBuf> {
    let good = std::fs::read(fixtures().join("good-01.pdf")).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("copy-{i:03}.pdf"));
            let mut d = good.clone();
            d.extend_from_slice(format!("% copy {i}\n").as_bytes());
            std::fs::write(&p, d).unwrap();
            p
        })
        .collect()
}

pub fn summary(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A workbook's sheets as CSV text (sheet name line, then rows), the `seconds` column blank.
pub fn xlsx_content(path: &Path) -> Vec<u8> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        w.write_record([format!("# {name}")]).unwrap();
        let mut seconds = None;
        for (i, row) in range.rows().enumerate() {
            let mut v: Vec<String> = row.iter().map(|d| format!("{d:?}")).collect();
            if i == 0 {
                seconds = v.iter().position(|h| h == "String(\"seconds\")");
            } else if let Some(j) = seconds {
                v[j].clear();
            }
            w.write_record(&v).unwrap();
        }
        out.extend(w.into_inner().unwrap());
    }
    out
}

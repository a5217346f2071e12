//! End-to-end: the `nianbao convert` binary over the PDFs in samples/, checked cell by cell
//! against the hand-checked truth files in tests/fixtures/truth/.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn nianbao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao")
}

fn read_csv(p: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
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

fn truth(name: &str) -> serde_json::Value {
    let p = root()
        .join("tests/fixtures/truth")
        .join(format!("{name}.truth.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// (table, check, subject) of every source inconsistency a truth file lists.
fn truth_failures(t: &serde_json::Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for s in t["source_inconsistencies"].as_array().unwrap() {
        let s = s.as_str().unwrap();
        let (head, rest) = s.split_once(": ").unwrap();
        let (table, check) = head.split_once(' ').unwrap();
        let key = rest
            .trim_start_matches("column ")
            .split([' ', ':'])
            .next()
            .unwrap();
        let subject = match check {
            "row_total" => key.split('.').next().unwrap().to_string(),
            "results_total" => key.split('.').nth(1).unwrap().to_string(),
            "group_total" => key
                .split('.')
                .nth(1)
                .unwrap()
                .trim_end_matches("_total")
                .to_string(),
            _ => key.to_string(),
        };
        out.insert((table.to_string(), check.to_string(), subject));
    }
    out
}

#[test]
fn samples_convert_exactly() {
    let out = tmpdir("samples");
    let pdfs: Vec<String> = [
        "hongze-district-2023",
        "dev-digital-03-libreoffice",
        "dev-digital-08-chromium",
    ]
    .iter()
    .map(|n| {
        root()
            .join("samples")
            .join(format!("{n}.pdf"))
            .to_string_lossy()
            .into_owned()
    })
    .collect();
    let mut args = vec!["convert"];
    args.extend(pdfs.iter().map(|s| s.as_str()));
    args.extend(["--out", out.to_str().unwrap(), "--quiet", "--no-ocr"]);
    let o = nianbao(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cells = read_csv(&out.join("cells.csv"));
    let checks = read_csv(&out.join("checks.csv"));
    let reports = read_csv(&out.join("reports.csv"));
    for name in [
        "hongze-district-2023",
        "dev-digital-03-libreoffice",
        "dev-digital-08-chromium",
    ] {
        let t = truth(name);
        let file = format!("{name}.pdf");
        let mine: Vec<_> = cells
            .iter()
            .filter(|c| c["source_file"].ends_with(&file))
            .collect();
        assert_eq!(mine.len(), 200, "{name}: one row per template cell");
        let mut n = 0;
        for (table, kv) in t["cells"].as_object().unwrap() {
            for (key, want) in kv.as_object().unwrap() {
                let (row, col) = key.split_once('.').unwrap();
                let got = mine
                    .iter()
                    .find(|c| &c["table"] == table && c["row"] == row && c["col"] == col)
                    .unwrap_or_else(|| panic!("{name}: no row for {table}.{key}"));
                let got_v: f64 = got["value"]
                    .parse()
                    .unwrap_or_else(|_| panic!("{name}: {table}.{key} value {:?}", got["value"]));
                assert_eq!(
                    got_v,
                    want.as_f64().unwrap(),
                    "{name}: {table}.{key} (raw {:?})",
                    got["raw"]
                );
                n += 1;
            }
        }
        assert_eq!(n, 200);
        let failed: BTreeSet<_> = checks
            .iter()
            .filter(|c| c["source_file"].ends_with(&file) && c["status"] == "fail")
            .map(|c| (c["table"].clone(), c["check"].clone(), c["subject"].clone()))
            .collect();
        assert_eq!(
            failed,
            truth_failures(&t),
            "{name}: failed checks must be exactly the report's own inconsistencies"
        );
        let rep = reports
            .iter()
            .find(|r| r["source_file"].ends_with(&file))
            .unwrap();
        assert_eq!(
            rep["agency"],
            t["agency"].as_str().unwrap(),
            "{name}: agency"
        );
        assert_eq!(rep["year"], t["year"].to_string(), "{name}: year");
        assert_eq!(rep["format"], "annual-report-2021");
        assert_eq!(rep["kind"], "digital");
        assert_eq!(rep["status"], "ok");
    }
    // derived cells say so
    let derived: Vec<_> = cells
        .iter()
        .filter(|c| {
            c["source_file"].ends_with("hongze-district-2023.pdf") && c["method"] == "derived"
        })
        .collect();
    assert_eq!(
        derived.len(),
        21,
        "（六）其他处理 printed as one row: its 3x7 sub-row cells are derived"
    );
    assert!(
        derived
            .iter()
            .all(|c| c["value"] == "0" && c["flags"].contains("derived"))
    );
    // every table found is written as a grid, and the text of each report
    assert!(std::fs::read_dir(out.join("tables")).unwrap().count() >= 6);
    let text_files: Vec<_> = std::fs::read_dir(out.join("text")).unwrap().collect();
    assert_eq!(text_files.len(), 3);
}

#[test]
fn checks_record_the_reports_own_mistakes() {
    // hongze-district-2023 prints appeals totals of 0 beside non-zero parts: recorded, not fixed.
    let out = tmpdir("checks");
    let f = root().join("samples/hongze-district-2023.pdf");
    let o = nianbao(&[
        "convert",
        f.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let checks = read_csv(&out.join("checks.csv"));
    assert_eq!(checks.len(), 25 + 7 + 7 + 3, "every constraint evaluated");
    let review = checks
        .iter()
        .find(|c| c["check"] == "group_total" && c["subject"] == "review")
        .unwrap();
    assert_eq!(
        (
            review["expected"].as_str(),
            review["actual"].as_str(),
            review["status"].as_str()
        ),
        ("11", "0", "fail")
    );
    let cells = read_csv(&out.join("cells.csv"));
    let total = cells
        .iter()
        .find(|c| c["table"] == "appeals" && c["col"] == "review_total")
        .unwrap();
    assert_eq!(total["value"], "0", "the printed value stays");
    assert!(total["flags"].contains("check_failed:group_total:review"));
    let ok = checks
        .iter()
        .find(|c| c["check"] == "balance" && c["subject"] == "total")
        .unwrap();
    assert_eq!(ok["status"], "pass");
}

#[test]
fn excel_flag_writes_bom_and_plain_does_not() {
    let f = root().join("samples/dev-digital-08-chromium.pdf");
    let a = tmpdir("excel");
    let b = tmpdir("plain");
    assert_eq!(
        nianbao(&[
            "convert",
            f.to_str().unwrap(),
            "--out",
            a.to_str().unwrap(),
            "--excel",
            "--quiet"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        nianbao(&[
            "convert",
            f.to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
            "--quiet"
        ])
        .status
        .code(),
        Some(0)
    );
    let with = std::fs::read(a.join("cells.csv")).unwrap();
    let without = std::fs::read(b.join("cells.csv")).unwrap();
    assert!(with.starts_with(b"\xEF\xBB\xBF"));
    assert!(without.starts_with(b"report_id,"));
    assert_eq!(&with[3..], &without[..]);
}

#[test]
fn a_bad_file_fails_alone_with_a_reason() {
    let dir = tmpdir("bad-in");
    let out = tmpdir("bad-out");
    std::fs::write(dir.join("empty.pdf"), b"").unwrap();
    std::fs::write(dir.join("page.pdf"), b"<html><body>not a pdf</body></html>").unwrap();
    std::fs::copy(
        root().join("samples/dev-digital-08-chromium.pdf"),
        dir.join("good.pdf"),
    )
    .unwrap();
    let o = nianbao(&[
        "convert",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1), "some file failed");
    let reports = read_csv(&out.join("reports.csv"));
    assert_eq!(reports.len(), 3);
    let by = |n: &str| {
        reports
            .iter()
            .find(|r| r["source_file"].ends_with(n))
            .unwrap()
            .clone()
    };
    assert_eq!(by("empty.pdf")["status"], "failed");
    assert!(by("empty.pdf")["error"].contains("empty file"));
    assert!(by("page.pdf")["error"].contains("not a PDF"));
    assert_eq!(by("good.pdf")["status"], "ok");
    assert_eq!(by("good.pdf")["cells"], "200");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(nianbao(&["convert"]).status.code(), Some(2));
    assert_eq!(
        nianbao(&["convert", "/nonexistent/x.pdf", "--out", "/tmp/x"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(nianbao(&["frobnicate"]).status.code(), Some(2));
    let help = nianbao(&["convert", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--excel"));
}

#[test]
fn image_sample_converts_through_ocr() {
    // samples/dev-image-02.jpg: a photographed-quality page (200 dpi, gray, rotated 1°, JPEG 71)
    // holding the active and appeals tables; every one of its 25 template cells must be right.
    let out = tmpdir("image-sample");
    let f = root().join("samples/dev-image-02.jpg");
    let o = nianbao(&[
        "convert",
        f.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        matches!(o.status.code(), Some(0)),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let t = truth("dev-image-02");
    let cells = read_csv(&out.join("cells.csv"));
    let mut n = 0;
    for (table, kv) in t["cells"].as_object().unwrap() {
        for (key, want) in kv.as_object().unwrap() {
            let (row, col) = key.split_once('.').unwrap();
            let got = cells
                .iter()
                .find(|c| &c["table"] == table && c["row"] == row && c["col"] == col)
                .unwrap_or_else(|| panic!("no row for {table}.{key}"));
            assert_eq!(
                got["value"].parse::<f64>().ok(),
                want.as_f64(),
                "{table}.{key} (raw {:?}, flags {:?})",
                got["raw"],
                got["flags"]
            );
            assert_eq!(got["method"], "lattice", "{table}.{key}");
            n += 1;
        }
    }
    assert_eq!(n, 25);
    let reports = read_csv(&out.join("reports.csv"));
    assert_eq!(reports[0]["kind"], "image");
}

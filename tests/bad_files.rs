//! Every kind of bad input, alone and mixed with good files, through the real binary and its
//! supervised workers.  Fixtures: tests/fixtures/bad/ (made by scripts/make-bad-fixtures.py).

mod common;
use common::*;
use std::path::PathBuf;

/// Convert one bad file; return its reports.csv row after checking the exit status.
fn one(name: &str, extra: &[&str], want_code: i32) -> Row {
    let out = scratch(&format!("bad-{name}"));
    let (code, err) = convert(&[bad(name)], &out.join("out"), extra);
    assert_eq!(code, want_code, "{name}: stderr: {err}");
    let rows = reports(&out.join("out"));
    assert_eq!(rows.len(), 1);
    let r = rows[0].clone();
    let _ = std::fs::remove_dir_all(&out);
    r
}

fn failed_with(name: &str, extra: &[&str], reason: &str) {
    let r = one(name, extra, 1);
    assert_eq!(r["status"], "failed", "{name}: {r:?}");
    assert!(
        r["error"].contains(reason),
        "{name}: error {:?} lacks {reason:?}",
        r["error"]
    );
}

#[test]
fn zero_bytes() {
    failed_with(
        "empty.pdf",
        &[],
        "not a PDF: the file does not start with %PDF (empty file)",
    );
}

#[test]
fn random_bytes() {
    failed_with(
        "random.pdf",
        &[],
        "not a PDF: the file does not start with %PDF (it starts with the bytes 05 3c 7f",
    );
}

#[test]
fn html_named_pdf() {
    failed_with(
        "html.pdf",
        &[],
        "it is an HTML page; the download probably failed",
    );
}

#[test]
fn truncated_at_50_percent() {
    failed_with(
        "truncated-50.pdf",
        &[],
        "the file looks truncated: it does not end with %%EOF",
    );
}

#[test]
fn truncated_at_90_percent() {
    failed_with(
        "truncated-90.pdf",
        &[],
        "the file looks truncated: it does not end with %%EOF",
    );
}

#[test]
fn corrupted_bytes_give_a_partial_result() {
    let r = one("corrupted.pdf", &[], 0);
    assert_eq!(r["status"], "partial", "{r:?}");
    assert!(r["error"].contains("page 1:"), "{r:?}");
}

#[test]
fn broken_xref_is_repaired() {
    let out = scratch("broken-xref");
    let (code, err) = convert(&[bad("broken-xref.pdf")], &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(reports(&out)[0]["status"], "ok");
    assert_good01_cells(&out, "broken-xref.pdf");
}

#[test]
fn page_tree_that_refers_to_itself() {
    failed_with(
        "self-ref-tree.pdf",
        &[],
        "the page tree is broken: it refers to itself (object 2 0 is listed among its own /Kids)",
    );
}

#[test]
fn page_parent_chain_that_loops() {
    failed_with(
        "parent-cycle.pdf",
        &[],
        "the /Parent chain of object 3 0 loops",
    );
}

#[test]
fn deflate_bomb_is_capped() {
    failed_with(
        "deflate-bomb.pdf",
        &[],
        "expands to more than 256 MiB when decompressed (a decompression bomb?)",
    );
}

#[test]
fn deflate_bomb_past_the_cap_hits_the_worker_memory_limit() {
    // With the stream cap off, the worker's address-space limit is what stops it: the worker
    // aborts, the supervisor reports it and the run goes on.
    failed_with(
        "deflate-bomb.pdf",
        &["--max-stream-mb", "0", "--max-memory", "512"],
        "worker crashed: ran out of memory (limit 512 MiB per worker",
    );
}

#[test]
fn encrypted_with_a_password_fails_and_says_so() {
    failed_with(
        "encrypted-password.pdf",
        &[],
        "the PDF is encrypted with a password; decrypt it first",
    );
}

#[test]
fn encrypted_with_an_empty_user_password_converts() {
    for name in ["encrypted-empty-user.pdf", "encrypted-empty-user-rc4.pdf"] {
        let out = scratch(name);
        let (code, err) = convert(&[bad(name)], &out, &[]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(reports(&out)[0]["status"], "ok", "{name}");
        assert_good01_cells(&out, name);
    }
}

#[test]
fn slow_file_times_out_and_the_next_file_still_converts() {
    let out = scratch("timeout");
    let (code, err) = convert(
        &[bad("slow.pdf"), fixtures().join("good-01.pdf")],
        &out,
        &["--timeout", "1", "--jobs", "1"],
    );
    assert_eq!(code, 1, "{err}");
    let rows = reports(&out);
    let slow = row(&rows, "slow.pdf");
    assert_eq!(slow["status"], "failed");
    assert!(slow["error"].starts_with("timed out after 1 s"), "{slow:?}");
    assert_eq!(row(&rows, "good-01.pdf")["status"], "ok");
    assert_good01_cells(&out, "good-01.pdf");
}

#[test]
fn path_with_spaces_and_chinese_characters() {
    let dir = scratch("path");
    let sub = dir.join("2021 年度 报告");
    std::fs::create_dir_all(&sub).unwrap();
    let p = sub.join("宜昌市 人民政府 2021年 报告.pdf");
    std::fs::copy(fixtures().join("good-01.pdf"), &p).unwrap();
    let (code, err) = convert(&[sub.clone()], &dir.join("out"), &[]);
    assert_eq!(code, 0, "{err}");
    let rows = reports(&dir.join("out"));
    assert_eq!(rows[0]["status"], "ok");
    assert!(
        rows[0]["source_file"].ends_with("2021 年度 报告/宜昌市 人民政府 2021年 报告.pdf"),
        "{rows:?}"
    );
    assert_good01_cells(&dir.join("out"), "宜昌市 人民政府 2021年 报告.pdf");
}

#[test]
fn in_process_mode_handles_the_catchable_kinds() {
    let out = scratch("inproc");
    let files: Vec<PathBuf> = [
        "empty.pdf",
        "html.pdf",
        "encrypted-password.pdf",
        "self-ref-tree.pdf",
        "deflate-bomb.pdf",
    ]
    .iter()
    .map(|n| bad(n))
    .collect();
    let mut all = files.clone();
    all.push(fixtures().join("good-01.pdf"));
    let (code, err) = convert(&all, &out, &["--in-process"]);
    assert_eq!(code, 1, "{err}");
    let rows = reports(&out);
    assert_eq!(rows.len(), 6);
    assert_eq!(rows.iter().filter(|r| r["status"] == "failed").count(), 5);
    assert_good01_cells(&out, "good-01.pdf");
}

/// The batch of the issue: every bad kind mixed with good files.
#[test]
fn mixed_batch() {
    let dir = scratch("mixed");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for e in std::fs::read_dir(fixtures().join("bad")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), inputs.join(e.file_name())).unwrap();
    }
    std::fs::copy(
        fixtures().join("good-01.pdf"),
        inputs.join("good 01 宜昌.pdf"),
    )
    .unwrap();
    std::fs::copy(fixtures().join("good-15.pdf"), inputs.join("good-15.pdf")).unwrap();
    let out = dir.join("out");
    let summary_path = dir.join("summary.json");
    // --no-ocr: the damaged pages of corrupted.pdf would otherwise be OCRed (seconds per page),
    // and the short --timeout that makes slow.pdf fail quickly would stop them too.
    let (code, err) = convert(
        &[inputs.clone()],
        &out,
        &[
            "--timeout",
            "2",
            "--no-ocr",
            "--summary-json",
            summary_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    let rows = reports(&out);
    let n_files = std::fs::read_dir(&inputs).unwrap().count();
    assert_eq!(rows.len(), n_files, "one row per file");
    let expect: &[(&str, &str, &str)] = &[
        ("empty.pdf", "failed", "(empty file)"),
        ("random.pdf", "failed", "it starts with the bytes"),
        ("html.pdf", "failed", "HTML page"),
        ("truncated-50.pdf", "failed", "looks truncated"),
        ("truncated-90.pdf", "failed", "looks truncated"),
        ("corrupted.pdf", "partial", "page 1:"),
        ("broken-xref.pdf", "ok", ""),
        ("self-ref-tree.pdf", "failed", "refers to itself"),
        ("parent-cycle.pdf", "failed", "/Parent chain"),
        ("deflate-bomb.pdf", "failed", "decompression bomb"),
        (
            "encrypted-password.pdf",
            "failed",
            "encrypted with a password",
        ),
        ("encrypted-empty-user.pdf", "ok", ""),
        ("encrypted-empty-user-rc4.pdf", "ok", ""),
        ("slow.pdf", "failed", "timed out after 2 s"),
        ("good 01 宜昌.pdf", "ok", ""),
        ("good-15.pdf", "ok", ""),
    ];
    for (name, status, reason) in expect {
        let r = row(&rows, &format!("/{name}"));
        assert_eq!(&r["status"], status, "{name}: {r:?}");
        assert!(
            r["error"].contains(reason),
            "{name}: {:?} lacks {reason:?}",
            r["error"]
        );
    }
    assert_good01_cells(&out, "good 01 宜昌.pdf");
    assert_good01_cells(&out, "broken-xref.pdf");
    assert!(!cell(&out, "good-15.pdf", "active", "regulations", "issued").is_empty());
    let s = summary(&summary_path);
    assert_eq!(s["files"], n_files);
    assert_eq!(s["exit_code"], 1);
    assert_eq!(
        s["failed"].as_u64().unwrap() as usize,
        expect.iter().filter(|e| e.1 == "failed").count()
    );
}

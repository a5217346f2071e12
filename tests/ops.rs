//! What a scheduler sees: signals (summary + 130/143), log levels and format, option
//! validation, failures retried when the knob that caused them was raised, new vs carried-over
//! failures, and merge refusing incomplete or mismatched shards.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn run_env(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn json_lines(stderr: &str) -> Vec<serde_json::Value> {
    stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// Two quick files (a-*) and `slow` slow ones (z-*: each takes far longer than the test waits).
fn quick_and_slow(dir: &Path, slow: usize) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for (i, p) in good_copies(&inputs, 2).into_iter().enumerate() {
        std::fs::rename(p, inputs.join(format!("a-{i}.pdf"))).unwrap();
    }
    let s = std::fs::read(bad("slow.pdf")).unwrap();
    for i in 0..slow {
        let mut d = s.clone();
        d.extend_from_slice(format!("% slow {i}\n").as_bytes());
        std::fs::write(inputs.join(format!("z-{i}.pdf")), d).unwrap();
    }
    inputs
}

fn results_count(out: &Path) -> usize {
    std::fs::read_dir(out.join(".nianbao/results"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .count()
        })
        .unwrap_or(0)
}

/// Start a JSON-logging run, wait until the quick files are converted, send `sig`, and return
/// (exit code, summary, stderr).
fn interrupt(dir: &Path, inputs: &Path, out: &Path, sig: i32) -> (i32, serde_json::Value, String) {
    let sj = dir.join(format!("summary-{sig}.json"));
    let log = dir.join(format!("log-{sig}.txt"));
    let mut child = Command::new(BIN)
        .args(["--log-format", "json", "convert"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(["--jobs", "2", "--quiet", "--summary-json"])
        .arg(&sj)
        .env_remove("RUST_LOG")
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let t = Instant::now();
    while results_count(out) < 2 {
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "the quick files were not converted"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the signal: {}",
            std::fs::read_to_string(&log).unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: signalling our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the run did not stop within 60 s of the signal");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (
        status.code().unwrap_or(-1),
        summary(&sj),
        std::fs::read_to_string(&log).unwrap(),
    )
}

#[test]
fn sigint_stops_the_run_with_a_summary_and_130_and_a_rerun_finishes_it() {
    let dir = scratch("sigint");
    let inputs = quick_and_slow(&dir, 4);
    let out = dir.join("out");
    let (code, s, log) = interrupt(&dir, &inputs, &out, libc::SIGINT);
    assert_eq!(code, 130, "{log}");
    assert_eq!(s["interrupted"], true, "{s}");
    assert_eq!(s["exit_code"], 130);
    assert_eq!(s["signal"], "SIGINT");
    assert_eq!(s["converted"], 2, "{s}");
    assert_eq!(
        s["failed"], 0,
        "a file stopped by the signal is not a failure: {s}"
    );
    let lines = json_lines(&log);
    let fin: Vec<_> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "run finished")
        .collect();
    assert_eq!(fin.len(), 1, "{log}");
    assert_eq!(fin[0]["fields"]["interrupted"], true);
    assert_eq!(fin[0]["fields"]["exit_code"], 130);
    // The CSVs hold what finished.
    let rows = reports(&out);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter()
            .all(|r| r["status"] == "ok" && r["source_file"].contains("/a-")),
        "{rows:?}"
    );
    // An interrupted folder is not merged.
    let o = run_env(&[
        "merge",
        out.to_str().unwrap(),
        "--out",
        dir.join("m").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("interrupted run"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // The next run converts the rest (the files stopped by the signal were not stored as failed).
    let sj = dir.join("s2.json");
    let (code, err) = convert(
        &[inputs.clone()],
        &out,
        &["--timeout", "1", "--summary-json", sj.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    let s2 = summary(&sj);
    assert_eq!(
        (s2["converted"].as_u64(), s2["reused"].as_u64()),
        (Some(4), Some(2)),
        "{s2}"
    );
    assert_eq!(
        (
            s2["failed_new"].as_u64(),
            s2["failed_reused"].as_u64(),
            s2["interrupted"].as_bool()
        ),
        (Some(4), Some(0), Some(false)),
        "{s2}"
    );
    assert!(
        s2["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["new"] == true),
        "{s2}"
    );
    assert_eq!(reports(&out).len(), 6);

    // Same timeout: the stored timeouts are carried over, and told apart from new failures.
    let (_, err) = convert(
        &[inputs.clone()],
        &out,
        &["--timeout", "1", "--summary-json", sj.to_str().unwrap()],
    );
    let s3 = summary(&sj);
    assert_eq!(
        (
            s3["converted"].as_u64(),
            s3["failed_new"].as_u64(),
            s3["failed_reused"].as_u64()
        ),
        (Some(0), Some(0), Some(4)),
        "{s3} {err}"
    );
    assert!(
        s3["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["new"] == false),
        "{s3}"
    );
    // A shorter timeout does not retry them either.
    let (_, _) = convert(
        &[inputs.clone()],
        &out,
        &["--timeout", "0.5", "--summary-json", sj.to_str().unwrap()],
    );
    assert_eq!(summary(&sj)["converted"], 0);
    // A longer one does: the setting that caused the failures changed.
    let (_, err) = convert(
        &[inputs.clone()],
        &out,
        &["--timeout", "1.5", "--summary-json", sj.to_str().unwrap()],
    );
    let s4 = summary(&sj);
    assert_eq!(
        (
            s4["converted"].as_u64(),
            s4["failed_new"].as_u64(),
            s4["failed_reused"].as_u64()
        ),
        (Some(4), Some(4), Some(0)),
        "{s4} {err}"
    );
    assert!(row(&reports(&out), "z-0.pdf")["error"].starts_with("timed out after 1.5 s"));
    // Raising another knob does not retry a timeout.
    let (_, _) = convert(
        &[inputs.clone()],
        &out,
        &[
            "--timeout",
            "1.5",
            "--max-memory",
            "8192",
            "--summary-json",
            sj.to_str().unwrap(),
        ],
    );
    assert_eq!(summary(&sj)["converted"], 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_exits_143_with_an_interrupted_summary() {
    let dir = scratch("sigterm");
    let inputs = quick_and_slow(&dir, 2);
    let out = dir.join("out");
    let (code, s, log) = interrupt(&dir, &inputs, &out, libc::SIGTERM);
    assert_eq!(code, 143, "{log}");
    assert_eq!(
        (
            s["interrupted"].as_bool(),
            s["exit_code"].as_i64(),
            s["signal"].as_str()
        ),
        (Some(true), Some(143), Some("SIGTERM")),
        "{s}"
    );
    assert_eq!(reports(&out).len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_options_are_refused_with_exit_2() {
    for args in [
        &["--log-level", "nonsense", "convert", "x.pdf", "--out", "o"][..],
        &["convert", "x.pdf", "--out", "o", "--timeout", "0"][..],
        &["convert", "x.pdf", "--out", "o", "--timeout", "soon"][..],
        &["convert", "x.pdf", "--out", "o", "--ocr-text", "most"][..],
    ] {
        let o = run_env(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("invalid value"), "{args:?}: {err}");
    }
    let o = run_env(&["--log-level", "nonsense", "convert", "x.pdf", "--out", "o"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a log level"));
    // A filter directive is a valid level.
    let dir = scratch("log-directive");
    let o = run_env(&[
        "--log-level",
        "nianbao=debug,warn",
        "convert",
        fixtures().join("good-01.pdf").to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn text_logs_are_plain_off_a_terminal_failures_warn_and_fatal_errors_print_once() {
    let dir = scratch("text-logs");
    let out = dir.join("out");
    let o = run_env(&[
        "--log-level",
        "info",
        "convert",
        bad("empty.pdf").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains('\x1b'),
        "ANSI codes in redirected logs: {err:?}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains(" WARN ") && l.contains("file failed") && l.contains("empty.pdf")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains(" INFO ") && l.contains("run finished")),
        "{err}"
    );

    // A fatal error: once, in text mode as one line.
    let missing = dir.join("no-such-folder");
    let o = run_env(&[
        "--log-level",
        "info",
        "convert",
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("no-such-folder: No such file").count(),
        1,
        "{err}"
    );
    assert!(err.contains("nianbao: error: "), "{err}");
}

#[test]
fn json_logs_failures_at_warn_and_a_fatal_error_at_error_with_a_summary() {
    let dir = scratch("json-levels");
    let out = dir.join("out");
    let o = run_env(&[
        "--log-format",
        "json",
        "convert",
        bad("empty.pdf").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines = json_lines(&String::from_utf8_lossy(&o.stderr));
    let failed: Vec<_> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "file failed")
        .collect();
    assert_eq!(failed.len(), 1, "{lines:?}");
    assert_eq!(failed[0]["level"], "WARN");
    let fin = lines
        .iter()
        .find(|l| l["fields"]["message"] == "run finished")
        .expect("finished line");
    assert_eq!(
        (
            fin["fields"]["failed_new"].as_u64(),
            fin["fields"]["exit_code"].as_i64()
        ),
        (Some(1), Some(1)),
        "{fin}"
    );

    let sj = dir.join("s.json");
    let o = run_env(&[
        "--log-format",
        "json",
        "convert",
        dir.join("nothing").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--summary-json",
        sj.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let lines = json_lines(&String::from_utf8_lossy(&o.stderr));
    let errors: Vec<_> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
    assert_eq!(errors.len(), 1, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "run finished" && l["fields"]["exit_code"] == 2),
        "{lines:?}"
    );
    let s = summary(&sj);
    assert_eq!(
        (s["exit_code"].as_i64(), s["interrupted"].as_bool()),
        (Some(2), Some(false)),
        "{s}"
    );
    assert!(s["error"].as_str().unwrap().contains("nothing"), "{s}");
}

fn merge(dirs: &[&Path], out: &Path) -> (i32, String) {
    let mut args: Vec<std::ffi::OsString> = vec!["merge".into()];
    args.extend(dirs.iter().map(|d| d.as_os_str().to_owned()));
    args.extend(["--out".into(), out.as_os_str().to_owned(), "--quiet".into()]);
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let o = run(&refs);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn merge_refuses_incomplete_repeated_or_mismatched_shards() {
    let dir = scratch("merge-checks");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    good_copies(&inputs, 4);
    let shard = |name: &str, spec: &str, extra: &[&str]| -> PathBuf {
        let d = dir.join(name);
        let mut e = vec!["--shard", spec, "--no-ocr"];
        e.extend_from_slice(extra);
        let (code, err) = convert(&[inputs.clone()], &d, &e);
        assert_eq!(code, 0, "{err}");
        d
    };
    let s0 = shard("s0", "0/3", &[]);
    let s1 = shard("s1", "1/3", &[]);
    let s2 = shard("s2", "2/3", &[]);
    let m = dir.join("merged");

    let (code, err) = merge(&[&s0, &s1], &m);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("shard 2/3 missing"), "{err}");
    // The refusal is in the summary too, for a scheduler.
    let sj = dir.join("merge-summary.json");
    let o = run_env(&[
        "merge",
        s0.to_str().unwrap(),
        s1.to_str().unwrap(),
        "--out",
        m.to_str().unwrap(),
        "--summary-json",
        sj.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let ms = summary(&sj);
    assert_eq!(
        (ms["command"].as_str(), ms["exit_code"].as_i64()),
        (Some("merge"), Some(2)),
        "{ms}"
    );
    assert!(
        ms["error"].as_str().unwrap().contains("shard 2/3 missing"),
        "{ms}"
    );

    let (code, err) = merge(&[&s0, &s1, &s1, &s2], &m);
    assert_eq!(code, 2);
    assert!(err.contains("shard 1/3 is given twice"), "{err}");

    let other_n = shard("t1", "1/4", &[]);
    let (code, err) = merge(&[&s0, &other_n, &s2], &m);
    assert_eq!(code, 2);
    assert!(err.contains("same N") && err.contains("1/4"), "{err}");

    let norepair = shard("s2-norepair", "2/3", &["--no-repair"]);
    let (code, err) = merge(&[&s0, &s1, &norepair], &m);
    assert_eq!(code, 2);
    assert!(
        err.contains("different settings") && err.contains("+no-repair"),
        "{err}"
    );

    let whole = dir.join("whole");
    assert_eq!(convert(&[inputs.clone()], &whole, &["--no-ocr"]).0, 0);
    let (code, err) = merge(&[&s0, &s1, &s2, &whole], &m);
    assert_eq!(code, 2);
    assert!(err.contains("without --shard"), "{err}");

    assert!(
        !m.join("reports.csv").exists(),
        "a refused merge writes nothing"
    );
    let (code, err) = merge(&[&s2, &s0, &s1], &m);
    assert_eq!(code, 0, "{err}");
    assert_eq!(reports(&m).len(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}

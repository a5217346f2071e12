//! Archive runs: incremental state, duplicates, crash safety (SIGKILL + rerun), shards + merge.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn summary_of(
    dir: &Path,
    inputs: &[PathBuf],
    out: &Path,
    extra: &[&str],
) -> (i32, serde_json::Value) {
    let s = dir.join(format!(
        "summary-{}.json",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let mut e: Vec<&str> = vec!["--summary-json", s.to_str().unwrap()];
    e.extend_from_slice(extra);
    let (code, err) = convert(inputs, out, &e);
    assert!(code == 0 || code == 1, "{err}");
    (code, summary(&s))
}

#[test]
fn second_run_converts_nothing_and_changes_are_picked_up() {
    let dir = scratch("incremental");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let copies = good_copies(&inputs, 6);
    std::fs::copy(bad("empty.pdf"), inputs.join("empty.pdf")).unwrap();
    let out = dir.join("out");

    let t = Instant::now();
    let (code, s1) = summary_of(&dir, &[inputs.clone()], &out, &[]);
    let first = t.elapsed();
    assert_eq!(code, 1);
    assert_eq!(s1["converted"], 7);
    assert_eq!(s1["reused"], 0);
    let snap1 = snapshot(&out);

    let t = Instant::now();
    let (_, s2) = summary_of(&dir, &[inputs.clone()], &out, &[]);
    let second = t.elapsed();
    assert_eq!(s2["converted"], 0, "{s2}");
    assert_eq!(s2["reused"], 7);
    assert_eq!(s2["failed"], 1);
    eprintln!("first run {first:?}, second run {second:?}");
    // Same outputs, byte for byte (a reused result keeps its seconds too).
    let mut snap2 = snapshot(&out);
    assert_same(&snap1, &snap2);

    // A changed file and a new file are converted; a copy under another name is not.
    let mut d = std::fs::read(&copies[0]).unwrap();
    d.extend_from_slice(b"% changed\n");
    std::fs::write(&copies[0], d).unwrap();
    std::fs::copy(fixtures().join("good-15.pdf"), inputs.join("new.pdf")).unwrap();
    std::fs::copy(&copies[1], inputs.join("zz-same-as-copy-001.pdf")).unwrap();
    let (_, s3) = summary_of(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(s3["converted"], 2, "{s3}");
    assert_eq!(s3["duplicates"], 1);
    let rows = reports(&out);
    assert_eq!(rows.len(), 9);
    let dup = row(&rows, "zz-same-as-copy-001.pdf");
    assert_eq!(dup["status"], "duplicate");
    assert!(
        dup["error"].starts_with("duplicate of ") && dup["error"].ends_with("copy-001.pdf"),
        "{dup:?}"
    );
    assert_eq!(dup["sha256"], row(&rows, "/copy-001.pdf")["sha256"]);
    // The duplicate's cells are not repeated.
    assert_eq!(
        read_csv(&out.join("cells.csv"))
            .iter()
            .filter(|r| r["source_file"].ends_with("zz-same-as-copy-001.pdf"))
            .count(),
        0
    );
    assert_good01_cells(&out, "/copy-000.pdf");

    // A renamed file is not converted again either.
    std::fs::rename(&copies[2], inputs.join("renamed.pdf")).unwrap();
    let (_, s4) = summary_of(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(s4["converted"], 0, "{s4}");
    assert_good01_cells(&out, "renamed.pdf");

    // --force reconverts everything.
    let (_, s5) = summary_of(&dir, &[inputs.clone()], &out, &["--force"]);
    assert_eq!(s5["converted"], 8, "{s5}");
    assert_eq!(s5["duplicates"], 1);

    // A different pipeline version in the state reconverts (as after an upgrade).
    let db = rusqlite::Connection::open(out.join(".nianbao/state.sqlite")).unwrap();
    db.execute("UPDATE results SET pipeline_version='0.0.0+old'", [])
        .unwrap();
    drop(db);
    let (_, s6) = summary_of(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(s6["converted"], 8, "{s6}");
    let (_, s7) = summary_of(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(s7["converted"], 0, "{s7}");
    snap2 = snapshot(&out);
    assert_eq!(reports(&out).len(), 9);
    assert!(snap2.contains_key("cells.csv"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn retry_failed_reconverts_only_failures() {
    let dir = scratch("retry");
    let inputs = vec![bad("html.pdf"), fixtures().join("good-01.pdf")];
    let out = dir.join("out");
    summary_of(&dir, &inputs, &out, &[]);
    let (_, s) = summary_of(&dir, &inputs, &out, &["--retry-failed"]);
    assert_eq!(s["converted"], 1, "{s}");
    assert_eq!(s["reused"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Kill a run with SIGKILL at several points, rerun, and compare with an uninterrupted run.
#[test]
fn killed_run_then_rerun_equals_uninterrupted_run() {
    let dir = scratch("kill");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    good_copies(&inputs, 40);
    for b in [
        "empty.pdf",
        "html.pdf",
        "deflate-bomb.pdf",
        "corrupted.pdf",
        "encrypted-password.pdf",
    ] {
        std::fs::copy(bad(b), inputs.join(b)).unwrap();
    }
    std::fs::copy(inputs.join("copy-003.pdf"), inputs.join("dup-of-003.pdf")).unwrap();

    let clean = dir.join("clean");
    let (code, err) = convert(&[inputs.clone()], &clean, &["--jobs", "2"]);
    assert_eq!(code, 1, "{err}");
    let want = snapshot(&clean);

    let killed = dir.join("killed");
    let results = killed.join(".nianbao").join("results");
    let mut kills = 0;
    for at in [1usize, 8, 20] {
        let mut child = std::process::Command::new(BIN)
            .args([
                "convert",
                inputs.to_str().unwrap(),
                "--out",
                killed.to_str().unwrap(),
                "--quiet",
                "--jobs",
                "2",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let n = std::fs::read_dir(&results)
                .map(|d| {
                    d.filter(|e| {
                        e.as_ref()
                            .map(|e| !e.file_name().to_string_lossy().starts_with('.'))
                            .unwrap_or(false)
                    })
                    .count()
                })
                .unwrap_or(0);
            if n >= at || Instant::now() > deadline {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            // SIGKILL (Child::kill), no chance to clean up.
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        kills >= 2,
        "the run finished before it could be killed; make the batch larger"
    );
    let (code, err) = convert(&[inputs.clone()], &killed, &["--jobs", "2"]);
    assert_eq!(code, 1, "{err}");
    assert_same(&want, &snapshot(&killed));
    // No temporary files left behind.
    for e in walkdir::WalkDir::new(&killed) {
        let e = e.unwrap();
        assert!(
            !e.file_name().to_string_lossy().contains(".tmp-"),
            "{}",
            e.path().display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn three_shards_plus_merge_equal_one_run() {
    let dir = scratch("shards");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    good_copies(&inputs, 9);
    for b in [
        "empty.pdf",
        "html.pdf",
        "corrupted.pdf",
        "encrypted-password.pdf",
    ] {
        std::fs::copy(bad(b), inputs.join(b)).unwrap();
    }
    std::fs::copy(inputs.join("copy-004.pdf"), inputs.join("dup-of-004.pdf")).unwrap();
    let one = dir.join("one");
    let (code, err) = convert(&[inputs.clone()], &one, &[]);
    assert_eq!(code, 1, "{err}");

    let mut shard_dirs = Vec::new();
    let mut total = 0;
    for k in 0..3 {
        let d = dir.join(format!("shard-{k}"));
        let (code, err) = convert(&[inputs.clone()], &d, &["--shard", &format!("{k}/3")]);
        assert!(code == 0 || code == 1, "{err}");
        total += reports(&d).len();
        shard_dirs.push(d);
    }
    assert_eq!(total, 14, "every input in exactly one shard");
    let merged = dir.join("merged");
    let mut args: Vec<std::ffi::OsString> = vec!["merge".into()];
    args.extend(shard_dirs.iter().map(|d| d.clone().into_os_string()));
    args.extend([
        "--out".into(),
        merged.clone().into_os_string(),
        "--quiet".into(),
    ]);
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let o = run(&refs);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_same(&snapshot(&one), &snapshot(&merged));
    let rows = reports(&merged);
    assert_eq!(row(&rows, "dup-of-004.pdf")["status"], "duplicate");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merge_refuses_a_folder_without_a_run() {
    let dir = scratch("merge-empty");
    let o = run(&[
        "merge".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        dir.join("m").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("has no finished run"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn bad_shard_is_a_usage_error() {
    let dir = scratch("bad-shard");
    let (code, err) = convert(&[fixtures().join("good-01.pdf")], &dir, &["--shard", "3/3"]);
    assert_eq!(code, 2);
    assert!(err.contains("0 <= K < N"), "{err}");
}

#[test]
fn json_logs_and_exit_code_zero() {
    let dir = scratch("json");
    let o = run(&[
        "--log-format".as_ref(),
        "json".as_ref(),
        "convert".as_ref(),
        fixtures().join("good-01.pdf").as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "run finished" && l["fields"]["ok"] == 1),
        "{err}"
    );
}

#[test]
fn second_run_into_a_busy_output_folder_is_refused() {
    let dir = scratch("lock");
    std::fs::create_dir_all(dir.join(".nianbao")).unwrap();
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".nianbao/lock"))
        .unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: flock on our own fd.
    assert_eq!(
        unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let (code, err) = convert(&[fixtures().join("good-01.pdf")], &dir, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("another nianbao run is writing to"), "{err}");
}

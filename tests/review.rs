//! Review and corrections end to end: decisions in OUT/corrections.csv are applied by later
//! runs (reused results, `--force`, other settings = another stored version), a report that
//! changed is reported and not corrected, and `nianbao review` writes the page with crops and
//! saves decisions through its 127.0.0.1 server.  (The page itself in a real browser:
//! scripts/review-browser-test.sh.)

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

fn summary(inputs: &[PathBuf], out: &Path, extra: &[&str]) -> (i32, String, serde_json::Value) {
    let sj = out.with_extension("summary.json");
    let mut args: Vec<&str> = extra.to_vec();
    let sjs = sj.to_string_lossy().into_owned();
    args.extend(["--summary-json", &sjs]);
    let (code, err) = convert(inputs, out, &args);
    let v = serde_json::from_slice(&std::fs::read(&sj).expect("summary written")).unwrap();
    (code, err, v)
}

fn cell_row<'a>(rows: &'a [Row], table: &str, row: &str, col: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["table"] == table && r["row"] == row && r["col"] == col)
        .unwrap()
}

#[test]
fn corrections_are_applied_kept_after_force_and_other_versions_and_refused_when_the_file_changed() {
    let d = scratch("corrections");
    let input = d.join("report.pdf");
    std::fs::copy(fixtures().join("good-01.pdf"), &input).unwrap();
    let out = d.join("out");
    let (code, _, s) = summary(&[input.clone()], &out, &[]);
    assert_eq!(code, 0);
    assert_eq!(s["corrections_applied"], 0);
    let sha = reports(&out)[0]["sha256"].clone();
    let before = read_csv(&out.join("cells.csv"));
    let granted = cell_row(&before, "requests", "granted", "natural_person")["value"].clone();
    let corrected: u64 = granted.parse::<u64>().unwrap() + 1;

    let shown = input.to_string_lossy().into_owned();
    std::fs::write(
        out.join("corrections.csv"),
        format!(
            "sha256,source_file,cell,value,note,time\r\n\
             {sha},{shown},requests/granted/natural_person,{corrected},\"seal over it, read by eye\",2026-12-03T15:00:00Z\r\n\
             {sha},{shown},active/normative_documents/issued,28,,2026-12-03T15:01:00Z\r\n\
             {sha},{shown},requests/granted/total,twelve,,2026-12-03T15:01:00Z\r\n"
        ),
    )
    .unwrap();

    let check = |out: &Path, what: &str| {
        let cells = read_csv(&out.join("cells.csv"));
        let c = cell_row(&cells, "requests", "granted", "natural_person");
        assert_eq!(c["value"], corrected.to_string(), "{what}");
        assert_eq!(c["raw"], granted, "{what}: raw keeps what was read");
        assert_eq!(c["method"], "corrected", "{what}");
        assert!(
            c["flags"].starts_with("corrected"),
            "{what}: {}",
            c["flags"]
        );
        // the row no longer adds up: the check fails and flags its cells
        assert!(
            c["flags"].contains("check_failed:row_total:granted"),
            "{what}: {}",
            c["flags"]
        );
        let t = cell_row(&cells, "requests", "granted", "total");
        assert!(
            t["flags"].contains("check_failed:row_total:granted"),
            "{what}"
        );
        let k = cell_row(&cells, "active", "normative_documents", "issued");
        assert_eq!(
            (
                k["value"].as_str(),
                k["flags"].as_str(),
                k["method"].as_str()
            ),
            ("28", "confirmed", "lattice"),
            "{what}"
        );
        let checks = read_csv(&out.join("checks.csv"));
        let rt = checks
            .iter()
            .find(|c| c["check"] == "row_total" && c["subject"] == "granted")
            .unwrap();
        assert_eq!(rt["status"], "fail", "{what}");
        let repairs = read_csv(&out.join("repairs.csv"));
        let r = repairs
            .iter()
            .find(|r| r["where"] == "requests/granted/natural_person" && r["reason"] == "corrected")
            .expect("repairs row");
        assert_eq!(
            (r["raw"].as_str(), r["repaired"].as_str()),
            (granted.as_str(), corrected.to_string().as_str())
        );
        assert!(
            r["evidence"].contains("seal over it, read by eye")
                && r["evidence"].contains("2026-12-03T15:00:00Z"),
            "{}",
            r["evidence"]
        );
        assert!(repairs.iter().any(
            |r| r["where"] == "active/normative_documents/issued" && r["reason"] == "confirmed"
        ));
        let rep = &reports(out)[0];
        assert!(rep["checks_failed"].parse::<u32>().unwrap() >= 1, "{what}");
    };

    // second run: nothing converted, corrections applied (the malformed row reported)
    let (code, err, s) = summary(&[input.clone()], &out, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (
            s["converted"].as_u64(),
            s["corrections_applied"].as_u64(),
            s["corrections_unapplied"].as_u64()
        ),
        (Some(0), Some(2), Some(0))
    );
    assert!(
        err.contains("line 4") && err.contains("not a number"),
        "{err}"
    );
    check(&out, "reused");
    let cells_after = std::fs::read(out.join("cells.csv")).unwrap();

    // --force: reconverted, the same
    let (_, _, s) = summary(&[input.clone()], &out, &["--force"]);
    assert_eq!(
        (s["converted"].as_u64(), s["corrections_applied"].as_u64()),
        (Some(1), Some(2))
    );
    check(&out, "force");
    assert_eq!(std::fs::read(out.join("cells.csv")).unwrap(), cells_after);

    // other settings store a result of another version (as a PIPELINE_VERSION bump does)
    let (_, _, s) = summary(&[input.clone()], &out, &["--no-repair"]);
    assert_eq!(
        (s["converted"].as_u64(), s["corrections_applied"].as_u64()),
        (Some(1), Some(2))
    );
    check(&out, "another version");

    // the file changes under the same name: reported, not applied
    std::fs::copy(fixtures().join("good-15.pdf"), &input).unwrap();
    let (_, err, s) = summary(&[input.clone()], &out, &[]);
    assert_eq!(
        (
            s["corrections_applied"].as_u64(),
            s["corrections_unapplied"].as_u64()
        ),
        (Some(0), Some(2))
    );
    assert!(
        err.contains("the file changed since it was reviewed")
            && err.contains("requests/granted/natural_person"),
        "{err}"
    );
    let cells = read_csv(&out.join("cells.csv"));
    assert!(
        cells
            .iter()
            .all(|c| c["method"] != "corrected" && !c["flags"].contains("confirmed"))
    );
    assert!(
        read_csv(&out.join("repairs.csv"))
            .iter()
            .all(|r| r["reason"] != "corrected")
    );
}

/// One HTTP request to the review server; returns (status line, body).
fn http(
    port: u16,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (String, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn review_page_shows_crops_and_the_server_saves_decisions() {
    let d = scratch("review");
    let out = d.join("out");
    // an OCR'd photo of a turned page: one value in doubt, its crop from the deskewed image
    let (code, _) = convert(
        &[
            fixtures().join("active-gray-rot.jpg"),
            fixtures().join("good-01.pdf"),
        ],
        &out,
        &[],
    );
    assert!(code == 0, "convert");
    let cells = read_csv(&out.join("cells.csv"));
    let doubtful: Vec<&Row> = cells
        .iter()
        .filter(|c| {
            !c["flags"].is_empty() && !c["flags"].contains("not_found") && !c["bbox"].is_empty()
        })
        .collect();
    assert!(!doubtful.is_empty(), "the fixture has a value in doubt");

    let o = run(&["review".as_ref(), out.as_os_str()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(out.join("review").join("index.html")).unwrap();
    for c in &doubtful {
        let key = format!("{}/{}/{}", c["table"], c["row"], c["col"]);
        assert!(html.contains(&key), "{key} listed");
        let png = out.join("review").join("img").join(format!(
            "{}-{}.png",
            c["report_id"],
            key.replace('/', "_")
        ));
        let data = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert!(data.starts_with(b"\x89PNG"), "a PNG");
    }
    assert!(html.contains("\"served\":false"));

    // served: only 127.0.0.1, decisions saved with the page's token
    let mut child = Child(
        std::process::Command::new(BIN)
            .args([
                "review".as_ref(),
                out.as_os_str(),
                "--serve".as_ref(),
                "--port".as_ref(),
                "0".as_ref(),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("URL on stdout: {line:?}"));
    let host = format!("127.0.0.1:{port}");
    let (status, page) = http(port, "GET", "/", &host, &[], "");
    assert!(status.contains("200"), "{status}");
    let token = page
        .split("\"token\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 32);
    let (status, _) = http(port, "GET", "/", "evil.example:80", &[], "");
    assert!(status.contains("403"), "another Host is refused: {status}");
    let c = doubtful[0];
    let sha = reports(&out)
        .iter()
        .find(|r| r["report_id"] == c["report_id"])
        .unwrap()["sha256"]
        .clone();
    let key = format!("{}/{}/{}", c["table"], c["row"], c["col"]);
    let body = format!(
        r#"[{{"sha256":"{sha}","source_file":"{}","cell":"{key}","value":"7","note":"checked on paper"}}]"#,
        c["source_file"]
    );
    let (status, _) = http(port, "POST", "/corrections", &host, &[], &body);
    assert!(status.contains("403"), "no token, no save: {status}");
    assert!(!out.join("corrections.csv").exists());
    let (status, resp) = http(
        port,
        "POST",
        "/corrections",
        &host,
        &[("X-Nianbao-Token", &token)],
        r#"[{"sha256":"x","source_file":"a","cell":"a/b/c","value":"1"}]"#,
    );
    assert!(
        status.contains("400"),
        "a bad decision is refused: {status} {resp}"
    );
    let (status, resp) = http(
        port,
        "POST",
        "/corrections",
        &host,
        &[("X-Nianbao-Token", &token)],
        &body,
    );
    assert!(status.contains("200"), "{status} {resp}");
    let img = format!("/img/{}-{}.png", c["report_id"], key.replace('/', "_"));
    assert!(http(port, "GET", &img, &host, &[], "").0.contains("200"));
    assert!(
        http(port, "GET", "/img/..%2Fcorrections.csv", &host, &[], "")
            .0
            .contains("404")
    );
    drop(child);

    let saved = read_csv(&out.join("corrections.csv"));
    assert_eq!(saved.len(), 1);
    assert_eq!(
        (
            saved[0]["cell"].as_str(),
            saved[0]["value"].as_str(),
            saved[0]["note"].as_str()
        ),
        (key.as_str(), "7", "checked on paper")
    );
    assert!(saved[0]["time"].ends_with('Z'));

    // the next convert applies it, and the page no longer lists the cell
    let (code, _) = convert(
        &[
            fixtures().join("active-gray-rot.jpg"),
            fixtures().join("good-01.pdf"),
        ],
        &out,
        &[],
    );
    assert_eq!(code, 0);
    let cells = read_csv(&out.join("cells.csv"));
    let now = cells
        .iter()
        .find(|r| {
            r["report_id"] == c["report_id"]
                && r["table"] == c["table"]
                && r["row"] == c["row"]
                && r["col"] == c["col"]
        })
        .unwrap();
    assert_eq!(
        (now["value"].as_str(), now["method"].as_str()),
        ("7", "corrected")
    );
    let o = run(&["review".as_ref(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(out.join("review").join("index.html")).unwrap();
    assert!(
        !html.contains(&format!("\"cell\":\"{key}\",\"row_label\"")),
        "a decided cell is not listed again"
    );
}

#[test]
fn review_of_a_folder_without_a_conversion_says_what_to_do() {
    let d = scratch("review-empty");
    let o = run(&["review".as_ref(), d.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nianbao convert"));
}

/// samples/: a report that prints 0 as its appeals totals (its own mistake, 10 + 1 = 0): a
/// person enters the totals; the checks pass again and their flags leave every cell, on the
/// second run and after `--force`.
#[test]
fn samples_corrections_make_failed_checks_pass_and_survive_force() {
    let d = scratch("samples");
    let out = d.join("out");
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join("hongze-district-2023.pdf");
    let (code, _) = convert(&[input.clone()], &out, &[]);
    assert_eq!(code, 0);
    let fails = |out: &Path| {
        read_csv(&out.join("checks.csv"))
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| format!("{}:{}", c["check"], c["subject"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        fails(&out),
        ["group_total:review", "group_total:litigation_after_review"],
        "the sample's own mistakes"
    );
    let rep = &reports(&out)[0];
    let (sha, shown) = (rep["sha256"].clone(), rep["source_file"].clone());
    std::fs::write(
        out.join("corrections.csv"),
        format!("sha256,source_file,cell,value,note,time\n{sha},{shown},appeals/cases/review_total,11,printed 0,\n{sha},{shown},appeals/cases/litigation_after_review_total,5,printed 0,\n"),
    )
    .unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let (code, err) = convert(&[input.clone()], &out, extra);
        assert_eq!(code, 0, "{err}");
        assert!(fails(&out).is_empty(), "{extra:?}: {:?}", fails(&out));
        let cells = read_csv(&out.join("cells.csv"));
        assert!(
            cells.iter().all(|c| !c["flags"].contains("check_failed")),
            "{extra:?}"
        );
        let t = cell_row(&cells, "appeals", "cases", "review_total");
        assert_eq!(
            (
                t["value"].as_str(),
                t["raw"].as_str(),
                t["method"].as_str(),
                t["flags"].as_str()
            ),
            ("11", "0", "corrected", "corrected")
        );
        let r = &reports(&out)[0];
        assert_eq!(
            (r["checks_failed"].as_str(), r["flagged"].as_str()),
            ("0", "21"),
            "{extra:?}: the derived rows stay flagged"
        );
    }
}

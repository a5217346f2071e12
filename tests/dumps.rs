//! Text dumps copied from web pages: tab rows under a requests header over three rows
//! (tests/fixtures/dumps/web-three-row-header.txt, made by make_dumps.py), and the same table
//! with `|` between the cells.

use nianbao::pipeline::{self, Options, ReportResult};
use nianbao::repair::Mode;
use nianbao::table::Tolerances;
use std::path::Path;

const DUMP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/dumps/web-three-row-header.txt"
);
const TRUTH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/dumps/web-three-row-header.truth.json"
);

fn convert_text(text: &str, name: &str, mode: Mode) -> ReportResult {
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: mode,
    };
    pipeline::convert_bytes_caught(text.as_bytes(), Path::new(name), name, &opts)
}

/// (row.col, want, got, flags) for every requests cell that differs from the truth.
fn wrong_requests(r: &ReportResult) -> Vec<(String, String, String, String)> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(TRUTH).unwrap()).unwrap();
    let truth = truth["requests"].as_object().unwrap();
    assert_eq!(truth.len(), 175);
    let mut out = Vec::new();
    for (key, want) in truth {
        let (row, col) = key.split_once('.').unwrap();
        let c = r
            .cells
            .iter()
            .find(|c| c.table == "requests" && c.row == row && c.col == col)
            .unwrap();
        // the truth holds JSON numbers: compare their printed form with the cell's text
        let want_text = want.to_string();
        if c.value != want_text {
            out.push((
                key.clone(),
                want.to_string(),
                c.value.clone(),
                c.flags.clone(),
            ));
        }
    }
    out
}

#[test]
fn a_requests_header_over_three_rows_keeps_the_columns() {
    let text = std::fs::read_to_string(DUMP).unwrap();
    for mode in [Mode::On, Mode::Off] {
        let r = convert_text(&text, "web.txt", mode);
        assert_eq!(r.report.kind, "text");
        let wrong = wrong_requests(&r);
        assert!(wrong.is_empty(), "{mode:?}: {wrong:?}");
        assert!(
            r.checks
                .iter()
                .filter(|c| c.table == "requests")
                .all(|c| c.status == "pass")
        );
    }
}

/// The dump's rows with `|` between the cells, as copied from a web page or Markdown (with a
/// rule line under the first row).
fn with_bars(text: &str) -> String {
    let mut out = Vec::new();
    let mut ruled = false;
    for l in text.lines() {
        if !l.contains('\t') {
            out.push(l.to_string());
            continue;
        }
        out.push(format!("| {} |", l.replace('\t', " | ")));
        if !ruled {
            out.push("|---|:---:|".into());
            ruled = true;
        }
    }
    out.join("\n")
}

#[test]
fn bar_separated_rows_read_like_tab_rows() {
    let text = with_bars(&std::fs::read_to_string(DUMP).unwrap());
    assert!(!text.contains('\t'));
    let r = convert_text(&text, "web-bars.txt", Mode::On);
    let wrong = wrong_requests(&r);
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(r.tables.len(), 1);
}

//! The two templates: a report in the 2019 format (国办公开办函〔2019〕60号, a text dump in
//! tests/fixtures) comes out with the 2019 schema's keys and checks, and a table whose headers
//! match neither template is not forced onto one.

use nianbao::pipeline::{self, Options, ReportResult};
use nianbao::repair::Mode;
use nianbao::table::Tolerances;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/format-2019.txt"
);

fn opts() -> Options<'static> {
    Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: Mode::On,
    }
}

fn convert_text(text: &str, name: &str) -> ReportResult {
    let dir = std::env::temp_dir().join(format!("nianbao-formats-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let r = pipeline::convert_file(&path, name, &opts());
    std::fs::remove_dir_all(&dir).ok();
    r
}

fn value(r: &ReportResult, table: &str, row: &str, col: &str) -> Option<String> {
    r.cells
        .iter()
        .find(|c| c.table == table && c.row == row && c.col == col)
        .map(|c| c.value.clone())
}

#[test]
fn a_2019_report_has_the_2019_keys_and_checks() {
    let r = pipeline::convert_file(Path::new(FIXTURE), "format-2019.txt", &opts());
    assert_eq!(r.report.format, "annual-report-2019");
    assert_eq!(r.report.status, "ok", "{}", r.report.error);
    assert_eq!(r.report.year, "2019");
    // 22 active cells, 23 requests rows x 7, 15 appeals cells
    assert_eq!(r.cells.len(), 22 + 23 * 7 + 15);
    let v = |t: &str, row: &str, col: &str| {
        value(&r, t, row, col).unwrap_or_else(|| panic!("no cell {t}.{row}.{col}"))
    };
    // 本年新公开数量 is its own column, not 2021's 本年废止件数
    assert_eq!(v("active", "normative_documents", "new_published"), "2");
    assert_eq!(v("active", "normative_documents", "total_published"), "15");
    assert_eq!(value(&r, "active", "normative_documents", "repealed"), None);
    // 本年增/减 keeps its sign; the unit printed after the amount is dropped (raw keeps it)
    assert_eq!(v("active", "licensing", "items_change"), "3");
    assert_eq!(v("active", "other_services", "items_change"), "-2");
    assert_eq!(v("active", "other_services", "decisions"), "120");
    assert_eq!(v("active", "fees", "items_last_year"), "2");
    assert_eq!(v("active", "procurement", "amount_10k_yuan"), "103.3879");
    let amount = r
        .cells
        .iter()
        .find(|c| c.row == "procurement" && c.col == "amount_10k_yuan")
        .unwrap();
    assert_eq!(amount.raw, "103.3879万元");
    // （六）其他处理 is one row of the 2019 requests table
    assert_eq!(v("requests", "other_processing", "total"), "2");
    assert_eq!(value(&r, "requests", "other_other", "total"), None);
    assert_eq!(v("appeals", "cases", "review_total"), "2");
    // the 2019 template's checks: 23 row totals, results_total over its 19 result rows, balance, groups
    let count = |name: &str| r.checks.iter().filter(|c| c.check == name).count();
    assert_eq!(
        (
            count("row_total"),
            count("results_total"),
            count("balance"),
            count("group_total")
        ),
        (23, 7, 7, 3)
    );
    assert!(
        r.checks.iter().all(|c| c.status == "pass"),
        "{:?}",
        r.checks
            .iter()
            .filter(|c| c.status != "pass")
            .collect::<Vec<_>>()
    );
    // (a text dump's words are read at 0.8, possibly OCR: the active table's values, which no
    // check covers, are vouched for by nothing but that reading and are `unverified`)
    let doubt = |c: &&nianbao::pipeline::CellRow| {
        let expected = c.table == "active" && c.flags == "unverified";
        !c.flags.is_empty() && !expected
    };
    assert!(
        !r.cells.iter().any(|c| doubt(&c)),
        "{:?}",
        r.cells
            .iter()
            .filter(doubt)
            .map(|c| (&c.row, &c.col, &c.flags))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_2019_report_with_an_arithmetic_mistake_fails_its_own_check() {
    // （六）其他处理's total printed 3 instead of 2: its row and its column fail
    let text = std::fs::read_to_string(FIXTURE).unwrap().replace(
        "（六）其他处理\t1\t0\t0\t0\t1\t0\t2",
        "（六）其他处理\t1\t0\t0\t0\t1\t0\t3",
    );
    let r = convert_text(&text, "mistake-2019.txt");
    assert_eq!(r.report.format, "annual-report-2019");
    let failed: Vec<(&str, &str)> = r
        .checks
        .iter()
        .filter(|c| c.status == "fail")
        .map(|c| (c.check.as_str(), c.subject.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            ("row_total", "other_processing"),
            ("results_total", "total")
        ]
    );
    assert_eq!(
        value(&r, "requests", "other_processing", "total").as_deref(),
        Some("3")
    );
}

#[test]
fn an_active_table_matching_neither_template_is_not_forced() {
    // the 2019 report with active headers of neither format
    let mut text = std::fs::read_to_string(FIXTURE).unwrap();
    for (from, to) in [
        (
            "本年新制作数量\t本年新公开数量\t对外公开总数量",
            "本年印发数量\t本年清理数量\t累计数量",
        ),
        (
            "上一年项目数量\t本年增/减\t处理决定数量",
            "事项数量\t办件数量\t办结数量",
        ),
        ("上一年项目数量\t本年增/减", "事项数量\t办件数量"),
        ("采购项目数量\t采购总金额（万元）", "项目数量\t金额"),
    ] {
        assert!(text.contains(from));
        text = text.replace(from, to);
    }
    let r = convert_text(&text, "neither.txt");
    let active: Vec<_> = r.cells.iter().filter(|c| c.table == "active").collect();
    assert!(!active.is_empty());
    assert!(
        active
            .iter()
            .all(|c| c.value.is_empty() && c.flags.contains("not_found")),
        "{:?}",
        active
            .iter()
            .map(|c| (&c.row, &c.col, &c.value))
            .collect::<Vec<_>>()
    );
    assert_eq!(r.report.status, "partial");
    assert!(
        r.report.error.contains("header matches no column"),
        "{}",
        r.report.error
    );
    assert!(
        r.report.error.contains("本年印发数量"),
        "{}",
        r.report.error
    );
    // the other tables are still read
    assert!(r.cells.iter().any(|c| c.table == "requests"
        && c.row == "new_received"
        && c.col == "total"
        && c.value == "13"));
}

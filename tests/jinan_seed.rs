//! The Jinan seed: a real OCR dump of a scanned report (tests/fixtures, a copy of
//! shared/corpus/seeds).  Through the plain-text producer and the repair stage every cell of
//! its three tables must come out as hand-checked, with its agency, and with the repairs said.

use nianbao::pipeline::{self, Options, ReportResult};
use nianbao::repair::Mode;
use nianbao::table::Tolerances;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/jinan-bigdata-2023.ocr.txt"
);
const TRUTH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/jinan-bigdata-2023.ocr.truth.json"
);

fn convert(mode: Mode) -> ReportResult {
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: mode,
    };
    pipeline::convert_file(Path::new(FIXTURE), "jinan-bigdata-2023.ocr.txt", &opts)
}

/// (table.row.col, want, got) for every truth cell that differs.
fn wrong_cells(r: &ReportResult) -> Vec<(String, String, String)> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(TRUTH).unwrap()).unwrap();
    let mut out = Vec::new();
    for (table, cells) in truth["cells"].as_object().unwrap() {
        for (key, want) in cells.as_object().unwrap() {
            let (row, col) = key.split_once('.').unwrap();
            let got = r
                .cells
                .iter()
                .find(|c| c.table == *table && c.row == row && c.col == col)
                .map(|c| c.value.clone())
                .unwrap_or_default();
            let want = want.to_string();
            if got != want {
                out.push((format!("{table}.{key}"), want, got));
            }
        }
    }
    out
}

#[test]
fn every_cell_agency_and_repairs() {
    let r = convert(Mode::On);
    assert_eq!(r.report.kind, "text");
    assert_eq!(r.report.status, "ok", "{}", r.report.error);
    assert_eq!(r.report.agency, "济南市大数据局");
    assert_eq!(r.report.year, "2023");
    assert_eq!(r.cells.len(), 200);
    let wrong = wrong_cells(&r);
    assert!(wrong.is_empty(), "wrong cells: {wrong:?}");
    // the rows the issue names
    let row = |key: &str| -> Vec<String> {
        [
            "natural_person",
            "commercial",
            "research",
            "social_welfare",
            "legal_services",
            "other_org",
            "total",
        ]
        .iter()
        .map(|c| {
            r.cells
                .iter()
                .find(|x| x.table == "requests" && x.row == key && x.col == *c)
                .unwrap()
                .value
                .clone()
        })
        .collect()
    };
    assert_eq!(row("new_received"), ["7", "0", "0", "0", "0", "1", "8"]);
    assert_eq!(row("granted"), ["2", "0", "0", "0", "0", "1", "3"]);
    assert_eq!(row("unable_not_held"), ["3", "0", "0", "0", "0", "0", "3"]);
    assert_eq!(row("other_other"), ["2", "0", "0", "0", "0", "0", "2"]);
    assert_eq!(row("total_processed"), ["7", "0", "0", "0", "0", "1", "8"]);
    assert!(
        r.checks.iter().all(|c| c.status == "pass"),
        "all checks pass"
    );

    // 数报局 repaired in the text, and said so
    let agency_fix = r
        .repairs
        .iter()
        .find(|x| x.raw.contains("数报局"))
        .expect("a repair of 数报局");
    assert!(agency_fix.repaired.contains("数据局"));
    assert_eq!(agency_fix.reason, "lexicon");
    assert!(agency_fix.location.starts_with("text:"));
    assert!(!r.text.contains("数报局") && r.text.contains("发布机构:济南市大数据局"));
    // the text location points at the repaired word in the report's text
    let parts: Vec<usize> = agency_fix
        .location
        .trim_start_matches("text:")
        .split(':')
        .map(|s| s.parse().unwrap())
        .collect();
    let page_text: Vec<&str> = r
        .text
        .split("=== page ")
        .nth(parts[0])
        .unwrap()
        .lines()
        .skip(1)
        .collect();
    let line: Vec<char> = page_text[parts[1] - 1].chars().collect();
    let at: String = line[parts[2] - 1..parts[2] - 1 + 4].iter().collect();
    assert_eq!(at, agency_fix.repaired);

    // the garbled heading, the lost number and the split label
    assert!(
        r.repairs
            .iter()
            .any(|x| x.reason == "heading" && x.repaired == "二、行政机关主动公开政府信息情况")
    );
    let inferred = r
        .cells
        .iter()
        .find(|c| {
            c.table == "requests" && c.row == "partially_granted" && c.col == "natural_person"
        })
        .unwrap();
    assert_eq!(inferred.value, "0");
    assert!(inferred.flags.contains("inferred") && inferred.flags.contains("repaired"));
    assert!(r.repairs.iter().any(
        |x| x.location == "requests/partially_granted/natural_person" && x.reason == "inferred"
    ));
    assert!(
        r.repairs
            .iter()
            .any(|x| x.reason == "label_join" && x.location.starts_with("requests/carried_over/"))
    );
    let coercion = r
        .cells
        .iter()
        .find(|c| c.table == "active" && c.row == "coercion")
        .unwrap();
    assert!(coercion.flags.contains("repaired"));
    // every repaired cell is in repairs.csv and every cell repair flags its cell
    for c in r
        .cells
        .iter()
        .filter(|c| c.flags.split(';').any(|f| f == "repaired"))
    {
        let key = format!("{}/{}/", c.table, c.row);
        assert!(
            r.repairs
                .iter()
                .any(|x| x.location.starts_with(&key) && x.location.contains(&c.col)),
            "{key}{}",
            c.col
        );
    }
    // a cell that needed no repair carries no flag
    let plain = r
        .cells
        .iter()
        .find(|c| c.table == "requests" && c.row == "granted" && c.col == "natural_person")
        .unwrap();
    assert!(!plain.flags.contains("repaired"));
}

#[test]
fn without_repair_cells_are_lost() {
    let r = convert(Mode::Off);
    assert!(r.repairs.is_empty());
    let wrong = wrong_cells(&r);
    // the split 上年结转 label still names its row by its first half (its total is found by the
    // header's columns), but the row's other cells and the lost number stay lost, and so do the
    // active rows printed as one field with their number (`行政处罚 0`: the grid repair splits it)
    assert!(wrong.len() >= 4, "{wrong:?}");
    assert!(
        wrong.iter().any(|w| w.0 == "active.coercion.decisions"),
        "{wrong:?}"
    );
    assert!(
        wrong
            .iter()
            .any(|w| w.0 == "requests.carried_over.natural_person")
    );
    assert!(
        wrong
            .iter()
            .any(|w| w.0 == "requests.partially_granted.natural_person")
    );
    assert!(r.text.contains("数报局"));
}

#[test]
fn agency_in_the_title_is_repaired() {
    // the seed's title with the OCR error the seed has elsewhere (数报局)
    let text = "济南市大数报局 2023 年政府信息公开工作年度报告\n\n一、总体情况\n";
    let pages = nianbao::plaintext::pages(text);
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: Mode::On,
    };
    let r = pipeline::convert_pages(pages.clone(), vec![], "00", 0, "t.txt", false, &opts);
    assert_eq!(r.report.agency, "济南市大数据局");
    let a = r
        .repairs
        .iter()
        .find(|x| x.location == "agency")
        .expect("an agency repair");
    assert_eq!(
        (a.raw.as_str(), a.repaired.as_str()),
        ("济南市大数报局", "济南市大数据局")
    );
    // without the stage the title stays as read
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: Mode::Off,
    };
    let r = pipeline::convert_pages(pages, vec![], "00", 0, "t.txt", false, &opts);
    assert_eq!(r.report.agency, "济南市大数报局");
}

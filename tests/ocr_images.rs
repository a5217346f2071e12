//! Image inputs through the whole pipeline: what the report says about them (agency, year,
//! format) and which template cells they fill.  Fixtures from tests/fixtures/make_fixtures.py
//! (the 主动公开 table alone, as a photo of that one table would show it) and
//! tests/fixtures/make_title_fixture.py (the top of a first page with its bold title).
//!
//! Needs libtesseract with `eng` and `chi_sim` (scripts/setup.sh).

use nianbao::pipeline::{self, Options, ReportResult};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn convert(name: &str) -> ReportResult {
    let ocr = nianbao::ocr_engine(false);
    let opts = Options {
        ocr: ocr.as_deref(),
        tolerances: Default::default(),
        repair: nianbao::repair::Mode::On,
    };
    pipeline::convert_file(&fixture(name), name, &opts)
}

fn value(r: &ReportResult, table: &str, row: &str, col: &str) -> String {
    r.cells
        .iter()
        .find(|c| c.table == table && c.row == row && c.col == col)
        .map(|c| c.value.clone())
        .unwrap_or_else(|| panic!("no cell {table}.{row}.{col}"))
}

#[test]
fn bold_scanned_title_gives_agency_and_year() {
    // The title's bold strokes pass the ruling detector's openings; they must not be erased.
    let r = convert("title-scan.jpg");
    assert_eq!(r.report.kind, "image");
    assert_eq!(
        (r.report.agency.as_str(), r.report.year.as_str()),
        ("宜昌市人民政府", "2021"),
        "text: {}",
        r.text
    );
}

#[test]
fn active_table_alone_on_an_image_is_the_template() {
    // No headings, no other table: recognised by its row labels (规章, 行政许可 ...).
    let r = convert("active-gray-rot.jpg");
    assert_eq!(
        r.report.format, "annual-report-2021",
        "error: {}",
        r.report.error
    );
    assert_eq!(r.cells.len(), 200);
    for (row, col, v) in [
        ("regulations", "issued", "0"),
        ("normative_documents", "issued", "28"),
        ("normative_documents", "repealed", "10"),
        ("normative_documents", "in_force", "65"),
        ("licensing", "decisions", "335918"),
        ("punishment", "decisions", "3947334"),
        ("coercion", "decisions", "4032"),
        ("fees", "amount_10k_yuan", "44381.44"),
    ] {
        assert_eq!(value(&r, "active", row, col), v, "active.{row}.{col}");
    }
    // nothing is invented for the tables that are not in the image
    assert_eq!(value(&r, "requests", "new_received", "total"), "");
    assert!(
        r.report.error.contains("template cells not found"),
        "{}",
        r.report.error
    );
}

//! Web pages through the whole pipeline (`produce::html`): Word-exported markup (nested spans,
//! `&nbsp;`, a `<p>` per line, a three-row header with rowspan/colspan), a GBK page, a table
//! published as an image beside the page (read by OCR) or missing (named in the error), and a
//! text copy of a page that kept only the tables' section headings.

mod markup;

use nianbao::pipeline::{self, Options, ReportResult};
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-html-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn convert(path: &Path, ocr: bool) -> ReportResult {
    let engine = nianbao::ocr_engine(!ocr);
    let opts = Options {
        ocr: engine.as_deref(),
        tolerances: Default::default(),
        repair: nianbao::repair::Mode::On,
    };
    pipeline::convert_file(path, &path.display().to_string(), &opts)
}

fn assert_all_cells(r: &ReportResult) {
    let got = markup::got(r);
    let want = markup::values();
    assert_eq!(got.len(), 200, "error: {}", r.report.error);
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "{k}");
    }
    assert_eq!(
        r.report.flagged,
        0,
        "{:?}",
        r.cells
            .iter()
            .filter(|c| !c.flags.is_empty())
            .map(|c| (&c.row, &c.col, &c.flags))
            .collect::<Vec<_>>()
    );
    assert_eq!(r.report.checks_failed, 0);
}

#[test]
fn word_exported_page_gives_every_cell() {
    let d = temp_dir("word");
    let p = d.join("report.html");
    std::fs::write(&p, markup::html_report("utf-8", None)).unwrap();
    let r = convert(&p, false);
    assert_eq!(
        (
            r.report.status.as_str(),
            r.report.kind.as_str(),
            r.report.format.as_str()
        ),
        ("ok", "html", "annual-report-2021"),
        "error: {}",
        r.report.error
    );
    assert_eq!(
        (r.report.agency.as_str(), r.report.year.as_str()),
        (markup::AGENCY, markup::YEAR)
    );
    assert_all_cells(&r);
    // the header's merged cells are kept as the grid: 申请人情况 over the seven columns
    let requests = r
        .tables
        .iter()
        .find(|t| t.iter().any(|row| row.iter().any(|c| c == "申请人情况")))
        .expect("requests table");
    assert_eq!(requests[0].iter().filter(|c| *c == "申请人情况").count(), 7);
    assert_eq!(requests[3][0], "一、本年新收政府信息公开申请数量");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn gbk_page_is_decoded() {
    let d = temp_dir("gbk");
    let p = d.join("report.htm");
    let page = markup::html_report("gb2312", None);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&page);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    std::fs::write(&p, &bytes).unwrap();
    let r = convert(&p, false);
    assert_eq!(r.report.status, "ok", "error: {}", r.report.error);
    assert_eq!(r.report.agency, markup::AGENCY);
    assert_all_cells(&r);
    std::fs::remove_dir_all(&d).unwrap();
}

const IMAGE_TABLE: &str = "<p class=MsoNormal><span lang=EN-US><img width=553 height=300 src=\"report_files/image001.jpg\" v:shapes=\"_x0000_i1025\"></span></p>\n";

#[test]
fn table_image_beside_the_page_is_read_by_ocr() {
    let d = temp_dir("image");
    std::fs::create_dir_all(d.join("report_files")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/active-gray-rot.jpg");
    std::fs::copy(&fixture, d.join("report_files/image001.jpg")).unwrap();
    let p = d.join("report.html");
    std::fs::write(&p, markup::html_report("utf-8", Some(IMAGE_TABLE))).unwrap();
    let r = convert(&p, true);
    assert_eq!(r.report.kind, "html");
    assert_eq!(r.report.pages, 2, "the page and its image");
    let got = markup::got(&r);
    // the active table from the image (the values tests/ocr_images.rs reads from it) ...
    for (k, v) in [
        ("regulations.issued", "0"),
        ("normative_documents.issued", "28"),
        ("normative_documents.in_force", "65"),
        ("licensing.decisions", "335918"),
        ("fees.amount_10k_yuan", "44381.44"),
    ] {
        assert_eq!(got[&format!("active.{k}")], v, "active.{k}");
    }
    // ... the others from the markup
    let want = markup::values();
    for k in want.keys().filter(|k| !k.starts_with("active.")) {
        assert_eq!(got.get(k), want.get(k), "{k}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn missing_table_image_is_named() {
    let d = temp_dir("noimage");
    let p = d.join("report.html");
    std::fs::write(&p, markup::html_report("utf-8", Some(IMAGE_TABLE))).unwrap();
    let r = convert(&p, false);
    assert_eq!(r.report.status, "partial");
    assert!(
        r.report
            .error
            .contains("二、主动公开政府信息情况 (report_files/image001.jpg)"),
        "{}",
        r.report.error
    );
    assert!(
        r.report.error.contains("not beside the page"),
        "{}",
        r.report.error
    );
    let got = markup::got(&r);
    assert_eq!(got["active.licensing.decisions"], "");
    assert_eq!(
        got["requests.total_processed.total"],
        markup::values()["requests.total_processed.total"]
    );
}

#[test]
fn text_copy_with_headings_only_says_the_tables_are_not_in_the_text() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web-headings-only.txt");
    let r = convert(&p, false);
    assert_eq!(
        (r.report.status.as_str(), r.report.format.as_str()),
        ("partial", "unknown")
    );
    assert_eq!(
        (r.report.agency.as_str(), r.report.year.as_str()),
        ("临川市数据管理局", "2023")
    );
    let e = &r.report.error;
    assert!(e.contains("not in the text"), "{e}");
    for h in [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ] {
        assert!(e.contains(h), "{e}");
    }
    assert!(!e.contains("五、"), "{e}");
}

#[test]
fn folders_give_web_pages_and_word_files() {
    let d = temp_dir("walk");
    std::fs::create_dir_all(d.join("a_files")).unwrap();
    for f in [
        "a.html",
        "b.HTM",
        "c.docx",
        "d.txt",
        "e.css",
        "a_files/image001.png",
        "f.png",
    ] {
        std::fs::write(d.join(f), b"x").unwrap();
    }
    let found = nianbao::inputs::collect(&[d.clone()]).unwrap();
    let names: Vec<String> = found
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // the images of a saved page are part of it
    assert_eq!(names, ["a.html", "b.HTM", "c.docx", "f.png"]);
    std::fs::remove_dir_all(&d).unwrap();
}

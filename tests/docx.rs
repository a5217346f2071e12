//! Word files through the whole pipeline (`produce::docx`): a DOCX built here (zip + the
//! document.xml of `markup::docx_document`) whose tables use `w:gridSpan` and `w:vMerge`.

mod markup;

use nianbao::pipeline::{self, Options};
use std::io::Write;

fn docx(document_xml: &str) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", o).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    z.start_file("word/document.xml", o).unwrap();
    z.write_all(document_xml.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}

fn convert(name: &str, bytes: &[u8]) -> pipeline::ReportResult {
    let d = std::env::temp_dir().join(format!("nianbao-docx-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, bytes).unwrap();
    let opts = Options {
        ocr: None,
        tolerances: Default::default(),
        repair: nianbao::repair::Mode::On,
    };
    let r = pipeline::convert_file(&p, name, &opts);
    std::fs::remove_file(&p).unwrap();
    r
}

#[test]
fn merged_cells_give_every_cell() {
    let r = convert("report.docx", &docx(&markup::docx_document()));
    assert_eq!(
        (r.report.status.as_str(), r.report.kind.as_str()),
        ("ok", "docx"),
        "error: {}",
        r.report.error
    );
    assert_eq!(
        (r.report.agency.as_str(), r.report.year.as_str()),
        (markup::AGENCY, markup::YEAR)
    );
    let got = markup::got(&r);
    assert_eq!(got.len(), 200);
    for (k, v) in markup::values() {
        assert_eq!(got.get(&k), Some(&v), "{k}");
    }
    assert_eq!((r.report.flagged, r.report.checks_failed), (0, 0));
    // vMerge: 三、本年度办理结果 covers its 22 rows in the grid
    let requests = r
        .tables
        .iter()
        .find(|t| t.iter().any(|row| row.iter().any(|c| c == "申请人情况")))
        .expect("requests table");
    assert_eq!(
        requests
            .iter()
            .filter(|row| row[0] == "三、本年度办理结果")
            .count(),
        22
    );
}

#[test]
fn a_docx_without_a_document_fails_with_the_reason() {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"x").unwrap();
    let r = convert("empty.docx", &z.finish().unwrap().into_inner());
    assert_eq!(r.report.status, "failed");
    assert!(
        r.report.error.contains("word/document.xml"),
        "{}",
        r.report.error
    );
}

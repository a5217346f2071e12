//! The repair stage on real documents whose words are all right but all in doubt: the
//! samples/ PDFs read from their text layer, every word's confidence lowered as OCR's would
//! be.  Nothing may be "repaired", and the cells must come out as without the stage.  The
//! samples include hongze-district-2023, whose own arithmetic mistakes must stay as printed.

use nianbao::model::Page;
use nianbao::pdf;
use nianbao::pipeline::{self, Options, ReportResult};
use nianbao::repair::Mode;
use nianbao::table::Tolerances;

fn run(name: &str, confidence: Option<f32>, mode: Mode) -> ReportResult {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let doc = pdf::load(&bytes).unwrap();
    let mut pages: Vec<Page> = pdf::read_pages(&doc)
        .unwrap()
        .into_iter()
        .map(|p| p.page)
        .collect();
    if let Some(c) = confidence {
        for w in pages.iter_mut().flat_map(|p| p.words.iter_mut()) {
            w.confidence = c;
        }
    }
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: mode,
    };
    pipeline::convert_pages(
        pages,
        vec![],
        &pipeline::sha256_hex(&bytes),
        bytes.len() as u64,
        name,
        false,
        &opts,
    )
}

#[test]
fn right_words_in_doubt_are_not_repaired() {
    for name in [
        "dev-digital-03-libreoffice.pdf",
        "dev-digital-08-chromium.pdf",
        "hongze-district-2023.pdf",
    ] {
        let certain = run(name, None, Mode::On);
        let doubt = run(name, Some(0.8), Mode::On);
        assert!(certain.repairs.is_empty(), "{name}: {:?}", certain.repairs);
        assert!(doubt.repairs.is_empty(), "{name}: {:?}", doubt.repairs);
        let values = |r: &ReportResult| {
            r.cells
                .iter()
                .map(|c| {
                    (
                        c.table.clone(),
                        c.row.clone(),
                        c.col.clone(),
                        c.value.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&certain), values(&doubt), "{name}");
        let failed = |r: &ReportResult| {
            r.checks
                .iter()
                .filter(|c| c.status == "fail")
                .map(|c| c.subject.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            failed(&certain),
            failed(&doubt),
            "{name}: the report's own mistakes stay"
        );
        assert!(!doubt.cells.iter().any(|c| c.flags.contains("repaired")));
    }
}

#[test]
fn a_misread_digit_in_a_real_table_is_repaired() {
    // dev-digital-08, every word in doubt, one digit of a requests cell misread as its
    // confusable: the stage puts it back and says so.
    let name = "dev-digital-08-chromium.pdf";
    let clean = run(name, Some(0.8), Mode::On);
    let target = clean
        .cells
        .iter()
        .find(|c| {
            c.table == "requests"
                && c.row != "total_processed"
                && c.col != "total"
                && c.value.chars().any(|d| "38".contains(d))
        })
        .expect("a requests cell with a 3 or an 8");
    let wrong: String = target
        .value
        .chars()
        .map(|d| match d {
            '3' => '8',
            '8' => '3',
            x => x,
        })
        .collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let doc = pdf::load(&bytes).unwrap();
    let mut pages: Vec<Page> = pdf::read_pages(&doc)
        .unwrap()
        .into_iter()
        .map(|p| p.page)
        .collect();
    let page = target.page.parse::<u32>().unwrap();
    let b: Vec<f32> = target.bbox.split(' ').map(|x| x.parse().unwrap()).collect();
    let mut hit = 0;
    for p in pages.iter_mut() {
        for w in &mut p.words {
            w.confidence = 0.8;
            let (cx, cy) = (w.bbox.cx(), w.bbox.cy());
            if p.number == page
                && cx > b[0]
                && cx < b[2]
                && cy > b[1]
                && cy < b[3]
                && w.text.trim() == target.value
            {
                w.text = wrong.clone();
                hit += 1;
            }
        }
    }
    assert_eq!(hit, 1);
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: Mode::On,
    };
    let r = pipeline::convert_pages(pages.clone(), vec![], "x", 0, name, false, &opts);
    let got = r
        .cells
        .iter()
        .find(|c| c.table == target.table && c.row == target.row && c.col == target.col)
        .unwrap();
    assert_eq!(got.value, target.value, "{:?}", r.repairs);
    assert!(got.flags.contains("repaired"));
    assert!(r.repairs.iter().any(|x| x.location
        == format!("requests/{}/{}", target.row, target.col)
        && x.raw == wrong));
    // and without the stage the misreading stands, flagged by the checks
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: Mode::Off,
    };
    let r = pipeline::convert_pages(pages, vec![], "x", 0, name, false, &opts);
    let got = r
        .cells
        .iter()
        .find(|c| c.table == target.table && c.row == target.row && c.col == target.col)
        .unwrap();
    assert_eq!(got.value, wrong);
    assert!(got.flags.contains("check_failed"));
}

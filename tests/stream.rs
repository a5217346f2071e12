//! The text-alignment fallback: the sample PDFs with every ruling removed still give cells, and
//! every cell it reads carries a flag saying its layout was guessed (a wrong one never goes
//! out unflagged).

use nianbao::{pdf, pipeline, table::Tolerances};
use std::path::PathBuf;

#[test]
fn tables_without_rulings_are_read_and_flagged() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let opts = pipeline::Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: nianbao::repair::Mode::On,
    };
    let name = "dev-digital-08-chromium";
    let bytes = std::fs::read(root.join(format!("samples/{name}.pdf"))).unwrap();
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("tests/fixtures/truth/{name}.truth.json")))
            .unwrap(),
    )
    .unwrap();
    let doc = pdf::load(&bytes).unwrap();
    let pages: Vec<_> = pdf::read_pages(&doc)
        .unwrap()
        .into_iter()
        .map(|mut p| {
            p.page.rulings.clear();
            p.page
        })
        .collect();
    let r = pipeline::convert_pages(
        pages,
        vec![],
        &pipeline::sha256_hex(&bytes),
        0,
        name,
        false,
        &opts,
    );
    let mut right = 0;
    for c in &r.cells {
        let want = truth["cells"][&c.table][format!("{}.{}", c.row, c.col)]
            .as_f64()
            .unwrap();
        let got: Option<f64> = c.value.parse().ok();
        if c.method == "stream" {
            assert!(
                c.flags.contains("layout_from_text_alignment"),
                "{}.{}.{}",
                c.table,
                c.row,
                c.col
            );
        }
        if got == Some(want) {
            right += 1;
        } else if got.is_some() {
            assert!(
                !c.flags.is_empty(),
                "wrong value without a flag: {}.{}.{} = {}",
                c.table,
                c.row,
                c.col,
                c.value
            );
        }
    }
    assert!(
        right >= 120,
        "the fallback read only {right} of 200 cells right"
    );
}

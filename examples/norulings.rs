//! Debug: convert PDFs with every ruling dropped, to exercise the text-alignment fallback.
use nianbao::{pdf, pipeline, table::Tolerances};
fn main() {
    let opts = pipeline::Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: nianbao::repair::Mode::On,
    };
    let mut w = csv::Writer::from_writer(std::io::stdout());
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
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
            &path,
            false,
            &opts,
        );
        for c in r.cells {
            w.serialize(c).unwrap();
        }
    }
}

//! Debug: print the tables nianbao reconstructs from a PDF's text layer.
use nianbao::{pdf, table};
fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: dump FILE.pdf [PAGE]");
    let only: Option<u32> = std::env::args().nth(2).and_then(|s| s.parse().ok());
    let bytes = std::fs::read(&path).unwrap();
    let doc = pdf::load(&bytes).unwrap();
    for p in pdf::read_pages(&doc).unwrap() {
        if only.is_some_and(|n| n != p.page.number) {
            continue;
        }
        println!(
            "== page {} {:?} words={} rulings={} err={:?}",
            p.page.number,
            p.quality,
            p.page.words.len(),
            p.page.rulings.len(),
            p.error
        );
        for t in table::find_tables(&p.page, &table::Tolerances::default()) {
            println!("-- table {}x{} at {}", t.n_rows(), t.n_cols(), t.bbox);
            for row in t.grid_text() {
                println!("   | {}", row.join(" | "));
            }
        }
    }
}

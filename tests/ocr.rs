//! OCR producer tests on small degraded scans made by tests/fixtures/make_fixtures.py from a
//! digital report page (values below are the ones printed in that PDF): rotated up to 2.5°, at
//! 120 and 150 dpi, with erased rulings, a shaded header and seals over values.
//!
//! The Tesseract tests need libtesseract with `eng` and `chi_sim` (scripts/setup.sh).

use nianbao::model::{BBox, PageKind, Source};
use nianbao::ocr::{
    self, Color, NullEngine, OcrOptions, PageImage, ReadMode, TesseractConfig, TesseractEngine,
};
use nianbao::table::{self, Table};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> PageImage {
    ocr::load_image_file(&fixture(name)).unwrap().remove(0)
}

/// OCR with Tesseract and place the words into the grids.
fn ocr_tables(img: &PageImage) -> (nianbao::model::Page, Vec<Table>) {
    let mut engine = TesseractEngine::new(&TesseractConfig::default()).unwrap();
    let out = ocr::ocr_page_detailed(img, 1, &mut engine, &OcrOptions::default()).unwrap();
    let mut tables = out.tables.clone();
    for t in &mut tables {
        table::fill_cells(t, &out.page.words);
    }
    (out.page, tables)
}

/// The numbers of the 主动公开 table, by grid position.
const ACTIVE_VALUES: [((usize, usize), &str); 10] = [
    ((2, 1), "0"),
    ((2, 2), "0"),
    ((2, 3), "0"),
    ((3, 1), "28"),
    ((3, 2), "10"),
    ((3, 3), "65"),
    ((6, 1), "335918"),
    ((9, 1), "3947334"),
    ((10, 1), "4032"),
    ((13, 1), "44381.44"),
];

/// The 主动公开 table's grid: 14 rows x 4 columns.
fn assert_active_grid(t: &Table) {
    assert_eq!(
        (t.n_rows(), t.n_cols()),
        (14, 4),
        "grid {:?}",
        t.grid_text()
    );
}

/// The 主动公开 table: its grid ([`assert_active_grid`]), numbers in fixed cells.
fn assert_active_table(t: &Table) {
    assert_active_grid(t);
    for ((r, c), v) in ACTIVE_VALUES {
        assert_eq!(
            t.cell_at(r, c).text(),
            v,
            "cell ({r},{c}) of {:?}",
            t.grid_text()
        );
    }
    assert!(
        t.cell_at(3, 0).text().contains("规范性文件"),
        "label {:?}",
        t.cell_at(3, 0).text()
    );
}

/// As [`assert_active_table`], but a number may be misread when its reading is in doubt
/// (confidence below `verify::UNCOVERED_SURE`: the active table's values are flagged then).
fn assert_active_table_or_doubted(t: &Table) {
    assert_active_grid(t);
    for ((r, c), v) in ACTIVE_VALUES {
        let cell = t.cell_at(r, c);
        assert!(
            cell.text() == v || cell.confidence < nianbao::verify::UNCOVERED_SURE,
            "cell ({r},{c}) read {:?} at {} for {v}",
            cell.text(),
            cell.confidence
        );
    }
}

#[test]
fn rotated_noisy_jpeg_table_numbers_land_in_their_cells() {
    let img = load("active-gray-rot.jpg");
    assert_eq!((img.width(), img.height()), (960, 745));
    assert_eq!(img.dpi_x, 150.0, "JFIF density is the dpi");
    let (page, tables) = ocr_tables(&img);
    assert_eq!(page.kind, PageKind::Scanned);
    assert!(
        (page.width - 960.0 * 72.0 / 150.0).abs() < 0.5,
        "width in points: {}",
        page.width
    );
    assert!(page.rulings.len() >= 20, "rulings: {}", page.rulings.len());
    assert_eq!(tables.len(), 1);
    assert_active_table(&tables[0]);
    // the partly erased ruling between 28 and 10 was completed
    assert_ne!(tables[0].index[3 * 4 + 1], tables[0].index[3 * 4 + 2]);
    for w in &page.words {
        assert_eq!(w.source, Source::Ocr);
        assert!((0.0..=1.0).contains(&w.confidence));
        assert!(w.bbox.x1 <= page.width + 1.0 && w.bbox.y1 <= page.height + 1.0);
    }
}

/// The one grid OCR finds on `img` (`why` says what else would have made more).
fn only_table(img: &PageImage, why: &str) -> Table {
    let (_, mut tables) = ocr_tables(img);
    assert_eq!(tables.len(), 1, "{why}");
    tables.remove(0)
}

#[test]
fn red_seal_over_numbers_is_dropped() {
    let t = only_table(
        &load("active-seal.jpg"),
        "the seal ring must not add rulings",
    );
    assert_active_table(&t);
}

#[test]
fn gray_seal_ring_adds_no_rulings_and_its_cells_are_in_doubt() {
    // a mid-gray seal ring (42 mm) over the number column of a gray scan: colour cannot drop
    // it, its shape finds it (see make_fixtures.py, gray_seal)
    let img = load("active-gray-seal.jpg");
    let (page, tables) = ocr_tables(&img);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_active_grid(t);
    // the ring's sides run along the column rulings: no cell edge from them
    for r in [5, 6, 8, 9, 10] {
        let c = t.cell_at(r, 1);
        assert_eq!(
            (c.c0, c.c1),
            (1, 4),
            "row {r} under the seal: {:?}",
            t.grid_text()
        );
    }
    // the cells clear of the seal read as printed
    for ((r, c), v) in [
        ((2, 1), "0"),
        ((3, 1), "28"),
        ((3, 2), "10"),
        ((3, 3), "65"),
        ((13, 1), "44381.44"),
    ] {
        assert_eq!(
            t.cell_at(r, c).text(),
            v,
            "cell ({r},{c}) of {:?}",
            t.grid_text()
        );
    }
    // readings under the ring are in doubt (below verify::LOW, so the flags mark them unless
    // the checks confirm them); readings clear of it are not lowered
    let (cx, cy, r) = (
        600.0 * 72.0 / img.dpi_x,
        470.0 * 72.0 / img.dpi_y,
        110.0 * 72.0 / img.dpi_x,
    );
    let on_disk = |b: &BBox| (cx.clamp(b.x0, b.x1) - cx).hypot(cy.clamp(b.y0, b.y1) - cy) <= r;
    let in_table = |b: &BBox| t.bbox.contains_point(b.cx(), b.cy());
    let under: Vec<_> = page
        .words
        .iter()
        .filter(|w| on_disk(&w.bbox) && in_table(&w.bbox))
        .collect();
    assert!(!under.is_empty());
    for w in under {
        assert!(
            w.confidence < nianbao::verify::LOW,
            "{:?} {} under the seal",
            w.text,
            w.confidence
        );
    }
    let clear = page
        .words
        .iter()
        .find(|w| w.text == "44381.44")
        .expect("44381.44 read");
    assert!(clear.confidence >= nianbao::verify::LOW);
}

#[test]
fn rulings_lost_over_whole_cell_edges_are_restored() {
    // whole cell edges and crossings erased (see make_fixtures.py, break_grid)
    let img = load("active-broken-grid.jpg");
    let (_, tables) = ocr_tables(&img);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_active_table(t);
    // the printed merged cells stay merged: the four title rows span the table, the single
    // number cells span the three value columns
    for r in [0, 4, 7, 11] {
        let c = t.cell_at(r, 0);
        assert_eq!((c.c0, c.c1), (0, 4), "title row {r}: {:?}", t.grid_text());
    }
    for r in [6, 9, 10, 13] {
        let c = t.cell_at(r, 1);
        assert_eq!((c.c0, c.c1), (1, 4), "number row {r}: {:?}", t.grid_text());
    }
    assert_eq!(t.cell_at(6, 0).text(), "行政许可");
    // 56 positions: 4 title rows of one cell, 4 number rows and 3 header rows of two
    assert_eq!(
        t.cells.len(),
        56 - 4 * 3 - 4 * 2 - 3 * 2,
        "{:?}",
        t.grid_text()
    );
}

#[test]
fn image_only_pdfs_decode_directly_with_their_dpi() {
    let jpeg = std::fs::read(fixture("scan-jpeg.pdf")).unwrap();
    let img = ocr::pdf_page_image(&jpeg, 0).unwrap();
    assert_eq!((img.width(), img.height()), (960, 745));
    assert!(
        (img.dpi_x - 150.0).abs() < 0.5 && (img.dpi_y - 150.0).abs() < 0.5,
        "{} {}",
        img.dpi_x,
        img.dpi_y
    );
    assert_eq!(img.dpi_source, ocr::DpiSource::Pdf);

    // CCITT G4 with DecodeParms as an array (img2pdf): pixel-identical to the same G4 TIFF page
    let g4 = std::fs::read(fixture("scan-g4.pdf")).unwrap();
    let from_pdf = ocr::pdf_page_image(&g4, 0).unwrap();
    let from_tiff = load("two-page.tif");
    let a = from_pdf.pix().to_gray().unwrap().gray_bytes().unwrap();
    let b = from_tiff.pix().to_gray().unwrap().gray_bytes().unwrap();
    assert_eq!(a.len(), b.len());
    assert!(
        a == b,
        "G4 from the PDF differs from the TIFF in {} pixels",
        a.iter().zip(&b).filter(|(x, y)| x != y).count()
    );
    assert!(
        a.iter().filter(|&&v| v == 0).count() > 10_000,
        "black ink present"
    );

    assert!(
        ocr::pdf_page_image(&g4, 5)
            .unwrap_err()
            .to_string()
            .contains("does not exist")
    );
    assert_eq!(ocr::pdf_page_count(&g4).unwrap(), 1);
}

#[test]
fn g4_pdf_page_is_read() {
    let g4 = std::fs::read(fixture("scan-g4.pdf")).unwrap();
    let page = ocr::ocr_pdf_page(&g4, 0, &TesseractConfig::default()).unwrap();
    assert_eq!(page.number, 1);
    let tables = table::find_tables(&page, &table::Tolerances::default());
    assert_eq!(tables.len(), 1);
    assert_active_table(&tables[0]);
}

#[test]
fn multipage_tiff_gives_every_page() {
    let pages = ocr::load_image_file(&fixture("two-page.tif")).unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!((pages[1].width(), pages[1].height()), (960, 395));
    assert_eq!(pages[1].dpi_x, 150.0);
}

#[test]
fn null_engine_sees_numeric_and_label_cells() {
    let img = load("active-gray-rot.jpg");
    let mut engine = NullEngine {
        numeric: Some("7".into()),
        text: Some("标签".into()),
        calls: vec![],
    };
    let out = ocr::ocr_page_detailed(
        &img,
        3,
        &mut engine,
        &OcrOptions {
            page_text: ocr::PageText::None,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(out.page.number, 3);
    assert_eq!(out.tables.len(), 1);
    let numeric_calls = engine
        .calls
        .iter()
        .filter(|(_, m)| *m == ReadMode::Numeric)
        .count();
    assert!(
        numeric_calls >= 10,
        "every number cell gets a digit read ({numeric_calls})"
    );
    assert!(
        !engine.calls.iter().any(|(_, m)| *m == ReadMode::Page),
        "page text pass was switched off"
    );
    let mut t = out.tables[0].clone();
    table::fill_cells(&mut t, &out.page.words);
    assert_eq!(t.cell_at(3, 1).text(), "7");
    assert_eq!(t.cell_at(3, 0).text(), "标签");
    assert_eq!(t.cell_at(0, 0).text(), "标签");

    // an engine that reads nothing still yields the grid, and no words but the zero glyphs
    // read from their geometry (a 0's loop, a dash, a slash) and, for glyph ink it read
    // nothing of, the unread mark (ocr::ink: never a blank zero)
    let mut silent = NullEngine::default();
    let out = ocr::ocr_page(&img, 1, &mut silent).unwrap();
    assert!(
        out.words
            .iter()
            .all(|w| matches!(w.text.as_str(), "0" | "—" | "/" | ocr::ink::UNREAD)),
        "{:?}",
        out.words.iter().map(|w| &w.text).collect::<Vec<_>>()
    );
    let unread: Vec<_> = out
        .words
        .iter()
        .filter(|w| w.text == ocr::ink::UNREAD)
        .collect();
    assert!(
        !unread.is_empty() && unread.iter().all(|w| w.confidence == 0.0),
        "glyph ink read as nothing is unread"
    );
    assert!(out.rulings.len() >= 20);
}

#[test]
fn blank_page_gives_no_words_and_no_reads() {
    let img = PageImage::from_gray(300, 200, &vec![250u8; 300 * 200], 100.0).unwrap();
    let mut engine = NullEngine {
        numeric: Some("1".into()),
        text: Some("x".into()),
        calls: vec![],
    };
    let page = ocr::ocr_page(&img, 1, &mut engine).unwrap();
    assert!(page.words.is_empty() && page.rulings.is_empty());
    assert!(
        engine.calls.is_empty(),
        "nothing to read: {:?}",
        engine.calls
    );
}

fn png_with_size(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&w.to_be_bytes());
    chunk.extend_from_slice(&h.to_be_bytes());
    chunk.extend_from_slice(&[8, 0, 0, 0, 0]);
    v.extend_from_slice(&13u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&chunk);
    v.extend_from_slice(&chunk);
    v.extend_from_slice(&crc.sum().to_be_bytes());
    v.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
    v
}

#[test]
fn oversized_and_broken_images_are_errors() {
    // 81 Mpx: refused from the header, before any pixel is decoded
    let err = ocr::image::load_image_bytes(&png_with_size(9000, 9000)).unwrap_err();
    assert!(format!("{err:#}").contains("budget"), "{err:#}");
    assert!(ocr::image::load_image_bytes(&png_with_size(100_000, 100_000)).is_err());
    assert!(
        ocr::image::load_image_bytes(&png_with_size(10, 10)).is_err(),
        "header only, no data"
    );
    assert!(ocr::image::load_image_bytes(b"").is_err());
    assert!(ocr::load_image_file(Path::new("/nonexistent/x.png")).is_err());
    assert!(ocr::pdf_page_image(b"%PDF-1.7\n%%EOF", 0).is_err());
}

/// A one-page digital PDF drawing a 2x2 grid (no fonts), written by hand.
fn tiny_pdf() -> Vec<u8> {
    let content = b"2 w 100 500 m 300 500 l S 100 600 m 300 600 l S 100 700 m 300 700 l S \
100 500 m 100 700 l S 200 500 m 200 700 l S 300 500 m 300 700 l S";
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 800] /Contents 4 0 R /Resources << >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{}\nendstream",
            content.len(),
            String::from_utf8_lossy(content)
        ),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn digital_page_renders_and_inspect_draws_it() {
    let pdf = tiny_pdf();
    // not a single image: pdf_page_image falls back to rendering (300 dpi)
    let img = ocr::pdf_page_image(&pdf, 0).unwrap();
    assert_eq!((img.width(), img.height()), (1666, 3333));
    let img = ocr::render_pdf_page(&pdf, 0, 72.0).unwrap();
    assert_eq!((img.width(), img.height()), (400, 800));
    let gray = img.pix().to_gray().unwrap();
    assert!(
        gray.gray_at(150, 300) < 100,
        "the ruling at y=500 (PDF) is drawn at y=300 (top-left)"
    );
    assert!(gray.gray_at(150, 350) > 200, "paper is white");

    // the OCR producer finds the same 2x2 grid on the rendered page
    let mut engine = NullEngine::default();
    let out = ocr::ocr_page_detailed(&img, 1, &mut engine, &OcrOptions::default()).unwrap();
    assert_eq!(out.tables.len(), 1);
    let t = &out.tables[0];
    assert_eq!((t.n_rows(), t.n_cols()), (2, 2));
    assert!(
        (t.bbox.x0 - 100.0).abs() < 3.0 && (t.bbox.y0 - 100.0).abs() < 3.0,
        "{}",
        t.bbox
    );

    let png = std::env::temp_dir().join(format!("nianbao-inspect-{}.png", std::process::id()));
    let span = BBox::new(100.0, 100.0, 200.0, 200.0);
    let overlay = ocr::Overlay {
        marks: vec![(span, "lc".to_string(), Color::MAGENTA)],
        axes: vec![
            ocr::Axis {
                kind: ocr::AxisKind::Row,
                span,
                label: "granted".into(),
                color: Color::MAGENTA,
            },
            ocr::Axis {
                kind: ocr::AxisKind::Column,
                span,
                label: "total".into(),
                color: Color::MAGENTA,
            },
        ],
        legend: vec!["lc=low_confidence".into()],
    };
    ocr::inspect_png(&img, &out.page, &out.tables, &overlay, &png).unwrap();
    let drawn = ocr::load_image_file(&png).unwrap().remove(0);
    std::fs::remove_file(&png).ok();
    // a gutter for the row key is added on the left; the page is otherwise the same size
    let gutter = drawn.width() as i32 - 400;
    assert!(gutter > 20, "gutter {gutter}");
    assert_eq!(drawn.height(), 800, "the column key fits above the table");
    let rgb = drawn.pix().red_channel().unwrap();
    // the magenta mark's outline (red 200) sits on the cell's top-left corner area
    assert!(
        (95..=110).any(|x| rgb.gray_at(gutter + x, 100) >= 150),
        "mark drawn"
    );
    // the row key is written in the gutter at the row's height
    let gray = drawn.pix().to_gray().unwrap();
    let ink_in_gutter = (0..gutter - 2)
        .flat_map(|x| (120..170).map(move |y| (x, y)))
        .filter(|&(x, y)| rgb.gray_at(x, y) >= 150 && gray.gray_at(x, y) < 200)
        .count();
    assert!(ink_in_gutter > 10, "row key drawn in the gutter");
}

#[test]
fn table_at_120_dpi_skewed_2_5_degrees_is_located_and_read() {
    // (issue 12) small print and a skew near the top of what scanners leave
    let img = load("active-120dpi-skew.jpg");
    assert_eq!(img.dpi_x, 120.0);
    let t = only_table(&img, "one grid");
    // every number in its cell, and read right or in doubt (at 120 dpi one 10 reads 20 at
    // 0.74: below what verify takes as sure for a cell no check covers, so it is flagged)
    assert_active_table_or_doubted(&t);
}

#[test]
fn shaded_header_rows_add_no_rulings() {
    // (issue 12) a gray band over the title and header rows is no ruling and no ink
    let t = only_table(
        &load("active-shaded-header.jpg"),
        "the shading must not add rulings",
    );
    assert_active_table(&t);
}

/// The look by tokens: the same scans read without a grid, the table rebuilt by the alignment
/// of the tokens' words.  Every number of the active table comes out in a cell of its own,
/// on the row of its label.
#[test]
fn without_a_grid_tokens_align_into_the_active_table() {
    for name in [
        "active-120dpi-skew.jpg",
        "active-broken-grid.jpg",
        "active-shaded-header.jpg",
    ] {
        let img = load(name);
        let mut engine = TesseractEngine::new(&TesseractConfig::default()).unwrap();
        let opts = OcrOptions {
            layout: ocr::Layout::Tokens,
            ..OcrOptions::default()
        };
        let out = ocr::ocr_page_detailed(&img, 1, &mut engine, &opts).unwrap();
        assert!(
            out.page.rulings.is_empty() && out.tables.is_empty(),
            "{name}"
        );
        let tables = table::find_tables(&out.page, &table::Tolerances::default());
        let rows: Vec<Vec<String>> = tables
            .iter()
            .filter(|t| t.method == "stream")
            .flat_map(|t| t.grid_text())
            .collect();
        let row_of = |v: &str| {
            rows.iter()
                .find(|r| r.iter().skip(1).any(|c| c == v))
                .unwrap_or_else(|| panic!("{name}: {v} in no cell of its own: {rows:?}"))
        };
        assert!(row_of("28").iter().any(|c| c == "10") && row_of("28").iter().any(|c| c == "65"));
        assert!(
            row_of("28")[0].contains("规范性文件"),
            "{name}: {:?}",
            row_of("28")
        );
        for v in ["335918", "3947334", "4032"] {
            row_of(v);
        }
    }
}

/// A 150 dpi gray page with a three-row grid (x 100..460, rows 40 px) whose second value row
/// holds a number in its first and last value cells and a blank between; with `past`, a
/// glyph of print height stands on that row's line past the grid's right end (a value the
/// grid, cut short, left out).
fn cut_short_row_page(past: bool) -> PageImage {
    let (w, h) = (800usize, 400usize);
    let mut px = vec![245u8; w * h];
    let mut fill = |x0: usize, y0: usize, rw: usize, rh: usize, v: u8| {
        for y in y0..y0 + rh {
            for x in x0..x0 + rw {
                px[y * w + x] = v;
            }
        }
    };
    for y in [100, 140, 180, 220] {
        fill(100, y, 362, 2, 30);
    }
    for x in [100, 220, 340, 460] {
        fill(x, 100, 2, 122, 30);
    }
    // a digit-like mark (a 4 x 14 px bar) in a cell, and a second one past the grid
    let mut mark = |x: usize, y: usize| fill(x, y, 4, 14, 20);
    mark(275, 153);
    mark(275, 193);
    mark(395, 193);
    if past {
        mark(560, 193);
    }
    PageImage::from_gray(w as u32, h as u32, &px, 150.0).unwrap()
}

/// Rule `print_past_row`: print on a row's line past its grid's end puts every reading of
/// that row in doubt, its blank too; the rows above keep theirs, and a page with nothing past
/// the grid is read as it was.
#[test]
fn print_past_a_cut_short_row_puts_the_row_in_doubt() {
    let words_of = |past: bool| {
        let mut engine = NullEngine {
            numeric: Some("1".into()),
            text: Some("标签".into()),
            calls: vec![],
        };
        let out = ocr::ocr_page_detailed(
            &cut_short_row_page(past),
            1,
            &mut engine,
            &OcrOptions {
                page_text: ocr::PageText::None,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(out.tables.len(), 1, "the grid is found");
        out.page.words
    };
    // the row at y 180..220 px is 86.4..105.6 pt
    let in_row = |b: &BBox| (86.0..106.0).contains(&((b.y0 + b.y1) / 2.0));
    let doubtful = words_of(true);
    let row: Vec<_> = doubtful.iter().filter(|w| in_row(&w.bbox)).collect();
    assert!(
        row.len() >= 3 && row.iter().all(|w| w.confidence <= 0.5),
        "{doubtful:?}"
    );
    assert!(
        row.iter().any(|w| w.text.is_empty()),
        "the blank cell's reading is in doubt too: {row:?}"
    );
    let above: Vec<_> = doubtful.iter().filter(|w| !in_row(&w.bbox)).collect();
    assert!(
        !above.is_empty() && above.iter().all(|w| w.confidence == 1.0),
        "{above:?}"
    );
    let clear = words_of(false);
    assert!(
        clear
            .iter()
            .all(|w| w.confidence == 1.0 && !w.text.is_empty()),
        "{clear:?}"
    );
}

//! Dump what the OCR producer makes of a page, for measuring.
//!
//!   cargo run --release --example ocr_dump -- FILE [PAGE(1-based)] [--png out.png] [--json] [--no-text]
//!
//! Prints the grid(s) found (rows of cell texts), then every word with its box and confidence.
use anyhow::{Context, Result, bail};
use nianbao::ocr::{self, OcrOptions, TesseractConfig, TesseractEngine};
use nianbao::table;
use std::path::PathBuf;
use std::time::Instant;

/// user + system CPU seconds of this process (Linux /proc; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

fn main() -> Result<()> {
    ocr::engine::ensure_single_threaded_openmp();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        bail!(
            "usage: ocr_dump FILE [PAGE] [--png OUT] [--json] [--no-text] [--tokens] [--table-stage] [--gray OUT.png]"
        )
    };
    let page_no: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let png = args
        .iter()
        .position(|a| a == "--png")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let json = args.iter().any(|a| a == "--json");
    let opts = OcrOptions {
        page_text: if args.iter().any(|a| a == "--no-text") {
            ocr::PageText::None
        } else {
            ocr::PageText::All
        },
        layout: if args.iter().any(|a| a == "--tokens") {
            ocr::Layout::Tokens
        } else {
            ocr::Layout::Rulings
        },
        ..Default::default()
    };
    let t0 = Instant::now();
    let img = if file.to_lowercase().ends_with(".pdf") {
        let bytes = std::fs::read(file).with_context(|| file.clone())?;
        ocr::pdf_page_image(&bytes, page_no - 1)?
    } else {
        ocr::load_image_file(file.as_ref())?.remove(page_no - 1)
    };
    let t_load = t0.elapsed();
    let mut engine = TesseractEngine::new(&TesseractConfig::default())?;
    if args.iter().any(|a| a == "--whole-page") {
        // baseline: one chi_sim PSM 3 pass over the unprocessed page through our engine
        use nianbao::ocr::{OcrEngine, ReadMode, lept::Rect};
        let gray = img.pix().to_gray()?;
        let c0 = cpu_seconds();
        engine.set_image(&gray, img.dpi_x as u32)?;
        let ws = engine.read(Rect::new(0, 0, gray.width(), gray.height()), ReadMode::Page)?;
        eprintln!(
            "whole page: {} words, cpu {:.3} s",
            ws.len(),
            cpu_seconds() - c0
        );
        return Ok(());
    }
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let t1 = Instant::now();
    let cpu0 = cpu_seconds();
    let mut out = ocr::ocr_page_detailed(&img, page_no as u32, &mut engine, &opts)?;
    for _ in 1..repeat {
        out = ocr::ocr_page_detailed(&img, page_no as u32, &mut engine, &opts)?;
    }
    let cpu_per_page = (cpu_seconds() - cpu0) / repeat as f64;
    let t_ocr = t1.elapsed() / repeat as u32;
    if repeat > 1 {
        eprintln!("cpu per page (engine already initialised): {cpu_per_page:.3} s");
    }
    let mut tables = out.tables.clone();
    for t in &mut tables {
        table::fill_cells(t, &out.page.words);
    }
    if opts.layout == ocr::Layout::Tokens || args.iter().any(|a| a == "--table-stage") {
        // the table stage's text alignment over the tokens' words (or, with --table-stage, the
        // tables the pipeline's table stage rebuilds from the page's rulings and words)
        tables = table::find_tables(&out.page, &table::Tolerances::default());
    }
    if json {
        let grids: Vec<_> = tables
            .iter()
            .map(|t| {
                t.cells
                    .iter()
                    .map(|c| serde_json::json!([c.r0, c.c0, c.r1, c.c1, c.text()]))
                    .collect::<Vec<_>>()
            })
            .collect();
        let words: Vec<_> = out
            .page
            .words
            .iter()
            .map(|w| serde_json::json!({"text": w.text, "bbox": [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1], "conf": w.confidence, "alt": w.alternatives}))
            .collect();
        println!(
            "{}",
            serde_json::json!({"tables": grids, "words": words, "skew": out.skew_deg, "dpi": img.dpi_x,
            "load_ms": t_load.as_millis(), "ocr_ms": t_ocr.as_millis(), "cpu_s": cpu_per_page, "rulings": out.page.rulings.len()})
        );
    } else {
        eprintln!(
            "{}x{} px @ {:.0} dpi ({:?}); skew {:.2}°; {} rulings; {} tables; {} words; load {:?}, ocr {:?}",
            img.width(),
            img.height(),
            img.dpi_x,
            img.dpi_source,
            out.skew_deg,
            out.page.rulings.len(),
            tables.len(),
            out.page.words.len(),
            t_load,
            t_ocr
        );
        for (i, t) in tables.iter().enumerate() {
            println!(
                "== table {} ({}x{}) {}",
                i + 1,
                t.n_rows(),
                t.n_cols(),
                t.bbox
            );
            let f = |v: &[f32]| {
                v.iter()
                    .map(|x| format!("{x:.0}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("  xs {}\n  ys {}", f(&t.xs), f(&t.ys));
            let merged: Vec<String> = t
                .cells
                .iter()
                .filter(|c| c.r1 - c.r0 > 1 || c.c1 - c.c0 > 1)
                .map(|c| format!("r{}-{}c{}-{}", c.r0, c.r1 - 1, c.c0, c.c1 - 1))
                .collect();
            println!("  merged {}", merged.join(" "));
            for row in t.grid_text() {
                println!("  {}", row.join(" | "));
            }
        }
        if args.iter().any(|a| a == "--rulings") {
            let r = table::normalize(&out.page.rulings, &table::Tolerances::default());
            println!("== rulings (after repair)");
            for l in &r.h {
                println!("  h y {:.1} x {:.1}..{:.1}", l.0, l.1, l.2);
            }
            for l in &r.v {
                println!("  v x {:.1} y {:.1}..{:.1}", l.0, l.1, l.2);
            }
        }
        println!("== words");
        for w in &out.page.words {
            println!(
                "  {:5.2} {} {:?} {:?}",
                w.confidence, w.bbox, w.text, w.alternatives
            );
        }
    }
    // the cleaned page image the cells were read from (seal ink removed, rulings painted out)
    if let Some(p) = args
        .iter()
        .position(|a| a == "--gray")
        .and_then(|i| args.get(i + 1))
    {
        std::fs::write(p, out.image.pix().to_png()?)?;
    }
    if let Some(p) = png {
        ocr::inspect_png(&out.image, &out.page, &tables, &ocr::Overlay::default(), &p)?;
    }
    Ok(())
}

//! `nianbao inspect`: one debug PNG per page showing why each cell came out as it did.
//!
//! The page is produced exactly as `convert` produces it (text layer when usable, else OCR),
//! the whole document then goes through the ordinary stages (`pipeline::convert_pages`), and
//! each page is drawn with, over its image:
//!
//! - blue: the ruling segments of the page model;
//! - cyan: the cells of every table the lattice finder reconstructed;
//! - thin green / orange / red boxes: the words, by confidence (>= 0.9, >= 0.6, below), with the
//!   confidence in percent (and the text, when ASCII) above each;
//! - thick green: template cells mapped from this page;
//! - thick magenta: template cells that carry a flag (low confidence, repaired, a failed check
//!   ...), with the initials of their first flag inside when they fit (the legend at the top left
//!   says which flag each code stands for);
//! - the located template rows and columns: each row key once in a gutter left of the page and
//!   each column key once above its column (stacked where columns are narrow), with a leader
//!   line to the row or column, magenta when one of its cells is flagged: legible however
//!   narrow the cells.
//!
//! Digital pages are rendered (hayro) at `dpi`; OCR pages show the cleaned, deskewed image the
//! OCR coordinates refer to.  The drawing itself is `ocr::inspect` (leptonica).

use crate::model::{BBox, Page};
use crate::ocr::{self, Axis, AxisKind, Color, OcrOptions, Overlay, PageImage};
use crate::pipeline::{self, InputKind, Options};
use crate::{pdf, table};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// What `inspect_file` draws.
pub struct InspectOptions<'a> {
    /// Only this page (1-based); all pages when None.
    pub page: Option<u32>,
    /// Rendering resolution of digital pages.
    pub dpi: f32,
    /// Conversion options (OCR engine or none, repair, tolerances).
    pub convert: Options<'a>,
    /// The OCR configuration used for pages without a usable text layer (None: OCR off).
    pub ocr: Option<ocr::TesseractConfig>,
    /// The OCR producer's debugging knobs (`Settings::ocr_debug`).
    pub ocr_debug: ocr::OcrDebug,
}

/// A page as the pipeline saw it, with the image it is drawn on when OCR made it.
struct Produced {
    page: Page,
    image: Option<PageImage>,
}

/// Write `<stem>-p<N>.png` into `out` for each (selected) page of `path`; returns the files.
pub fn inspect_file(path: &Path, out: &Path, o: &InspectOptions) -> Result<Vec<PathBuf>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let kind = crate::produce::route(&bytes, path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let produced = match kind {
        InputKind::Pdf => pdf_pages(&bytes, o)?,
        InputKind::Image => image_pages(&bytes, o)?,
        InputKind::Text | InputKind::Html | InputKind::Docx => {
            let what = match kind {
                InputKind::Html => "a web page",
                InputKind::Docx => "a Word file",
                _ => "a text dump",
            };
            bail!(
                "{}: {what} has no page image to draw; convert it and read its tables/ and text/ instead",
                path.display()
            )
        }
    };
    if let Some(n) = o.page
        && (n == 0 || n as usize > produced.len())
    {
        bail!("--page {n}: the document has {} page(s)", produced.len());
    }
    let sha = pipeline::sha256_hex(&bytes);
    let pages: Vec<Page> = produced.iter().map(|p| p.page.clone()).collect();
    let shown = path.display().to_string();
    let result = pipeline::convert_pages(
        pages,
        vec![],
        &sha,
        bytes.len() as u64,
        &shown,
        kind == InputKind::Image,
        &o.convert,
    );

    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "page".into());
    let mut written = Vec::new();
    for (i, p) in produced.iter().enumerate() {
        let n = i as u32 + 1;
        if o.page.is_some_and(|want| want != n) {
            continue;
        }
        let rendered;
        let image = match &p.image {
            Some(img) => img,
            None => {
                rendered = ocr::render_pdf_page(&bytes, i, o.dpi)
                    .with_context(|| format!("page {n}: cannot render it"))?;
                &rendered
            }
        };
        let tables = table::find_tables(&p.page, &o.convert.tolerances);
        let overlay = overlay(&result.cells, n);
        let file = out.join(format!("{stem}-p{n}.png"));
        ocr::inspect_png(image, &p.page, &tables, &overlay, &file)?;
        written.push(file);
    }
    Ok(written)
}

fn pdf_pages(bytes: &[u8], o: &InspectOptions) -> Result<Vec<Produced>> {
    let doc = pdf::load(bytes)?;
    let read = pdf::read_pages(&doc)?;
    let mut out = Vec::with_capacity(read.len());
    for (i, p) in read.into_iter().enumerate() {
        let wanted = o.page.is_none_or(|n| n as usize == i + 1);
        match &o.ocr {
            // OCR only the pages that are drawn: the others only feed the template mapping
            // (a table continued across pages), where their text-layer page is good enough.
            Some(cfg) if !p.quality.usable() && wanted => {
                let img =
                    ocr::pdf_page_image(bytes, i).with_context(|| format!("page {}", i + 1))?;
                let r = ocr::with_thread_engine(cfg, |e| {
                    ocr::ocr_page_detailed(&img, i as u32 + 1, e, &all_text(o))
                })??;
                out.push(Produced {
                    page: r.page,
                    image: Some(r.image),
                });
            }
            _ => out.push(Produced {
                page: p.page,
                image: None,
            }),
        }
    }
    Ok(out)
}

fn image_pages(bytes: &[u8], o: &InspectOptions) -> Result<Vec<Produced>> {
    let Some(cfg) = &o.ocr else {
        bail!("an image input needs OCR, which is off")
    };
    let images = ocr::image::load_image_bytes(bytes)?;
    let mut out = Vec::with_capacity(images.len());
    for (i, img) in images.iter().enumerate() {
        let r = ocr::with_thread_engine(cfg, |e| {
            ocr::ocr_page_detailed(img, i as u32 + 1, e, &all_text(o))
        })??;
        out.push(Produced {
            page: r.page,
            image: Some(r.image),
        });
    }
    Ok(out)
}

/// Inspect draws every word OCR can find on the drawn pages, prose included (convert reads
/// only the first page's prose by default; the tables are read the same way).
fn all_text(o: &InspectOptions) -> OcrOptions {
    OcrOptions {
        page_text: ocr::PageText::All,
        debug: o.ocr_debug.clone(),
        ..Default::default()
    }
}

/// What is drawn over page `n`: its template cells (green, or magenta with their first flag's
/// code), the rows and columns they form, and the legend of the codes used.
fn overlay(cells: &[pipeline::CellRow], n: u32) -> Overlay {
    let page = n.to_string();
    let mut o = Overlay::default();
    // (kind, table, key) -> (span, flagged)
    let mut axes: Vec<((AxisKind, String, String), BBox, bool)> = Vec::new();
    let mut codes: Vec<(String, String)> = Vec::new();
    for c in cells.iter().filter(|c| c.page == page) {
        let v: Vec<f32> = c
            .bbox
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let [x0, y0, x1, y1] = v[..] else { continue };
        let b = BBox::new(x0, y0, x1, y1);
        let flag = c.flags.split(';').find(|f| !f.is_empty());
        let (label, color) = match flag {
            Some(f) => {
                let code = flag_code(f);
                if !codes.iter().any(|(k, _)| *k == code) {
                    codes.push((code.clone(), f.to_string()));
                }
                (code, Color::MAGENTA)
            }
            None => (String::new(), Color::GREEN),
        };
        o.marks.push((b, label, color));
        for key in [
            (AxisKind::Row, c.table.clone(), c.row.clone()),
            (AxisKind::Column, c.table.clone(), c.col.clone()),
        ] {
            match axes.iter_mut().find(|a| a.0 == key) {
                Some(a) => {
                    a.1 = a.1.union(&b);
                    a.2 |= flag.is_some();
                }
                None => axes.push((key, b, flag.is_some())),
            }
        }
    }
    o.axes = axes
        .into_iter()
        .map(|((kind, _, key), span, flagged)| Axis {
            kind,
            span,
            label: key,
            color: if flagged {
                Color::MAGENTA
            } else {
                Color::GREEN
            },
        })
        .collect();
    if !codes.is_empty() {
        o.legend.push(
            codes
                .iter()
                .map(|(k, f)| format!("{k}={f}"))
                .collect::<Vec<_>>()
                .join("  "),
        );
    }
    o
}

/// A flag's initials (`low_confidence` -> `lc`), short enough for a narrow cell.
fn flag_code(flag: &str) -> String {
    flag.split('_').filter_map(|p| p.chars().next()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(page: &str, bbox: &str, flags: &str) -> pipeline::CellRow {
        pipeline::CellRow {
            table: "requests".into(),
            row: "denied_enforcement_file".into(),
            col: "natural_person".into(),
            page: page.into(),
            bbox: bbox.into(),
            flags: flags.into(),
            ..Default::default()
        }
    }

    #[test]
    fn overlay_marks_the_page_cells_and_names_each_row_and_column_once() {
        let cells = vec![
            cell("2", "1 2 3 4", ""),
            cell("2", "5 6 7 8", "low_confidence;repaired"),
            cell("3", "1 2 3 4", ""),
            cell("", "", "not_found"),
        ];
        let o = overlay(&cells, 2);
        assert_eq!(o.marks.len(), 2);
        assert_eq!(o.marks[0].1, "", "no key inside a cell");
        assert_eq!(o.marks[0].2, Color::GREEN);
        assert_eq!(o.marks[1].1, "lc");
        assert_eq!(o.marks[1].2, Color::MAGENTA);
        assert_eq!((o.marks[1].0.x0, o.marks[1].0.y1), (5.0, 8.0));
        // both cells are in one row and one column: one axis each, spanning both, flagged
        assert_eq!(o.axes.len(), 2);
        let row = &o.axes[0];
        assert_eq!(
            (row.kind, row.label.as_str()),
            (AxisKind::Row, "denied_enforcement_file")
        );
        assert_eq!((row.span.x0, row.span.x1, row.span.y1), (1.0, 7.0, 8.0));
        assert_eq!(row.color, Color::MAGENTA);
        assert_eq!(o.axes[1].label, "natural_person");
        assert_eq!(o.legend, vec!["lc=low_confidence".to_string()]);
    }

    #[test]
    fn a_page_without_flags_has_no_legend() {
        let o = overlay(&[cell("1", "1 2 3 4", "")], 1);
        assert!(o.legend.is_empty());
        assert_eq!(o.axes.len(), 2);
        assert!(o.axes.iter().all(|a| a.color == Color::GREEN));
        assert!(overlay(&[cell("1", "1 2 3 4", "")], 2).axes.is_empty());
    }
}

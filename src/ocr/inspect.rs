//! Debug picture of a page: the page image with the rulings, the reconstructed cells, the words
//! (box coloured by confidence, confidence in percent above it) and caller-given marks
//! (template keys, flagged cells).  Drawn with leptonica and its built-in bitmap font, which
//! has ASCII glyphs only: non-ASCII word text is not printed, only its confidence.
//!
//! Works for any page: the OCR producer's cleaned image (`OcrPage::image`) or a digital page
//! rendered with [`super::render_pdf_page`]; page coordinates (points) are scaled by the
//! image's dpi.

use super::image::PageImage;
use super::lept::{Font, Rect};
use crate::model::{BBox, Page};
use crate::table::Table;
use anyhow::{Context, Result};
use std::path::Path;

/// An RGB colour for marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const RED: Color = Color(220, 0, 0);
    pub const GREEN: Color = Color(0, 160, 0);
    pub const BLUE: Color = Color(0, 90, 255);
    pub const ORANGE: Color = Color(255, 140, 0);
    pub const MAGENTA: Color = Color(200, 0, 200);
    pub const CYAN: Color = Color(0, 170, 190);
    fn rgb(self) -> [u8; 3] {
        [self.0, self.1, self.2]
    }
}

/// Write the debug PNG to `out`.
pub fn inspect_png(
    image: &PageImage,
    page: &Page,
    tables: &[Table],
    marks: &[(BBox, String, Color)],
    out: &Path,
) -> Result<()> {
    let png = inspect_png_bytes(image, page, tables, marks)?;
    std::fs::write(out, png).with_context(|| format!("cannot write {}", out.display()))
}

/// [`inspect_png`] returning the PNG bytes.
pub fn inspect_png_bytes(
    image: &PageImage,
    page: &Page,
    tables: &[Table],
    marks: &[(BBox, String, Color)],
) -> Result<Vec<u8>> {
    let mut pix = image.pix().to_rgb()?;
    let (sx, sy) = (image.dpi_x / 72.0, image.dpi_y / 72.0);
    let to_px = |b: &BBox| {
        let (x0, y0) = ((b.x0 * sx).round() as i32, (b.y0 * sy).round() as i32);
        Rect::new(
            x0,
            y0,
            ((b.x1 * sx).round() as i32 - x0).max(1),
            ((b.y1 * sy).round() as i32 - y0).max(1),
        )
    };
    let font = Font::new(if image.dpi_x >= 250.0 { 10 } else { 8 });
    let thick = (image.dpi_x / 100.0).round().max(1.0) as i32;

    for t in tables {
        for c in &t.cells {
            pix.rect_blend(to_px(&c.bbox), thick, Color::CYAN.rgb(), 0.5);
        }
    }
    for s in &page.rulings {
        pix.line(
            (s.x0 * sx) as i32,
            (s.y0 * sy) as i32,
            (s.x1 * sx) as i32,
            (s.y1 * sy) as i32,
            thick,
            Color::BLUE.rgb(),
        );
    }
    for w in &page.words {
        let color = if w.confidence >= 0.9 {
            Color::GREEN
        } else if w.confidence >= 0.6 {
            Color::ORANGE
        } else {
            Color::RED
        };
        let r = to_px(&w.bbox);
        pix.rect_outline(r, 1, color.rgb());
        if let Some(f) = &font {
            let label = if w.text.is_ascii() {
                format!("{} {:.0}", w.text, w.confidence * 100.0)
            } else {
                format!("{:.0}", w.confidence * 100.0)
            };
            f.draw(&mut pix, &label, r.x, r.y - 1, color.rgb());
        }
    }
    for (b, label, color) in marks {
        let r = to_px(b);
        pix.rect_outline(r, thick + 1, color.rgb());
        if let Some(f) = &font {
            f.draw(&mut pix, label, r.x + 2, r.y1() - 2, color.rgb());
        }
    }
    pix.to_png()
}

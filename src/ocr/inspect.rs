//! Debug picture of a page: the page image with the rulings, the reconstructed cells, the words
//! (box coloured by confidence, confidence in percent above it) and caller-given marks
//! (template cells and their flags) with the located template rows and columns, whose keys are
//! written once in the margins (a gutter added left of the page, a band above each table).  Drawn with leptonica and its built-in bitmap font, which
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

/// A located template row or column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisKind {
    Row,
    Column,
}

/// A template row or column located on the page (the union of its cells), drawn once with its
/// key in the margin: row keys in a gutter left of the page, column keys above their column.
/// Cells can be narrower than any key (`commercial_enterprise` over a 40-pixel column at 120
/// dpi), so keys are never written inside cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub kind: AxisKind,
    pub span: BBox,
    pub label: String,
    pub color: Color,
}

/// What is drawn over the page besides its own rulings, cells and words.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// Template cells: box, a short code written inside when it fits (e.g. a flag's
    /// abbreviation), colour.
    pub marks: Vec<(BBox, String, Color)>,
    /// Located template rows and columns.
    pub axes: Vec<Axis>,
    /// Lines written at the top left (e.g. what the cell codes mean).
    pub legend: Vec<String>,
}

/// Write the debug PNG to `out`.
pub fn inspect_png(
    image: &PageImage,
    page: &Page,
    tables: &[Table],
    overlay: &Overlay,
    out: &Path,
) -> Result<()> {
    let png = inspect_png_bytes(image, page, tables, overlay)?;
    std::fs::write(out, png).with_context(|| format!("cannot write {}", out.display()))
}

/// Space between a margin label and what it names, in pixels.
const LABEL_PAD: i32 = 4;

/// Where the axis labels go: the margins added to the page and each label's baseline-left
/// point in the enlarged image (same order as the input).
#[derive(Debug, PartialEq)]
struct AxisLayout {
    left: i32,
    top: i32,
    at: Vec<(i32, i32)>,
}

/// Place the labels of `axes` (pixel spans in page coordinates, label widths in pixels) so
/// that none overlaps another: row labels right-aligned in a left gutter as wide as the
/// longest, pushed down when two rows are closer than a line; column labels just above their
/// column, stacked upwards on as many lines as needed where neighbours would touch; the top
/// margin grows when a stack rises above the page.  `legend_lines` lines are kept free at the
/// top.
fn layout_axes(axes: &[(AxisKind, Rect, i32)], line_h: i32, legend_lines: i32) -> AxisLayout {
    let left = axes
        .iter()
        .filter(|a| a.0 == AxisKind::Row)
        .map(|a| a.2 + 2 * LABEL_PAD)
        .max()
        .unwrap_or(0);
    let mut at = vec![(0, 0); axes.len()];
    // rows, top to bottom
    let mut rows: Vec<usize> = (0..axes.len())
        .filter(|&i| axes[i].0 == AxisKind::Row)
        .collect();
    rows.sort_by_key(|&i| (axes[i].1.y, axes[i].1.x));
    let mut next_free = i32::MIN;
    for &i in &rows {
        let r = axes[i].1;
        let base = (r.y + r.h / 2 + line_h / 2).max(next_free);
        at[i] = (left - LABEL_PAD - axes[i].2, base);
        next_free = base + line_h;
    }
    // columns: stacked per level, lowest free level first
    let mut cols: Vec<usize> = (0..axes.len())
        .filter(|&i| axes[i].0 == AxisKind::Column)
        .collect();
    cols.sort_by_key(|&i| (axes[i].1.y, axes[i].1.x));
    let mut levels: Vec<Vec<(i32, i32, i32)>> = Vec::new(); // (x0, x1, top) per level
    for &i in &cols {
        let (r, w) = (axes[i].1, axes[i].2);
        let x0 = left + r.x + (r.w - w).max(0) / 2;
        let x1 = x0 + w + LABEL_PAD;
        let level = (0..)
            .find(|&k| {
                levels.get(k).is_none_or(|l| {
                    l.iter()
                        .all(|&(a, b, top)| (top - r.y).abs() > 2 * line_h || x1 <= a || x0 >= b)
                })
            })
            .unwrap_or(0);
        if levels.len() <= level {
            levels.resize(level + 1, Vec::new());
        }
        levels[level].push((x0, x1, r.y));
        at[i] = (x0, r.y - LABEL_PAD - level as i32 * line_h);
    }
    // the highest label's top must clear the legend's lines
    let highest = at.iter().map(|&(_, base)| base - line_h).min();
    let top = highest.map_or(0, |h| (legend_lines * line_h - h).max(0));
    for a in &mut at {
        a.1 += top;
    }
    AxisLayout { left, top, at }
}

/// [`inspect_png`] returning the PNG bytes.
pub fn inspect_png_bytes(
    image: &PageImage,
    page: &Page,
    tables: &[Table],
    overlay: &Overlay,
) -> Result<Vec<u8>> {
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
    // word confidences in a smaller font than the template's keys: there is one per word
    let word_font = Font::new(if image.dpi_x >= 250.0 { 8 } else { 6 });
    let thick = (image.dpi_x / 100.0).round().max(1.0) as i32;
    let line_h = font.as_ref().map_or(12, |f| f.line_height() + 1);

    let axes_px: Vec<(AxisKind, Rect, i32)> = overlay
        .axes
        .iter()
        .map(|a| {
            let w = font.as_ref().map_or(0, |f| f.width(&a.label));
            (a.kind, to_px(&a.span), w)
        })
        .collect();
    let lay = if font.is_some() {
        layout_axes(&axes_px, line_h, overlay.legend.len() as i32)
    } else {
        AxisLayout {
            left: 0,
            top: 0,
            at: vec![(0, 0); axes_px.len()],
        }
    };
    let (dx, dy) = (lay.left, lay.top);
    let mut pix = image
        .pix()
        .to_rgb()?
        .add_border(dx, 0, dy, 0, 0xffff_ff00)?;
    let shift = |r: Rect| Rect::new(r.x + dx, r.y + dy, r.w, r.h);

    for t in tables {
        for c in &t.cells {
            pix.rect_blend(shift(to_px(&c.bbox)), thick, Color::CYAN.rgb(), 0.5);
        }
    }
    for s in &page.rulings {
        pix.line(
            (s.x0 * sx) as i32 + dx,
            (s.y0 * sy) as i32 + dy,
            (s.x1 * sx) as i32 + dx,
            (s.y1 * sy) as i32 + dy,
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
        let r = shift(to_px(&w.bbox));
        pix.rect_outline(r, 1, color.rgb());
        if let Some(f) = &word_font {
            let label = if w.text.is_ascii() {
                format!("{} {:.0}", w.text, w.confidence * 100.0)
            } else {
                format!("{:.0}", w.confidence * 100.0)
            };
            f.draw(&mut pix, &label, r.x, r.y - 1, color.rgb());
        }
    }
    for (b, label, color) in &overlay.marks {
        let r = shift(to_px(b));
        pix.rect_outline(r, thick + 1, color.rgb());
        if let Some(f) = &font
            && !label.is_empty()
            && f.width(label) <= r.w - 2
        {
            f.draw(&mut pix, label, r.x + 2, r.y1() - 2, color.rgb());
        }
    }
    if let Some(f) = &font {
        for (i, a) in overlay.axes.iter().enumerate() {
            let (r, w) = (shift(axes_px[i].1), axes_px[i].2);
            let (x, base) = lay.at[i];
            // a white plate under the label, a thin leader to what it names
            let plate = Rect::new(x - 1, base - line_h + 2, w + 2, line_h);
            pix.fill_rect(plate, 0xffff_ff00).ok();
            match a.kind {
                AxisKind::Row => {
                    pix.line(
                        x + w + 1,
                        base - line_h / 3,
                        r.x,
                        r.y + r.h / 2,
                        1,
                        a.color.rgb(),
                    );
                }
                AxisKind::Column => {
                    pix.line(x + w / 2, base + 1, r.x + r.w / 2, r.y, 1, a.color.rgb());
                }
            }
            f.draw(&mut pix, &a.label, x, base, a.color.rgb());
        }
        for (k, l) in overlay.legend.iter().enumerate() {
            f.draw(&mut pix, l, 2, (k as i32 + 1) * line_h - 2, [0, 0, 0]);
        }
    }
    pix.to_png()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: (i32, i32, i32), b: (i32, i32, i32), line_h: i32) -> bool {
        // (x, baseline, width) label boxes
        a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && (a.1 - b.1).abs() < line_h
    }

    #[test]
    fn narrow_columns_stack_their_labels_and_nothing_overlaps() {
        // seven 40-pixel columns with 90-pixel labels, two rows 8 pixels apart
        let mut axes: Vec<(AxisKind, Rect, i32)> = (0..7)
            .map(|k| (AxisKind::Column, Rect::new(300 + 40 * k, 100, 40, 300), 90))
            .collect();
        axes.push((AxisKind::Row, Rect::new(100, 200, 580, 8), 120));
        axes.push((AxisKind::Row, Rect::new(100, 208, 580, 8), 60));
        let lay = layout_axes(&axes, 12, 1);
        assert_eq!(
            lay.left,
            120 + 2 * LABEL_PAD,
            "gutter as wide as the longest row key"
        );
        let boxes: Vec<(i32, i32, i32)> = axes
            .iter()
            .zip(&lay.at)
            .map(|(a, &(x, y))| (x, y, a.2))
            .collect();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                assert!(!overlaps(boxes[i], boxes[j], 12), "{i} {j}: {boxes:?}");
            }
            assert!(
                boxes[i].1 - 12 >= 12,
                "below the legend line: {:?}",
                boxes[i]
            );
        }
        // columns stay above their table's top (moved by the added top margin)
        for b in &boxes[..7] {
            assert!(b.1 <= 100 + lay.top - LABEL_PAD, "{b:?}");
        }
        // row labels sit in the gutter, right-aligned
        assert_eq!(boxes[7].0 + 120, lay.left - LABEL_PAD);
        assert_eq!(boxes[8].0 + 60, lay.left - LABEL_PAD);
    }

    #[test]
    fn wide_columns_keep_one_line_and_no_margin_is_added_without_need() {
        let axes: Vec<(AxisKind, Rect, i32)> = (0..3)
            .map(|k| (AxisKind::Column, Rect::new(100 + 200 * k, 300, 200, 50), 60))
            .collect();
        let lay = layout_axes(&axes, 12, 0);
        assert_eq!((lay.left, lay.top), (0, 0));
        assert!(
            lay.at.iter().all(|&(_, y)| y == 300 - LABEL_PAD),
            "{:?}",
            lay.at
        );
    }
}

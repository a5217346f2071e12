//! Closing the gaps that scanning leaves in ruling lines.
//!
//! A printed ruling never ends in the middle of a cell edge: it ends where it meets a
//! perpendicular ruling (a T or a corner).  In a scan, faint print, toner drop-outs and the
//! morphology that finds the lines cut rulings into pieces whose ends stop anywhere.  The
//! lattice finder then sees an unruled edge and merges the cells on both sides, which swallows
//! whole label columns into one cell.
//!
//! The repair here: every end of a ruling piece that does not meet a perpendicular line of its
//! table (a *free* end) is extended outward to the next one.  Perpendicular lines are taken as
//! the grid boundaries of the table (the positions of all its perpendicular rulings), not as
//! the individual segments, because those can have a drop-out right at the crossing.  A gap
//! inside a line closes when no whole grid band lies in it; a gap that spans whole bands from
//! crossing to crossing is left alone here (that is what a real merged cell looks like).
//!
//! Before that, a table whose side has no ruling at all (a border never printed, or erased)
//! gets its lines joined out to where they end together ([`continue_unruled_sides`], rule
//! `unruled_side`): grouped from the pieces that touch its other rulings, its side would
//! otherwise be wherever the longest such piece stopped, and the outer border drawn there
//! would cut through the cells beyond it.
//!
//! Whole lost cell edges are told from real merged cells by two later passes:
//! [`split_non_rectangles`] (printed merged cells are rectangles, so an L-shaped region is
//! missing a ruling that runs on on both sides of it) and [`split_merged_by_ink`] (a merged
//! cell whose ink is two texts with a cell padding of blank paper between them is two cells).
//! A row line lost across a whole grid row leaves no boundary for either to restore:
//! [`restore_lost_row_lines`] draws it where every inked cell of the row holds a text and, a
//! line's height below it, one more line, one blank band running through all of them; and, in
//! a grid row two or more usual row heights high, where the pieces the erasure left of the
//! lost lines lie at one height in three cells ([`remnant_lines`], rule `remnant_rows`).
//! `tests/ocr.rs` (`rulings_lost_over_whole_cell_edges_are_restored`) shows the three
//! together on a table whose full-width title rows must stay merged.
//!
//! Only the OCR producer uses this; digital text layers have exact rulings.

use crate::model::{BBox, Segment};
use crate::table::{self, Tolerances};

/// How much farther than `Tolerances::intersect` pieces may stop short of each other and still
/// be grouped into one table.
const GROUP_REACH: f32 = 4.0;

/// The grids of `segments` grouped with a reach of [`GROUP_REACH`] line gaps, the segments as
/// lines, and how close an end must be to a boundary to meet it; None without a grid.  Pieces
/// of one table may not touch at all (a drop-out at every crossing of a line): grouped so,
/// every piece gets its table's boundaries.
fn grids_in_reach(
    segments: &[Segment],
    page: u32,
    tol: &Tolerances,
) -> Option<(Vec<table::Table>, table::Rulings, f32)> {
    let group = Tolerances {
        intersect: GROUP_REACH * tol.intersect,
        ..*tol
    };
    let grids = table::find_grids(segments, page, &group);
    if grids.is_empty() {
        return None;
    }
    Some((
        grids,
        table::normalize(segments, tol),
        tol.intersect.max(tol.snap),
    ))
}

/// Extend free ruling ends of `segments` to the next grid boundary of their table.  Returns
/// the input plus the extension segments (nothing is removed).
pub fn extend_free_ends(segments: &[Segment], page: u32, tol: &Tolerances) -> Vec<Segment> {
    let mut out = segments.to_vec();
    let Some((grids, lines, meet)) = grids_in_reach(segments, page, tol) else {
        return out;
    };
    for t in &grids {
        let (xs, ys) = (&t.xs, &t.ys);
        let inside_y = |y: f32| y >= ys[0] - meet && y <= ys[ys.len() - 1] + meet;
        let inside_x = |x: f32| x >= xs[0] - meet && x <= xs[xs.len() - 1] + meet;
        for &(y, a, b) in &lines.h {
            if !inside_y(y) || b < xs[0] - meet || a > xs[xs.len() - 1] + meet {
                continue;
            }
            // the whole extended span: a short extension alone would fall under min_segment
            let (a2, b2) = extend(a, b, xs, meet);
            if a2 < a || b2 > b {
                out.push(Segment {
                    x0: a2,
                    y0: y,
                    x1: b2,
                    y1: y,
                });
            }
        }
        for &(x, a, b) in &lines.v {
            if !inside_x(x) || b < ys[0] - meet || a > ys[ys.len() - 1] + meet {
                continue;
            }
            let (a2, b2) = extend(a, b, ys, meet);
            if a2 < a || b2 > b {
                out.push(Segment {
                    x0: x,
                    y0: a2,
                    x1: x,
                    y1: b2,
                });
            }
        }
    }
    out
}

/// Rule `unruled_side`: how far (points) apart two pieces of one erased grid line may lie and
/// still be taken as one line continuing past a table's unruled side (the erasure leaves gaps
/// of a few glyph widths; a cell is wider than this).
const CONTINUE_GAP: f32 = 43.0;
/// ... how close (points) the continued lines' ends must agree to mark the table's side...
const CONTINUE_AGREE: f32 = 11.0;
/// ... and how many of them must (at least, and at least half of the table's lines).
const CONTINUE_LINES: usize = 2;

/// Carry a table's unruled sides out to where its lines end (rule `unruled_side`).  A table
/// whose side lost its ruling (a right border never printed, or erased) is grouped from the
/// pieces that touch its other rulings, so its side is wherever the longest such piece happens
/// to stop: on a 100 dpi scan with a third of its grid erased, the top border's piece ending
/// at x = 359 made a column boundary there (the outer border is drawn at the grid's side),
/// through the number 25393 printed in the merged cell from 203 to 533.  The table's own lines
/// tell where it ends: when at least [`CONTINUE_LINES`] and half of its lines continue past
/// the side (pieces at the line's height, gaps of at most [`CONTINUE_GAP`]) and end together
/// (within [`CONTINUE_AGREE`]), the lines that reach that end are joined up to it.  A side
/// with a perpendicular ruling at it is left alone, and so are lines that continue alone (a
/// second table or a title underline beside the first), and lines that continue into another
/// grid of the page (a table erased into pieces, each its own grid: there the joins would cut
/// the neighbour's merged cells).  Returns the input plus the joins.
pub fn continue_unruled_sides(segments: &[Segment], page: u32, tol: &Tolerances) -> Vec<Segment> {
    let mut out = segments.to_vec();
    let Some((grids, lines, meet)) = grids_in_reach(segments, page, tol) else {
        return out;
    };
    let flip = |l: &[(f32, f32, f32)]| -> Vec<(f32, f32, f32)> {
        l.iter().map(|&(p, a, b)| (p, -b, -a)).collect()
    };
    let (h_back, v_back) = (flip(&lines.h), flip(&lines.v));
    for t in &grids {
        let (xs, ys) = (&t.xs, &t.ys);
        // right, left (mirrored), bottom, top (mirrored)
        for (along, across, pos, bounds, sign, horizontal) in [
            (&lines.h, &lines.v, ys, xs, 1.0, true),
            (&h_back, &lines.v, ys, xs, -1.0, true),
            (&lines.v, &lines.h, xs, ys, 1.0, false),
            (&v_back, &lines.h, xs, ys, -1.0, false),
        ] {
            let Some((side, end, at)) = continued_side(along, across, pos, bounds, sign, meet, tol)
            else {
                continue;
            };
            // the stretch the joins cover, past the side: no other grid of the page's may lie
            // in it (a grid cut into pieces by erasure, each piece its own grid, reaches its
            // neighbour's cells there, where a join would cut their merged cells)
            let (a, b) = (side.min(end), side.max(end));
            let (p0, p1) = at.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &(p, _)| {
                (lo.min(p), hi.max(p))
            });
            let stretch = if horizontal {
                BBox::new(a, p0, b, p1)
            } else {
                BBox::new(p0, a, p1, b)
            };
            let other = |o: &table::Table| {
                let r = o.bbox;
                !std::ptr::eq(o, t)
                    && r.x0 < stretch.x1 - meet
                    && r.x1 > stretch.x0 + meet
                    && r.y0 < stretch.y1 - meet
                    && r.y1 > stretch.y0 + meet
            };
            if grids.iter().any(other) {
                continue;
            }
            tracing::debug!(
                "p{page} unruled side of grid {:?}x{:?}: {} lines joined to {end} at {at:?}",
                (xs[0], xs[xs.len() - 1]),
                (ys[0], ys[ys.len() - 1]),
                if horizontal { "horizontal" } else { "vertical" }
            );
            for (p, from) in at {
                let (a, b) = (from.min(end), from.max(end));
                out.push(if horizontal {
                    Segment {
                        x0: a,
                        y0: p,
                        x1: b,
                        y1: p,
                    }
                } else {
                    Segment {
                        x0: p,
                        y0: a,
                        x1: p,
                        y1: b,
                    }
                });
            }
        }
    }
    out
}

/// For [`continue_unruled_sides`]: the lines `along` (position, from, to) at the grid's line
/// positions `pos` that continue past the grid's last boundary of `bounds` (`sign` 1), or its
/// first (`sign` -1: `along` is then mirrored, (p, -to, -from)), when the side has no ruling
/// of `across` (not mirrored) over the grid's span.  Returns the side (the boundary), its end and, for each line
/// that reaches it, the line's position and where its join starts: the last boundary a
/// perpendicular ruling crosses the line at (between it and the side no ruling meets the
/// line, so joining its pieces there closes no merged cell), all not mirrored.
fn continued_side(
    along: &[(f32, f32, f32)],
    across: &[(f32, f32, f32)],
    pos: &[f32],
    bounds: &[f32],
    sign: f32,
    meet: f32,
    tol: &Tolerances,
) -> Option<(f32, f32, Vec<(f32, f32)>)> {
    let span = (pos[0], pos[pos.len() - 1]);
    let side = if sign > 0.0 {
        bounds[bounds.len() - 1]
    } else {
        bounds[0]
    };
    let edge = side * sign;
    let ruled = across.iter().any(|&(p, a, b)| {
        (p - side).abs() <= meet && b - a >= tol.min_segment && a < span.1 && b > span.0
    });
    if ruled {
        return None;
    }
    // each grid line followed from the edge along its pieces
    let ends: Vec<(f32, f32)> = pos
        .iter()
        .filter_map(|&p| {
            // a perpendicular ruling the line meets ends it: the table's side is there
            let wall = across
                .iter()
                .filter(|&&(q, a, b)| q * sign > edge + meet && a <= p + meet && b >= p - meet)
                .map(|l| l.0 * sign)
                .fold(f32::MAX, f32::min);
            let mut cur = edge;
            while cur < wall {
                let next = along
                    .iter()
                    .filter(|&&(q, a, b)| {
                        (q - p).abs() <= tol.snap && a <= cur + CONTINUE_GAP && b > cur + meet
                    })
                    .map(|l| l.2)
                    .fold(f32::MIN, f32::max);
                if next == f32::MIN {
                    break;
                }
                cur = next.min(wall);
            }
            (cur > edge + meet).then_some((p, cur))
        })
        .collect();
    if ends.len() < CONTINUE_LINES || 2 * ends.len() < pos.len() {
        return None;
    }
    // the farthest end that enough lines share
    let end = ends
        .iter()
        .map(|e| e.1)
        .filter(|&e| {
            ends.iter()
                .filter(|o| (o.1 - e).abs() <= CONTINUE_AGREE)
                .count()
                >= CONTINUE_LINES
        })
        .fold(f32::MIN, f32::max);
    if end == f32::MIN {
        return None;
    }
    let crossed = |p: f32, x: f32| {
        across
            .iter()
            .any(|&(q, a, b)| (q - x).abs() <= meet && a <= p + meet && b >= p - meet)
    };
    let at: Vec<(f32, f32)> = ends
        .iter()
        .filter(|o| o.1 >= end - CONTINUE_AGREE)
        .map(|o| {
            let from = bounds
                .iter()
                .copied()
                .filter(|&x| x != side && crossed(o.0, x))
                .max_by(|a, b| (a * sign).total_cmp(&(b * sign)))
                .unwrap_or(bounds[if sign > 0.0 { 0 } else { bounds.len() - 1 }]);
            (o.0, from)
        })
        .collect();
    Some((side, end * sign, at))
}

/// Restore the unruled stretches of grid lines inside merged regions that are not rectangles.
///
/// Printed merged cells are rectangles; a region of grid cells joined across unruled edges
/// that is not a rectangle (an L, a staircase) exists only because whole cell edges of some
/// ruling were lost.  Inside such a region, a stretch of a grid line that is unruled but ruled
/// on both sides of the stretch (the line runs up to the region, and on beyond it) is a
/// ruling with a gap: it gets a segment.  A stretch that reaches the table border or a
/// crossing merged cell is left alone.  Returns the input plus the added segments.
pub fn split_non_rectangles(segments: &[Segment], page: u32, tol: &Tolerances) -> Vec<Segment> {
    let mut out = segments.to_vec();
    for t in table::find_grids(segments, page, tol) {
        let (nr, nc) = (t.n_rows(), t.n_cols());
        let at = |r: usize, c: usize| t.index[r * nc + c];
        let odd: Vec<bool> = t
            .cells
            .iter()
            .enumerate()
            .map(|(k, cell)| {
                t.index.iter().filter(|&&i| i == k).count()
                    != (cell.r1 - cell.r0) * (cell.c1 - cell.c0)
            })
            .collect();
        // vertical lines: boundary b between columns b-1 and b
        for b in 1..nc {
            let ruled = |r: usize| at(r, b - 1) != at(r, b);
            let mut r = 0;
            while r < nr {
                if ruled(r) || !odd[at(r, b)] {
                    r += 1;
                    continue;
                }
                let k = at(r, b);
                let start = r;
                while r < nr && !ruled(r) && at(r, b) == k {
                    r += 1;
                }
                if start > 0 && r < nr && ruled(start - 1) && ruled(r) {
                    out.push(Segment {
                        x0: t.xs[b],
                        y0: t.ys[start],
                        x1: t.xs[b],
                        y1: t.ys[r],
                    });
                }
            }
        }
        // horizontal lines: boundary b between rows b-1 and b
        for b in 1..nr {
            let ruled = |c: usize| at(b - 1, c) != at(b, c);
            let mut c = 0;
            while c < nc {
                if ruled(c) || !odd[at(b, c)] {
                    c += 1;
                    continue;
                }
                let k = at(b, c);
                let start = c;
                while c < nc && !ruled(c) && at(b, c) == k {
                    c += 1;
                }
                if start > 0 && c < nc && ruled(start - 1) && ruled(c) {
                    out.push(Segment {
                        x0: t.xs[start],
                        y0: t.ys[b],
                        x1: t.xs[c],
                        y1: t.ys[b],
                    });
                }
            }
        }
    }
    out
}

/// Blank paper, in glyph heights, that separates the texts of two cells side by side: always
/// enough, and enough when it is also a large part of the ink's extent (see [`separates`]).
const COLUMN_GAP: (f32, f32) = (1.6, 0.6);
/// The same for cells one above the other (the lines of one text are set closer).
const ROW_GAP: (f32, f32) = (1.0, 1.0);

/// Restore a lost grid line inside a rectangular merged cell when the ink says the cell is
/// two cells: glyphs on both sides of the line and none crossing it.  A printed merged cell
/// holds one text (a centred title crosses the inner boundaries or leaves one side empty),
/// while two cells joined by a lost ruling each hold their own text with blank paper between.
///
/// A line ruled on both sides of the cell (above and below it for a vertical, left and right,
/// or left at the table's last column, for a horizontal) is also restored when all the ink
/// keeps clear of it on one side, the other side blank ([`clear_of`]): a label set at the left
/// of its column beside a blank value cell, or a number centred in its own row over a blank
/// row; a title row across the whole table is left alone.
///
/// Only lines that continue outside the cell are considered: a vertical line must be ruled
/// above or below the cell, a horizontal line left or right of it; a cell at the table's
/// left border (a tall label cell there may have its text lines between row boundaries) is
/// cut only where the blank stands out from its text's line spacing ([`stands_out`]).
/// `glyphs(b)` gives the boxes of the glyph-sized ink components inside `b` (points).
pub fn split_merged_by_ink(
    segments: &[Segment],
    page: u32,
    tol: &Tolerances,
    glyphs: &mut dyn FnMut(BBox) -> Vec<BBox>,
) -> Vec<Segment> {
    // a cut can leave a rectangle behind where there was an L: look again, a few times
    let mut out = segments.to_vec();
    for _ in 0..4 {
        let n = out.len();
        out = split_once(&out, page, tol, glyphs);
        if out.len() == n {
            break;
        }
    }
    out
}

fn split_once(
    segments: &[Segment],
    page: u32,
    tol: &Tolerances,
    glyphs: &mut dyn FnMut(BBox) -> Vec<BBox>,
) -> Vec<Segment> {
    let mut out = segments.to_vec();
    for t in table::find_grids(segments, page, tol) {
        let (nr, nc) = (t.n_rows(), t.n_cols());
        let at = |r: usize, c: usize| t.index[r * nc + c];
        for (k, cell) in t.cells.iter().enumerate() {
            let area = (cell.r1 - cell.r0) * (cell.c1 - cell.c0);
            if area < 2 || t.index.iter().filter(|&&i| i == k).count() != area {
                continue;
            }
            let mut comps: Option<Vec<BBox>> = None;
            let mut ink = |comps: &mut Option<Vec<BBox>>| {
                comps.get_or_insert_with(|| glyphs(cell.bbox)).clone()
            };
            // vertical lines inside the cell
            for b in cell.c0 + 1..cell.c1 {
                let ruled = |r: usize| at(r, b - 1) != at(r, b);
                // Rows next to the cell whose cell spans the same columns lost the same
                // ruling (a vertical broken over several rows of a photo): look past them.
                let same_span = |r: usize| {
                    let o = &t.cells[at(r, cell.c0)];
                    o.c0 == cell.c0 && o.c1 == cell.c1
                };
                let above = (0..cell.r0)
                    .rev()
                    .find(|&r| !same_span(r))
                    .is_some_and(ruled);
                let below = (cell.r1..nr).find(|&r| !same_span(r)).is_some_and(ruled);
                let ok = above || below;
                let x = |g: &BBox| (g.x0, g.x1);
                let bands = (t.xs[cell.c0], t.xs[b], t.xs[cell.c1]);
                // a title row across the table (第二十条第（五）项 set at the left) is one cell
                // however the rows above and below it are ruled
                let full_width = cell.c0 == 0 && cell.c1 == nc;
                if ok
                    && (separates(&ink(&mut comps), t.xs[b], COLUMN_GAP, x)
                        || (above
                            && below
                            && (centred_on_one_side(&ink(&mut comps), bands, x)
                                || (!full_width && clear_of(&ink(&mut comps), t.xs[b], x)))))
                {
                    out.push(Segment {
                        x0: t.xs[b],
                        y0: t.ys[cell.r0],
                        x1: t.xs[b],
                        y1: t.ys[cell.r1],
                    });
                }
            }
            // horizontal lines inside the cell
            for b in cell.r0 + 1..cell.r1 {
                let ruled = |c: usize| at(b - 1, c) != at(b, c);
                let right = cell.c1 < nc && ruled(cell.c1);
                let inner = cell.c0 > 0 && (ruled(cell.c0 - 1) || right);
                // At the left border only a gap that stands out from the text's own line
                // spacing, with each side's text centred in its rows: a tall label cell there
                // (三、本年度办理结果, set vertically or spread over its rows) has evenly spaced
                // lines centred in the whole cell, while a value column at the table's edge that
                // lost its row ruling (the appeals table's first column) holds a header and a
                // number far apart, each centred in its own row.
                let border = cell.c0 == 0 && right;
                let y = |g: &BBox| (g.y0, g.y1);
                // One side blank: a number centred in its own row with the other row empty (a
                // zero left blank), in a cell whose row line is ruled on both sides of it, or on
                // its left when it is the table's last column (whose right is the border).
                let left = cell.c0 > 0 && ruled(cell.c0 - 1);
                let closed = left && (right || cell.c1 == nc);
                let bands = (t.ys[cell.r0], t.ys[b], t.ys[cell.r1]);
                if ((inner || border)
                    && separates(&ink(&mut comps), t.ys[b], ROW_GAP, y)
                    && (inner
                        || (stands_out(&ink(&mut comps), t.ys[b], y)
                            && centred(&ink(&mut comps), bands, y))))
                    || (closed
                        && centred_on_one_side(&ink(&mut comps), bands, y)
                        && clear_of(&ink(&mut comps), t.ys[b], y))
                {
                    out.push(Segment {
                        x0: t.xs[cell.c0],
                        y0: t.ys[b],
                        x1: t.xs[cell.c1],
                        y1: t.ys[b],
                    });
                }
            }
        }
    }
    out
}

/// Cells of one grid row that must each hold two texts apart for [`restore_lost_row_lines`].
const LOST_ROW_CELLS: usize = 5;
/// Blank paper, in the lower line's glyph heights, between a cell's lowest line and the ink
/// above it for [`restore_lost_row_lines`]: the lines of one text (a wrapped or vertically set
/// label) are set closer.
const LOST_ROW_GAP: f32 = 1.0;

/// Restore a row line lost across a whole row of the grid: in a grid row of at least
/// `LOST_ROW_CELLS` single-row cells, every inked cell holds a text above and one line below
/// it with blank paper between (at least `LOST_ROW_GAP` of that line's height), and one band
/// of paper runs through all of them: two printed rows whose ruling was lost everywhere (the
/// appeals table's leaf headers over its value row), so no existing grid line marks the cut
/// and [`split_merged_by_ink`] has none to restore.  The line is drawn along the band's middle
/// across the row's single-row cells.  A row of one-line cells, or of texts whose lines are
/// set at their own spacing, has no such band.
pub fn restore_lost_row_lines(
    segments: &[Segment],
    page: u32,
    tol: &Tolerances,
    glyphs: &mut dyn FnMut(BBox) -> Vec<BBox>,
) -> Vec<Segment> {
    let mut out = segments.to_vec();
    for t in table::find_grids(segments, page, tol) {
        let pitch = row_pitch(&t);
        for r in 0..t.n_rows() {
            if let Some(p) = pitch {
                for (y, x0, x1) in remnant_lines(&t, r, p, segments, glyphs) {
                    tracing::debug!(
                        "p{page} grid row {r}: row line restored from its remnants at y {y:.1}"
                    );
                    out.push(Segment {
                        x0,
                        y0: y,
                        x1,
                        y1: y,
                    });
                }
            }
            let cells: Vec<&table::Cell> = t
                .cells
                .iter()
                .filter(|c| c.r0 == r && c.r1 == r + 1)
                .collect();
            if cells.len() < LOST_ROW_CELLS {
                continue;
            }
            if let Some(y) = lost_row_line(cells.iter().map(|c| glyphs(c.bbox)).collect()) {
                let x0 = cells.iter().map(|c| c.bbox.x0).fold(f32::MAX, f32::min);
                let x1 = cells.iter().map(|c| c.bbox.x1).fold(f32::MIN, f32::max);
                tracing::debug!("p{page} grid row {r}: lost row line restored at y {y:.1}");
                out.push(Segment {
                    x0,
                    y0: y,
                    x1,
                    y1: y,
                });
            }
        }
    }
    out
}

/// Rows a grid needs before its usual row height ([`row_pitch`]) is known.
const PITCH_ROWS: usize = 5;
/// Ink no taller than this (points) is a ruling's remnant or a dash, never a glyph of text.
const REMNANT_HEIGHT: f32 = 2.5;
/// The pieces of one lost row line lie this close to their median y (points).
const REMNANT_ALIGN: f32 = 1.5;
/// Cells of the row that must hold a piece of a lost row line.
const REMNANT_CELLS: usize = 3;
/// A lost row line lies within this share of the pitch from where the tall row's printed rows
/// would meet (its height split evenly).
const PITCH_SLACK: f32 = 0.25;
/// A flat piece centred in its cell to within this share of the cell's width, and no wider
/// than [`DASH_SHARE`] of it, is a dash printed for zero, not a ruling's remnant.
const DASH_CENTRE: f32 = 0.15;
const DASH_SHARE: f32 = 0.6;

/// The grid's usual row height: the median height of its rows, when it has [`PITCH_ROWS`].
fn row_pitch(t: &table::Table) -> Option<f32> {
    let mut h: Vec<f32> = t.ys.windows(2).map(|w| w[1] - w[0]).collect();
    if h.len() < PITCH_ROWS {
        return None;
    }
    h.sort_by(f32::total_cmp);
    Some(h[h.len() / 2])
}

/// Row lines lost inside a tall grid row, restored from what the erasure left of them (rule
/// `remnant_rows`).  A grid row at least two pitches high ([`row_pitch`], rounded) holds that
/// many printed rows whose row lines were erased but for pieces: flat ink ([`REMNANT_HEIGHT`])
/// in the cells and ruling segments too short to make a grid line.  Where the rows would meet
/// (the height split evenly, within [`PITCH_SLACK`] of a pitch), pieces at one height
/// ([`REMNANT_ALIGN`]) in at least [`REMNANT_CELLS`] cells are the line, when some cell holds
/// text on both sides of it and no glyph of a cell of this row alone crosses it.  It is drawn
/// through every cell of the row that no glyph crosses (a group label set vertically beside
/// the rows, its cell over more rows, keeps its cell).  A dash printed for zero
/// ([`DASH_CENTRE`], [`DASH_SHARE`]) is no piece: a tall row of dashes under a wrapped label
/// keeps its height.  Returns (y, x0, x1) per cell cut.
fn remnant_lines(
    t: &table::Table,
    r: usize,
    pitch: f32,
    segments: &[Segment],
    glyphs: &mut dyn FnMut(BBox) -> Vec<BBox>,
) -> Vec<(f32, f32, f32)> {
    let (top, bottom) = (t.ys[r], t.ys[r + 1]);
    let h = bottom - top;
    let k = (h / pitch).round() as usize;
    if k < 2 {
        return Vec::new();
    }
    let cells: Vec<&table::Cell> = t.cells.iter().filter(|c| c.r0 <= r && c.r1 > r).collect();
    let inks: Vec<Vec<BBox>> = cells
        .iter()
        .map(|c| {
            glyphs(c.bbox)
                .into_iter()
                .filter(|g| g.y1 > top && g.y0 < bottom)
                .collect()
        })
        .collect();
    let flat = |g: &BBox| g.height() <= REMNANT_HEIGHT && g.width() >= 2.0 * g.height();
    // (y, cell) of every piece
    let mut pieces: Vec<(f32, usize)> = Vec::new();
    for (ci, (c, ink)) in cells.iter().zip(&inks).enumerate() {
        let w = c.bbox.width();
        for g in ink.iter().filter(|g| flat(g)) {
            let dash =
                (g.cx() - c.bbox.cx()).abs() <= DASH_CENTRE * w && g.width() <= DASH_SHARE * w;
            if !dash {
                pieces.push((g.cy(), ci));
            }
        }
        for s in segments {
            let (x0, x1) = (s.x0.min(s.x1), s.x0.max(s.x1));
            if (s.y0 - s.y1).abs() < 0.5 && x1.min(c.bbox.x1) - x0.max(c.bbox.x0) > 2.0 {
                pieces.push((s.y0, ci));
            }
        }
    }
    let mut out = Vec::new();
    for j in 1..k {
        let expected = top + j as f32 * h / k as f32;
        let mut near: Vec<f32> = pieces
            .iter()
            .filter(|p| (p.0 - expected).abs() <= PITCH_SLACK * pitch)
            .map(|p| p.0)
            .collect();
        if near.is_empty() {
            continue;
        }
        near.sort_by(f32::total_cmp);
        let y = near[near.len() / 2];
        let mut holding: Vec<usize> = pieces
            .iter()
            .filter(|p| (p.0 - y).abs() <= REMNANT_ALIGN)
            .map(|p| p.1)
            .collect();
        holding.sort_unstable();
        holding.dedup();
        // a glyph crosses the line when it reaches past it, beyond a remnant, on both sides
        let crosses = |g: &BBox| !flat(g) && g.y0 < y - REMNANT_HEIGHT && g.y1 > y + REMNANT_HEIGHT;
        let text = |g: &&BBox| !flat(g);
        let two_rows = inks.iter().any(|ink| {
            !ink.iter().any(crosses)
                && ink.iter().filter(text).any(|g| g.y1 <= y)
                && ink.iter().filter(text).any(|g| g.y0 >= y)
        });
        let clear: Vec<usize> = (0..cells.len())
            .filter(|&ci| !inks[ci].iter().any(crosses))
            .collect();
        // a cell of this row alone must keep clear of it (a group label over more rows may not)
        let own_crossed = (0..cells.len())
            .any(|ci| cells[ci].r0 == r && cells[ci].r1 == r + 1 && !clear.contains(&ci));
        if holding.len() < REMNANT_CELLS
            || !two_rows
            || own_crossed
            || !holding.iter().all(|ci| clear.contains(ci))
        {
            continue;
        }
        out.extend(
            clear
                .iter()
                .map(|&ci| (y, cells[ci].bbox.x0, cells[ci].bbox.x1)),
        );
    }
    out
}

/// The y of a lost row line through cells given by their glyphs (see
/// [`restore_lost_row_lines`]): the middle of the blank band common to every inked cell's gap
/// above its lowest line, when at least [`LOST_ROW_CELLS`] cells and four in five of the inked
/// cells have such a gap, and no ink of the others crosses it.
fn lost_row_line(cells: Vec<Vec<BBox>>) -> Option<f32> {
    let (mut lo, mut hi) = (f32::MIN, f32::MAX);
    let inked: Vec<&Vec<BBox>> = cells.iter().filter(|g| !g.is_empty()).collect();
    let mut apart = 0;
    for g in &inked {
        let lines = lines_of_spans(g.iter().map(|b| (b.y0, b.y1)).collect());
        if let [.., above, last] = lines[..]
            && last.0 - above.1 >= LOST_ROW_GAP * (last.1 - last.0)
        {
            apart += 1;
            lo = lo.max(above.1);
            hi = hi.min(last.0);
        }
    }
    if apart < LOST_ROW_CELLS || apart * 5 < inked.len() * 4 || hi <= lo {
        return None;
    }
    let y = (lo + hi) / 2.0;
    // the other inked cells (a seal's remains, one line only) keep clear of it
    let crosses = |g: &&Vec<BBox>| g.iter().any(|b| b.y0 < y && b.y1 > y);
    (!inked.iter().any(crosses)).then_some(y)
}

/// Glyph extents across a line joined where they overlap: the lines of text (or columns),
/// first to last.
fn lines_of_spans(mut spans: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    spans.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut lines: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match lines.last_mut() {
            Some(l) if a <= l.1 => l.1 = l.1.max(b),
            _ => lines.push((a, b)),
        }
    }
    lines
}

/// A piece of ink across a grid line no wider than this (points) and centred on it is a
/// remnant of the lost ruling (too short for the line detector), not text.
const REMNANT: f32 = 2.0;

/// Whether ink spanning [a, b] across a grid line at `pos` is a remnant of that line ([`REMNANT`]).
fn remnant(a: f32, b: f32, pos: f32) -> bool {
    b - a <= REMNANT && ((a + b) / 2.0 - pos).abs() <= REMNANT
}

/// The extent across the line at `pos` of the glyphs that `keep` accepts (given their span),
/// ruling remnants on the line left out; `None` when none is left.
fn ink_extent(
    glyphs: &[BBox],
    pos: f32,
    span: impl Fn(&BBox) -> (f32, f32),
    keep: impl Fn(f32, f32) -> bool,
) -> Option<(f32, f32)> {
    glyphs
        .iter()
        .map(span)
        .filter(|&(a, b)| !remnant(a, b, pos) && keep(a, b))
        .fold(None, |e, (a, b)| {
            Some(e.map_or((a, b), |(f, l): (f32, f32)| (f.min(a), l.max(b))))
        })
}

/// Glyphs on both sides of `pos`, none across it, and blank paper between them wide enough
/// for two cells' padding: at least `gap.0` times the tallest glyph, or at least `gap.1`
/// times it when that is also a large part (`SPREAD`) of the whole ink's extent.  The space
/// between the words of one text (a centred title "第二十条 第（五）项") is about one glyph
/// and small against the text's length; two cells' texts are apart by their paddings and,
/// for short numbers, by most of their width.  `span` gives a glyph's extent across the
/// line; thin pieces on the line itself are ruling remnants and count as neither side.
fn separates(
    glyphs: &[BBox],
    pos: f32,
    gap: (f32, f32),
    span: impl Fn(&BBox) -> (f32, f32),
) -> bool {
    let (mut before, mut after) = (f32::MIN, f32::MAX);
    let (mut first, mut last) = (f32::MAX, f32::MIN);
    let mut tallest: f32 = 0.0;
    for g in glyphs {
        let (a, b) = span(g);
        if remnant(a, b, pos) {
            continue;
        }
        tallest = tallest.max(g.height());
        first = first.min(a);
        last = last.max(b);
        if b <= pos {
            before = before.max(b);
        } else if a >= pos {
            after = after.min(a);
        } else {
            return false;
        }
    }
    if before == f32::MIN || after == f32::MAX {
        return false;
    }
    let blank = after - before;
    blank >= gap.0 * tallest || (blank >= gap.1 * tallest && blank >= SPREAD * (last - first))
}

/// See [`separates`].
const SPREAD: f32 = 0.3;

/// How many times wider than any other blank between the ink's lines the blank at a cut must
/// be for [`stands_out`]: evenly spread text has gaps within a few tens of percent of each
/// other, a header over a number (`结果/维持` ... `72`) is apart by three or more line gaps.
const STAND_OUT: f32 = 2.0;

/// Whether the blank across `pos` is at least `STAND_OUT` times every other blank between
/// consecutive lines of the ink (glyph extents across the line, overlapping ones joined into
/// one line).  With no other blank (one line on each side) it stands out.
fn stands_out(glyphs: &[BBox], pos: f32, span: impl Fn(&BBox) -> (f32, f32)) -> bool {
    let lines = lines_of_spans(
        glyphs
            .iter()
            .map(&span)
            .filter(|&(a, b)| !remnant(a, b, pos))
            .collect(),
    );
    let gaps: Vec<(f32, bool)> = lines
        .windows(2)
        .map(|w| (w[1].0 - w[0].1, w[0].1 <= pos && w[1].0 >= pos))
        .collect();
    let Some(at) = gaps.iter().find(|g| g.1).map(|g| g.0) else {
        return false;
    };
    gaps.iter().filter(|g| !g.1).all(|g| at >= STAND_OUT * g.0)
}

/// How far (a fraction of the band's height) the middle of a side's ink may be from the
/// middle of its band for [`centred`]: cell text is set centred, give or take a line's
/// leading; a label's first glyph left alone at the bottom of a tall band is far off.
const CENTRED: f32 = 0.2;

/// Whether all the ink lies on one side of the cut `bands.1`, centred (see [`CENTRED`])
/// between the cut and that side's edge (`bands.0` or `bands.2`), and less than half as far
/// from that side's middle as from the whole cell's.  A printed merged cell centres its text in the whole cell; a number centred in one
/// column of it, with the other column blank (a zero left blank), had its column's ruling
/// lost.  Only for a line ruled both above and below the cell.
fn centred_on_one_side(
    glyphs: &[BBox],
    bands: (f32, f32, f32),
    span: impl Fn(&BBox) -> (f32, f32),
) -> bool {
    let (lo, pos, hi) = bands;
    let Some((first, last)) = ink_extent(glyphs, pos, span, |_, _| true) else {
        return false;
    };
    if first < pos && last > pos {
        return false;
    }
    let mid = (first + last) / 2.0;
    let (a, b) = if last <= pos { (lo, pos) } else { (pos, hi) };
    let (off_side, off_cell) = ((mid - (a + b) / 2.0).abs(), (mid - (lo + hi) / 2.0).abs());
    off_side <= CENTRED * (b - a) && 2.0 * off_side < off_cell
}

/// Blank paper, in glyph heights, between a cell's ink and a cut with nothing on its other
/// side for [`clear_of`].
const CLEAR: f32 = 0.5;

/// Whether all the ink (ruling remnants on the line left out) lies on one side of the line at
/// `pos`, at least `CLEAR` times its tallest glyph away from it, the other side blank.  With
/// no ink at all, both sides are blank.  A label set left in its column and the blank (zero)
/// value cell beside it, joined because the column's ruling was lost over these rows only;
/// only for a line ruled both above and below the cell (a printed merged cell does not stop a
/// ruling that runs on through the rows above and below it), and not for a title row across
/// the whole table.
fn clear_of(glyphs: &[BBox], pos: f32, span: impl Fn(&BBox) -> (f32, f32)) -> bool {
    let tallest = glyphs.iter().filter(|g| {
        let (a, b) = span(g);
        !remnant(a, b, pos)
    });
    let tallest = tallest.map(|g| g.height()).fold(0.0f32, f32::max);
    match ink_extent(glyphs, pos, span, |_, _| true) {
        None => true,
        Some((first, last)) => last <= pos - CLEAR * tallest || first >= pos + CLEAR * tallest,
    }
}

/// Whether the ink before the cut (`bands.1`) is centred between `bands.0` and the cut, and
/// the ink after it between the cut and `bands.2` (ruling remnants on the cut ignored).
fn centred(glyphs: &[BBox], bands: (f32, f32, f32), span: impl Fn(&BBox) -> (f32, f32)) -> bool {
    let (top, pos, bottom) = bands;
    let side = |lo: f32, hi: f32| {
        ink_extent(glyphs, pos, &span, |a, b| {
            a >= lo - REMNANT && b <= hi + REMNANT
        })
        .is_some_and(|(first, last)| {
            ((first + last) / 2.0 - (lo + hi) / 2.0).abs() <= CENTRED * (hi - lo)
        })
    };
    side(top, pos) && side(pos, bottom)
}

/// The span [a, b] with each end that is not within `meet` of a boundary moved outward to the
/// next boundary (ends outside the outermost boundaries stay).
fn extend(a: f32, b: f32, bounds: &[f32], meet: f32) -> (f32, f32) {
    let near = |v: f32| bounds.iter().any(|&p| (p - v).abs() <= meet);
    let a2 = if near(a) {
        a
    } else {
        bounds.iter().rev().copied().find(|&p| p < a).unwrap_or(a)
    };
    let b2 = if near(b) {
        b
    } else {
        bounds.iter().copied().find(|&p| p > b).unwrap_or(b)
    };
    (a2, b2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(x0: f32, y0: f32, x1: f32, y1: f32) -> Segment {
        Segment { x0, y0, x1, y1 }
    }

    /// A table 48..533 x 55..165 (rows at 55, 82, 109, 137, 165) ruled at x 48 and 203 only,
    /// its lines erased to pieces: the first piece of each line touches the rulings, the rest
    /// run on to the right border (never printed) with gaps of about 20 pt, the top line's
    /// first pieces stopping at 359.
    fn erased_right_side() -> Vec<Segment> {
        let mut s = vec![seg(48.0, 55.0, 48.0, 165.0), seg(203.0, 55.0, 203.0, 165.0)];
        for (y, pieces) in [
            (55.0, vec![(48.0, 284.0), (299.0, 359.0), (379.0, 531.0)]),
            (82.0, vec![(48.0, 310.0), (320.0, 433.0), (456.0, 518.0)]),
            (
                109.0,
                vec![
                    (48.0, 199.0),
                    (222.0, 332.0),
                    (361.0, 417.0),
                    (440.0, 532.0),
                ],
            ),
            (
                137.0,
                vec![
                    (48.0, 234.0),
                    (242.0, 288.0),
                    (342.0, 395.0),
                    (406.0, 515.0),
                ],
            ),
            (165.0, vec![(48.0, 239.0), (255.0, 329.0), (352.0, 533.0)]),
        ] {
            for (a, b) in pieces {
                s.push(seg(a, y, b, y));
            }
        }
        s
    }

    #[test]
    fn a_table_side_without_a_ruling_ends_where_its_lines_end_unruled_side() {
        let tol = Tolerances::default();
        let s = erased_right_side();
        let before = table::find_grids(&s, 1, &tol);
        assert!(before[0].xs.last().unwrap() < &400.0, "{:?}", before[0].xs);
        let joined = continue_unruled_sides(&s, 1, &tol);
        let after = table::find_grids(&joined, 1, &tol);
        assert_eq!(after.len(), 1);
        let xs = &after[0].xs;
        assert!((xs[xs.len() - 1] - 532.0).abs() < 2.0, "{xs:?}");
        assert!(xs.iter().all(|&x| !(300.0..=520.0).contains(&x)), "{xs:?}");
    }

    #[test]
    fn a_ruled_side_or_one_line_running_on_stays_unruled_side() {
        let tol = Tolerances::default();
        // a ruling at 359 across the lines: they are joined up to it, not past it
        let mut s = erased_right_side();
        s.push(seg(359.0, 55.0, 359.0, 165.0));
        let j = continue_unruled_sides(&s, 1, &tol);
        assert!(j.len() > s.len());
        assert!(
            j[s.len()..].iter().all(|g| g.x1 <= 360.0),
            "{:?}",
            &j[s.len()..]
        );
        // the side itself ruled (lines of something else run on beside it): nothing to do
        let mut s = vec![
            seg(48.0, 55.0, 48.0, 165.0),
            seg(203.0, 55.0, 203.0, 165.0),
            seg(310.0, 55.0, 310.0, 165.0),
        ];
        for y in [55.0, 82.0, 109.0, 137.0, 165.0] {
            s.push(seg(48.0, y, 310.0, y));
            s.push(seg(330.0, y, 500.0, y));
        }
        assert_eq!(continue_unruled_sides(&s, 1, &tol).len(), s.len());
        // only the top line runs on past the side (a title's underline beside the table)
        let mut s = vec![seg(48.0, 55.0, 48.0, 165.0), seg(203.0, 55.0, 203.0, 165.0)];
        for y in [55.0, 82.0, 109.0, 137.0, 165.0] {
            s.push(seg(48.0, y, 300.0, y));
        }
        s.push(seg(320.0, 55.0, 500.0, 55.0));
        assert_eq!(continue_unruled_sides(&s, 1, &tol).len(), s.len());
        // another grid of the page lies where the lines run on (a piece of the same table
        // erased apart, its own rulings between the lines): the joins would cut its cells
        let mut s = erased_right_side();
        s.extend([
            seg(420.0, 90.0, 500.0, 90.0),
            seg(420.0, 100.0, 500.0, 100.0),
            seg(420.0, 90.0, 420.0, 100.0),
            seg(500.0, 90.0, 500.0, 100.0),
        ]);
        assert_eq!(table::find_grids(&s, 1, &tol).len(), 2);
        assert_eq!(continue_unruled_sides(&s, 1, &tol).len(), s.len());
    }

    #[test]
    fn free_ends_reach_the_next_boundary() {
        assert_eq!(
            extend(14.0, 46.0, &[0.0, 10.0, 30.0, 50.0], 3.0),
            (10.0, 50.0)
        );
        assert_eq!(
            extend(15.0, 25.0, &[0.0, 10.0, 30.0, 50.0], 3.0),
            (10.0, 30.0)
        );
        assert_eq!(
            extend(0.5, 31.0, &[0.0, 10.0, 30.0, 50.0], 3.0),
            (0.5, 31.0)
        );
    }

    #[test]
    fn broken_rulings_give_back_the_cells() {
        // a 3x3 grid of 20pt cells; the middle horizontal rulings are broken into pieces that
        // stop short of the crossings, the middle verticals have drop-outs
        let mut s = vec![
            seg(0.0, 0.0, 60.0, 0.0),
            seg(0.0, 60.0, 60.0, 60.0),
            seg(0.0, 0.0, 0.0, 60.0),
            seg(60.0, 0.0, 60.0, 60.0),
        ];
        s.push(seg(5.0, 20.0, 15.0, 20.0));
        s.push(seg(24.0, 20.0, 52.0, 20.0));
        s.push(seg(0.0, 40.0, 33.0, 40.0));
        s.push(seg(46.0, 40.0, 60.0, 40.0));
        s.push(seg(20.0, 0.0, 20.0, 12.0));
        s.push(seg(20.0, 17.0, 20.0, 55.0));
        s.push(seg(40.0, 0.0, 40.0, 60.0));
        let tol = Tolerances::default();
        let before = &table::find_grids(&s, 1, &tol)[0];
        assert!(before.cells.len() < 9);
        let after = &table::find_grids(&extend_free_ends(&s, 1, &tol), 1, &tol)[0];
        assert_eq!(
            (after.n_rows(), after.n_cols(), after.cells.len()),
            (3, 3, 9)
        );
    }

    /// A row of six 20pt-wide cells over y 0..90 whose row line was lost everywhere: each holds
    /// a label set vertically (four 9pt glyphs 3pt apart from y 5) and, at `value_y`, a 7pt digit.
    fn leaves_over_values() -> Vec<Segment> {
        let mut s = vec![seg(0.0, 0.0, 120.0, 0.0), seg(0.0, 90.0, 120.0, 90.0)];
        for i in 0..=6 {
            let x = i as f32 * 20.0;
            s.push(seg(x, 0.0, x, 90.0));
        }
        s
    }

    fn leaf_glyphs(b: BBox, value_y: f32) -> Vec<BBox> {
        let x = b.x0 + 6.0;
        let mut g: Vec<BBox> = (0..4)
            .map(|i| BBox::new(x, 5.0 + 12.0 * i as f32, x + 9.0, 14.0 + 12.0 * i as f32))
            .collect();
        g.push(BBox::new(x + 2.0, value_y, x + 6.0, value_y + 7.0));
        g
    }

    #[test]
    fn a_row_line_lost_across_the_whole_row_is_restored_between_texts_and_values() {
        // labels end at y 50; the values at 70..77: 20pt of paper, a line's height and more
        let s = leaves_over_values();
        let tol = Tolerances::default();
        let out = restore_lost_row_lines(&s, 1, &tol, &mut |b| leaf_glyphs(b, 70.0));
        assert_eq!(out.len(), s.len() + 1);
        let line = out.last().unwrap();
        assert!(
            line.y0 > 50.0 && line.y0 < 70.0 && line.y0 == line.y1,
            "{line:?}"
        );
        assert_eq!((line.x0, line.x1), (0.0, 120.0));
        let grid = &table::find_grids(&out, 1, &tol)[0];
        assert_eq!((grid.n_rows(), grid.cells.len()), (2, 12));
    }

    #[test]
    fn a_lowest_line_at_the_texts_own_spacing_is_no_lost_row() {
        let s = leaves_over_values();
        let tol = Tolerances::default();
        // the fifth glyph 3pt below the fourth: one text set vertically, not a value below it
        let out = restore_lost_row_lines(&s, 1, &tol, &mut |b| leaf_glyphs(b, 53.0));
        assert_eq!(out.len(), s.len());
        // nor when only four cells of the row hold two texts apart
        let out = restore_lost_row_lines(&s, 1, &tol, &mut |b| {
            leaf_glyphs(b, if b.x0 < 70.0 { 70.0 } else { 53.0 })
        });
        assert_eq!(out.len(), s.len());
        // nor when a cell's ink crosses the band (a tall mark through it)
        let out = restore_lost_row_lines(&s, 1, &tol, &mut |b| {
            let mut g = leaf_glyphs(b, 70.0);
            if b.x0 >= 99.0 {
                g = vec![BBox::new(b.x0 + 2.0, 10.0, b.x0 + 8.0, 80.0)];
            }
            g
        });
        assert_eq!(out.len(), s.len());
    }

    /// A 3-column, 2-row table whose row ruling is lost over the first column: that column's
    /// cell spans both rows (a rectangle at the table's left border).
    fn left_column_lost_its_row_ruling() -> Vec<Segment> {
        vec![
            seg(0.0, 0.0, 60.0, 0.0),
            seg(20.0, 40.0, 60.0, 40.0),
            seg(0.0, 60.0, 60.0, 60.0),
            seg(0.0, 0.0, 0.0, 60.0),
            seg(20.0, 0.0, 20.0, 60.0),
            seg(40.0, 0.0, 40.0, 60.0),
            seg(60.0, 0.0, 60.0, 60.0),
        ]
    }

    fn g(y0: f32, y1: f32) -> BBox {
        BBox::new(5.0, y0, 15.0, y1)
    }

    #[test]
    fn left_border_cell_is_cut_where_a_header_stands_apart_from_a_number() {
        let tol = Tolerances::default();
        let s = left_column_lost_its_row_ruling();
        assert_eq!(table::find_grids(&s, 1, &tol)[0].cells.len(), 5);
        // 结/果/维 stacked 4 apart over the row line, a number 11 below it
        let mut header_and_number =
            |_: BBox| vec![g(4.0, 12.0), g(16.0, 24.0), g(28.0, 36.0), g(47.0, 55.0)];
        let out = split_merged_by_ink(&s, 1, &tol, &mut header_and_number);
        assert_eq!(table::find_grids(&out, 1, &tol)[0].cells.len(), 6);
        // a label spread evenly down the cell (gaps 11 and 13): one text, not cut
        let mut spread = |_: BBox| vec![g(1.0, 9.0), g(20.0, 28.0), g(41.0, 49.0)];
        let out = split_merged_by_ink(&s, 1, &tol, &mut spread);
        assert_eq!(table::find_grids(&out, 1, &tol)[0].cells.len(), 5);
        // a tall label whose first glyph (三, its 、 too small to count) sits apart just above
        // the line: not centred in the rows above, not cut
        let mut first_glyph_apart = |_: BBox| vec![g(29.0, 37.0), g(47.0, 55.0)];
        let out = split_merged_by_ink(&s, 1, &tol, &mut first_glyph_apart);
        assert_eq!(table::find_grids(&out, 1, &tol)[0].cells.len(), 5);
    }

    #[test]
    fn a_vertical_lost_over_several_rows_is_restored_where_a_label_stands_apart_from_a_number() {
        // 5 rows of 20pt, a label column 0-40 and two value columns; the ruling at x=40 is
        // lost over rows 1-3 (each of them a cell over both columns 0-60)
        let mut s = vec![
            seg(0.0, 0.0, 0.0, 100.0),
            seg(60.0, 0.0, 60.0, 100.0),
            seg(100.0, 0.0, 100.0, 100.0),
        ];
        s.extend((0..6).map(|i| seg(0.0, 20.0 * i as f32, 100.0, 20.0 * i as f32)));
        s.push(seg(40.0, 0.0, 40.0, 20.0));
        s.push(seg(40.0, 80.0, 40.0, 100.0));
        let tol = Tolerances::default();
        assert_eq!(table::find_grids(&s, 1, &tol)[0].cells.len(), 12);
        // the middle row holds a label and, apart from it, a number; the others a label only
        // (a label set from the left edge, not centred in the label column, clear of the line:
        // its value cell is blank)
        let mut ink = |b: BBox| {
            let mut v = vec![BBox::new(2.0, b.y0 + 6.0, 14.0, b.y0 + 14.0)];
            if b.y0 == 40.0 {
                v.push(BBox::new(45.0, 46.0, 50.0, 54.0));
            }
            v
        };
        let out = split_merged_by_ink(&s, 1, &tol, &mut ink);
        let t = &table::find_grids(&out, 1, &tol)[0];
        assert_eq!(t.cells.len(), 15);
        assert_ne!(t.index[2 * 3], t.index[2 * 3 + 1]);
        assert_ne!(t.index[3], t.index[3 + 1]);
        // a label reaching up to the line (no blank paper before it), not centred in its
        // column: one merged cell
        let mut wide = |b: BBox| vec![BBox::new(10.0, b.y0 + 6.0, 39.0, b.y0 + 14.0)];
        let out = split_merged_by_ink(&s, 1, &tol, &mut wide);
        assert_eq!(table::find_grids(&out, 1, &tol)[0].cells.len(), 12);
    }

    #[test]
    fn a_title_row_across_the_table_stays_one_cell() {
        // three 20pt rows over columns 0-60 and 60-100; the middle row is a title across the
        // table (no ruling at x=60), set at the left (not centred in the first column), with
        // the line ruled above and below it
        let mut s = vec![
            seg(0.0, 0.0, 0.0, 60.0),
            seg(100.0, 0.0, 100.0, 60.0),
            seg(60.0, 0.0, 60.0, 20.0),
            seg(60.0, 40.0, 60.0, 60.0),
        ];
        s.extend((0..4).map(|i| seg(0.0, 20.0 * i as f32, 100.0, 20.0 * i as f32)));
        let tol = Tolerances::default();
        assert_eq!(table::find_grids(&s, 1, &tol)[0].cells.len(), 5);
        let mut title = |b: BBox| {
            if b.y0 == 20.0 {
                vec![BBox::new(2.0, 26.0, 20.0, 34.0)]
            } else {
                vec![]
            }
        };
        let out = split_merged_by_ink(&s, 1, &tol, &mut title);
        assert_eq!(table::find_grids(&out, 1, &tol)[0].cells.len(), 5);
    }

    #[test]
    fn ink_clear_of_a_line_leaves_the_other_side_blank() {
        let x = |b: &BBox| (b.x0, b.x1);
        let at = |x0: f32, x1: f32| BBox::new(x0, 4.0, x1, 12.0);
        // a label ending well before the line at 277, or a number well after it
        assert!(clear_of(&[at(115.0, 124.0), at(204.0, 220.0)], 277.0, x));
        assert!(clear_of(&[at(290.0, 296.0)], 277.0, x));
        // a thin remnant of the line itself is no ink; no ink at all: both sides blank
        assert!(clear_of(&[at(115.0, 124.0), at(276.5, 277.5)], 277.0, x));
        assert!(clear_of(&[], 277.0, x));
        // ink on both sides, across the line, or closer to it than half a glyph
        assert!(!clear_of(&[at(115.0, 124.0), at(290.0, 296.0)], 277.0, x));
        assert!(!clear_of(&[at(270.0, 284.0)], 277.0, x));
        assert!(!clear_of(&[at(265.0, 274.0)], 277.0, x));
    }

    /// Two value columns 0-40 and 40-80 over three 20pt rows, the row line at y=40 lost in
    /// the right column only (a cell over rows 1-2 there).
    fn value_column_lost_its_row_line(right_border: bool) -> Vec<Segment> {
        let w = if right_border { 80.0 } else { 120.0 };
        let mut s = vec![
            seg(0.0, 0.0, w, 0.0),
            seg(0.0, 20.0, w, 20.0),
            seg(0.0, 40.0, 40.0, 40.0),
            seg(0.0, 60.0, w, 60.0),
        ];
        s.extend([0.0, 40.0, 80.0].iter().map(|&x| seg(x, 0.0, x, 60.0)));
        if !right_border {
            s.push(seg(80.0, 40.0, 120.0, 40.0));
            s.push(seg(120.0, 0.0, 120.0, 60.0));
        }
        s
    }

    #[test]
    fn a_number_centred_in_its_own_row_over_a_blank_row_had_its_row_line_lost() {
        let tol = Tolerances::default();
        for right_border in [false, true] {
            let s = value_column_lost_its_row_line(right_border);
            let n = table::find_grids(&s, 1, &tol)[0].cells.len();
            // a 4 centred in row 1 (20-40), row 2 blank: the line is restored
            let mut upper = |b: BBox| {
                if b.x0 >= 40.0 && b.x1 <= 80.0 {
                    vec![BBox::new(57.0, 26.0, 63.0, 34.0)]
                } else {
                    vec![]
                }
            };
            let out = split_merged_by_ink(&s, 1, &tol, &mut upper);
            assert_eq!(
                table::find_grids(&out, 1, &tol)[0].cells.len(),
                n + 1,
                "right border {right_border}"
            );
            // a number centred in the whole merged cell: left alone
            let mut middle = |b: BBox| {
                if b.x0 >= 40.0 && b.x1 <= 80.0 {
                    vec![BBox::new(57.0, 36.0, 63.0, 44.0)]
                } else {
                    vec![]
                }
            };
            let out = split_merged_by_ink(&s, 1, &tol, &mut middle);
            assert_eq!(
                table::find_grids(&out, 1, &tol)[0].cells.len(),
                n,
                "right border {right_border}"
            );
        }
    }

    #[test]
    fn a_number_centred_in_one_column_of_a_merged_value_cell_had_its_ruling_lost() {
        let x = |b: &BBox| (b.x0, b.x1);
        let at = |x0: f32, x1: f32| BBox::new(x0, 4.0, x1, 12.0);
        // columns 450-483 and 483-525: a 1 at 500-505 is centred in the right one
        assert!(centred_on_one_side(
            &[at(500.0, 505.0)],
            (450.0, 483.0, 525.0),
            x
        ));
        // a number centred in the whole cell, or crossing the line: one merged cell
        assert!(!centred_on_one_side(
            &[at(485.0, 491.0)],
            (450.0, 483.0, 525.0),
            x
        ));
        assert!(!centred_on_one_side(
            &[at(478.0, 490.0)],
            (450.0, 483.0, 525.0),
            x
        ));
        // a label set at the left of the cell is not centred in the left column
        assert!(!centred_on_one_side(
            &[at(452.0, 458.0), at(459.0, 470.0)],
            (450.0, 490.0, 600.0),
            x
        ));
        assert!(!centred_on_one_side(&[], (450.0, 483.0, 525.0), x));
    }

    #[test]
    fn a_blank_stands_out_only_against_the_texts_own_line_spacing() {
        let y = |b: &BBox| (b.y0, b.y1);
        assert!(stands_out(&[g(0.0, 8.0), g(30.0, 38.0)], 20.0, y));
        assert!(stands_out(
            &[g(0.0, 8.0), g(10.0, 18.0), g(30.0, 38.0)],
            20.0,
            y
        ));
        assert!(!stands_out(
            &[g(0.0, 8.0), g(16.0, 18.0), g(30.0, 38.0)],
            20.0,
            y
        ));
        // no blank at the position at all
        assert!(!stands_out(&[g(0.0, 8.0), g(15.0, 25.0)], 20.0, y));
    }

    #[test]
    fn merged_cells_stay_merged() {
        // the middle row's left two cells are one (the vertical ruling at 20 stops at the
        // crossings): its ends meet boundaries, nothing is added
        let s = vec![
            seg(0.0, 0.0, 60.0, 0.0),
            seg(0.0, 20.0, 60.0, 20.0),
            seg(0.0, 40.0, 60.0, 40.0),
            seg(0.0, 60.0, 60.0, 60.0),
            seg(0.0, 0.0, 0.0, 60.0),
            seg(60.0, 0.0, 60.0, 60.0),
            seg(20.0, 0.0, 20.0, 20.0),
            seg(20.0, 40.0, 20.0, 60.0),
            seg(40.0, 0.0, 40.0, 60.0),
        ];
        let tol = Tolerances::default();
        assert_eq!(extend_free_ends(&s, 1, &tol).len(), s.len());
        assert_eq!(table::find_grids(&s, 1, &tol)[0].cells.len(), 8);
    }

    /// A table of a 100pt label column and three 30pt value columns over rows 20pt high; the
    /// row lines at 80 and 100 were lost, so grid row 3 (60..120) holds three printed rows.
    fn three_rows_in_one() -> Vec<Segment> {
        ruled_at(&[0.0, 20.0, 40.0, 60.0, 120.0, 140.0, 160.0])
    }

    /// The same table with its row lines at `ys`.
    fn ruled_at(ys: &[f32]) -> Vec<Segment> {
        let mut s: Vec<Segment> = ys.iter().map(|&y| seg(0.0, y, 190.0, y)).collect();
        for x in [0.0, 100.0, 130.0, 160.0, 190.0] {
            s.push(seg(x, 0.0, x, 160.0));
        }
        s
    }

    /// The glyphs of `all` whose centre lies in `b`.
    fn inside(all: &[BBox], b: BBox) -> Vec<BBox> {
        all.iter()
            .copied()
            .filter(|g| b.contains_point(g.cx(), g.cy()))
            .collect()
    }

    /// A label line and a value in the first value column centred at each `ys`.
    fn rows_at(ys: &[f32]) -> Vec<BBox> {
        let mut g = Vec::new();
        for &y in ys {
            g.extend((0..6).map(|i| {
                BBox::new(
                    5.0 + 9.0 * i as f32,
                    y - 4.0,
                    13.0 + 9.0 * i as f32,
                    y + 4.0,
                )
            }));
            g.push(BBox::new(112.0, y - 4.0, 117.0, y + 4.0));
        }
        g
    }

    #[test]
    fn row_lines_erased_to_remnants_inside_a_tall_row_are_restored() {
        let s = three_rows_in_one();
        let tol = Tolerances::default();
        let mut g = rows_at(&[10.0, 30.0, 50.0, 70.0, 90.0, 110.0, 130.0, 150.0]);
        // what the erasure left of the lines at 80 and 100: pieces off the cells' middles
        g.push(BBox::new(131.0, 79.6, 150.0, 80.6));
        g.push(BBox::new(165.0, 79.4, 189.0, 80.4));
        g.push(BBox::new(6.0, 79.5, 28.0, 80.5));
        g.push(BBox::new(101.0, 99.5, 109.0, 100.5));
        g.push(BBox::new(140.0, 99.6, 159.0, 100.6));
        g.push(BBox::new(70.0, 99.4, 98.0, 100.4));
        let out = restore_lost_row_lines(&s, 1, &tol, &mut |b| inside(&g, b));
        let grid = &table::find_grids(&out, 1, &tol)[0];
        assert_eq!(grid.n_rows(), 8, "{:?}", grid.ys);
        assert!((grid.ys[4] - 80.0).abs() < 1.0 && (grid.ys[5] - 100.0).abs() < 1.0);
        assert_eq!(grid.cells.len(), 32);
    }

    #[test]
    fn a_tall_row_without_remnants_of_lines_keeps_its_height() {
        let s = three_rows_in_one();
        let tol = Tolerances::default();
        let rows = |g: &[BBox]| {
            let out = restore_lost_row_lines(&s, 1, &tol, &mut |b| inside(g, b));
            table::find_grids(&out, 1, &tol)[0].n_rows()
        };
        // no pieces of the lost lines
        let g = rows_at(&[10.0, 30.0, 50.0, 70.0, 90.0, 110.0, 130.0, 150.0]);
        assert_eq!(rows(&g), 6);
        // a wrapped label over two lines in a row two pitches high, its zeros printed as dashes
        // centred in their cells: flat ink at one height in three cells, but no ruling's
        let tall2 = ruled_at(&[0.0, 20.0, 40.0, 60.0, 100.0, 120.0, 140.0, 160.0]);
        let mut g = rows_at(&[10.0, 30.0, 50.0, 110.0, 130.0, 150.0]);
        for y0 in [66.0, 85.0] {
            g.extend(
                (0..6)
                    .map(|i| BBox::new(5.0 + 9.0 * i as f32, y0, 13.0 + 9.0 * i as f32, y0 + 8.0)),
            );
        }
        for x in [110.0, 140.0, 170.0] {
            g.push(BBox::new(x, 79.5, x + 10.0, 80.5));
        }
        let out = restore_lost_row_lines(&tall2, 1, &tol, &mut |b| inside(&g, b));
        assert_eq!(table::find_grids(&out, 1, &tol)[0].n_rows(), 7);
        // pieces at one height in three cells, but a tall glyph of the label crosses them
        let mut g = rows_at(&[10.0, 30.0, 50.0, 70.0, 110.0, 130.0, 150.0]);
        g.push(BBox::new(20.0, 74.0, 28.0, 96.0));
        g.push(BBox::new(131.0, 79.6, 150.0, 80.6));
        g.push(BBox::new(165.0, 79.4, 189.0, 80.4));
        g.push(BBox::new(101.0, 79.5, 109.0, 80.5));
        assert_eq!(rows(&g), 6);
    }
}

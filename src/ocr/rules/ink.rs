//! Reading rules: a cell's reading must account for the ink in the cell.
//!
//! Applied to every OCR'd table cell after it was read (and read again: alone, enlarged, by
//! shape, by glyph matching), from the glyph components the cell's plan found at the text
//! threshold.  Named rules, each with its constants beside it:
//!
//! - **Honest blank** ([`unread_ink`]): a cell is 0 from "blank" only when it holds no ink
//!   beyond noise.  A cell with glyph marks ([`glyph_marks`]: pieces stacked into glyphs, at
//!   least [`MARK_MIN_HEIGHT`] tall and [`MARK_MIN_WIDTH`] wide, not a ruling remnant) that
//!   the recogniser read as nothing is *unread*: the word [`UNREAD`], empty and flagged
//!   `unparseable` downstream, never a blank zero (a 7 whose bar came apart from its stem at
//!   120 dpi; the top half of a number cut off by a false ruling; a number's digits run
//!   together into one mark from a false column line, [`glyph_marks`]' rule `run_from_edge`).
//!   A cell blank only since the rulings were painted out, that held print before, is unread
//!   too ([`print_painted_out`], applied by the cell planner with the page's image before the
//!   paint).
//! - **Zero glyph over glyph ink** ([`zero_glyph_contradicted`]): a dash (the printed zero)
//!   read from ink taller than any dash, or a slash read over several glyphs, is no zero: the
//!   cell is unread (a faint 3 read as `-` at confidence 0).
//! - **Lines merged** ([`MERGED_LINES_CONFIDENCE`]): numbers are printed on one line; a number
//!   read from ink of several lines (a cell merged over two rows: 1201143 over 12750 read as
//!   120114312750) is in doubt, its confidence capped below `verify::LOW`.
//! - **Ink across the edge** ([`ink_across_edge`]): a number read from a cell whose print goes
//!   on past the cell's edge on the same line, a digit gap away (a false column line cut
//!   `114.1` after its first 1), accounts for its cell's ink but not for its number's: in
//!   doubt ([`ACROSS_EDGE_CONFIDENCE`]).
//!
//! (A number that leaves glyphs of its cell out is capped by the reader itself:
//! `MISSED_INK_CONFIDENCE` in `ocr/mod.rs`.)

use crate::ocr::engine::OcrWord;
use crate::ocr::lept::Rect;

/// The reading of a cell that holds ink no reading accounts for: not a number (the cell comes
/// out empty and flagged, never a blank zero).  The same mark as a cell blank only once a
/// seal's ink was removed.
pub const UNREAD: &str = "?";

/// Least height (inches) of a glyph mark: a digit at 7 pt is about 0.07 in tall, half of it
/// still is a glyph cut in two by a ruling or broken by faint print; noise specks (a pixel or
/// two at 100-300 dpi, JPEG ringing) stay below it.
pub const MARK_MIN_HEIGHT: f32 = 0.035;

/// Least width (inches, at least 2 px) of a glyph mark: a thin 1 at 120 dpi is 2 px wide.
pub const MARK_MIN_WIDTH: f32 = 0.012;

/// Pieces whose vertical gap is at most this many pixels and that overlap in x are one glyph
/// (the bar of a faint 7 above its stem, the halves of a broken 5).
pub const STACK_GAP: i32 = 2;

/// Confidence cap of a number read from ink of several lines (below `verify::LOW`: flagged
/// unless the checks confirm it; at `verify::CAPPED`, as `MISSED_INK_CONFIDENCE`).
pub const MERGED_LINES_CONFIDENCE: f32 = crate::verify::CAPPED;

/// The glyph marks among a cell's ink components (page pixels) inside `inner` (the cell's
/// inset rectangle): pieces stacked within [`STACK_GAP`] joined, kept when at least
/// [`MARK_MIN_HEIGHT`] tall and [`MARK_MIN_WIDTH`] wide and clear of `inner`'s left and right
/// edges (a piece running on under a vertical edge is a ruling remnant or a glyph of the next
/// column cut by a false ruling, which that column reads).
///
/// Rule `run_from_edge`: a mark on an edge is still a mark when it is print run together
/// ([`tall_as_print`], at least [`EDGE_RUN`] times as wide as tall): blurred digits joined
/// into one mark that starts at a false column line drawn against the number (72126 as one
/// 66 x 21 px mark at 150 dpi, read as nothing: blank, so 0).  A remnant is thin, a glyph cut
/// by a false ruling no wider than a glyph.
pub fn glyph_marks(comps: &[Rect], inner: Rect, dpi: f32) -> Vec<Rect> {
    let min_h = (dpi * MARK_MIN_HEIGHT).round().max(3.0) as i32;
    let min_w = (dpi * MARK_MIN_WIDTH).round().max(2.0) as i32;
    stack(comps)
        .into_iter()
        .filter(|g| g.h >= min_h && g.w >= min_w)
        .filter(|g| {
            (g.x > inner.x && g.x1() < inner.x1())
                || (tall_as_print(*g, dpi) && g.w as f32 >= EDGE_RUN * g.h as f32)
        })
        .collect()
}

/// How many times as wide as tall a mark on a cell's edge is to be print run together
/// ([`glyph_marks`], rule `run_from_edge`): a CJK glyph is about as wide as tall, two digits
/// about as wide.
pub const EDGE_RUN: f32 = 2.5;

/// Pieces joined into glyphs: a piece directly above or below another (gap at most
/// [`STACK_GAP`], overlapping in x) belongs to the same glyph.
pub fn stack(comps: &[Rect]) -> Vec<Rect> {
    let mut out: Vec<Rect> = Vec::new();
    for c in comps {
        let mut hull = *c;
        loop {
            let near = |g: &Rect| {
                g.x < hull.x1()
                    && hull.x < g.x1()
                    && g.y <= hull.y1() + STACK_GAP
                    && hull.y <= g.y1() + STACK_GAP
            };
            let (join, keep): (Vec<Rect>, Vec<Rect>) = out.iter().partition(|g| near(g));
            if join.is_empty() {
                break;
            }
            out = keep;
            for j in join {
                hull = hull.union(&j);
            }
        }
        out.push(hull);
    }
    out
}

/// Most glyph marks of ink that reads as a number by its marks alone ([`unread_ink`]).
pub const NUMBER_MARKS: usize = 2;

/// Honest blank: the words of a cell whose glyph marks were read as nothing become
/// [`UNREAD`] at confidence 0 (see the module doc), when the ink is a number's: the cell's
/// plan took it for one (`number_like`: digit-shaped glyphs on one line), or its marks are at
/// most [`NUMBER_MARKS`] digit-shaped ones (taller than wide: a 7 whose bar came apart).
/// Other ink read as nothing (a sliver of a label, a piece of a CJK glyph cut off by a false
/// ruling) stays as it was: such a mark in a value cell is no number, and an unread mark in a
/// label cell would cost the row its label.  Returns whether it fired.
pub fn unread_ink(
    words: &mut Vec<OcrWord>,
    marks: &[Rect],
    region: Rect,
    number_like: bool,
    dpi: f32,
) -> bool {
    let read = words.iter().any(|w| !w.text.trim().is_empty());
    let digits = marks.len() <= NUMBER_MARKS && marks.iter().all(upright);
    if read
        || marks.is_empty()
        || !(number_like || digits || print_line(marks, dpi) || merged_number(marks, dpi))
    {
        return false;
    }
    *words = vec![unread_word(region)];
    true
}

/// Whether some glyph mark (px at `dpi`) is a digit by its shape: as tall as print
/// ([`tall_as_print`]) and taller than wide.  A cell whose row line was lost over it holds its
/// number and a sliver of the next row's text on another line (a `1` over the tops of a shaded
/// heading's glyphs, read as nothing: blank, so 0): with ink of several lines read as nothing,
/// such a mark makes the cell unread ([`audit`], `digit_over_lines`).  Noise, a dash and a
/// label's flat pieces are no such mark; a cell of one line keeps [`unread_ink`]'s narrower
/// test (a sliver of a label cut off by a false ruling stays as it was).
fn digit_mark(marks: &[Rect], dpi: f32) -> bool {
    marks.iter().any(|m| tall_as_print(*m, dpi) && upright(m))
}

/// Whether a mark is taller than wide as a digit is (width at most four fifths of its height).
pub fn upright(m: &Rect) -> bool {
    m.w * 5 <= m.h * 4
}

/// Whether glyph marks (px at `dpi`) are a number run together into one or two wide marks
/// ([`NUMBER_MARKS`]) of print height ([`tall_as_print`]): the digits of `362` joined by a
/// seal's strokes across them, or by blur at low resolution, into one mark as wide as it is
/// tall or wider, which reads as nothing and looks like no digit.  A sliver (narrow), a
/// ruling's remnant or a dash (flat) and noise (low) are no such mark.
fn merged_number(marks: &[Rect], dpi: f32) -> bool {
    marks.len() <= NUMBER_MARKS && marks.iter().any(|m| tall_as_print(*m, dpi) && m.w >= m.h)
}

/// Whether glyph marks (px at `dpi`) are a line of print: more than [`NUMBER_MARKS`] of them
/// as tall as print ([`tall_as_print`]) and at least half as tall as the tallest, of one
/// height (within [`LINE_HEIGHTS`] of their median) and on one line (their middles within a
/// quarter of that height).  A blurred number at low resolution runs its digits together
/// into a few wide marks of the digits' height, which neither reads nor looks like digits one
/// by one; the remnants of a seal, a ruling or noise left in a blank cell are not such a
/// line, nor are a label's strokes cut flat by a false ruling.
fn print_line(marks: &[Rect], dpi: f32) -> bool {
    let tallest = marks.iter().map(|m| m.h).max().unwrap_or(0);
    let marks: Vec<Rect> = marks
        .iter()
        .copied()
        .filter(|m| 2 * m.h >= tallest && tall_as_print(*m, dpi))
        .collect();
    if marks.len() <= NUMBER_MARKS {
        return false;
    }
    let mut hs: Vec<i32> = marks.iter().map(|m| m.h).collect();
    hs.sort_unstable();
    let h = hs[hs.len() / 2] as f32;
    let mut mids: Vec<f32> = marks
        .iter()
        .map(|m| m.y as f32 + m.h as f32 / 2.0)
        .collect();
    mids.sort_by(f32::total_cmp);
    let mid = mids[mids.len() / 2];
    marks.iter().all(|m| {
        (m.h as f32 - h).abs() <= LINE_HEIGHTS * h
            && (m.y as f32 + m.h as f32 / 2.0 - mid).abs() <= h / 4.0
    })
}

/// How far (a fraction of their median) the heights of a line of print's marks may differ
/// ([`print_line`]).
const LINE_HEIGHTS: f32 = 0.3;

/// The [`UNREAD`] word over `region`, at confidence 0: a cell's ink that no reading accounts
/// for (also a cell that held ink only under a seal, see `ocr::CellReader::plan`).
pub fn unread_word(region: Rect) -> OcrWord {
    OcrWord {
        text: UNREAD.into(),
        rect: region,
        confidence: 0.0,
        alternatives: vec![],
    }
}

/// Paper kept clear at the page's right edge (inches) by [`past_row_end`]: a scanner's dark
/// border band is not print.
pub const PAGE_MARGIN: f32 = 0.3;

/// Where the print that would make a blank cell no blank lies when its grid was cut short:
/// the stretch of the cell's line past the right edge of its table (`table`, px), out to the
/// page's edge less [`PAGE_MARGIN`] (`page_w`, px), for a cell that ends its table's row
/// (`cell` reaching `table`'s right edge within `slack` px); `None` for a cell inside the
/// row.  A ruling lost at the end of a row, or a grid whose last columns were not found (a
/// faint or erased stretch of the table: its value column can be inches wide, the value in
/// its middle), leaves the row's value printed past the grid: the blank cell the grid ends
/// with is then beside the value, not a printed 0.  Nothing but the table is printed on a
/// table row's line, so the caller reads glyph-sized ink there that lies in no other table as
/// that doubt (an unread cell, never a 0).
pub fn past_row_end(cell: Rect, table: Rect, slack: i32, dpi: f32, page_w: i32) -> Option<Rect> {
    if (table.x1() - cell.x1()).abs() > slack {
        return None;
    }
    let x = table.x1() + slack;
    let end = page_w - (dpi * PAGE_MARGIN).round() as i32;
    if end <= x {
        return None;
    }
    let pad = (cell.h / 5).max(1);
    Some(Rect::new(
        x,
        cell.y + pad,
        end - x,
        (cell.h - 2 * pad).max(1),
    ))
}

/// Rule `print_past_row`: the confidence cap of every reading in a row with print past its
/// grid's end ([`past_row_end`]).  A grid cut short (its right part's rulings lost to erasure
/// or under a seal) may be cut wrong inside too: its cells are not the row's columns, and what
/// they read is no sure value (an active row printed 5 past a grid that ended at 234 pt: its
/// last cell held a ruling's remnants only and read blank, 0 at 1.00).  Below `verify::LOW`:
/// what the checks do not confirm is flagged.
pub const PAST_ROW_CONFIDENCE: f32 = 0.5;

/// Whether a cell (px) lies in one of the row bands `bands` (y0, y1) within `slack` px: a
/// cell of that row, not one spanning it and others.
pub fn in_row_band(cell: Rect, bands: &[(i32, i32)], slack: i32) -> bool {
    bands
        .iter()
        .any(|&(y0, y1)| cell.y >= y0 - slack && cell.y1() <= y1 + slack)
}

/// A blank cell's reading in doubt ([`PAST_ROW_CONFIDENCE`]): no text (the cell still reads
/// as blank, its value what a blank means), at the cap's confidence.
pub fn doubtful_blank(region: Rect) -> OcrWord {
    OcrWord {
        text: String::new(),
        rect: region,
        confidence: PAST_ROW_CONFIDENCE,
        alternatives: vec![],
    }
}

/// Rule `ink_across_edge`: the most a number's glyphs lie apart (in glyph heights, of the
/// cell's tallest glyph) for ink beyond the cell's edge to be part of the same number.  A digit
/// gap is a fifth of a glyph's height or less; values in neighbouring cells lie apart by both
/// cells' padding and the ruling between them, a glyph's height or more at any resolution.
pub const ACROSS_EDGE_GAP: f32 = 0.6;

/// The confidence cap of a reading whose number continues past its cell's edge
/// ([`ink_across_edge`]): below `verify::LOW`, so what the checks do not confirm is flagged.
pub const ACROSS_EDGE_CONFIDENCE: f32 = 0.5;

/// The page stretch ([`ink_across_edge`]'s `window`) where ink continuing a cell's number
/// beyond the cell's left or right edge lies: the number's line (`ink`, px; half a glyph
/// above and below) out to a glyph and the gap beyond each edge.  `None` when the ink lies
/// clear of both edges by more than the gap (the cell's own padding: nothing to look at).
pub fn across_edge_window(cell: Rect, ink: Rect, tallest: i32) -> Option<Rect> {
    let gap = across_edge_gap(tallest);
    if ink.x - cell.x > gap && cell.x1() - ink.x1() > gap {
        return None;
    }
    let reach = gap + 2 * tallest;
    Some(Rect::new(
        ink.x - reach,
        ink.y - tallest / 2,
        ink.w + 2 * reach,
        ink.h + tallest,
    ))
}

fn across_edge_gap(tallest: i32) -> i32 {
    (tallest as f32 * ACROSS_EDGE_GAP).round() as i32
}

/// Rule `ink_across_edge`: whether a cell's number goes on past the cell's edge.  A false
/// column line (a shaded header's comb, a ruling drawn from a neighbour row) can cut a printed
/// number: the cell holds `1` of `114.1` and reads it confidently, the rest lies in the
/// next cell.  The reading accounts for its cell's ink but not for the number's, so it is in
/// doubt ([`ACROSS_EDGE_CONFIDENCE`]).  `outside` are the text image's components in
/// `window` ([`across_edge_window`], page px), `ink` the extent of the cell's glyphs and
/// `tallest` the tallest of them.  It fires for a glyph-sized component (half to four thirds
/// of the tallest glyph, at most two glyphs wide) whose middle lies beyond the cell's left or
/// right edge, on the number's line (at least half of it within the ink's height), bounded
/// within the window's height (a ruling runs through it) and no more than [`ACROSS_EDGE_GAP`]
/// from the ink.  A thin upright stroke over the edge itself is the ruling's remnant, not a
/// glyph.
pub fn ink_across_edge(
    outside: &[Rect],
    window: Rect,
    cell: Rect,
    ink: Rect,
    tallest: i32,
) -> bool {
    let gap = across_edge_gap(tallest);
    outside.iter().any(|c| {
        let glyph_sized = c.h * 2 >= tallest && c.h * 3 <= tallest * 4 && c.w <= tallest * 2;
        let bounded = c.y > window.y && c.y1() < window.y1();
        let shared = c.y1().min(ink.y1()) - c.y.max(ink.y);
        let same_line = shared * 2 >= c.h;
        let mid = c.x + c.w / 2;
        let thin = c.w * 4 <= c.h;
        let on_edge = |x: i32| thin && c.x <= x + 1 && c.x1() >= x - 1;
        let left = mid < cell.x && ink.x - c.x1() <= gap && !on_edge(cell.x);
        let right = mid >= cell.x1() && c.x - ink.x1() <= gap && !on_edge(cell.x1());
        glyph_sized && bounded && same_line && (left || right)
    })
}

/// Smallest height (inches) of a mark past a row's end that [`past_row_end`]'s caller takes
/// for print: a digit of the smallest table print (7.5 pt) is about 0.07 in tall, while the
/// specks of a noisy scan (salt, JPEG blocks) that pass as glyph components stay lower.
pub const PRINT_MIN_H: f32 = 0.06;

/// Whether a glyph component (px at `dpi`) is tall enough to be print ([`PRINT_MIN_H`]).
pub fn tall_as_print(g: Rect, dpi: f32) -> bool {
    g.h as f32 >= dpi * PRINT_MIN_H
}

/// Whether a cell's glyph components (px at `dpi`) are residue only: none of them tall enough
/// to be print ([`tall_as_print`]; specks left of print whose strokes went with a seal's ink,
/// noise).  An empty list is residue too.
pub fn residue_only(glyphs: &[Rect], dpi: f32) -> bool {
    !glyphs.iter().any(|g| tall_as_print(*g, dpi))
}

/// Rule `print_painted_out`: whether a cell that reads blank after the rulings were painted
/// out held print before (`before`: the glyph components of the cell's inner region `inner`
/// in the page's text image before the paint, px at `dpi`).  The paint removes what the line
/// finder took for rulings, and at low dpi or with blur the bars of a number's glyphs can be
/// among them: the cell then read blank, so 0 at full confidence, where 52853 was printed.
/// Print is a component as tall as print ([`tall_as_print`]) clear of the region's edges: a
/// ruling's remnant reaches in from an edge, a ruling through the cell spans it.  Such a cell
/// is unread (flagged), never a 0.
pub fn print_painted_out(before: &[Rect], inner: Rect, dpi: f32) -> bool {
    before.iter().any(|g| {
        tall_as_print(*g, dpi)
            && g.x > inner.x + PAINT_EDGE
            && g.y > inner.y + PAINT_EDGE
            && g.x1() < inner.x1() - PAINT_EDGE
            && g.y1() < inner.y1() - PAINT_EDGE
    })
}

/// How close (px) to its cell's inner edge [`print_painted_out`] takes a component for a
/// ruling's remnant reaching in.
const PAINT_EDGE: i32 = 1;

/// Whether a zero-glyph reading (`-`, `—`, `－`, `/`) contradicts the cell's glyph components:
/// a dash read where a component is not flat and more than twice as tall as a dash can be
/// (`dash_h`, px), or a slash read over two or more such glyphs.
pub fn zero_glyph_contradicted(reading: &str, glyphs: &[Rect], dash_h: i32) -> bool {
    let tall = glyphs
        .iter()
        .filter(|g| g.h > 2 * dash_h.max(1) && g.w < 2 * g.h)
        .count();
    match reading.trim() {
        "/" => tall > 1,
        d if super::dash::is_dash_text(d) => tall > 0,
        _ => false,
    }
}

/// Apply the reading rules to the words read from one cell (see the module doc): `glyphs` are
/// the cell's glyph components at the text threshold, `inner` its inset rectangle, `region`
/// what was read, `lines` how many text lines the glyphs form, `number_like` whether the plan
/// took the ink for a number, `dash_h` the tallest a dash is
/// (px).  Returns the name of the rule that fired, if any (for the debug log).
#[allow(clippy::too_many_arguments)] // the cell's facts, each a plain value from the reading plan
pub fn audit(
    words: &mut Vec<OcrWord>,
    glyphs: &[Rect],
    inner: Rect,
    region: Rect,
    lines: usize,
    number_like: bool,
    dpi: f32,
    dash_h: i32,
) -> Option<&'static str> {
    let joined: String = words.iter().map(|w| w.text.trim()).collect();
    if joined.is_empty() {
        let marks = glyph_marks(glyphs, inner, dpi);
        if unread_ink(words, &marks, region, number_like, dpi) {
            return Some("unread_ink");
        }
        // a digit's mark among ink of several lines (a row line lost over the cell)
        if lines >= 2 && digit_mark(&marks, dpi) {
            *words = vec![unread_word(region)];
            return Some("digit_over_lines");
        }
        return None;
    }
    if zero_glyph_contradicted(&joined, glyphs, dash_h) {
        *words = vec![unread_word(region)];
        return Some("zero_glyph_contradicted");
    }
    let number = crate::ocr::is_numeric_text(&joined)
        || crate::values::cleaned_number(&joined, false).is_some();
    if lines > 1 && number && joined.chars().any(|c| c.is_ascii_digit()) {
        for w in words.iter_mut() {
            w.confidence = w.confidence.min(MERGED_LINES_CONFIDENCE);
        }
        return Some("merged_lines");
    }
    None
}

/// Least extent (inches, the longer side) of an ink component that is no glyph of a table
/// cell: table print is at most 12 pt, a glyph of it under 0.17 in.
pub const RESIDUE_MIN_EXTENT: f32 = 0.2;

/// Greatest share of its box a ruling residue inks: lines a pixel or two thick crossing a
/// box ink a few percent of it, a glyph (or glyphs blur ran together) a fifth or more.
pub const RESIDUE_MAX_FILL: f32 = 0.12;

/// Rule `ruling_residue`: an ink component (px at `dpi`, `ink` of its box's pixels set) larger
/// than any glyph of a cell ([`RESIDUE_MIN_EXTENT`]) that fills little of its box
/// ([`RESIDUE_MAX_FILL`]) is what is left of rulings the line finder lost (faint, broken, or
/// erased to pieces), an L or a cross of thin lines where a merged cell's inner row and column
/// lines met, no glyph.  Only the layout's view of a cell's ink leaves it out: as the tallest
/// "glyph" there it hid the cell's digits (all smaller than a third of it), so that no lost
/// line between them could be restored.  The cell readers' own judgement of ink keeps it.
pub fn ruling_residue(c: Rect, ink: i32, dpi: f32) -> bool {
    let area = (c.w.max(1) * c.h.max(1)) as f32;
    c.w.max(c.h) as f32 >= dpi * RESIDUE_MIN_EXTENT && (ink as f32) < RESIDUE_MAX_FILL * area
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_number_cut_by_a_false_column_line_is_ink_across_edge() {
        use super::*;
        // a 150 dpi cell 120 x 30 px; its ink: one digit (a 1, 4 x 15 px) at its right edge
        let cell = Rect::new(200, 100, 120, 30);
        let ink = Rect::new(312, 107, 4, 15);
        let window = across_edge_window(cell, ink, 15).expect("ink beside the edge");
        // fires: the number goes on past the edge a digit gap away (`14.1` of `114.1`)
        let rest = [
            Rect::new(319, 107, 4, 15),
            Rect::new(326, 107, 8, 15),
            Rect::new(336, 119, 3, 3),
            Rect::new(341, 107, 4, 15),
        ];
        assert!(ink_across_edge(&rest, window, cell, ink, 15));
        // and on the left side too (`6` of `6203.6315` left of the cell)
        let ink_l = Rect::new(203, 107, 40, 15);
        let win_l = across_edge_window(cell, ink_l, 15).expect("ink beside the edge");
        assert!(ink_across_edge(
            &[Rect::new(193, 107, 8, 15)],
            win_l,
            cell,
            ink_l,
            15
        ));
        // one component beside the right-edge digit
        let beside = |c: Rect| ink_across_edge(&[c], window, cell, ink, 15);
        // must not: the next cell's value beyond its padding and the ruling (a glyph's
        // height away)
        assert!(!beside(Rect::new(332, 107, 8, 15)));
        // nor a ruling's remnant over the edge (a thin upright stroke on the edge line)
        assert!(!beside(Rect::new(319, 106, 2, 16)));
        // nor a ruling running through the window's height
        assert!(!beside(Rect::new(320, window.y, 6, window.h)));
        // nor a glyph on another line (the row below's value)
        assert!(!beside(Rect::new(320, 118, 8, 15)));
        // nor the cell's own glyphs (their middles inside the cell)
        assert!(!beside(ink));
        // and a number in the middle of its cell is not looked at
        assert!(across_edge_window(cell, Rect::new(250, 107, 20, 15), 15).is_none());
    }

    #[test]
    fn a_number_painted_out_with_the_rulings_is_print_painted_out() {
        use super::*;
        // a cell's inner region at 120 dpi, 60 x 24 px
        let inner = Rect::new(100, 200, 60, 24);
        // fires: five digit-sized components (11 px tall) in the middle of the cell
        let digits: Vec<Rect> = (0..5).map(|i| Rect::new(108 + 8 * i, 206, 7, 11)).collect();
        assert!(print_painted_out(&digits, inner, 120.0));
        // must not: nothing before the paint either (a blank cell)
        assert!(!print_painted_out(&[], inner, 120.0));
        // nor a vertical ruling through the cell (spans its height)
        assert!(!print_painted_out(
            &[Rect::new(130, 200, 3, 24)],
            inner,
            120.0
        ));
        // nor a ruling's remnant reaching in from an edge
        assert!(!print_painted_out(
            &[Rect::new(100, 205, 2, 12)],
            inner,
            120.0
        ));
        // nor specks lower than print
        assert!(!print_painted_out(
            &[Rect::new(120, 210, 4, 4)],
            inner,
            120.0
        ));
    }

    #[test]
    fn lines_crossing_a_merged_cell_are_ruling_residue_and_glyphs_are_not() {
        use super::*;
        // fires: at 120 dpi a cross of 1 px lines over a 75 x 62 px box (137 px of ink)
        assert!(ruling_residue(Rect::new(0, 0, 75, 62), 137, 120.0));
        // must not: a label's glyphs that blur ran together into one 40 x 17 px run, half inked
        assert!(!ruling_residue(Rect::new(0, 0, 40, 17), 340, 120.0));
        // nor a glyph-sized component, however thin its strokes (a 0 of 6 x 10 px)
        assert!(!ruling_residue(Rect::new(0, 0, 6, 10), 5, 120.0));
        // nor a straight piece of ruling: it fills its box
        assert!(!ruling_residue(Rect::new(0, 0, 60, 2), 120, 120.0));
    }

    #[test]
    fn specks_are_residue_and_a_digit_is_print() {
        use super::*;
        // fires: the specks a seal's cleaning left of 25,641 at 120 dpi
        let specks = [
            Rect::new(613, 259, 5, 4),
            Rect::new(600, 262, 4, 5),
            Rect::new(622, 268, 5, 4),
        ];
        assert!(residue_only(&specks, 120.0));
        assert!(residue_only(&[], 120.0));
        // must not: a digit of print height among them
        let mut digit = specks.to_vec();
        digit.push(Rect::new(630, 258, 7, 12));
        assert!(!residue_only(&digit, 120.0));
    }

    #[test]
    fn a_row_band_holds_its_row_cells_not_a_cell_spanning_rows() {
        let bands = [(180, 222)];
        // a value cell of the row (its rulings' pixels a little outside)
        assert!(super::in_row_band(Rect::new(340, 179, 120, 44), &bands, 3));
        // a group label spanning that row and the one above
        assert!(!super::in_row_band(Rect::new(100, 140, 120, 82), &bands, 3));
        // the row below
        assert!(!super::in_row_band(Rect::new(340, 222, 120, 40), &bands, 3));
    }

    #[test]
    fn past_row_end_only_for_the_cell_that_ends_its_row() {
        let table = Rect::new(100, 100, 600, 300);
        // the row's last cell: the stretch of its line past the edge, at 200 dpi on a page
        // 1000 px wide out to 60 px short of the page's edge
        let last = Rect::new(550, 150, 150, 40);
        let r = super::past_row_end(last, table, 3, 200.0, 1000).expect("last cell");
        assert!(r.x >= table.x1() && r.x <= table.x1() + 3);
        assert_eq!(r.x1(), 940);
        assert!(r.y > last.y && r.y1() < last.y1());
        // a cell inside the row (its right neighbour is in the grid): nothing to look at
        let inner = Rect::new(300, 150, 150, 40);
        assert!(super::past_row_end(inner, table, 3, 200.0, 1000).is_none());
        // at 200 dpi a digit of 7.5 pt print is about 14 px tall, a speck 4
        assert!(super::tall_as_print(Rect::new(0, 0, 6, 14), 200.0));
        assert!(!super::tall_as_print(Rect::new(0, 0, 6, 4), 200.0));
        // a table reaching the page's margin: nothing past it
        assert!(super::past_row_end(last, table, 3, 200.0, 740).is_none());
    }

    #[test]
    fn a_blurred_number_run_together_is_a_line_of_print_and_remnants_are_not() {
        // 100475 at 120 dpi, blurred into three wide marks of one height, with a noise speck
        let number = [
            Rect::new(566, 923, 8, 12),
            Rect::new(574, 922, 23, 12),
            Rect::new(598, 923, 15, 11),
            Rect::new(774, 926, 3, 4),
        ];
        assert!(super::print_line(&number, 120.0));
        // remnants in a blank cell: a seal's arcs and a ruling's stub, of unlike heights
        let remnants = [
            Rect::new(10, 10, 6, 12),
            Rect::new(30, 14, 9, 5),
            Rect::new(50, 2, 4, 20),
        ];
        assert!(!super::print_line(&remnants, 120.0));
        // two marks are for the digit rule, not this one; three off one line are no line
        assert!(!super::print_line(&number[..2], 120.0));
        let staggered = [
            Rect::new(10, 10, 10, 12),
            Rect::new(30, 22, 10, 12),
            Rect::new(50, 34, 10, 12),
        ];
        assert!(!super::print_line(&staggered, 120.0));
    }

    #[test]
    fn a_number_run_together_into_one_wide_mark_and_read_as_nothing_is_unread() {
        // 362 at 150 dpi, its digits joined by a seal's strokes into one 38 x 21 mark, OCR
        // reading nothing: unread (no 0 from a cell that holds a number's ink)
        let mark = [Rect::new(746, 481, 38, 21)];
        assert!(super::merged_number(&mark, 150.0));
        let mut words = Vec::new();
        let region = Rect::new(700, 470, 100, 40);
        assert!(super::unread_ink(&mut words, &mark, region, false, 150.0));
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].confidence, 0.0);
        // a dash or a ruling's remnant (flat), a sliver (narrow) or noise (low): no number
        assert!(!super::merged_number(&[Rect::new(0, 0, 40, 4)], 150.0));
        assert!(!super::merged_number(&[Rect::new(0, 0, 3, 20)], 150.0));
        assert!(!super::merged_number(&[Rect::new(0, 0, 8, 6)], 150.0));
        let mut words = Vec::new();
        assert!(!super::unread_ink(
            &mut words,
            &[Rect::new(0, 0, 40, 4)],
            region,
            false,
            150.0
        ));
        assert!(words.is_empty());
    }

    #[test]
    fn a_digit_over_a_sliver_of_the_next_rows_text_read_as_nothing_is_unread() {
        // 120 dpi: a 1 (5 x 14) and the tops of a shaded heading's glyphs under it (the row
        // line between them lost), read as nothing: unread, not a blank 0
        let marks = [
            Rect::new(595, 821, 5, 14),
            Rect::new(541, 886, 5, 7),
            Rect::new(548, 886, 17, 7),
        ];
        assert!(super::digit_mark(&marks, 120.0));
        let region = Rect::new(528, 815, 78, 92);
        let inner = Rect::new(526, 800, 150, 120);
        let mut words = Vec::new();
        let rule = super::audit(&mut words, &marks, inner, region, 3, false, 120.0, 5);
        assert_eq!(rule, Some("digit_over_lines"));
        assert_eq!(words[0].text, UNREAD);
        // must not: the heading's flat pieces alone, noise, or a cell of one line
        assert!(!super::digit_mark(&marks[1..], 120.0));
        assert!(!super::digit_mark(&[Rect::new(0, 0, 3, 4)], 120.0));
        let mut words = Vec::new();
        assert_eq!(
            super::audit(&mut words, &marks[1..], inner, region, 3, false, 120.0, 5),
            None
        );
        let sliver = [
            Rect::new(560, 830, 4, 14),
            Rect::new(570, 832, 17, 6),
            Rect::new(590, 832, 15, 5),
        ];
        let mut words = Vec::new();
        assert_eq!(
            super::audit(&mut words, &sliver, inner, region, 1, false, 120.0, 5),
            None
        );
        assert!(words.is_empty());
    }

    use super::*;

    const DPI: f32 = 150.0;
    const INNER: Rect = Rect {
        x: 0,
        y: 0,
        w: 120,
        h: 40,
    };

    fn word(t: &str, conf: f32) -> OcrWord {
        OcrWord {
            text: t.into(),
            rect: Rect::new(50, 10, 20, 16),
            confidence: conf,
            alternatives: vec![],
        }
    }

    #[test]
    fn noise_and_ruling_remnants_are_no_glyph_marks() {
        // specks of a pixel or two, a ruling's remnant along the bottom, a piece of a ruling
        // running on under the left edge
        let ink = [
            Rect::new(20, 12, 2, 2),
            Rect::new(70, 30, 1, 2),
            Rect::new(10, 35, 100, 1),
            Rect::new(0, 5, 2, 30),
        ];
        assert!(glyph_marks(&ink, INNER, DPI).is_empty());
        let mut ws = Vec::new();
        assert_eq!(audit(&mut ws, &ink, INNER, INNER, 1, false, DPI, 5), None);
        assert!(ws.is_empty(), "a blank cell with noise stays blank");
    }

    #[test]
    fn a_number_run_together_from_a_false_edge_is_a_mark_run_from_edge() {
        // 150 dpi, a cell whose left edge a false column line drew against its number: the
        // blurred digits one mark 66 x 21 px starting on the edge
        let inner = Rect::new(733, 1515, 310, 26);
        let run = [Rect::new(733, 1519, 66, 21)];
        assert_eq!(glyph_marks(&run, inner, 150.0), run.to_vec());
        let mut ws = Vec::new();
        assert_eq!(
            audit(&mut ws, &run, inner, inner, 1, false, 150.0, 5),
            Some("unread_ink")
        );
        // must not: a CJK glyph cut by that line (as wide as tall), a ruling's piece under the
        // edge, a flat remnant along the bottom from the edge
        for ink in [
            Rect::new(733, 1519, 22, 21),
            Rect::new(733, 1515, 3, 26),
            Rect::new(733, 1538, 80, 3),
        ] {
            assert!(glyph_marks(&[ink], inner, 150.0).is_empty(), "{ink:?}");
        }
    }

    #[test]
    fn a_seven_whose_bar_fell_apart_is_one_glyph_mark() {
        // 120 dpi: the bar 6x3 above the stem 3x6, a pixel apart (each below the height alone)
        let ink = [Rect::new(48, 7, 6, 3), Rect::new(49, 11, 3, 6)];
        let marks = glyph_marks(&ink, INNER, 120.0);
        assert_eq!(marks, vec![Rect::new(48, 7, 6, 10)]);
        // read as nothing: unread, not a blank 0
        let mut ws = Vec::new();
        assert_eq!(
            audit(&mut ws, &ink, INNER, INNER, 2, false, 120.0, 4),
            Some("unread_ink")
        );
        assert_eq!(ws.len(), 1);
        assert_eq!((ws[0].text.as_str(), ws[0].confidence), (UNREAD, 0.0));
    }

    #[test]
    fn glyphs_cut_by_a_false_ruling_are_marks_unread_where_the_ink_is_a_number() {
        // the top half of 113 under a ruling invented through the number: three 6 px pieces
        let ink = [
            Rect::new(40, 30, 7, 6),
            Rect::new(52, 30, 7, 6),
            Rect::new(63, 30, 13, 6),
        ];
        assert_eq!(glyph_marks(&ink, INNER, DPI).len(), 3);
        let mut ws = Vec::new();
        assert_eq!(
            audit(&mut ws, &ink, INNER, INNER, 1, true, DPI, 5),
            Some("unread_ink")
        );
        // flat pieces the plan did not take for a number (a label's sliver): left as they are
        let mut ws = Vec::new();
        assert_eq!(audit(&mut ws, &ink, INNER, INNER, 1, false, DPI, 5), None);
        assert!(ws.is_empty());
        // a reading of them stands (the other rules judge it)
        let mut read = vec![word("113", 0.95)];
        assert_eq!(audit(&mut read, &ink, INNER, INNER, 1, false, DPI, 5), None);
        assert_eq!(read[0].text, "113");
    }

    #[test]
    fn a_dash_read_from_a_full_height_glyph_is_unread() {
        let three = [Rect::new(50, 10, 13, 20)];
        let mut ws = vec![word("-", 0.0)];
        assert_eq!(
            audit(&mut ws, &three, INNER, INNER, 1, false, DPI, 5),
            Some("zero_glyph_contradicted")
        );
        assert_eq!(ws[0].text, UNREAD);
        // a printed dash is a dash
        let dash = [Rect::new(50, 18, 14, 3)];
        let mut ws = vec![word("—", 0.9)];
        assert_eq!(audit(&mut ws, &dash, INNER, INNER, 1, false, DPI, 5), None);
        assert_eq!(ws[0].text, "—");
        // one slash is a slash, a slash over two glyphs is not
        let slash = [Rect::new(50, 8, 8, 22)];
        assert!(!zero_glyph_contradicted("/", &slash, 5));
        assert!(zero_glyph_contradicted(
            "/",
            &[slash[0], Rect::new(62, 8, 10, 22)],
            5
        ));
    }

    #[test]
    fn a_number_read_over_two_lines_is_in_doubt() {
        let two_lines = [Rect::new(20, 4, 60, 14), Rect::new(20, 22, 50, 14)];
        let mut ws = vec![word("120114312750", 0.84)];
        assert_eq!(
            audit(&mut ws, &two_lines, INNER, INNER, 2, false, DPI, 5),
            Some("merged_lines")
        );
        assert_eq!(ws[0].confidence, MERGED_LINES_CONFIDENCE);
        // one line: untouched; text over two lines (a label) too
        let mut ws = vec![word("1201143", 0.84)];
        assert_eq!(
            audit(&mut ws, &two_lines[..1], INNER, INNER, 1, false, DPI, 5),
            None
        );
        assert_eq!(ws[0].confidence, 0.84);
        let mut label = vec![word("其他", 0.9)];
        assert_eq!(
            audit(&mut label, &two_lines, INNER, INNER, 2, false, DPI, 5),
            None
        );
    }
}

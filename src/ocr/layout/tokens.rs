//! Table location without rulings: the page's print cut into tokens (runs of glyphs on one
//! line), each read as a cell.
//!
//! The lattice finder needs the table's rulings; on a scan whose grid is faint, erased in
//! places or broken into a comb by shading, no grid survives and nothing is read.  But every
//! cell of a template table prints its value (a number, a 0, a dash or a slash), and every row
//! its label, so the print itself lays out the table: the values of a row stand on one line,
//! separated by more paper than lies between the glyphs of one value.  This module finds those
//! tokens on the binarised page; the OCR producer reads each like a cell (digits batched, the
//! same reading rules), emits them as words without rulings, and the table stage's text
//! alignment (`table::stream_tables`) rebuilds rows and columns from them, as it does for a
//! digital page without rulings.  Every value so placed is flagged
//! (`layout_from_text_alignment`): rows and columns from alignment alone are a guess.
//!
//! Used as the pipeline's second look on pages whose rulings gave no template table.
use super::super::lept::Rect;

/// Components smaller than this (inches, both sides) are noise specks.
pub const SPECK: f32 = 0.02;
/// Components taller or wider than this (inches) are no glyph: ruling remnants, seals,
/// figures.
pub const GLYPH_MAX: f32 = 0.4;
/// Glyph heights (inches) the page's print height is estimated from: 6 to 20 pt.
pub const PRINT_MIN: f32 = 0.08;
pub const PRINT_MAX: f32 = 0.28;
/// A component this many print heights tall and under [`THIN`] print heights wide is a piece
/// of a vertical ruling, not a glyph (1 and l are at most one print height tall).
pub const RULING_TALL: f32 = 1.6;
pub const THIN: f32 = 0.3;
/// A component this many print heights wide and under [`THIN`] print heights tall is a piece
/// of a horizontal ruling (a printed dash is one glyph wide).
pub const RULING_WIDE: f32 = 2.5;
/// Glyphs of one token are at most this many print heights apart; cells' values at least
/// that (a value stands in the middle of its cell, a column is wider than two glyphs).
pub const TOKEN_GAP: f32 = 0.8;
/// Two components are on one line when their vertical overlap is at least this share of the
/// lower of the two (or of the print height).
pub const LINE_OVERLAP: f32 = 0.4;
/// A flat stroke (a dash) belongs to a line only within this middle share of the line's
/// height: a dash printed for zero stands at mid-height, a ruling's remnant at the edge.
pub const FLAT_MIDDLE: f32 = 0.6;
/// Paper kept around a token's ink (print heights), so that the cell reader's inset leaves
/// the ink whole.
pub const TOKEN_PAD: f32 = 0.35;

/// The print height (pixels) of a page: the median height of its glyph-sized components.
pub fn print_height(comps: &[Rect], dpi: f32) -> Option<i32> {
    let (lo, hi) = ((PRINT_MIN * dpi) as i32, (PRINT_MAX * dpi) as i32);
    let mut hs: Vec<i32> = comps
        .iter()
        .map(|c| c.h)
        .filter(|&h| h >= lo && h <= hi)
        .collect();
    if hs.len() < 5 {
        return None;
    }
    hs.sort_unstable();
    Some(hs[hs.len() / 2])
}

/// The widest a stroke of print of height `ph` is (pixels, [`THIN`]).
fn stroke(ph: i32) -> i32 {
    (THIN * ph as f32).max(1.0) as i32
}

/// Whether component `c` can be part of print of height `ph` (pixels): not a speck, not a
/// ruling remnant, not larger than a glyph.
pub fn glyph_like(c: &Rect, ph: i32, dpi: f32) -> bool {
    let speck = (SPECK * dpi).ceil() as i32;
    let max = (GLYPH_MAX * dpi) as i32;
    let thin = stroke(ph);
    let ph = ph as f32;
    c.w.max(c.h) >= speck
        && c.w <= max
        && c.h <= max
        && !(c.h as f32 >= RULING_TALL * ph && c.w <= thin)
        && !(c.w as f32 >= RULING_WIDE * ph && c.h <= thin)
}

/// A ruling's remnant among a cell's glyphs: an upright stroke at most this share of its
/// height wide (a printed 1 has its flag and foot; a remnant left where a lost ruling ran
/// between two values is a pixel or two wide).
pub const REMNANT_WIDTH: f32 = 0.1;

/// Where one cell's ink (`glyphs`, its glyph-sized components in page pixels) holds several
/// values on one line: the groups of glyphs, left to right, that gaps of paper wider than
/// [`TOKEN_GAP`] times the tallest glyph separate, and where to cut the cell between them
/// (pixels): on a ruling remnant that stands in the gap (the lost ruling itself), else in the
/// middle of the gap.  A number's digits, its decimal point and its thousands separators stand
/// closer; two values that a lost ruling put in one cell (`0    0`, `13    62`) stand a cell's
/// width apart.  Ruling remnants ([`REMNANT_WIDTH`]) are no part of any group.  Empty unless
/// there are two groups or more, every glyph of glyph height on one line.
pub fn cell_tokens_cut(glyphs: &[Rect]) -> (Vec<Vec<Rect>>, Vec<i32>) {
    let remnant = |g: &Rect| g.w as f32 <= REMNANT_WIDTH * g.h as f32;
    let mut gs: Vec<Rect> = glyphs.iter().filter(|g| !remnant(g)).copied().collect();
    let ph = gs.iter().map(|g| g.h).max().unwrap_or(0);
    if ph == 0 || gs.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    // one line: every glyph of at least half the print height centred within half of it
    let mid = |g: &Rect| g.y + g.h / 2;
    let tall: Vec<i32> = gs.iter().filter(|g| 2 * g.h >= ph).map(mid).collect();
    let (lo, hi) = (tall.iter().min(), tall.iter().max());
    if lo.zip(hi).is_none_or(|(lo, hi)| 2 * (hi - lo) > ph) {
        return (Vec::new(), Vec::new());
    }
    gs.sort_by_key(|g| g.x);
    let mut groups: Vec<Vec<Rect>> = vec![vec![gs[0]]];
    let mut right = gs[0].x1();
    for g in &gs[1..] {
        if (g.x - right) as f32 > TOKEN_GAP * ph as f32 {
            groups.push(Vec::new());
        }
        groups.last_mut().expect("one group").push(*g);
        right = right.max(g.x1());
    }
    if groups.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    let cuts = groups
        .windows(2)
        .map(|w| {
            let right = w[0].iter().map(|g| g.x1()).max().unwrap_or(0);
            let left = w[1].iter().map(|g| g.x).min().unwrap_or(right);
            glyphs
                .iter()
                .filter(|g| remnant(g) && g.x >= right && g.x1() <= left)
                .map(|g| g.x + g.w / 2)
                .next()
                .unwrap_or((right + left) / 2)
        })
        .collect();
    (groups, cuts)
}

/// A stroke of a line this many times as tall as the line's print (its glyphs wider than a
/// stroke, median) is a ruling's remnant: a printed 1 is as tall as the digits beside it, a
/// vertical ruling's piece left between two values reaches past them (1.35-1.7 times on
/// the scans that showed it).
pub const REMNANT_TALL: f32 = 1.25;

/// Tokens other than remnants a line needs for [`lone_remnant`] to mark its remnants: more
/// than any template row but the appeals value row (15 values) has (a requests row: a label
/// and seven values; counting the remnants too, a requests row's values and the remnants
/// between them made ten, and a table's columns came apart: -12 cells on one page).
pub const REMNANT_LINE_TOKENS: usize = 10;

/// Widest token (print heights of its line, ink) of a line whose remnants [`lone_remnant`]
/// marks: a line of numbers alone (five digits and a separator stand under three print heights),
/// not a row with its label (a requests row's label split into tokens at low dpi makes ten
/// of them too).  On other lines a remnant's token stays as it was: the text alignment takes
/// its columns from every line's tokens, and without the remnants a requests table's columns
/// came apart as often as they came right (three spent sets: -12, -9 and +17 cells).
pub const REMNANT_LINE_VALUE_WIDTH: f32 = 3.0;

/// Rule `lone_remnant_is_no_token`: whether glyph `g` of a line whose print is `print`
/// pixels tall ([`line_print`]) is a ruling's remnant: no wider than a stroke (`thin`, pixels)
/// and [`REMNANT_TALL`] times as tall as the line's print.  A token of remnants alone on a
/// line of [`REMNANT_LINE_TOKENS`] numbers ([`REMNANT_LINE_VALUE_WIDTH`]) is marked
/// ([`Token::remnant`]) and the producer leaves it out: read alone, the stroke reads
/// as a 1 (the shape of a faint one) and stands as a value of its own between two of the
/// row's (an appeals value row of sixteen numbers).  Shorter than [`RULING_TALL`] page print
/// heights, so [`glyph_like`] kept it.
fn lone_remnant(g: &Rect, thin: i32, print: Option<i32>) -> bool {
    g.w <= thin && print.is_some_and(|p| g.h as f32 >= REMNANT_TALL * p as f32)
}

/// The print height of a line (`line`, its glyphs): the median height of its glyphs wider
/// than a stroke (`thin`, pixels) and at least `half` tall (dashes, dots and commas are no
/// measure of it).
fn line_print(line: &[Rect], thin: i32, half: i32) -> Option<i32> {
    let mut hs: Vec<i32> = line
        .iter()
        .filter(|g| g.w > thin && g.h >= half)
        .map(|g| g.h)
        .collect();
    hs.sort_unstable();
    hs.get(hs.len() / 2).copied()
}

/// A token of print ([`find_tokens`]): its box, and whether all its ink is a ruling's
/// remnant ([`lone_remnant`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub rect: Rect,
    pub remnant: bool,
}

/// The tokens of a page: its print (components of the binarised page, `comps`) grouped into
/// lines and cut where the paper between two glyphs is wider than [`TOKEN_GAP`] print heights.
/// Each token's box is its ink padded by [`TOKEN_PAD`] print heights (clipped to `w`×`h`),
/// in reading order (lines top to bottom, left to right).
pub fn find_tokens(comps: &[Rect], dpi: f32, w: i32, h: i32) -> Vec<Token> {
    let Some(ph) = print_height(comps, dpi) else {
        return Vec::new();
    };
    let glyphs: Vec<Rect> = comps
        .iter()
        .filter(|c| glyph_like(c, ph, dpi))
        .copied()
        .collect();
    // lines are made of glyphs at least half the print height; smaller ink (dots, commas,
    // dashes) joins the line it lies in, and a flat stroke only its middle (a dash printed for
    // zero), not its edge (a ruling's remnant under or over a row)
    let half = (ph / 2).max(1);
    let (mut tall, small): (Vec<Rect>, Vec<Rect>) = glyphs.into_iter().partition(|c| c.h >= half);
    tall.sort_by_key(|c| (c.y + c.y1(), c.x));
    let mut lines: Vec<(i32, i32, Vec<Rect>)> = Vec::new();
    for g in tall {
        let best = lines
            .iter()
            .enumerate()
            .filter_map(|(i, (y0, y1, _))| {
                let ov = (g.y1().min(*y1) - g.y.max(*y0)) as f32;
                let need = LINE_OVERLAP * g.h.min(y1 - y0).min(ph).max(1) as f32;
                (ov >= need).then_some((i, ov))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i);
        match best {
            Some(i) => {
                let l = &mut lines[i];
                // the band grows only with glyph-height ink (a tall remnant would swallow lines)
                if g.h <= ph * 3 / 2 {
                    l.0 = l.0.min(g.y);
                    l.1 = l.1.max(g.y1());
                }
                l.2.push(g);
            }
            None => lines.push((g.y, g.y1(), vec![g])),
        }
    }
    // a line is print when at least one of its glyphs is more than a stroke wide (a line of
    // vertical ruling remnants is none), and only a line of two such glyphs or more takes flat
    // strokes (a remnant and a junction of rulings make no row that dashes could join)
    let thin = stroke(ph);
    lines.retain(|l| l.2.iter().any(|g| g.w > thin));
    for s in small {
        let cy = s.y + s.h / 2;
        let flat = s.w >= 2 * s.h;
        let inside = |(y0, y1): (i32, i32)| {
            let m = if flat {
                ((y1 - y0) as f32 * (1.0 - FLAT_MIDDLE) / 2.0) as i32
            } else {
                0
            };
            cy >= y0 + m && cy <= y1 - m
        };
        if let Some(l) = lines.iter_mut().find(|l| inside((l.0, l.1)))
            && (!flat || l.2.iter().filter(|g| g.h >= half && g.w > thin).count() >= 2)
        {
            l.2.push(s);
        }
    }
    lines.sort_by_key(|l| l.0 + l.1);
    let gap = (TOKEN_GAP * ph as f32).round() as i32;
    let pad = (TOKEN_PAD * ph as f32).round() as i32;
    let mut out = Vec::new();
    for (_, _, mut gs) in lines {
        let print = line_print(&gs, thin, half);
        let lone_remnant = |g: &Rect| lone_remnant(g, thin, print);
        gs.sort_by_key(|c| c.x);
        // tokens' ink boxes, each with whether every glyph of it is a ruling's remnant
        let mut ink: Vec<(Rect, bool)> = Vec::new();
        for g in gs {
            match ink.last_mut() {
                Some(t) if g.x - t.0.x1() <= gap => *t = (t.0.union(&g), t.1 && lone_remnant(&g)),
                _ => ink.push((g, lone_remnant(&g))),
            }
        }
        // remnants are marked on a line of numbers alone
        let numbers = ink.iter().filter(|t| !t.1).count() >= REMNANT_LINE_TOKENS
            && print.is_some_and(|p| {
                ink.iter()
                    .all(|t| t.0.w as f32 <= REMNANT_LINE_VALUE_WIDTH * p as f32)
            });
        for (r, remnant) in ink {
            out.extend(r.grow(pad).clip(w, h).map(|rect| Token {
                rect,
                remnant: remnant && numbers,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyph boxes of a line of `n` glyphs of height `h` px starting at x, `step` apart.
    fn run(x: i32, y: i32, n: i32, h: i32, step: i32) -> Vec<Rect> {
        (0..n)
            .map(|i| Rect::new(x + i * step, y, h * 3 / 4, h))
            .collect()
    }

    #[test]
    fn a_cell_holding_two_values_is_two_tokens_and_one_number_is_one() {
        let cuts = |g: &[Rect]| cell_tokens_cut(g).0.len();
        // fires: two zeros a cell's width apart (a lost ruling between two columns), with the
        // lost ruling's remnant between them, a little lower
        let mut two = run(100, 50, 1, 26, 14);
        two.extend(run(160, 50, 1, 26, 14));
        two.push(Rect::new(130, 40, 2, 40));
        assert_eq!(cuts(&two), 2);
        // the cell is cut on the remnant, not in the middle of the gap
        assert_eq!(cell_tokens_cut(&two).1, vec![131]);
        // "13" and "62"
        let mut pair = run(100, 50, 2, 19, 14);
        pair.extend(run(200, 50, 2, 19, 14));
        assert_eq!(cuts(&pair), 2);
        // must not: one number, its digits side by side, nor a decimal number whose point
        // (a speck, not a glyph) leaves a narrow gap, nor two lines of a label
        assert_eq!(cuts(&run(100, 50, 4, 19, 14)), 0);
        let mut dec = run(100, 50, 4, 19, 14);
        dec.extend(run(100 + 4 * 14 + 6, 50, 2, 19, 14));
        assert_eq!(cuts(&dec), 0);
        assert_eq!(cuts(&run(100, 50, 1, 19, 14)), 0);
        let mut lines = run(100, 50, 1, 19, 14);
        lines.extend(run(160, 80, 1, 19, 14));
        assert_eq!(cuts(&lines), 0);
    }

    #[test]
    fn values_of_a_row_are_separate_tokens_and_a_label_is_one() {
        // 150 dpi, 9-pt print: glyphs about 19 px tall
        let mut comps = run(100, 200, 6, 19, 20); // a label of six glyphs
        comps.extend(run(400, 201, 2, 19, 14)); // "12"
        comps.extend(run(520, 200, 1, 19, 14)); // "0"
        comps.extend(run(640, 199, 3, 19, 14)); // "305"
        let t = find_tokens(&comps, 150.0, 1240, 1754);
        assert_eq!(t.len(), 4, "{t:?}");
        assert!(t[0].rect.x < 100 && t[0].rect.x1() > 100 + 5 * 20);
        assert!(t[1].rect.x < 400 && t[1].rect.x1() > 414 + 14 && t[1].rect.x1() < 520);
        assert!(t[3].rect.x < 640 && t[3].rect.x1() > 668);
    }

    #[test]
    fn a_ruling_remnant_standing_alone_in_a_long_row_is_marked_and_a_one_is_not() {
        // 150 dpi, digits 19 px tall: an appeals value row, "12" then eleven values 60 px
        // apart, a ruling's remnant (2 px wide, 30 px tall) alone between the first two, a
        // printed 1 (thin, as tall as the digits) last
        let row = |remnant_x: i32| {
            let mut comps = run(100, 200, 6, 19, 20); // a label, to measure the print by
            comps.extend(run(100, 400, 2, 19, 14));
            comps.push(Rect::new(remnant_x, 395, 2, 30));
            for i in 0..11 {
                comps.extend(run(200 + 60 * i, 400, 1, 19, 14));
            }
            comps.push(Rect::new(200 + 60 * 11, 400, 3, 19));
            comps
        };
        let t = find_tokens(&row(160), 150.0, 1240, 1754);
        assert_eq!(t.len(), 15, "{t:?}");
        // fires: the remnant's token
        assert!(
            t[2].remnant && t[2].rect.x < 160 && t[2].rect.x1() > 162,
            "{t:?}"
        );
        // must not: the label, the values, the 1
        assert_eq!(t.iter().filter(|t| t.remnant).count(), 1, "{t:?}");
        assert!(!t[14].remnant && t[14].rect.x1() > 200 + 60 * 11);
        // must not: a remnant beside a value's glyphs is part of that token (not alone)
        let t = find_tokens(&row(130), 150.0, 1240, 1754);
        assert!(t.iter().all(|t| !t.remnant), "{t:?}");
        // must not: the same row with its label on its line (a token wider than a number)
        let mut labelled = row(160);
        labelled.extend(run(10, 400, 4, 19, 20));
        let t = find_tokens(&labelled, 150.0, 1240, 1754);
        assert_eq!(t.len(), 16, "{t:?}");
        assert!(t.iter().all(|t| !t.remnant), "{t:?}");
        // must not: a requests row's seven values and the remnants between them, eleven
        // tokens with no label on their line (its label printed on the line above)
        let mut seven = run(100, 200, 6, 19, 20);
        for i in 0..7 {
            seven.extend(run(200 + 60 * i, 400, 1, 19, 14));
            if i < 4 {
                seven.push(Rect::new(235 + 60 * i, 395, 2, 30));
            }
        }
        let t = find_tokens(&seven, 150.0, 1240, 1754);
        assert_eq!(t.len(), 12, "{t:?}");
        assert!(t.iter().all(|t| !t.remnant), "{t:?}");
        // must not: a remnant alone on a line of a requests row's few tokens stays
        let mut short = run(100, 200, 6, 19, 20);
        short.extend(run(400, 201, 2, 19, 14));
        short.push(Rect::new(470, 195, 2, 30));
        short.extend(run(520, 200, 3, 19, 14));
        let t = find_tokens(&short, 150.0, 1240, 1754);
        assert_eq!(t.len(), 4, "{t:?}");
        assert!(t.iter().all(|t| !t.remnant), "{t:?}");
    }

    #[test]
    fn two_lines_are_two_rows_of_tokens() {
        let mut comps = run(100, 200, 4, 19, 20);
        comps.extend(run(400, 200, 1, 19, 14));
        comps.extend(run(100, 240, 4, 19, 20));
        comps.extend(run(400, 241, 1, 19, 14));
        let t = find_tokens(&comps, 150.0, 1240, 1754);
        assert_eq!(t.len(), 4, "{t:?}");
        assert!(t[0].rect.y1() < t[2].rect.y1() && t[1].rect.y1() < t[3].rect.y1());
        assert!(t[0].rect.y < 200 && t[2].rect.y > 220);
    }

    #[test]
    fn ruling_remnants_and_specks_are_not_glyphs() {
        let ph = 19;
        // where it fires: a piece of a vertical ruling, a piece of a horizontal one, a speck
        assert!(!glyph_like(&Rect::new(0, 0, 2, 40), ph, 150.0));
        assert!(!glyph_like(&Rect::new(0, 0, 60, 2), ph, 150.0));
        assert!(!glyph_like(&Rect::new(0, 0, 2, 2), ph, 150.0));
        assert!(!glyph_like(&Rect::new(0, 0, 80, 80), ph, 150.0));
        // where it must not: a 1, a dash, a glyph, a period at 150 dpi
        assert!(glyph_like(&Rect::new(0, 0, 3, 19), ph, 150.0));
        assert!(glyph_like(&Rect::new(0, 0, 12, 2), ph, 150.0));
        assert!(glyph_like(&Rect::new(0, 0, 18, 19), ph, 150.0));
        assert!(glyph_like(&Rect::new(0, 0, 3, 3), ph, 150.0));
    }

    #[test]
    fn a_remnant_beside_a_value_does_not_join_its_token() {
        let mut comps = run(100, 200, 6, 19, 20);
        comps.extend(run(400, 200, 2, 19, 14));
        comps.push(Rect::new(432, 190, 2, 45)); // a ruling piece right of "12"
        let t = find_tokens(&comps, 150.0, 1240, 1754);
        assert_eq!(t.len(), 2, "{t:?}");
        assert!(t[1].rect.x1() < 432 + 10);
    }

    #[test]
    fn a_dash_in_a_row_is_a_token_a_stroke_under_the_row_is_not() {
        let mut comps = run(100, 200, 6, 19, 20);
        comps.extend(run(400, 200, 2, 19, 14));
        comps.push(Rect::new(520, 208, 12, 2)); // a dash for zero, at mid-height
        comps.push(Rect::new(600, 219, 40, 2)); // a ruling's remnant along the row's bottom
        comps.push(Rect::new(100, 260, 40, 2)); // a remnant on a line of its own
        let t = find_tokens(&comps, 150.0, 1240, 1754);
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(t[2].rect.x < 520 && t[2].rect.x1() > 532 && t[2].rect.x1() < 600);
    }

    #[test]
    fn remnants_make_no_line() {
        // where it fires: short vertical remnants and a junction blob, dashes between them
        let mut comps = run(100, 200, 6, 19, 20);
        comps.push(Rect::new(60, 250, 2, 17));
        comps.push(Rect::new(500, 251, 3, 18));
        comps.push(Rect::new(700, 250, 14, 16));
        comps.push(Rect::new(300, 258, 14, 2));
        comps.push(Rect::new(340, 258, 14, 2));
        let t = find_tokens(&comps, 150.0, 1240, 1754);
        assert!(
            !t.iter().any(|r| r.rect.x <= 300 && r.rect.x1() >= 314),
            "{t:?}"
        );
        assert!(
            !t.iter().any(|r| r.rect.x <= 340 && r.rect.x1() >= 354),
            "{t:?}"
        );
        // a line of vertical remnants alone is no line
        let mut comps = run(100, 200, 6, 19, 20);
        comps.push(Rect::new(60, 250, 2, 17));
        comps.push(Rect::new(500, 251, 3, 18));
        assert_eq!(find_tokens(&comps, 150.0, 1240, 1754).len(), 1);
        // where it must not: a line of one value and its label takes its dash
        let mut comps = run(100, 200, 6, 19, 20);
        comps.push(Rect::new(400, 208, 14, 2));
        assert_eq!(find_tokens(&comps, 150.0, 1240, 1754).len(), 2);
    }

    #[test]
    fn no_print_no_tokens() {
        assert!(find_tokens(&[Rect::new(0, 0, 2, 2)], 150.0, 100, 100).is_empty());
    }
}

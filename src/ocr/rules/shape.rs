//! Glyph shape checks for single digits that the recogniser confuses on faint or blurred
//! scans: a 0 read as 9 or 6 (its loop is taken for the bowl of a 9 or a 6).  The three differ
//! in where the enclosed hole lies: a 0's hole spans most of the glyph's height, a 9's sits
//! in the upper part (its tail below is open), a 6's in the lower part.  The counter (hole) is
//! found on the crop's own threshold, halfway between its darkest ink and the paper, which
//! follows faint print that a page-wide threshold breaks.
//!
//! And 1s the recogniser reads as other digits (a serif 1 as 4, 11 as 2, a 111 whose feet blur
//! into one blob as 1): [`stem_one`] (one upright stem, a flag, a foot), [`firm_one`] (still so
//! near the paper's level, where the faint arms of a 3 come back), [`stem_split`] (a blob of
//! several stems cut into one slice per stem).

use crate::ocr::lept::{Pix, Rect};
use anyhow::Result;

/// Share of its bounding box that a 0's hole fills at least: an ellipse fills pi/4 of it
/// (less after digitisation of a small hole), a triangle a half.
const OVAL_FILL: f32 = 0.62;

/// What the ink of a crop holding one glyph looks like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loops {
    /// The glyph's box (crop pixels): the largest ink component.
    pub glyph: Rect,
    /// Enclosed holes of the glyph, largest first (at most two kept).
    pub holes: [Option<Rect>; 2],
    /// Pixels of the largest hole.
    pub hole_area: usize,
    /// Ink components of at least a third of the glyph's height (1 for a clean digit).
    pub pieces: usize,
}

/// The digit among 0, 6, 8, 9 that the hole geometry shows, when it shows one clearly.
pub fn loop_digit(l: &Loops) -> Option<char> {
    let g = l.glyph;
    if l.pieces != 1 || g.h < 8 || g.w * 4 < g.h || g.w > g.h {
        return None;
    }
    let rel = |y: i32| (y - g.y) as f32 / g.h as f32;
    match l.holes {
        [Some(a), Some(b)] => {
            let (top, bot) = if a.y < b.y { (a, b) } else { (b, a) };
            // two holes one above the other: 8
            (top.y1() <= bot.y + 1 && rel(top.y1()) <= 0.6 && rel(bot.y) >= 0.4).then_some('8')
        }
        [Some(h), None] => {
            let (t, b) = (rel(h.y), rel(h.y1()));
            let tall = (h.h as f32) / (g.h as f32);
            let wide = h.w * 5 >= g.w;
            if !wide {
                return None;
            }
            // a 0's stroke is as thick above its hole as below it, and left as right (the
            // closed triangle of some 4s leaves a stem below, a 9 or 6 its tail)
            let (above, below) = (h.y - g.y, g.y1() - h.y1());
            let (left, right) = (h.x - g.x, g.x1() - h.x1());
            let even = (above - below).abs() <= (g.h / 8).max(2)
                && (left - right).abs() <= (g.w / 5).max(2);
            // and its hole is an oval, filling most of its box (the triangle of a 4 fills
            // about half)
            let oval = l.hole_area as f32 >= OVAL_FILL * (h.w * h.h) as f32;
            if tall >= 0.5 && t <= 0.3 && b >= 0.7 && even && oval {
                Some('0')
            } else if tall <= 0.45 && t <= 0.3 && b <= 0.6 {
                Some('9')
            } else if tall <= 0.45 && t >= 0.4 && b >= 0.7 {
                Some('6')
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Rule `tall_hole_unlike`: the most of a glyph's height the hole of a 6 or a 9 spans (its
/// bowl is the glyph's lower or upper half less the stroke: [`loop_digit`] takes one of at
/// most 0.45).
const BOWL_TALL: f32 = 0.5;

/// Rule `tall_hole_unlike`: whether a lone glyph read as `digit` (6 or 9) has one hole taller
/// than such a digit's bowl ([`BOWL_TALL`]) and at least a fifth of the glyph wide: the counter
/// of a 0 that blur or a speck made uneven (more stroke above its hole than below, so
/// [`loop_digit`] shows no 0), which the recogniser read as a confident 6.  The shape does not
/// say which digit it is, only that it is not the one read: the caller puts the reading in
/// doubt.
pub fn tall_hole_unlike(l: &Loops, digit: char) -> bool {
    let g = l.glyph;
    let [Some(h), None] = l.holes else {
        return false;
    };
    matches!(digit, '6' | '9')
        && l.pieces == 1
        && g.h >= 8
        && h.w * 5 >= g.w
        && h.h as f32 > BOWL_TALL * g.h as f32
}

/// Rule `short_loop_zero`: least share of the glyph's height a centred hole spans.  A 0 nine
/// pixels tall (7.5 pt at 150 dpi) blurred by a pixel keeps a hole of three or four rows in
/// its middle at the crop's middle threshold, short of [`loop_digit`]'s half.
const SHORT_LOOP_TALL: f32 = 0.3;

/// Rule `short_loop_zero`: whether the glyph's one hole is a 0's counter closed in from
/// above and below by blur: centred (as much ink above it as below, left as right), an
/// oval, at least a quarter of the glyph wide and [`SHORT_LOOP_TALL`] of it high.  A 6's or a
/// 9's hole sits off the middle, an 8 has two; the caller reads such a glyph as 0 only in
/// doubt.
pub fn short_loop_zero(l: &Loops) -> bool {
    let g = l.glyph;
    let [Some(h), None] = l.holes else {
        return false;
    };
    if l.pieces != 1 || g.h < 8 || g.w * 4 < g.h || g.w > g.h {
        return false;
    }
    let (above, below) = (h.y - g.y, g.y1() - h.y1());
    let (left, right) = (h.x - g.x, g.x1() - h.x1());
    let even =
        (above - below).abs() <= (g.h / 8).max(2) && (left - right).abs() <= (g.w / 5).max(2);
    let oval = l.hole_area as f32 >= OVAL_FILL * (h.w * h.h) as f32;
    even && oval && h.w * 4 >= g.w && h.h as f32 >= SHORT_LOOP_TALL * g.h as f32
}

/// The digit the loops of `region` of the 8 bpp `gray` show ([`loop_digit`] over `mid`, the
/// crop's [`loops`] at its middle threshold, which the caller found: it looks at them again).
///
/// Rule `thin_loop_zero`: a 0 whose stroke thins at its top (light print, blur: 135-165 at
/// the top right where the rest is 15-75) falls open at the crop's middle threshold, and the
/// recogniser reads the open loop as a confident 6.  When the glyph shows no hole there, it is
/// thresholded again near its paper ([`LIGHT_INK`]); a 0 there (a hole spanning its height
/// with a stroke as thick on each side) is a 0.  The other digits are taken at the middle
/// threshold only: near the paper a blurred 6 or 9 closes its own way.
pub fn loop_shown(mid: Option<&Loops>, gray: &Pix, region: Rect) -> Result<Option<char>> {
    let Some(mid) = mid else {
        return Ok(None);
    };
    if mid.holes[0].is_some() {
        return Ok(loop_digit(mid));
    }
    Ok(loops_at(gray, region, LIGHT_INK)?
        .as_ref()
        .and_then(loop_digit)
        .filter(|&d| d == '0'))
}

/// Rule `speck_no_piece`: an ink component with less than one part in `SPECK_SHARE` of the
/// glyph's pixels is noise, not a piece of the crop's print (a 1 beside a 0 has a third of
/// the 0's ink and more; salt noise at 150 dpi leaves specks of 2 to 5 pixels beside a 0 of
/// 50).
const SPECK_SHARE: usize = 8;

/// Analyse the ink of `region` of the 8 bpp `gray` (paper white).  `None` when the crop has
/// no clear ink.
pub fn loops(gray: &Pix, region: Rect) -> Result<Option<Loops>> {
    loops_at(gray, region, 0.5)
}

/// [`loops`] thresholded at `frac` of the way from the crop's darkest ink to its paper.
fn loops_at(gray: &Pix, region: Rect, frac: f32) -> Result<Option<Loops>> {
    let Some(CropInk { ink, w, h, .. }) = crop_ink_at(gray, region, frac)? else {
        return Ok(None);
    };
    // ink components, 8-connected
    let (comps, _) = label(&ink, w, h, true, |v| v);
    let Some(&(_, gbox, gn)) = comps.iter().max_by_key(|c| c.2) else {
        return Ok(None);
    };
    // rule `speck_no_piece`: a speck of noise a few pixels tall beside a small glyph is no
    // piece of it (a 0 nine pixels tall with a speck three pixels tall above it was taken for
    // two glyphs, its loop never looked at); another glyph's ink (the 1 of a 10) is far more
    let pieces = comps
        .iter()
        .filter(|c| c.1.h * 3 >= gbox.h && c.2 * SPECK_SHARE >= gn)
        .count();
    // holes: background components (4-connected) not touching the border, inside the glyph box
    let (bg, _) = label(&ink, w, h, false, |v| !v);
    let mut holes: Vec<(Rect, usize)> = bg
        .iter()
        .filter(|(_, b, n)| {
            b.x > 0
                && b.y > 0
                && b.x1() < w as i32
                && b.y1() < h as i32
                && *n >= 2
                && b.x >= gbox.x
                && b.y >= gbox.y
                && b.x1() <= gbox.x1()
                && b.y1() <= gbox.y1()
        })
        .map(|(_, b, n)| (*b, *n))
        .collect();
    holes.sort_by_key(|h| std::cmp::Reverse(h.1));
    // holes tiny next to the largest are noise (a speck of paper inside a stroke)
    let big = holes.first().map(|h| h.1).unwrap_or(0);
    holes.retain(|h| h.1 * 4 >= big);
    Ok(Some(Loops {
        glyph: gbox,
        holes: [holes.first().map(|h| h.0), holes.get(1).map(|h| h.0)],
        hole_area: big,
        pieces,
    }))
}

/// Share of a glyph's rows above its foot, and of the rows of its middle band, that hold only
/// its stem for a 1 (the flag at the top takes the rest; a speck touching the stem
/// a few more; a 4's diagonal, a 2's or a 7's slanted stroke leave far fewer).
const STEM_ROWS: f32 = 0.6;

/// Whether the ink of `region` of the 8 bpp `gray` is one glyph shaped like a 1: one vertical
/// stroke, thin next to its height, that holds most rows of the glyph's middle band alone
/// (a 4's diagonal, a 7's bar or the bowls of other digits add ink beside it), with nothing
/// to the right of the stem above its foot (a 7's bar, a 4's arm), a foot (if any) on both
/// sides, and no enclosed hole.
/// Thresholded like [`loops`], on the crop's own ink level.  For thin faint 1s the recogniser
/// reads as nothing.
pub fn stem_one(gray: &Pix, region: Rect) -> Result<bool> {
    stem_one_at(gray, region, 0.5)
}

/// Where between the crop's darkest ink (0) and its paper (1) [`firm_one`] thresholds a
/// second time.
const LIGHT_INK: f32 = 0.75;

/// [`stem_one`], and a 1 still when the crop is thresholded near its paper
/// ([`LIGHT_INK`]; strokes there may be thicker): the faint arms of a blurred 3 or 2 whose spine alone is dark fall away at
/// the middle threshold, leaving a stem and a flag, but come back at the light one.  For a
/// glyph the recogniser read as another digit.
pub fn firm_one(gray: &Pix, region: Rect) -> Result<bool> {
    Ok(stem_one_at(gray, region, 0.5)? && stem_one_at(gray, region, LIGHT_INK)?)
}

/// [`stem_one`] at threshold `frac` of the way from the crop's darkest ink to its paper.
fn stem_one_at(gray: &Pix, region: Rect, frac: f32) -> Result<bool> {
    let Some(CropInk { ink, w, h, t }) = crop_ink_at(gray, region, frac)? else {
        return Ok(false);
    };
    let (comps, labels) = label(&ink, w, h, true, |v| v);
    let Some(&(gl, g, _)) = comps.iter().max_by_key(|c| c.2) else {
        return Ok(false);
    };
    if g.h < 8 || g.w > g.h || comps.iter().filter(|c| c.1.h * 3 >= g.h).count() != 1 {
        return Ok(false);
    }
    // no hole inside the glyph
    let (bg, _) = label(&ink, w, h, false, |v| !v);
    if bg
        .iter()
        .any(|(_, b, n)| *n >= 2 && b.x > g.x && b.y > g.y && b.x1() < g.x1() && b.y1() < g.y1())
    {
        return Ok(false);
    }
    // the glyph's own pixels (its largest component), row by row: (first, last) ink column
    let mine: Vec<bool> = labels.iter().map(|&l| l == Some(gl)).collect();
    let rows: Vec<(i32, i32)> = (g.y..g.y1())
        .filter_map(|y| {
            let xs: Vec<i32> = (g.x..g.x1())
                .filter(|&x| mine[y as usize * w + x as usize])
                .collect();
            Some((*xs.first()?, *xs.last()?))
        })
        .collect();
    if rows.len() < g.h as usize * 3 / 4 {
        return Ok(false);
    }
    // the stem: the most common row run
    let mut widths: Vec<i32> = rows.iter().map(|(a, b)| b - a + 1).collect();
    widths.sort_unstable();
    let stem_w = widths[widths.len() / 2];
    let mut rights: Vec<i32> = rows.iter().map(|r| r.1).collect();
    rights.sort_unstable();
    let stem_right = rights[rights.len() / 2];
    let stem_left = stem_right - stem_w + 1;
    // thin next to its height (printed 1s: a fifth at most; a blurred 0 or a blob seen as a
    // bar is stubbier)
    // (at the light threshold blur thickens every stroke, up to a third of the height)
    if stem_w * if frac <= 0.5 { 5 } else { 3 } > g.h {
        return Ok(false);
    }
    let slack = (stem_w / 2).max(1);
    let on_stem = |(a, b): (i32, i32)| a >= stem_left - slack && b <= stem_right + slack;
    // middle band (30% .. 75% of the height): mostly the stem alone
    let band: Vec<(i32, i32)> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| *i * 100 >= rows.len() * 30 && *i * 100 < rows.len() * 75)
        .map(|(_, &r)| r)
        .collect();
    let band_ok =
        band.iter().filter(|&&r| on_stem(r)).count() as f32 >= STEM_ROWS * band.len() as f32;
    // above the foot (bottom fifth) nothing right of the stem
    let foot = rows.len() * 4 / 5;
    // above the foot (checked on its own below): mostly the stem alone, the flag the rest
    let stem_rows = rows[..foot].iter().filter(|&&r| on_stem(r)).count();
    let right_clear = rows[..foot].iter().all(|r| r.1 <= stem_right + slack);
    // a foot, when there is one, reaches both ways (the half of a 0 left by faint print, a
    // ')', curls back one way only)
    let left_foot = rows[foot..]
        .iter()
        .map(|r| stem_left - r.0)
        .max()
        .unwrap_or(0);
    let right_foot = rows[foot..]
        .iter()
        .map(|r| r.1 - stem_right)
        .max()
        .unwrap_or(0);
    let foot_ok = left_foot <= slack || right_foot > slack;
    if crate::ocr::debug_on() {
        tracing::debug!(
            "stem_one {region:?}: t {t} glyph {g:?} rows {rows:?} stem {stem_left}..{stem_right} stem_rows {stem_rows} band_ok {band_ok} right_clear {right_clear} foot_ok {foot_ok}"
        );
    }
    Ok(stem_rows as f32 >= STEM_ROWS * foot as f32 && band_ok && right_clear && foot_ok)
}

/// Share of the rows of a glyph's middle band that a stem column must hold ink on.
const STEM_COLUMN: f32 = 0.9;

/// The digits of one ink component that holds several upright stems side by side (1s whose
/// serif feet or flags blur into one blob: 111 printed in a serif font, or 11 under a seal
/// ring): the slices of `region` (page pixels) between the midpoints of the gaps separating
/// the stems, left to right, each to be tested with [`stem_one`].  When the crop's own
/// threshold already parts the ink into glyph-high components side by side (the page's
/// threshold joined them), the slices are cut between those.  Otherwise `None` unless the
/// crop's largest component has no enclosed hole (a 0, an 8, a closed 4), at least two thin stems
/// (columns inked on [`STEM_COLUMN`] of the rows of its middle band, 30% to 75% of its
/// height), and middle-band rows that, for the most part ([`STEM_ROWS`]), hold nothing but
/// those stems (a 4's diagonal, a 7's slanted stroke or a 2's bowl add ink between them).
pub fn stem_split(gray: &Pix, region: Rect) -> Result<Option<Vec<Rect>>> {
    let Some(r) = region.clip(gray.width(), gray.height()) else {
        return Ok(None);
    };
    let Some(CropInk { ink, w, h, .. }) = crop_ink(gray, r)? else {
        return Ok(None);
    };
    let (comps, labels) = label(&ink, w, h, true, |v| v);
    let Some(&(gl, g, _)) = comps.iter().max_by_key(|c| c.2) else {
        return Ok(None);
    };
    if g.h < 8 {
        return Ok(None);
    }
    // the crop's own threshold may already part what the page's joined: cut between the parts
    let mut parts: Vec<Rect> = comps
        .iter()
        .filter(|c| c.1.h * 3 >= g.h)
        .map(|c| c.1)
        .collect();
    if parts.len() > 1 {
        parts.sort_by_key(|p| p.x);
        if parts.windows(2).any(|p| p[1].x <= p[0].x1()) {
            return Ok(None);
        }
        return Ok(Some(slices(
            r,
            parts.windows(2).map(|p| (p[0].x1() + p[1].x) / 2),
        )));
    }
    let (bg, _) = label(&ink, w, h, false, |v| !v);
    if bg
        .iter()
        .any(|(_, b, n)| *n >= 2 && b.x > g.x && b.y > g.y && b.x1() < g.x1() && b.y1() < g.y1())
    {
        return Ok(None);
    }
    let mine = |x: i32, y: i32| labels[y as usize * w + x as usize] == Some(gl);
    let (b0, b1) = (g.y + g.h * 30 / 100, g.y + g.h * 75 / 100);
    let band = (b1 - b0).max(1);
    let stem_col: Vec<bool> = (g.x..g.x1())
        .map(|x| (b0..b1).filter(|&y| mine(x, y)).count() as f32 >= STEM_COLUMN * band as f32)
        .collect();
    let mut stems: Vec<(i32, i32)> = Vec::new();
    for (i, &s) in stem_col.iter().enumerate() {
        let x = g.x + i as i32;
        match stems.last_mut() {
            Some(last) if s && last.1 == x - 1 => last.1 = x,
            _ if s => stems.push((x, x)),
            _ => {}
        }
    }
    if stems.len() < 2 || stems.iter().any(|(a, b)| (b - a + 1) * 5 > g.h) {
        return Ok(None);
    }
    // the stems stand apart: a gap at least as wide as a stem between each two
    let stem_w = stems.iter().map(|(a, b)| b - a + 1).max().unwrap_or(1);
    if stems.windows(2).any(|p| p[1].0 - p[0].1 - 1 < stem_w) {
        return Ok(None);
    }
    let slack = (stem_w / 2).max(1);
    let only_stems = (b0..b1)
        .filter(|&y| {
            (g.x..g.x1()).all(|x| {
                !mine(x, y) || stems.iter().any(|&(a, b)| x >= a - slack && x <= b + slack)
            })
        })
        .count();
    if (only_stems as f32) < STEM_ROWS * band as f32 {
        return Ok(None);
    }
    let out = slices(r, stems.windows(2).map(|p| (p[0].1 + p[1].0 + 1) / 2));
    if crate::ocr::debug_on() {
        tracing::debug!("stem_split {region:?}: glyph {g:?} stems {stems:?} slices {out:?}");
    }
    Ok(Some(out))
}

/// `r` cut into upright slices at `cuts` (x offsets into `r`, increasing).
fn slices(r: Rect, cuts: impl Iterator<Item = i32>) -> Vec<Rect> {
    let mut xs = vec![0];
    xs.extend(cuts);
    xs.push(r.w);
    xs.windows(2)
        .map(|c| Rect::new(r.x + c[0], r.y, c[1] - c[0], r.h))
        .collect()
}

/// The ink of a crop on its own threshold, halfway between its darkest ink and its paper
/// (which follows faint print that a page-wide threshold breaks).
struct CropInk {
    /// Row-major, `w` x `h`: darker than `t`.
    ink: Vec<bool>,
    w: usize,
    h: usize,
    t: i32,
}

/// [`CropInk`] of `region` of the 8 bpp `gray` (paper white); `None` when the crop is under
/// 3 px either way or has no clear ink (less than 40 levels between ink and paper).
fn crop_ink(gray: &Pix, region: Rect) -> Result<Option<CropInk>> {
    crop_ink_at(gray, region, 0.5)
}

/// [`crop_ink`] thresholded at `frac` of the way from the darkest ink to the paper.
fn crop_ink_at(gray: &Pix, region: Rect, frac: f32) -> Result<Option<CropInk>> {
    let Some(r) = region.clip(gray.width(), gray.height()) else {
        return Ok(None);
    };
    let bytes = gray.clip(r)?.gray_bytes()?;
    let (w, h) = (r.w as usize, r.h as usize);
    if w < 3 || h < 3 {
        return Ok(None);
    }
    let mut sorted = bytes.clone();
    sorted.sort_unstable();
    let dark = sorted[sorted.len() / 200] as i32;
    let paper = sorted[sorted.len() / 2] as i32;
    if paper - dark < 40 {
        return Ok(None);
    }
    let t = dark + ((paper - dark) as f32 * frac).round() as i32;
    Ok(Some(CropInk {
        ink: bytes.iter().map(|&b| (b as i32) < t).collect(),
        w,
        h,
        t,
    }))
}

/// Connected components: (label, box, pixel count) each.
pub(crate) type Components = Vec<(usize, Rect, usize)>;

/// Connected components of the pixels where `pick(ink)` holds, and each pixel's label (`None`
/// where `pick` does not hold).
pub(crate) fn label(
    ink: &[bool],
    w: usize,
    h: usize,
    eight: bool,
    pick: impl Fn(bool) -> bool,
) -> (Components, Vec<Option<usize>>) {
    let mut labels: Vec<Option<usize>> = vec![None; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if labels[start].is_some() || !pick(ink[start]) {
            continue;
        }
        let id = out.len();
        labels[start] = Some(id);
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1, mut n) = (w, h, 0, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            n += 1;
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    if (dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0) {
                        continue;
                    }
                    let (nx, ny) = (x as i32 + dx, y as i32 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i32 || ny >= h as i32 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if labels[j].is_none() && pick(ink[j]) {
                        labels[j] = Some(id);
                        stack.push(j);
                    }
                }
            }
        }
        out.push((
            id,
            Rect::new(
                x0 as i32,
                y0 as i32,
                (x1 - x0 + 1) as i32,
                (y1 - y0 + 1) as i32,
            ),
            n,
        ));
    }
    (out, labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_six_with_a_hole_taller_than_its_bowl_is_tall_hole_unlike() {
        // a blurred 0 at 200 dpi, 16 px tall, its hole 9 rows starting a third down (a speck
        // on its top stroke): loop_digit shows no 0, and it was read as a 6 at 0.95
        let zero = Loops {
            glyph: Rect::new(10, 10, 11, 16),
            holes: [Some(Rect::new(14, 15, 4, 9)), None],
            hole_area: 32,
            pieces: 1,
        };
        assert_eq!(loop_digit(&zero), None);
        assert!(tall_hole_unlike(&zero, '6'));
        assert!(tall_hole_unlike(&zero, '9'));
        // must not: a 6's bowl (its lower half)
        let six = Loops {
            glyph: Rect::new(10, 10, 11, 16),
            holes: [Some(Rect::new(13, 19, 5, 5)), None],
            hole_area: 20,
            pieces: 1,
        };
        assert!(!tall_hole_unlike(&six, '6'));
        // nor a reading other than 6 or 9 (an 0 or an 8 have tall holes of their own)
        assert!(!tall_hole_unlike(&zero, '0'));
        assert!(!tall_hole_unlike(&zero, '8'));
        // nor two holes (an 8)
        let eight = Loops {
            holes: [Some(Rect::new(14, 12, 4, 5)), Some(Rect::new(14, 19, 4, 5))],
            ..zero
        };
        assert!(!tall_hole_unlike(&eight, '6'));
    }

    /// A 40x40 white image with the pixels where `ink(x, y)` holds black.
    fn draw(ink: impl Fn(f32, f32) -> bool) -> Pix {
        let (w, h) = (40u32, 40u32);
        let bytes: Vec<u8> = (0..w * h)
            .map(|i| {
                if ink((i % w) as f32, (i / w) as f32) {
                    0
                } else {
                    255
                }
            })
            .collect();
        Pix::from_gray(w, h, &bytes).unwrap()
    }

    /// Inside an elliptic ring centred at (cx, cy) with radii (rx, ry) and stroke `t`.
    fn ring(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32, t: f32) -> bool {
        let outer = ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0;
        let inner = ((x - cx) / (rx - t)).powi(2) + ((y - cy) / (ry - t)).powi(2) <= 1.0;
        outer && !inner
    }

    fn digit(p: &Pix) -> Option<char> {
        loops(p, Rect::new(0, 0, 40, 40))
            .unwrap()
            .as_ref()
            .and_then(loop_digit)
    }

    #[test]
    fn a_zero_open_at_its_thin_top_is_a_zero_near_the_paper() {
        // an oval ring, dark (20) but for a stretch at its top right at `top_right`
        let ring_with = |top_right: u8| {
            draw_gray(move |x, y| {
                if !ring(x, y, 20.0, 20.0, 7.0, 11.0, 2.5) {
                    255
                } else if y < 13.0 && x > 19.0 {
                    top_right
                } else {
                    20
                }
            })
        };
        let r = Rect::new(0, 0, 40, 40);
        // light there (150): open at the middle threshold, closed near the paper
        let zero = ring_with(150);
        assert_eq!(digit(&zero), None);
        let shown = |img: &Pix| loop_shown(loops(img, r).unwrap().as_ref(), img, r).unwrap();
        assert_eq!(shown(&zero), Some('0'));
        // must not: the same ring with the stretch missing altogether (a 6 or a C)
        assert_eq!(shown(&ring_with(255)), None);
    }

    #[test]
    fn a_speck_beside_a_small_zero_is_no_piece_of_it() {
        // a 0 ten pixels tall (150 dpi, 7.5 pt) with a speck four pixels tall above it
        let zero = |x: f32, y: f32| ring(x, y, 20.0, 20.0, 4.0, 5.0, 1.6);
        let speck = |x: f32, y: f32| (30.0..=30.9).contains(&x) && (6.0..=9.9).contains(&y);
        assert_eq!(digit(&draw(|x, y| zero(x, y) || speck(x, y))), Some('0'));
        // must not: a 1 as tall as the 0 beside it (a 10) is a piece, so no single 0
        let one = |x: f32, y: f32| (10.0..=11.9).contains(&x) && (15.0..=25.0).contains(&y);
        assert_eq!(digit(&draw(|x, y| zero(x, y) || one(x, y))), None);
    }

    #[test]
    fn a_short_centred_loop_is_a_zero_in_doubt() {
        // a small blurred 0 at the crop's middle threshold: a 8 x 9 blob, a 2 x 4 hole in
        // its middle (from a 150 dpi scan)
        let blob = |x: f32, y: f32| (10.0..18.0).contains(&x) && (10.0..19.0).contains(&y);
        let hole = |x: f32, y: f32| (13.0..15.0).contains(&x) && (13.0..17.0).contains(&y);
        let l = |p: &Pix| loops(p, Rect::new(0, 0, 40, 40)).unwrap().unwrap();
        let zero = l(&draw(|x, y| blob(x, y) && !hole(x, y)));
        assert_eq!(loop_digit(&zero), None);
        assert!(short_loop_zero(&zero));
        // must not: the hole high in the blob (a 9), or two holes (an 8), or none
        let high = |x: f32, y: f32| (13.0..15.0).contains(&x) && (11.0..14.0).contains(&y);
        assert!(!short_loop_zero(&l(
            &draw(|x, y| blob(x, y) && !high(x, y))
        )));
        let low = |x: f32, y: f32| (13.0..15.0).contains(&x) && (15.0..18.0).contains(&y);
        let eight = draw(|x, y| blob(x, y) && !high(x, y) && !low(x, y));
        assert!(!short_loop_zero(&l(&eight)));
        assert!(!short_loop_zero(&l(&draw(blob))));
    }

    #[test]
    fn an_oval_loop_is_a_zero() {
        let zero = draw(|x, y| ring(x, y, 20.0, 20.0, 7.0, 11.0, 2.5));
        assert_eq!(digit(&zero), Some('0'));
    }

    #[test]
    fn a_loop_with_a_tail_is_not_a_zero() {
        // a 9: a small loop at the top, a stem down its right side
        let nine = draw(|x, y| {
            ring(x, y, 20.0, 15.0, 7.0, 6.0, 2.5)
                || ((24.5..=27.0).contains(&x) && (15.0..=31.0).contains(&y))
        });
        assert_eq!(digit(&nine), Some('9'));
        // a 4 with a closed triangle: its hole is no oval
        let four = draw(|x, y| {
            let stem = (22.0..=25.0).contains(&x) && (9.0..=31.0).contains(&y);
            let bar = (12.0..=28.0).contains(&x) && (23.0..=25.5).contains(&y);
            // the diagonal from the stem's top to the bar's left end
            let d = (x - 12.0) * 14.0 + (y - 23.0) * 10.0;
            let diag = d.abs() <= 2.5 * (14.0f32.hypot(10.0))
                && (12.0..=25.0).contains(&x)
                && (9.0..=25.0).contains(&y);
            stem || bar || diag
        });
        assert_ne!(digit(&four), Some('0'));
    }

    fn is_one(p: &Pix) -> bool {
        stem_one(p, Rect::new(0, 0, 40, 40)).unwrap()
    }

    #[test]
    fn a_thin_upright_stroke_is_a_one() {
        let stem = |x: f32, y: f32| (19.0..=21.0).contains(&x) && (8.0..=31.0).contains(&y);
        let flag = |x: f32, y: f32| {
            (8.0..=12.0).contains(&y) && (15.0..=21.0).contains(&x) && (x - 15.0) >= (y - 8.0) * 1.2
        };
        let foot = |x: f32, y: f32| (30.0..=31.0).contains(&y) && (15.0..=25.0).contains(&x);
        assert!(is_one(&draw(|x, y| stem(x, y) || flag(x, y) || foot(x, y))));
        // a speck of noise touching its stem halfway down
        assert!(is_one(&draw(|x, y| stem(x, y)
            || flag(x, y)
            || foot(x, y)
            || ((16.0..=18.5).contains(&x) && (18.0..=21.0).contains(&y)))));
    }

    #[test]
    fn other_digits_are_no_one() {
        // a 7: a bar at the top, a slanted stroke down
        let seven = draw(|x, y| {
            ((8.0..=10.5).contains(&y) && (12.0..=27.0).contains(&x))
                || ((y - 8.0) >= 0.0 && y <= 31.0 && ((27.0 - (y - 8.0) * 0.3) - x).abs() <= 1.3)
        });
        assert!(!is_one(&seven));
        // a 4 with an open top: a diagonal into a bar, a stem on the right
        let four = draw(|x, y| {
            let stem = (23.0..=25.0).contains(&x) && (8.0..=31.0).contains(&y);
            let bar = (12.0..=28.0).contains(&x) && (23.0..=25.0).contains(&y);
            let diag = (8.0..=24.0).contains(&y) && ((23.0 - (y - 8.0) * 0.7) - x).abs() <= 1.2;
            stem || bar || diag
        });
        assert!(!is_one(&four));
        let zero = draw(|x, y| ring(x, y, 20.0, 20.0, 7.0, 11.0, 2.5));
        assert!(!is_one(&zero));
        // a dash
        assert!(!is_one(&draw(
            |x, y| (18.0..=20.0).contains(&y) && (12.0..=28.0).contains(&x)
        )));
        // the right half of a faint 0: a ')'
        assert!(!is_one(&draw(|x, y| ring(
            x, y, 20.0, 20.0, 7.0, 11.0, 2.5
        ) && x >= 23.0)));
        // a stubby bar (a blurred blob)
        assert!(!is_one(&draw(
            |x, y| (18.0..=22.0).contains(&x) && (12.0..=27.0).contains(&y)
        )));
    }

    /// A 40x40 image of gray levels `level(x, y)`.
    fn draw_gray(level: impl Fn(f32, f32) -> u8) -> Pix {
        let (w, h) = (40u32, 40u32);
        let bytes: Vec<u8> = (0..w * h)
            .map(|i| level((i % w) as f32, (i / w) as f32))
            .collect();
        Pix::from_gray(w, h, &bytes).unwrap()
    }

    #[test]
    fn a_spine_with_faint_arms_is_no_firm_one() {
        // a blurred 3 whose spine alone is dark: at the middle threshold only the spine is ink
        let three = draw_gray(|x, y| {
            let spine = (23.0..=25.0).contains(&x) && (8.0..=31.0).contains(&y);
            let arm = |y0: f32| (y0..=y0 + 2.0).contains(&y) && (13.0..23.0).contains(&x);
            if spine {
                0
            } else if arm(8.0) || arm(19.0) || arm(29.0) {
                170
            } else {
                255
            }
        });
        assert!(stem_one(&three, Rect::new(0, 0, 40, 40)).unwrap());
        assert!(!firm_one(&three, Rect::new(0, 0, 40, 40)).unwrap());
        // a 1 blurred a little all round stays one
        let one = draw_gray(|x, y| {
            let stem = (19.0..=21.0).contains(&x) && (8.0..=31.0).contains(&y);
            let flag = (8.0..=12.0).contains(&y)
                && (15.0..=21.0).contains(&x)
                && (x - 15.0) >= (y - 8.0) * 1.2;
            let foot = (30.0..=31.0).contains(&y) && (15.0..=25.0).contains(&x);
            let halo = (18.0..=22.0).contains(&x) && (7.0..=32.0).contains(&y);
            if stem || flag || foot {
                0
            } else if halo {
                200
            } else {
                255
            }
        });
        assert!(firm_one(&one, Rect::new(0, 0, 40, 40)).unwrap());
    }

    #[test]
    fn ones_joined_at_their_feet_split_into_stems() {
        // 11 in a serif font, the feet running into one bar
        let one_at = |x: f32, y: f32, cx: f32| {
            let stem = (cx - 1.0..=cx + 1.0).contains(&x) && (8.0..=31.0).contains(&y);
            let flag = (8.0..=11.0).contains(&y)
                && x >= cx - 5.0
                && x <= cx + 1.0
                && (x - (cx - 5.0)) >= (y - 8.0) * 1.5;
            stem || flag
        };
        let eleven = draw(|x, y| {
            one_at(x, y, 13.0)
                || one_at(x, y, 27.0)
                || ((30.0..=31.0).contains(&y) && (9.0..=31.0).contains(&x))
        });
        let pieces = stem_split(&eleven, Rect::new(0, 0, 40, 40))
            .unwrap()
            .expect("two stems");
        assert_eq!(pieces.len(), 2);
        assert!(pieces.iter().all(|p| stem_one(&eleven, *p).unwrap()));
        // a 0 has a hole; a U (a 0 broken at the top) has its stems, but its halves curl
        // towards each other
        let zero = draw(|x, y| ring(x, y, 20.0, 20.0, 7.0, 11.0, 2.5));
        assert_eq!(stem_split(&zero, Rect::new(0, 0, 40, 40)).unwrap(), None);
        let u = draw(|x, y| ring(x, y, 20.0, 20.0, 7.0, 11.0, 2.5) && y >= 14.0);
        if let Some(pieces) = stem_split(&u, Rect::new(0, 0, 40, 40)).unwrap() {
            assert!(!pieces.iter().all(|p| stem_one(&u, *p).unwrap()));
        }
        // 111 that the crop's own threshold parts (the page's joined it): one slice per glyph
        let parted = draw(|x, y| one_at(x, y, 9.0) || one_at(x, y, 20.0) || one_at(x, y, 31.0));
        let pieces = stem_split(&parted, Rect::new(0, 0, 40, 40))
            .unwrap()
            .expect("three parts");
        assert_eq!(pieces.len(), 3);
        assert!(pieces.iter().all(|p| stem_one(&parted, *p).unwrap()));
        // one 1 alone is no blob of stems
        assert_eq!(
            stem_split(&draw(|x, y| one_at(x, y, 20.0)), Rect::new(0, 0, 40, 40)).unwrap(),
            None
        );
    }

    #[test]
    fn blank_or_broken_ink_says_nothing() {
        let blank = draw(|_, _| false);
        assert_eq!(digit(&blank), None);
        // a 0 broken at top and bottom by faint print: two strokes, no hole
        let broken = draw(|x, y| ring(x, y, 20.0, 20.0, 7.0, 11.0, 2.5) && (y - 20.0).abs() < 7.0);
        assert_eq!(digit(&broken), None);
    }
}

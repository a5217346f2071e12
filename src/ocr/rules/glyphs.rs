//! Digits read by matching against the page's own print.  On a light, small, speckled scan
//! (150 dpi, digits 11 px tall) Tesseract misses thin 1s (`31` read `3`, `11` read `1`), reads
//! digits that touch as one (`30` read `0`), and takes a speck in a 0's hole for a 6 or a 4;
//! enlarging or re-reading does not help (the glyphs have too few pixels for its features).
//! The same page prints the same font many times over, and most of its numbers are read
//! with certainty: those readings are samples of how each digit looks on this page.  A cell
//! whose reading is in doubt is then read by comparing its glyphs with them (normalised
//! cross-correlation of the ink, scaled to one height, keeping each glyph's width), digits that
//! touch split where the two halves best match two samples.
//!
//! Only a reading in doubt is looked at again ([`GlyphMatcher::read`] is called for them), and
//! the result is itself a reading in doubt: the caller keeps it below `verify::LOW`, so that it
//! is flagged unless the template's arithmetic confirms it, with Tesseract's reading as an
//! alternative.

use crate::ocr::lept::{Pix, Rect};
use anyhow::Result;

/// Feature canvas: glyphs are scaled to `FH` rows, their width kept (centred in `FW` columns).
const FH: usize = 16;
const FW: usize = 24;

/// Samples kept per digit (the first ones seen: a page has dozens of 0s).
const MAX_SAMPLES: usize = 24;

/// Lowest correlation of every glyph with its best sample for a matched reading that only
/// adds digits to the recogniser's (the glyphs it left out: `3` -> `31`).
const MIN_SCORE_FOUND: f32 = 0.8;

/// Lowest correlation for a matched reading that contradicts the recogniser's, or gives a
/// number where it read none.
const MIN_SCORE_OTHER: f32 = 0.9;

/// Lowest lead of a glyph's best digit over the best other digit.
const MIN_MARGIN: f32 = 0.04;

impl Matched {
    /// Whether this matched reading is to replace the recogniser's `reading`: it is sure
    /// enough, and surer when it contradicts it than when it finds digits the recogniser
    /// left out (the recogniser's digits are a subsequence of the matched ones).
    pub fn replaces(&self, reading: &str) -> bool {
        // (the same digits with a separator or a stray mark: nothing the matcher can add)
        let digits: String = reading.chars().filter(|c| c.is_ascii_digit()).collect();
        if self.text == digits || self.margin < MIN_MARGIN {
            return false;
        }
        let found = !reading.is_empty()
            && reading.chars().all(|c| c.is_ascii_digit())
            && self.text.len() > reading.len()
            && {
                let mut it = self.text.chars();
                reading.chars().all(|c| it.any(|m| m == c))
            };
        self.score
            >= if found {
                MIN_SCORE_FOUND
            } else {
                MIN_SCORE_OTHER
            }
    }
}

/// Inkiness (0 paper .. 1 the crop's darkest print) from which a pixel is a glyph's: low, so
/// that the faint diagonal of a 4 or the bowl of a 9 stays with its glyph.
const INKED: f32 = 0.35;

/// What splitting a run of ink into one more glyph costs in correlation.
const SPLIT_COST: f32 = 0.06;

/// Fewest samples of a print size to read by.
const MIN_SAMPLES: usize = 10;

/// Most glyphs a matched number has.
const MAX_GLYPHS: usize = 5;

/// The ink of a crop: levels as inkiness 0 (paper) .. 1 (darkest print), and the glyphs as
/// runs of inked columns.
pub(super) struct Ink {
    /// Row-major inkiness, `w` x `h`.
    v: Vec<f32>,
    w: usize,
    h: usize,
    /// Glyph boxes (crop pixels), left to right: runs of columns holding ink, each with the
    /// rows its ink spans.
    pub(super) runs: Vec<Rect>,
}

/// A pixel much darker than all eight of its neighbours is a speck (scanner dust, a JPEG
/// spike), never print: print is at least two pixels across.  Replaced by its neighbours'
/// median.
fn despeckle(b: &mut [u8], w: usize, h: usize) {
    const SPIKE: i32 = 60;
    let src = b.to_vec();
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let p = src[y * w + x] as i32;
            let mut nb = [0u8; 8];
            let mut k = 0;
            for dy in [-1i32, 0, 1] {
                for dx in [-1i32, 0, 1] {
                    if dx != 0 || dy != 0 {
                        nb[k] = src[(y as i32 + dy) as usize * w + (x as i32 + dx) as usize];
                        k += 1;
                    }
                }
            }
            if nb.iter().all(|&n| n as i32 >= p + SPIKE) {
                nb.sort_unstable();
                b[y * w + x] = nb[4];
            }
        }
    }
}

/// A piece of ink whose width and height are both under the tallest piece's height divided by
/// this is a speck (salt noise, JPEG ringing: 2 x 3 px beside a 14 px 0 at 165 dpi), no glyph
/// nor part of one: counted as a glyph it unpairs a cell's digits from its ink, so the cell
/// neither teaches nor votes.  A 1 is as tall as the tallest, the bar of a broken 5 or 7 about
/// half a glyph wide.
const SPECK_SHARE: i32 = 3;

/// The ink of `region` of the 8 bpp `gray`; `None` when it has no clear ink.
pub(super) fn ink(gray: &Pix, region: Rect) -> Result<Option<Ink>> {
    let Some(r) = region.clip(gray.width(), gray.height()) else {
        return Ok(None);
    };
    let (w, h) = (r.w as usize, r.h as usize);
    if w < 4 || h < 4 {
        return Ok(None);
    }
    let mut b = gray.clip(r)?.gray_bytes()?;
    despeckle(&mut b, w, h);
    let mut sorted = b.clone();
    sorted.sort_unstable();
    let dark = sorted[sorted.len() / 100] as f32;
    let paper = sorted[sorted.len() / 2] as f32;
    if paper - dark < 40.0 {
        return Ok(None);
    }
    let v: Vec<f32> = b
        .iter()
        .map(|&p| ((paper - p as f32) / (paper - dark)).clamp(0.0, 1.0))
        .collect();
    let mask: Vec<bool> = v.iter().map(|&x| x >= INKED).collect();
    let (comps, labels) = crate::ocr::shape::label(&mask, w, h, true, |m| m);
    // glyph pieces: not specks, on the line of the tallest pieces
    let tallest = comps
        .iter()
        .filter(|c| c.2 >= 3)
        .map(|c| c.1.h)
        .max()
        .unwrap_or(0);
    if tallest < 6 {
        return Ok(None);
    }
    let band =
        Rect::hull(comps.iter().filter(|c| c.1.h * 2 >= tallest).map(|c| c.1)).unwrap_or_default();
    let (by0, by1) = (band.y, band.y1());
    let keep: Vec<bool> = comps
        .iter()
        .map(|(_, r, n)| {
            *n >= 3 && r.y < by1 && r.y1() > by0 && r.w.max(r.h) * SPECK_SHARE >= tallest
        })
        .collect();
    let mine = |x: usize, y: usize| labels[y * w + x].is_some_and(|l| keep[l]);
    let mut runs = Vec::new();
    let mut x = 0;
    while x < w {
        if !(0..h).any(|y| mine(x, y)) {
            x += 1;
            continue;
        }
        let x0 = x;
        while x < w && (0..h).any(|y| mine(x, y)) {
            x += 1;
        }
        let ys: Vec<usize> = (0..h).filter(|&y| (x0..x).any(|xx| mine(xx, y))).collect();
        let (y0, y1) = (ys[0], ys[ys.len() - 1] + 1);
        runs.push(Rect::new(
            x0 as i32,
            y0 as i32,
            (x - x0) as i32,
            (y1 - y0) as i32,
        ));
    }
    Ok(Some(Ink { v, w, h, runs }))
}

/// The feature vector of the glyph in columns `x0..x1` of `ink` (its rows found there):
/// inkiness scaled to `FH` rows, width kept, centred; zero mean, unit norm.
pub(super) fn features(ink: &Ink, x0: usize, x1: usize) -> Option<Vec<f32>> {
    let rows: Vec<usize> = (0..ink.h)
        .filter(|&y| (x0..x1).any(|x| ink.v[y * ink.w + x] >= INKED))
        .collect();
    let (y0, y1) = (*rows.first()?, *rows.last()? + 1);
    let gh = (y1 - y0) as f32;
    if gh < 6.0 {
        return None;
    }
    let s = FH as f32 / gh;
    let gw = (x1 - x0) as f32 * s;
    if gw > FW as f32 {
        return None;
    }
    let ox = (FW as f32 - gw) / 2.0;
    let at = |x: f32, y: f32| -> f32 {
        // bilinear, zero outside the glyph's columns
        let (xf, yf) = (x.floor(), y.floor());
        let (fx, fy) = (x - xf, y - yf);
        let px = |xi: i32, yi: i32| -> f32 {
            if xi < x0 as i32 || xi >= x1 as i32 || yi < 0 || yi >= ink.h as i32 {
                0.0
            } else {
                ink.v[yi as usize * ink.w + xi as usize]
            }
        };
        let (xi, yi) = (xf as i32, yf as i32);
        px(xi, yi) * (1.0 - fx) * (1.0 - fy)
            + px(xi + 1, yi) * fx * (1.0 - fy)
            + px(xi, yi + 1) * (1.0 - fx) * fy
            + px(xi + 1, yi + 1) * fx * fy
    };
    let mut f = vec![0f32; FW * FH];
    for ty in 0..FH {
        for tx in 0..FW {
            let sx = x0 as f32 + (tx as f32 + 0.5 - ox) / s - 0.5;
            let sy = y0 as f32 + (ty as f32 + 0.5) / s - 0.5;
            f[ty * FW + tx] = at(sx, sy);
        }
    }
    let mean = f.iter().sum::<f32>() / f.len() as f32;
    f.iter_mut().for_each(|x| *x -= mean);
    let norm = f.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm < 1e-3 {
        return None;
    }
    f.iter_mut().for_each(|x| *x /= norm);
    Some(f)
}

/// A matched reading: the digits, the lowest best-sample correlation among its glyphs and the
/// smallest lead of a glyph's digit over the next digit.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    pub text: String,
    pub score: f32,
    pub margin: f32,
}

/// Digit samples of one page, and the reader that compares glyphs with them.
#[derive(Default)]
pub struct GlyphMatcher {
    /// Digit, features, glyph height (px).
    samples: Vec<(char, Vec<f32>, i32)>,
}

/// Whether glyph heights `a` and `b` are of one print size (within a quarter): a page may
/// print its tables in two sizes, and a glyph is compared only with samples of its own.
pub(super) fn same_size(a: i32, b: i32) -> bool {
    a * 4 >= b * 3 && a * 4 <= b * 5
}

impl GlyphMatcher {
    /// Learn from a certain reading of `region`: when its glyphs (runs of inked columns) are
    /// as many as its digits, each glyph is a sample of its digit.
    pub fn learn(&mut self, gray: &Pix, region: Rect, reading: &str) -> Result<()> {
        if reading.is_empty() || !reading.chars().all(|c| c.is_ascii_digit()) {
            return Ok(());
        }
        let Some(ink) = ink(gray, region)? else {
            return Ok(());
        };
        if ink.runs.len() != reading.chars().count() {
            return Ok(());
        }
        for (c, r) in reading.chars().zip(&ink.runs) {
            if self
                .samples
                .iter()
                .filter(|s| s.0 == c && same_size(s.2, r.h))
                .count()
                >= MAX_SAMPLES
            {
                continue;
            }
            if let Some(f) = features(&ink, r.x as usize, r.x1() as usize) {
                self.samples.push((c, f, r.h));
            }
        }
        Ok(())
    }

    /// How many samples were learnt.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Best (digit, score) and the best score of any other digit, for the glyph in columns
    /// `x0..x1`.
    fn classify(
        samples: &[&(char, Vec<f32>, i32)],
        ink: &Ink,
        x0: usize,
        x1: usize,
    ) -> Option<(char, f32, f32)> {
        let f = features(ink, x0, x1)?;
        let mut best: [f32; 10] = [f32::NEG_INFINITY; 10];
        for (c, s, _) in samples {
            let d = (*c as u8 - b'0') as usize;
            let score: f32 = f.iter().zip(s).map(|(a, b)| a * b).sum();
            best[d] = best[d].max(score);
        }
        let (d, &top) = best.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
        let second = best
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != d)
            .map(|(_, s)| *s)
            .fold(f32::NEG_INFINITY, f32::max);
        top.is_finite()
            .then_some(((b'0' + d as u8) as char, top, second))
    }

    /// Read `region` by its glyphs: each run of inked columns is one digit, or two or three
    /// that touch (split where the parts best match samples).  `None` when the page has too
    /// few samples or the ink is not a line of digit-sized glyphs; whether the result is sure
    /// enough is [`Matched::replaces`].
    pub fn read(&self, gray: &Pix, region: Rect) -> Result<Option<Matched>> {
        if self.samples.len() < MIN_SAMPLES {
            return Ok(None);
        }
        let Some(ink) = ink(gray, region)? else {
            return Ok(None);
        };
        let Some(tallest) = ink.runs.iter().map(|r| r.h).max() else {
            return Ok(None);
        };
        // enough samples of this print size, and the glyphs all of it (features are scaled
        // to one height: the samples of every size are compared)
        let sized: Vec<i32> = self
            .samples
            .iter()
            .map(|s| s.2)
            .filter(|&h| same_size(h, tallest))
            .collect();
        if sized.len() < MIN_SAMPLES {
            return Ok(None);
        }
        let samples: Vec<&(char, Vec<f32>, i32)> = self.samples.iter().collect();
        let mut hs = sized;
        hs.sort_unstable();
        let typical = hs[hs.len() / 2];
        if ink.runs.len() > MAX_GLYPHS || ink.runs.iter().any(|r| !same_size(r.h, typical)) {
            return Ok(None);
        }
        let debug = crate::ocr::debug_on();
        let mut text = String::new();
        let (mut score, mut margin) = (f32::INFINITY, f32::INFINITY);
        for r in &ink.runs {
            let (x0, x1) = (r.x as usize, r.x1() as usize);
            // one glyph, or two or three touching: the split whose weakest part matches best
            let mut best: Option<(Vec<(char, f32, f32)>, f32)> = None;
            let mut consider = |parts: Vec<(usize, usize)>| {
                let got: Option<Vec<(char, f32, f32)>> = parts
                    .iter()
                    .map(|&(a, b)| Self::classify(&samples, &ink, a, b))
                    .collect();
                if let Some(got) = got {
                    // each extra part must earn its place: touching digits match much
                    // better split, one glyph cut in two does not
                    let worst = got.iter().map(|g| g.1).fold(f32::INFINITY, f32::min)
                        - SPLIT_COST * (got.len() - 1) as f32;
                    if best.as_ref().is_none_or(|b| worst > b.1) {
                        best = Some((got, worst));
                    }
                }
            };
            consider(vec![(x0, x1)]);
            // the narrowest digit (a 1) is about a third of its height
            let min_w = (r.h as usize * 3 / 10).max(2);
            if x1 - x0 >= 2 * min_w {
                for c in x0 + min_w..=x1 - min_w {
                    consider(vec![(x0, c), (c, x1)]);
                }
            }
            if x1 - x0 >= 3 * min_w {
                for c1 in x0 + min_w..=x1 - 2 * min_w {
                    for c2 in c1 + min_w..=x1 - min_w {
                        consider(vec![(x0, c1), (c1, c2), (c2, x1)]);
                    }
                }
            }
            let Some((got, _)) = best else {
                return Ok(None);
            };
            if debug {
                tracing::debug!("  run {r:?}: {got:?}");
            }
            for (c, s, second) in got {
                text.push(c);
                score = score.min(s);
                margin = margin.min(s - second);
            }
        }
        if crate::ocr::debug_on() {
            tracing::debug!(
                "glyph match {region:?}: {text:?} score {score:.2} margin {margin:.2} ({} samples)",
                samples.len()
            );
        }
        Ok(Some(Matched {
            text,
            score,
            margin,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ink of the digit `d` (0, 1 or 7) in a glyph box 12 x 22 at (x, y) of the canvas.
    fn digit_ink(d: char, gx: f32, gy: f32) -> bool {
        match d {
            '0' => {
                let (cx, cy, rx, ry) = (6.0, 11.0, 6.0, 11.0);
                let o = ((gx - cx) / rx).powi(2) + ((gy - cy) / ry).powi(2) <= 1.0;
                let i = ((gx - cx) / (rx - 2.2)).powi(2) + ((gy - cy) / (ry - 2.2)).powi(2) <= 1.0;
                o && !i
            }
            '1' => {
                (4.5..=7.0).contains(&gx) && (0.0..22.0).contains(&gy)
                    || ((20.0..22.0).contains(&gy) && (2.0..=10.0).contains(&gx))
            }
            '7' => {
                ((0.0..2.5).contains(&gy) && (0.0..=12.0).contains(&gx))
                    || ((0.0..22.0).contains(&gy) && (gx - (11.0 - gy * 0.3)).abs() <= 1.2)
            }
            _ => false,
        }
    }

    /// A 120 x 40 gray page with `digits` printed (gray 90 on white 250) from x = 10, each
    /// `advance` px after the last, and dark specks at `specks`.
    fn page(digits: &str, advance: f32, specks: &[(u32, u32)]) -> Pix {
        let (w, h) = (120u32, 40u32);
        let mut b = vec![250u8; (w * h) as usize];
        for (i, d) in digits.chars().enumerate() {
            let ox = 10.0 + i as f32 * advance;
            for y in 0..h {
                for x in 0..w {
                    if digit_ink(d, x as f32 - ox, y as f32 - 9.0) {
                        b[(y * w + x) as usize] = 90;
                    }
                }
            }
        }
        for &(x, y) in specks {
            b[(y * w + x) as usize] = 0;
        }
        Pix::from_gray(w, h, &b).unwrap()
    }

    fn taught() -> GlyphMatcher {
        let mut m = GlyphMatcher::default();
        let all = Rect::new(0, 0, 120, 40);
        for reading in ["0", "1", "7", "10", "70", "17", "701"] {
            m.learn(&page(reading, 16.0, &[]), all, reading).unwrap();
        }
        assert!(m.len() >= MIN_SAMPLES, "{}", m.len());
        m
    }

    #[test]
    fn glyphs_are_read_by_the_pages_own_samples() {
        let m = taught();
        let all = Rect::new(0, 0, 120, 40);
        let read = |p: &Pix| m.read(p, all).unwrap().map(|r| r.text);
        assert_eq!(read(&page("71", 16.0, &[])).as_deref(), Some("71"));
        // a speck in the hole of a 0 (read as 6 or 4 by the recogniser) is no part of it
        let speckled = page("0", 16.0, &[(16, 15)]);
        let got = m.read(&speckled, all).unwrap().unwrap();
        assert_eq!(got.text, "0");
        assert!(got.replaces("6"));
        // a 1 and a 0 printed touching: one run of ink, split where both halves match
        let touching = page("10", 11.0, &[]);
        assert_eq!(ink(&touching, all).unwrap().unwrap().runs.len(), 1);
        let got = m.read(&touching, all).unwrap().unwrap();
        assert_eq!(got.text, "10");
        assert!(got.replaces("0"), "{got:?}");
    }

    #[test]
    fn specks_beside_a_glyph_are_no_glyph() {
        let all = Rect::new(0, 0, 120, 40);
        // fires: a 2 x 2 speck on the 0's line, clear of it
        let specks = [(40, 20), (41, 20), (40, 21), (41, 21)];
        let runs = ink(&page("0", 16.0, &specks), all).unwrap().unwrap().runs;
        assert_eq!(runs.len(), 1, "{runs:?}");
        // must not: a 1 beside the 0 (narrow, but as tall) is a glyph
        let runs = ink(&page("10", 16.0, &[]), all).unwrap().unwrap().runs;
        assert_eq!(runs.len(), 2, "{runs:?}");
    }

    #[test]
    fn a_matched_reading_must_be_surer_to_contradict_than_to_complete() {
        let m = |text: &str, score: f32| Matched {
            text: text.into(),
            score,
            margin: 0.1,
        };
        // the recogniser's digits kept, one found: the lower bar
        assert!(m("31", 0.85).replaces("3"));
        assert!(m("30", 0.85).replaces("0"));
        // a contradiction, or a number where none was read: the higher bar
        assert!(!m("9", 0.85).replaces("0"));
        assert!(m("9", 0.95).replaces("0"));
        assert!(!m("0", 0.85).replaces("人"));
        assert!(m("0", 0.92).replaces("人"));
        // nothing new: the same digits, or a separator dropped
        assert!(!m("80", 0.99).replaces("80,"));
        assert!(!m("12", 0.99).replaces("12"));
        // two digits alike
        assert!(
            !Matched {
                text: "1".into(),
                score: 0.99,
                margin: 0.01
            }
            .replaces("7")
        );
    }

    #[test]
    fn too_few_samples_or_other_sizes_read_nothing() {
        let all = Rect::new(0, 0, 120, 40);
        let mut few = GlyphMatcher::default();
        few.learn(&page("10", 16.0, &[]), all, "10").unwrap();
        assert_eq!(few.read(&page("0", 16.0, &[]), all).unwrap(), None);
        // ink twice the samples' height (a CJK label, another table's print) is not read
        let m = taught();
        let (w, h) = (120u32, 40u32);
        let tall: Vec<u8> = (0..w * h)
            .map(|i| {
                if (i % w) >= 20 && (i % w) < 24 && (i / w) >= 2 && (i / w) < 38 {
                    90
                } else {
                    250
                }
            })
            .collect();
        assert_eq!(
            m.read(&Pix::from_gray(w, h, &tall).unwrap(), all).unwrap(),
            None
        );
    }
}

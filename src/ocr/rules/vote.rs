//! Lone digits read again by the page's vote.  A page prints its digits in one font, at one
//! size, many times over: on a blurred, speckled scan (150 dpi, blur over a pixel) the
//! recogniser reads most of its 0s as 0 but a good share as 6, 8 or 9, some at high
//! confidence, and some as nothing, while to the eye every one of them is the same 0.  The
//! glyph matcher ([`super::glyphs`]) learns only from certain readings, and such a page has too
//! few of them; here every reading of the page is a vote instead.  Each lone glyph (a cell whose
//! ink is one digit-sized glyph) is compared with every glyph of the page (normalised
//! cross-correlation of the ink, as the matcher does); when most of its nearest neighbours were
//! read as one other digit, and it is as close to them as they are to each other (a real 6
//! among a page of 0s is close to them, but less close than they are to one another), the
//! page's reading of it is that digit.
//!
//! The result is a reading in doubt: the caller keeps it below `verify::LOW`, with the
//! recogniser's reading as an alternative, so that it is flagged unless the template's
//! arithmetic confirms it.

use super::glyphs::{features, ink, same_size};
use crate::ocr::lept::{Pix, Rect};
use anyhow::Result;

/// Voters of a glyph: its nearest neighbours that the recogniser read as a digit ([`voters`]).
const NEIGHBOURS: usize = 15;

/// Votes of the nearest neighbours one other digit must have, and its least share of the
/// neighbours' readings.
const SUPPORT: usize = 8;
const SHARE: f32 = 0.67;

/// Least correlation of a neighbour that votes.
const VOTE_CORR: f32 = 0.75;

/// How much less close to the winning digit's glyphs a glyph may be than they are, typically,
/// to each other (median of their own closeness).
const COHESION_SLACK: f32 = 0.06;

/// Fewest glyphs read as the winning digit on the page (a digit's typical closeness is not
/// known from fewer).
const MIN_VOTERS: usize = 12;

/// Rounds of the vote: a glyph the page read again votes with its new reading in the next
/// (the misread glyphs of one digit are close to each other too, and outvote one another
/// at first).  The typical closeness of each digit stays the one of the recogniser's readings.
const ROUNDS: usize = 3;

/// Widest lone glyph, as a share of its height (numerator, denominator), read as no number that
/// the vote may read: digits are upright (a 0 about 0.6 of its height), the single CJK glyph
/// of a label cell about as wide as tall.
const DIGIT_WIDTH: (i32, i32) = (17, 20);

/// One glyph of the page: its reading (when the cell's digits and glyphs pair up), its
/// features and height, and whether it is a cell's lone glyph (one the vote may read again).
#[derive(Debug, Clone)]
pub struct Glyph {
    pub label: Option<char>,
    pub f: Vec<f32>,
    pub h: i32,
    pub lone: bool,
}

/// The glyphs of `region` of the 8 bpp `gray` read as `reading`: each glyph labelled with its
/// digit when the glyphs are as many as the digits; a lone glyph also when the reading is no
/// number (unlabelled, for the vote to read).  Nothing for other cells.
pub fn glyphs_of(gray: &Pix, region: Rect, reading: &str) -> Result<Vec<Glyph>> {
    let Some(ink) = ink(gray, region)? else {
        return Ok(Vec::new());
    };
    let digits: Vec<char> = reading.chars().filter(|c| c.is_ascii_digit()).collect();
    let numeric = !reading.is_empty() && reading.chars().all(|c| c.is_ascii_digit());
    let feat = |r: &Rect| features(&ink, r.x as usize, r.x1() as usize);
    if numeric && digits.len() == ink.runs.len() {
        let lone = digits.len() == 1;
        return Ok(digits
            .iter()
            .zip(&ink.runs)
            .filter_map(|(&c, r)| {
                feat(r).map(|f| Glyph {
                    label: Some(c),
                    f,
                    h: r.h,
                    lone,
                })
            })
            .collect());
    }
    if digits.is_empty()
        && let [r] = ink.runs.as_slice()
        && r.w * DIGIT_WIDTH.1 <= r.h * DIGIT_WIDTH.0
        && let Some(f) = feat(r)
    {
        return Ok(vec![Glyph {
            label: None,
            f,
            h: r.h,
            lone: true,
        }]);
    }
    Ok(Vec::new())
}

/// The page's reading of a lone glyph that differs from its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub digit: char,
    /// Nearest neighbours read as `digit`.
    pub support: usize,
    /// Mean correlation with them.
    pub fit: f32,
    /// Median of the same closeness among the glyphs read as `digit`.
    pub cohesion: f32,
}

fn corr(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// For every glyph, its neighbours (index, correlation), closest first: glyphs of its print
/// size correlating at least [`VOTE_CORR`].  All of them: an unread glyph's voters are the
/// nearest with a reading ([`voters`]), however far down the list.
fn neighbours(glyphs: &[Glyph]) -> Vec<Vec<(usize, f32)>> {
    (0..glyphs.len())
        .map(|i| {
            let g = &glyphs[i];
            let mut near: Vec<(usize, f32)> = glyphs
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && same_size(g.h, o.h))
                .map(|(j, o)| (j, corr(&g.f, &o.f)))
                .filter(|&(_, c)| c >= VOTE_CORR)
                .collect();
            near.sort_by(|a, b| b.1.total_cmp(&a.1));
            near
        })
        .collect()
}

/// A glyph's voters among its neighbours `near` (closest first): only glyphs the recogniser
/// read as a digit vote (`read_as_digit`, the recogniser's own readings; a glyph read again
/// votes with its new reading only when it had one of its own).  A glyph read as a digit
/// (`read`) is judged by those among its nearest [`NEIGHBOURS`] (its own reading is evidence,
/// and far voters are no match for it: a page that reads many of its blurred 0s as 6 has 6s
/// among the nearest read neighbours of a 0 read right); a glyph read as no digit by the
/// nearest [`NEIGHBOURS`] that were read (on a page whose recogniser read most of its 0s as
/// nothing, its nearest dozens are such unread 0s).
fn voters(read_as_digit: &[bool], near: &[(usize, f32)], read: bool) -> Vec<(usize, f32)> {
    let n = if read { NEIGHBOURS } else { near.len() };
    near.iter()
        .take(n)
        .filter(|(j, _)| read_as_digit[*j])
        .take(NEIGHBOURS)
        .copied()
        .collect()
}

/// Mean correlation of a glyph with those of its `near` neighbours read as `d`, and how many.
fn fit_to(labels: &[Option<char>], near: &[(usize, f32)], d: char) -> (usize, f32) {
    let cs: Vec<f32> = near
        .iter()
        .filter(|(j, _)| labels[*j] == Some(d))
        .map(|&(_, c)| c)
        .collect();
    let mean = if cs.is_empty() {
        0.0
    } else {
        cs.iter().sum::<f32>() / cs.len() as f32
    };
    (cs.len(), mean)
}

/// The page's vote on each glyph: `Some` for a lone glyph whose voters ([`voters`]) read
/// another digit than it was read as (or a digit where it was read as none), by at least
/// [`SUPPORT`] of [`NEIGHBOURS`] and [`SHARE`] of their votes, and that is at least as close
/// to them, less [`COHESION_SLACK`], as the glyphs read as that digit typically are to each
/// other (with at least [`MIN_VOTERS`] of them); over [`ROUNDS`] rounds.
pub fn vote(glyphs: &[Glyph]) -> Vec<Option<Verdict>> {
    // no lone glyph, nothing to vote on: the neighbour lists (every pair of glyphs) are not built
    if !glyphs.iter().any(|g| g.lone) {
        return vec![None; glyphs.len()];
    }
    let near = neighbours(glyphs);
    let labels: Vec<Option<char>> = glyphs.iter().map(|g| g.label).collect();
    let read_as_digit: Vec<bool> = labels.iter().map(Option::is_some).collect();
    let mut cohesion: [Option<f32>; 10] = [None; 10];
    for d in '0'..='9' {
        let mut fits: Vec<f32> = (0..glyphs.len())
            .filter(|&i| labels[i] == Some(d))
            .map(|i| fit_to(&labels, &voters(&read_as_digit, &near[i], true), d).1)
            .collect();
        if fits.len() >= MIN_VOTERS {
            fits.sort_by(|a, b| a.total_cmp(b));
            cohesion[(d as u8 - b'0') as usize] = Some(fits[fits.len() / 2]);
        }
    }
    let mut verdicts: Vec<Option<Verdict>> = vec![None; glyphs.len()];
    let mut labels = labels;
    for _ in 0..ROUNDS {
        let round: Vec<Option<Verdict>> = (0..glyphs.len())
            .map(|i| {
                if !glyphs[i].lone {
                    return None;
                }
                let near = voters(&read_as_digit, &near[i], read_as_digit[i]);
                let mut counts = [0usize; 10];
                for (j, _) in &near {
                    if let Some(l) = labels[*j] {
                        counts[(l as u8 - b'0') as usize] += 1;
                    }
                }
                let (k, &n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
                let d = (b'0' + k as u8) as char;
                let voters: usize = counts.iter().sum();
                if n < SUPPORT || (n as f32) < SHARE * voters as f32 || labels[i] == Some(d) {
                    return None;
                }
                let cohesion = cohesion[k]?;
                let (support, fit) = fit_to(&labels, &near, d);
                (fit >= cohesion - COHESION_SLACK).then_some(Verdict {
                    digit: d,
                    support,
                    fit,
                    cohesion,
                })
            })
            .collect();
        let mut changed = false;
        for (i, v) in round.into_iter().enumerate() {
            if let Some(v) = v {
                labels[i] = Some(v.digit);
                verdicts[i] = Some(v);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ink coverage of glyph `shape` at (gx, gy) of its 12 x 20 box: `0` an oval ring, `6` a
    /// ring in the lower half with a stem up the left and a hook at the top, `box` a square
    /// with a cross (a CJK glyph's proportions: 20 x 20).
    fn inked(shape: &str, gx: f32, gy: f32) -> bool {
        let ring = |cx: f32, cy: f32, rx: f32, ry: f32| {
            let d = ((gx - cx) / rx).powi(2) + ((gy - cy) / ry).powi(2);
            (0.55..=1.0).contains(&d)
        };
        match shape {
            "0" => ring(6.0, 10.0, 6.0, 10.0),
            "6" => {
                ring(6.0, 14.0, 6.0, 6.0)
                    || ((0.0..2.5).contains(&gx) && (4.0..14.0).contains(&gy))
                    || ((0.0..2.5).contains(&gy) && (2.0..10.0).contains(&gx))
            }
            "box" => {
                let (x, y) = (gx, gy);
                (0.0..20.0).contains(&x)
                    && (0.0..20.0).contains(&y)
                    && (!(2.0..18.0).contains(&x)
                        || !(2.0..18.0).contains(&y)
                        || (9.0..11.0).contains(&x))
            }
            _ => false,
        }
    }

    /// A 40 x 40 gray cell with `shape` printed from (14 + dx, 10), anti-aliased and blurred
    /// (gray 90 on paper 245), and 2 x 2 dark specks at `specks`.
    fn cell(shape: &str, dx: f32, specks: &[(u32, u32)]) -> Pix {
        let n = 40u32;
        let mut cov = vec![0f32; (n * n) as usize];
        for y in 0..n {
            for x in 0..n {
                let mut c = 0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let gx = x as f32 + (sx as f32 + 0.5) / 4.0 - 14.0 - dx;
                        let gy = y as f32 + (sy as f32 + 0.5) / 4.0 - 10.0;
                        c += inked(shape, gx, gy) as u32;
                    }
                }
                cov[(y * n + x) as usize] = c as f32 / 16.0;
            }
        }
        let mut b = vec![245u8; (n * n) as usize];
        for y in 1..n - 1 {
            for x in 1..n - 1 {
                let mut s = 0.0;
                for (ox, oy) in [(-1i32, 0i32), (1, 0), (0, -1), (0, 1), (0, 0)] {
                    s += cov[((y as i32 + oy) as u32 * n + (x as i32 + ox) as u32) as usize];
                }
                b[(y * n + x) as usize] = (245.0 - 155.0 * s / 5.0) as u8;
            }
        }
        for &(x, y) in specks {
            for (ox, oy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                b[((y + oy) * n + x + ox) as usize] = 40;
            }
        }
        Pix::from_gray(n, n, &b).unwrap()
    }

    fn glyphs(shape: &str, dx: f32, specks: &[(u32, u32)], reading: &str) -> Vec<Glyph> {
        glyphs_of(&cell(shape, dx, specks), Rect::new(0, 0, 40, 40), reading).unwrap()
    }

    /// `n` zeros read as 0, printed at a quarter-pixel steps apart.
    fn zeros(n: usize) -> Vec<Glyph> {
        (0..n)
            .flat_map(|i| glyphs("0", (i % 4) as f32 * 0.25, &[], "0"))
            .collect()
    }

    #[test]
    fn zeros_misread_or_unread_are_read_by_the_pages_vote() {
        let mut page = zeros(20);
        // specks in the hole: read as 6, or as nothing
        let misread = [(20, 16), (21, 18), (19, 22), (20, 24)];
        for (x, y) in misread {
            page.extend(glyphs("0", 0.0, &[(x, y)], "6"));
        }
        page.extend(glyphs("0", 0.5, &[(20, 20)], "人"));
        assert_eq!(page.len(), 25);
        assert!(page[20..].iter().all(|g| g.lone));
        assert_eq!(page[24].label, None);
        let v = vote(&page);
        assert!(v[..20].iter().all(Option::is_none));
        for (i, v) in v[20..].iter().enumerate() {
            let v = v.unwrap_or_else(|| panic!("glyph {i} not read again"));
            assert_eq!(v.digit, '0');
            assert!(v.support >= SUPPORT);
        }
    }

    #[test]
    fn unread_zeros_among_many_unread_are_read_by_the_nearest_read_ones() {
        // most of the page's 0s read as nothing, all alike: each one's nearest neighbours are
        // the other unread 0s, which have no vote; the nearest read ones do
        let mut page = zeros(MIN_VOTERS);
        for _ in 0..30 {
            page.extend(glyphs("0", 0.5, &[], ""));
        }
        let v = vote(&page);
        assert!(
            v[MIN_VOTERS..]
                .iter()
                .all(|v| v.is_some_and(|v| v.digit == '0'))
        );
        // must not: a glyph read as 0 among the unread is judged by its nearest, not by the
        // nearest read ones (here 0s the recogniser read as 6, a little less alike)
        let mut page: Vec<Glyph> = (0..MIN_VOTERS)
            .flat_map(|i| glyphs("0", (i % 2) as f32 * 0.25, &[], "6"))
            .collect();
        for _ in 0..30 {
            page.extend(glyphs("0", 0.5, &[], ""));
        }
        page.extend(glyphs("0", 0.5, &[], "0"));
        assert_eq!(vote(&page).last().copied().flatten(), None);
        // must not: unread 6s as many, beside the read 0s
        let mut page = zeros(MIN_VOTERS);
        for _ in 0..30 {
            page.extend(glyphs("6", 0.5, &[], ""));
        }
        assert!(vote(&page).iter().all(Option::is_none));
    }

    /// A glyph correlating `c` with the zero `z`: `z` turned towards the printed 6 `o`.
    fn towards(z: &Glyph, o: &Glyph, c: f32) -> Glyph {
        let along = corr(&o.f, &z.f);
        let mut perp: Vec<f32> = o.f.iter().zip(&z.f).map(|(x, y)| x - along * y).collect();
        let n = perp.iter().map(|x| x * x).sum::<f32>().sqrt();
        perp.iter_mut().for_each(|x| *x /= n);
        let s = (1.0 - c * c).sqrt();
        Glyph {
            f: z.f.iter().zip(&perp).map(|(a, b)| c * a + s * b).collect(),
            ..o.clone()
        }
    }

    #[test]
    fn a_real_digit_among_zeros_keeps_its_reading() {
        let mut page = zeros(20);
        // a printed 6 is unlike the page's 0s
        page.extend(glyphs("6", 0.0, &[], "6"));
        page.extend(glyphs("6", 0.5, &[], ""));
        let v = vote(&page);
        assert_eq!(v[20], None, "a printed 6 is not the page's 0");
        assert_eq!(v[21], None, "an unread 6 is not the page's 0");
        // one blurred towards them: all its nearest neighbours are 0s, but it is less like
        // them than they are like each other
        let mut page = zeros(20);
        let six = glyphs("6", 0.0, &[], "6").remove(0);
        let near = towards(&page[0], &six, 0.85);
        page.push(near.clone());
        page.push(Glyph {
            label: None,
            ..near
        });
        let v = vote(&page);
        assert_eq!(v[20], None, "a 6 close to the 0s is not their 0");
        assert_eq!(v[21], None);
        // as close as they are to each other, it is one of them
        let mut page = zeros(20);
        page.push(towards(&page[1], &six, 0.97));
        assert_eq!(vote(&page)[20].map(|v| v.digit), Some('0'));
        // too few zeros on the page to know how alike they are
        let mut few = zeros(MIN_VOTERS - 1);
        few.extend(glyphs("0", 0.0, &[(20, 16)], "6"));
        assert!(vote(&few).iter().all(Option::is_none));
    }

    #[test]
    fn only_lone_digit_shaped_glyphs_are_voted_on() {
        // a label cell's one wide glyph read as text: no glyph of the vote
        assert!(glyphs("box", 0.0, &[], "分").is_empty());
        // the same glyph read as a digit is a sample (labelled), as is each digit of a number
        assert_eq!(glyphs("0", 0.0, &[], "0").len(), 1);
        let two = glyphs_of(&cell("0", 0.0, &[]), Rect::new(0, 0, 40, 40), "00").unwrap();
        assert!(
            two.is_empty(),
            "one glyph read as two digits pairs up with nothing"
        );
    }
}

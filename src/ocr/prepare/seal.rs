//! Finding official seals on gray scans by their shape.
//!
//! On a colour scan the seal is dropped by its colour (see [`crate::ocr::preprocess`]).  On a gray
//! scan its ink is as dark as faint print (a red seal turns mid-gray, the same range as
//! anti-aliased text strokes at 150–200 dpi), so it can only be told by shape: a Chinese
//! official seal is a ring 38–50 mm across (round seals of government bodies are 42–45 mm),
//! inked all around its circumference, with text and a star inside.  Nothing else on a
//! report's page is a closed circle of that size.
//!
//! The test runs on a reduced (~`WORK_DPI`) binary image: for each candidate centre and radius
//! the share of `ANGLES` sample points on the circle that are inked (`ring`) must be high,
//! while the circle `OUTSIDE` mm farther out must be much emptier (a ring, not a dense block
//! of text or a table, where every circle is equally inked).  The ruling finder then ignores
//! the ring's pieces and the cells under the ring are marked as read in doubt.

use crate::ocr::lept::{Pix, Rect};
use anyhow::Result;

/// A seal found on the page: its ring's centre and outer radius, page pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seal {
    pub cx: f32,
    pub cy: f32,
    pub r: f32,
}

impl Seal {
    /// Whether the rectangle `r` overlaps the seal's disk.
    pub fn overlaps(&self, r: Rect) -> bool {
        let nx = (self.cx).clamp(r.x as f32, r.x1() as f32);
        let ny = (self.cy).clamp(r.y as f32, r.y1() as f32);
        (nx - self.cx).powi(2) + (ny - self.cy).powi(2) <= self.r * self.r
    }

    /// Whether the centre of the rectangle `r` lies in the seal's disk.
    pub fn covers_centre(&self, r: Rect) -> bool {
        let (x, y) = (r.x as f32 + r.w as f32 / 2.0, r.y as f32 + r.h as f32 / 2.0);
        (x - self.cx).powi(2) + (y - self.cy).powi(2) <= self.r * self.r
    }

    /// The length of the straight piece from (x0, y0) to (x1, y1) that lies inside the disk
    /// grown by `margin`.
    pub fn inside_len(&self, x0: f32, y0: f32, x1: f32, y1: f32, margin: f32) -> f32 {
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        if len == 0.0 {
            return 0.0;
        }
        let (dx, dy) = ((x1 - x0) / len, (y1 - y0) / len);
        // projection of the centre on the line, and its distance from it
        let t = (self.cx - x0) * dx + (self.cy - y0) * dy;
        let d2 = (self.cx - x0 - t * dx).powi(2) + (self.cy - y0 - t * dy).powi(2);
        let rr = (self.r + margin).powi(2);
        if d2 >= rr {
            return 0.0;
        }
        let half = (rr - d2).sqrt();
        ((t + half).min(len) - (t - half).max(0.0)).max(0.0)
    }
}

/// Resolution of the search image.
const WORK_DPI: f32 = 40.0;
/// Diameters of the rings looked for, mm.
const DIAMETER_MM: (f32, f32) = (34.0, 52.0);
/// Sample points on a circle.
const ANGLES: usize = 96;
/// Share of a circle's sample points that must be inked for a ring.
const RING: f32 = 0.95;
/// How far outside the ring the control circle lies, mm, and how much emptier it must be.
const OUTSIDE: f32 = 2.5;
const CONTRAST: f32 = 0.35;
/// Gray level below which a pixel is ink (a seal turned gray is mid-gray, ~130-150).
const INK: u8 = 180;
/// Share of a work pixel's page pixels that must be ink.
const INK_SHARE: f32 = 0.2;

/// Find the seals of a deskewed, background-normalised 8 bpp page.
pub fn find_seals(gray: &Pix, dpi: f32) -> Result<Vec<Seal>> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let f = (dpi / WORK_DPI).round().max(1.0) as usize;
    let (sw, sh) = (w / f, h / f);
    if sw < 8 || sh < 8 {
        return Ok(Vec::new());
    }
    let bytes = gray.gray_bytes()?;
    // reduce: a work pixel is ink when at least `INK_SHARE` of its page pixels are (a ring
    // stroke is ~1 mm wide and fills its work pixels; scanner specks fill a few percent)
    let mut count = vec![0u32; sw * sh];
    for y in 0..sh * f {
        let row = &bytes[y * w..y * w + sw * f];
        for (x, &v) in row.iter().enumerate() {
            if v < INK {
                count[(y / f) * sw + x / f] += 1;
            }
        }
    }
    let need = (INK_SHARE * (f * f) as f32).ceil().max(1.0) as u32;
    let ink: Vec<bool> = count.iter().map(|&n| n >= need).collect();
    drop(bytes);
    let mm = WORK_DPI / 25.4;
    let (r0, r1) = (
        (DIAMETER_MM.0 / 2.0 * mm).floor() as i32,
        (DIAMETER_MM.1 / 2.0 * mm).ceil() as i32,
    );
    let out_d = (OUTSIDE * mm).round().max(1.0) as i32;
    // the ink on a white margin wide enough for every circle, so that sample offsets are
    // plain index deltas
    let pad = (r1 + out_d + 2) as usize;
    let pw = sw + 2 * pad;
    let mut padded = vec![false; pw * (sh + 2 * pad)];
    for y in 0..sh {
        padded[(y + pad) * pw + pad..(y + pad) * pw + pad + sw]
            .copy_from_slice(&ink[y * sw..(y + 1) * sw]);
    }
    // offsets[r][k]: the sample point of angle k on the circle of radius r
    let offsets: Vec<Vec<isize>> = (0..=r1 + out_d + 1)
        .map(|r| {
            (0..ANGLES)
                .map(|k| {
                    let (s, c) = (k as f32 / ANGLES as f32 * std::f32::consts::TAU).sin_cos();
                    (r as f32 * s).round() as isize * pw as isize + (r as f32 * c).round() as isize
                })
                .collect()
        })
        .collect();
    let occ_step = |cx: i32, cy: i32, r: i32, step: usize| -> f32 {
        let at = ((cy as usize + pad) * pw + cx as usize + pad) as isize;
        let mut n = 0;
        for k in (0..ANGLES).step_by(step) {
            // a drawn ring is not a perfect circle: one work pixel of radial slack
            if (r - 1..=r + 1).any(|rr| padded[(at + offsets[rr as usize][k]) as usize]) {
                n += 1;
            }
        }
        n as f32 * step as f32 / ANGLES as f32
    };
    let occ = |cx: i32, cy: i32, r: i32| occ_step(cx, cy, r, 1);
    // (score, cx, cy, r) in work pixels
    let mut found: Vec<(f32, i32, i32, i32)> = Vec::new();
    let test = |cx: i32, cy: i32, r: i32| -> Option<f32> {
        let o = occ(cx, cy, r);
        let outer = if o >= RING {
            occ(cx, cy, r + out_d)
        } else {
            1.0
        };
        (o >= RING && outer <= o - CONTRAST).then_some(o - outer)
    };
    // coarse pass on every other centre (the radial slack covers the one in between), with a
    // pre-test on every eighth sample point; the full test around the survivors
    let margin = r0;
    let (lo_x, hi_x, lo_y, hi_y) = (margin, sw as i32 - margin, margin, sh as i32 - margin);
    let mut coarse: Vec<(i32, i32, i32)> = Vec::new();
    for cy in (lo_y..hi_y).step_by(2) {
        for cx in (lo_x..hi_x).step_by(2) {
            for r in r0..=r1 {
                if occ_step(cx, cy, r, 8) >= RING - 0.25 && occ(cx, cy, r) >= RING - 0.15 {
                    coarse.push((cx, cy, r));
                }
            }
        }
    }
    for (x, y, r) in coarse {
        for cy in (y - 1).max(lo_y)..=(y + 1).min(hi_y - 1) {
            for cx in (x - 1).max(lo_x)..=(x + 1).min(hi_x - 1) {
                if let Some(score) = test(cx, cy, r) {
                    found.push((score, cx, cy, r));
                }
            }
        }
    }
    // best first, one seal per neighbourhood
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut seals: Vec<(i32, i32, i32)> = Vec::new();
    for (_, cx, cy, r) in found {
        if seals
            .iter()
            .all(|&(x, y, rr)| (x - cx).pow(2) + (y - cy).pow(2) > (rr + r).pow(2))
        {
            seals.push((cx, cy, r));
        }
    }
    let s = f as f32;
    Ok(seals
        .into_iter()
        .map(|(cx, cy, r)| Seal {
            cx: (cx as f32 + 0.5) * s,
            cy: (cy as f32 + 0.5) * s,
            r: (r as f32 + 1.0) * s,
        })
        .collect())
}

/// How much darker than the seal's ring (its median core gray level) print must be to be told
/// from it: anti-aliasing, JPEG and scanner noise spread a stroke's core by about this much.
const PRINT_MARGIN: i32 = 25;
/// Below this the seal is as dark as print itself (a strong seal, or a light scan of
/// black print): its ink cannot be removed by level, and nothing is done.
const PRINT_MAX: i32 = 90;
/// How far around a pixel darker than the seal the pixels are kept as print, inches (~0.25
/// mm: the anti-aliased flank of a printed stroke).
const PRINT_REACH_IN: f32 = 0.01;
/// Width of the band inside the ring's outer edge that holds the ring stroke, mm.
const RING_BAND_MM: f32 = 2.0;
/// Points on the ring where its level is measured.
const LEVEL_ANGLES: usize = 180;

/// Remove the ink of the seals from a gray page where it is lighter than print: on a gray scan
/// a red seal turns mid-gray while black print stays near black, also where the two overlap
/// (the seal darkens the print, never lightens it).  The seal's level is measured on its own
/// ring (the darkest pixel across the ring stroke at each of `LEVEL_ANGLES` angles, median over
/// them, so print crossing the ring does not count); every pixel of the disk (grown by
/// `SEAL_MARGIN_MM`) lighter than that level minus `PRINT_MARGIN`, and farther than
/// `PRINT_REACH_IN` from every pixel darker than it, becomes paper; near print darker than
/// half the seal's level (print over the seal: the two multiply) the lighter-than-print flank
/// is stretched so that the seal's level becomes paper (a halo of seal ink otherwise fills the
/// counters of small digits: 0 read 8, 9, 6).  Returns
/// for each seal whether it was cleaned (false: too dark to tell from print, left alone).
pub fn clean_seals(gray: &mut Pix, seals: &[Seal], dpi: f32) -> Result<Vec<bool>> {
    if seals.is_empty() {
        return Ok(Vec::new());
    }
    let (w, h) = (gray.width(), gray.height());
    let mut bytes = gray.gray_bytes()?;
    let at = |bytes: &[u8], x: i32, y: i32| -> Option<u8> {
        (x >= 0 && y >= 0 && x < w && y < h).then(|| bytes[(y * w + x) as usize])
    };
    let mm = dpi / 25.4;
    let mut cleaned = Vec::with_capacity(seals.len());
    for s in seals {
        let mut cores: Vec<u8> = (0..LEVEL_ANGLES)
            .filter_map(|k| {
                let (sn, cs) = (k as f32 / LEVEL_ANGLES as f32 * std::f32::consts::TAU).sin_cos();
                let steps = (RING_BAND_MM * mm).ceil() as i32 + 2;
                (0..=steps)
                    .filter_map(|i| {
                        let rr = s.r + 1.0 - i as f32;
                        at(
                            &bytes,
                            (s.cx + rr * cs).round() as i32,
                            (s.cy + rr * sn).round() as i32,
                        )
                    })
                    .min()
            })
            .collect();
        if cores.is_empty() {
            cleaned.push(false);
            continue;
        }
        cores.sort_unstable();
        let level = cores[cores.len() / 2] as i32;
        let t = level - PRINT_MARGIN;
        if crate::ocr::debug_on() {
            tracing::debug!(
                "  seal at ({:.0},{:.0}) ring level {level}, print below {t}; darkest cores {:?}",
                s.cx,
                s.cy,
                &cores[..cores.len().min(16)]
            );
        }
        if t < PRINT_MAX {
            cleaned.push(false);
            continue;
        }
        let rr = s.r + SEAL_MARGIN_MM * mm;
        let (bx0, bx1) = (
            ((s.cx - rr).floor() as i32).max(0),
            ((s.cx + rr).ceil() as i32).min(w - 1),
        );
        let (by0, by1) = (
            ((s.cy - rr).floor() as i32).max(0),
            ((s.cy + rr).ceil() as i32).min(h - 1),
        );
        if bx1 < bx0 || by1 < by0 {
            cleaned.push(false);
            continue;
        }
        // print: the pixels darker than the seal, and their neighbourhood (a thin stroke of
        // gray-scanned print has only its core below the seal's level; its flanks are as
        // light as the seal)
        let (bw, bh) = ((bx1 - bx0 + 1) as usize, (by1 - by0 + 1) as usize);
        let d = (dpi * PRINT_REACH_IN).round().max(1.0) as i32;
        let block: Vec<u8> = (by0..=by1)
            .flat_map(|y| {
                bytes[(y * w + bx0) as usize..=(y * w + bx1) as usize]
                    .iter()
                    .copied()
            })
            .collect();
        // dark pixels grown by `d` each way (a centred square brick), back as 8 bpp: 0 = near
        let near: Vec<bool> = Pix::from_gray(bw as u32, bh as u32, &block)?
            .threshold(t)?
            .dilate_brick(2 * d + 1, 2 * d + 1)?
            .to_gray()?
            .gray_bytes()?
            .into_iter()
            .map(|v| v == 0)
            .collect();
        // the same around print over the seal: print darkens the seal's ink under it (the
        // two multiply), and any print, mid-gray or darker, over a seal of level L is darker
        // than L / 2.  Only there is a stroke's flank surely the seal's ink.  Light print
        // next to the seal or that the seal covers (as light as the seal, broken to specks
        // by the level) keeps its flanks, which are all that is left of it.
        let e = 2 * d + 3;
        let deep: Vec<bool> = Pix::from_gray(bw as u32, bh as u32, &block)?
            .threshold(level / 2)?
            .dilate_brick(e, e)?
            .to_gray()?
            .gray_bytes()?
            .into_iter()
            .map(|v| v == 0)
            .collect();
        for y in by0..=by1 {
            let dy = y as f32 - s.cy;
            let half = (rr * rr - dy * dy).max(0.0).sqrt();
            let (x0, x1) = (
                ((s.cx - half).floor() as i32).max(bx0),
                ((s.cx + half).ceil() as i32).min(bx1),
            );
            for x in x0..=x1 {
                let v = &mut bytes[(y * w + x) as usize];
                if (*v as i32) < t {
                    continue;
                }
                let k = (y - by0) as usize * bw + (x - bx0) as usize;
                if deep[k] {
                    // the flank of a stroke printed over the seal: it fades only to the
                    // seal's level, a dark halo that fills the counters of small digits;
                    // stretched so that the seal's level becomes paper
                    *v = (t + (*v as i32 - t) * (255 - t) / PRINT_MARGIN).min(255) as u8;
                } else if !near[k] {
                    *v = 255;
                }
            }
        }
        cleaned.push(true);
    }
    let (xr, yr) = gray.resolution();
    *gray = Pix::from_gray(w as u32, h as u32, &bytes)?;
    gray.set_resolution(xr, yr);
    Ok(cleaned)
}

/// The part of the line mask `mask` (1 bpp, page size) to paint out of the cells' image: off
/// the seals' disks all of it, on them only the pixels within `reach` of a ruling piece that
/// was kept (`rulings`, page pixels).  A seal's star, its text and the thick ring are solid
/// ink at the permissive line threshold, so the line openings keep them whole, and the print
/// over them with them: painted white, a 0 over the star is gone.  Their ink is the seal's,
/// removed by its level ([`clean_seals`]) where lighter than print.
pub fn rulings_only_on_seals(
    mask: &Pix,
    seals: &[Seal],
    rulings: &[Rect],
    reach: i32,
    dpi: f32,
) -> Result<Pix> {
    if seals.is_empty() {
        return mask.copy();
    }
    let (w, h) = (mask.width(), mask.height());
    let mut allowed = Pix::create(w, h, 1)?;
    allowed.fill_rect(Rect::new(0, 0, w, h), 1)?;
    let rr = SEAL_MARGIN_MM * dpi / 25.4;
    for s in seals {
        let r = s.r + rr;
        for y in ((s.cy - r).floor() as i32).max(0)..=((s.cy + r).ceil() as i32).min(h - 1) {
            let half = (r * r - (y as f32 - s.cy).powi(2)).max(0.0).sqrt();
            let x0 = ((s.cx - half).floor() as i32).max(0);
            let x1 = ((s.cx + half).ceil() as i32).min(w - 1);
            if x1 >= x0 {
                allowed.fill_rect(Rect::new(x0, y, x1 - x0 + 1, 1), 0)?;
            }
        }
    }
    for b in rulings {
        if let Some(b) = b.grow(reach).clip(w, h) {
            allowed.fill_rect(b, 1)?;
        }
    }
    mask.and(&allowed)
}

/// A ruling piece with at least this share of its length within `SEAL_MARGIN_MM` of a seal's
/// disk is on the seal.
const SEAL_INSIDE: f32 = 0.7;
const SEAL_MARGIN_MM: f32 = 1.5;
/// How close to the ring's outer edge a piece along it lies, mm.
const TANGENT_MM: f32 = 2.5;
/// How close a piece's end must come to a perpendicular ruling to meet it, mm.
const MEET_MM: f32 = 1.0;

/// The ruling pieces (`h`: horizontal, `v`: vertical; page pixels) without those that come
/// from a seal: the ring's arcs where they run along x or y, and the strokes of its text.
/// A piece on a seal's disk is kept when it is a real ruling the seal covers: both its ends
/// meet perpendicular pieces off the seal (a short cell edge between two long rulings).
/// Seal strokes do not, except by chance; the ring's own arcs where they run along x or y
/// are never kept.  Lying on the line of a ruling off the seal is no sign: a seal stroke on a
/// column line splits a title row, and the gap repair restores the real continuations.
pub fn drop_seal_pieces(
    h: Vec<Rect>,
    v: Vec<Rect>,
    seals: &[Seal],
    dpi: f32,
) -> (Vec<Rect>, Vec<Rect>) {
    if seals.is_empty() {
        return (h, v);
    }
    let mm = dpi / 25.4;
    let margin = SEAL_MARGIN_MM * mm;
    let line = |r: &Rect, horizontal: bool| -> (f32, f32, f32, f32) {
        if horizontal {
            let y = r.y as f32 + r.h as f32 / 2.0;
            (r.x as f32, y, r.x1() as f32, y)
        } else {
            let x = r.x as f32 + r.w as f32 / 2.0;
            (x, r.y as f32, x, r.y1() as f32)
        }
    };
    let on_seal = |r: &Rect, horizontal: bool| {
        let (x0, y0, x1, y1) = line(r, horizontal);
        let len = (x1 - x0 + y1 - y0).max(1.0);
        seals
            .iter()
            .any(|s| s.inside_len(x0, y0, x1, y1, margin) >= SEAL_INSIDE * len)
    };
    let h_on: Vec<bool> = h.iter().map(|r| on_seal(r, true)).collect();
    let v_on: Vec<bool> = v.iter().map(|r| on_seal(r, false)).collect();
    let reach = MEET_MM * mm;
    let keep = |r: &Rect, horizontal: bool, cross: &[Rect], cross_on: &[bool]| -> bool {
        let (x0, y0, x1, y1) = line(r, horizontal);
        // (position across, start, end) along the piece's axis
        let (pos, a, b) = if horizontal {
            (y0, x0, x1)
        } else {
            (x0, y0, y1)
        };
        let meets = |p: f32| {
            cross.iter().zip(cross_on).any(|(o, &on)| {
                let (ox0, oy0, ox1, oy1) = line(o, !horizontal);
                let (opos, oa, ob) = if horizontal {
                    (ox0, oy0, oy1)
                } else {
                    (oy0, ox0, ox1)
                };
                !on && (opos - p).abs() <= reach && pos >= oa - reach && pos <= ob + reach
            })
        };
        // the ring itself where it runs along the piece's axis: never a ruling (a real one
        // that happens to lie there runs on beyond the ring and is not on the seal)
        let mid = (a + b) / 2.0;
        let tangent = seals.iter().any(|s| {
            let (c_across, c_along) = if horizontal {
                (s.cy, s.cx)
            } else {
                (s.cx, s.cy)
            };
            ((pos - c_across).abs() - s.r).abs() <= TANGENT_MM * mm
                && (mid - c_along).abs() <= 0.5 * s.r
        });
        !tangent && meets(a) && meets(b)
    };
    let h2 = h
        .iter()
        .zip(&h_on)
        .filter(|&(r, &on)| !on || keep(r, true, &v, &v_on))
        .map(|(r, _)| *r)
        .collect();
    let v2 = v
        .iter()
        .zip(&v_on)
        .filter(|&(r, &on)| !on || keep(r, false, &h, &h_on))
        .map(|(r, _)| *r)
        .collect();
    (h2, v2)
}

/// The ruling pieces without the arcs of seal rings that run along x or y: pieces with at
/// least `SEAL_INSIDE` of their length on a seal's disk (grown by `SEAL_MARGIN_MM`) that lie
/// along its ring (within `TANGENT_MM` of it, their middle within half a radius of the ring's
/// leftmost, rightmost, top or bottom point).  For colour pages, whose seal ink is dropped by
/// colour: only the faint remnants of the ring can be left there, while real rulings under
/// the seal survive the colour drop and must all be kept (unlike [`drop_seal_pieces`], which
/// also drops the strokes of a gray seal's text).
pub fn drop_ring_arcs(
    h: Vec<Rect>,
    v: Vec<Rect>,
    seals: &[Seal],
    dpi: f32,
) -> (Vec<Rect>, Vec<Rect>) {
    if seals.is_empty() {
        return (h, v);
    }
    let mm = dpi / 25.4;
    let margin = SEAL_MARGIN_MM * mm;
    let arc = |r: &Rect, horizontal: bool| -> bool {
        let (pos, a, b) = if horizontal {
            (r.y as f32 + r.h as f32 / 2.0, r.x as f32, r.x1() as f32)
        } else {
            (r.x as f32 + r.w as f32 / 2.0, r.y as f32, r.y1() as f32)
        };
        let len = (b - a).max(1.0);
        let mid = (a + b) / 2.0;
        seals.iter().any(|s| {
            let (c_across, c_along) = if horizontal {
                (s.cy, s.cx)
            } else {
                (s.cx, s.cy)
            };
            let inside = if horizontal {
                s.inside_len(a, pos, b, pos, margin)
            } else {
                s.inside_len(pos, a, pos, b, margin)
            };
            inside >= SEAL_INSIDE * len
                && ((pos - c_across).abs() - s.r).abs() <= TANGENT_MM * mm
                && (mid - c_along).abs() <= 0.5 * s.r
        })
    };
    let h2 = h.into_iter().filter(|r| !arc(r, true)).collect();
    let v2 = v.into_iter().filter(|r| !arc(r, false)).collect();
    (h2, v2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chord_inside_the_disk() {
        let s = Seal {
            cx: 100.0,
            cy: 100.0,
            r: 50.0,
        };
        assert!((s.inside_len(0.0, 100.0, 200.0, 100.0, 0.0) - 100.0).abs() < 0.01);
        assert!((s.inside_len(100.0, 100.0, 300.0, 100.0, 0.0) - 50.0).abs() < 0.01);
        assert_eq!(s.inside_len(0.0, 0.0, 200.0, 0.0, 0.0), 0.0);
        assert!(s.overlaps(Rect::new(140, 90, 50, 20)));
        assert!(!s.overlaps(Rect::new(140, 140, 50, 20)));
    }

    #[test]
    fn ring_arcs_go_rulings_under_the_seal_stay() {
        // seal of radius 150 px at (500, 500), 200 dpi (1 mm = 7.9 px)
        let s = Seal {
            cx: 500.0,
            cy: 500.0,
            r: 150.0,
        };
        let v = vec![
            Rect::new(356, 480, 3, 45), // the ring's left arc, 6 px inside its outer edge
            Rect::new(450, 470, 3, 60), // a cell edge under the seal
            Rect::new(356, 200, 3, 600), // a long ruling along the arc's line: mostly off the disk
        ];
        let h = vec![Rect::new(470, 648, 60, 3), Rect::new(300, 560, 400, 3)];
        let (h2, v2) = drop_ring_arcs(h, v, &[s], 200.0);
        assert_eq!(
            v2,
            vec![Rect::new(450, 470, 3, 60), Rect::new(356, 200, 3, 600)]
        );
        assert_eq!(h2, vec![Rect::new(300, 560, 400, 3)]);
    }

    #[test]
    fn on_a_seal_only_ruling_pieces_are_painted_out() {
        // 200 dpi, seal of radius 100 px at (200, 200); the line mask holds a solid blob on
        // the seal (its star, with the print over it), a kept ruling crossing the seal, and a
        // blob off the seal (shading, a thick rule: painted as before)
        let mut mask = Pix::create(600, 400, 1).unwrap();
        mask.fill_rect(Rect::new(170, 170, 60, 60), 1).unwrap();
        mask.fill_rect(Rect::new(50, 250, 400, 3), 1).unwrap();
        mask.fill_rect(Rect::new(450, 100, 60, 60), 1).unwrap();
        let seal = Seal {
            cx: 200.0,
            cy: 200.0,
            r: 100.0,
        };
        let kept = [Rect::new(50, 250, 400, 3)];
        let out = rulings_only_on_seals(&mask, &[seal], &kept, 2, 200.0).unwrap();
        assert_eq!(
            out.clip(Rect::new(170, 170, 60, 60))
                .unwrap()
                .count_pixels(),
            0,
            "star"
        );
        assert_eq!(
            out.clip(Rect::new(50, 250, 400, 3)).unwrap().count_pixels(),
            1200,
            "ruling"
        );
        assert_eq!(
            out.clip(Rect::new(450, 100, 60, 60))
                .unwrap()
                .count_pixels(),
            3600,
            "off the seal"
        );
        // no seal: the mask unchanged
        assert_eq!(
            rulings_only_on_seals(&mask, &[], &kept, 2, 200.0)
                .unwrap()
                .count_pixels(),
            mask.count_pixels()
        );
    }

    /// A white 8 bpp page with a ring of gray `level` (outer radius 150 px at (300, 300), 8 px
    /// wide), a seal stroke of that gray inside it, and a digit-like bar of gray 60 (with
    /// flanks as light as the seal) under it.
    fn sealed_page(level: u8) -> Pix {
        let (w, h) = (600usize, 600usize);
        let mut px = vec![255u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let d = ((x as f32 - 300.0).powi(2) + (y as f32 - 300.0).powi(2)).sqrt();
                if (142.0..=150.0).contains(&d) {
                    px[y * w + x] = level;
                }
            }
        }
        for y in 250..260 {
            for x in 200..400 {
                px[y * w + x] = level; // a stroke of the seal's text
            }
        }
        for y in 300..340 {
            px[y * w + 300] = level; // flank
            px[y * w + 301] = 60; // core
            px[y * w + 302] = 60;
            px[y * w + 303] = level; // flank
        }
        // light print (mid-gray core, flanks as light as the seal), away from the dark bar
        for y in 380..420 {
            px[y * w + 250] = level;
            px[y * w + 251] = 100;
            px[y * w + 252] = 100;
            px[y * w + 253] = level;
        }
        Pix::from_gray(w as u32, h as u32, &px).unwrap()
    }

    #[test]
    fn seal_ink_lighter_than_print_is_removed() {
        let seal = Seal {
            cx: 300.0,
            cy: 300.0,
            r: 150.0,
        };
        let mut g = sealed_page(140);
        assert_eq!(clean_seals(&mut g, &[seal], 200.0).unwrap(), vec![true]);
        assert_eq!(g.gray_at(300, 153), 255, "ring");
        assert_eq!(g.gray_at(250, 255), 255, "seal text stroke");
        assert_eq!(g.gray_at(301, 320), 60, "print core");
        // the flank of print darker than half the seal's level is the seal's halo: paper
        assert_eq!(g.gray_at(300, 320), 255, "flank of dark print");
        // light print keeps its flanks (they may be all that is left of it)
        assert_eq!(g.gray_at(251, 400), 100, "light print core");
        assert_eq!(g.gray_at(250, 400), 140, "light print flank");
        // a seal as dark as print is left alone
        let mut g = sealed_page(80);
        assert_eq!(clean_seals(&mut g, &[seal], 200.0).unwrap(), vec![false]);
        assert_eq!(g.gray_at(300, 153), 80);
    }
}

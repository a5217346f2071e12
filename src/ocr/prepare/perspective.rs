//! Perspective: a page photographed at an angle (a phone held over the desk) is no rotated
//! rectangle but a quadrilateral.  Its lines converge: the skew of the text and rulings in the
//! top third of the page differs from the bottom third's, and its vertical rulings lean
//! differently at the left and at the right.  One rotation cannot straighten such a page, and
//! the ruling finder, which opens the page with long thin bricks, breaks every slanted ruling
//! into steps that make no grid: the table is lost although every word of it is legible.
//!
//! [`measure`] takes the skew of four strips of the page (`pixFindSkew`, the same measure as
//! the page's deskew): the top and bottom thirds for the horizontal lines, and the left and
//! right thirds, turned a quarter, for the vertical ones.  Where they differ by
//! [`PERSPECTIVE_MIN_DEG`] or more, the four lines through the strips' centres at those angles
//! bound a quadrilateral that was a rectangle on paper, and [`Perspective::apply`] maps it
//! onto one (`pixProjectivePta`).  A pair of strips whose measure is unsure (a strip with few
//! lines: the vertical rulings of a page with little table) takes the page's own angle, so
//! that it adds no shear of its own.  The deskew that follows finds the page straight.

use crate::ocr::lept::{Pix, Rect};
use anyhow::Result;

/// Strip angles (degrees) that differ by less than this are one skew: the page is only
/// rotated, and the deskew straightens it.  `pixFindSkew` resolves about 0.03°, but strips of
/// a scan that is only rotated differ by up to a quarter of a degree (a seal, a page of text
/// above a table).
pub const PERSPECTIVE_MIN_DEG: f32 = 0.3;

/// Confidence (`pixFindSkew`'s) below which a strip's angle is no measure.
pub const STRIP_MIN_CONF: f32 = 2.5;

/// The most two strips of a pair may differ, or a strip from the page's own angle (degrees):
/// a photo whose corners moved by 3 % of the page turns its lines by under 3°; more is a
/// strip misread (a side strip with little table, whose text columns pass for rulings).
pub const PERSPECTIVE_MAX_DEG: f32 = 3.0;

/// Strip angles beyond this (degrees) are no skew of a scan or photo of a page but a misreading
/// of the strip (the sweep runs to ±7°): nothing is warped.
pub const STRIP_MAX_DEG: f32 = 5.0;

/// The warp that straightens a page: the corners of the quadrilateral that was a rectangle on
/// paper (top left, top right, bottom left, bottom right), and where they go.
#[derive(Debug, Clone, PartialEq)]
pub struct Perspective {
    pub from: [(f32, f32); 4],
    pub to: [(f32, f32); 4],
}

impl Perspective {
    /// `pix` warped so that the quadrilateral becomes its rectangle (same size, white brought
    /// in).
    pub fn apply(&self, pix: &Pix) -> Result<Pix> {
        pix.projective(&self.from, &self.to)
    }
}

/// A strip that measures within this of 0° (degrees) on a page skewed by more than
/// [`PERSPECTIVE_MIN_DEG`] measured the image's frame (a scanner's border band, the edge of
/// the platen), not the page's lines: it is no measure.
pub const FRAME_DEG: f32 = 0.1;

/// The skew of a strip of a 1 bpp page, turned a quarter clockwise first when `turn` (a side
/// strip's vertical lines then run across it), in degrees; None when unsure.
fn strip_angle(bin: &Pix, r: Rect, turn: bool) -> Result<Option<f32>> {
    let mut strip = bin.clip(r)?;
    if turn {
        strip = strip.rotate_orth(1)?;
    }
    let found = strip.find_skew();
    if crate::ocr::debug_on() {
        tracing::debug!("  perspective: strip {r:?} skew {found:?}");
    }
    Ok(found
        .filter(|&(a, conf)| conf >= STRIP_MIN_CONF && a.abs() <= STRIP_MAX_DEG)
        .map(|(a, _)| a))
}

/// The skew angles of the top, bottom, left and right thirds of a 1 bpp page (the side strips'
/// of its vertical lines), and the page's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StripAngles {
    pub top: Option<f32>,
    pub bottom: Option<f32>,
    pub left: Option<f32>,
    pub right: Option<f32>,
    pub page: Option<f32>,
}

pub fn strip_angles(bin: &Pix) -> Result<StripAngles> {
    let (w, h) = (bin.width(), bin.height());
    Ok(StripAngles {
        top: strip_angle(bin, Rect::new(0, 0, w, h / 3), false)?,
        bottom: strip_angle(bin, Rect::new(0, h - h / 3, w, h / 3), false)?,
        left: strip_angle(bin, Rect::new(0, 0, w / 3, h), true)?,
        right: strip_angle(bin, Rect::new(w - w / 3, 0, w / 3, h), true)?,
        page: bin
            .find_skew()
            .filter(|&(a, conf)| conf >= 2.0 && a.abs() <= STRIP_MAX_DEG)
            .map(|(a, _)| a),
    })
}

/// The warp that straightens a 1 bpp page of `w` x `h` pixels whose strips measure `a`, or
/// None when its strips agree (only rotated, or too unsure to say).  A pair of strips that is
/// unsure, off by more than [`PERSPECTIVE_MAX_DEG`], or that measured the frame
/// ([`FRAME_DEG`]) takes the page's angle.
pub fn from_angles(a: &StripAngles, w: i32, h: i32) -> Option<Perspective> {
    // the page's angle; unsure, the strips' mean
    let strips: Vec<f32> = [a.top, a.bottom, a.left, a.right]
        .into_iter()
        .flatten()
        .collect();
    let page = a.page.unwrap_or(if strips.is_empty() {
        0.0
    } else {
        strips.iter().sum::<f32>() / strips.len() as f32
    });
    let near = |x: f32, y: f32| (x - y).abs() <= PERSPECTIVE_MAX_DEG;
    let frame = |x: f32| x.abs() < FRAME_DEG && (x - page).abs() >= PERSPECTIVE_MIN_DEG;
    let pair =
        |p: Option<f32>, q: Option<f32>| match (p.filter(|&x| !frame(x)), q.filter(|&x| !frame(x)))
        {
            (Some(p), Some(q)) if near(p, q) && near(p, page) && near(q, page) => (p, q),
            _ => (page, page),
        };
    let (top, bottom) = pair(a.top, a.bottom);
    let (left, right) = pair(a.left, a.right);
    if (top - bottom).abs() < PERSPECTIVE_MIN_DEG && (left - right).abs() < PERSPECTIVE_MIN_DEG {
        return None;
    }
    let (w, h) = (w as f32, h as f32);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (yt, yb, xl, xr) = (h / 6.0, h * 5.0 / 6.0, w / 6.0, w * 5.0 / 6.0);
    // a line of the page at skew θ falls by -tan θ per pixel to the right (dy/dx); a vertical
    // one moves right by tan θ per pixel down (dx/dy)
    let slope = |deg: f32| deg.to_radians().tan();
    let (mt, mb) = (-slope(top), -slope(bottom));
    let (nl, nr) = (slope(left), slope(right));
    // where the horizontal line through (cx, yh) at dy/dx m meets the vertical one through
    // (xv, cy) at dx/dy n
    let meet = |yh: f32, m: f32, xv: f32, n: f32| {
        let x = (xv + n * (yh - cy - m * cx)) / (1.0 - n * m);
        (x, yh + m * (x - cx))
    };
    let from = [
        meet(yt, mt, xl, nl),
        meet(yt, mt, xr, nr),
        meet(yb, mb, xl, nl),
        meet(yb, mb, xr, nr),
    ];
    let x0 = (from[0].0 + from[2].0) / 2.0;
    let x1 = (from[1].0 + from[3].0) / 2.0;
    let y0 = (from[0].1 + from[1].1) / 2.0;
    let y1 = (from[2].1 + from[3].1) / 2.0;
    Some(Perspective {
        from,
        to: [(x0, y0), (x1, y0), (x0, y1), (x1, y1)],
    })
}

/// The warp that straightens a page (from its 1 bpp line ink), if it needs one, and the
/// angles measured (the page's own is the deskew's fallback, see
/// `preprocess::deskew_angle`).
pub fn measure(bin: &Pix) -> Result<(Option<Perspective>, StripAngles)> {
    let a = strip_angles(bin)?;
    let p = from_angles(&a, bin.width(), bin.height());
    if crate::ocr::debug_on() {
        tracing::debug!("  perspective: strips {a:?} -> {p:?}");
    }
    Ok((p, a))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of 1200 x 1600 pixels (8 bpp) with a ruled table of 20 rows and 6 columns and
    /// a line of text-like marks in each cell.
    fn ruled_page() -> Pix {
        let (w, h) = (1200, 1600);
        let mut p = Pix::create(w, h, 8).unwrap();
        p.fill_rect(Rect::new(0, 0, w, h), 255).unwrap();
        let (x0, x1, y0, y1) = (100, 1100, 150, 1450);
        for r in 0..=20 {
            let y = y0 + r * (y1 - y0) / 20;
            p.fill_rect(Rect::new(x0, y, x1 - x0, 3), 0).unwrap();
        }
        for c in 0..=6 {
            let x = x0 + c * (x1 - x0) / 6;
            p.fill_rect(Rect::new(x, y0, 3, y1 - y0), 0).unwrap();
        }
        for r in 0..20 {
            let y = y0 + r * (y1 - y0) / 20 + 22;
            for c in 0..6 {
                let x = x0 + c * (x1 - x0) / 6 + 20;
                for k in 0..6 {
                    p.fill_rect(Rect::new(x + k * 22, y, 16, 20), 0).unwrap();
                }
            }
        }
        p
    }

    fn angles(p: &Pix) -> StripAngles {
        strip_angles(&p.threshold(128).unwrap()).unwrap()
    }

    #[test]
    fn a_page_photographed_at_an_angle_is_straightened() {
        let page = ruled_page();
        // the top edge narrower than the bottom one, and the right side shorter: a photo
        let (w, h) = (1200.0, 1600.0);
        let warp = Perspective {
            from: [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)],
            to: [(30.0, 10.0), (w - 20.0, 40.0), (0.0, h), (w, h - 20.0)],
        };
        let photo = warp.apply(&page).unwrap();
        let a = angles(&photo);
        let (top, bottom) = (a.top.unwrap(), a.bottom.unwrap());
        assert!((top - bottom).abs() >= PERSPECTIVE_MIN_DEG, "{a:?}");
        let fix = measure(&photo.threshold(128).unwrap())
            .unwrap()
            .0
            .expect("a warp");
        let b = angles(&fix.apply(&photo).unwrap());
        let (top, bottom) = (b.top.unwrap(), b.bottom.unwrap());
        assert!((top - bottom).abs() < 0.1, "{b:?}");
        assert!(top.abs() < 0.15 && bottom.abs() < 0.15, "{b:?}");
        if let (Some(l), Some(r)) = (b.left, b.right) {
            assert!((l - r).abs() < 0.15 && l.abs() < 0.2, "{b:?}");
        }
    }

    #[test]
    fn a_page_only_rotated_is_left_to_the_deskew() {
        let page = ruled_page().rotate(1.5).unwrap();
        let bin = page.threshold(128).unwrap();
        let a = strip_angles(&bin).unwrap();
        assert!(
            a.top.is_some_and(|t| (t - a.page.unwrap()).abs() < 0.1),
            "{a:?}"
        );
        assert_eq!(measure(&bin).unwrap().0, None);
        // strips that cannot be measured take the page's angle: no warp either
        let unsure = StripAngles {
            top: Some(1.0),
            bottom: None,
            left: None,
            right: None,
            page: Some(1.0),
        };
        assert_eq!(from_angles(&unsure, 1200, 1600), None);
        // a side strip 3.5° off the other is a misreading, not a photo's lean
        let misread = StripAngles {
            top: Some(1.8),
            bottom: Some(1.8),
            left: Some(2.9),
            right: Some(-0.6),
            page: Some(1.9),
        };
        assert_eq!(from_angles(&misread, 1200, 1600), None);
        let lean = StripAngles {
            right: Some(1.4),
            ..misread
        };
        assert!(from_angles(&lean, 1200, 1600).is_some());
        // a bottom strip at 0° on a page skewed 2.5° measured the image's frame
        let framed = StripAngles {
            top: Some(-2.47),
            bottom: Some(-0.05),
            left: Some(-2.47),
            right: None,
            page: Some(-2.5),
        };
        assert_eq!(from_angles(&framed, 1200, 1600), None);
        // the page's angle unsure: the strips' mean stands for it
        let photo = StripAngles {
            top: Some(3.8),
            bottom: Some(2.0),
            left: Some(1.7),
            right: Some(2.1),
            page: None,
        };
        assert!(from_angles(&photo, 1200, 1600).is_some());
    }
}

//! Image clean-up before OCR, all with leptonica: seal suppression, illumination flattening,
//! deskew, binarisation and ruling-line detection by morphology.
//!
//! * **Seal.** Official seals are red; black and blue ink are dark in the red channel while red
//!   ink is nearly as light as the paper there, so for colour scans the red channel is the gray
//!   image (the classic "dropout colour" trick), and the colourful pixels that are light in red
//!   (`pixMaskOverColorPixels`) are whitened outright.  Text under the seal survives, because
//!   black over red is still dark in red.  Gray scans of a seal cannot be separated by colour:
//!   there the seal's ring is found by its shape ([`crate::ocr::seal`]), the ruling pieces on it are
//!   dropped, and the producer marks the cells under it as read in doubt.
//! * **Illumination.** `pixBackgroundNorm` estimates the paper level per tile and maps it to
//!   white, so a global threshold afterwards works under uneven light and tinted paper.
//! * **Perspective.** A page photographed at an angle is straightened first
//!   ([`perspective`]): its strips' skews differ, and one rotation cannot fix it.
//! * **Deskew.** `pixFindSkew` (differential square sum over a ±7° sweep) on the binarised page;
//!   corrections between 0.05° and 3° are applied with an area-mapped `pixRotate`.
//! * **Rulings.** Opening the (permissively thresholded, so faint lines count) binary image with
//!   long thin bricks keeps only long horizontal / vertical runs; closing then bridges erased
//!   gaps.  Components of the result are the ruling segments.  A horizontal piece is then
//!   followed outward along print-dark ink past the extent of all the pieces found
//!   ([`follow_faint_ends`]): a table's pale border side, which the opening misses.  The
//!   ruling pixels are painted white in the gray image so that they cannot leak into OCR
//!   crops or the page-level pass.  Pieces judged print are not painted: through a line of
//!   text, as light as the band beside them, strokes inside a glyph blob, or alone (rule
//!   `lone_text_piece`, [`lone_piece`]: short, meeting no column line, in line with no other
//!   piece).
//! * **Speckle.** On a noisy page ([`paper_noise`]) the cleaned image goes through a 3x3
//!   median (`pixMedianFilter`) when the median keeps the print's strokes ([`print_kept`]):
//!   rule `despeckle`, see [`DESPECKLE_NOISE`] and [`DESPECKLE_KEEP`].  Sharp print of 1-2 px
//!   at low resolution is left as it is.

use crate::model::Segment;
use crate::ocr::image::PageImage;
use crate::ocr::lept::{Pix, Rect};
use crate::ocr::perspective;
use crate::ocr::seal::{self, Seal};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The prepared page: every image has the same size and the deskewed geometry.
pub struct Prepared {
    /// 8 bpp, seal dropped (colour input), background flattened, deskewed, rulings removed.
    pub gray: Pix,
    /// `gray` with the strokes of large glyphs that look like ruling pieces kept, for reading
    /// the text outside the tables (titles).
    pub page_gray: Pix,
    /// 1 bpp of `gray`: text ink only.
    pub text: Pix,
    /// 1 bpp of `gray` at the permissive line threshold: faint print too (and more noise); used
    /// only to widen a cell's reading region to light glyphs next to its ink.
    pub faint: Pix,
    /// Ruling segments in pixels of `gray`.
    pub rulings_px: Vec<Rect>,
    /// Skew that was corrected, in degrees (0 when none).
    pub skew_deg: f32,
    /// Resolution (horizontal, vertical).
    pub dpi: (f32, f32),
    /// Seal rings found by shape (gray scans; colour scans have theirs dropped already).
    pub seals: Vec<Seal>,
    /// The seals whose ink could not be removed from `gray` by its level
    /// ([`seal::clean_seals`]): their strokes are still in the cells under them.
    pub uncleaned: Vec<Seal>,
    /// `text` before the seals' ink was removed (only when some was): a cell that the removal
    /// left blank but that held ink before is in doubt, not blank.
    pub text_before_clean: Option<Pix>,
    /// `text` before the rulings (and what was taken for them) were painted out: a cell that
    /// the paint left blank but that held print before is in doubt, not blank
    /// ([`crate::ocr::rules::ink::print_painted_out`]).
    pub text_before_paint: Pix,
}

impl Prepared {
    /// Ruling segments in points (top-left origin).
    pub fn rulings_pt(&self) -> Vec<Segment> {
        let (sx, sy) = (72.0 / self.dpi.0, 72.0 / self.dpi.1);
        self.rulings_px
            .iter()
            .map(|r| {
                if r.w >= r.h {
                    let y = (r.y as f32 + r.h as f32 / 2.0) * sy;
                    Segment {
                        x0: r.x as f32 * sx,
                        y0: y,
                        x1: r.x1() as f32 * sx,
                        y1: y,
                    }
                } else {
                    let x = (r.x as f32 + r.w as f32 / 2.0) * sx;
                    Segment {
                        x0: x,
                        y0: r.y as f32 * sy,
                        x1: x,
                        y1: r.y1() as f32 * sy,
                    }
                }
            })
            .collect()
    }
}

/// Threshold for text ink on the background-normalised image (paper maps to 255).
const TEXT_THRESHOLD: i32 = 170;
/// Permissive threshold for finding faint ruling lines (noise is removed by the opening).
pub const LINE_THRESHOLD: i32 = 225;
/// The more permissive threshold for a second look at a page whose rulings at
/// [`LINE_THRESHOLD`] make no table (see `ocr::FAINT_RETRY_CELLS`): rulings lightened to a
/// third of their ink, then blurred, have cores of 200-230.  Not the default: on a page whose
/// grid was found, it also turns pale strokes and shading into rulings.
pub const FAINT_LINE_THRESHOLD: i32 = 235;
/// Rule `noisy_faint_rulings`: a third look at a page whose rulings made no table at either
/// threshold finds them on the image smoothed along each ruling's direction, a running median
/// [`LINE_MEDIAN`] inches long (horizontal for the horizontal rulings, vertical for the
/// vertical ones), thresholded at [`MEDIAN_LINE_THRESHOLD`].  A ruling printed at a third of
/// its ink and scanned with heavy noise has a median of 230-238 along its length but single
/// pixels far above any threshold, so the opening that keeps only long runs breaks it into
/// nothing; the median along the line takes the noise out and keeps the line, and it takes out
/// the strokes of print across it (narrower than half the window).  Only a third look: on a
/// page whose grid was found, it also makes rulings of rows of print.
pub const LINE_MEDIAN: f32 = 0.05;
/// The line threshold on the image smoothed by [`LINE_MEDIAN`] (paper's noise averaged out,
/// it stays above 245).
pub const MEDIAN_LINE_THRESHOLD: i32 = 240;

/// The background normalisation's threshold for foreground on a page of clean paper: light-gray
/// print (down to ~190) must not count as background, or it gets bleached.
pub const BACKGROUND_FG: i32 = 190;
/// The lowest that threshold goes on dark or noisy paper (see [`foreground_threshold`]): print
/// lighter than this is taken for paper there.
pub const BACKGROUND_FG_MIN: i32 = 140;
/// Side of the tiles (inches) in which the paper's level and noise are measured.
pub const PAPER_TILE: f32 = 0.5;
/// Share of the page's tiles whose paper may reach below the threshold.
pub const DARK_PAPER_SHARE: f32 = 0.2;
/// How far below its 90th percentile a tile's paper reaches, in units of the spread between
/// its 75th and 90th percentiles (for normal noise that spread is 0.66 sigma: 6 of them are the
/// paper's 1st percentile and lower).
pub const PAPER_REACH: i32 = 6;

/// Rule `dark_paper`: the background normalisation's foreground threshold for this page (8 bpp
/// bytes, row-major, `width` wide; `tile` px).  Leptonica marks pixels below the threshold as
/// foreground, widens that mask by 7 px, and takes a tile with too few pixels left as a hole,
/// filled from its neighbours row by row.  Paper darker or noisier than the threshold (uneven
/// light, a tinted sheet, heavy scanner noise) leaves a whole region of holes, and the fill
/// smears print into horizontal streaks across it: labels become unreadable.  So the threshold
/// goes below the paper: under the level that all but [`DARK_PAPER_SHARE`] of the tiles' paper
/// stays above, never above [`BACKGROUND_FG`] (clean pages are as before) nor below
/// [`BACKGROUND_FG_MIN`].
pub fn foreground_threshold(bytes: &[u8], width: usize, tile: usize) -> i32 {
    let tile = tile.max(8);
    if width == 0 {
        return BACKGROUND_FG;
    }
    let height = bytes.len() / width;
    let mut floors = Vec::new();
    for ty in (0..height.saturating_sub(tile - 1)).step_by(tile) {
        for tx in (0..width.saturating_sub(tile - 1)).step_by(tile) {
            let mut hist = [0u32; 256];
            for y in ty..ty + tile {
                for &v in &bytes[y * width + tx..y * width + tx + tile] {
                    hist[v as usize] += 1;
                }
            }
            let level = |q: u64| percentile(&hist, q).map_or(255, |v| v as i32);
            let (p75, p90) = (level(75), level(90));
            floors.push(p90 - PAPER_REACH * (p90 - p75));
        }
    }
    if floors.is_empty() {
        return BACKGROUND_FG;
    }
    floors.sort_unstable();
    let at = ((floors.len() as f32 * DARK_PAPER_SHARE) as usize).min(floors.len() - 1);
    floors[at].clamp(BACKGROUND_FG_MIN, BACKGROUND_FG)
}

/// Rule `despeckle`: paper noise ([`paper_noise`], gray levels) from which a page's cleaned
/// image is read through a 3x3 median.  Noise of this strength leaves specks at the text
/// threshold among the glyphs of small print: the cells' ink looks like more than it is, and
/// the recogniser reads garbled labels (行政规范性文件 as 各疏失落性文御 on a 135 dpi scan
/// whose cleaned page reads with the median).  Clean scans (noise 0-5) are read as they are.
pub const DESPECKLE_NOISE: f32 = 6.0;
/// Rule `despeckle`: the least share of the print's upright strokes ([`print_kept`]) that
/// the 3x3 median must keep.  A median erases strokes under 2 px wide (sharp print at 100-120
/// dpi is 1-2 px, a requests table's small labels the thinnest on a page): where it takes
/// more than a few percent of the strokes, it destroys more than the specks it takes out.
pub const DESPECKLE_KEEP: f32 = 0.97;

/// Rule `despeckle`: whether a page with paper noise `noise`, of whose print's strokes a 3x3
/// median keeps the share `kept`, is read through the median (see [`DESPECKLE_NOISE`],
/// [`DESPECKLE_KEEP`]).
pub fn despeckle(noise: f32, kept: f32) -> bool {
    noise >= DESPECKLE_NOISE && kept >= DESPECKLE_KEEP
}

/// The paper's pixel noise (gray levels, one standard deviation): the median difference of
/// horizontally adjacent pixels that are both paper (lighter than `fg`), over every third row.
/// For independent noise of deviation s the difference has median 0.954 s.
pub fn paper_noise(bytes: &[u8], width: usize, fg: i32) -> f32 {
    let mut hist = [0u32; 256];
    for row in bytes.chunks_exact(width.max(1)).step_by(3) {
        for p in row.windows(2) {
            let (a, b) = (p[0] as i32, p[1] as i32);
            if a > fg && b > fg {
                hist[(a - b).unsigned_abs() as usize] += 1;
            }
        }
    }
    percentile(&hist, 50).map_or(0.0, |v| v as f32 / 0.954)
}

/// The least value (index of `hist`) at or below which `q` percent of the counted values lie;
/// None for an empty histogram.
fn percentile(hist: &[u32], q: u64) -> Option<usize> {
    let n: u64 = hist.iter().map(|&c| c as u64).sum();
    let mut acc = 0u64;
    for (v, &c) in hist.iter().enumerate() {
        acc += c as u64;
        if n > 0 && acc * 100 >= n * q {
            return Some(v);
        }
    }
    None
}

/// The share of the print's upright strokes that `after` (the page through a filter) keeps:
/// of the pixels of `before` darker than `thresh` with ink above and below them too (strokes;
/// specks of noise a pixel or two high are left out), those still darker than `thresh` in
/// `after`.  1.0 where there is no such ink.
pub fn print_kept(before: &[u8], after: &[u8], width: usize, thresh: u8) -> f32 {
    let rows: Vec<&[u8]> = before.chunks_exact(width.max(1)).collect();
    let (mut core, mut kept) = (0u32, 0u32);
    for y in 1..rows.len().saturating_sub(1) {
        for x in 0..width {
            if rows[y][x] < thresh && rows[y - 1][x] < thresh && rows[y + 1][x] < thresh {
                core += 1;
                if after[y * width + x] < thresh {
                    kept += 1;
                }
            }
        }
    }
    if core == 0 {
        1.0
    } else {
        kept as f32 / core as f32
    }
}

fn px(dpi: f32, inches: f32) -> i32 {
    (dpi * inches).round().max(1.0) as i32
}

/// Text ink of the cleaned page (used to find blank cells and glyph shapes; Tesseract gets the
/// gray image and thresholds each crop itself).
fn binarize_text(gray: &Pix, dpi: f32, how: Binarize) -> Result<Pix> {
    match how {
        Binarize::Global => gray.threshold(TEXT_THRESHOLD),
        Binarize::Sauvola => gray
            .sauvola(px(dpi, 0.1).max(8), 0.2)?
            .and(&gray.threshold(235)?),
        Binarize::Otsu => {
            // Otsu on the flattened page: between the ink and the (white) paper, so it follows
            // faint gray print; clamped so that a page of pure noise or pure black stays sane.
            let (_, t) = gray.otsu()?;
            if crate::ocr::debug_on() {
                tracing::debug!("  otsu threshold {t}");
            }
            gray.threshold(t.clamp(TEXT_THRESHOLD, 215))
        }
    }
}

/// Colour page -> gray with red ink removed: the red channel, and pixels that are both
/// colourful and bright in red (seal ink, its JPEG fringes) set to white.  Black print over the
/// seal is dark in red and stays.  Also returns the removed seal ink as an 8 bpp image (ink
/// black on white), in which the seal's ring can be found by shape, when there is enough.
fn drop_red(src: &Pix, dpi: f32) -> Result<(Pix, Option<Pix>)> {
    let mut red = src.red_channel()?;
    let seal = src.color_mask(60)?.and(&red.threshold(140)?.invert()?)?;
    red.paint_through_mask(&seal, 255)?;
    // the ring in the colour mask is dashed (print crossing it is dark, not colourful; JPEG
    // blocks): thickening it by about 1 mm joins the dashes into the closed ring the shape
    // test looks for
    let k = px(dpi, 0.04).max(3);
    // Less colourful ink than the smallest ring (34 mm across, 0.5 mm of stroke: 53 mm²)
    // holds no seal: the shape search (~0.1 s a page) is skipped.
    let mm2 = (dpi / 25.4).powi(2);
    let ring = if seal.count_pixels() as f32 >= 53.0 * mm2 {
        Some(seal.dilate_brick(k, k)?.to_gray()?)
    } else {
        None
    };
    Ok((red, ring))
}

/// The ruling segments of an opened line image (`horizontal`: runs along x): components at
/// least `len` long and at most `max_thick` thick after bridging gaps up to `gap`.  A
/// component too thick to be a line is usually a ruling joined to something that crosses it
/// (the ring of a seal, a stroke of handwriting): inside its box the image is opened again
/// with a brick three times as long, which removes the short crossing pieces and leaves the
/// long straight ruling, and the pieces that are thin enough then are kept.
fn line_boxes(
    open: &Pix,
    horizontal: bool,
    len: i32,
    gap: i32,
    max_thick: i32,
) -> Result<Vec<Rect>> {
    let along = |r: &Rect| if horizontal { r.w } else { r.h };
    let across = |r: &Rect| if horizontal { r.h } else { r.w };
    let close = |p: &Pix| {
        if horizontal {
            p.close_brick(gap, 1)
        } else {
            p.close_brick(1, gap)
        }
    };
    let mut out = Vec::new();
    for r in close(open)?.components()? {
        if along(&r) < len {
            continue;
        }
        if across(&r) <= max_thick {
            out.push(r);
            continue;
        }
        let sub = open.clip(r)?;
        // a long ruling left slightly tilted (the page's skew is corrected as a whole, a
        // line may be off by a few tenths of a degree): thin on average, its box only wide
        if across(&r) <= max_thick + along(&r) / 50
            && sub.count_pixels() <= max_thick * along(&r) / 2
        {
            out.push(r);
            continue;
        }
        let long = if horizontal {
            sub.open_brick(3 * len, 1)?
        } else {
            sub.open_brick(1, 3 * len)?
        };
        for p in close(&long)?.components()? {
            if along(&p) >= len && across(&p) <= max_thick {
                out.push(Rect::new(p.x + r.x, p.y + r.y, p.w, p.h));
            }
        }
    }
    Ok(out)
}

/// Longest run of paper (points, as inches × dpi via `px`) a ruling followed along faint ink
/// may cross: a toner drop-out, not the space between two tables.
const FOLLOW_GAP: f32 = 0.03;
/// How far above and below a ruling piece its continuation may lie (pixels): a line left
/// slightly tilted steps a pixel or two along its length.
const FOLLOW_BAND: i32 = 2;

/// A horizontal ruling piece followed past both ends along ink (gray below `TEXT_THRESHOLD`,
/// as dark as print: not the permissive line threshold, at which a gray seal's stipple or
/// the paper's noise would carry it on, in a band of `FOLLOW_BAND` around the piece's rows),
/// while the runs of paper stay within `max_gap` pixels.  A ruling paler at one side of the page, or tilted so
/// that its thin end steps between pixel rows, is found by the opening only where it is dark
/// and straight for the opening's length; its pale end is still ink all the way to the
/// table's border (without it the border column is lost: its cells fall outside the grid).
fn follow_faint_ends(gray: &Pix, h: Rect, max_gap: i32) -> Rect {
    let (y0, y1) = (h.y - FOLLOW_BAND, h.y1() + FOLLOW_BAND);
    let ink = |x: i32| (y0..y1).any(|y| (gray.gray_at(x, y) as i32) < TEXT_THRESHOLD);
    let walk = |from: i32, step: i32| {
        let (mut last, mut x, mut blank) = (from, from + step, 0);
        while x >= 0 && x < gray.width() && blank <= max_gap {
            if ink(x) {
                last = x;
                blank = 0;
            } else {
                blank += 1;
            }
            x += step;
        }
        last
    };
    let (a, b) = (walk(h.x, -1), walk(h.x1() - 1, 1));
    Rect::new(a, h.y, b - a + 1, h.h)
}

/// How the text ink is told from the paper ([`binarize_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Binarize {
    /// Otsu's threshold on the flattened page, clamped (the default).
    #[default]
    Otsu,
    /// One fixed threshold (`TEXT_THRESHOLD`), for comparisons.
    Global,
    /// Sauvola's local threshold, for comparisons.
    Sauvola,
}

impl std::str::FromStr for Binarize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "otsu" => Ok(Binarize::Otsu),
            "global" => Ok(Binarize::Global),
            "sauvola" => Ok(Binarize::Sauvola),
            _ => Err(format!("{s:?}: expected otsu, global or sauvola")),
        }
    }
}

/// Settings of the clean-up (the defaults for production; the others for comparisons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrepareOptions {
    /// How the text ink is binarised.
    pub binarize: Binarize,
    /// Find seal rings by shape (off: no seal handling beyond dropping red ink).
    pub seals: bool,
    /// Gray level below which ink may be a ruling ([`LINE_THRESHOLD`] by default).
    pub line_threshold: i32,
    /// Find the rulings on the image smoothed along their direction (rule
    /// `noisy_faint_rulings`).
    pub line_median: bool,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            binarize: Binarize::Otsu,
            seals: true,
            line_threshold: LINE_THRESHOLD,
            line_median: false,
        }
    }
}

/// Run the whole clean-up with the default settings.
pub fn prepare(img: &PageImage) -> Result<Prepared> {
    prepare_with(img, &PrepareOptions::default())
}

/// Run the whole clean-up.
pub fn prepare_with(img: &PageImage, opts: &PrepareOptions) -> Result<Prepared> {
    let dbg = crate::ocr::debug_on();
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        if dbg {
            tracing::debug!("  prepare {what}: {:?}", t0.elapsed());
        }
    };
    let src = img.pix();
    let (gray0, seal_ink) = if src.depth() == 32 {
        drop_red(src, img.dpi_x)?
    } else {
        (src.to_gray()?, None)
    };
    let dpi = img.dpi_x;
    // the page's bytes, read once for the paper's threshold and its noise
    let bytes = gray0.gray_bytes()?;
    let width = gray0.width() as usize;
    let fg = foreground_threshold(&bytes, width, px(dpi, PAPER_TILE) as usize);
    if dbg && fg != BACKGROUND_FG {
        tracing::debug!("  dark or noisy paper: background foreground threshold {fg}");
    }
    let noise = paper_noise(&bytes, width, fg);
    drop(bytes);
    let norm = gray0.background_norm(px(dpi, 0.1).max(8), fg, 255)?;
    drop(gray0);
    lap("gray+norm");

    // a page photographed at an angle: its quadrilateral made a rectangle again
    let mut gray = norm;
    let mut seal_ink = seal_ink;
    let (warp, strips) = perspective::measure(&gray.threshold(LINE_THRESHOLD)?)?;
    if let Some(p) = &warp {
        gray = p.apply(&gray)?;
        seal_ink = seal_ink.map(|s| p.apply(&s)).transpose()?;
    }
    lap("perspective");

    // deskew (a warped page's angle was measured before the warp: it has none of its own)
    let mut skew_deg = 0.0;
    let text_skew = gray.threshold(TEXT_THRESHOLD)?.find_skew();
    let line_skew = if warp.is_none() { strips.page } else { None };
    let angle = deskew_angle(text_skew, line_skew);
    if dbg {
        tracing::debug!("  deskew: text threshold {text_skew:?}, lines {line_skew:?} -> {angle:?}");
    }
    if let Some(angle) = angle {
        gray = gray.rotate(angle)?;
        skew_deg = angle;
    }
    let seal_ink = match seal_ink {
        Some(s) if skew_deg != 0.0 => Some(s.rotate(skew_deg)?),
        s => s,
    };

    lap("deskew");
    let no_seal = !opts.seals;
    let seals = if src.depth() == 32 || no_seal {
        Vec::new()
    } else {
        seal::find_seals(&gray, dpi)?
    };
    // On a colour page the seal's ink is dropped by colour, but a faint ring leaves gray
    // remnants in the red channel (JPEG, light seals) whose arcs, where they run along x or y,
    // look like short rulings and split cells.  The ring is found by shape in the dropped ink.
    let colour_seals = match &seal_ink {
        Some(s) if !no_seal => seal::find_seals(s, dpi)?,
        _ => Vec::new(),
    };
    drop(seal_ink);
    if dbg {
        tracing::debug!("  seals {seals:?} colour seals {colour_seals:?}");
    }
    lap("seals");
    // rulings (on a 2x reduced image above 250 dpi: a quarter of the pixels, lines stay)
    let full_lines = gray.threshold(opts.line_threshold)?;
    let (lines, f, ldpi) = if dpi >= 250.0 {
        (full_lines.reduce2_any()?, 2, dpi / 2.0)
    } else {
        (full_lines, 1, dpi)
    };
    let h_len = px(ldpi, 0.35);
    let v_len = px(ldpi, 0.2);
    let gap = px(ldpi, 0.08);
    let max_thick = px(ldpi, 0.06).max(3);
    let (h_open, v_open) = if opts.line_median {
        // odd, so the window is centred
        let k = px(dpi, LINE_MEDIAN) | 1;
        let t = MEDIAN_LINE_THRESHOLD;
        let reduce = |p: Pix| if f == 2 { p.reduce2_any() } else { Ok(p) };
        (
            reduce(gray.median(k, 1)?.threshold(t)?)?.open_brick(h_len, 1)?,
            reduce(gray.median(1, k)?.threshold(t)?)?.open_brick(1, v_len)?,
        )
    } else {
        (lines.open_brick(h_len, 1)?, lines.open_brick(1, v_len)?)
    };
    let scale = |r: Rect| Rect::new(r.x * f, r.y * f, r.w * f, r.h * f);
    let h_boxes: Vec<Rect> = line_boxes(&h_open, true, h_len, gap, max_thick)?
        .into_iter()
        .map(scale)
        .collect();
    let v_all: Vec<Rect> = line_boxes(&v_open, false, v_len, gap, max_thick)?
        .into_iter()
        .map(scale)
        .collect();
    // pieces no darker than what lies beside them are a shaded band's texture
    let beside = px(dpi, BESIDE).max(2);
    let (h_boxes, h_shade): (Vec<Rect>, Vec<Rect>) = h_boxes
        .into_iter()
        .partition(|r| stands_out(&gray, *r, true, beside));
    let (h_boxes, h_text): (Vec<Rect>, Vec<Rect>) = h_boxes.into_iter().partition(|r| {
        r.w > px(dpi, TEXT_RUN_MAX) || inked_both_sides(&gray, *r, beside) < THROUGH_TEXT
    });
    if dbg && !h_text.is_empty() {
        tracing::debug!("  horizontal pieces through text: {h_text:?}");
    }
    // horizontal pieces judged no ruling (print run together, a band as light as beside it):
    // painted out with the rulings they would erase print
    let mut not_rulings: Vec<Rect> = h_shade.iter().chain(&h_text).copied().collect();
    // rule `noisy_faint_rulings`: on the smoothed image, a piece as dark as print is print
    let (h_boxes, h_print): (Vec<Rect>, Vec<Rect>) = h_boxes
        .into_iter()
        .partition(|r| !opts.line_median || !print_dark(&gray, *r, true));
    let v_all: Vec<Rect> = v_all
        .into_iter()
        .filter(|r| !opts.line_median || !print_dark(&gray, *r, false))
        .collect();
    if dbg && !h_print.is_empty() {
        tracing::debug!("  smoothed pieces as dark as print: {h_print:?}");
    }
    not_rulings.extend(h_print);
    let (v_all, v_shade): (Vec<Rect>, Vec<Rect>) = v_all
        .into_iter()
        .partition(|r| stands_out(&gray, *r, false, beside));
    if dbg && !(h_shade.is_empty() && v_shade.is_empty()) {
        tracing::debug!("  pieces as light as beside them: {h_shade:?} {v_shade:?}");
    }
    // the found pieces and the same followed along faint ink past their ends
    // only outward, past the extent of all the pieces found: the ends of a table whose
    // border side is pale (inside the table, the grid's own steps restore lost edges, and a
    // piece's stroke followed into a cell would cut it)
    let ext = Rect::hull(h_boxes.iter().copied()).unwrap_or_default();
    let (ext0, ext1) = (ext.x, ext.x1());
    let h_boxes: Vec<(Rect, Rect)> = h_boxes
        .into_iter()
        .map(|h| {
            let e = follow_faint_ends(&gray, h, px(dpi, FOLLOW_GAP));
            let a = if e.x < ext0 { e.x } else { h.x };
            let b = if e.x1() > ext1 { e.x1() } else { h.x1() };
            (h, Rect::new(a, h.y, b - a, h.h))
        })
        .collect();
    if dbg {
        for (h, e) in h_boxes.iter().filter(|(h, e)| h != e) {
            tracing::debug!("  horizontal ruling {h:?} followed along faint ink to {e:?}");
        }
    }
    // A vertical ruling ends on a horizontal one (at least at one end); text strokes don't.
    // A longer piece inside the span of the horizontal rulings is kept too (a ruling whose
    // ends were erased).
    let reach = px(dpi, 0.06);
    let span = Rect::hull(h_boxes.iter().map(|(_, h)| *h)).unwrap_or_default();
    let (hx0, hx1, hy0, hy1) = (span.x, span.x1(), span.y, span.y1());
    let touches = |x: i32, y: i32| {
        h_boxes.iter().any(|(_, h)| {
            x >= h.x - reach && x <= h.x1() + reach && (y - (h.y + h.h / 2)).abs() <= reach
        })
    };
    let v_boxes: Vec<Rect> = v_all
        .into_iter()
        .filter(|v| {
            let cx = v.x + v.w / 2;
            touches(cx, v.y)
                || touches(cx, v.y1())
                || (v.h >= px(dpi, 0.3)
                    && cx >= hx0
                    && cx <= hx1
                    && v.y >= hy0 - reach
                    && v.y1() <= hy1 + reach)
        })
        .collect();

    // A horizontal piece found inside one glyph-sized blob of ink, with ink above and below
    // it, is strokes of a line of text run together (三, 一 and the bars of neighbouring
    // glyphs touching in a blurred photo), not a ruling: extended to the grid it would cut a
    // row in two through its label.
    let mut followed: Vec<Rect> = Vec::new();
    let h_boxes = {
        let blobs: Vec<Rect> = lines
            .components()?
            .into_iter()
            .filter(|c| text_blob(c, ldpi))
            .map(scale)
            .collect();
        // told by the piece as found: followed along ink, a stroke run may leave its blob
        let pieces: Vec<Rect> = h_boxes.iter().map(|(h, _)| *h).collect();
        let (keep, strokes): (Vec<(Rect, Rect)>, Vec<(Rect, Rect)>) = h_boxes
            .into_iter()
            .partition(|(h, _)| !text_strokes(h, &pieces, &blobs, px(dpi, STROKE_MARGIN)));
        // the followed ends, to be painted out with the rulings (the opening did not keep them)
        for (h, e) in &keep {
            for (a, b) in [(e.x, h.x), (h.x1(), e.x1())] {
                if b > a {
                    followed.push(Rect::new(
                        a,
                        h.y - FOLLOW_BAND,
                        b - a,
                        h.h + 2 * FOLLOW_BAND,
                    ));
                }
            }
        }
        let (keep, strokes): (Vec<Rect>, Vec<Rect>) = (
            keep.into_iter().map(|(_, e)| e).collect(),
            strokes.into_iter().map(|(h, _)| h).collect(),
        );
        if dbg && !strokes.is_empty() {
            tracing::debug!("  horizontal pieces that are text strokes: {strokes:?}");
        }
        not_rulings.extend(strokes);
        keep
    };
    // rule `lone_text_piece`: a short piece that meets no vertical ruling and continues no
    // other piece's line is strokes of a label run together, not a ruling
    let h_boxes = {
        let (lone, keep): (Vec<Rect>, Vec<Rect>) = h_boxes
            .iter()
            .copied()
            .partition(|h| lone_piece(h, &h_boxes, &v_boxes, dpi));
        if dbg && !lone.is_empty() {
            tracing::debug!("  horizontal pieces alone, strokes of print: {lone:?}");
        }
        not_rulings.extend(lone);
        keep
    };
    let (h_boxes, v_boxes) = seal::drop_seal_pieces(h_boxes, v_boxes, &seals, dpi);
    let (h_boxes, v_boxes) = seal::drop_ring_arcs(h_boxes, v_boxes, &colour_seals, dpi);
    lap("rulings");
    // the gray seal's own ink, where it is lighter than print, out of the cells' image
    let mut before_clean = if seals.is_empty() {
        None
    } else {
        Some(gray.copy()?)
    };
    let cleaned = seal::clean_seals(&mut gray, &seals, dpi)?;
    if !cleaned.iter().any(|&c| c) {
        before_clean = None;
    }
    let uncleaned: Vec<Seal> = seals
        .iter()
        .zip(&cleaned)
        .filter(|&(_, &c)| !c)
        .map(|(s, _)| *s)
        .collect();
    // Paint the line pixels out of the gray image.  The openings also keep the long strokes of
    // large (title) glyphs; erasing those turns 当阳市人民政府2022年… into fragments.  Table cells
    // are read from `gray` (everything line-like erased: a stray ruling piece in a cell is worse
    // than a damaged glyph there), the text outside the tables from `page_gray`, where the
    // pieces lying inside glyph-shaped ink stay.
    let mut mask = h_open.or(&v_open)?;
    drop(h_open);
    drop(v_open);
    {
        let kept: Vec<Rect> = h_boxes.iter().chain(&v_boxes).copied().collect();
        let to_mask = |r: &Rect| Rect::new(r.x / f, r.y / f, (r.w + f - 1) / f, (r.h + f - 1) / f);
        let not: Vec<Rect> = not_rulings.iter().map(to_mask).collect();
        let kept: Vec<Rect> = kept.iter().map(to_mask).collect();
        mask = spare_print(&mask, &not, &kept, px(ldpi, PRINT_REACH).max(1))?;
    }
    let spare = glyph_strokes(&lines, &mask, ldpi)?;
    drop(lines);
    let mut page_mask = mask.and(&spare.invert()?)?;
    if f == 2 {
        mask = mask.expand2()?;
        page_mask = page_mask.expand2()?;
    }
    let mask = if seals.is_empty() {
        mask
    } else {
        let kept: Vec<Rect> = h_boxes.iter().chain(&v_boxes).copied().collect();
        seal::rulings_only_on_seals(&mask, &seals, &kept, px(dpi, 0.02), dpi)?
    };
    let mask = mask.dilate_brick(3, 3)?;
    let page_mask = page_mask.dilate_brick(3, 3)?;
    let mut page_gray = gray.copy()?;
    page_gray.paint_through_mask(&page_mask, 255)?;
    drop(page_mask);
    let mut before_paint = gray.copy()?;
    gray.paint_through_mask(&mask, 255)?;
    if let Some(b) = before_clean.as_mut() {
        b.paint_through_mask(&mask, 255)?;
    }
    for r in &followed {
        gray.fill_rect(*r, 255)?;
        page_gray.fill_rect(*r, 255)?;
        if let Some(b) = before_clean.as_mut() {
            b.fill_rect(*r, 255)?;
        }
    }
    drop(mask);
    lap("paint");

    // rule `despeckle`: a noisy page whose print a median keeps is read through the median
    if noise >= DESPECKLE_NOISE {
        let median = gray.median(3, 3)?;
        let kept = print_kept(
            &gray.gray_bytes()?,
            &median.gray_bytes()?,
            gray.width() as usize,
            TEXT_THRESHOLD as u8,
        );
        let despeckled = despeckle(noise, kept);
        if dbg {
            tracing::debug!(
                "  paper noise {noise:.1}, print kept by the median {kept:.3}: despeckle {despeckled}"
            );
        }
        if despeckled {
            gray = median;
            page_gray = page_gray.median(3, 3)?;
            before_paint = before_paint.median(3, 3)?;
        }
    }
    lap("despeckle");
    let text = binarize_text(&gray, dpi, opts.binarize)?;
    let text_before_clean = before_clean
        .map(|b| binarize_text(&b, dpi, opts.binarize))
        .transpose()?;
    let text_before_paint = binarize_text(&before_paint, dpi, opts.binarize)?;
    drop(before_paint);
    let faint = gray.threshold(LINE_THRESHOLD)?;
    lap("binarize");

    let mut rulings_px = h_boxes;
    rulings_px.extend(v_boxes);
    Ok(Prepared {
        gray,
        page_gray,
        text,
        faint,
        rulings_px,
        skew_deg,
        dpi: (img.dpi_x, img.dpi_y),
        seals,
        uncleaned,
        text_before_clean,
        text_before_paint,
    })
}

/// `pixFindSkew`'s confidence below which the text ink's skew is no measure.
pub const SKEW_MIN_CONF: f32 = 2.0;
/// Skews (degrees) smaller than this are left alone (a rotation costs sharpness).
pub const SKEW_MIN_DEG: f32 = 0.05;
/// Skews (degrees) larger than this are no scan's tilt but a misreading: left alone.  A page
/// fed at 3° tilts a little more or less from page to page (3.4° measured on a page of a
/// document fed at 2.97°); `pixFindSkew` sweeps ±7°, so the bound is set where a measure is
/// still well inside its sweep, as for the strips ([`perspective::STRIP_MAX_DEG`]).
pub const SKEW_MAX_DEG: f32 = 5.0;

/// The deskew's angle (degrees), from the skew of the page's text ink (`text`, at
/// [`TEXT_THRESHOLD`]: angle and confidence) and, where that is unsure, the page's skew at the
/// permissive line threshold (`lines`, already confident: [`perspective::strip_angles`]).
/// Faint or blurred print leaves too little ink at the text threshold for a sure measure,
/// while the rulings and the print's paler edges at the line threshold still give one: such
/// a page left tilted by 2° has slanted rulings that the ruling finder breaks into steps, and
/// no grid (held-out seed 5447674's tilted, faint-ruled tables).  None: leave the page.
pub fn deskew_angle(text: Option<(f32, f32)>, lines: Option<f32>) -> Option<f32> {
    let angle = match text {
        Some((a, conf)) if conf >= SKEW_MIN_CONF => a,
        _ => lines?,
    };
    (angle.abs() >= SKEW_MIN_DEG && angle.abs() <= SKEW_MAX_DEG).then_some(angle)
}

/// Longest horizontal piece (inches) that [`lone_piece`] may judge print.
const LONE_PIECE_MAX: f32 = 0.7;
/// How far apart (inches) the middles of two pieces of one ruling may lie across it: a
/// photographed page keeps some tilt and bow after the deskew.
const LONE_ALIGN: f32 = 0.04;
/// How far (pixels) from a piece a vertical ruling may pass and still meet it.
const LONE_REACH: i32 = 2;

/// Rule `lone_text_piece`: whether the horizontal piece `h` (one of `all`, the page's accepted
/// horizontal pieces) stands alone: no longer than [`LONE_PIECE_MAX`], no vertical ruling
/// piece of `verticals` meets or crosses it (within [`LONE_REACH`]), and no other piece lies
/// on its line ([`LONE_ALIGN`]) beside it.  At 100-120 dpi with blur the horizontal strokes
/// of a label's glyphs run together into runs the opening keeps, a pixel or six thick and as
/// dark as a ruling beside the label's light print; taken as rulings, they were painted out
/// with the label (1.属于国家秘密 read as 1.) and cut its row.  A piece of a row line meets
/// the column lines it crosses, or lies in line with the rest of its row line (an erased
/// ruling leaves several pieces at one height).
fn lone_piece(h: &Rect, all: &[Rect], verticals: &[Rect], dpi: f32) -> bool {
    if h.w > px(dpi, LONE_PIECE_MAX) {
        return false;
    }
    let cy = h.y + h.h / 2;
    let met = verticals.iter().any(|v| {
        let cx = v.x + v.w / 2;
        cx >= h.x - LONE_REACH
            && cx <= h.x1() + LONE_REACH
            && cy >= v.y - LONE_REACH
            && cy <= v.y1() + LONE_REACH
    });
    let align = px(dpi, LONE_ALIGN);
    let in_line = all
        .iter()
        .any(|o| o != h && (o.y + o.h / 2 - cy).abs() <= align && (o.x1() <= h.x || o.x >= h.x1()));
    !met && !in_line
}

/// How far around an accepted ruling piece the openings' pixels are painted out even where a
/// piece judged print lies, inches (a ruling that blurred print touches).
const PRINT_REACH: f32 = 0.01;

/// The openings' pixels to paint out, without the pieces judged no ruling (`not`: through a
/// line of text, as light as the band beside them, strokes inside a glyph blob).  Blurred
/// print at low dpi runs a label's glyphs together so that the long brick keeps rows of them;
/// those pieces are told apart as print and not taken as rulings, but painting out everything
/// the openings kept erased them anyway, and the label with them (一、本年新收政府信息… read as
/// 一、 …信息公开…).  Within `reach` of an accepted ruling piece (`kept`) the mask stays whole.
fn spare_print(mask: &Pix, not: &[Rect], kept: &[Rect], reach: i32) -> Result<Pix> {
    if not.is_empty() {
        return mask.copy();
    }
    let (w, h) = (mask.width(), mask.height());
    let mut allowed = Pix::create(w, h, 1)?;
    allowed.fill_rect(Rect::new(0, 0, w, h), 1)?;
    for r in not {
        if let Some(r) = r.grow(1).clip(w, h) {
            allowed.fill_rect(r, 0)?;
        }
    }
    for k in kept {
        if let Some(k) = k.grow(reach).clip(w, h) {
            allowed.fill_rect(k, 1)?;
        }
    }
    mask.and(&allowed)
}

/// How much darker (gray levels, at the median along the piece) the core of a ruling is than
/// the paper just beside it.  A printed ruling, even a faint one, is a dark stroke on paper; a
/// piece that the permissive line threshold and the opening cut out of a shaded band (a
/// column of the band's texture between two specks of noise) is as light as the band beside
/// it.  Gray shading is about 200 and the paper 240-255, a faint ruling's core 200 or darker.
const RULING_CONTRAST: i32 = 25;
/// How far beyond a piece's box (inches) the paper beside it is sampled: past the blur halo
/// that the permissive threshold includes in the box.
const BESIDE: f32 = 0.015;

/// Whether the line piece `r` (pixels of `gray`; `horizontal`: runs along x) stands out from
/// what lies beside it (see [`RULING_CONTRAST`]).  At every other pixel along the piece, its
/// core is the darkest pixel across it, and what lies beside is the lighter of the two sides
/// (a ruling may have text touching it on one side); the median difference must reach
/// `RULING_CONTRAST`.  Noise specks, which make single samples dark, do not move the median.
fn stands_out(gray: &Pix, r: Rect, horizontal: bool, beside: i32) -> bool {
    let thick = if horizontal { r.h } else { r.w };
    let at = |along: i32, across: i32| piece_gray(gray, r, horizontal, along, across);
    let side = |along: i32, across: i32| {
        (at(along, across) + at(along, across + if across < 0 { -1 } else { 1 })) / 2
    };
    let diffs: Vec<i32> = (0..piece_len(r, horizontal))
        .step_by(2)
        .map(|a| {
            let paper = side(a, -beside).max(side(a, thick - 1 + beside));
            paper - core_at(gray, r, horizontal, a)
        })
        .collect();
    median(diffs).is_some_and(|d| d >= RULING_CONTRAST)
}

/// The length of the line piece `r` along its direction (`horizontal`: runs along x).
fn piece_len(r: Rect, horizontal: bool) -> i32 {
    if horizontal { r.w } else { r.h }
}

/// The gray of `gray` at `along` pixels along the line piece `r` and `across` pixels across it
/// from its box's top or left edge (`horizontal`: the piece runs along x).
fn piece_gray(gray: &Pix, r: Rect, horizontal: bool, along: i32, across: i32) -> i32 {
    let (x, y) = if horizontal {
        (r.x + along, r.y + across)
    } else {
        (r.x + across, r.y + along)
    };
    gray.gray_at(x, y) as i32
}

/// The line piece `r`'s core at `along`: its darkest pixel across it (255 for a piece of no
/// thickness).
fn core_at(gray: &Pix, r: Rect, horizontal: bool, along: i32) -> i32 {
    let thick = if horizontal { r.h } else { r.w };
    (0..thick)
        .map(|c| piece_gray(gray, r, horizontal, along, c))
        .min()
        .unwrap_or(255)
}

/// The median of `v` (the upper one of an even count); `None` when `v` is empty.
fn median(mut v: Vec<i32>) -> Option<i32> {
    let mid = v.len() / 2;
    (!v.is_empty()).then(|| *v.select_nth_unstable(mid).1)
}

/// Whether a piece found on the smoothed image (rule `noisy_faint_rulings`) is as dark as
/// print: the median along it of its darkest pixel across it is below [`TEXT_THRESHOLD`].  A
/// ruling that dark was found without the smoothing; what the smoothing adds that dark is a
/// line of print run together (a bold title, glyphs whose strokes fill half the window).
fn print_dark(gray: &Pix, r: Rect, horizontal: bool) -> bool {
    let cores = (0..piece_len(r, horizontal))
        .map(|a| core_at(gray, r, horizontal, a))
        .collect();
    median(cores).is_some_and(|c| c < TEXT_THRESHOLD)
}

/// Share of a horizontal piece's length along which print lies on both sides of it (beyond
/// `BESIDE`), at or above which the piece is strokes of a line of text run together, not a
/// ruling.  Blurred small print merges the horizontal strokes of neighbouring glyphs into one
/// long run, which the opening keeps; the glyphs' other strokes cross it all along.  A ruling
/// has print on both sides only where a perpendicular ruling crosses it or text touches it
/// from both rows at once.
const THROUGH_TEXT: f32 = 0.08;

/// Longest horizontal piece (inches) that may be strokes of text run together: a ruling
/// longer than this stays, whatever lies beside it (a double border line, rows of tight text
/// touching it from both sides).
const TEXT_RUN_MAX: f32 = 1.0;

/// The share of `r`'s length (a horizontal piece, pixels of `gray`) with print (gray below
/// `TEXT_THRESHOLD`) both `beside` pixels above it and `beside` pixels below it.
fn inked_both_sides(gray: &Pix, r: Rect, beside: i32) -> f32 {
    if r.w <= 0 {
        return 0.0;
    }
    let ink = |x: i32, y: i32| (gray.gray_at(x, y) as i32) < TEXT_THRESHOLD;
    let reach = beside + 3;
    let both = (r.x..r.x1())
        .filter(|&x| {
            (beside..=reach).any(|d| ink(x, r.y - d))
                && (beside..=reach).any(|d| ink(x, r.y1() - 1 + d))
        })
        .count();
    both as f32 / r.w as f32
}

/// How far (inches) a glyph blob's ink must reach above and below a horizontal line piece
/// for the piece to be strokes of its text: a ruling piece touched by a digit on one side
/// has ink on that side only.
const STROKE_MARGIN: f32 = 0.03;

/// Largest glyph-sized blob (inches, long side) in [`text_blob`] and [`glyph_strokes`].
const GLYPH_MAX: f32 = 0.8;

/// Whether an ink component (pixels at `dpi`) is glyph-sized: no longer than `GLYPH_MAX`
/// inches and its short side at least a quarter of its long side.
fn text_blob(c: &Rect, dpi: f32) -> bool {
    let (long, short) = (c.w.max(c.h), c.w.min(c.h));
    long <= px(dpi, GLYPH_MAX) && short * 4 >= long
}

/// Whether the horizontal line piece `h` lies inside one of the glyph-sized ink `blobs` with
/// at least `margin` pixels of the blob above and below it (see [`STROKE_MARGIN`]), or shares
/// its blob with another of the `pieces` (rule `paired_strokes`).
///
/// `paired_strokes`: at 100 dpi with blur a number's glyphs (25393) run together into one blob
/// a line high, and the opening keeps two runs from it: the glyphs' upper bars and their
/// lower bars, each a pixel or two inside the blob's edge, so neither has the margin.  Painted
/// out as rulings they erase the number (the cell then reads blank, 0), and as rulings they
/// cut its row in three.  A ruling piece lies in a glyph blob only where print touches it,
/// and then it is the blob's one line: two pieces one above the other in one glyph-sized blob
/// are strokes of its print.
fn text_strokes(h: &Rect, pieces: &[Rect], blobs: &[Rect], margin: i32) -> bool {
    let inside =
        |c: &Rect, p: &Rect| c.x <= p.x && c.x1() >= p.x1() && c.y <= p.y && c.y1() >= p.y1();
    blobs.iter().any(|c| {
        inside(c, h)
            && ((c.y + margin <= h.y && c.y1() >= h.y1() + margin)
                || pieces
                    .iter()
                    .any(|o| inside(c, o) && (o.y1() <= h.y || o.y >= h.y1())))
    })
}

/// The pieces of the line mask `lines_found` (1 bpp, same size as `ink`) that are strokes of
/// glyphs, judged by the connected component of `ink` around them: a glyph (no longer than
/// `GLYPH_MAX` inches, its short side at least a quarter of its long side), or, for vertical
/// pieces, a run of bold glyphs that touch (between `RUN_MIN` and `RUN_MAX` inches tall, wider
/// than tall).  A ruling, even a short erased piece of one, is long or thin, never either (the
/// ruling finder itself can take two bold strokes in a title line for a short ruling).
fn glyph_strokes(ink: &Pix, lines_found: &Pix, dpi: f32) -> Result<Pix> {
    const RUN_MIN: f32 = 0.12;
    const RUN_MAX: f32 = 0.5;
    let (run_min, run_max) = (px(dpi, RUN_MIN), px(dpi, RUN_MAX));
    let comps: Vec<(Rect, bool)> = ink
        .components()?
        .into_iter()
        .filter_map(|c| {
            let glyph = text_blob(&c, dpi);
            let run = c.h >= run_min && c.h <= run_max && c.w >= c.h;
            (glyph || run).then_some((c, glyph))
        })
        .collect();
    let mut spare = Pix::create(ink.width(), ink.height(), 1)?;
    for k in lines_found.components()? {
        let vertical = k.h > k.w;
        let inside = comps.iter().any(|(c, glyph)| {
            (*glyph || vertical) && c.x <= k.x && c.y <= k.y && c.x1() >= k.x1() && c.y1() >= k.y1()
        });
        if inside {
            spare.fill_rect(k, 1)?;
        }
    }
    Ok(spare)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `w` x `h` page of paper at 230 with noise of about `sigma` gray levels (a fixed
    /// pseudo-random sequence, roughly normal: the sum of four uniform draws).
    fn noisy_paper(w: usize, h: usize, sigma: f32) -> Vec<u8> {
        let mut state: u32 = 12345;
        let mut uniform = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((state >> 16) & 0x7fff) as f32 / 32768.0 - 0.5
        };
        // four uniforms on [-0.5, 0.5) sum to deviation 0.577
        (0..w * h)
            .map(|_| {
                let z = (uniform() + uniform() + uniform() + uniform()) / 0.577;
                (230.0 + sigma * z).round().clamp(0.0, 255.0) as u8
            })
            .collect()
    }

    #[test]
    fn paper_noise_measures_the_deviation_of_the_paper() {
        let clean = noisy_paper(200, 120, 0.0);
        assert_eq!(paper_noise(&clean, 200, 190), 0.0);
        let noisy = noisy_paper(200, 120, 12.0);
        let n = paper_noise(&noisy, 200, 190);
        assert!((9.0..15.0).contains(&n), "{n}");
        // print (darker than the foreground threshold) is no paper: the measure ignores it
        let mut printed = noisy.clone();
        for y in 20..100 {
            for x in (10..190).step_by(6) {
                printed[y * 200 + x] = 40;
                printed[y * 200 + x + 1] = 40;
            }
        }
        let p = paper_noise(&printed, 200, 190);
        assert!((n - p).abs() < 2.0, "{n} {p}");
    }

    /// Paper with upright strokes `width` px wide, 30 rows high, and one-pixel specks.
    fn strokes_and_specks(width: usize) -> Vec<u8> {
        let (w, h) = (200, 60);
        let mut b = vec![240u8; w * h];
        for x0 in (10..190).step_by(12) {
            for y in 15..45 {
                for x in x0..x0 + width {
                    b[y * w + x] = 30;
                }
            }
        }
        for k in 0..300 {
            let (x, y) = ((k * 37) % w, (k * 53) % h);
            if b[y * w + x] == 240 {
                b[y * w + x] = 60;
            }
        }
        b
    }

    /// [`print_kept`] of `strokes_and_specks(width)` through a 3x3 median.
    fn kept_by_median(width: usize) -> f32 {
        let b = strokes_and_specks(width);
        let pix = Pix::from_gray(200, 60, &b).unwrap();
        let m = pix.median(3, 3).unwrap().gray_bytes().unwrap();
        print_kept(&b, &m, 200, 170)
    }

    #[test]
    fn a_median_keeps_strokes_of_two_pixels_and_erases_thinner_ones() {
        let (one, two, three) = (kept_by_median(1), kept_by_median(2), kept_by_median(3));
        assert!(one < 0.1, "{one}");
        assert!(two >= DESPECKLE_KEEP, "{two}");
        assert!(three >= DESPECKLE_KEEP, "{three}");
        // no print: nothing to lose
        let paper = vec![240u8; 200 * 60];
        assert_eq!(print_kept(&paper, &paper, 200, 170), 1.0);
    }

    #[test]
    fn despeckle_takes_noisy_pages_with_print_a_median_keeps() {
        // noisy, print the median keeps: read through the median
        assert!(despeckle(14.7, 0.98));
        // clean paper: as it is
        assert!(!despeckle(2.1, 0.99));
        // noisy, but sharp 1-2 px print (100-120 dpi) that the median would erase in part
        assert!(!despeckle(13.6, 0.88));
    }

    #[test]
    fn the_deskew_takes_the_line_ink_skew_only_where_the_text_ink_is_unsure() {
        // sure text measure: taken, whatever the lines say
        assert_eq!(deskew_angle(Some((1.5, 3.0)), Some(2.1)), Some(1.5));
        // faint print: the text measure unsure (confidence 1.4), the lines' angle taken
        assert_eq!(deskew_angle(Some((2.06, 1.4)), Some(2.1)), Some(2.1));
        assert_eq!(deskew_angle(None, Some(-1.2)), Some(-1.2));
        // neither sure: the page is left
        assert_eq!(deskew_angle(Some((2.06, 1.4)), None), None);
        // too small or too large to be a scan's tilt
        assert_eq!(deskew_angle(Some((0.02, 5.0)), Some(2.0)), None);
        assert_eq!(deskew_angle(None, Some(5.5)), None);
        assert_eq!(deskew_angle(Some((-6.0, 4.0)), Some(-6.0)), None);
        // a page tilted a little beyond 3° is still a scan's tilt
        assert_eq!(deskew_angle(Some((-3.36, 3.2)), Some(-3.36)), Some(-3.36));
        assert_eq!(deskew_angle(None, Some(4.0)), Some(4.0));
    }

    #[test]
    fn a_ruling_is_followed_along_its_pale_end_and_stops_at_paper() {
        // 300x100 px: a ruling at y 50-51 from x 20 to 279, gray 120 (as dark as print) left
        // of x 150 with a 1 px step up at x 100 (a tilt), black right of it; a text mark at
        // x 5 beyond a paper gap wider than the gap allowed
        let (w, h) = (300u32, 100u32);
        let mut data = vec![255u8; (w * h) as usize];
        for x in 20..280usize {
            let y = if x < 100 { 49 } else { 50 };
            let v = if x < 150 { 120 } else { 0 };
            data[y * w as usize + x] = v;
            data[(y + 1) * w as usize + x] = v;
        }
        data[50 * w as usize + 5] = 0;
        let gray = Pix::from_gray(w, h, &data).unwrap();
        // the opening found only the dark part
        let piece = Rect::new(150, 50, 100, 2);
        let e = follow_faint_ends(&gray, piece, 5);
        assert_eq!((e.x, e.x1()), (20, 280), "{e:?}");
        assert_eq!((e.y, e.h), (50, 2));
        // light gray (a seal's stipple, paper noise) is not followed
        let mut light = data.clone();
        for x in 20..150usize {
            for y in [49usize, 50, 51] {
                if light[y * w as usize + x] != 255 {
                    light[y * w as usize + x] = 200;
                }
            }
        }
        let gray = Pix::from_gray(w, h, &light).unwrap();
        let e = follow_faint_ends(&gray, piece, 5);
        assert_eq!(e.x, 150, "{e:?}");
    }

    #[test]
    fn a_line_piece_through_a_glyph_blob_is_text_not_a_ruling() {
        // 150 dpi: "三安全一" run together into one blob 61x21 px, a 61 px piece through its middle
        let blob = Rect::new(342, 478, 61, 21);
        assert!(text_blob(&blob, 150.0));
        let m = px(150.0, STROKE_MARGIN);
        let piece = Rect::new(342, 487, 61, 1);
        assert!(text_strokes(&piece, &[piece], &[blob], m));
        // a ruling piece with a digit touching it from above: ink on one side only
        let digit_on_ruling = Rect::new(297, 150, 74, 14);
        let ruling = Rect::new(297, 162, 74, 2);
        assert!(!text_strokes(&ruling, &[ruling], &[digit_on_ruling], m));
        // a long ruling is no glyph blob at all
        assert!(!text_blob(&Rect::new(6, 70, 441, 4), 150.0));
    }

    #[test]
    fn two_pieces_in_one_glyph_blob_are_its_strokes_paired_strokes() {
        // 100 dpi, blurred: "25393" one blob 37x12 px; the opening kept its upper bars (row 205)
        // and its lower bars (row 212), each 2 px inside the blob's edge
        let blob = Rect::new(493, 203, 37, 12);
        assert!(text_blob(&blob, 100.0));
        let m = px(100.0, STROKE_MARGIN);
        let (upper, lower) = (Rect::new(494, 205, 35, 1), Rect::new(494, 212, 36, 1));
        let pieces = [upper, lower];
        assert!(text_strokes(&upper, &pieces, &[blob], m));
        assert!(text_strokes(&lower, &pieces, &[blob], m));
        // either alone has too little of the blob on one side: a ruling a number touches
        assert!(!text_strokes(&upper, &[upper], &[blob], m));
        assert!(!text_strokes(&lower, &[lower], &[blob], m));
        // two pieces of one line (a drop-out between them) are side by side, not one above
        // the other: no pair
        let (left, right) = (Rect::new(494, 212, 15, 1), Rect::new(512, 212, 18, 1));
        assert!(!text_strokes(&left, &[left, right], &[blob], m));
    }

    /// A gray page `w`x`h` (paper 245) for the piece tests.
    /// A page whose left half is paper at `left`, its right half at `right`, both with noise of
    /// about 14 levels (uniform, +-25), and a bar of print in the left half's rows 50..60.
    fn uneven_page(w: usize, h: usize, left: i32, right: i32) -> Vec<u8> {
        let mut state = 0x9e37_79b9u32;
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let noise = (state % 51) as i32 - 25;
                let base = if x < w / 2 { left } else { right };
                let print = (50..60).contains(&y) && (20..150).contains(&x);
                out.push(if print {
                    40
                } else {
                    (base + noise).clamp(0, 255) as u8
                });
            }
        }
        out
    }

    fn mean(bytes: &[u8], w: usize, xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) -> f32 {
        let n = (xs.len() * ys.len()) as f32;
        ys.flat_map(|y| xs.clone().map(move |x| bytes[y * w + x] as f32))
            .sum::<f32>()
            / n
    }

    #[test]
    fn dark_noisy_paper_lowers_the_foreground_threshold_and_clean_paper_does_not() {
        let (w, h) = (400, 200);
        // clean: paper at 245, noise 14: as before
        assert_eq!(
            foreground_threshold(&uneven_page(w, h, 245, 245), w, 40),
            BACKGROUND_FG
        );
        // dark on the left (uneven light): below that paper's noise
        let dark = uneven_page(w, h, 200, 235);
        let t = foreground_threshold(&dark, w, 40);
        assert!((BACKGROUND_FG_MIN..175).contains(&t), "{t}");
        // never below the floor, however dark
        assert_eq!(
            foreground_threshold(&uneven_page(w, h, 120, 120), w, 40),
            BACKGROUND_FG_MIN
        );
    }

    #[test]
    fn with_the_lowered_threshold_dark_paper_is_normalised() {
        let (w, h) = (400, 200);
        let normalised = |page: &[u8], fg: i32| {
            let pix = Pix::from_gray(w as u32, h as u32, page).unwrap();
            let b = pix
                .background_norm(10, fg, 255)
                .unwrap()
                .gray_bytes()
                .unwrap();
            // paper beside the print (its rows), far from it, and in the right half
            (
                mean(&b, w, 155..195, 50..60),
                mean(&b, w, 20..150, 120..190),
                mean(&b, w, 220..380, 120..190),
            )
        };
        // uneven light: both halves made paper white, and alike
        let uneven = uneven_page(w, h, 200, 235);
        let (beside, left, right) = normalised(&uneven, foreground_threshold(&uneven, w, 40));
        assert!(
            beside > 240.0 && left > 240.0 && (left - right).abs() < 4.0,
            "{beside} {left} {right}"
        );
        // a dark sheet: at the clean page's threshold no tile has paper enough, and the page is
        // left as dark as it was; at the lowered one it is normalised
        let dark = uneven_page(w, h, 200, 200);
        let (_, before, _) = normalised(&dark, BACKGROUND_FG);
        assert!(before < 205.0, "{before}");
        let (beside, after, _) = normalised(&dark, foreground_threshold(&dark, w, 40));
        assert!(beside > 240.0 && after > 240.0, "{beside} {after}");
    }

    fn paper(w: u32, h: u32) -> Vec<u8> {
        vec![245u8; (w * h) as usize]
    }

    fn fill(data: &mut [u8], w: u32, x: std::ops::Range<usize>, y: std::ops::Range<usize>, v: u8) {
        for yy in y {
            for xx in x.clone() {
                data[yy * w as usize + xx] = v;
            }
        }
    }

    /// A 150 dpi page, 700 x 420 px, of paper at 250 with noise of about 12 gray levels, holding
    /// a grid of 2 px rulings printed at 220 (a sixth of their ink: the noise takes single
    /// pixels of them far past any threshold): rows at y 60, 120, ..., 360 and columns at x
    /// 50, 200, ..., 650.  With `print`, a line of label print in the cell at x 200-350, y
    /// 120-180: upright strokes 2 px wide every 5 px, 7 px tall (small print, no thicker than a
    /// ruling: a filter that averaged it would make a line of it), black.
    fn faint_noisy_grid(print: bool) -> PageImage {
        let (w, h) = (700usize, 420usize);
        let mut state: u32 = 777;
        let mut uniform = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((state >> 16) & 0x7fff) as f32 / 32768.0 - 0.5
        };
        let rows = [60usize, 120, 180, 240, 300, 360];
        let cols = [50usize, 200, 350, 500, 650];
        let ruled = |x: usize, y: usize| {
            let (inx, iny) = ((50..652).contains(&x), (60..362).contains(&y));
            (inx && rows.iter().any(|r| (*r..r + 2).contains(&y)))
                || (iny && cols.iter().any(|c| (*c..c + 2).contains(&x)))
        };
        let data: Vec<u8> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let z = (uniform() + uniform() + uniform() + uniform()) / 0.577;
                let level = if ruled(x, y) { 220.0 } else { 250.0 };
                let stroke =
                    print && (210..340).contains(&x) && (x % 5) < 2 && (146..153).contains(&y);
                if stroke {
                    20
                } else {
                    (level + 12.0 * z).round().clamp(0.0, 255.0) as u8
                }
            })
            .collect();
        PageImage::from_gray(w as u32, h as u32, &data, 150.0).unwrap()
    }

    /// `prepare_with` at the faint-line threshold, with or without the smoothing along the
    /// rulings.
    fn prepared(img: &PageImage, line_median: bool) -> Prepared {
        let opts = PrepareOptions {
            line_threshold: FAINT_LINE_THRESHOLD,
            line_median,
            ..PrepareOptions::default()
        };
        prepare_with(img, &opts).unwrap()
    }

    /// The long rulings of `prep`: (horizontal ones at least 300 px long, vertical ones at
    /// least 200 px tall).
    fn long_rulings(prep: &Prepared) -> (Vec<Rect>, Vec<Rect>) {
        let longer = |keep: fn(&Rect) -> bool| -> Vec<Rect> {
            prep.rulings_px
                .iter()
                .filter(|r| keep(r))
                .copied()
                .collect()
        };
        (longer(|r| r.w >= 300), longer(|r| r.h >= 200))
    }

    #[test]
    fn noisy_faint_rulings_are_found_on_the_image_smoothed_along_them() {
        let img = faint_noisy_grid(false);
        // at the faint-line threshold, noise breaks every run the opening needs
        let (h, v) = long_rulings(&prepared(&img, false));
        assert!(h.len() + v.len() <= 3, "{h:?} {v:?}");
        let (h, v) = long_rulings(&prepared(&img, true));
        assert_eq!((h.len(), v.len()), (6, 5), "{h:?} {v:?}");
        for (r, y) in h.iter().zip([60, 120, 180, 240, 300, 360]) {
            assert!((r.y - y).abs() <= 2 && r.w >= 560, "{r:?}");
        }
    }

    #[test]
    fn a_line_of_print_is_no_ruling_on_the_smoothed_image() {
        let prep = prepared(&faint_noisy_grid(true), true);
        let (h, v) = long_rulings(&prep);
        assert_eq!((h.len(), v.len()), (6, 5), "{h:?} {v:?}");
        // nothing found in the print's band, nor any short piece there
        let in_print = prep
            .rulings_px
            .iter()
            .filter(|r| r.y < 160 && r.y1() > 140 && r.x < 340 && r.x1() > 210)
            .filter(|r| !(r.h >= 200 && (r.x - 200).abs() <= 3))
            .count();
        assert_eq!(in_print, 0, "{:?}", prep.rulings_px);
    }

    #[test]
    fn a_smoothed_piece_as_dark_as_print_is_print_and_a_faint_ruling_is_not() {
        let (w, h) = (300u32, 60u32);
        let mut data = paper(w, h);
        // a bold title's strokes: black bars 6 px long with 2 px gaps at y 10-12
        for x in (20..280).step_by(8) {
            fill(&mut data, w, x..x + 6, 10..13, 30);
        }
        // a faint ruling at y 40-41, core 228, with one dark speck of noise in four pixels
        fill(&mut data, w, 20..280, 40..42, 228);
        for x in (20..280).step_by(4) {
            fill(&mut data, w, x..x + 1, 40..41, 120);
        }
        let gray = Pix::from_gray(w, h, &data).unwrap();
        assert!(print_dark(&gray, Rect::new(20, 10, 260, 3), true));
        assert!(!print_dark(&gray, Rect::new(20, 40, 260, 2), true));
        // the same upright: a column of the title's strokes and a faint vertical ruling
        let mut data = paper(60, 300);
        for y in (20..280).step_by(8) {
            fill(&mut data, 60, 10..13, y..y + 6, 30);
        }
        fill(&mut data, 60, 40..42, 20..280, 228);
        let gray = Pix::from_gray(60, 300, &data).unwrap();
        assert!(print_dark(&gray, Rect::new(10, 20, 3, 260), false));
        assert!(!print_dark(&gray, Rect::new(40, 20, 2, 260), false));
    }

    #[test]
    fn a_piece_as_light_as_the_band_beside_it_is_shading_not_a_ruling() {
        let (w, h) = (200u32, 100u32);
        let mut data = paper(w, h);
        // a shaded band (gray 200) from y 20 to 60 with specks of noise; a vertical piece of
        // the band's own texture at x 50-52
        fill(&mut data, w, 0..200, 20..60, 200);
        fill(&mut data, w, 47..48, 30..31, 90);
        // a printed ruling through the band and on below it at x 100-102
        fill(&mut data, w, 100..103, 10..90, 60);
        // a faint ruling on paper at x 150-151 (core 205)
        fill(&mut data, w, 150..152, 62..98, 205);
        let gray = Pix::from_gray(w, h, &data).unwrap();
        assert!(!stands_out(&gray, Rect::new(50, 20, 3, 40), false, 2));
        assert!(stands_out(&gray, Rect::new(100, 10, 3, 80), false, 2));
        assert!(stands_out(&gray, Rect::new(150, 62, 2, 36), false, 2));
        // a horizontal piece of the band itself
        assert!(!stands_out(&gray, Rect::new(110, 40, 80, 3), true, 2));
    }

    #[test]
    fn a_short_piece_crossed_by_glyph_strokes_is_text_and_a_ruling_is_not() {
        let (w, h) = (300u32, 100u32);
        let mut data = paper(w, h);
        // a line of blurred text: a horizontal stroke run at y 30-31 from x 20 to 120, crossed
        // by glyph strokes every 10 px reaching 8 px above and below
        fill(&mut data, w, 20..120, 30..32, 60);
        for x in (22..120).step_by(10) {
            fill(&mut data, w, x..x + 3, 22..40, 60);
        }
        // a ruling at y 70-71, with digits touching it from above only and a vertical ruling
        // crossing it
        fill(&mut data, w, 10..290, 70..72, 40);
        for x in [60usize, 160, 260] {
            fill(&mut data, w, x..x + 6, 62..70, 40);
        }
        fill(&mut data, w, 200..203, 40..100, 40);
        let gray = Pix::from_gray(w, h, &data).unwrap();
        assert!(inked_both_sides(&gray, Rect::new(20, 30, 100, 2), 2) >= THROUGH_TEXT);
        assert!(inked_both_sides(&gray, Rect::new(10, 70, 280, 2), 2) < THROUGH_TEXT);
    }

    #[test]
    fn pieces_judged_print_are_not_painted_out_and_rulings_are() {
        // the openings kept a ruling (y 30) and rows of a blurred label (y 10-12)
        let mut mask = Pix::create(100, 40, 1).unwrap();
        let ruling = Rect::new(0, 30, 100, 2);
        let label = Rect::new(20, 10, 60, 3);
        mask.fill_rect(ruling, 1).unwrap();
        mask.fill_rect(label, 1).unwrap();
        let out = spare_print(&mask, &[label], &[ruling], 1).unwrap();
        assert_eq!(out.count_pixels(), 200, "the ruling alone is painted out");
        assert_eq!(out.clip(label).unwrap().count_pixels(), 0);
        // nothing judged print: the mask is painted out whole
        let out = spare_print(&mask, &[], &[ruling], 1).unwrap();
        assert_eq!(out.count_pixels(), 380);
        // a piece judged print over an accepted ruling does not spare the ruling
        let touching = Rect::new(20, 29, 60, 3);
        let out = spare_print(&mask, &[touching], &[ruling], 1).unwrap();
        assert_eq!(out.clip(ruling).unwrap().count_pixels(), 200);
    }

    #[test]
    fn a_short_piece_alone_inside_a_cell_is_print_lone_text_piece() {
        // 110 dpi: cells between column lines at x 100, 160 and 300, row lines at y 50 and 80
        let verticals = [
            Rect::new(100, 40, 3, 60),
            Rect::new(160, 40, 3, 60),
            Rect::new(300, 40, 3, 60),
        ];
        let row_line = Rect::new(100, 50, 63, 3);
        let label_run = Rect::new(180, 62, 60, 5);
        let all = [row_line, label_run];
        assert!(lone_piece(&label_run, &all, &verticals, 110.0));
        // the rules' own pieces are not: the row line meets the column lines
        assert!(!lone_piece(&row_line, &all, &verticals, 110.0));
        // a remnant of an erased row line meets no column line but lies in line with the
        // rest of its ruling
        let remnant = Rect::new(180, 80, 40, 3);
        let rest = Rect::new(230, 81, 50, 3);
        assert!(!lone_piece(&remnant, &[remnant, rest], &[], 110.0));
        assert!(lone_piece(&remnant, &[remnant], &[], 110.0));
        // a remnant a column line crosses
        let crossed = Rect::new(280, 80, 40, 3);
        assert!(!lone_piece(&crossed, &[crossed], &verticals, 110.0));
        // a long piece is judged elsewhere (through text or not), never alone
        let long = Rect::new(110, 65, 100, 3);
        assert!(!lone_piece(&long, &[long], &[], 110.0));
    }
}

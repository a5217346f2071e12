//! A minimal safe wrapper over the few leptonica calls the OCR producer uses.
//!
//! Leptonica comes through `leptonica-sys`, the same bindings (and the same system
//! `liblept.so`) that `tesseract-sys` already links, so it costs no extra build or runtime
//! dependency, and its `PIX` is what Tesseract takes without a copy.  The `leptonica-plumbing`
//! crate wraps only reading/writing, not the morphology, skew, background-normalisation and
//! drawing calls we need, so we wrap those here: every function returns an owned [`Pix`] (or an
//! error naming the call that failed), and nothing else in the module touches raw pointers.

use anyhow::{Result, bail};
use leptonica_sys as l;
use std::ffi::CString;
use std::ptr::{self, NonNull};
use std::sync::Once;

/// An owned leptonica image.  Dropping it calls `pixDestroy`.
///
/// `Send` but not `Sync`: leptonica's reference counts are not atomic, so a `Pix` is only ever
/// used by one thread at a time; we never hand out clones (`pixClone`) of our own.
#[derive(Debug)]
pub struct Pix(NonNull<l::Pix>);

unsafe impl Send for Pix {}

impl Drop for Pix {
    fn drop(&mut self) {
        let mut p = self.0.as_ptr();
        unsafe { l::pixDestroy(&mut p) };
    }
}

/// Silence leptonica's warnings on stderr (errors are reported through our return values).
pub fn quiet() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| unsafe {
        l::setMsgSeverity(l::L_SEVERITY_NONE as i32);
    });
}

fn own(p: *mut l::Pix, what: &str) -> Result<Pix> {
    match NonNull::new(p) {
        Some(p) => Ok(Pix(p)),
        None => {
            bail!("leptonica {what} failed (image too large, or an unsupported or corrupt image)")
        }
    }
}

/// An owned leptonica box (x, y, w, h) used only for the duration of a call.
struct LBox(*mut l::Box);
impl LBox {
    fn new(x: i32, y: i32, w: i32, h: i32) -> Result<LBox> {
        let b = unsafe { l::boxCreate(x, y, w.max(1), h.max(1)) };
        if b.is_null() {
            bail!("leptonica boxCreate({x},{y},{w},{h}) failed");
        }
        Ok(LBox(b))
    }
}
impl Drop for LBox {
    fn drop(&mut self) {
        unsafe { l::boxDestroy(&mut self.0) };
    }
}

/// A pixel rectangle (x, y, w, h) in image coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub fn new(x: i32, y: i32, w: i32, h: i32) -> Rect {
        Rect { x, y, w, h }
    }
    pub fn x1(&self) -> i32 {
        self.x + self.w
    }
    pub fn y1(&self) -> i32 {
        self.y + self.h
    }
    /// Clip to an image of `width` x `height`; `None` when nothing is left.
    pub fn clip(&self, width: i32, height: i32) -> Option<Rect> {
        let x0 = self.x.max(0);
        let y0 = self.y.max(0);
        let x1 = self.x1().min(width);
        let y1 = self.y1().min(height);
        (x1 > x0 && y1 > y0).then(|| Rect::new(x0, y0, x1 - x0, y1 - y0))
    }
    /// Grow by `d` pixels on every side.
    pub fn grow(&self, d: i32) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)
    }
    /// Shrink by `d` pixels on every side (`None` when nothing is left).
    pub fn inset(&self, d: i32) -> Option<Rect> {
        (self.w > 2 * d && self.h > 2 * d)
            .then(|| Rect::new(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d))
    }
    /// Whether the two rectangles share pixels.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x1() && self.x1() > o.x && self.y < o.y1() && self.y1() > o.y
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        let (x0, y0) = (self.x.min(o.x), self.y.min(o.y));
        Rect::new(
            x0,
            y0,
            self.x1().max(o.x1()) - x0,
            self.y1().max(o.y1()) - y0,
        )
    }
    /// The smallest rectangle holding all of `rects`; None when there are none.
    pub fn hull(rects: impl IntoIterator<Item = Rect>) -> Option<Rect> {
        rects.into_iter().reduce(|a, b| a.union(&b))
    }
}

impl Pix {
    pub fn as_ptr(&self) -> *mut l::Pix {
        self.0.as_ptr()
    }
    pub fn width(&self) -> i32 {
        let (mut w, mut h, mut d) = (0, 0, 0);
        unsafe { l::pixGetDimensions(self.as_ptr(), &mut w, &mut h, &mut d) };
        w
    }
    pub fn height(&self) -> i32 {
        let (mut w, mut h, mut d) = (0, 0, 0);
        unsafe { l::pixGetDimensions(self.as_ptr(), &mut w, &mut h, &mut d) };
        h
    }
    pub fn depth(&self) -> i32 {
        let (mut w, mut h, mut d) = (0, 0, 0);
        unsafe { l::pixGetDimensions(self.as_ptr(), &mut w, &mut h, &mut d) };
        d
    }
    /// Resolution stored in the image (0 when unknown).
    pub fn resolution(&self) -> (i32, i32) {
        unsafe { (l::pixGetXRes(self.as_ptr()), l::pixGetYRes(self.as_ptr())) }
    }
    pub fn set_resolution(&mut self, x: i32, y: i32) {
        unsafe { l::pixSetResolution(self.as_ptr(), x, y) };
    }

    /// A new image of the given depth, all zero (white for 1 bpp, black for 8/32 bpp).
    pub fn create(w: i32, h: i32, depth: i32) -> Result<Pix> {
        own(unsafe { l::pixCreate(w, h, depth) }, "pixCreate")
    }

    /// An 8 bpp image from row-major gray bytes.
    pub fn from_gray(w: u32, h: u32, data: &[u8]) -> Result<Pix> {
        if data.len() < (w as usize) * (h as usize) {
            bail!(
                "gray buffer of {} bytes is too small for {w}x{h}",
                data.len()
            );
        }
        let pix = Pix::create(w as i32, h as i32, 8)?;
        let wpl = unsafe { l::pixGetWpl(pix.as_ptr()) } as usize;
        let words = unsafe {
            std::slice::from_raw_parts_mut(l::pixGetData(pix.as_ptr()), wpl * h as usize)
        };
        for (y, row) in data.chunks_exact(w as usize).take(h as usize).enumerate() {
            let line = &mut words[y * wpl..(y + 1) * wpl];
            for (i, q) in row.chunks(4).enumerate() {
                let mut v = 0u32;
                for (k, &b) in q.iter().enumerate() {
                    v |= (b as u32) << (24 - 8 * k);
                }
                line[i] = v;
            }
        }
        Ok(pix)
    }

    /// A 32 bpp RGB image from row-major RGB (3 bytes per pixel).
    pub fn from_rgb(w: u32, h: u32, data: &[u8]) -> Result<Pix> {
        if data.len() < (w as usize) * (h as usize) * 3 {
            bail!(
                "RGB buffer of {} bytes is too small for {w}x{h}",
                data.len()
            );
        }
        let pix = Pix::create(w as i32, h as i32, 32)?;
        let wpl = unsafe { l::pixGetWpl(pix.as_ptr()) } as usize;
        let words = unsafe {
            std::slice::from_raw_parts_mut(l::pixGetData(pix.as_ptr()), wpl * h as usize)
        };
        for (y, row) in data
            .chunks_exact(3 * w as usize)
            .take(h as usize)
            .enumerate()
        {
            let line = &mut words[y * wpl..y * wpl + w as usize];
            for (o, p) in line.iter_mut().zip(row.chunks_exact(3)) {
                *o = (p[0] as u32) << 24 | (p[1] as u32) << 16 | (p[2] as u32) << 8;
            }
        }
        unsafe { l::pixSetSpp(pix.as_ptr(), 3) };
        Ok(pix)
    }

    /// Gray value at (x, y) of an 8 bpp image (255 outside).
    pub fn gray_at(&self, x: i32, y: i32) -> u8 {
        if x < 0 || y < 0 || x >= self.width() || y >= self.height() || self.depth() != 8 {
            return 255;
        }
        let wpl = unsafe { l::pixGetWpl(self.as_ptr()) } as usize;
        let word = unsafe { *l::pixGetData(self.as_ptr()).add(y as usize * wpl + x as usize / 4) };
        (word >> (24 - 8 * (x as u32 % 4))) as u8
    }

    /// Row-major bytes of an 8 bpp image.
    pub fn gray_bytes(&self) -> Result<Vec<u8>> {
        if self.depth() != 8 {
            bail!("gray_bytes on a {} bpp image", self.depth());
        }
        let (w, h) = (self.width() as usize, self.height() as usize);
        let wpl = unsafe { l::pixGetWpl(self.as_ptr()) } as usize;
        let words = unsafe { std::slice::from_raw_parts(l::pixGetData(self.as_ptr()), wpl * h) };
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                out.push((words[y * wpl + x / 4] >> (24 - 8 * (x % 4))) as u8);
            }
        }
        Ok(out)
    }

    pub fn copy(&self) -> Result<Pix> {
        own(
            unsafe { l::pixCopy(ptr::null_mut(), self.as_ptr()) },
            "pixCopy",
        )
    }

    /// Any depth (with or without colour map) to 8 bpp gray.
    pub fn to_gray(&self) -> Result<Pix> {
        match self.depth() {
            1 => own(
                unsafe { l::pixConvert1To8(ptr::null_mut(), self.as_ptr(), 255, 0) },
                "pixConvert1To8",
            ),
            _ => own(
                unsafe { l::pixConvertTo8(self.as_ptr(), 0) },
                "pixConvertTo8",
            ),
        }
    }

    /// Any depth to 32 bpp RGB (for drawing in colour).
    pub fn to_rgb(&self) -> Result<Pix> {
        own(
            unsafe { l::pixConvertTo32(self.as_ptr()) },
            "pixConvertTo32",
        )
    }

    /// The red component of a 32 bpp image as 8 bpp gray.
    pub fn red_channel(&self) -> Result<Pix> {
        own(
            unsafe { l::pixGetRGBComponent(self.as_ptr(), l::COLOR_RED as i32) },
            "pixGetRGBComponent",
        )
    }

    /// 1 bpp mask of the colourful pixels of a 32 bpp image (largest minus smallest component
    /// at least `threshdiff`).
    pub fn color_mask(&self, threshdiff: i32) -> Result<Pix> {
        own(
            unsafe { l::pixMaskOverColorPixels(self.as_ptr(), threshdiff, 0) },
            "pixMaskOverColorPixels",
        )
    }
    pub fn invert(&self) -> Result<Pix> {
        own(
            unsafe { l::pixInvert(ptr::null_mut(), self.as_ptr()) },
            "pixInvert",
        )
    }

    /// Leptonica's adaptive background normalisation (8 bpp): maps the local background to
    /// `bgval`, which flattens uneven illumination and paper tint.  Pixels darker than
    /// `fg_thresh` are taken as print and left out of the background estimate.
    pub fn background_norm(&self, tile: i32, fg_thresh: i32, bgval: i32) -> Result<Pix> {
        let mincount = (tile * tile / 4).max(1);
        own(
            unsafe {
                l::pixBackgroundNorm(
                    self.as_ptr(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    tile,
                    tile,
                    fg_thresh,
                    mincount,
                    bgval,
                    2,
                    1,
                )
            },
            "pixBackgroundNorm",
        )
    }

    /// Median filter over a `w` x `h` window (8 bpp): takes out speckle noise, keeps edges.
    pub fn median(&self, w: i32, h: i32) -> Result<Pix> {
        own(
            unsafe { l::pixMedianFilter(self.as_ptr(), w.max(1), h.max(1)) },
            "pixMedianFilter",
        )
    }

    /// Skew angle in degrees and confidence, from a 1 bpp image.
    pub fn find_skew(&self) -> Option<(f32, f32)> {
        let (mut angle, mut conf) = (0f32, 0f32);
        let r = unsafe { l::pixFindSkew(self.as_ptr(), &mut angle, &mut conf) };
        (r == 0).then_some((angle, conf))
    }

    /// Rotate about the centre by `deg` degrees, bringing in white.
    pub fn rotate(&self, deg: f32) -> Result<Pix> {
        // Shear rotation is exact for the small angles of a scan's skew (< 3°) and 3-5x
        // faster than area mapping on a full page.
        let kind = l::L_ROTATE_SHEAR;
        own(
            unsafe {
                l::pixRotate(
                    self.as_ptr(),
                    deg.to_radians(),
                    kind as i32,
                    l::L_BRING_IN_WHITE as i32,
                    0,
                    0,
                )
            },
            "pixRotate",
        )
    }

    /// Turned by `quads` quarter turns clockwise.
    pub fn rotate_orth(&self, quads: i32) -> Result<Pix> {
        own(
            unsafe { l::pixRotateOrth(self.as_ptr(), quads) },
            "pixRotateOrth",
        )
    }

    /// Warped by the projective transform that takes each of the points `from` onto the
    /// point of `to` at the same index, bringing in white (interpolated at 8 bpp, sampled at
    /// 1 bpp).
    pub fn projective(&self, from: &[(f32, f32); 4], to: &[(f32, f32); 4]) -> Result<Pix> {
        let pta = |pts: &[(f32, f32); 4]| {
            let p = unsafe { l::ptaCreate(4) };
            for &(x, y) in pts {
                unsafe { l::ptaAddPt(p, x, y) };
            }
            p
        };
        let (mut ps, mut pd) = (pta(from), pta(to));
        if ps.is_null() || pd.is_null() {
            bail!("leptonica ptaCreate failed");
        }
        let out = unsafe { l::pixProjectivePta(self.as_ptr(), pd, ps, l::L_BRING_IN_WHITE as i32) };
        unsafe {
            l::ptaDestroy(&mut ps);
            l::ptaDestroy(&mut pd);
        }
        own(out, "pixProjectivePta")
    }

    /// 8 bpp -> 1 bpp: pixels darker than `thresh` become foreground.
    pub fn threshold(&self, thresh: i32) -> Result<Pix> {
        own(
            unsafe { l::pixThresholdToBinary(self.as_ptr(), thresh) },
            "pixThresholdToBinary",
        )
    }

    /// Sauvola local binarisation of an 8 bpp image (window half-size `whsize`, `factor` k);
    /// tiled so that large pages stay fast.
    pub fn sauvola(&self, whsize: i32, factor: f32) -> Result<Pix> {
        let (w, h) = (self.width(), self.height());
        // leptonica needs tiles of at least 2*whsize+3 pixels
        let nx = (w / (4 * whsize + 16)).clamp(1, 16);
        let ny = (h / (4 * whsize + 16)).clamp(1, 16);
        let mut out: *mut l::Pix = ptr::null_mut();
        let r = unsafe {
            l::pixSauvolaBinarizeTiled(
                self.as_ptr(),
                whsize,
                factor,
                nx,
                ny,
                ptr::null_mut(),
                &mut out,
            )
        };
        if r != 0 {
            bail!("leptonica pixSauvolaBinarizeTiled failed");
        }
        own(out, "pixSauvolaBinarizeTiled")
    }

    /// Opening by a `w` x `h` brick (1 bpp; composite bricks, fast for long thin ones).
    pub fn open_brick(&self, w: i32, h: i32) -> Result<Pix> {
        own(
            unsafe { l::pixOpenCompBrick(ptr::null_mut(), self.as_ptr(), w.max(1), h.max(1)) },
            "pixOpenCompBrick",
        )
    }
    /// Closing by a `w` x `h` brick (1 bpp; composite bricks).
    pub fn close_brick(&self, w: i32, h: i32) -> Result<Pix> {
        own(
            unsafe { l::pixCloseCompBrick(ptr::null_mut(), self.as_ptr(), w.max(1), h.max(1)) },
            "pixCloseCompBrick",
        )
    }
    /// 2x reduction of a 1 bpp image, a pixel set when any of its 4 sources is (keeps thin lines).
    pub fn reduce2_any(&self) -> Result<Pix> {
        own(
            unsafe { l::pixReduceRankBinary2(self.as_ptr(), 1, ptr::null_mut()) },
            "pixReduceRankBinary2",
        )
    }
    /// 2x expansion of a 1 bpp image by pixel replication.
    pub fn expand2(&self) -> Result<Pix> {
        own(
            unsafe { l::pixExpandBinaryPower2(self.as_ptr(), 2) },
            "pixExpandBinaryPower2",
        )
    }
    /// Global Otsu threshold of an 8 bpp image (one tile), as a 1 bpp image and the threshold.
    pub fn otsu(&self) -> Result<(Pix, i32)> {
        let (w, h) = (self.width(), self.height());
        let mut th: *mut l::Pix = ptr::null_mut();
        let mut out: *mut l::Pix = ptr::null_mut();
        let r = unsafe {
            l::pixOtsuAdaptiveThreshold(self.as_ptr(), w, h, 0, 0, 0.0, &mut th, &mut out)
        };
        let th = own(th, "pixOtsuAdaptiveThreshold");
        let out = own(out, "pixOtsuAdaptiveThreshold")?;
        if r != 0 {
            bail!("leptonica pixOtsuAdaptiveThreshold failed");
        }
        let t = th.map(|p| p.gray_at(0, 0) as i32).unwrap_or(128);
        Ok((out, t))
    }
    pub fn dilate_brick(&self, w: i32, h: i32) -> Result<Pix> {
        own(
            unsafe { l::pixDilateBrick(ptr::null_mut(), self.as_ptr(), w.max(1), h.max(1)) },
            "pixDilateBrick",
        )
    }
    pub fn and(&self, other: &Pix) -> Result<Pix> {
        own(
            unsafe { l::pixAnd(ptr::null_mut(), self.as_ptr(), other.as_ptr()) },
            "pixAnd",
        )
    }
    pub fn or(&self, other: &Pix) -> Result<Pix> {
        own(
            unsafe { l::pixOr(ptr::null_mut(), self.as_ptr(), other.as_ptr()) },
            "pixOr",
        )
    }

    /// Bounding boxes of the 8-connected components of a 1 bpp image.
    pub fn components(&self) -> Result<Vec<Rect>> {
        let mut boxa = unsafe { l::pixConnCompBB(self.as_ptr(), 8) };
        if boxa.is_null() {
            bail!("leptonica pixConnCompBB failed");
        }
        let n = unsafe { l::boxaGetCount(boxa) };
        let mut out = Vec::with_capacity(n.max(0) as usize);
        for i in 0..n {
            let (mut x, mut y, mut w, mut h) = (0, 0, 0, 0);
            if unsafe { l::boxaGetBoxGeometry(boxa, i, &mut x, &mut y, &mut w, &mut h) } == 0 {
                out.push(Rect::new(x, y, w, h));
            }
        }
        unsafe { l::boxaDestroy(&mut boxa) };
        Ok(out)
    }

    /// A copy of the rectangle `r` (clipped to the image).
    pub fn clip(&self, r: Rect) -> Result<Pix> {
        let b = LBox::new(r.x, r.y, r.w, r.h)?;
        own(
            unsafe { l::pixClipRectangle(self.as_ptr(), b.0, ptr::null_mut()) },
            "pixClipRectangle",
        )
    }

    /// Copy the block `from` of `src` to (dx, dy) of this image (same depth).
    pub fn blit(&mut self, dx: i32, dy: i32, src: &Pix, from: Rect) -> Result<()> {
        if unsafe {
            l::pixRasterop(
                self.as_ptr(),
                dx,
                dy,
                from.w,
                from.h,
                l::PIX_SRC as i32,
                src.as_ptr(),
                from.x,
                from.y,
            )
        } != 0
        {
            bail!("leptonica pixRasterop failed");
        }
        Ok(())
    }

    /// Number of foreground pixels of a 1 bpp image.
    pub fn count_pixels(&self) -> i32 {
        let mut n = 0;
        unsafe { l::pixCountPixels(self.as_ptr(), &mut n, ptr::null_mut()) };
        n
    }

    /// Set every pixel of `r` to `val` (8 bpp: gray value; 32 bpp: 0xRRGGBB00).
    pub fn fill_rect(&mut self, r: Rect, val: u32) -> Result<()> {
        let b = LBox::new(r.x, r.y, r.w, r.h)?;
        if unsafe { l::pixSetInRectArbitrary(self.as_ptr(), b.0, val) } != 0 {
            bail!("leptonica pixSetInRectArbitrary failed");
        }
        Ok(())
    }

    /// Where the 1 bpp `mask` is set, paint this image with `val`.
    pub fn paint_through_mask(&mut self, mask: &Pix, val: u32) -> Result<()> {
        if unsafe { l::pixPaintThroughMask(self.as_ptr(), mask.as_ptr(), 0, 0, val) } != 0 {
            bail!("leptonica pixPaintThroughMask failed");
        }
        Ok(())
    }

    /// Scale by `s` (leptonica picks a smoothing method for downscaling).
    pub fn scale(&self, s: f32) -> Result<Pix> {
        own(unsafe { l::pixScale(self.as_ptr(), s, s) }, "pixScale")
    }

    /// A copy with a border of `val` around it (widths in pixels; 32 bpp: 0xRRGGBB00).
    pub fn add_border(
        &self,
        left: i32,
        right: i32,
        top: i32,
        bottom: i32,
        val: u32,
    ) -> Result<Pix> {
        own(
            unsafe { l::pixAddBorderGeneral(self.as_ptr(), left, right, top, bottom, val) },
            "pixAddBorderGeneral",
        )
    }

    /// Draw a line on a 32 bpp image.
    pub fn line(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, width: i32, rgb: [u8; 3]) {
        unsafe {
            l::pixRenderLineArb(
                self.as_ptr(),
                x0,
                y0,
                x1,
                y1,
                width.max(1),
                rgb[0],
                rgb[1],
                rgb[2],
            )
        };
    }

    /// Draw a rectangle outline on a 32 bpp image.
    pub fn rect_outline(&mut self, r: Rect, width: i32, rgb: [u8; 3]) {
        if let Ok(b) = LBox::new(r.x, r.y, r.w, r.h) {
            unsafe { l::pixRenderBoxArb(self.as_ptr(), b.0, width.max(1), rgb[0], rgb[1], rgb[2]) };
        }
    }

    /// Blend a rectangle outline into a 32 bpp image.
    pub fn rect_blend(&mut self, r: Rect, width: i32, rgb: [u8; 3], fract: f32) {
        if let Ok(b) = LBox::new(r.x, r.y, r.w, r.h) {
            unsafe {
                l::pixRenderBoxBlend(
                    self.as_ptr(),
                    b.0,
                    width.max(1),
                    rgb[0],
                    rgb[1],
                    rgb[2],
                    fract,
                )
            };
        }
    }

    /// PNG bytes.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let mut data: *mut u8 = ptr::null_mut();
        let mut size = 0usize;
        let r = unsafe { l::pixWriteMemPng(&mut data, &mut size, self.as_ptr(), 0.0) };
        if r != 0 || data.is_null() {
            bail!("leptonica pixWriteMemPng failed");
        }
        let out = unsafe { std::slice::from_raw_parts(data, size) }.to_vec();
        unsafe { l::lept_free(data.cast()) };
        Ok(out)
    }
}

/// Header of an encoded image: (format, width, height, bits per sample, samples per pixel).
pub fn read_header_mem(data: &[u8]) -> Result<(i32, i32, i32, i32, i32)> {
    let (mut format, mut w, mut h, mut bps, mut spp, mut cmap) = (0, 0, 0, 0, 0, 0);
    let r = unsafe {
        l::pixReadHeaderMem(
            data.as_ptr(),
            data.len(),
            &mut format,
            &mut w,
            &mut h,
            &mut bps,
            &mut spp,
            &mut cmap,
        )
    };
    if r != 0 {
        bail!("cannot read the image header (not a PNG, JPEG or TIFF image, or a corrupt one)");
    }
    Ok((format, w, h, bps, spp))
}

/// Header of page `n` of a TIFF: (width, height, bits per sample, samples per pixel); `None` past the last page.
pub fn read_header_tiff(data: &[u8], n: i32) -> Option<(i32, i32, i32, i32)> {
    let (mut w, mut h, mut bps, mut spp, mut res, mut cmap, mut format) = (0, 0, 0, 0, 0, 0, 0);
    let r = unsafe {
        l::readHeaderMemTiff(
            data.as_ptr(),
            data.len(),
            n,
            &mut w,
            &mut h,
            &mut bps,
            &mut spp,
            &mut res,
            &mut cmap,
            &mut format,
        )
    };
    (r == 0).then_some((w, h, bps, spp))
}

/// Decode a PNG / JPEG / (first page of a) TIFF / BMP / PNM image.
pub fn read_mem(data: &[u8]) -> Result<Pix> {
    own(
        unsafe { l::pixReadMem(data.as_ptr(), data.len()) },
        "pixReadMem",
    )
}

/// Decode page `n` of a TIFF.
pub fn read_tiff_page(data: &[u8], n: i32) -> Result<Pix> {
    own(
        unsafe { l::pixReadMemTiff(data.as_ptr(), data.len(), n) },
        "pixReadMemTiff",
    )
}

/// Leptonica's built-in bitmap font (no font files needed), for labels in debug images.
pub struct Font(*mut l::L_BMF);
impl Font {
    pub fn new(size: i32) -> Option<Font> {
        let f = unsafe { l::bmfCreate(ptr::null(), size) };
        (!f.is_null()).then_some(Font(f))
    }
    /// The height of a line of this font in pixels.
    pub fn line_height(&self) -> i32 {
        unsafe { (*self.0).lineheight }
    }
    /// The width in pixels `text` takes when drawn.
    pub fn width(&self, text: &str) -> i32 {
        let mut w = 0;
        if let Ok(c) = CString::new(Self::ascii(text)) {
            unsafe { l::bmfGetStringWidth(self.0, c.as_ptr(), &mut w) };
        }
        w
    }
    fn ascii(text: &str) -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }
    /// Draw ASCII `text` with its baseline-left at (x, y) onto a 32 bpp image.
    pub fn draw(&self, pix: &mut Pix, text: &str, x: i32, y: i32, rgb: [u8; 3]) {
        if let Ok(c) = CString::new(Self::ascii(text)) {
            let val = (rgb[0] as u32) << 24 | (rgb[1] as u32) << 16 | (rgb[2] as u32) << 8;
            let (mut w, mut over) = (0, 0);
            unsafe {
                l::pixSetTextline(
                    pix.as_ptr(),
                    self.0,
                    c.as_ptr(),
                    val,
                    x,
                    y,
                    &mut w,
                    &mut over,
                )
            };
        }
    }
}
impl Drop for Font {
    fn drop(&mut self) {
        unsafe { l::bmfDestroy(&mut self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray_roundtrip_and_components() {
        let (w, h) = (37u32, 11u32);
        let mut data = vec![255u8; (w * h) as usize];
        for x in 5..30 {
            data[(5 * w + x) as usize] = 0;
        }
        let pix = Pix::from_gray(w, h, &data).unwrap();
        assert_eq!(pix.gray_bytes().unwrap(), data);
        assert_eq!(pix.gray_at(6, 5), 0);
        let bin = pix.threshold(128).unwrap();
        assert_eq!(bin.count_pixels(), 25);
        assert_eq!(bin.components().unwrap(), vec![Rect::new(5, 5, 25, 1)]);
    }

    #[test]
    fn garbage_is_an_error_not_a_crash() {
        quiet();
        assert!(read_mem(b"not an image at all").is_err());
        assert!(read_header_mem(b"").is_err());
    }
}

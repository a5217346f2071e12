//! Page images: from image files (PNG, JPEG, TIFF incl. multi-page) and from PDF pages.
//!
//! * Image files are decoded by leptonica (already linked for Tesseract; it wraps libpng,
//!   libjpeg and libtiff, reads the resolution stored in the file, and can read a header
//!   without decoding, which is what the pixel budget needs).
//! * A PDF page that is one full-page image (a scan) is decoded straight from its image
//!   XObject with `hayro-syntax` (pure Rust; DCT, Flate/LZW with predictors, CCITT G3/G4,
//!   JBIG2, JPX; handles `DecodeParms` arrays): 3–16 ms per page against 60–120 ms for
//!   rendering (shared/notes/crate-evaluation.md Q4).  The dpi then comes from the image size
//!   against the size the page draws it at.
//! * Any other page is rendered with `hayro` (pure Rust, fonts and CMaps embedded, so no system
//!   fonts or C libraries; the one renderer we build, also used by `inspect` for digital pages).
//!   pdfium would be faster but is a downloaded binary; mupdf is AGPL.
//!
//! **Budget.** Every page is checked against [`MAX_PIXELS`] before anything is decoded (from
//! the image header or the XObject dictionary), and Flate data is test-inflated with a cap
//! first, so a hostile file yields an error for that page instead of exhausting memory.

use crate::ocr::lept::{self, Pix};
use anyhow::{Context, Result, anyhow, bail};
use hayro_syntax::Filter;
use hayro_syntax::Pdf;
use hayro_syntax::content::ops::TypedInstruction;
use hayro_syntax::object::stream::{ImageColorSpace, ImageDecodeParams};
use hayro_syntax::object::{Array, Dict, Name, Object, Stream};
use hayro_syntax::page::{Page as PdfPage, Rotation};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Largest page image we decode or render, in pixels (A4 at 600 dpi is 35 Mpx).
pub const MAX_PIXELS: u64 = 60_000_000;
/// Largest input file we read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Default resolution for rendering pages that are not a single image.
pub const RENDER_DPI: f32 = 300.0;

/// Where a page image's resolution came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpiSource {
    /// Stored in the image file (PNG pHYs, JFIF density, TIFF resolution).
    Metadata,
    /// Image size against the size the PDF page draws it at (or the render scale).
    Pdf,
    /// Not known: guessed from the pixel size (see [`assumed_dpi`]).
    Assumed,
}

/// One page as pixels, with its resolution.
#[derive(Debug)]
pub struct PageImage {
    pix: Pix,
    pub dpi_x: f32,
    pub dpi_y: f32,
    pub dpi_source: DpiSource,
}

impl PageImage {
    /// Wrap a leptonica image (1, 8 or 32 bpp).
    pub fn from_pix(pix: Pix, dpi_x: f32, dpi_y: f32, dpi_source: DpiSource) -> Result<PageImage> {
        check_budget(pix.width() as u64, pix.height() as u64)?;
        Ok(PageImage {
            pix,
            dpi_x,
            dpi_y,
            dpi_source,
        })
    }
    /// An 8-bit gray image from row-major bytes.
    pub fn from_gray(width: u32, height: u32, data: &[u8], dpi: f32) -> Result<PageImage> {
        check_budget(width as u64, height as u64)?;
        PageImage::from_pix(
            Pix::from_gray(width, height, data)?,
            dpi,
            dpi,
            DpiSource::Pdf,
        )
    }
    /// An 8-bit RGB image from row-major bytes (3 per pixel).
    pub fn from_rgb(width: u32, height: u32, data: &[u8], dpi: f32) -> Result<PageImage> {
        check_budget(width as u64, height as u64)?;
        PageImage::from_pix(
            Pix::from_rgb(width, height, data)?,
            dpi,
            dpi,
            DpiSource::Pdf,
        )
    }
    pub fn pix(&self) -> &Pix {
        &self.pix
    }
    pub fn width(&self) -> u32 {
        self.pix.width() as u32
    }
    pub fn height(&self) -> u32 {
        self.pix.height() as u32
    }
    /// Page size in points.
    pub fn size_pt(&self) -> (f32, f32) {
        (
            self.width() as f32 * 72.0 / self.dpi_x,
            self.height() as f32 * 72.0 / self.dpi_y,
        )
    }
    /// PNG bytes of the image as it is.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        self.pix.to_png()
    }
}

fn check_budget(w: u64, h: u64) -> Result<()> {
    if w == 0 || h == 0 {
        bail!("empty image ({w}x{h} pixels)");
    }
    if w.saturating_mul(h) > MAX_PIXELS {
        bail!(
            "page image of {w}x{h} pixels ({:.0} Mpx) is over the {} Mpx budget; rescan or export the page at a lower resolution (300 dpi is plenty)",
            (w * h) as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        );
    }
    Ok(())
}

/// The resolution assumed for an image file that does not state one (or states a value
/// outside 70..=1200): 300 dpi when the longer side exceeds 2500 px (an A4 page at 300 dpi is
/// 2480x3508), otherwise 200 dpi.  Scans of these reports are made at 150–300 dpi, and
/// nothing downstream depends on the absolute scale except reported coordinates and the
/// sizes of the morphological operators, which tolerate a factor of 1.5 either way.
pub fn assumed_dpi(width: u32, height: u32) -> f32 {
    if width.max(height) > 2500 {
        300.0
    } else {
        200.0
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        bail!(
            "{} is {} MB, over the {} MB input limit",
            path.display(),
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn with_file_dpi(mut pix: Pix) -> Result<PageImage> {
    let (rx, ry) = pix.resolution();
    let ok = |r: i32| (70..=1200).contains(&r);
    let (dx, dy, src) = if ok(rx) && ok(ry) {
        (rx as f32, ry as f32, DpiSource::Metadata)
    } else {
        let d = assumed_dpi(pix.width() as u32, pix.height() as u32);
        (d, d, DpiSource::Assumed)
    };
    pix.set_resolution(dx as i32, dy as i32);
    PageImage::from_pix(pix, dx, dy, src)
}

/// Decode an image file (`.png .jpg .jpeg .tif .tiff`; every page of a multi-page TIFF).
pub fn load_image_file(path: &Path) -> Result<Vec<PageImage>> {
    lept::quiet();
    let data = read_file(path)?;
    load_image_bytes(&data).with_context(|| format!("{}", path.display()))
}

/// [`load_image_file`] on bytes already in memory.
pub fn load_image_bytes(data: &[u8]) -> Result<Vec<PageImage>> {
    lept::quiet();
    let is_tiff = data.starts_with(b"II*\0") || data.starts_with(b"MM\0*");
    if is_tiff {
        let mut pages = Vec::new();
        let mut n = 0;
        while let Some((w, h, _, _)) = lept::read_header_tiff(data, n) {
            check_budget(w as u64, h as u64).with_context(|| format!("TIFF page {}", n + 1))?;
            let pix = lept::read_tiff_page(data, n)
                .with_context(|| format!("cannot decode TIFF page {}", n + 1))?;
            pages.push(with_file_dpi(pix)?);
            n += 1;
            if n > 10_000 {
                bail!("TIFF with more than 10000 pages");
            }
        }
        if pages.is_empty() {
            bail!("not a readable TIFF image");
        }
        return Ok(pages);
    }
    let (_, w, h, _, _) = lept::read_header_mem(data)?;
    check_budget(w.max(0) as u64, h.max(0) as u64)?;
    let pix = lept::read_mem(data)
        .context("cannot decode the image (corrupt or unsupported PNG/JPEG)")?;
    Ok(vec![with_file_dpi(pix)?])
}

/// Open a PDF with hayro.
fn open_pdf(pdf_bytes: &[u8]) -> Result<Pdf> {
    Pdf::new(Arc::new(pdf_bytes.to_vec())).map_err(|e| match e {
        hayro_syntax::LoadPdfError::Decryption(_) => {
            anyhow!("the PDF is encrypted with a password; remove the password (e.g. qpdf --decrypt) and retry")
        }
        hayro_syntax::LoadPdfError::Invalid => anyhow!("the file is not a readable PDF"),
    })
}

/// Number of pages of a PDF (for the pipeline's loop).
pub fn pdf_page_count(pdf_bytes: &[u8]) -> Result<usize> {
    Ok(open_pdf(pdf_bytes)?.pages().len())
}

/// The image of page `page_index` (0-based) of a PDF: the page's one full-page image decoded
/// directly when it is a scan, otherwise the page rendered at [`RENDER_DPI`].
pub fn pdf_page_image(pdf_bytes: &[u8], page_index: usize) -> Result<PageImage> {
    lept::quiet();
    let pdf = open_pdf(pdf_bytes)?;
    let pages = pdf.pages();
    let page = pages.get(page_index).ok_or_else(|| {
        anyhow!(
            "page {} does not exist (the PDF has {} pages)",
            page_index + 1,
            pages.len()
        )
    })?;
    if let Some((stream, (w_pt, h_pt))) = single_image(page) {
        match decode_image_xobject(&stream, w_pt, h_pt) {
            Ok(img) => return Ok(img),
            Err(e) if is_budget_error(&e) => return Err(e),
            Err(_) => {} // unsupported colour space etc.: render instead
        }
    }
    render_page(page, RENDER_DPI)
}

fn is_budget_error(e: &anyhow::Error) -> bool {
    let s = format!("{e:#}");
    s.contains("budget") || s.contains("inflates to")
}

/// Render page `page_index` (0-based) of any PDF at `dpi` (for OCR of pages without a usable
/// text layer, and for `inspect` on digital pages).
pub fn render_pdf_page(pdf_bytes: &[u8], page_index: usize, dpi: f32) -> Result<PageImage> {
    let pdf = open_pdf(pdf_bytes)?;
    let pages = pdf.pages();
    let page = pages.get(page_index).ok_or_else(|| {
        anyhow!(
            "page {} does not exist (the PDF has {} pages)",
            page_index + 1,
            pages.len()
        )
    })?;
    render_page(page, dpi)
}

fn render_page(page: &PdfPage<'_>, dpi: f32) -> Result<PageImage> {
    let (w_pt, h_pt) = page.render_dimensions();
    let mut scale = dpi / 72.0;
    let (w, h) = ((w_pt * scale) as u64, (h_pt * scale) as u64);
    if w.saturating_mul(h) > MAX_PIXELS || w > u16::MAX as u64 || h > u16::MAX as u64 {
        // An oversized page (posters, broken MediaBox): render at the largest scale that fits.
        let fit = ((MAX_PIXELS as f32) / (w_pt * h_pt))
            .sqrt()
            .min(u16::MAX as f32 / w_pt.max(h_pt));
        if !(fit.is_finite() && fit > 0.05) {
            bail!("page of {w_pt}x{h_pt} pt cannot be rendered within the pixel budget");
        }
        scale = fit;
    }
    let settings = hayro::PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    let cache = hayro::RenderCache::new();
    let interp = hayro::hayro_interpret::InterpreterSettings::default();
    let pixmap = hayro::render(
        page,
        &cache,
        &interp,
        &hayro::RenderSettings::default(),
        &settings,
    );
    let (pw, ph) = (pixmap.width() as u32, pixmap.height() as u32);
    let mut rgb = Vec::with_capacity(pw as usize * ph as usize * 3);
    for p in pixmap.data() {
        // premultiplied over a white background: composite onto white
        let inv = 255 - p.a as u16;
        rgb.extend_from_slice(&[
            (p.r as u16 + inv).min(255) as u8,
            (p.g as u16 + inv).min(255) as u8,
            (p.b as u16 + inv).min(255) as u8,
        ]);
    }
    let d = 72.0 * scale;
    PageImage::from_pix(Pix::from_rgb(pw, ph, &rgb)?, d, d, DpiSource::Pdf)
}

/// When the page draws exactly one image XObject that covers (nearly) the whole page and
/// nothing else, that image's stream and the size it is drawn at (points).
fn single_image<'a>(page: &PdfPage<'a>) -> Option<(Stream<'a>, (f32, f32))> {
    if !matches!(page.rotation(), Rotation::None) {
        return None;
    }
    let mut ctm = [1.0f32, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut stack = Vec::new();
    let mut found: Option<(Vec<u8>, [f32; 6])> = None;
    let mut ops = page.typed_operations();
    while let Some(op) = ops.next() {
        match op {
            TypedInstruction::SaveState(_) => stack.push(ctm),
            TypedInstruction::RestoreState(_) => ctm = stack.pop().unwrap_or(ctm),
            TypedInstruction::Transform(t) => {
                let m = [
                    t.0.as_f32(),
                    t.1.as_f32(),
                    t.2.as_f32(),
                    t.3.as_f32(),
                    t.4.as_f32(),
                    t.5.as_f32(),
                ];
                ctm = [
                    m[0] * ctm[0] + m[1] * ctm[2],
                    m[0] * ctm[1] + m[1] * ctm[3],
                    m[2] * ctm[0] + m[3] * ctm[2],
                    m[2] * ctm[1] + m[3] * ctm[3],
                    m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
                    m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
                ];
            }
            TypedInstruction::XObject(x) => {
                if found.is_some() {
                    return None;
                }
                found = Some((x.0.to_vec(), ctm));
            }
            TypedInstruction::SetGraphicsState(_) => {}
            _ => return None,
        }
    }
    let (name, m) = found?;
    let stream = page.resources().get_x_object(&Name::new_unescaped(&name))?;
    if stream
        .dict()
        .get::<Name<'_>>(b"Subtype".as_slice())
        .map(|n| n.as_str() == "Image")
        != Some(true)
    {
        return None;
    }
    // no rotation/shear, and covering at least 90% of the page
    if m[1].abs() > 1e-3 || m[2].abs() > 1e-3 {
        return None;
    }
    let (w, h) = (m[0].abs(), m[3].abs());
    let (pw, ph) = page.render_dimensions();
    if w * h < 0.9 * pw * ph {
        return None;
    }
    Some((stream, (w, h)))
}

/// Components of a colour space usable without a colour-managed conversion (None otherwise).
fn color_components(cs: Option<Object<'_>>) -> Option<u8> {
    match cs? {
        Object::Name(n) => match n.as_str() {
            "DeviceGray" | "G" | "CalGray" => Some(1),
            "DeviceRGB" | "RGB" | "CalRGB" => Some(3),
            _ => None,
        },
        Object::Array(a) => {
            let mut it = a.iter::<Object<'_>>();
            let kind = it.next()?.into_name()?;
            match kind.as_str() {
                "ICCBased" => {
                    let n = it
                        .next()?
                        .into_stream()?
                        .dict()
                        .get::<u8>(b"N".as_slice())?;
                    matches!(n, 1 | 3).then_some(n)
                }
                "CalGray" => Some(1),
                "CalRGB" => Some(3),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Decode an image XObject into a page image whose dpi follows from the drawn size.
fn decode_image_xobject(stream: &Stream<'_>, w_pt: f32, h_pt: f32) -> Result<PageImage> {
    let dict: &Dict<'_> = stream.dict();
    if dict.get::<bool>(b"ImageMask".as_slice()).unwrap_or(false) {
        bail!("image mask");
    }
    let width = dict
        .get::<u32>(b"Width".as_slice())
        .or_else(|| dict.get::<u32>(b"W".as_slice()))
        .unwrap_or(0);
    let height = dict
        .get::<u32>(b"Height".as_slice())
        .or_else(|| dict.get::<u32>(b"H".as_slice()))
        .unwrap_or(0);
    check_budget(width as u64, height as u64)?;
    let bpc = dict
        .get::<u8>(b"BitsPerComponent".as_slice())
        .or_else(|| dict.get::<u8>(b"BPC".as_slice()));
    let cs = dict
        .get::<Object<'_>>(b"ColorSpace".as_slice())
        .or_else(|| dict.get::<Object<'_>>(b"CS".as_slice()));
    let filters = stream.filters();
    let is_indexed = matches!(&cs, Some(Object::Array(a)) if a.iter::<Name<'_>>().next().is_some_and(|n| n.as_str() == "Indexed" || n.as_str() == "I"));
    let comps = color_components(cs.clone());
    if is_indexed {
        bail!("indexed colour");
    }
    // Bounded test inflate: a Flate bomb is refused before hayro inflates it unbounded.
    if filters.first() == Some(&Filter::FlateDecode) {
        let expected = (width as u64) * (height as u64) * comps.unwrap_or(4) as u64 * 2
            + (height as u64)
            + 4096;
        let raw = stream.raw_data();
        let mut z = flate2::read::ZlibDecoder::new(raw.as_ref()).take(expected + 1);
        let n = std::io::copy(&mut z, &mut std::io::sink()).unwrap_or(0);
        if n > expected {
            bail!(
                "image data inflates to more than {expected} bytes for a {width}x{height} image; refusing (over budget)"
            );
        }
    }
    // JPEG: check the real frame size (it may differ from the dictionary) before decoding.
    if filters.contains(&Filter::DctDecode) && filters.len() == 1 {
        let raw = stream.raw_data();
        let mut dec = zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(
            raw.as_ref(),
        ));
        if dec.decode_headers().is_ok()
            && let Some((jw, jh)) = dec.dimensions()
        {
            check_budget(jw as u64, jh as u64)?;
        }
    }
    let params = ImageDecodeParams {
        is_indexed: false,
        bpc,
        num_components: comps,
        target_dimension: None,
        width,
        height,
    };
    let decoded = stream
        .decoded_image(&params)
        .map_err(|e| anyhow!("cannot decode the page image: {e:?}"))?;
    let data = decoded.data.as_ref();
    let (w, h, bpc, comps) = match &decoded.image_data {
        Some(info) => {
            let c = match info.color_space {
                Some(ImageColorSpace::Gray) => 1,
                Some(ImageColorSpace::Rgb) => 3,
                Some(ImageColorSpace::Cmyk) => 4,
                _ => comps.ok_or_else(|| anyhow!("unsupported colour space"))?,
            };
            (info.width, info.height, info.bits_per_component, c)
        }
        None => (
            width,
            height,
            bpc.unwrap_or(8),
            comps.ok_or_else(|| anyhow!("unsupported colour space"))?,
        ),
    };
    check_budget(w as u64, h as u64)?;
    let decode_inverted = dict
        .get::<Array<'_>>(b"Decode".as_slice())
        .map(|a| a.iter::<f32>().take(2).collect::<Vec<_>>())
        .is_some_and(|d| d.len() == 2 && d[0] > d[1]);
    let dpi_x = w as f32 * 72.0 / w_pt;
    let dpi_y = h as f32 * 72.0 / h_pt;
    let pix = match (comps, bpc) {
        (1, 8) => {
            let need = w as usize * h as usize;
            let mut g = data
                .get(..need)
                .ok_or_else(|| anyhow!("image data too short"))?
                .to_vec();
            if decode_inverted {
                g.iter_mut().for_each(|v| *v = 255 - *v);
            }
            Pix::from_gray(w, h, &g)?
        }
        (1, 1) => {
            let stride = (w as usize).div_ceil(8);
            let need = stride * h as usize;
            let bits = data
                .get(..need)
                .ok_or_else(|| anyhow!("image data too short"))?;
            let mut g = Vec::with_capacity(w as usize * h as usize);
            for row in bits.chunks_exact(stride) {
                for x in 0..w as usize {
                    let one = row[x / 8] >> (7 - x % 8) & 1 == 1;
                    g.push(if one != decode_inverted { 255 } else { 0 });
                }
            }
            Pix::from_gray(w, h, &g)?
        }
        (3, 8) => {
            let need = w as usize * h as usize * 3;
            Pix::from_rgb(
                w,
                h,
                data.get(..need)
                    .ok_or_else(|| anyhow!("image data too short"))?,
            )?
        }
        (4, 8) => {
            let need = w as usize * h as usize * 4;
            let cmyk = data
                .get(..need)
                .ok_or_else(|| anyhow!("image data too short"))?;
            let rgb: Vec<u8> = cmyk
                .chunks_exact(4)
                .flat_map(|p| {
                    let k = 255 - p[3] as u16;
                    [0, 1, 2].map(|i| ((255 - p[i] as u16) * k / 255) as u8)
                })
                .collect();
            Pix::from_rgb(w, h, &rgb)?
        }
        _ => bail!("unsupported image format ({comps} components, {bpc} bits)"),
    };
    let mut pix = pix;
    pix.set_resolution(dpi_x.round() as i32, dpi_y.round() as i32);
    PageImage::from_pix(pix, dpi_x, dpi_y, DpiSource::Pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_huge_images() {
        assert!(check_budget(100_000, 100_000).is_err());
        assert!(check_budget(2480, 3508).is_ok());
        assert!(check_budget(0, 10).is_err());
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(load_image_bytes(b"GIF89a not really").is_err());
        assert!(load_image_bytes(b"II*\0garbage").is_err());
        assert!(pdf_page_image(b"%PDF-1.4 nonsense", 0).is_err());
    }

    #[test]
    fn assumed_dpi_follows_size() {
        assert_eq!(assumed_dpi(1654, 2339), 200.0);
        assert_eq!(assumed_dpi(2480, 3508), 300.0);
    }
}

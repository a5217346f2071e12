//! Replay the digit reading of number crops dumped with `nianbao convert/inspect --ocr-dump DIR` (their `raw/`
//! folder) under several preprocessing variants, for choosing how to re-read doubtful cells.
//!
//!   cargo run --release --example crop_read -- DIR/raw/*.png
//!
//! Prints, per crop, the reading (text and confidence) of each variant; `CROP_SAVE=DIR` also
//! writes each variant's prepared image there.
use anyhow::{Context, Result};
use nianbao::ocr::lept::{Pix, Rect, read_mem};
use nianbao::ocr::{OcrEngine, ReadMode, TesseractConfig, TesseractEngine};

/// The crop `r`, trimmed to its ink (pixels darker than halfway between the darkest and white),
/// on white paper with a margin of `mv` ink heights above/below and `mh` left/right, gray
/// values stretched (`stretch`) or thresholded (`binary`), scaled so the ink is `target` px tall.
fn prepared(
    src: &Pix,
    r: Rect,
    target: f32,
    mv: f32,
    mh: f32,
    stretch: bool,
    binary: bool,
) -> Result<(Pix, f32)> {
    let crop = src.clip(r)?;
    let mut bytes = crop.gray_bytes()?;
    let (w, h) = (r.w as usize, r.h as usize);
    let lo = *bytes.iter().min().unwrap_or(&0) as i32;
    let t = (lo + 255) / 2;
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        for x in 0..w {
            if (bytes[y * w + x] as i32) < t {
                x0 = x0.min(x);
                x1 = x1.max(x + 1);
                y0 = y0.min(y);
                y1 = y1.max(y + 1);
            }
        }
    }
    if x1 <= x0 {
        x0 = 0;
        y0 = 0;
        x1 = w;
        y1 = h;
    }
    if stretch && 255 - lo > 10 {
        for b in &mut bytes {
            *b = (((*b as i32 - lo) * 255) / (255 - lo)).clamp(0, 255) as u8;
        }
    }
    if binary {
        for b in &mut bytes {
            *b = if (*b as i32) < 128 { 0 } else { 255 };
        }
    }
    let crop = Pix::from_gray(w as u32, h as u32, &bytes)?;
    let ink_h = (y1 - y0) as f32;
    let (mx, my) = ((ink_h * mh).round() as i32, (ink_h * mv).round() as i32);
    let (iw, ih) = ((x1 - x0) as i32, (y1 - y0) as i32);
    let mut img = Pix::create(iw + 2 * mx, ih + 2 * my, 8)?;
    img.fill_rect(Rect::new(0, 0, iw + 2 * mx, ih + 2 * my), 255)?;
    img.blit(mx, my, &crop, Rect::new(x0 as i32, y0 as i32, iw, ih))?;
    let f = if target > 0.0 {
        (target / ink_h).clamp(1.0, 8.0)
    } else {
        1.0
    };
    Ok((if f > 1.05 { img.scale(f)? } else { img }, f))
}

fn main() -> Result<()> {
    nianbao::ocr::engine::ensure_single_threaded_openmp();
    let mut engine = TesseractEngine::new(&TesseractConfig::default())?;
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path).with_context(|| path.clone())?;
        let pix = read_mem(&data)?.to_gray()?;
        // name: <reading name>.png-X-Y-W-H-DPI.png
        let stem = path.trim_end_matches(".png");
        let parts: Vec<&str> = stem.rsplitn(6, '-').collect();
        let num = |i: usize| {
            parts
                .get(i)
                .and_then(|s| s.parse::<f32>().ok())
                .unwrap_or(0.0)
        };
        let (dpi, h, w, y, x) = (
            num(0),
            num(1) as i32,
            num(2) as i32,
            num(3) as i32,
            num(4) as i32,
        );
        let r = Rect::new(x, y, w, h);
        let mut line = format!(
            "{:<40}",
            parts
                .get(5)
                .map(|s| s.rsplit('/').next().unwrap_or(s))
                .unwrap_or("")
        );
        // as the producer reads it alone: the region of the page
        engine.set_image(&pix, dpi as u32)?;
        let ws = engine.read(r, ReadMode::Numeric)?;
        let t: String = ws
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let c = ws.iter().map(|w| w.confidence).fold(1.0f32, f32::min);
        line.push_str(&format!(" alone={t:>5}/{:02}", (c * 100.0) as i32));
        {
            let (name, target, mv, mh, stretch, binary, mode) =
                ("s32m", 32.0, 0.6, 1.0, true, false, ReadMode::Numeric);
            let (img, f) = prepared(&pix, r, target, mv, mh, stretch, binary)?;
            if let Some(dir) = std::env::var_os("CROP_SAVE") {
                std::fs::write(
                    std::path::Path::new(&dir).join(format!("prep-{name}.png")),
                    img.to_png()?,
                )?;
            }
            engine.set_image(&img, (dpi * f).round() as u32)?;
            let ws = engine.read(Rect::new(0, 0, img.width(), img.height()), mode)?;
            let t: String = ws
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let c = ws.iter().map(|w| w.confidence).fold(1.0f32, f32::min);
            line.push_str(&format!(" {name}={t:>5}/{:02}", (c * 100.0) as i32));
        }
        let l = nianbao::ocr::shape::loops(&pix, r)?;
        line.push_str(&format!(
            " shape={:?} {:?}",
            l.as_ref().and_then(nianbao::ocr::shape::loop_digit),
            l
        ));
        println!("{line}");
    }
    Ok(())
}

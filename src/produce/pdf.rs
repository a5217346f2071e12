//! The PDF text-layer producer: glyphs and ruling lines of digital pages into the page model.
//!
//! Glyphs come from pdf-extract's `OutputDev` (vendored with fixes, see vendor/pdf-extract/
//! PATCHES.md), which in our measurements decoded every CJK character of real WPS, Chromium and
//! LibreOffice reports.  Rulings come from the same interpreter's `stroke` and `fill` callbacks:
//! stroked lines and rectangles, and the edges of filled rectangles (WPS draws some borders as
//! thin filled rectangles).  Files that pdf-extract's lopdf 0.42 cannot parse (truncated, broken
//! xref) are loaded and re-saved by lopdf 0.47 first, which rebuilds the cross-reference table.

use crate::model::{BBox, Page, PageKind, Segment, Word};
use pdf_extract::{MediaBox, OutputDev, OutputError, Path as PdfPath, PathOp, Transform};
use std::panic::{AssertUnwindSafe, catch_unwind};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("not a PDF: the file does not start with %PDF ({0})")]
    NotPdf(String),
    #[error(
        "the PDF is encrypted with a password; decrypt it first (e.g. `qpdf --decrypt --password=... in.pdf out.pdf`)"
    )]
    Encrypted,
    #[error("the PDF could not be parsed, even after an attempt to repair its structure: {0}")]
    Unreadable(String),
    #[error("the PDF has no pages")]
    NoPages,
    #[error("the page tree is broken: {0}")]
    PageTree(String),
}

/// One page as read from the text layer, with what the caller needs to decide whether to OCR it.
pub struct PdfPage {
    pub page: Page,
    pub quality: TextQuality,
    /// Set when the page could not be interpreted (its content is then empty).
    pub error: Option<String>,
}

/// Counts that tell a usable text layer from none or garbage.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextQuality {
    pub glyphs: usize,
    pub cjk: usize,
    /// Private-use, replacement, control and unmapped (`(cid:`) glyphs.
    pub bad: usize,
    /// Letters of any script (CJK ideographs included).
    pub letters: usize,
    /// Characters of U+0080..=U+00FF: what double-byte (GBK) text decoded one byte at a time
    /// through a single-byte encoding looks like (`ÄÏ¾©ÊÐ`).
    pub latin1: usize,
    /// Glyphs drawn with a code the font does not map to any character (a CID font without a
    /// ToUnicode map): not counted in `glyphs`.
    pub undecoded: usize,
}

/// A text layer of a script other than Chinese (an English report) is usable when it holds at
/// least `REAL_TEXT_MIN_LETTERS` letters, letters make at least `REAL_TEXT_LETTER_SHARE` of its
/// glyphs, and fewer than `REAL_TEXT_MAX_LATIN1_SHARE` of them are U+0080..U+00FF (mojibake).
/// Enough letters that a scan's digital page number or URL footer is no text layer.
pub const REAL_TEXT_MIN_LETTERS: usize = 40;
pub const REAL_TEXT_LETTER_SHARE: f32 = 0.5;
pub const REAL_TEXT_MAX_LATIN1_SHARE: f32 = 0.2;
/// Share of bad (private-use, control, undecodable) glyphs above which a text layer is garbage.
pub const MAX_BAD_SHARE: f32 = 0.05;

impl TextQuality {
    /// True when the text layer can be trusted: enough glyphs, few bad ones, and real text in
    /// some script.  Chinese text counts as soon as a few ideographs are there; text in another
    /// script (an English or Latin-script report) when the glyphs decode to enough letters,
    /// none of them undecodable, and not the Latin-1 mojibake a font without a usable ToUnicode
    /// map gives.
    pub fn usable(&self) -> bool {
        if self.glyphs < 4 {
            return false;
        }
        let g = self.glyphs as f32;
        if (self.bad as f32) >= MAX_BAD_SHARE * g {
            return false;
        }
        if (self.cjk as f32) >= (0.1 * g).min(8.0) {
            return true;
        }
        let l = self.letters as f32;
        let all = (self.glyphs + self.undecoded) as f32;
        self.letters >= REAL_TEXT_MIN_LETTERS
            && l >= REAL_TEXT_LETTER_SHARE * g
            && (self.latin1 as f32) < REAL_TEXT_MAX_LATIN1_SHARE * l
            && ((self.bad + self.undecoded) as f32) < MAX_BAD_SHARE * all
    }
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Some producers (Chromium among them) map ideographs to Kangxi or supplementary CJK radicals
/// (⾏ U+2F8F for 行, ⻘ U+2EED for 青) or to CJK compatibility ideographs in their ToUnicode
/// tables.  Radicals are folded by Unicode's Equivalent_Unified_Ideograph property (the UCD file
/// is compiled in, from Debian's unicode-data), compatibility ideographs by their canonical
/// decomposition; every other character stays as printed.
pub fn fold_radicals(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if !s.chars().any(is_radical) {
        return s.to_string();
    }
    s.chars()
        .flat_map(|c| match equivalent_ideograph(c) {
            Some(u) => vec![u],
            None if is_radical(c) => c.to_string().nfkc().collect::<Vec<_>>(),
            None => vec![c],
        })
        .collect()
}

fn is_radical(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x2FDF | 0x31C0..=0x31EF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

fn equivalent_ideograph(c: char) -> Option<char> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<u32, char>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for line in include_str!("../../data/EquivalentUnifiedIdeograph.txt").lines() {
            let line = line.split('#').next().unwrap_or("");
            let Some((range, target)) = line.split_once(';') else {
                continue;
            };
            let Some(to) = u32::from_str_radix(target.trim(), 16)
                .ok()
                .and_then(char::from_u32)
            else {
                continue;
            };
            let (lo, hi) = match range.trim().split_once("..") {
                Some((a, b)) => (a, b),
                None => (range.trim(), range.trim()),
            };
            if let (Ok(lo), Ok(hi)) = (u32::from_str_radix(lo, 16), u32::from_str_radix(hi, 16)) {
                for cp in lo..=hi {
                    m.insert(cp, to);
                }
            }
        }
        m
    })
    .get(&(c as u32))
    .copied()
}

fn is_bad_char(c: char) -> bool {
    let u = c as u32;
    (0xE000..=0xF8FF).contains(&u)
        || u == 0xFFFD
        || (c.is_control() && !c.is_whitespace())
        || (0xF0000..=0x10FFFF).contains(&u)
}

/// Load a PDF with pdf-extract's lopdf, repairing it through lopdf 0.47 when that fails.
pub fn load(bytes: &[u8]) -> Result<pdf_extract::Document, PdfError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf(describe_start(bytes)));
    }
    let first = catch_unwind(|| pdf_extract::Document::load_mem(bytes));
    let err = match first {
        Ok(Ok(doc)) => return check_loaded(doc),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "parser panicked".to_string(),
    };
    if is_password_error(&err) {
        return Err(PdfError::Encrypted);
    }
    // Repair pass: lopdf 0.47 rebuilds broken xref tables and reads truncated files.
    let repaired = catch_unwind(|| -> Result<Vec<u8>, String> {
        let mut doc = lopdf::Document::load_mem(bytes).map_err(|e| e.to_string())?;
        if doc.is_encrypted() {
            return Err("encrypted".into());
        }
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    });
    let truncated = |e: PdfError| match e {
        PdfError::Unreadable(m)
            if !bytes[bytes.len().saturating_sub(1024)..]
                .windows(5)
                .any(|w| w == b"%%EOF") =>
        {
            PdfError::Unreadable(format!(
                "{m} (the file looks truncated: it does not end with %%EOF; fetch it again)"
            ))
        }
        e => e,
    };
    match repaired {
        Ok(Ok(fixed)) => match catch_unwind(|| pdf_extract::Document::load_mem(&fixed)) {
            Ok(Ok(doc)) => check_loaded(doc),
            Ok(Err(e)) => Err(PdfError::Unreadable(format!("{err}; after repair: {e}"))),
            Err(_) => Err(PdfError::Unreadable(format!(
                "{err}; after repair the parser panicked"
            ))),
        },
        Ok(Err(e)) if is_password_error(&e) || e == "encrypted" => Err(PdfError::Encrypted),
        Ok(Err(e)) => Err(PdfError::Unreadable(format!("{err}; repair failed: {e}"))),
        Err(_) => Err(PdfError::Unreadable(format!("{err}; repair panicked"))),
    }
    .map_err(truncated)
}

/// What a file that is not a PDF starts with, in words.
fn describe_start(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "empty file".into();
    }
    let head = &bytes[..bytes.len().min(512)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<!doctype html") {
        return "it is an HTML page; the download probably failed".into();
    }
    let start = &bytes[..bytes.len().min(16)];
    match std::str::from_utf8(start) {
        Ok(t) if t.chars().all(|c| !c.is_control() || c.is_whitespace()) => {
            format!("it starts with {t:?}")
        }
        _ => format!(
            "it starts with the bytes {}",
            start
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Walk the page tree from the catalog; an error names a node that is its own ancestor.
fn check_page_tree(doc: &pdf_extract::Document) -> Result<(), PdfError> {
    fn walk(
        doc: &pdf_extract::Document,
        id: pdf_extract::ObjectId,
        path: &mut Vec<pdf_extract::ObjectId>,
        budget: &mut u32,
    ) -> Result<(), PdfError> {
        if path.contains(&id) {
            return Err(PdfError::PageTree(format!(
                "it refers to itself (object {} {} is listed among its own /Kids)",
                id.0, id.1
            )));
        }
        *budget = budget.saturating_sub(1);
        if *budget == 0 || path.len() > 256 {
            return Ok(());
        }
        let Ok(dict) = doc.get_dictionary(id) else {
            return Ok(());
        };
        let Ok(kids) = dict.get(b"Kids").and_then(|k| k.as_array()) else {
            return Ok(());
        };
        path.push(id);
        for k in kids {
            if let Ok(kid) = k.as_reference() {
                walk(doc, kid, path, budget)?;
            }
        }
        path.pop();
        Ok(())
    }
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(|r| r.as_reference())
        .map_err(|_| PdfError::PageTree("the trailer has no /Root".into()))?;
    let pages = doc
        .get_dictionary(root)
        .and_then(|c| c.get(b"Pages"))
        .and_then(|p| p.as_reference())
        .map_err(|_| PdfError::PageTree("the catalog has no /Pages".into()))?;
    walk(doc, pages, &mut Vec::new(), &mut 100_000)
}

fn is_password_error(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("password") || m.contains("decrypt")
}

fn check_loaded(doc: pdf_extract::Document) -> Result<pdf_extract::Document, PdfError> {
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    Ok(doc)
}

/// Follow /Parent links of a page, failing on a cycle (pdf-extract would recurse forever).
fn check_parents(doc: &pdf_extract::Document, id: pdf_extract::ObjectId) -> Result<(), PdfError> {
    let mut seen = std::collections::HashSet::new();
    let mut cur = id;
    loop {
        if !seen.insert(cur) || seen.len() > 64 {
            return Err(PdfError::PageTree(format!(
                "the /Parent chain of object {} {} loops",
                id.0, id.1
            )));
        }
        let dict = match doc.get_dictionary(cur) {
            Ok(d) => d,
            Err(_) => return Ok(()),
        };
        match dict.get(b"Parent").and_then(|p| p.as_reference()) {
            Ok(p) => cur = p,
            Err(_) => return Ok(()),
        }
    }
}

/// Number of pages without interpreting them.
pub fn page_count(doc: &pdf_extract::Document) -> usize {
    doc.get_pages().len()
}

/// Read every page's text layer.  A page that fails is returned empty with its error.
pub fn read_pages(doc: &pdf_extract::Document) -> Result<Vec<PdfPage>, PdfError> {
    check_page_tree(doc)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    let mut out = Vec::with_capacity(pages.len());
    let empty = pdf_extract::Dictionary::new();
    let mut interp = pdf_extract::PageInterpreter::new(doc, &empty);
    for (&num, &id) in &pages {
        check_parents(doc, id)?;
        let mut dev = Collector::default();
        let r = catch_unwind(AssertUnwindSafe(|| interp.output_page(&mut dev, num, id)));
        let error = match r {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(format!("page {num}: {e}")),
            Err(p) => Some(format!(
                "page {num}: the PDF interpreter panicked ({})",
                panic_message(&p)
            )),
        };
        let (page, quality) = if error.is_none() {
            dev.finish(num)
        } else {
            let (w, h) = dev.size();
            (
                Page::new(num, w, h, PageKind::Digital),
                TextQuality::default(),
            )
        };
        out.push(PdfPage {
            page,
            quality,
            error,
        });
    }
    Ok(out)
}

pub fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// A glyph in page coordinates (top-left origin).
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    x: f32,
    /// Baseline, y down.
    y: f32,
    adv: f32,
    size: f32,
}

#[derive(Default)]
struct Collector {
    media: Option<MediaBox>,
    glyphs: Vec<Glyph>,
    segments: Vec<Segment>,
}

impl Collector {
    fn size(&self) -> (f32, f32) {
        match self.media {
            Some(m) => ((m.urx - m.llx).abs() as f32, (m.ury - m.lly).abs() as f32),
            None => (595.0, 842.0),
        }
    }

    /// PDF user space (y up) to page space (top-left origin, y down).
    fn to_page(&self, x: f64, y: f64) -> (f32, f32) {
        match self.media {
            Some(m) => ((x - m.llx) as f32, (m.ury - y) as f32),
            None => (x as f32, (842.0 - y) as f32),
        }
    }

    fn add_path(&mut self, ctm: &Transform, path: &PdfPath, filled: bool) {
        let tp = |x: f64, y: f64| {
            (
                x * ctm.m11 + y * ctm.m21 + ctm.m31,
                x * ctm.m12 + y * ctm.m22 + ctm.m32,
            )
        };
        let mut start: Option<(f64, f64)> = None;
        let mut cur: Option<(f64, f64)> = None;
        let mut poly: Vec<(f32, f32)> = Vec::new();
        let mut lines: Vec<((f32, f32), (f32, f32))> = Vec::new();
        let mut rects: Vec<[(f32, f32); 4]> = Vec::new();
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    let p = tp(x, y);
                    start = Some(p);
                    cur = Some(p);
                    poly.push(self.to_page(p.0, p.1));
                }
                PathOp::LineTo(x, y) => {
                    let p = tp(x, y);
                    if let Some(c) = cur {
                        lines.push((self.to_page(c.0, c.1), self.to_page(p.0, p.1)));
                    }
                    cur = Some(p);
                    poly.push(self.to_page(p.0, p.1));
                }
                PathOp::CurveTo(_, _, _, _, x, y) => {
                    cur = Some(tp(x, y));
                    poly.clear();
                }
                PathOp::Rect(x, y, w, h) => {
                    let c = [tp(x, y), tp(x + w, y), tp(x + w, y + h), tp(x, y + h)];
                    rects.push(c.map(|p| self.to_page(p.0, p.1)));
                }
                PathOp::Close => {
                    if let (Some(s), Some(c)) = (start, cur)
                        && s != c
                    {
                        lines.push((self.to_page(c.0, c.1), self.to_page(s.0, s.1)));
                    }
                    cur = start;
                }
            }
        }
        let (pw, ph) = self.size();
        if filled {
            // A filled path is a ruling only when it is a rectangle: a thin one is one line,
            // a larger one (cell shading) contributes its edges.  Page-sized backgrounds are not.
            if poly.len() >= 4
                && poly.len() <= 5
                && lines.iter().all(|(a, b)| a.0 == b.0 || a.1 == b.1)
            {
                let xs = poly.iter().map(|p| p.0);
                let ys = poly.iter().map(|p| p.1);
                let (x0, x1) = (
                    xs.clone().fold(f32::MAX, f32::min),
                    xs.fold(f32::MIN, f32::max),
                );
                let (y0, y1) = (
                    ys.clone().fold(f32::MAX, f32::min),
                    ys.fold(f32::MIN, f32::max),
                );
                rects.push([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]);
            }
            for r in rects {
                let xs = r.iter().map(|p| p.0);
                let ys = r.iter().map(|p| p.1);
                let (x0, x1) = (
                    xs.clone().fold(f32::MAX, f32::min),
                    xs.fold(f32::MIN, f32::max),
                );
                let (y0, y1) = (
                    ys.clone().fold(f32::MAX, f32::min),
                    ys.fold(f32::MIN, f32::max),
                );
                let (w, h) = (x1 - x0, y1 - y0);
                if w >= 0.9 * pw && h >= 0.9 * ph {
                    continue;
                }
                if h <= 3.0 && w > h {
                    self.segments.push(Segment {
                        x0,
                        y0: (y0 + y1) / 2.0,
                        x1,
                        y1: (y0 + y1) / 2.0,
                    });
                } else if w <= 3.0 && h > w {
                    self.segments.push(Segment {
                        x0: (x0 + x1) / 2.0,
                        y0,
                        x1: (x0 + x1) / 2.0,
                        y1,
                    });
                } else {
                    self.push_rect_edges(x0, y0, x1, y1);
                }
            }
        } else {
            for (a, b) in lines {
                self.segments.push(Segment {
                    x0: a.0,
                    y0: a.1,
                    x1: b.0,
                    y1: b.1,
                });
            }
            for r in rects {
                for i in 0..4 {
                    let (a, b) = (r[i], r[(i + 1) % 4]);
                    self.segments.push(Segment {
                        x0: a.0,
                        y0: a.1,
                        x1: b.0,
                        y1: b.1,
                    });
                }
            }
        }
    }

    fn push_rect_edges(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        self.segments.push(Segment { x0, y0, x1, y1: y0 });
        self.segments.push(Segment { x0, y0: y1, x1, y1 });
        self.segments.push(Segment { x0, y0, x1: x0, y1 });
        self.segments.push(Segment { x0: x1, y0, x1, y1 });
    }

    /// Build the page: glyph runs split at vertical rulings become words.
    fn finish(self, num: u32) -> (Page, TextQuality) {
        let (w, h) = self.size();
        let mut page = Page::new(num, w, h, PageKind::Digital);
        let mut q = TextQuality::default();
        for g in &self.glyphs {
            if g.text.is_empty() {
                q.undecoded += 1;
            }
            for c in g.text.chars() {
                if c.is_whitespace() {
                    continue;
                }
                q.glyphs += 1;
                if is_cjk(c) {
                    q.cjk += 1;
                } else if is_bad_char(c) {
                    q.bad += 1;
                }
                if c.is_alphabetic() && !is_bad_char(c) {
                    q.letters += 1;
                }
                if (0x80..=0xFF).contains(&(c as u32)) {
                    q.latin1 += 1;
                }
            }
        }
        // Vertical rulings, for splitting runs that would cross a cell boundary.
        let vrules: Vec<(f32, f32, f32)> = self
            .segments
            .iter()
            .filter(|s| (s.x1 - s.x0).abs() <= 2.0 && (s.y1 - s.y0).abs() >= 4.0)
            .map(|s| ((s.x0 + s.x1) / 2.0, s.y0.min(s.y1), s.y0.max(s.y1)))
            .collect();
        let crosses = |a: &Glyph, b: &Glyph| {
            let (l, r) = (a.x + a.adv * 0.5, b.x + b.adv * 0.5);
            let y = a.y - a.size * 0.3;
            vrules
                .iter()
                .any(|&(x, y0, y1)| x > l && x < r && y >= y0 && y <= y1)
        };
        let mut run: Vec<&Glyph> = Vec::new();
        let flush = |run: &mut Vec<&Glyph>, words: &mut Vec<Word>| {
            if run.is_empty() {
                return;
            }
            let text: String = run.iter().map(|g| g.text.as_str()).collect();
            let size = run.iter().map(|g| g.size).fold(0.0, f32::max);
            let x0 = run.iter().map(|g| g.x).fold(f32::MAX, f32::min);
            let x1 = run.iter().map(|g| g.x + g.adv).fold(f32::MIN, f32::max);
            let base = run.iter().map(|g| g.y).sum::<f32>() / run.len() as f32;
            if !text.trim().is_empty() {
                words.push(Word::text_layer(
                    text.trim().to_string(),
                    BBox::new(x0, base - 0.85 * size, x1, base + 0.15 * size),
                ));
            }
            run.clear();
        };
        for g in &self.glyphs {
            if g.text.chars().all(char::is_whitespace) {
                flush(&mut run, &mut page.words);
                continue;
            }
            if let Some(last) = run.last() {
                let tol = 0.25 * last.size.max(g.size).max(1.0);
                let gap = g.x - (last.x + last.adv);
                let same_line = (g.y - last.y).abs() <= 0.3 * last.size.max(1.0);
                if !same_line || gap > tol || gap < -0.5 * last.size.max(1.0) || crosses(last, g) {
                    flush(&mut run, &mut page.words);
                }
            }
            run.push(g);
        }
        flush(&mut run, &mut page.words);
        page.rulings = self.segments;
        (page, q)
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _n: u32,
        media: &MediaBox,
        _art: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.media = Some(*media);
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        // trm maps text space to user space; the font size is applied on top of it.
        let sx = (trm.m11 * trm.m11 + trm.m12 * trm.m12).sqrt();
        let sy = (trm.m21 * trm.m21 + trm.m22 * trm.m22).sqrt();
        let size = (font_size * sy) as f32;
        let adv = ((width * font_size + spacing) * sx).max(0.0) as f32;
        let (x, y) = self.to_page(trm.m31, trm.m32);
        self.glyphs.push(Glyph {
            text: fold_radicals(ch),
            x,
            y,
            adv,
            size,
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn stroke(
        &mut self,
        ctm: &Transform,
        _cs: &pdf_extract::ColorSpace,
        _color: &[f64],
        path: &PdfPath,
    ) -> Result<(), OutputError> {
        self.add_path(ctm, path, false);
        Ok(())
    }
    fn fill(
        &mut self,
        ctm: &Transform,
        _cs: &pdf_extract::ColorSpace,
        color: &[f64],
        path: &PdfPath,
    ) -> Result<(), OutputError> {
        // White fills (backgrounds, masks) draw no visible edge.
        let white = match color.len() {
            4 => color.iter().all(|&c| c <= 0.03),
            0 => false,
            _ => color.iter().all(|&c| c >= 0.97),
        };
        if white {
            return Ok(());
        }
        self.add_path(ctm, path, true);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_rules() {
        let q = |glyphs, cjk, bad, letters, latin1, undecoded| TextQuality {
            glyphs,
            cjk,
            bad,
            letters,
            latin1,
            undecoded,
        };
        assert!(!q(0, 0, 0, 0, 0, 0).usable());
        assert!(q(400, 300, 0, 300, 0, 0).usable());
        // private-use glyphs
        assert!(!q(400, 200, 100, 200, 0, 0).usable());
        // English text: letters of another script
        assert!(q(400, 0, 0, 330, 0, 0).usable());
        // Latin-1 mojibake from a font without ToUnicode (GBK bytes read one by one)
        assert!(!q(400, 0, 0, 300, 280, 0).usable());
        // digits and punctuation only, or a scan's short footer: no text to trust
        assert!(!q(400, 0, 0, 10, 0, 0).usable());
        assert!(!q(30, 0, 0, 25, 0, 0).usable());
        // most glyphs undecodable (a CID font without ToUnicode): the few decoded ones are no layer
        assert!(!q(60, 0, 0, 50, 0, 400).usable());
    }

    #[test]
    fn glyph_counts_by_script() {
        let mut dev = Collector::default();
        for (i, t) in ["P", "a", "g", "e", " ", "Ä", "", "报", "\u{E001}"]
            .iter()
            .enumerate()
        {
            dev.glyphs.push(Glyph {
                text: t.to_string(),
                x: i as f32 * 5.0,
                y: 10.0,
                adv: 5.0,
                size: 10.0,
            });
        }
        let (_, q) = dev.finish(1);
        assert_eq!(
            (q.glyphs, q.cjk, q.bad, q.letters, q.latin1, q.undecoded),
            (7, 1, 1, 6, 1, 1)
        );
    }

    #[test]
    fn radicals_fold_to_ideographs() {
        assert_eq!(fold_radicals("⾏政规范性⽂件"), "行政规范性文件");
        assert_eq!(fold_radicals("⻘州市人⺠政府"), "青州市人民政府");
        assert_eq!(fold_radicals("（一）予以公开"), "（一）予以公开");
    }

    #[test]
    fn not_a_pdf() {
        assert!(matches!(load(b""), Err(PdfError::NotPdf(_))));
        assert!(matches!(
            load(b"<html><body>hi</body></html>"),
            Err(PdfError::NotPdf(_))
        ));
    }
}

//! The OCR engine plug-in interface and its two implementations: Tesseract and a null engine.
//!
//! # Why `tesseract-sys` and not the `tesseract` crate's safe API
//! The `tesseract` 0.15 crate (and `tesseract-plumbing` under it) keeps the `TessBaseAPI`
//! pointer private and exposes no result iterator, so word boxes, per-word confidences and the
//! per-symbol alternative readings (`ChoiceIterator`) are out of reach (only TSV text).  We
//! therefore drive the C API through `tesseract-sys` 0.6, the very FFI crate `tesseract` 0.15
//! is built on (same `links = "tesseract"`, same Debian libtesseract 5.3), behind the small
//! RAII wrapper [`Api`] below.  Nothing else in the crate touches Tesseract directly.
//!
//! # Threads
//! libtesseract is linked with OpenMP; left alone it spins extra threads that cost ~4x the
//! CPU on a loaded 2-core box (see shared/notes/crate-evaluation.md Q3); measured here on a
//! 200 dpi table page: 5.8 s CPU without `OMP_THREAD_LIMIT=1`, 1.1 s with it.  libgomp reads
//! the variable once, when it is loaded (before `main`), and Tesseract's `num_threads(...)`
//! clauses override `omp_set_num_threads`, so the only reliable fix is the environment:
//! [`ensure_single_threaded_openmp`] re-executes the current program with
//! `OMP_THREAD_LIMIT=1` when it is not set (call it first thing in `main`), and
//! `.cargo/config.toml` sets it for `cargo test` / `cargo run`.  [`TesseractEngine::new`] warns
//! once when it finds the variable missing.

use crate::ocr::lept::{Pix, Rect};
use anyhow::{Context, Result, bail};
use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};
use std::ptr;
use tesseract_sys as t;

/// What kind of content a rectangle holds, which decides language, segmentation mode and
/// character set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// One line of digits / separators / zero glyphs (a numeric table cell): `eng`, PSM 7,
    /// whitelist `0123456789.,-—/`.
    Numeric,
    /// Like `Numeric` but the rectangle holds one word (PSM 8); the retry when a tight
    /// single-line read came back empty (a lone digit sometimes does).
    NumericWord,
    /// One line of Chinese text: `chi_sim`, PSM 7.
    TextLine,
    /// A block of Chinese text, several lines (a label cell): `chi_sim`, PSM 6.
    TextBlock,
    /// A whole page (or a large region) with unknown layout: `chi_sim`, PSM 3.
    Page,
}

/// One recognised word, in the pixel coordinates of the image given to `set_image`.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    pub text: String,
    pub rect: Rect,
    /// 0.0 ..= 1.0
    pub confidence: f32,
    /// Other readings, best first (may be empty).
    pub alternatives: Vec<String>,
}

/// A recogniser.  One instance is used by one thread; the producer calls `set_image` once per
/// page and then `read` for each region of it.
pub trait OcrEngine {
    /// A short name for logs ("tesseract", "null").
    fn name(&self) -> &str;
    /// The image (8 bpp gray, white background) all following `read` calls look at.
    fn set_image(&mut self, image: &Pix, dpi: u32) -> Result<()>;
    /// Recognise the words inside `rect` of the current image.
    fn read(&mut self, rect: Rect, mode: ReadMode) -> Result<Vec<OcrWord>>;
    /// Drop the current image and results (memory); the next page calls `set_image` again.
    fn clear(&mut self) {}
}

/// An engine that recognises nothing, or a fixed text for every rectangle it is asked about.
/// For tests of everything around OCR without Tesseract or trained data.
#[derive(Debug, Clone, Default)]
pub struct NullEngine {
    /// Returned (as one word covering the rectangle) for `ReadMode::Numeric`.
    pub numeric: Option<String>,
    /// Returned for the text modes.
    pub text: Option<String>,
    /// Every `read` call, for assertions.
    pub calls: Vec<(Rect, ReadMode)>,
}

impl OcrEngine for NullEngine {
    fn name(&self) -> &str {
        "null"
    }
    fn set_image(&mut self, _image: &Pix, _dpi: u32) -> Result<()> {
        Ok(())
    }
    fn read(&mut self, rect: Rect, mode: ReadMode) -> Result<Vec<OcrWord>> {
        self.calls.push((rect, mode));
        let text = if matches!(mode, ReadMode::Numeric | ReadMode::NumericWord) {
            &self.numeric
        } else {
            &self.text
        };
        Ok(text
            .iter()
            .map(|s| OcrWord {
                text: s.clone(),
                rect,
                confidence: 1.0,
                alternatives: Vec::new(),
            })
            .collect())
    }
}

/// Whether this process runs with `OMP_THREAD_LIMIT=1` (see the module doc).
pub fn openmp_is_single_threaded() -> bool {
    std::env::var("OMP_THREAD_LIMIT").is_ok_and(|v| v.trim() == "1")
}

/// Make sure libtesseract's OpenMP runs single-threaded: when `OMP_THREAD_LIMIT` is not `1`,
/// re-execute the current program with it set (Unix; returns only if that is impossible or
/// not needed).  Call it at the very start of `main`, before any thread is started.
pub fn ensure_single_threaded_openmp() {
    if openmp_is_single_threaded() || std::env::var_os("NIANBAO_NO_REEXEC").is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let err = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("OMP_THREAD_LIMIT", "1")
                .env("NIANBAO_NO_REEXEC", "1")
                .exec();
            eprintln!(
                "warning: could not re-execute with OMP_THREAD_LIMIT=1 ({err}); OCR will use ~4x more CPU"
            );
        }
    }
}

fn warn_openmp_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if !openmp_is_single_threaded() {
        ONCE.call_once(|| {
            eprintln!("warning: OMP_THREAD_LIMIT=1 is not set; Tesseract will use several OpenMP threads per page and ~4x the CPU time");
        });
    }
}

/// Where the trained data is and which languages to use.
#[derive(Debug, Clone)]
pub struct TesseractConfig {
    /// `None`: Tesseract's default (`TESSDATA_PREFIX` or the compiled-in path, on Debian
    /// /usr/share/tesseract-ocr/5/tessdata).
    pub datapath: Option<String>,
    /// Language for numeric cells.
    pub numeric_lang: String,
    /// Language for labels and prose.
    pub text_lang: String,
}

impl Default for TesseractConfig {
    fn default() -> Self {
        TesseractConfig {
            datapath: None,
            numeric_lang: "eng".into(),
            text_lang: "chi_sim".into(),
        }
    }
}

/// Characters a numeric cell may contain.
pub const NUMERIC_WHITELIST: &str = "0123456789.,-—/";

/// RAII owner of one `TessBaseAPI`.
struct Api(*mut t::TessBaseAPI);

impl Drop for Api {
    fn drop(&mut self) {
        unsafe {
            t::TessBaseAPIEnd(self.0);
            t::TessBaseAPIDelete(self.0);
        }
    }
}

fn cstring(s: &str) -> Result<CString> {
    CString::new(s).with_context(|| format!("string with a NUL byte: {s:?}"))
}

impl Api {
    fn new(
        datapath: Option<&str>,
        lang: &str,
        init_vars: &[(&str, &str)],
        vars: &[(&str, &str)],
    ) -> Result<Api> {
        let handle = unsafe { t::TessBaseAPICreate() };
        if handle.is_null() {
            bail!("TessBaseAPICreate failed");
        }
        let api = Api(handle);
        let dp = datapath.map(cstring).transpose()?;
        let lang_c = cstring(lang)?;
        let names: Vec<CString> = init_vars
            .iter()
            .map(|(k, _)| cstring(k))
            .collect::<Result<_>>()?;
        let values: Vec<CString> = init_vars
            .iter()
            .map(|(_, v)| cstring(v))
            .collect::<Result<_>>()?;
        let mut np: Vec<*mut c_char> = names.iter().map(|c| c.as_ptr() as *mut c_char).collect();
        let mut vp: Vec<*mut c_char> = values.iter().map(|c| c.as_ptr() as *mut c_char).collect();
        let r = unsafe {
            t::TessBaseAPIInit4(
                api.0,
                dp.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
                lang_c.as_ptr(),
                t::TessOcrEngineMode_OEM_LSTM_ONLY,
                ptr::null_mut(),
                0,
                np.as_mut_ptr(),
                vp.as_mut_ptr(),
                np.len(),
                0,
            )
        };
        if r != 0 {
            bail!(
                "Tesseract could not load language '{lang}'{}; install it (Debian: apt-get install tesseract-ocr-{}, \
                 or run scripts/setup.sh) or set TESSDATA_PREFIX to the directory holding {lang}.traineddata",
                datapath.map(|d| format!(" from {d}")).unwrap_or_default(),
                lang.replace('_', "-")
            );
        }
        for (k, v) in vars {
            let (kc, vc) = (cstring(k)?, cstring(v)?);
            if unsafe { t::TessBaseAPISetVariable(api.0, kc.as_ptr(), vc.as_ptr()) } == 0 {
                bail!("Tesseract rejected variable {k}={v}");
            }
        }
        Ok(api)
    }

    fn set_image(&mut self, pix: &Pix, dpi: u32) {
        unsafe {
            t::TessBaseAPIClear(self.0);
            t::TessBaseAPISetImage2(self.0, pix.as_ptr());
            t::TessBaseAPISetSourceResolution(self.0, dpi.clamp(70, 1200) as c_int);
        }
    }

    fn read(&mut self, rect: Rect, psm: t::TessPageSegMode) -> Result<Vec<OcrWord>> {
        unsafe {
            t::TessBaseAPISetPageSegMode(self.0, psm);
            t::TessBaseAPISetRectangle(self.0, rect.x, rect.y, rect.w, rect.h);
            if t::TessBaseAPIRecognize(self.0, ptr::null_mut()) != 0 {
                bail!("Tesseract recognition failed on {rect:?}");
            }
            let ri = t::TessBaseAPIGetIterator(self.0);
            if ri.is_null() {
                return Ok(Vec::new());
            }
            let words = collect_words(ri);
            t::TessResultIteratorDelete(ri);
            Ok(words)
        }
    }
}

unsafe fn take_text(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    unsafe { t::TessDeleteText(p) };
    Some(s)
}

/// Walk the result symbol by symbol, grouping symbols into words, and build each word's
/// alternatives from the symbols' second choices.
unsafe fn collect_words(ri: *mut t::TessResultIterator) -> Vec<OcrWord> {
    let word = t::TessPageIteratorLevel_RIL_WORD;
    let sym = t::TessPageIteratorLevel_RIL_SYMBOL;
    let mut out: Vec<OcrWord> = Vec::new();
    // per word: (symbol text, [(alt text, conf)])
    let mut symbols: Vec<(String, Vec<(String, f32)>)> = Vec::new();
    unsafe {
        let pi = t::TessResultIteratorGetPageIterator(ri);
        loop {
            if t::TessPageIteratorIsAtBeginningOf(pi, word) != 0 {
                if let Some(w) = out.last_mut() {
                    w.alternatives = alternatives(&symbols);
                }
                symbols.clear();
                let text =
                    take_text(t::TessResultIteratorGetUTF8Text(ri, word)).unwrap_or_default();
                let conf = t::TessResultIteratorConfidence(ri, word);
                let (mut x0, mut y0, mut x1, mut y1) = (0, 0, 0, 0);
                t::TessPageIteratorBoundingBox(pi, word, &mut x0, &mut y0, &mut x1, &mut y1);
                out.push(OcrWord {
                    text,
                    rect: Rect::new(x0, y0, x1 - x0, y1 - y0),
                    confidence: (conf / 100.0).clamp(0.0, 1.0),
                    alternatives: Vec::new(),
                });
            }
            if let Some(s) = take_text(t::TessResultIteratorGetUTF8Text(ri, sym)) {
                let mut choices = Vec::new();
                let ci = t::TessResultIteratorGetChoiceIterator(ri);
                if !ci.is_null() {
                    loop {
                        let c = t::TessChoiceIteratorGetUTF8Text(ci);
                        if !c.is_null() {
                            let c = CStr::from_ptr(c).to_string_lossy().into_owned();
                            if c != s && !choices.iter().any(|(x, _)| *x == c) {
                                choices.push((c, t::TessChoiceIteratorConfidence(ci)));
                            }
                        }
                        if t::TessChoiceIteratorNext(ci) == 0 {
                            break;
                        }
                    }
                    t::TessChoiceIteratorDelete(ci);
                }
                symbols.push((s, choices));
            }
            if t::TessResultIteratorNext(ri, sym) == 0 {
                break;
            }
        }
    }
    if let Some(w) = out.last_mut() {
        w.alternatives = alternatives(&symbols);
    }
    out.retain(|w| !w.text.trim().is_empty());
    for w in &mut out {
        w.text = w.text.trim().to_string();
    }
    out
}

/// Up to three alternative spellings of a word, each differing from the best reading in one
/// symbol (the symbols with the strongest runner-up first).
fn alternatives(symbols: &[(String, Vec<(String, f32)>)]) -> Vec<String> {
    let mut cands: Vec<(f32, usize, &str)> = Vec::new();
    for (i, (_, choices)) in symbols.iter().enumerate() {
        for (c, conf) in choices {
            cands.push((*conf, i, c));
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0));
    cands
        .into_iter()
        .take(3)
        .map(|(_, i, c)| {
            symbols
                .iter()
                .enumerate()
                .map(|(j, (s, _))| if j == i { c } else { s.as_str() })
                .collect()
        })
        .collect()
}

/// Tesseract through libtesseract: one `eng` instance restricted to digits for numeric cells,
/// one `chi_sim` instance for everything else.  Create one per thread and reuse it (init costs
/// 0.1–1 s; see [`with_thread_engine`]).
pub struct TesseractEngine {
    numeric: Api,
    text: Api,
}

impl TesseractEngine {
    pub fn new(cfg: &TesseractConfig) -> Result<TesseractEngine> {
        warn_openmp_once();
        crate::ocr::lept::quiet();
        let dp = cfg.datapath.as_deref();
        // Dictionaries only bias digit strings towards words, and cost load time.
        let no_dict = [("load_system_dawg", "0"), ("load_freq_dawg", "0")];
        let quiet = [("debug_file", "/dev/null"), ("tessedit_do_invert", "0")];
        let numeric = Api::new(
            dp,
            &cfg.numeric_lang,
            &no_dict,
            &[
                quiet[0],
                quiet[1],
                ("tessedit_char_whitelist", NUMERIC_WHITELIST),
                ("lstm_choice_mode", "2"),
            ],
        )?;
        // No per-symbol choices for labels: they cost ~20% of the label reading time and the
        // repair stage only needs alternatives for numbers.
        let text = Api::new(dp, &cfg.text_lang, &[], &[quiet[0], quiet[1]])?;
        Ok(TesseractEngine { numeric, text })
    }
}

impl OcrEngine for TesseractEngine {
    fn name(&self) -> &str {
        "tesseract"
    }
    fn set_image(&mut self, image: &Pix, dpi: u32) -> Result<()> {
        if image.depth() != 8 && image.depth() != 1 && image.depth() != 32 {
            bail!(
                "Tesseract needs a 1, 8 or 32 bpp image, got {} bpp",
                image.depth()
            );
        }
        self.numeric.set_image(image, dpi);
        self.text.set_image(image, dpi);
        Ok(())
    }
    fn read(&mut self, rect: Rect, mode: ReadMode) -> Result<Vec<OcrWord>> {
        match mode {
            ReadMode::Numeric => self.numeric.read(rect, t::TessPageSegMode_PSM_SINGLE_LINE),
            ReadMode::NumericWord => self.numeric.read(rect, t::TessPageSegMode_PSM_SINGLE_WORD),
            ReadMode::TextLine => self.text.read(rect, t::TessPageSegMode_PSM_SINGLE_LINE),
            ReadMode::TextBlock => self.text.read(rect, t::TessPageSegMode_PSM_SINGLE_BLOCK),
            ReadMode::Page => self.text.read(rect, t::TessPageSegMode_PSM_AUTO),
        }
    }
    fn clear(&mut self) {
        unsafe {
            t::TessBaseAPIClear(self.numeric.0);
            t::TessBaseAPIClear(self.text.0);
        }
    }
}

thread_local! {
    static ENGINE: RefCell<Option<TesseractEngine>> = const { RefCell::new(None) };
}

/// Run `f` with this thread's Tesseract engine, creating it on first use (one engine per
/// worker thread, reused for every page the thread handles).
pub fn with_thread_engine<R>(
    cfg: &TesseractConfig,
    f: impl FnOnce(&mut TesseractEngine) -> R,
) -> Result<R> {
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(TesseractEngine::new(cfg)?);
        }
        match slot.as_mut() {
            Some(engine) => {
                let r = f(engine);
                engine.clear();
                Ok(r)
            }
            None => bail!("Tesseract engine missing"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_swap_one_symbol() {
        let syms = vec![
            ("1".to_string(), vec![("7".to_string(), 40.0)]),
            (
                "0".to_string(),
                vec![("8".to_string(), 60.0), ("6".to_string(), 10.0)],
            ),
        ];
        assert_eq!(alternatives(&syms), vec!["18", "70", "16"]);
    }

    #[test]
    fn null_engine_echoes_fixed_text() {
        let mut e = NullEngine {
            numeric: Some("12".into()),
            text: None,
            calls: vec![],
        };
        let r = Rect::new(1, 2, 3, 4);
        assert_eq!(e.read(r, ReadMode::Numeric).unwrap()[0].text, "12");
        assert!(e.read(r, ReadMode::TextBlock).unwrap().is_empty());
        assert_eq!(e.calls.len(), 2);
    }
}

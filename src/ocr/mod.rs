//! The OCR producer: page images (scans, photos, image-only PDF pages) -> `model::Page`.
//!
//! ```text
//! PageImage ──prepare──> gray (seal dropped, flattened, deskewed, rulings removed) + rulings
//!          rulings ──repair_rulings, restore_lost_row_lines, split_merged_by_ink──>
//!             table::find_grids ──> cells
//!          each cell, from its ink alone: blank? dash? number-like? text-like?
//!          number-like cells: eng + digit whitelist, PSM 7, 16 crops side by side per call;
//!             implausible or < 0.9 confidence -> read again alone; still not a number -> text
//!          text-like cells: chi_sim, PSM 6, 16 crops stacked per call (fallback: alone)
//!          text outside the tables: one chi_sim PSM 3 pass over the page with the tables masked
//!          digit readings in doubt: matched against the page's own certain digits ([`glyphs`])
//!          lone digits: read again by the page's vote over all its glyphs ([`vote`])
//! ```
//! Whole-page OCR of a ruled table is both slow and wrong (3/101 numbers on a tight grid, see
//! shared/notes/crate-evaluation.md Q3), while a crop per cell read as one line with a digit
//! whitelist is right 94/94; so the grid comes first and text is read per cell.  Batching the
//! crops into one image per 16 cells removes Tesseract's per-call overhead (~1 ms per number
//! instead of ~3); what remains is the chi_sim LSTM on the label text, which is the same work
//! a whole-page pass does.
//!
//! Debugging: the hidden `--ocr-debug` flag (log filter `nianbao::ocr=debug`) logs per-stage
//! timings, the detected ruling segments before repair and every cell decision; the fields of
//! [`OcrDebug`] (carried in `settings::Settings`, hidden `--ocr-*` flags) read every cell alone,
//! change the binarisation, turn seal finding off, or dump every number crop;
//! `examples/ocr_dump.rs`, `scripts/ocr_eval.py` and `scripts/ocr_speed.sh` measure.
//!
//! Output coordinates are points in the **deskewed** page (72/dpi times the pixel position);
//! rulings are emitted as `Segment`s so the ordinary table stage rebuilds the same grid.
//! A blank cell yields no word; a cell holding only a dash-like zero glyph (— - － ‐) yields
//! the word "—" (alternatives "-", "－"); "/" is read by the recogniser.
//!
//! Seals on gray scans ([`seal`]): ruling pieces on the ring are dropped before the grid is
//! built, a cell reaching out of the ring reads only its ink off the ring, seal strokes never
//! cut a merged cell, and cell words on the ring get at most `UNDER_SEAL_CONFIDENCE`.
//!
//! Module map, by stage:
//! 1. [`prepare`]: [`image`] (decoding, budget), [`preprocess`] (leptonica clean-up), [`seal`]
//!    (seal rings by shape);
//! 2. [`layout`]: [`rulings`] (segments found and repaired), [`shading`] (shaded bands are not
//!    rulings); grids are then `table::find_grids`;
//! 3. [`read`]: [`engine`] (the `OcrEngine` plug-in trait, Tesseract and a null engine); the
//!    cell batching and re-reading is this file;
//! 4. [`rules`]: [`shape`] (0 and 1 by their shape), [`glyphs`] (digits matched against the
//!    page's own print), [`ink`] (what a reading must account for);
//!
//! and [`inspect`] (debug PNG), [`lept`] (the leptonica wrapper).

pub mod inspect;
pub mod layout;
pub mod lept;
pub mod prepare;
pub mod read;
pub mod rules;

// The stages' modules keep their short paths (`ocr::image`, `ocr::rulings`, ...).
pub use layout::{rulings, shading, tokens};
pub use prepare::{image, perspective, preprocess, seal};
pub use read::engine;
pub use rules::{dash, glyphs, ink, shape, vote};

pub use engine::{
    NullEngine, OcrEngine, OcrWord, ReadMode, TesseractConfig, TesseractEngine, with_thread_engine,
};
pub use image::{
    DpiSource, PageImage, load_image_file, pdf_page_count, pdf_page_image, render_pdf_page,
};
pub use inspect::{Axis, AxisKind, Color, Overlay, inspect_png};

use crate::model::{BBox, Page, PageKind, Source, Word};
use crate::table::{self, Table, Tolerances};
use anyhow::{Context, Result};
use lept::{Pix, Rect};
use std::path::Path;

/// Which text outside the tables OCR reads.  Table cells are always read.
///
/// The page-level `chi_sim` pass over prose is the expensive part of OCR: about half of the CPU
/// of a scanned report, as much per page as the whole `tesseract` command.  The template needs
/// only the title (agency, year) and the tables, so by default only the first page's text is
/// read (title, and the opening paragraph that repeats the agency's name); `All` reads the
/// prose of every page, for a complete text/<report_id>.txt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageText {
    /// Tables only.
    None,
    /// Tables, and the text of the first page.
    #[default]
    FirstPage,
    /// Tables, and the text of every page.
    All,
}

impl PageText {
    /// The command-line spelling (`--ocr-text`).
    pub fn as_str(self) -> &'static str {
        match self {
            PageText::None => "none",
            PageText::FirstPage => "first-page",
            PageText::All => "all",
        }
    }
    /// Read the text outside the tables of page `page_number` (1-based)?
    pub fn reads(self, page_number: u32) -> bool {
        match self {
            PageText::None => false,
            PageText::FirstPage => page_number == 1,
            PageText::All => true,
        }
    }
}

impl std::str::FromStr for PageText {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(PageText::None),
            "first-page" => Ok(PageText::FirstPage),
            "all" => Ok(PageText::All),
            _ => Err(format!("{s:?}: expected none, first-page or all")),
        }
    }
}

/// Knobs of the OCR producer.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// Which text outside the tables to read (titles, prose).
    pub page_text: PageText,
    /// Read the table cells (off: only the text outside the tables, for a second look).
    pub cells: bool,
    /// Tolerances for finding the grids (points).
    pub tolerances: Tolerances,
    /// Where the cells are: the rulings' grid, or the print's tokens ([`Layout`]).
    pub layout: Layout,
    /// Debugging and comparison knobs (the defaults for production).
    pub debug: OcrDebug,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            page_text: PageText::default(),
            cells: true,
            tolerances: Tolerances::default(),
            layout: Layout::default(),
            debug: OcrDebug::default(),
        }
    }
}

/// Where the OCR producer finds the cells it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// The cells of the grids the page's rulings make (the text outside them per
    /// [`PageText`]).
    #[default]
    Rulings,
    /// No grid: every token of print ([`tokens`]) is read as a cell, and no ruling is emitted,
    /// so the table stage aligns the words (the pipeline's second look at pages whose
    /// rulings gave no template table).
    Tokens,
}

/// The OCR producer's debugging and comparison knobs, carried in `settings::Settings` (so that
/// worker processes get them too) and set by hidden `--ocr-*` flags of `convert` and
/// `inspect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct OcrDebug {
    /// Read every number cell alone instead of in batched strips.
    pub no_batch: bool,
    /// How the text ink is binarised.
    pub binarize: preprocess::Binarize,
    /// No seal finding by shape.
    pub no_seal: bool,
    /// Write every number crop with its reading into this folder (changes no result).
    pub dump: Option<std::path::PathBuf>,
    /// `--ocr-debug`: worker processes log the OCR producer's stages and cell decisions
    /// ([`debug_on`]; changes no result).
    pub log: bool,
}

impl OcrDebug {
    /// The clean-up settings these knobs ask for.
    pub fn prepare(&self) -> preprocess::PrepareOptions {
        preprocess::PrepareOptions {
            binarize: self.binarize,
            seals: !self.no_seal,
            ..Default::default()
        }
    }

    /// A suffix naming the knobs that change results (empty for the defaults), for
    /// `Settings::version`.
    pub fn version_suffix(&self) -> String {
        let mut v = String::new();
        if self.no_batch {
            v.push_str("+ocr-no-batch");
        }
        if self.binarize != preprocess::Binarize::default() {
            v.push_str(&format!("+ocr-binarize-{:?}", self.binarize).to_lowercase());
        }
        if self.no_seal {
            v.push_str("+ocr-no-seal");
        }
        v
    }
}

/// Whether the OCR producer's debug log is on (`--ocr-debug`, or a log filter naming
/// `nianbao::ocr` at debug level).
pub fn debug_on() -> bool {
    tracing::enabled!(target: "nianbao::ocr", tracing::Level::DEBUG)
}

/// Everything OCR found on a page, for callers that want more than the `Page`.
pub struct OcrPage {
    pub page: Page,
    /// The grids found from the rulings (cells without text; run `table::fill_cells`).
    pub tables: Vec<Table>,
    /// The cleaned, deskewed gray image the coordinates refer to.
    pub image: PageImage,
    /// Skew that was corrected, degrees.
    pub skew_deg: f32,
}

/// OCR one page image into the page model (`PageKind::Scanned`, coordinates in points).
pub fn ocr_page(img: &PageImage, page_number: u32, engine: &mut dyn OcrEngine) -> Result<Page> {
    Ok(ocr_page_detailed(img, page_number, engine, &OcrOptions::default())?.page)
}

/// OCR page `page_index` (0-based) of a PDF with this thread's Tesseract engine: the page's
/// scan image is decoded directly, anything else is rendered at 300 dpi.
pub fn ocr_pdf_page(pdf_bytes: &[u8], page_index: usize, cfg: &TesseractConfig) -> Result<Page> {
    ocr_pdf_page_with(pdf_bytes, page_index, cfg, &OcrOptions::default())
}

/// [`ocr_pdf_page`] with options.
pub fn ocr_pdf_page_with(
    pdf_bytes: &[u8],
    page_index: usize,
    cfg: &TesseractConfig,
    opts: &OcrOptions,
) -> Result<Page> {
    let img = pdf_page_image(pdf_bytes, page_index)
        .with_context(|| format!("page {}", page_index + 1))?;
    Ok(with_thread_engine(cfg, |e| {
        ocr_page_detailed(&img, page_index as u32 + 1, e, opts)
    })??
    .page)
}

/// OCR every page of an image file with this thread's Tesseract engine.
pub fn ocr_image_file(path: &Path, cfg: &TesseractConfig) -> Result<Vec<Page>> {
    let images = load_image_file(path)?;
    images
        .iter()
        .enumerate()
        .map(|(i, img)| with_thread_engine(cfg, |e| ocr_page(img, i as u32 + 1, e))?)
        .collect()
}

/// Cells the largest grid of a page's rulings must have for the page to hold a table at the
/// default line threshold; below it, a page with broken rulings
/// ([`FAINT_RETRY_PIECES`]) is looked at again with `preprocess::FAINT_LINE_THRESHOLD`.  The
/// smallest template table (the active table's fee section) has 4 cells; a table whose
/// rulings are faint falls apart into pieces of one or two cells.
pub const FAINT_RETRY_CELLS: usize = 12;
/// Ruling pieces a page must have for the second look: a page of prose has none (and is
/// not cleaned twice), a table with faint or erased rulings leaves some.
pub const FAINT_RETRY_PIECES: usize = 4;

/// The cells of the largest grid the rulings of `prep` make.
fn largest_grid(prep: &preprocess::Prepared, page_number: u32, opts: &OcrOptions) -> usize {
    let segs = shading::drop_combs(&prep.rulings_pt());
    table::find_grids(&segs, page_number, &opts.tolerances)
        .iter()
        .map(|t| t.cells.len())
        .max()
        .unwrap_or(0)
}

/// The page cleaned up, its rulings found; a page whose rulings make no table but are there
/// in pieces is looked at again with the faint-line threshold, and the second look is kept
/// when it makes a table (see [`FAINT_RETRY_CELLS`]); a page on which neither made one, and
/// the first found none at all, gets a third look on the image smoothed along the rulings
/// ([`third_look`], rule `noisy_faint_rulings`), kept likewise.
fn prepare_page(
    img: &PageImage,
    page_number: u32,
    opts: &OcrOptions,
) -> Result<preprocess::Prepared> {
    let first = preprocess::prepare_with(img, &opts.debug.prepare())?;
    let cells = largest_grid(&first, page_number, opts);
    if !second_look(cells, first.rulings_px.len()) {
        return Ok(first);
    }
    let faint = preprocess::PrepareOptions {
        line_threshold: preprocess::FAINT_LINE_THRESHOLD,
        ..opts.debug.prepare()
    };
    let second = preprocess::prepare_with(img, &faint)?;
    let cells2 = largest_grid(&second, page_number, opts);
    if debug_on() {
        tracing::debug!(
            "p{page_number} faint-line second look: largest grid {cells} -> {cells2} cells"
        );
    }
    let (best, best_cells) = if keep_second(cells, cells2) {
        (second, cells2)
    } else {
        (first, cells)
    };
    if !third_look(cells, best_cells) {
        return Ok(best);
    }
    // rule `noisy_faint_rulings`: neither threshold made a table of the pieces
    let median = preprocess::PrepareOptions {
        line_median: true,
        ..faint
    };
    let third = preprocess::prepare_with(img, &median)?;
    let cells3 = largest_grid(&third, page_number, opts);
    if debug_on() {
        tracing::debug!(
            "p{page_number} rulings smoothed along their lines: largest grid {best_cells} -> {cells3} cells"
        );
    }
    Ok(if keep_third(best_cells, cells3) {
        third
    } else {
        best
    })
}

/// Whether a page whose largest grid has `cells` cells, from `pieces` ruling pieces, gets the
/// faint-line second look: rulings there, but no table made of them.
fn second_look(cells: usize, pieces: usize) -> bool {
    cells < FAINT_RETRY_CELLS && pieces >= FAINT_RETRY_PIECES
}

/// Rule `noisy_faint_rulings`: whether a page gets the third look, on the image smoothed along
/// the rulings: the first look made no grid at all (`first`: its largest grid's cells) and
/// the second look (`best`: the larger grid of the two) made no table either.  Rulings too
/// faint and noisy for either threshold leave no grid of even one cell; a page whose first
/// look found some grid has rulings dark enough and a different loss (erased pieces, small
/// tables such as the active table's sections), and smoothed, its grids and the faint print
/// between them run together into one larger false grid (an active-table page whose first
/// look made a grid of 3 cells lost its values so).
fn third_look(first: usize, best: usize) -> bool {
    first == 0 && best < FAINT_RETRY_CELLS
}

/// Cells the third look's largest grid must have to be kept (rule `noisy_faint_rulings`):
/// three times a table's [`FAINT_RETRY_CELLS`].  Smoothed, a page of blurred prose or a bold
/// title still makes a few false cells of its lines of print (18 and 21 on two pages); the
/// faint grids the look is for made 84-100 (a requests table's body).
pub const THIRD_LOOK_CELLS: usize = 3 * FAINT_RETRY_CELLS;

/// Whether the third look (largest grid `third` cells) replaces the best of the first two
/// (`best` cells): a grid of table size, [`THIRD_LOOK_CELLS`], and a larger one.
fn keep_third(best: usize, third: usize) -> bool {
    third >= THIRD_LOOK_CELLS && third > best
}

/// Whether the second look (largest grid `second` cells) replaces the first (`first`): it
/// makes a table, and a larger one.
fn keep_second(first: usize, second: usize) -> bool {
    second >= FAINT_RETRY_CELLS && second > first
}

/// The facts of the reading rules' judgement of one cell ([`ink::audit`]): the region read,
/// the cell's inset rectangle, its text lines, whether its ink is a number's, its glyphs.
type Audit = (Rect, Rect, usize, bool, Vec<Rect>);

/// One table cell as read on a page, for the page-wide passes after the reading.
struct CellRead {
    /// The one-line region the glyph matcher may read again, and whether its ink is
    /// digit-shaped.
    line: Option<(Rect, bool)>,
    /// The words read.
    words: Vec<OcrWord>,
    /// What the reading rules judge the words by.
    audit: Option<Audit>,
    /// The region the page's vote may read again.
    voter: Option<Rect>,
}

/// [`ocr_page`] with options, also returning the grids and the cleaned image.
pub fn ocr_page_detailed(
    img: &PageImage,
    page_number: u32,
    engine: &mut dyn OcrEngine,
    opts: &OcrOptions,
) -> Result<OcrPage> {
    let timing = debug_on();
    let t0 = std::time::Instant::now();
    let prep = prepare_page(img, page_number, opts)?;
    let t_prep = t0.elapsed();
    let (dpi_x, dpi_y) = prep.dpi;
    let (sx, sy) = (72.0 / dpi_x, 72.0 / dpi_y);
    let (w, h) = (prep.gray.width(), prep.gray.height());
    let mut page = Page::new(page_number, w as f32 * sx, h as f32 * sy, PageKind::Scanned);
    let to_pt = |r: Rect| {
        BBox::new(
            r.x as f32 * sx,
            r.y as f32 * sy,
            r.x1() as f32 * sx,
            r.y1() as f32 * sy,
        )
    };
    let to_px = |b: &BBox| {
        let (x0, y0) = ((b.x0 / sx).round() as i32, (b.y0 / sy).round() as i32);
        Rect::new(
            x0,
            y0,
            (b.x1 / sx).round() as i32 - x0,
            (b.y1 / sy).round() as i32 - y0,
        )
    };
    if timing {
        for s in prep.rulings_pt() {
            tracing::debug!("raw ruling {:.1},{:.1} {:.1},{:.1}", s.x0, s.y0, s.x1, s.y1);
        }
    }
    let inset = (dpi_x / 50.0).round().max(2.0) as i32;
    let ink_tokens = opts.layout == Layout::Tokens;
    // Read by tokens, a page has no grid (the table stage aligns the tokens' words): its
    // rulings are neither repaired nor emitted.
    let tables: Vec<Table> = if ink_tokens {
        Vec::new()
    } else {
        let repaired = repair_rulings(
            &shading::drop_combs(&prep.rulings_pt()),
            page_number,
            &opts.tolerances,
        );
        // (the seal's strokes are no cell's text: a merged cell is not cut because of them)
        let off_seal = |c: &Rect| !prep.uncleaned.iter().any(|s| s.covers_centre(*c));
        let mut glyphs = |b: BBox| -> Vec<BBox> {
            to_px(&b)
                .inset(inset)
                .and_then(|r| r.clip(w, h))
                .map(|r| layout_glyph_boxes(&prep.text, r, dpi_x))
                .unwrap_or_default()
                .into_iter()
                .filter(off_seal)
                .map(to_pt)
                .collect()
        };
        let restored =
            rulings::restore_lost_row_lines(&repaired, page_number, &opts.tolerances, &mut glyphs);
        page.rulings =
            rulings::split_merged_by_ink(&restored, page_number, &opts.tolerances, &mut glyphs);
        // the scanner's border band is no table: its grid goes, and its rulings with it (the table
        // stage downstream rebuilds the grids from the page's rulings)
        let (pw, ph) = (page.width, page.height);
        let (combs, tables): (Vec<Table>, Vec<Table>) =
            table::find_grids(&page.rulings, page_number, &opts.tolerances)
                .into_iter()
                .partition(|t| shading::is_border_comb(t, pw, ph));
        for comb in &combs {
            let b = comb.bbox;
            let m = opts.tolerances.snap;
            if timing {
                tracing::debug!("p{page_number} border comb dropped: {b:?}");
            }
            page.rulings.retain(|s| {
                !(s.x0.min(s.x1) >= b.x0 - m
                    && s.x0.max(s.x1) <= b.x1 + m
                    && s.y0.min(s.y1) >= b.y0 - m
                    && s.y0.max(s.y1) <= b.y1 + m)
            });
        }
        tables
    };
    let push = |page: &mut Page, ws: Vec<OcrWord>| {
        for w in ws {
            page.words.push(Word {
                text: w.text,
                bbox: to_pt(w.rect),
                confidence: w.confidence,
                source: Source::Ocr,
                alternatives: w.alternatives,
            });
        }
    };

    let dpi = dpi_x.round() as u32;
    let cell_reader = CellReader {
        text: &prep.text,
        faint: &prep.faint,
        gray: &prep.gray,
        dpi: dpi_x,
        inset,
        seals: &prep.uncleaned,
        page: page_number,
        dump: opts.debug.dump.as_deref(),
    };
    if opts.cells {
        // the grids in page pixels (a blank's print past its row's end lies in none)
        let tables_px: Vec<Rect> = tables.iter().map(|t| to_px(&t.bbox)).collect();
        // 1. look at every cell's ink (blank, dash, number-like, text-like)
        let mut plans: Vec<Plan> = Vec::new();
        // each plan's cell and confidence cap when a rule puts its reading in doubt before it
        // is read (rules `print_past_row`, `ink_across_edge`)
        let mut doubts: Vec<Option<(Rect, f32)>> = Vec::new();
        if ink_tokens {
            let comps = prep.text.components()?;
            for t in tokens::find_tokens(&comps, dpi_x, w, h) {
                // a ruling's remnant alone is no value (`lone_remnant_is_no_token`)
                if !t.remnant {
                    plans.push(cell_reader.plan(t.rect)?);
                    doubts.push(None);
                }
            }
            if timing {
                tracing::debug!("p{page_number}: {} tokens read as cells", plans.len());
            }
        }
        // print on a row's line past its grid's right end, outside every grid (see
        // [`ink::past_row_end`]): glyph-sized ink that is no table's
        let print_past = |r: Rect, table: Rect| -> bool {
            ink::past_row_end(r, table, inset, dpi_x, w)
                .and_then(|b| b.clip(w, h))
                .is_some_and(|beyond| {
                    glyph_boxes(&prep.text, beyond, dpi_x).iter().any(|g| {
                        ink::tall_as_print(*g, dpi_x) && !tables_px.iter().any(|o| o.overlaps(g))
                    })
                })
        };
        for (ti, t) in tables.iter().enumerate() {
            // each cell's rectangle in the page, and whether print lies past its row's end
            let rects: Vec<Option<Rect>> =
                t.cells.iter().map(|c| to_px(&c.bbox).clip(w, h)).collect();
            let past: Vec<bool> = rects
                .iter()
                .map(|r| r.is_some_and(|r| print_past(r, tables_px[ti])))
                .collect();
            let bands: Vec<(i32, i32)> = rects
                .iter()
                .zip(&past)
                .filter_map(|(r, &p)| r.filter(|_| p).map(|r| (r.y, r.y1())))
                .collect();
            for (&rect, &printed_past) in rects.iter().zip(&past) {
                // (every cell of a lattice grid is a rectangle: `table::split_non_rectangles`)
                let Some(r) = rect else {
                    continue;
                };
                let mut doubt =
                    ink::in_row_band(r, &bands, inset).then_some((r, ink::PAST_ROW_CONFIDENCE));
                let mut plan = cell_reader.plan(r)?;
                // A cell holding several values a cell's width apart (the ruling
                // between them lost): each is read as a word of its own, so that the
                // grid repair splits the cell (`repair::grid`, merged_cell_split)
                // instead of one number joined from both.
                if let Plan::Ink { glyphs, .. } = &plan {
                    let (groups, cuts) = tokens::cell_tokens_cut(glyphs);
                    if !groups.is_empty() && groups.iter().all(|g| digit_shaped(g)) {
                        if timing {
                            tracing::debug!(
                                "p{page_number} cell {r:?}: values apart, cut at {cuts:?}"
                            );
                        }
                        let mut x0 = r.x;
                        for x in cuts.into_iter().chain([r.x1()]) {
                            let part = Rect::new(x0, r.y, x - x0, r.h);
                            plans.push(cell_reader.plan(part)?);
                            doubts.push(doubt.map(|(_, cap)| (part, cap)));
                            x0 = x;
                        }
                        continue;
                    }
                }
                if let Some(before) = prep.text_before_clean.as_ref()
                    && prep.seals.iter().any(|s| s.overlaps(r))
                    && let Some(i) = r.inset(cell_reader.inset)
                {
                    // Blank only since the seal's ink was removed: print as light as
                    // the seal may have gone with it.  Not a blank (a zero): unread
                    // (not a number: the cell comes out unparseable).  So too a cell
                    // left with specks no taller than noise where print stood before
                    // (`25,641` under a seal, its strokes gone with the seal's).
                    let gone = match &plan {
                        Plan::Blank => !glyph_boxes(before, i, dpi_x).is_empty(),
                        Plan::Ink { glyphs, .. } => {
                            ink::residue_only(glyphs, dpi_x)
                                && !ink::residue_only(&glyph_boxes(before, i, dpi_x), dpi_x)
                        }
                        Plan::Done(_) => false,
                    };
                    if gone {
                        plan = Plan::Done(vec![ink::unread_word(r)]);
                    }
                }
                // rule `print_painted_out`: blank only since the rulings were painted out
                if matches!(plan, Plan::Blank)
                    && let Some(i) = r.inset(cell_reader.inset)
                    && ink::print_painted_out(
                        &glyph_boxes(&prep.text_before_paint, i, dpi_x),
                        i,
                        dpi_x,
                    )
                {
                    if timing {
                        tracing::debug!("p{page_number} cell {r:?}: print painted out");
                    }
                    plan = Plan::Done(vec![ink::unread_word(r)]);
                }
                // (also a lone dash: a ruling's piece where the grid was cut short reads
                // as one, so 0)
                if plan.reads_zero_glyph() && printed_past {
                    // print on the row's line past the grid's edge: the blank (or dash)
                    // is beside the row's value, not a printed 0 (unread)
                    if timing {
                        tracing::debug!("p{page_number} cell {r:?}: print past the row's end");
                    }
                    plan = Plan::Done(vec![ink::unread_word(r)]);
                }
                // rule `ink_across_edge`: the cell's number goes on past its edge
                if doubt.is_none()
                    && let Plan::Ink {
                        glyphs,
                        lines: 1,
                        numeric_first: true,
                        ..
                    } = &plan
                    && cell_reader.ink_across_edge(r, glyphs)?
                {
                    if timing {
                        tracing::debug!("p{page_number} cell {r:?}: ink across its edge");
                    }
                    doubt = Some((r, ink::ACROSS_EDGE_CONFIDENCE));
                }
                plans.push(plan);
                doubts.push(doubt);
            }
        }
        // 2. digit reads, batched: the number-like cells' ink side by side in strips, one
        //    recognition per strip (per-call overhead dominates single-number reads)
        let mut numeric: Vec<Option<Vec<OcrWord>>> = vec![None; plans.len()];
        let cands: Vec<usize> = (0..plans.len())
            .filter(|&i| {
                matches!(
                    plans[i],
                    Plan::Ink {
                        numeric_first: true,
                        ..
                    }
                )
            })
            .collect();
        let batch = !opts.debug.no_batch;
        for chunk in cands.chunks(STRIP_CELLS).filter(|_| batch) {
            let regions: Vec<Rect> = chunk.iter().map(|&i| plans[i].region()).collect();
            if let Some(results) =
                read_batch(&prep.gray, &regions, false, ReadMode::Numeric, dpi, engine)?
            {
                for (&i, ws) in chunk.iter().zip(results) {
                    numeric[i] = ws;
                }
            }
        }
        // 3. label text, batched the same way (stacked): the cells that are not plausibly numbers
        let mut text: Vec<Option<Vec<OcrWord>>> = vec![None; plans.len()];
        let labels: Vec<usize> = (0..plans.len())
            .filter(|&i| {
                matches!(
                    plans[i],
                    Plan::Ink {
                        numeric_first: false,
                        ..
                    }
                )
            })
            .collect();
        for chunk in labels.chunks(STRIP_CELLS).filter(|_| batch) {
            let regions: Vec<Rect> = chunk.iter().map(|&i| plans[i].region()).collect();
            if let Some(results) =
                read_batch(&prep.gray, &regions, true, ReadMode::TextBlock, dpi, engine)?
            {
                for (&i, ws) in chunk.iter().zip(results) {
                    text[i] = ws;
                }
            }
        }
        // 4. the rest on the page image: single-cell fallbacks
        engine.set_image(&prep.gray, dpi)?;
        // the page's certain digit readings teach the glyph matcher (5.)
        let mut matcher = glyphs::GlyphMatcher::default();
        let mut t_match = std::time::Duration::ZERO;
        let mut read: Vec<CellRead> = Vec::with_capacity(plans.len());
        for (((plan, nums), txt), doubt) in plans.into_iter().zip(numeric).zip(text).zip(doubts) {
            // a one-line cell whose ink the digit reader was asked about
            let line = match &plan {
                Plan::Ink {
                    region,
                    lines: 1,
                    numeric_first: true,
                    digit_like,
                    ..
                } => Some((*region, *digit_like)),
                _ => None,
            };
            let audit = match &plan {
                Plan::Ink {
                    region,
                    lines,
                    glyphs,
                    inner,
                    digit_like,
                    numeric_first,
                    ..
                } => Some((
                    *region,
                    *inner,
                    *lines,
                    *digit_like || *numeric_first,
                    glyphs.clone(),
                )),
                _ => None,
            };
            let mut ws = cell_reader.finish(plan, nums, txt, engine)?;
            // rule `print_past_row`: the grid ends short of the row's print, so its cells
            // may not be the row's: every reading of the row is in doubt, a blank too (and
            // rule `ink_across_edge`: the cell holds only part of its number)
            if let Some((cell, cap)) = doubt {
                if ws.is_empty() {
                    ws.push(ink::doubtful_blank(cell));
                }
                for w in &mut ws {
                    w.confidence = w.confidence.min(cap);
                }
            }
            // A reading under a seal that could not be dropped (gray scans) mixes the seal's
            // strokes with the cell's: it is in doubt however sure the recogniser is.
            let mut under_seal = false;
            for w in &mut ws {
                if prep.seals.iter().any(|s| s.overlaps(w.rect)) {
                    w.confidence = w.confidence.min(UNDER_SEAL_CONFIDENCE);
                    under_seal = true;
                }
            }
            if let Some((region, _)) = line
                && let [w] = ws.as_slice()
                && w.confidence >= BATCH_CONFIDENT
            {
                let t = std::time::Instant::now();
                matcher.learn(&prep.gray, region, &w.text)?;
                t_match += t.elapsed();
            }
            // the cell's region for the page's vote (5b): a one-line digit reading, or one
            // glyph on one line the text reader was asked about (a blurred 0 whose ink did not
            // look like a digit's)
            let voter = match (&line, &audit) {
                (Some((region, _)), _) => Some(*region),
                (None, Some((region, _, 1, _, glyphs))) if glyphs.len() == 1 => Some(*region),
                _ => None,
            };
            read.push(CellRead {
                line: line.filter(|_| !under_seal),
                words: ws,
                audit,
                voter: voter.filter(|_| !under_seal),
            });
        }
        // 5. digit readings in doubt (low confidence, a glyph left out, or digit-sized ink
        //    read as no number) read again by matching their glyphs with the page's own
        let t = std::time::Instant::now();
        for CellRead {
            line, words: ws, ..
        } in &mut read
        {
            if let Some((region, digit_like)) = *line
                && in_doubt(ws, digit_like)
                && let Some(m) = matcher.read(&prep.gray, region)?
            {
                let joined: String = ws.iter().map(|w| w.text.as_str()).collect();
                if m.replaces(&joined) {
                    if timing {
                        tracing::debug!(
                            "cell {region:?}: {joined:?} read {:?} by glyph matching (score {:.2}, margin {:.2})",
                            m.text,
                            m.score,
                            m.margin
                        );
                    }
                    let alternatives = if is_numeric_text(&joined) {
                        vec![joined]
                    } else {
                        Vec::new()
                    };
                    *ws = vec![OcrWord {
                        text: m.text,
                        rect: region,
                        confidence: MATCHED_CONFIDENCE,
                        alternatives,
                    }];
                }
            }
        }
        // 5b. lone digits the page's own readings outvote ([`vote`])
        let mut all: Vec<vote::Glyph> = Vec::new();
        let mut owner: Vec<Option<usize>> = Vec::new();
        for (k, cell) in read.iter().enumerate() {
            if let Some(region) = cell.voter {
                let joined: String = cell.words.iter().map(|w| w.text.as_str()).collect();
                for g in vote::glyphs_of(&prep.gray, region, &joined)? {
                    owner.push(g.lone.then_some(k));
                    all.push(g);
                }
            }
        }
        for (v, k) in vote::vote(&all).into_iter().zip(owner) {
            let (Some(v), Some(k)) = (v, k) else {
                continue;
            };
            let CellRead {
                words: ws,
                voter: Some(region),
                ..
            } = &mut read[k]
            else {
                continue;
            };
            let region = *region;
            let joined: String = ws.iter().map(|w| w.text.as_str()).collect();
            if timing {
                tracing::debug!(
                    "cell {region:?}: {joined:?} read {:?} by the page's vote {v:?}",
                    v.digit
                );
            }
            let alternatives = if is_numeric_text(&joined) {
                vec![joined]
            } else {
                Vec::new()
            };
            *ws = vec![OcrWord {
                text: v.digit.to_string(),
                rect: region,
                confidence: MATCHED_CONFIDENCE,
                alternatives,
            }];
        }
        t_match += t.elapsed();
        if timing {
            tracing::debug!(
                "timing: glyph matching {t_match:?} ({} samples)",
                matcher.len()
            );
        }
        // 6. the reading rules: a reading must account for its cell's ink ([`ink`])
        let dash_h = (dpi_x * DASH_MAX_HEIGHT).round() as i32;
        for CellRead {
            words: mut ws,
            audit,
            ..
        } in read
        {
            if let Some((region, inner, lines, number_like, glyphs)) = audit
                && let Some(rule) = ink::audit(
                    &mut ws,
                    &glyphs,
                    inner,
                    region,
                    lines,
                    number_like,
                    dpi_x,
                    dash_h,
                )
                && timing
            {
                tracing::debug!("p{page_number} cell {region:?}: reading rule {rule}: {ws:?}");
            }
            push(&mut page, ws);
        }
    }

    let t_cells = t0.elapsed();
    if opts.page_text.reads(page_number) && !ink_tokens {
        let mut masked = prep.page_gray.copy()?;
        let mut text = prep.text.copy()?;
        let pad = (dpi_x / 50.0).round() as i32;
        for t in &tables {
            let r = to_px(&t.bbox);
            if let Some(r) = r.grow(pad).clip(w, h) {
                masked.fill_rect(r, 255)?;
                text.fill_rect(r, 0)?;
            }
        }
        // Only when there is ink left: a full chi_sim pass is the expensive part of a page.
        if let Some(region) = ink_region(&text, dpi_x)? {
            engine.set_image(&masked, dpi)?;
            let ws = engine.read(region, ReadMode::Page)?;
            push(&mut page, ws);
        }
    }
    engine.clear();
    if timing {
        tracing::debug!(
            "timing: prepare {t_prep:?}, cells {:?}, page text {:?}",
            t_cells - t_prep,
            t0.elapsed() - t_cells
        );
    }

    let image = PageImage::from_pix(prep.gray, dpi_x, dpi_y, DpiSource::Pdf)?;
    Ok(OcrPage {
        page,
        tables,
        image,
        skew_deg: prep.skew_deg,
    })
}

/// Glyphs outside a seal's disk that make a cell's text of their own (see `CellReader::plan`).
const SEAL_LABEL_GLYPHS: usize = 3;

/// Confidence cap of a cell word under a seal ring found on a gray scan (below
/// `verify::LOW`, so that a value the checks do not confirm is flagged).
const UNDER_SEAL_CONFIDENCE: f32 = 0.5;

/// Complete partly erased rulings.  A cell edge that is ruled over only part of its length
/// (at least `PARTIAL_EDGE` of it) is a ruling with a gap (erasure, faint print, a scanner
/// drop-out): clean documents never stop a ruling in the middle of a cell edge.  Such edges get
/// a full segment, so that every later stage, whatever its tolerances, sees the cell boundary.
/// Edges with no ruling at all are left alone: those are real merged cells.  Ruling pieces
/// that stop short of any crossing are first extended to it ([`rulings::extend_free_ends`]).
pub fn repair_rulings(
    segments: &[crate::model::Segment],
    page: u32,
    tol: &Tolerances,
) -> Vec<crate::model::Segment> {
    use crate::model::Segment;
    const PARTIAL_EDGE: f32 = 0.15;
    let loose = Tolerances {
        edge_coverage: PARTIAL_EDGE,
        ..*tol
    };
    let segments = rulings::continue_unruled_sides(segments, page, tol);
    let segments = rulings::extend_free_ends(&segments, page, tol);
    let mut out = segments.clone();
    for t in table::find_grids(&segments, page, &loose) {
        let (nr, nc) = (t.n_rows(), t.n_cols());
        for r in 0..nr {
            for c in 0..nc {
                let k = t.index[r * nc + c];
                if c + 1 < nc && t.index[r * nc + c + 1] != k {
                    out.push(Segment {
                        x0: t.xs[c + 1],
                        y0: t.ys[r],
                        x1: t.xs[c + 1],
                        y1: t.ys[r + 1],
                    });
                }
                if r + 1 < nr && t.index[(r + 1) * nc + c] != k {
                    out.push(Segment {
                        x0: t.xs[c],
                        y0: t.ys[r + 1],
                        x1: t.xs[c + 1],
                        y1: t.ys[r + 1],
                    });
                }
            }
        }
        // the outer border
        let (x0, x1, y0, y1) = (t.xs[0], t.xs[nc], t.ys[0], t.ys[nr]);
        out.push(Segment { x0, y0, x1, y1: y0 });
        out.push(Segment { x0, y0: y1, x1, y1 });
        out.push(Segment { x0, y0, x1: x0, y1 });
        out.push(Segment { x0: x1, y0, x1, y1 });
    }
    rulings::split_non_rectangles(&out, page, tol)
}

/// How much more ink a slash has at its top right than its top left (and at its bottom left
/// than its bottom right).  A blurred slash 4 px wide at 120 dpi keeps a little ink in its
/// other halves (0 4 | 4 2); a 1's flag and foot (8 3 | 8 8), an upright stem (3 3 | 3 3) or a
/// 7's bar never lean both ways.
const SLASH_LEAN: i32 = 2;

/// Whether a stroke's ink (pixel counts of its top third's left and right halves, and of its
/// bottom third's) leans right as a slash does: top right, bottom left.
fn leans_right(top: [i32; 2], bottom: [i32; 2]) -> bool {
    top[1] >= SLASH_LEAN * top[0].max(1) && bottom[0] >= SLASH_LEAN * bottom[1].max(1)
}

/// How far (px) the middle third of a slash's ink lies left of its top third's, and its
/// bottom third's left of the middle's, at least.  A slash's stroke crosses its box: the
/// three centres step down by a third of the box's width less the stroke's, over a pixel at
/// 100 dpi.  A serif 1 (flag at the top left, the stem right of the box's centre, a foot
/// across the bottom) can lean right by halves ([`leans_right`]: 2 4 | 6 3 at 180 dpi) while
/// its top and middle centres are one stem (2.22 and 2.25 px).
const SLASH_STEP: f32 = 0.25;

/// Rule `slash_steps_down`: whether the ink centres (px from the box's left) of a stroke's
/// top, middle and bottom thirds step down to the left as a slash's do ([`SLASH_STEP`]).
fn steps_down(top: f32, middle: f32, bottom: f32) -> bool {
    top - middle >= SLASH_STEP && middle - bottom >= SLASH_STEP
}

/// The centre (px from the left) of ink counted per column; `None` without ink.
fn ink_centre(columns: &[i32]) -> Option<f32> {
    let n: i32 = columns.iter().sum();
    (n > 0).then(|| {
        columns
            .iter()
            .enumerate()
            .map(|(i, &k)| i as f32 * k as f32)
            .sum::<f32>()
            / n as f32
    })
}

/// Whether a cell's glyph components are a dash's stroke alone: one or two flat pieces no
/// taller than a dash can be (`dash_h`, px).
fn dash_like(comps: &[Rect], dash_h: i32) -> bool {
    !comps.is_empty() && comps.len() <= 2 && comps.iter().all(|r| r.h <= dash_h && r.w >= 2 * r.h)
}

/// The glyphs among a cell's faint pieces of print height ([`CellReader::faint_print`]): the
/// ones not wider than tall (a printed digit; never a dash or a ruling piece).
fn faint_glyphs(print: &[Rect]) -> Vec<Rect> {
    print.iter().copied().filter(|r| r.w <= r.h).collect()
}

/// Confidence of a dash beside faint print ([`faint_beside_dash`]): below `verify::LOW`, so
/// that it is flagged unless a check confirms it.
const FAINT_BESIDE_DASH: f32 = 0.5;

/// Rule `faint_beside_dash`: a dash-like stroke read as a zero glyph (`ink`, px) in a cell
/// whose faint image holds print of glyph height (`faint`: [`CellReader::faint_print`]; at
/// least `min_h` px and twice the stroke's height, two px wide or more) is in doubt: the
/// stroke may be the one dark bar of faint print (a 27 so pale that only the 7's top bar
/// passed the text threshold, read as a dash, 0 at 0.90 with no flag; in the faint image the
/// 2 and the 7 touch, one piece wider than tall, which [`faint_look`] takes for no digit).  A
/// dash on clean paper is its own only faint piece, as flat as it is.
fn faint_beside_dash(ink: &Rect, faint: &[Rect], min_h: i32) -> bool {
    faint
        .iter()
        .any(|g| g.h >= min_h.max(2 * ink.h) && g.w >= 2)
}

/// Light print that the text threshold keeps only in part, looked at again in the faint
/// image (`faint`: its glyph-sized components in the cell, [`faint_glyphs`]):
/// the components the cell is read from, or `None` to keep `comps` (the cell's glyph
/// components at the text threshold, px at `dpi`).
/// - A cell that looks blank: any faint glyph is what it holds (a thin 1 vanishes).
/// - A dash-like stroke ([`dash_like`]): a faint glyph holding the stroke and well taller
///   than it (the base stroke of a pale 2).
/// - Rule `faint_print_specks`: specks only, none as tall as print ([`ink::residue_only`]):
///   print so light that the threshold keeps its darkest specks (2687.66 at 110 dpi as seven
///   pieces 2-6 px tall, read as nothing: blank, so 0).  A faint glyph as tall as print and
///   shaped as a digit ([`ink::upright`]; a CJK glyph of a label, whose strokes fall apart
///   at low resolution, is as wide as tall) over one of the specks is print; the specks stay
///   with it, being the print that the faint image joined into wider components or left out.
fn faint_look(comps: &[Rect], faint: Vec<Rect>, dash_h: i32, dpi: f32) -> Option<Vec<Rect>> {
    if comps.is_empty() {
        return (!faint.is_empty()).then_some(faint);
    }
    if dash_like(comps, dash_h) {
        let stroke_h = comps.iter().map(|r| r.h).max().unwrap_or(0);
        let holds = |g: &Rect| {
            comps
                .iter()
                .any(|c| c.overlaps(g) && g.h >= 2 * stroke_h.max(1))
        };
        return faint.iter().any(holds).then_some(faint);
    }
    if ink::residue_only(comps, dpi) {
        let print = |g: &Rect| {
            ink::tall_as_print(*g, dpi) && ink::upright(g) && comps.iter().any(|c| c.overlaps(g))
        };
        return faint
            .iter()
            .any(print)
            .then(|| faint.iter().chain(comps).copied().collect());
    }
    None
}

/// The glyph-sized ink components of `text` inside `r` (page pixels): specks and pieces
/// smaller than a third of the tallest glyph are dropped, as `CellReader::plan` does.
fn glyph_boxes(text: &Pix, r: Rect, dpi: f32) -> Vec<Rect> {
    glyph_boxes_with(text, r, dpi, false)
}

/// As [`glyph_boxes`], for the layout's decisions: components that are ruling residue
/// ([`ink::ruling_residue`]) left out.
fn layout_glyph_boxes(text: &Pix, r: Rect, dpi: f32) -> Vec<Rect> {
    glyph_boxes_with(text, r, dpi, true)
}

fn glyph_boxes_with(text: &Pix, r: Rect, dpi: f32, no_residue: bool) -> Vec<Rect> {
    let speck = (dpi / 100.0).max(2.0) as i32;
    let Ok(all) = text.clip(r).and_then(|p| p.components()) else {
        return Vec::new();
    };
    let all: Vec<Rect> = all
        .into_iter()
        .filter(|c| c.w.max(c.h) >= speck)
        .map(|c| Rect::new(c.x + r.x, c.y + r.y, c.w, c.h))
        .filter(|c| {
            !no_residue
                || !text
                    .clip(*c)
                    .is_ok_and(|p| ink::ruling_residue(*c, p.count_pixels(), dpi))
        })
        .collect();
    let tallest = all.iter().map(|c| c.h).max().unwrap_or(0);
    let big = (dpi * 0.04).max(tallest as f32 / 3.0) as i32;
    all.into_iter().filter(|c| c.w.max(c.h) >= big).collect()
}

/// The bounding rectangle of the real ink (components above speck size) of a 1 bpp image,
/// padded; `None` when there is none.
fn ink_region(text: &Pix, dpi: f32) -> Result<Option<Rect>> {
    let min = (dpi / 40.0).max(3.0) as i32;
    let comps: Vec<Rect> = text
        .components()?
        .into_iter()
        .filter(|r| r.w.max(r.h) >= min)
        .collect();
    if comps.len() < 2 {
        return Ok(None);
    }
    let x0 = comps.iter().map(|r| r.x).min().unwrap_or(0);
    let y0 = comps.iter().map(|r| r.y).min().unwrap_or(0);
    let x1 = comps.iter().map(|r| r.x1()).max().unwrap_or(0);
    let y1 = comps.iter().map(|r| r.y1()).max().unwrap_or(0);
    let pad = (dpi / 10.0) as i32;
    Ok(
        Rect::new(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
            .clip(text.width(), text.height()),
    )
}

/// Reads one cell: decides blank / dash / number / text from the ink, then asks the engine.
struct CellReader<'a> {
    text: &'a Pix,
    faint: &'a Pix,
    /// The page image the engine holds while cells are finished (restored after a retry).
    gray: &'a Pix,
    dpi: f32,
    inset: i32,
    /// Seal rings on the page whose ink is still in the image (gray scans, seals too dark to
    /// remove by level): see [`CellReader::plan`].
    seals: &'a [seal::Seal],
    /// 1-based page number (debug output).
    page: u32,
    /// Where number crops are dumped ([`OcrDebug::dump`]).
    dump: Option<&'a Path>,
}

/// A reading that is a plausible printed number or zero glyph.
pub fn is_numeric_text(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    if matches!(s, "/" | "-" | "—" | "－" | "--" | "——") {
        return true;
    }
    let mut seen_dot = false;
    let mut prev_digit = false;
    for (i, c) in s.chars().enumerate() {
        match c {
            '0'..='9' => prev_digit = true,
            ',' if i > 0 && prev_digit => prev_digit = false,
            '.' if i > 0 && prev_digit && !seen_dot => {
                seen_dot = true;
                prev_digit = false
            }
            _ => return false,
        }
    }
    prev_digit
}

/// What a cell needs, decided from its ink before any recognition.
#[derive(Debug, Clone)]
enum Plan {
    /// Nothing printed (or only specks).
    Blank,
    /// Decided without a recogniser (a dash-like zero glyph).
    Done(Vec<OcrWord>),
    /// Ink to read inside `region`.
    Ink {
        region: Rect,
        comps: usize,
        lines: usize,
        digit_like: bool,
        numeric_first: bool,
        glyphs: Vec<Rect>,
        /// The cell's inset rectangle (the reading rules' frame, [`ink`]).
        inner: Rect,
    },
}

impl Plan {
    fn region(&self) -> Rect {
        match self {
            Plan::Ink { region, .. } => *region,
            _ => Rect::default(),
        }
    }

    /// Whether the cell reads as 0 without a digit by its plan: blank, or a lone dash-like
    /// zero glyph.  (A cell of specks or a ruling's remnants only is not taken here: where a
    /// grid is cut short its last column is full of them, and reading those as unread costs
    /// the table its columns' order.)
    fn reads_zero_glyph(&self) -> bool {
        match self {
            Plan::Blank => true,
            Plan::Ink { .. } => false,
            Plan::Done(words) => words.iter().all(|w| dash::is_dash_text(&w.text)),
        }
    }
}

/// A batched digit reading below this confidence is re-read from the cell alone (the strip
/// context occasionally turns a 0 into a 9).
const BATCH_CONFIDENT: f32 = 0.9;

/// A number-like cell with at most this many glyphs whose reading failed is read again
/// enlarged ([`CellReader::read_enlarged`]).
const SMALL_NUMBER: usize = 4;

/// Ink height (px) a small number is scaled to for that second reading.
const ENLARGED_HEIGHT: f32 = 64.0;

/// Confidence cap of a number whose reading left a glyph of the cell out and could not be
/// re-read whole (below `verify::LOW`: the value is flagged unless the checks confirm it; at
/// `verify::CAPPED`, a check over it and another low reading confirms nothing).
const MISSED_INK_CONFIDENCE: f32 = crate::verify::CAPPED;

/// Confidence of a 0 read from its loop ([`shape::loop_digit`]) against the recogniser's
/// reading: the loop test was right on every single-glyph cell of the development scans
/// (about a thousand 0s, no other digit taken for one), the recogniser there was not; kept
/// under a certain reading so a check that fails still names it.
const LOOP_ZERO_CONFIDENCE: f32 = 0.8;

/// Confidence cap of a lone 6 or 9 whose hole is taller than its bowl (rule
/// `tall_hole_unlike`, [`shape::tall_hole_unlike`]): below `verify::LOW`, so what no check
/// confirms is flagged.
const TALL_HOLE_CONFIDENCE: f32 = 0.5;

/// Confidence of a 0 read by rule `short_loop_zero` ([`shape::short_loop_zero`]): under
/// `verify::LOW`, so the value is flagged unless a check confirms it (the short hole tells a
/// 0 from a 6 or a 9 by where it sits, but a small 4's closed triangle may sit there too).
const SHORT_LOOP_CONFIDENCE: f32 = 0.6;

/// Height (inches) up to which a lone flat stroke is a dash-like zero glyph.
const DASH_MAX_HEIGHT: f32 = 0.035;

/// Height range (inches) of a faint-image component taken for a glyph in a cell that looks
/// blank or dash-only at the text threshold: a 7 pt digit is about 0.07 in tall, so half of
/// that (broken or small print) up to a tall 16 pt glyph.
const FAINT_GLYPH_MIN: f32 = 0.05;
const FAINT_GLYPH_MAX: f32 = 0.25;

/// Confidence of a 1 read from its shape ([`shape::stem_one`]) when the recogniser read
/// nothing: below `verify::LOW`, so it is flagged unless the checks confirm it.
const STEM_ONE_CONFIDENCE: f32 = 0.6;

/// Confidence of a number read by glyph matching ([`glyphs::GlyphMatcher`]) against
/// Tesseract's reading: below `verify::LOW`, flagged unless the checks confirm it.
const MATCHED_CONFIDENCE: f32 = 0.6;

/// Whether a cell's reading is in doubt enough to be matched against the page's glyphs: a
/// number or zero glyph below [`BATCH_CONFIDENT`] (a glyph left out caps it lower still), or
/// no number at all from `digit_like` ink (glyphs shaped like digits read as text or as
/// nothing; other ink read as text is a label).
fn in_doubt(ws: &[OcrWord], digit_like: bool) -> bool {
    let joined: String = ws.iter().map(|w| w.text.as_str()).collect();
    let conf = ws.iter().map(|w| w.confidence).fold(1.0f32, f32::min);
    if is_numeric_text(&joined) {
        conf < BATCH_CONFIDENT
    } else {
        digit_like
    }
}

/// Most glyph components of a number whose 1s are checked by shape ([`CellReader::ones_by_shape`]).
const SHAPE_GLYPHS: usize = 8;

/// Least glyph height (px) for [`CellReader::ones_by_shape`]: a small 0 open at the top and
/// bottom is two stems, the stem of a small 4 keeps little of its arm; at the development
/// scans' 11-12 px the shape said 1 for both, from about 17 px up it was right.
const SHAPE_MIN_HEIGHT: i32 = 14;

/// Number-like cells per batched digit read.
const STRIP_CELLS: usize = 16;

/// Read many small `regions` of `page` with one recognition: their crops are pasted into one
/// image, side by side on one line (`vertical == false`, for digits; a glyph-height gap
/// between them) or stacked one under the other (`vertical == true`, for labels), and read
/// with `mode`.  Per-call overhead dominates the reading of a single cell, so this is what
/// keeps a table page cheaper than whole-page OCR.  Returns each region's words in page
/// coordinates; `None` for a region when a word straddles two slots (the caller then reads
/// that cell alone), and `None` overall when there was nothing to read.
fn read_batch(
    page: &Pix,
    regions: &[Rect],
    vertical: bool,
    mode: ReadMode,
    dpi: u32,
    engine: &mut dyn OcrEngine,
) -> Result<Option<Vec<Option<Vec<OcrWord>>>>> {
    if regions.is_empty() {
        return Ok(None);
    }
    let hmax = regions.iter().map(|r| r.h).max().unwrap_or(1).max(1);
    let wmax = regions.iter().map(|r| r.w).max().unwrap_or(1).max(1);
    let mut hs: Vec<i32> = regions.iter().map(|r| r.h).collect();
    hs.sort();
    let gap = if vertical {
        (hs[hs.len() / 2] / 2).max(8)
    } else {
        hmax
    };
    let (width, height) = if vertical {
        (
            wmax + 2 * gap,
            regions.iter().map(|r| r.h).sum::<i32>() + gap * (regions.len() as i32 + 1),
        )
    } else {
        (
            regions.iter().map(|r| r.w).sum::<i32>() + gap * (regions.len() as i32 + 1),
            hmax + 2 * (hmax / 4).max(2),
        )
    };
    let mut img = Pix::create(width, height, 8)?;
    img.fill_rect(Rect::new(0, 0, width, height), 255)?;
    let mut slots = Vec::with_capacity(regions.len());
    let mut pos = gap;
    for r in regions {
        let (x, y) = if vertical {
            (gap, pos)
        } else {
            (pos, (height - r.h) / 2)
        };
        img.blit(x, y, page, *r)?;
        slots.push(Rect::new(x, y, r.w, r.h));
        pos += if vertical { r.h } else { r.w } + gap;
    }
    engine.set_image(&img, dpi)?;
    let t = std::time::Instant::now();
    let words = engine.read(Rect::new(0, 0, width, height), mode)?;
    if debug_on() {
        tracing::debug!(
            "batch {mode:?} {} regions {width}x{height}: {} words, {:?}",
            regions.len(),
            words.len(),
            t.elapsed()
        );
    }
    // along the stacking axis: (start, end) of a rectangle
    let span = |r: &Rect| {
        if vertical {
            (r.y, r.y1())
        } else {
            (r.x, r.x1())
        }
    };
    let mut out: Vec<Option<Vec<OcrWord>>> = vec![Some(Vec::new()); regions.len()];
    let slack = gap / 3;
    for mut w in words {
        let (a, b) = span(&w.rect);
        let c = (a + b) / 2;
        let Some(i) = slots.iter().position(|s| {
            let (sa, sb) = span(s);
            c >= sa - gap / 2 && c < sb + gap / 2
        }) else {
            continue;
        };
        let s = slots[i];
        let (sa, sb) = span(&s);
        if a < sa - slack || b > sb + slack {
            // spans into a neighbour: read the cells it touches one by one
            for (j, t) in slots.iter().enumerate() {
                let (ta, tb) = span(t);
                if a < tb && b > ta {
                    out[j] = None;
                }
            }
            continue;
        }
        if let Some(v) = out[i].as_mut() {
            let r = regions[i];
            w.rect = Rect::new(
                w.rect.x - s.x + r.x,
                w.rect.y - s.y + r.y,
                w.rect.w,
                w.rect.h,
            );
            v.push(w);
        }
    }
    Ok(Some(out))
}

impl CellReader<'_> {
    /// Look at a cell's ink and decide what to do with it.
    fn plan(&self, cell: Rect) -> Result<Plan> {
        let Some(inner) = cell.inset(self.inset) else {
            return Ok(Plan::Blank);
        };
        let speck = (self.dpi / 100.0).max(2.0) as i32;
        let mut all: Vec<Rect> = self
            .text
            .clip(inner)?
            .components()?
            .into_iter()
            .filter(|r| r.w.max(r.h) >= speck)
            .map(|r| Rect::new(r.x + inner.x, r.y + inner.y, r.w, r.h))
            .filter(|r| !edge_stroke(r, &inner))
            .collect();
        // Glyph-sized components; noise specks and punctuation are smaller than a third of the
        // tallest glyph (a dash is its own tallest component, so it stays).
        let glyphs = |all: &[Rect]| -> Vec<Rect> {
            let tallest = all.iter().map(|r| r.h).max().unwrap_or(0);
            let big = (self.dpi * 0.04).max(tallest as f32 / 3.0) as i32;
            all.iter()
                .copied()
                .filter(|r| r.w.max(r.h) >= big)
                .collect()
        };
        // A cell reaching out of a seal's disk with text of its own outside (a label the seal
        // covers at one end): the seal's strokes inside the disk are not part of it.
        let off: Vec<Rect> = all
            .iter()
            .copied()
            .filter(|c| !self.seals.iter().any(|s| s.covers_centre(*c)))
            .collect();
        if off.len() < all.len() && glyphs(&off).len() >= SEAL_LABEL_GLYPHS {
            all = off;
        }
        let mut comps = glyphs(&all);
        // Light print that the text threshold keeps only in part: the base stroke of a pale 2
        // looks like a dash, a thin 1 vanishes, a pale number falls into specks.  A cell that
        // looks blank, holds only a dash-like stroke or only specks is looked at again in the
        // faint image ([`faint_look`]).
        let dash_h = (self.dpi * DASH_MAX_HEIGHT).round() as i32;
        // the faint image's pieces of print height, when looked at (also for a dash below)
        let mut faint_print: Option<Vec<Rect>> = None;
        if comps.is_empty() || dash_like(&comps, dash_h) || ink::residue_only(&comps, self.dpi) {
            let print = self.faint_print(inner)?;
            let faint = faint_glyphs(&print);
            faint_print = Some(print);
            if debug_on() && !faint.is_empty() {
                tracing::debug!(
                    "p{} cell {cell:?}: ink {comps:?}, faint glyphs {faint:?}",
                    self.page
                );
            }
            if let Some(seen) = faint_look(&comps, faint, dash_h, self.dpi) {
                all = seen;
                comps = glyphs(&all);
            }
        }
        let tallest = all.iter().map(|r| r.h).max().unwrap_or(0);
        if comps.is_empty() {
            return Ok(Plan::Blank);
        }
        let x0 = comps.iter().map(|r| r.x).min().unwrap_or(inner.x);
        let y0 = comps.iter().map(|r| r.y).min().unwrap_or(inner.y);
        let x1 = comps.iter().map(|r| r.x1()).max().unwrap_or(inner.x1());
        let y1 = comps.iter().map(|r| r.y1()).max().unwrap_or(inner.y1());
        let ink = Rect::new(x0, y0, x1 - x0, y1 - y0);
        // Light glyphs beside the ink (uneven print or light: the 5 of a faint 115 falls
        // apart into specks at the text threshold): glyph-sized components of the faint
        // image on the same line widen the reading region, never the decisions below.
        let (mut rx0, mut rx1) = (ink.x, ink.x1());
        if line_count(&comps) == 1 {
            let faint = self.faint.clip(inner)?.components()?;
            for r in faint
                .into_iter()
                .map(|r| Rect::new(r.x + inner.x, r.y + inner.y, r.w, r.h))
            {
                let same_line = r.y >= ink.y - tallest / 3 && r.y1() <= ink.y1() + tallest / 3;
                let glyph_sized =
                    r.h * 2 >= tallest && r.h * 3 <= tallest * 4 && r.w <= tallest * 2;
                // next to the ink, clear of the cell's edges (where ruling remnants lie)
                let near = r.x1() >= rx0 - tallest && r.x <= rx1 + tallest;
                let inside = r.x > inner.x + 1
                    && r.x1() < inner.x1() - 1
                    && r.y > inner.y + 1
                    && r.y1() < inner.y1() - 1;
                if same_line && glyph_sized && near && inside {
                    rx0 = rx0.min(r.x);
                    rx1 = rx1.max(r.x1());
                }
            }
        }

        // A lone dash-like stroke: a zero glyph.  Decided from geometry, which is more
        // reliable than any recogniser on a single short bar.
        if ink.h <= dash_h && ink.w >= 2 * ink.h && comps.len() <= 2 {
            let min_h = (self.dpi * FAINT_GLYPH_MIN).round() as i32;
            let print = match faint_print {
                Some(p) => p,
                None => self.faint_print(inner)?,
            };
            let beside = faint_beside_dash(&ink, &print, min_h);
            return Ok(Plan::Done(vec![OcrWord {
                text: "—".into(),
                rect: ink,
                confidence: if beside { FAINT_BESIDE_DASH } else { 0.9 },
                alternatives: vec!["-".into(), "－".into()],
            }]));
        }

        // A lone dash that blur made a blob: a zero glyph in doubt ([`dash`]).
        if let [piece] = comps.as_slice()
            && dash::blurred_dash(piece, &inner, dash_h)
        {
            return Ok(Plan::Done(vec![OcrWord {
                text: "—".into(),
                rect: ink,
                confidence: dash::BLURRED_DASH_CONFIDENCE,
                alternatives: vec![],
            }]));
        }

        // A lone slash (the other zero glyph): one thin stroke leaning right, ink at the top
        // right and the bottom left.  Tesseract rarely reads it alone at scan resolutions.
        if comps.len() == 1 && self.slash_shaped(comps[0])? {
            return Ok(Plan::Done(vec![OcrWord {
                text: "/".into(),
                rect: ink,
                confidence: 0.9,
                alternatives: vec![],
            }]));
        }

        // Glyphs that reach into the inset band along the cell's edges (a tight row: the foot
        // of a 1 just above the ruling below) are read whole: the reading region may grow to
        // the extent of the components that overlap the ink, up to a pixel from the cell's
        // edge (the rulings themselves are painted out of `gray`).  Cutting the foot of a 1
        // makes it a confident 4.
        let mut bound = inner;
        if let Some(outer) = cell.inset(1) {
            for c in self.text.clip(outer)?.components()? {
                let c = Rect::new(c.x + outer.x, c.y + outer.y, c.w, c.h);
                // a glyph's own extent, never a ruling remnant crossing the whole cell
                if c.overlaps(&ink) && c.h <= tallest * 3 / 2 && c.w <= outer.w * 3 / 4 {
                    bound = bound.union(&c);
                }
            }
        }
        let pad = (self.dpi / 20.0).round() as i32;
        let region = clip_to(
            Rect::new(rx0 - pad, ink.y - pad, rx1 - rx0 + 2 * pad, ink.h + 2 * pad),
            bound,
        );
        let lines = line_count(&comps);
        let digit_like = lines == 1 && digit_shaped(&comps);
        // Ink with wide strokes (一, 二, 工 ...) or many pieces is CJK: skip the digit read.
        let half = comps.iter().map(|r| r.h).max().unwrap_or(0) / 2;
        let cjk_like = comps.len() > 6 || comps.iter().any(|r| r.h >= half && r.w * 2 > r.h * 3);
        // unless the wide ink is upright stems run together (111 whose serif feet blur
        // into one blob)
        let hmax = half * 2;
        let stem_blob =
            lines == 1 && !digit_like && comps.len() <= 3 && hmax >= SHAPE_MIN_HEIGHT && {
                let mut any = false;
                for c in comps
                    .iter()
                    .filter(|c| c.h * 4 >= hmax * 3 && c.w as f32 > DIGIT_WIDTH_MAX * c.h as f32)
                {
                    any = shape::stem_split(
                        self.gray,
                        Rect::new(c.x - 1, region.y, c.w + 2, region.h),
                    )?
                    .is_some();
                    if !any {
                        break;
                    }
                }
                any
            };
        let numeric_first = lines == 1 && (digit_like || !cjk_like || stem_blob);
        if debug_on() {
            tracing::debug!(
                "p{} plan {region:?}: comps {comps:?} lines {lines} digit_like {digit_like} cjk_like {cjk_like}",
                self.page
            );
        }
        Ok(Plan::Ink {
            region,
            comps: comps.len(),
            lines,
            digit_like,
            numeric_first,
            glyphs: comps,
            inner,
        })
    }

    /// Rule `ink_across_edge` ([`ink::ink_across_edge`]) for the table cell `cell` whose plan
    /// found `glyphs` (page pixels): whether the number's print goes on past the cell's edge.
    fn ink_across_edge(&self, cell: Rect, glyphs: &[Rect]) -> Result<bool> {
        let Some(first) = glyphs.first() else {
            return Ok(false);
        };
        let ink = glyphs.iter().fold(*first, |a, g| a.union(g));
        let tallest = glyphs.iter().map(|g| g.h).max().unwrap_or(0);
        let (w, h) = (self.text.width(), self.text.height());
        let Some(window) =
            ink::across_edge_window(cell, ink, tallest).and_then(|win| win.clip(w, h))
        else {
            return Ok(false);
        };
        let outside: Vec<Rect> = self
            .text
            .clip(window)?
            .components()?
            .into_iter()
            .map(|c| Rect::new(c.x + window.x, c.y + window.y, c.w, c.h))
            .collect();
        Ok(ink::ink_across_edge(&outside, window, cell, ink, tallest))
    }

    /// Components of the faint image inside `inner` (page pixels), clear of its edges, of
    /// glyph height ([`FAINT_GLYPH_MIN`] to [`FAINT_GLYPH_MAX`]), of any width (glyphs that
    /// touch there).
    fn faint_print(&self, inner: Rect) -> Result<Vec<Rect>> {
        let (min_h, max_h) = (
            (self.dpi * FAINT_GLYPH_MIN).round() as i32,
            (self.dpi * FAINT_GLYPH_MAX).round() as i32,
        );
        Ok(self
            .faint
            .clip(inner)?
            .components()?
            .into_iter()
            .filter(|r| r.x > 1 && r.y > 1 && r.x1() < inner.w - 1 && r.y1() < inner.h - 1)
            .filter(|r| r.h >= min_h && r.h <= max_h)
            .map(|r| Rect::new(r.x + inner.x, r.y + inner.y, r.w, r.h))
            .collect())
    }

    /// Whether the component `c` (page pixels) is a slash: clearly taller than wide, its top
    /// third inked on the right and its bottom third on the left (a 7 or a 4 fail one of the
    /// two), and its thirds' ink centres stepping down to the left ([`steps_down`]: a serif 1
    /// does not).
    fn slash_shaped(&self, c: Rect) -> Result<bool> {
        if c.h < 2 * c.w || c.w < 3 || c.h < 9 {
            return Ok(false);
        }
        let (third, half) = (c.h / 3, c.w / 2);
        // a band's ink per column
        let columns = |y: i32, h: i32| -> Result<Vec<i32>> {
            (0..c.w)
                .map(|i| Ok(self.text.clip(Rect::new(c.x + i, y, 1, h))?.count_pixels()))
                .collect()
        };
        let (top, bottom) = (columns(c.y, third)?, columns(c.y1() - third, third)?);
        let halves = |v: &[i32]| {
            [
                v[..half as usize].iter().sum(),
                v[v.len() - half as usize..].iter().sum(),
            ]
        };
        if !leans_right(halves(&top), halves(&bottom)) {
            return Ok(false);
        }
        let middle = columns(c.y + third, c.h - 2 * third)?;
        let (top, middle, bottom) = (ink_centre(&top), ink_centre(&middle), ink_centre(&bottom));
        Ok(matches!((top, middle, bottom), (Some(t), Some(m), Some(b)) if steps_down(t, m, b)))
    }

    /// Read `region` (a short number) alone, enlarged: Tesseract misses or garbles single
    /// small glyphs (a 1, a 0, a slash at 150–200 dpi are 10–20 px tall), while the same glyph
    /// at glyph heights it was trained on reads reliably.  The crop is put on white paper with
    /// a margin and scaled to about `ENLARGED_HEIGHT` px of ink; the engine gets the page back
    /// afterwards.  Word boxes are mapped back to page pixels.
    fn read_enlarged(&self, region: Rect, engine: &mut dyn OcrEngine) -> Result<Vec<OcrWord>> {
        let margin = region.h.max(8);
        let (w, h) = (region.w + 2 * margin, region.h + 2 * margin);
        let mut img = Pix::create(w, h, 8)?;
        img.fill_rect(Rect::new(0, 0, w, h), 255)?;
        img.blit(margin, margin, self.gray, region)?;
        let f = (ENLARGED_HEIGHT / region.h.max(1) as f32).clamp(1.0, 4.0);
        let img = if f > 1.2 { img.scale(f)? } else { img };
        engine.set_image(&img, (self.dpi * f).round() as u32)?;
        let ws = engine.read(
            Rect::new(0, 0, img.width(), img.height()),
            ReadMode::Numeric,
        );
        engine.set_image(self.gray, self.dpi.round() as u32)?;
        let back = |v: i32| (v as f32 / f).round() as i32;
        Ok(ws?
            .into_iter()
            .map(|mut w| {
                let (x, y) = (
                    back(w.rect.x) - margin + region.x,
                    back(w.rect.y) - margin + region.y,
                );
                w.rect = Rect::new(x, y, back(w.rect.w), back(w.rect.h));
                w
            })
            .collect())
    }

    /// Debugging: with [`OcrDebug::dump`], write the crop a number was read from (4x) as a PNG named by its position, reading and confidence.
    fn dump(&self, region: Rect, reading: &str, conf: f32) {
        let Some(dir) = self.dump else {
            return;
        };
        let Some(r) = region.clip(self.gray.width(), self.gray.height()) else {
            return;
        };
        let safe: String = reading
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = format!(
            "p{}-y{:05}-x{:05}-{}-{:02}.png",
            self.page,
            region.y,
            region.x,
            safe,
            (conf * 100.0) as i32
        );
        if let Ok(png) = self
            .gray
            .clip(r)
            .and_then(|p| p.scale(4.0))
            .and_then(|p| p.to_png())
        {
            let _ = std::fs::write(dir.join(&name), png);
        }
        // the crop at page resolution, with some page around it (for replaying readings)
        let m = region.h;
        if let Some(wide) = Rect::new(
            region.x - m,
            region.y - m,
            region.w + 2 * m,
            region.h + 2 * m,
        )
        .clip(self.gray.width(), self.gray.height())
            && let Ok(png) = self.gray.clip(wide).and_then(|p| p.to_png())
        {
            let _ = std::fs::create_dir_all(dir.join("raw"));
            let _ = std::fs::write(
                dir.join("raw").join(format!(
                    "{name}-{}-{}-{}-{}-{}.png",
                    region.x - wide.x,
                    region.y - wide.y,
                    region.w,
                    region.h,
                    self.dpi.round()
                )),
                png,
            );
            if let Ok(png) = self
                .gray
                .clip(wide)
                .and_then(|p| p.scale(4.0))
                .and_then(|p| p.to_png())
            {
                let _ = std::fs::create_dir_all(dir.join("ctx"));
                let _ = std::fs::write(dir.join("ctx").join(&name), png);
            }
            if let Ok(png) = self
                .text
                .clip(wide)
                .and_then(|p| p.scale(4.0))
                .and_then(|p| p.to_png())
            {
                let _ = std::fs::write(dir.join("ctx").join(format!("bin-{name}")), png);
            }
        }
    }

    /// The reading of a number whose glyphs are 1s by their shape ([`shape::stem_one`], a
    /// blob of several stems split by [`shape::stem_split`]) where `nums` says otherwise:
    /// every glyph a 1 gives as many 1s (whatever was read); a reading with one digit per
    /// glyph gets a 1 for each glyph shaped like one.  Confidence [`STEM_ONE_CONFIDENCE`]
    /// (in doubt, and a plausible number), the reading kept as an alternative.  `None` when the shapes
    /// change nothing or say nothing.
    fn ones_by_shape(
        &self,
        nums: &[OcrWord],
        comps: usize,
        digit_like: bool,
        region: Rect,
        glyphs: &[Rect],
    ) -> Result<Option<Vec<OcrWord>>> {
        let joined: String = nums.iter().map(|w| w.text.as_str()).collect();
        let accepted = self.accepts_numeric(nums, comps, digit_like);
        // a reading of all 1s that covers the ink needs no second look
        if glyphs.is_empty()
            || glyphs.len() > SHAPE_GLYPHS
            || (accepted
                && !joined.is_empty()
                && joined.chars().all(|c| c == '1')
                && !misses_ink(nums, glyphs))
        {
            return Ok(None);
        }
        let mut gs = glyphs.to_vec();
        gs.sort_by_key(|g| g.x);
        let tallest = gs.iter().map(|g| g.h).max().unwrap_or(0);
        if tallest < SHAPE_MIN_HEIGHT {
            return Ok(None);
        }
        // each glyph's slice of the region: up to the middle of the gaps to its neighbours
        let mut pieces: Vec<Rect> = Vec::new();
        for (i, g) in gs.iter().enumerate() {
            let lo = if i == 0 {
                region.x.min(g.x)
            } else {
                (gs[i - 1].x1() + g.x) / 2
            };
            let hi = if i + 1 == gs.len() {
                region.x1().max(g.x1())
            } else {
                (g.x1() + gs[i + 1].x) / 2
            };
            let slice = Rect::new(lo, region.y, (hi - lo).max(1), region.h);
            match (g.w as f32 > DIGIT_WIDTH_MAX * tallest as f32)
                .then(|| shape::stem_split(self.gray, slice))
                .transpose()?
                .flatten()
            {
                Some(split) => pieces.extend(split),
                None => pieces.push(slice),
            }
        }
        let mut ones = Vec::with_capacity(pieces.len());
        for p in &pieces {
            ones.push(shape::firm_one(self.gray, *p)?);
        }
        let digits: Vec<char> = joined.chars().collect();
        let reading: String = if ones.iter().all(|&o| o) {
            "1".repeat(ones.len())
        } else if accepted
            && digits.len() == ones.len()
            && digits.iter().all(|c| c.is_ascii_digit())
        {
            digits
                .iter()
                .zip(&ones)
                .map(|(&c, &o)| if o { '1' } else { c })
                .collect()
        } else {
            return Ok(None);
        };
        if reading == joined {
            return Ok(None);
        }
        // the recogniser's confidence was in its own reading, not in this one
        let conf = STEM_ONE_CONFIDENCE;
        let alternatives = if is_numeric_text(&joined) {
            vec![joined]
        } else {
            Vec::new()
        };
        let rect = Rect::hull(gs.iter().copied()).unwrap_or(region);
        Ok(Some(vec![OcrWord {
            text: reading,
            rect,
            confidence: conf,
            alternatives,
        }]))
    }

    /// Whether a digit reading is a plausible number for ink of `comps` glyph components.
    fn accepts_numeric(&self, nums: &[OcrWord], comps: usize, digit_like: bool) -> bool {
        let joined: String = nums.iter().map(|w| w.text.as_str()).collect();
        let conf = nums.iter().map(|w| w.confidence).fold(1.0f32, f32::min);
        is_numeric_text(&joined)
            && comps <= joined.chars().count() + 2
            && (conf >= 0.5 || digit_like)
    }

    /// Produce the cell's words: accept the digit reading when it is a plausible number,
    /// otherwise read the text.  `nums` is the batched digit reading, if there was one.
    fn finish(
        &self,
        plan: Plan,
        nums: Option<Vec<OcrWord>>,
        text: Option<Vec<OcrWord>>,
        engine: &mut dyn OcrEngine,
    ) -> Result<Vec<OcrWord>> {
        let (region, comps, lines, digit_like, numeric_first, glyphs) = match plan {
            Plan::Blank => return Ok(Vec::new()),
            Plan::Done(ws) => return Ok(ws),
            Plan::Ink {
                region,
                comps,
                lines,
                digit_like,
                numeric_first,
                glyphs,
                ..
            } => (region, comps, lines, digit_like, numeric_first, glyphs),
        };
        let debug = debug_on();
        let mut stray: Option<Vec<OcrWord>> = None;
        if numeric_first {
            // the batched reading, or (when it was missing or implausible) this cell alone
            let mut nums = match nums {
                Some(ws)
                    if self.accepts_numeric(&ws, comps, digit_like)
                        && ws.iter().all(|w| w.confidence >= BATCH_CONFIDENT) =>
                {
                    ws
                }
                _ => engine.read(region, ReadMode::Numeric)?,
            };
            if nums.is_empty() && digit_like {
                nums = engine.read(region, ReadMode::NumericWord)?;
            }
            if !self.accepts_numeric(&nums, comps, digit_like) && comps <= SMALL_NUMBER {
                let big = self.read_enlarged(region, engine)?;
                if self.accepts_numeric(&big, comps, digit_like) {
                    nums = big;
                }
            }
            // A glyph left out of every word (the 3 of a faint 3050 read as 050, the 4 of 447
            // read as 7): read again, alone and then enlarged, and keep a reading that covers
            // all the ink; when none does the reading stays, in doubt.
            let mut missed_ink = false;
            if self.accepts_numeric(&nums, comps, digit_like) && misses_ink(&nums, &glyphs) {
                let mut fixed = false;
                for again in [
                    engine.read(region, ReadMode::Numeric)?,
                    self.read_enlarged(region, engine)?,
                ] {
                    // only a reading with more digits: the same count is another guess at
                    // the same glyphs, not the lost one found
                    if self.accepts_numeric(&again, comps, digit_like)
                        && !misses_ink(&again, &glyphs)
                        && digit_count(&again) > digit_count(&nums)
                    {
                        if debug {
                            tracing::debug!(
                                "cell {region:?}: {:?} left ink out, re-read {:?}",
                                nums.iter().map(|w| w.text.as_str()).collect::<String>(),
                                again.iter().map(|w| w.text.as_str()).collect::<String>()
                            );
                        }
                        nums = again;
                        fixed = true;
                        break;
                    }
                }
                missed_ink = !fixed;
            }
            // the lone glyph's loops at the crop's middle threshold, once found (for
            // `loop_shown`, `tall_hole_unlike` and `short_loop_zero` below)
            let mut mid_found: Option<Option<shape::Loops>> = None;
            // One glyph whose enclosed hole spans its height is a 0, whatever the recogniser
            // made of it (a faint or blurred 0 reads as 9, 6 or 4, or as nothing).
            if glyphs.len() == 1 && lines == 1 {
                let joined: String = nums.iter().map(|w| w.text.as_str()).collect();
                // (a 0 read as 0 is not looked at)
                let mid = if joined != "0" {
                    *mid_found.insert(shape::loops(self.gray, region)?)
                } else {
                    None
                };
                let shown = shape::loop_shown(mid.as_ref(), self.gray, region)?;
                // A lone digit the recogniser read as another than its holes show (a small 9
                // read as 3): the shape's digit is offered as an alternative reading, for the
                // checks to choose (never taken on its own).
                if let (Some(d), [w]) = (shown, nums.as_mut_slice())
                    && d != '0'
                    && w.text.chars().count() == 1
                    && w.text.chars().all(|c| c.is_ascii_digit() && c != d)
                    && !w.alternatives.iter().any(|a| a.chars().eq([d]))
                {
                    if debug {
                        tracing::debug!("cell {region:?}: {joined:?} has the loops of a {d}");
                    }
                    w.alternatives.push(d.to_string());
                }
                // rule `tall_hole_unlike`: a lone 6 or 9 whose one hole is taller than its bowl
                if shown.is_none()
                    && let [w] = nums.as_mut_slice()
                    && let Some(d) = w
                        .text
                        .chars()
                        .next()
                        .filter(|_| w.text.chars().count() == 1)
                    && mid.as_ref().is_some_and(|l| shape::tall_hole_unlike(l, d))
                {
                    if debug {
                        tracing::debug!(
                            "cell {region:?}: {joined:?} has a hole taller than its bowl"
                        );
                    }
                    w.confidence = w.confidence.min(TALL_HOLE_CONFIDENCE);
                }
                if shown == Some('0') {
                    if debug {
                        tracing::debug!("cell {region:?}: {joined:?} has the loop of a 0");
                    }
                    let mut alternatives: Vec<String> = Vec::new();
                    if is_numeric_text(&joined) {
                        alternatives.push(joined.clone());
                    }
                    let conf = nums.iter().map(|w| w.confidence).fold(1.0f32, f32::min);
                    let conf = if nums.is_empty() {
                        LOOP_ZERO_CONFIDENCE
                    } else {
                        conf.min(LOOP_ZERO_CONFIDENCE)
                    };
                    nums = vec![OcrWord {
                        text: "0".into(),
                        rect: glyphs[0],
                        confidence: conf,
                        alternatives,
                    }];
                }
            }
            // One glyph the recogniser made no number of, read by its shape, in doubt: rule
            // `short_loop_zero`, a hole in its middle but short (blur closing a small 0's
            // counter from above and below), a 0; or one thin upright stroke (a faint 1).
            if glyphs.len() == 1 && lines == 1 && !self.accepts_numeric(&nums, comps, digit_like) {
                let mid = match mid_found {
                    Some(mid) => mid,
                    None => shape::loops(self.gray, region)?,
                };
                let by_shape = if mid.as_ref().is_some_and(shape::short_loop_zero) {
                    Some(("0", SHORT_LOOP_CONFIDENCE, "the short loop of a 0"))
                } else if shape::stem_one(self.gray, region)? {
                    Some(("1", STEM_ONE_CONFIDENCE, "the shape of a 1"))
                } else {
                    None
                };
                if let Some((text, confidence, why)) = by_shape {
                    if debug {
                        tracing::debug!("cell {region:?}: unread glyph has {why}");
                    }
                    nums = vec![OcrWord {
                        text: text.into(),
                        rect: glyphs[0],
                        confidence,
                        alternatives: vec![],
                    }];
                }
            }
            // 1s the recogniser made other digits of (a serif 1 read as 4, 11 as 2, a 111
            // whose feet blur into one blob read as 1): when the glyphs' shapes say 1, the
            // shape wins, in doubt.
            if lines == 1
                && let Some(ones) = self.ones_by_shape(&nums, comps, digit_like, region, &glyphs)?
            {
                if debug {
                    tracing::debug!(
                        "cell {region:?}: {:?} has the shape of {ones:?}",
                        nums.iter().map(|w| w.text.as_str()).collect::<String>()
                    );
                }
                nums = ones;
                missed_ink = misses_ink(&nums, &glyphs);
            }
            let joined: String = nums.iter().map(|w| w.text.as_str()).collect();
            let conf = nums.iter().map(|w| w.confidence).fold(1.0f32, f32::min);
            let glyphs = joined.chars().count();
            if debug {
                tracing::debug!(
                    "cell {region:?} comps {comps} digit_like {digit_like} numeric {joined:?} conf {conf:.2}"
                );
            }
            self.dump(region, &joined, conf);
            if self.accepts_numeric(&nums, comps, digit_like) {
                let mut ws = merge_numeric(nums);
                if missed_ink {
                    for w in &mut ws {
                        w.confidence = w.confidence.min(MISSED_INK_CONFIDENCE);
                    }
                }
                return Ok(ws);
            }
            let _ = (conf, glyphs);
            // digits with a stray mark at an end (`1.`: a speck of a seal beside a 1) are kept
            // when the text reading finds nothing but punctuation there (`。`): the cell is
            // then unparseable as read, and the repair stage drops the mark only if the checks
            // agree
            if crate::values::cleaned_number(&joined, false).is_some() {
                stray = Some(nums);
            }
        }
        let ws = match text {
            Some(ws) => ws,
            None => {
                let mode = if lines == 1 {
                    ReadMode::TextLine
                } else {
                    ReadMode::TextBlock
                };
                let t = std::time::Instant::now();
                let r = engine.read(region, mode)?;
                if debug {
                    tracing::debug!("text cell {region:?} {mode:?} {:?}", t.elapsed());
                }
                r
            }
        };
        if let Some(nums) = stray
            && ws
                .iter()
                .all(|w| w.text.chars().all(|c| !c.is_alphanumeric()))
        {
            if debug {
                tracing::debug!(
                    "cell {region:?}: text reading {:?} is only marks, digits with a stray mark kept",
                    ws.iter().map(|w| w.text.as_str()).collect::<String>()
                );
            }
            let mut ws = merge_numeric(nums);
            for w in &mut ws {
                w.confidence = w.confidence.min(MISSED_INK_CONFIDENCE);
            }
            return Ok(ws);
        }
        Ok(ws)
    }
}

/// The glyph boxes (page pixels) of `glyphs` that no word of `words` covers: their centre
/// lies outside every word's box widened by a quarter of the glyph's height.  Only full-height
/// glyphs count (a comma or a speck may be left out).
fn uncovered(words: &[OcrWord], glyphs: &[Rect]) -> Vec<Rect> {
    let tallest = glyphs.iter().map(|g| g.h).max().unwrap_or(0);
    if words.is_empty() {
        return Vec::new();
    }
    glyphs
        .iter()
        .copied()
        .filter(|g| g.h * 3 >= tallest * 2)
        .filter(|g| {
            let cx = g.x + g.w / 2;
            let slack = g.h / 4;
            !words
                .iter()
                .any(|w| cx >= w.rect.x - slack && cx <= w.rect.x1() + slack)
        })
        .collect()
}

/// Widest a printed digit is, in its height (0 and 4 in common fonts are about 0.6, a blurred
/// photo adds a pixel or two on each side): full-height ink wider than this per digit read
/// holds more digits than the reading.
const DIGIT_WIDTH_MAX: f32 = 0.9;

/// Whether a reading left glyphs of the cell out: a full-height glyph outside every word
/// ([`uncovered`]), more separate full-height glyphs than the reading has digits (each
/// digit of a printed number is its own component unless blur joins them; a glyph broken in
/// two by faint print only costs a re-read), or full-height ink wider than the digits read
/// ([`DIGIT_WIDTH_MAX`]).  Pieces stacked one above the other are one glyph
/// ([`ink::stack`]): faint print at 135 dpi breaks a 5 into its bar, stem and bowl, none of
/// glyph height, and `529` read `29` at 0.96 left that 5 out.
fn misses_ink(words: &[OcrWord], glyphs: &[Rect]) -> bool {
    let glyphs = &ink::stack(glyphs);
    let tallest = glyphs.iter().map(|g| g.h).max().unwrap_or(0);
    let full: Vec<&Rect> = glyphs.iter().filter(|g| g.h * 3 >= tallest * 2).collect();
    let digits = digit_count(words);
    // digits joined by blur into one component (58 read as 8): wider than that many digits
    let width: i32 = full.iter().map(|g| g.w).sum();
    let too_wide = digits > 0 && width as f32 > digits as f32 * DIGIT_WIDTH_MAX * tallest as f32;
    (digits > 0 && full.len() > digits) || too_wide || !uncovered(words, glyphs).is_empty()
}

/// How many ASCII digits the words hold.
fn digit_count(words: &[OcrWord]) -> usize {
    words
        .iter()
        .flat_map(|w| w.text.chars())
        .filter(|c| c.is_ascii_digit())
        .count()
}

/// Components shaped like printed digits: each taller than wide, all of similar height.
fn digit_shaped(comps: &[Rect]) -> bool {
    let hmax = comps.iter().map(|r| r.h).max().unwrap_or(0);
    !comps.is_empty()
        && comps.len() <= 12
        && comps.iter().all(|r| ink::upright(r) && r.h * 4 >= hmax * 3)
}

fn clip_to(r: Rect, outer: Rect) -> Rect {
    let x0 = r.x.max(outer.x);
    let y0 = r.y.max(outer.y);
    let x1 = r.x1().min(outer.x1());
    let y1 = r.y1().min(outer.y1());
    Rect::new(x0, y0, (x1 - x0).max(1), (y1 - y0).max(1))
}

/// Pixels from a side of a cell's inset rectangle within which an upright stroke touches it
/// ([`edge_stroke`]).
const EDGE_TOUCH: i32 = 1;

/// Whether component `r` (page pixels) of the cell whose inset rectangle is `inner` is the
/// remnant of a vertical ruling, not a glyph: a thin upright stroke (at least three times as
/// tall as wide) touching the inset rectangle's left or right side.  A broken or faint ruling
/// that the ruling finder missed in part keeps such a piece inside the cell's inset band, and
/// read alone it has the shape of a 1 (a blank cell at a table's right border read 1).  Printed
/// numbers keep clear of the sides by the cell's padding; the faint look
/// ([`faint_glyphs`]) already leaves out everything that touches them.
fn edge_stroke(r: &Rect, inner: &Rect) -> bool {
    let touches = r.x <= inner.x + EDGE_TOUCH || r.x1() >= inner.x1() - EDGE_TOUCH;
    touches && r.w * 3 <= r.h
}

/// How many text lines the components form (clusters of vertical overlap).  For a few pieces
/// (at most [`SMALL_NUMBER`]), lines are made by the glyph-sized ones (at least half the
/// tallest): a smaller piece (the base stroke of a faint 2 that fell apart, the bar of a 7)
/// inside a line's band belongs to it, and starts a line of its own only outside every band.
fn line_count(comps: &[Rect]) -> usize {
    let tallest = comps.iter().map(|r| r.h).max().unwrap_or(1);
    // (only for a few pieces, a short number whose faint glyphs fell apart: the reading of
    // longer text is tuned to every piece counting)
    if comps.len() > SMALL_NUMBER {
        return line_bands(comps, tallest).len();
    }
    let (big, small): (Vec<Rect>, Vec<Rect>) = comps.iter().partition(|r| r.h * 2 >= tallest);
    let bands = line_bands(&big, tallest);
    let alone: Vec<Rect> = small
        .into_iter()
        .filter(|r| !bands.iter().any(|&(a, b)| r.y < b && r.y1() > a))
        .collect();
    bands.len() + line_bands(&alone, tallest).len()
}

/// The vertical extents of the lines the components form (a new line starts below the
/// current one; small overlaps from descenders allowed).
fn line_bands(comps: &[Rect], tallest: i32) -> Vec<(i32, i32)> {
    let mut spans: Vec<(i32, i32)> = comps.iter().map(|r| (r.y, r.y1())).collect();
    spans.sort();
    let mut bands: Vec<(i32, i32)> = Vec::new();
    for (a, b) in spans {
        match bands.last_mut() {
            Some((_, e)) if a < *e - tallest / 4 => *e = (*e).max(b),
            _ => bands.push((a, b)),
        }
    }
    bands
}

/// A number split by the recogniser ("1 234") becomes one word.
fn merge_numeric(ws: Vec<OcrWord>) -> Vec<OcrWord> {
    if ws.len() <= 1 {
        return ws;
    }
    let mut it = ws.into_iter();
    let mut first = it.next().expect("len > 1");
    for w in it {
        first.text.push_str(&w.text);
        first.rect = Rect::new(
            first.rect.x.min(w.rect.x),
            first.rect.y.min(w.rect.y),
            first.rect.x1().max(w.rect.x1()) - first.rect.x.min(w.rect.x),
            first.rect.y1().max(w.rect.y1()) - first.rect.y.min(w.rect.y),
        );
        first.confidence = first.confidence.min(w.confidence);
        first.alternatives.clear();
    }
    vec![first]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_layout_sees_the_digits_under_a_cross_of_lost_rulings() {
        use super::{Pix, Rect, glyph_boxes, layout_glyph_boxes};
        // a cell merged over two rows and two columns at 120 dpi: what is left of its inner
        // row and column lines (1 px, one cross) and a 0 (6 x 10 px, a ring) in each quarter
        let mut p = Pix::create(80, 64, 1).unwrap();
        p.fill_rect(Rect::new(2, 31, 76, 1), 1).unwrap();
        p.fill_rect(Rect::new(40, 2, 1, 60), 1).unwrap();
        let zeros = [(25, 10), (65, 10), (25, 44), (65, 44)];
        for &(x, y) in &zeros {
            p.fill_rect(Rect::new(x, y, 6, 10), 1).unwrap();
            p.fill_rect(Rect::new(x + 2, y + 2, 2, 6), 0).unwrap();
        }
        let all = Rect::new(0, 0, 80, 64);
        let layout = layout_glyph_boxes(&p, all, 120.0);
        assert_eq!(layout.len(), 4, "{layout:?}");
        assert!(layout.iter().all(|g| (g.w, g.h) == (6, 10)));
        // the cell readers' view keeps the cross (and, as tallest, drops the zeros)
        let read = glyph_boxes(&p, all, 120.0);
        assert_eq!(read.len(), 1, "{read:?}");
    }

    #[test]
    fn the_faint_line_second_look_is_for_broken_tables_only() {
        // a table fallen apart into pieces: looked at again, kept when it makes a table
        assert!(second_look(2, 30));
        assert!(keep_second(2, 60));
        // a second look that makes no table, or a smaller one, is dropped
        assert!(!keep_second(2, 6));
        assert!(!keep_second(40, 30));
        // a page whose table was found, and a page of prose, are not looked at twice
        assert!(!second_look(FAINT_RETRY_CELLS, 30));
        assert!(!second_look(0, FAINT_RETRY_PIECES - 1));
    }

    #[test]
    fn the_smoothed_third_look_is_for_pages_with_no_grid_at_all() {
        // rule `noisy_faint_rulings`: no grid at the first look, no table at the second
        assert!(third_look(0, 7));
        assert!(third_look(0, 0));
        // the first look found a grid (an active-table section's pieces): kept as it is
        assert!(!third_look(3, 6));
        // the second look made a table
        assert!(!third_look(0, FAINT_RETRY_CELLS));
        // kept when it makes a table of table size: a requests table's body, not the few
        // false cells of a page of blurred prose
        assert!(keep_third(7, 94));
        assert!(!keep_third(0, 18));
        assert!(!keep_third(40, 38));
    }

    #[test]
    fn digits_joined_by_blur_into_one_glyph_are_missed_ink_when_read_as_one_digit() {
        use super::{OcrWord, Rect, misses_ink};
        let word = |t: &str, x: i32, w: i32| OcrWord {
            text: t.into(),
            rect: Rect::new(x, 116, w, 26),
            confidence: 0.97,
            alternatives: vec![],
        };
        // 58 printed touching: one component 35x26, read as 8
        let joined = [Rect::new(575, 116, 35, 26)];
        assert!(misses_ink(&[word("8", 593, 17)], &joined));
        assert!(!misses_ink(&[word("58", 575, 35)], &joined));
        // one wide 0 (blurred) is still one digit
        assert!(!misses_ink(
            &[word("0", 575, 20)],
            &[Rect::new(575, 116, 20, 26)]
        ));
    }

    #[test]
    fn a_glyph_broken_by_faint_print_is_missed_ink_when_left_out() {
        use super::{OcrWord, Rect, misses_ink};
        // 529 at 135 dpi: the 5 in three pieces (bar, stem, bowl), 29 blurred into one
        let pieces = [
            Rect::new(643, 514, 5, 2),
            Rect::new(646, 517, 3, 6),
            Rect::new(648, 521, 6, 2),
        ];
        let mut glyphs = pieces.to_vec();
        glyphs.push(Rect::new(654, 514, 11, 10));
        let read = |t: &str, x: i32, w: i32| {
            vec![OcrWord {
                text: t.into(),
                rect: Rect::new(x, 514, w, 10),
                confidence: 0.96,
                alternatives: vec![],
            }]
        };
        assert!(misses_ink(&read("29", 654, 11), &glyphs));
        // must not: the whole number read, or 29 beside a speck
        assert!(!misses_ink(&read("529", 643, 22), &glyphs));
        let speck = [Rect::new(646, 517, 3, 3), Rect::new(654, 514, 11, 10)];
        assert!(!misses_ink(&read("29", 654, 11), &speck));
    }

    #[test]
    fn page_text_reads_first_page_by_default() {
        let d = PageText::default();
        assert!(d.reads(1) && !d.reads(2));
        assert!(PageText::All.reads(7) && !PageText::None.reads(1));
        for p in [PageText::None, PageText::FirstPage, PageText::All] {
            assert_eq!(p.as_str().parse::<PageText>(), Ok(p));
        }
        assert!("everything".parse::<PageText>().is_err());
    }

    use super::*;

    #[test]
    fn a_stroke_leaning_right_is_a_slash() {
        use super::leans_right;
        // slashes at 120 dpi, blurred: ink at the top right and the bottom left
        assert!(leans_right([0, 5], [5, 0]));
        assert!(leans_right([0, 4], [4, 2]));
        assert!(leans_right([1, 4], [4, 0]));
        // a 1 (flag at the top left, foot across the bottom), an upright stem, a stroke
        // leaning left, a 7 (bar across the top)
        assert!(!leans_right([8, 3], [8, 8]));
        assert!(!leans_right([3, 3], [3, 3]));
        assert!(!leans_right([5, 0], [0, 5]));
        assert!(!leans_right([6, 7], [5, 1]));
    }

    #[test]
    fn faint_print_left_as_specks_is_looked_at_in_the_faint_image() {
        let dpi = 110.0;
        let dash_h = (dpi * DASH_MAX_HEIGHT).round() as i32;
        // 2687.66 at 110 dpi: seven specks at the text threshold, the 2 whole in the faint
        // image (the other digits touch there)
        let specks = [
            Rect::new(568, 516, 4, 2),
            Rect::new(581, 518, 8, 6),
            Rect::new(553, 519, 3, 5),
            Rect::new(561, 519, 5, 5),
            Rect::new(547, 523, 5, 2),
        ];
        let two = Rect::new(546, 516, 6, 9);
        let seen = faint_look(&specks, vec![two], dash_h, dpi).expect("fires");
        assert_eq!(seen.len(), specks.len() + 1);
        // must not: noise specks with no faint glyph over them, or one too low for print
        assert_eq!(faint_look(&specks, vec![], dash_h, dpi), None);
        let low = Rect::new(546, 518, 5, 5);
        assert_eq!(faint_look(&specks, vec![low], dash_h, dpi), None);
        // a label's CJK glyph (三 at 100 dpi: three strokes at the text threshold)
        let strokes = [
            Rect::new(128, 372, 9, 3),
            Rect::new(128, 377, 8, 3),
            Rect::new(126, 381, 11, 4),
        ];
        let glyph = Rect::new(125, 372, 13, 13);
        assert_eq!(faint_look(&strokes, vec![glyph], dash_h, 100.0), None);
        // a faint glyph elsewhere in the cell, over no speck
        let apart = Rect::new(620, 516, 6, 9);
        assert_eq!(faint_look(&specks, vec![apart], dash_h, dpi), None);
        // print at the text threshold is read as it is
        let digits = [Rect::new(546, 516, 6, 9), Rect::new(554, 516, 6, 9)];
        assert_eq!(faint_look(&digits, vec![two], dash_h, dpi), None);
        // the older looks: a blank cell takes any faint glyph, a dash one holding it
        assert_eq!(faint_look(&[], vec![two], dash_h, dpi), Some(vec![two]));
        let dash = [Rect::new(546, 523, 6, 2)];
        assert_eq!(faint_look(&dash, vec![two], dash_h, dpi), Some(vec![two]));
    }

    #[test]
    fn a_dash_beside_faint_print_is_in_doubt_faint_beside_dash() {
        // 27 at 150 dpi, so pale that only the 7's top bar passed the text threshold: in the
        // faint image the 2 and the 7 are one piece of print height
        let min_h = (150.0 * FAINT_GLYPH_MIN).round() as i32;
        let bar = Rect::new(711, 521, 9, 3);
        let print = Rect::new(699, 520, 22, 15);
        assert!(faint_beside_dash(&bar, &[print], min_h));
        // must not: a dash on clean paper (the faint image holds it alone, a little thicker),
        // a ruling's hairline remnant
        assert!(!faint_beside_dash(&bar, &[], min_h));
        let thicker = Rect::new(710, 520, 11, 5);
        assert!(!faint_beside_dash(&bar, &[thicker], min_h));
        let hairline = Rect::new(730, 505, 1, 30);
        assert!(!faint_beside_dash(&bar, &[hairline], min_h));
    }

    #[test]
    fn a_slash_steps_down_and_a_serif_one_does_not() {
        // a slash 5 px wide: its thirds' ink per column, top to bottom
        let slash = [[0, 0, 1, 3, 4], [0, 2, 4, 2, 0], [4, 3, 1, 0, 0]];
        let c: Vec<f32> = slash.iter().map(|b| ink_centre(b).unwrap()).collect();
        assert!(steps_down(c[0], c[1], c[2]));
        // a blurred slash 4 px wide at 100 dpi
        let narrow = [[0, 1, 3, 3], [1, 3, 3, 1], [3, 3, 1, 0]];
        let c: Vec<f32> = narrow.iter().map(|b| ink_centre(b).unwrap()).collect();
        assert!(steps_down(c[0], c[1], c[2]));
        // a serif 1 at 180 dpi whose halves lean right (2 4 | 6 3): flag, stem, foot
        let one = [[0, 2, 3, 4, 0], [0, 1, 4, 3, 0], [2, 5, 5, 2, 1]];
        let c: Vec<f32> = one.iter().map(|b| ink_centre(b).unwrap()).collect();
        assert!(!steps_down(c[0], c[1], c[2]));
        // an upright stem
        assert!(!steps_down(2.0, 2.0, 2.0));
        assert_eq!(ink_centre(&[0, 0, 0]), None);
    }

    #[test]
    fn an_upright_stroke_touching_a_cell_side_is_a_ruling_remnant() {
        let inner = Rect::new(100, 50, 60, 30);
        // a bar along the right side, and one along the left
        assert!(edge_stroke(&Rect::new(157, 55, 3, 20), &inner));
        assert!(edge_stroke(&Rect::new(100, 52, 2, 12), &inner));
        // a 1 in the middle of the cell, or a 1 one pixel clear of the side: glyphs
        assert!(!edge_stroke(&Rect::new(128, 55, 3, 20), &inner));
        assert!(!edge_stroke(&Rect::new(155, 55, 3, 20), &inner));
        // a glyph wider than a stroke touching the side (a 0 pressed against it)
        assert!(!edge_stroke(&Rect::new(150, 55, 10, 20), &inner));
    }

    #[test]
    fn numeric_text() {
        for ok in ["0", "12", "1,234", "205.2", "/", "—", "-"] {
            assert!(is_numeric_text(ok), "{ok}");
        }
        for bad in ["", "1.2.3", ",1", "12,", "a1", "申请", "1-2"] {
            assert!(!is_numeric_text(bad), "{bad}");
        }
    }

    #[test]
    fn lines_are_counted() {
        let one = [Rect::new(0, 10, 5, 20), Rect::new(8, 12, 5, 17)];
        assert_eq!(line_count(&one), 1);
        let two = [Rect::new(0, 10, 5, 20), Rect::new(0, 40, 5, 20)];
        assert_eq!(line_count(&two), 2);
        // a faint 12 whose 2 fell apart: the 2's base stroke lies in the line's band
        let twelve = [
            Rect::new(562, 1448, 3, 12),
            Rect::new(570, 1448, 4, 8),
            Rect::new(568, 1457, 6, 2),
        ];
        assert_eq!(line_count(&twelve), 1);
        // a faint 67: the 7's bar above the tops of the other pieces
        let sixty_seven = [
            Rect::new(550, 617, 6, 3),
            Rect::new(542, 619, 4, 9),
            Rect::new(546, 621, 3, 7),
            Rect::new(552, 622, 3, 7),
        ];
        assert_eq!(line_count(&sixty_seven), 1);
        // a short second line (一) below a line of glyphs is still a line
        let label = [
            Rect::new(0, 10, 18, 19),
            Rect::new(20, 10, 18, 19),
            Rect::new(0, 40, 18, 3),
        ];
        assert_eq!(line_count(&label), 2);
    }
}

//! One input file through every stage: producer -> pages -> (text repair) -> tables ->
//! (grid repair) -> template -> (number repair) -> checks -> doubt flags (`verify`).
//! Never panics outward and never fails a batch: whatever happens becomes the report's status.

use crate::checks::{self, Check, CheckStatus};
use crate::model::{Page, PageKind};
use crate::pdf;
use crate::produce::{self, Produced};
use crate::repair::{self, Repair};
use crate::schema;
use crate::table::{self, Table, Tolerances};
use crate::template::{self, MappedCell, Mapping};
use crate::text;
use crate::verify;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Instant;

/// Bump when a change to the pipeline changes its output (reconverts archives).
pub const PIPELINE_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+p64");

// The version a stored result is keyed by (pipeline version + result settings): `settings::Settings::version`.

/// An OCR producer as the pipeline sees it: pages of a PDF without a usable text layer, and
/// image files.  Implemented by the tesseract producer; tests may use a null one.
pub trait PageOcr: Sync {
    /// OCR page `number` (1-based) of the PDF in `bytes`.
    fn pdf_page(&self, bytes: &[u8], number: u32) -> anyhow::Result<Page>;
    /// The words outside the tables of page `number`, for a producer that (to save time) did
    /// not read them all the first time; none by default.
    fn pdf_page_text(
        &self,
        _bytes: &[u8],
        _number: u32,
    ) -> anyhow::Result<Vec<crate::model::Word>> {
        Ok(Vec::new())
    }
    /// OCR every page of an image file.
    fn image_file(&self, bytes: &[u8], path: &Path) -> anyhow::Result<Vec<Page>>;
    /// Page `number` of the PDF read without a grid: every token of print a cell, no rulings
    /// (`ocr::Layout::Tokens`), for the table stage to align.  None from a producer that
    /// cannot.
    fn pdf_page_tokens(&self, _bytes: &[u8], _number: u32) -> anyhow::Result<Option<Page>> {
        Ok(None)
    }
    /// Every page of an image file read without a grid (see [`PageOcr::pdf_page_tokens`]).
    fn image_file_tokens(&self, _bytes: &[u8], _path: &Path) -> anyhow::Result<Option<Vec<Page>>> {
        Ok(None)
    }
}

/// Options of one conversion.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub ocr: Option<&'a dyn PageOcr>,
    pub tolerances: Tolerances,
    /// Run the repair stage (off only to measure what it does).
    pub repair: repair::Mode,
}

/// Everything one input produces; serialisable so that worker processes can hand it over.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ReportResult {
    pub report: ReportRow,
    pub cells: Vec<CellRow>,
    pub checks: Vec<CheckRow>,
    pub tables: Vec<Vec<Vec<String>>>,
    pub text: String,
    /// Every value or text the repair stage changed (repairs.csv).
    pub repairs: Vec<RepairRow>,
    /// Where each of `tables` was found (tables/index.csv), same order.
    #[serde(default)]
    pub table_info: Vec<TableInfo>,
}

/// Where a table of `ReportResult::tables` was found, and which template table it holds.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct TableInfo {
    pub page: u32,
    /// `x0 y0 x1 y1` in points from the page's top-left corner.
    pub bbox: String,
    /// The template table most of whose mapped cells lie in it (`requests`), if any.
    pub template: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct RepairRow {
    pub report_id: String,
    pub source_file: String,
    /// `table/row/col` for a cell, `text:<offset>` for narrative text, `agency` for the title.
    pub location: String,
    pub raw: String,
    pub repaired: String,
    pub reason: String,
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ReportRow {
    pub report_id: String,
    pub source_file: String,
    pub sha256: String,
    pub bytes: u64,
    pub pages: u32,
    pub kind: String,
    pub format: String,
    pub agency: String,
    /// The agency's identity (`wide::annotate_report`, filled when the CSVs are written).
    #[serde(default)]
    pub agency_canonical: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub division_code: String,
    #[serde(default)]
    pub level: String,
    /// Why the identity is empty or incomplete (`identity::Doubt::note`).
    #[serde(default)]
    pub identity: String,
    pub year: String,
    pub status: String,
    pub error: String,
    pub cells: u32,
    pub flagged: u32,
    pub checks_failed: u32,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct CellRow {
    pub report_id: String,
    pub source_file: String,
    pub table: String,
    pub row: String,
    pub col: String,
    pub value: String,
    pub raw: String,
    pub row_label: String,
    pub col_label: String,
    /// The template's own labels (`wide::annotate`, filled when the CSVs are written).
    #[serde(default)]
    pub template_row_label: String,
    #[serde(default)]
    pub template_col_label: String,
    pub page: String,
    pub bbox: String,
    pub method: String,
    pub confidence: String,
    pub flags: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct CheckRow {
    pub report_id: String,
    pub source_file: String,
    pub table: String,
    pub check: String,
    pub subject: String,
    pub expected: String,
    pub actual: String,
    pub status: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Report id: the first 16 hex digits of the content hash (stable across names and runs).
pub fn report_id(sha: &str) -> String {
    sha[..16.min(sha.len())].to_string()
}

/// What kind of input a path is (the producers' [`Form`](crate::produce::Form)).
pub use crate::produce::Form as InputKind;

/// The form a path's extension announces (the router also looks at the content).
pub fn input_kind(path: &Path) -> Option<InputKind> {
    InputKind::from_extension(path)
}

/// Convert one file.  `shown` is the path as the user gave it (reports.csv's source_file).
pub fn convert_file(path: &Path, shown: &str, opts: &Options) -> ReportResult {
    let start = Instant::now();
    let mut res = match std::fs::read(path) {
        Ok(bytes) => convert_bytes_caught(&bytes, path, shown, opts),
        Err(e) => failed(shown, "", 0, format!("cannot read the file: {e}")),
    };
    res.report.seconds = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    res
}

/// Status of a report-like file of a kind not read yet (`inputs::NotReadYet`).
pub const SKIPPED: &str = "skipped";

/// The row of a report-like file of a kind not read yet: status `skipped`, `error` says what to do.
pub fn skipped_result(shown: &str, sha: &str, bytes: u64, advice: String) -> ReportResult {
    let mut r = failed(shown, sha, bytes, advice);
    r.report.status = SKIPPED.into();
    r
}

/// A failed result for `shown` (used by the supervisor when a worker dies or times out).
pub fn failed_result(shown: &str, sha: &str, bytes: u64, error: String) -> ReportResult {
    failed(shown, sha, bytes, error)
}

/// The document entry point on bytes already read (`path` gives the kind by its extension):
/// panics become a failed result.  Used by `convert_file` and by the fuzz target.
pub fn convert_bytes_caught(
    bytes: &[u8],
    path: &Path,
    shown: &str,
    opts: &Options,
) -> ReportResult {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        convert_bytes(bytes, path, shown, opts)
    }));
    match r {
        Ok(r) => r,
        Err(p) => {
            let sha = sha256_hex(bytes);
            failed(
                shown,
                &sha,
                bytes.len() as u64,
                format!(
                    "internal error (panic: {}); please report this file",
                    pdf::panic_message(&p)
                ),
            )
        }
    }
}

fn failed(shown: &str, sha: &str, bytes: u64, error: String) -> ReportResult {
    ReportResult {
        report: ReportRow {
            report_id: report_id(sha),
            source_file: shown.to_string(),
            sha256: sha.to_string(),
            bytes,
            kind: String::new(),
            format: "unknown".into(),
            status: "failed".into(),
            error,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn convert_bytes(bytes: &[u8], path: &Path, shown: &str, opts: &Options) -> ReportResult {
    let sha = sha256_hex(bytes);
    if input_kind(path).is_none()
        && let Some(f) = crate::inputs::NotReadYet::of(path)
    {
        return skipped_result(shown, &sha, bytes.len() as u64, f.advice(path));
    }
    let (form, produced) = match produce::produce(bytes, path, opts.ocr) {
        Ok(p) => p,
        Err(e) => return failed(shown, &sha, bytes.len() as u64, e),
    };
    let second_look = match opts.ocr {
        Some(ocr) if form == InputKind::Pdf && produced.ocr_pages.iter().any(|&n| n > 1) => Some((
            ocr,
            produced.pages.clone(),
            produced.errors.clone(),
            produced.ocr_pages.clone(),
        )),
        _ => None,
    };
    // pages OCR read, for the look by tokens
    let scanned: Vec<u32> = match form {
        InputKind::Image => produced.pages.iter().map(|p| p.number).collect(),
        InputKind::Pdf => produced.ocr_pages.clone(),
        _ => Vec::new(),
    };
    let token_look = match opts.ocr {
        Some(ocr) if !scanned.is_empty() => Some(TokenLook {
            ocr,
            pages: produced.pages.clone(),
            errors: produced.errors.clone(),
            scanned,
            image: form == InputKind::Image,
        }),
        _ => None,
    };
    let first = text_look(bytes, produced, second_look, opts);
    let reading = match token_look {
        Some(look) if worth_a_second_look(&first.mapping) => look.run(bytes, path, first, opts),
        _ => first,
    };
    report_reading(reading, form, &sha, bytes.len() as u64, shown, opts)
}

/// Rule `titled_scan`: a scanned report (`kind` scanned or mixed) whose title names its year
/// is a report in the format issued for that year even where none of its tables could be
/// read (print too small or blurred for labels and headers alike), when that is the format
/// its tables were mapped with (`format`, the default where they decided nothing): its cells
/// come out, each not found and flagged, never guessed, and the report says why.  A text
/// layer or a web page read whole that holds no template table has none (an agency's own
/// tables are not forced onto the template), nor has a report older than the first format.
fn titled_scan(kind: &str, year: Option<u32>, format: &str) -> bool {
    matches!(kind, "scanned" | "mixed")
        && year
            .and_then(schema::format_for_year)
            .is_some_and(|s| s.format == format)
}

/// Share of a template table's cells that must be found for the first look to be enough.
const FOUND_ENOUGH: f64 = 0.9;

/// Cells per template table of a mapping: (all, found).  Empty when it holds no template table.
fn table_counts(m: &Mapping) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut tables: std::collections::BTreeMap<String, (usize, usize)> =
        std::collections::BTreeMap::new();
    if !m.is_template() {
        return tables;
    }
    for c in &m.cells {
        let e = tables.entry(c.table.clone()).or_default();
        e.0 += 1;
        if !not_found(c) {
            e.1 += 1;
        }
    }
    tables
}

fn not_found(c: &MappedCell) -> bool {
    c.flags.contains(&crate::flag::Flag::NotFound)
}

/// Whether a reading found no template table, or under [`FOUND_ENOUGH`] of some template
/// table's cells: the look by tokens may find more.
fn tables_short(m: &Mapping) -> bool {
    let counts = table_counts(m);
    counts.is_empty()
        || counts
            .values()
            .any(|&(n, found)| (found as f64) < FOUND_ENOUGH * n as f64)
}

/// Rule `failed_checks_look_again`: failed checks over the first look's template tables,
/// each over a doubtful reading ([`DOUBTFUL_READING`]), at which the look by tokens runs
/// although every table was found: a grid that gave a row's cells from the wrong columns or
/// rows (lost rulings, a false line) reads complete all the same, and the other look's rows
/// whose own sums hold replace such rows ([`merge_readings`]).  One failed check is most
/// often one misread digit, which the other look rarely mends.
const FAILED_CHECKS_LOOK: usize = 2;

/// Rule `failed_checks_look_again`: a failed check counts when one of its cells was read at
/// a confidence under this.  A report's own arithmetic mistake fails its checks over sure
/// readings (the benchmark's dev scans whose source sums disagree: five failed checks, four
/// whose least sure cell was read at 0.72-0.90, one over a 0 at 0.0: one check, under
/// [`FAILED_CHECKS_LOOK`]), and a second look there only costs (it re-reads every scanned
/// page, more than the first look did); rows a grid took from the wrong columns failed over
/// readings of 0.0-0.61 on two spent sets (one document's two at 0.60, the margin).
const DOUBTFUL_READING: f32 = 0.7;

/// Whether a failed check reads a cell found at a confidence under [`DOUBTFUL_READING`].
fn over_a_doubtful_reading(m: &Mapping, c: &Check) -> bool {
    c.cells.iter().any(|id| {
        m.get(&id.table, &id.row, &id.col)
            .is_some_and(|x| !not_found(x) && x.confidence < DOUBTFUL_READING)
    })
}

/// Whether the first look leaves the look by tokens something to find: a table short of its
/// cells ([`tables_short`]) or [`FAILED_CHECKS_LOOK`] failed checks over doubtful readings.
fn worth_a_second_look(m: &Mapping) -> bool {
    tables_short(m)
        || checks::evaluate(m)
            .iter()
            .filter(|c| c.status() == CheckStatus::Fail && over_a_doubtful_reading(m, c))
            .count()
            >= FAILED_CHECKS_LOOK
}

/// The second look at the pages OCR read, by tokens of print (`ocr::Layout::Tokens`): a
/// page whose rulings gave no template table, or part of one, may hold it all the same, its
/// grid too faint, erased or combed by shading to be found.  Every such page is read again
/// without a grid, the report converted again, and each template table taken from the
/// conversion that found more of its cells ([`merge_readings`]).  Cells placed by the second
/// look are flagged `layout_from_text_alignment`.
struct TokenLook<'a> {
    ocr: &'a dyn PageOcr,
    pages: Vec<Page>,
    errors: Vec<String>,
    /// Pages (1-based) OCR read.
    scanned: Vec<u32>,
    image: bool,
}

impl TokenLook<'_> {
    fn run(self, bytes: &[u8], path: &Path, first: Reading, opts: &Options) -> Reading {
        let read: Vec<Page> = if self.image {
            match self.ocr.image_file_tokens(bytes, path) {
                Ok(Some(p)) => p,
                _ => return first,
            }
        } else {
            self.scanned
                .iter()
                .filter_map(|&n| self.ocr.pdf_page_tokens(bytes, n).ok().flatten())
                .collect()
        };
        let mut pages = self.pages;
        let mut replaced = false;
        for p in read {
            if let Some(q) = pages.iter_mut().find(|q| q.number == p.number) {
                *q = p;
                replaced = true;
            }
        }
        if !replaced {
            return first;
        }
        merge_readings(first, read_pages(pages, self.errors, opts))
    }
}

/// Two looks at the same pages, merged table by table.  Each template table comes from the
/// look that found more of its cells (the *base*), with its found tables and repairs.  Where
/// the other look read the table in the same format:
/// - a row whose own checks (the sums within the row) fail or cannot be evaluated in the base
///   and all pass in the other look, which read every cell of it, is the other look's
///   ([`row_holds`]): two independent readings, and the arithmetic says which one is right
///   (measured: keeping a base row that cannot be evaluated, or refusing the other look's rows
///   of zeros, each lost more cells than it saved);
/// - a cell the base left empty comes from the other look where that one read it (a row the
///   grid lost that the alignment found, or the other way round).
///
/// Cells keep their own look's flags (the look by tokens flags every cell it placed); the
/// checks and verify then run over the merged table ([`report_reading`]).  A look without
/// template tables gives way to the other.
fn merge_readings(first: Reading, mut second: Reading) -> Reading {
    header_seen_by_either_look(&first.mapping, &mut second.mapping);
    if !second.mapping.is_template() {
        return first;
    }
    if !first.mapping.is_template() {
        return second;
    }
    let (ca, cb) = (
        checks::evaluate(&first.mapping),
        checks::evaluate(&second.mapping),
    );
    let (na, nb) = (table_counts(&first.mapping), table_counts(&second.mapping));
    let mut out = Mapping {
        format: first.mapping.format.clone(),
        notes: first.mapping.notes.clone(),
        ..Mapping::default()
    };
    let mut taken: Vec<String> = Vec::new();
    for (ti, def) in schema::schema().tables().into_iter().enumerate() {
        let key = def.key.as_str();
        let found =
            |n: &std::collections::BTreeMap<String, (usize, usize)>| n.get(key).map_or(0, |x| x.1);
        let take = found(&nb) > found(&na);
        let passing = |c: &[Check]| {
            c.iter()
                .filter(|c| c.table == key && c.status() == CheckStatus::Pass)
                .count()
        };
        tracing::debug!(
            "merge {key}: first look found {} cells ({} checks pass), second {} ({}): {}",
            found(&na),
            passing(&ca),
            found(&nb),
            passing(&cb),
            if take { "second" } else { "first" }
        );
        let (base, base_checks, other, other_checks) = if take {
            taken.push(key.to_string());
            (&second.mapping, &cb, &first.mapping, &ca)
        } else {
            (&first.mapping, &ca, &second.mapping, &cb)
        };
        let format = |m: &Mapping| m.formats.get(ti).cloned().unwrap_or_default();
        let mut cells: Vec<MappedCell> = base
            .cells
            .iter()
            .filter(|c| c.table == key)
            .cloned()
            .collect();
        if format(base) == format(other) {
            let mut rows: Vec<String> = Vec::new();
            for c in &cells {
                if !rows.contains(&c.row) {
                    rows.push(c.row.clone());
                }
            }
            for row in &rows {
                let complete = other
                    .cells
                    .iter()
                    .filter(|c| c.table == key && c.row == *row)
                    .all(|c| !not_found(c) && c.value.is_some());
                if complete
                    && !row_holds(base_checks, key, row)
                    && row_holds(other_checks, key, row)
                {
                    for c in cells.iter_mut().filter(|c| c.row == *row) {
                        if let Some(o) = other.get(key, row, &c.col) {
                            *c = o.clone();
                        }
                    }
                }
            }
            for c in cells.iter_mut().filter(|c| not_found(c)) {
                if let Some(o) = other.get(key, &c.row, &c.col)
                    && !not_found(o)
                    && o.value.is_some()
                    && o.method != template::Method::Derived
                {
                    *c = o.clone();
                }
            }
        }
        out.read += template::count_read(&cells);
        out.found[ti] = base.found[ti] || cells.iter().any(|c| c.page.is_some());
        out.header_hits[ti] = base.header_hits[ti];
        out.formats.push(format(base));
        out.cells.extend(cells);
    }
    let is_taken = |r: &Reading, t: &Table| taken.contains(&table_info(t, &r.mapping).template);
    let keep_first: Vec<bool> = first.tables.iter().map(|t| !is_taken(&first, t)).collect();
    let keep_second: Vec<bool> = second.tables.iter().map(|t| is_taken(&second, t)).collect();
    let mut tables: Vec<Table> = first
        .tables
        .into_iter()
        .zip(keep_first)
        .filter_map(|(t, k)| k.then_some(t))
        .chain(
            second
                .tables
                .into_iter()
                .zip(keep_second)
                .filter_map(|(t, k)| k.then_some(t)),
        )
        .collect();
    document_order(&mut tables);
    let repair_table = |r: &Repair| r.location.split('/').next().unwrap_or("").to_string();
    let mut repairs: Vec<Repair> = first
        .repairs
        .into_iter()
        .filter(|r| !taken.contains(&repair_table(r)))
        .collect();
    repairs.extend(
        second
            .repairs
            .into_iter()
            .filter(|r| taken.contains(&repair_table(r))),
    );
    Reading {
        pages: first.pages,
        tables,
        mapping: out,
        repairs,
        errors: first.errors,
        title_as_read: first.title_as_read,
    }
}

/// Rule `header_seen_by_either_look`: the header cells the first look recognised count for the
/// second look's reading of the same pages too.  The look by tokens reads a table's values
/// where the grid lost them, but not always its header (leaf words printed a glyph a line
/// stand on lines of their own, no row of them reads like a header), so a table that is the
/// document's only one (an image of the appeals table) had its header in one reading and its
/// values in the other, and neither held the template ([`Mapping::is_template`]).
fn header_seen_by_either_look(first: &Mapping, second: &mut Mapping) {
    for (s, f) in second.header_hits.iter_mut().zip(first.header_hits) {
        *s = (*s).max(f);
    }
}

/// Tables in document order: page, then top to bottom (the sort is stable).
fn document_order(tables: &mut [Table]) {
    tables.sort_by(|a, b| a.page.cmp(&b.page).then(a.bbox.y0.total_cmp(&b.bbox.y0)));
}

/// Whether the checks within one row (every cell of the check in `row` of `table`: its total
/// and its parts) all pass, and there is at least one.
fn row_holds(checks: &[Check], table: &str, row: &str) -> bool {
    let mut within = checks
        .iter()
        .filter(|c| c.table == table && c.cells.iter().all(|id| id.row == row))
        .peekable();
    within.peek().is_some() && within.all(|c| c.status() == checks::CheckStatus::Pass)
}

/// A report's counts from its cells and checks: cells with a value, flagged cells, failed
/// checks.
fn report_counts(cells: &[CellRow], checks: &[CheckRow]) -> (u32, u32, u32) {
    (
        cells.iter().filter(|c| !c.value.is_empty()).count() as u32,
        cells.iter().filter(|c| !c.flags.is_empty()).count() as u32,
        checks.iter().filter(|c| c.status == "fail").count() as u32,
    )
}

/// The reading, with the second look at the text outside the tables of a PDF's OCR'd pages
/// when a template table was not found.
fn text_look(
    bytes: &[u8],
    produced: Produced,
    second_look: Option<(&dyn PageOcr, Vec<Page>, Vec<String>, Vec<u32>)>,
    opts: &Options,
) -> Reading {
    let result = read_produced(produced, opts);
    // OCR reads only the first page's prose by default.  When a whole template table was not
    // found, it may be printed without rulings (no grid: only the page text holds it): read the
    // text of the other OCR'd pages too and read again.
    let Some((ocr, mut pages, errors, ocr_pages)) = second_look else {
        return result;
    };
    if !template_table_missing(&result.mapping) {
        return result;
    }
    let mut added = false;
    for n in ocr_pages.into_iter().filter(|&n| n > 1) {
        if let (Ok(words), Some(p)) = (
            ocr.pdf_page_text(bytes, n),
            pages.iter_mut().find(|p| p.number == n),
        ) {
            added |= !words.is_empty();
            p.words.extend(words);
        }
    }
    if !added {
        return result;
    }
    let again = read_pages(pages, errors, opts);
    let found = |m: &Mapping| table_counts(m).values().map(|x| x.1).sum::<usize>();
    if found(&again.mapping) >= found(&result.mapping) {
        again
    } else {
        result
    }
}

/// True when every cell of some template table is `not_found`.
fn template_table_missing(m: &Mapping) -> bool {
    table_counts(m)
        .values()
        .any(|&(n, found)| n > 0 && found == 0)
}

/// The stages after the producers, shared by every input kind, on pages alone (the lattice
/// finder reads every page's tables).
pub fn convert_pages(
    pages: Vec<Page>,
    page_errors: Vec<String>,
    sha: &str,
    n_bytes: u64,
    shown: &str,
    is_image: bool,
    opts: &Options,
) -> ReportResult {
    let form = if is_image {
        InputKind::Image
    } else {
        InputKind::Pdf
    };
    report_reading(
        read_pages(pages, page_errors, opts),
        form,
        sha,
        n_bytes,
        shown,
        opts,
    )
}

/// The reading stages on pages alone (every page's tables from the lattice finder).
fn read_pages(pages: Vec<Page>, errors: Vec<String>, opts: &Options) -> Reading {
    read_produced(
        Produced {
            pages,
            errors,
            ..Default::default()
        },
        opts,
    )
}

/// What the reading stages made of a document's pages: its tables and their mapping onto
/// the template (repaired), before the checks.  Two looks at the same pages are merged at this
/// stage ([`merge_readings`]), so that the checks and verify run once, over the values that
/// are reported.
pub struct Reading {
    pub pages: Vec<Page>,
    pub tables: Vec<Table>,
    pub mapping: Mapping,
    pub repairs: Vec<Repair>,
    /// Per-page problems (the report is then `partial`).
    pub errors: Vec<String>,
    /// The title's agency as read, before the text repair.
    title_as_read: Option<String>,
}

/// The stages after the producers on what a producer made: tables it read from markup are
/// taken as they are, the lattice finder reads the tables of the other pages.
pub fn convert_produced(
    produced: Produced,
    form: InputKind,
    sha: &str,
    n_bytes: u64,
    shown: &str,
    opts: &Options,
) -> ReportResult {
    report_reading(
        read_produced(produced, opts),
        form,
        sha,
        n_bytes,
        shown,
        opts,
    )
}

/// The reading stages: lexicon repair, tables (lattice, stream, markup), grid repair,
/// template mapping, number repairs.
pub fn read_produced(produced: Produced, opts: &Options) -> Reading {
    let Produced {
        mut pages,
        tables: markup_tables,
        errors,
        ..
    } = produced;
    let on = opts.repair == repair::Mode::On;
    let mut repairs: Vec<Repair> = Vec::new();
    // the title as read, to say so when the text repair changes the agency
    let title_as_read = if on {
        text::title_info(&pages.first().map(text::page_lines).unwrap_or_default()).0
    } else {
        None
    };
    if on {
        repairs.extend(repair::lexicon::repair_pages(&mut pages));
    }
    let mut tables: Vec<Table> = Vec::new();
    for p in pages
        .iter()
        .filter(|p| !markup_tables.iter().any(|t| t.page == p.number))
    {
        tables.extend(table::find_tables(p, &opts.tolerances));
    }
    if !markup_tables.is_empty() {
        tables.extend(markup_tables);
        document_order(&mut tables);
    }
    let mut grid_repairs = if on {
        repair::grid::repair_tables(&mut tables, &pages)
    } else {
        vec![]
    };
    let mut mapping: Mapping = template::map_document(&tables);
    if on {
        repair::resolve_grid(&mut grid_repairs, &mut mapping);
        repairs.extend(grid_repairs);
        repairs.extend(repair::numbers::repair_mapping(&mut mapping));
    }
    Reading {
        pages,
        tables,
        mapping,
        repairs,
        errors,
        title_as_read,
    }
}

/// The stages after reading: checks, verify, and the report's rows.
pub fn report_reading(
    reading: Reading,
    form: InputKind,
    sha: &str,
    n_bytes: u64,
    shown: &str,
    opts: &Options,
) -> ReportResult {
    let Reading {
        pages,
        tables,
        mut mapping,
        mut repairs,
        errors: page_errors,
        title_as_read,
    } = reading;
    let rid = report_id(sha);
    let on = opts.repair == repair::Mode::On;
    let checks = checks::evaluate(&mapping);
    checks::flag_failures(&mut mapping, &checks);
    verify::flag_doubts(
        &mut mapping,
        &checks,
        &verify::doubtful_pages(&pages),
        &verify::printed_numbers(&pages),
    );

    let mut text = String::new();
    for p in &pages {
        text.push_str(&format!("=== page {} ===\n", p.number));
        for l in text::page_lines(p) {
            text.push_str(&l);
            text.push('\n');
        }
    }
    let first_lines: Vec<String> = pages.first().map(text::page_lines).unwrap_or_default();
    let (mut agency, year) = text::title_info(&first_lines);
    if let (Some(read), Some(now)) = (&title_as_read, &agency)
        && read != now
    {
        let evidence = repairs
            .iter()
            .filter(|r| r.location.starts_with("text:1:"))
            .map(|r| format!("{} {}→{}", r.location, r.raw, r.repaired))
            .collect::<Vec<_>>()
            .join("; ");
        repairs.push(Repair {
            location: "agency".into(),
            raw: read.clone(),
            repaired: now.clone(),
            reason: "lexicon".into(),
            evidence: format!("the title's text was repaired: {evidence}"),
            cells: vec![],
        });
    }
    // an OCR'd title's agency: the spelling the document repeats most (a text layer is exact)
    if on
        && let Some(a) = &agency
        && pages.first().is_some_and(|p| p.kind == PageKind::Scanned)
    {
        let voted = text::agency_by_vote(a, &text);
        if &voted != a {
            repairs.push(Repair {
                location: "agency".into(),
                raw: a.clone(),
                repaired: voted.clone(),
                reason: "agency_vote".into(),
                evidence: format!("the document spells it {voted} more often than the title's {a}"),
                cells: vec![],
            });
            agency = Some(voted);
        }
    }

    let kind = if let Some(k) = form.kind() {
        k
    } else if !pages.is_empty() && pages.iter().all(|p| p.kind == PageKind::Text) {
        "text"
    } else {
        let scanned = pages.iter().filter(|p| p.kind == PageKind::Scanned).count();
        if scanned == 0 {
            "digital"
        } else if scanned == pages.len() {
            "scanned"
        } else {
            "mixed"
        }
    };
    let tables_found = mapping.is_template();
    let unread_titled = !tables_found && titled_scan(kind, year, &mapping.format);
    let is_template = tables_found || unread_titled;
    let cells: Vec<CellRow> = if is_template {
        mapping
            .cells
            .iter()
            .map(|c| cell_row(&rid, shown, c))
            .collect()
    } else {
        vec![]
    };
    let check_rows: Vec<CheckRow> = if is_template {
        checks.iter().map(|c| check_row(&rid, shown, c)).collect()
    } else {
        vec![]
    };
    let missing = cells.iter().filter(|c| c.value.is_empty()).count();
    let mut errors = page_errors;
    // the section headings of template tables that were not read: the tables are not in the text
    let unread: Vec<&str> = schema::schema()
        .tables()
        .iter()
        .map(|t| t.key.as_str())
        .filter(|k| {
            !mapping
                .cells
                .iter()
                .any(|c| c.table == *k && c.page.is_some())
        })
        .collect();
    let not_in_text = if unread.is_empty() {
        None
    } else {
        let ocr = matches!(kind, "scanned" | "mixed" | "image");
        produce::sections::tables_not_in_text(text.lines(), &unread, ocr)
    };
    if !is_template {
        errors.push(not_in_text.unwrap_or_else(|| {
            format!(
                "no {} tables found",
                schema::schemas()
                    .iter()
                    .map(|s| s.format.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        }));
    } else if missing > 0 {
        if unread_titled {
            errors.push(format!(
                "no {} table read: the title names a {} report, every cell left unread",
                mapping.format,
                year.map(|y| y.to_string()).unwrap_or_default()
            ));
        }
        errors.push(format!("{missing} template cells not found"));
        errors.extend(not_in_text);
    }
    if is_template {
        errors.extend(mapping.notes.iter().cloned());
    }
    let status = if !errors.is_empty() || !is_template {
        "partial"
    } else {
        "ok"
    };
    let (n_cells, flagged, checks_failed) = report_counts(&cells, &check_rows);
    let report = ReportRow {
        report_id: rid.clone(),
        source_file: shown.to_string(),
        sha256: sha.to_string(),
        bytes: n_bytes,
        pages: pages.len() as u32,
        kind: kind.into(),
        format: if is_template {
            mapping.format().into()
        } else {
            "unknown".into()
        },
        agency: agency.unwrap_or_default(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        status: status.into(),
        error: errors.join("; "),
        cells: n_cells,
        flagged,
        checks_failed,
        seconds: 0.0,
        ..Default::default()
    };
    let repairs = repairs
        .into_iter()
        .map(|r| RepairRow {
            report_id: rid.clone(),
            source_file: shown.to_string(),
            location: r.location,
            raw: r.raw,
            repaired: r.repaired,
            reason: r.reason,
            evidence: r.evidence,
        })
        .collect();
    let table_info = tables.iter().map(|t| table_info(t, &mapping)).collect();
    ReportResult {
        report,
        cells,
        checks: check_rows,
        tables: tables.iter().map(|t| t.grid_text()).collect(),
        text,
        repairs,
        table_info,
    }
}

/// Page, box and template table of a found table: the template table with the most mapped
/// cells whose centre lies inside it (none when no mapped cell does).
fn table_info(t: &Table, mapping: &Mapping) -> TableInfo {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for c in &mapping.cells {
        let (Some(p), Some(b)) = (c.page, c.bbox) else {
            continue;
        };
        let inside = p == t.page
            && (t.bbox.x0..=t.bbox.x1).contains(&b.cx())
            && (t.bbox.y0..=t.bbox.y1).contains(&b.cy());
        if inside && c.method != template::Method::Derived {
            match counts.iter_mut().find(|(k, _)| *k == c.table) {
                Some(e) => e.1 += 1,
                None => counts.push((c.table.as_str(), 1)),
            }
        }
    }
    let template = counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map(|(k, _)| k.to_string())
        .unwrap_or_default();
    TableInfo {
        page: t.page,
        bbox: t.bbox.to_string(),
        template,
    }
}

fn fmt_num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.fract() == 0.0 => format!("{}", x as i64),
        Some(x) => format!("{}", (x * 1e6).round() / 1e6),
        None => String::new(),
    }
}

fn cell_row(rid: &str, shown: &str, c: &MappedCell) -> CellRow {
    CellRow {
        report_id: rid.into(),
        source_file: shown.into(),
        table: c.table.clone(),
        row: c.row.clone(),
        col: c.col.clone(),
        value: c.value.clone().unwrap_or_default(),
        raw: c.raw.clone(),
        row_label: c.row_label.clone(),
        col_label: c.col_label.clone(),
        template_row_label: String::new(),
        template_col_label: String::new(),
        page: c.page.map(|p| p.to_string()).unwrap_or_default(),
        bbox: c.bbox.map(|b| b.to_string()).unwrap_or_default(),
        method: c.method.as_str().into(),
        confidence: format!("{:.2}", c.confidence),
        flags: crate::output::flags_field(&c.flags),
    }
}

/// A check as checks.csv prints it.
pub fn check_row(rid: &str, shown: &str, c: &Check) -> CheckRow {
    CheckRow {
        report_id: rid.into(),
        source_file: shown.into(),
        table: c.table.clone(),
        check: c.check.clone(),
        subject: c.subject.clone(),
        expected: fmt_num(c.expected),
        actual: fmt_num(c.actual),
        status: c.status().as_str().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::flag::Flag;
    use crate::template::Method;

    /// A template cell: read (`Some`) on page 1, or not found.
    fn mc(table: &str, row: &str, col: &str, value: Option<&str>, flags: &[Flag]) -> MappedCell {
        let mut flags = flags.to_vec();
        if value.is_none() {
            flags.push(Flag::NotFound);
        }
        MappedCell {
            table: table.into(),
            row: row.into(),
            col: col.into(),
            value: value.map(str::to_string),
            raw: value.unwrap_or("").into(),
            row_label: String::new(),
            col_label: String::new(),
            page: value.map(|_| 1),
            bbox: None,
            method: if value.is_some() {
                Method::Lattice
            } else {
                Method::Missing
            },
            confidence: 0.9,
            word_confidence: 0.9,
            alternatives: vec![],
            flags,
        }
    }

    /// A reading whose mapping holds `cells` (taken for a template document).
    fn reading(cells: Vec<MappedCell>) -> Reading {
        Reading {
            pages: vec![],
            tables: vec![],
            mapping: Mapping {
                cells,
                read: 20,
                formats: vec![String::new(); 3],
                ..Mapping::default()
            },
            repairs: vec![],
            errors: vec![],
            title_as_read: None,
        }
    }

    /// The seven requests cells of `row`: the six parts, then the total.
    fn req_row(
        row: &str,
        parts: [Option<&str>; 6],
        total: Option<&str>,
        flags: &[Flag],
    ) -> Vec<MappedCell> {
        let cols = crate::checks::REQUEST_COLS;
        parts
            .iter()
            .chain(std::iter::once(&total))
            .zip(cols)
            .map(|(v, c)| mc("requests", row, c, *v, flags))
            .collect()
    }

    /// The value of a requests cell of a merged reading.
    fn value_of<'a>(r: &'a Reading, row: &str, col: &str) -> Option<&'a str> {
        r.mapping.get("requests", row, col)?.value.as_deref()
    }

    /// (table, row, value) of every cell of a merged reading.
    fn table_row_values(r: &Reading) -> Vec<(&str, &str, &str)> {
        r.mapping
            .cells
            .iter()
            .map(|c| {
                (
                    c.table.as_str(),
                    c.row.as_str(),
                    c.value.as_deref().unwrap_or(""),
                )
            })
            .collect()
    }

    #[test]
    fn a_header_the_first_look_saw_counts_for_the_values_the_second_read() {
        // an image of the appeals table alone: the grid read its header (seven leaf cells),
        // the look by tokens ten values at the row's ends but no header
        let look = |hits: usize, values: bool| {
            let cells: Vec<MappedCell> = crate::schema::schema().appeals.rows[0]
                .cols
                .iter()
                .enumerate()
                .map(|(i, (c, _))| {
                    let v = (values && !(5..10).contains(&i)).then_some("1");
                    mc("appeals", "cases", c, v, &[])
                })
                .collect();
            let mut r = reading(cells);
            r.mapping.read = if values { 10 } else { 0 };
            r.mapping.header_hits = [0, 0, hits];
            r
        };
        // (neither holds the template alone)
        assert!(!look(7, false).mapping.is_template() && !look(0, true).mapping.is_template());
        // fires: the merged reading is the second look's, a template document
        let merged = merge_readings(look(7, false), look(0, true));
        assert!(merged.mapping.is_template());
        assert_eq!(merged.mapping.header_hits[2], 7);
        // must not: without a header seen by either look, no template
        let merged = merge_readings(look(0, false), look(0, true));
        assert!(!merged.mapping.is_template());
    }

    #[test]
    fn the_look_by_tokens_is_for_tables_mostly_not_found() {
        // no template output at all
        assert!(tables_short(&Mapping::default()));
        // every table at least 90% found: no second look
        let mut cells: Vec<MappedCell> = (0..10)
            .map(|k| mc("requests", &k.to_string(), "total", Some("1"), &[]))
            .collect();
        cells[0] = mc("requests", "0", "total", None, &[]);
        assert!(!tables_short(&reading(cells.clone()).mapping));
        // one table under 90%
        cells[1] = mc("requests", "1", "total", None, &[]);
        assert!(tables_short(&reading(cells).mapping));
    }

    /// Two requests rows whose totals disagree with their parts, their first cells read at
    /// `conf`.
    fn two_failing_rows(conf: f32) -> Vec<MappedCell> {
        let z = Some("0");
        let mut cells = req_row("new_received", [Some("1"), z, z, z, z, z], Some("5"), &[]);
        cells.extend(req_row(
            "carried_over",
            [Some("2"), z, z, z, z, z],
            Some("7"),
            &[],
        ));
        for c in cells.iter_mut().filter(|c| c.col == "natural_person") {
            c.confidence = conf;
        }
        cells
    }

    #[test]
    fn two_failed_checks_over_doubtful_readings_call_for_the_look_by_tokens() {
        let cells = two_failing_rows(0.4);
        assert!(!tables_short(&reading(cells.clone()).mapping));
        assert!(worth_a_second_look(&reading(cells).mapping));
    }

    #[test]
    fn failed_checks_over_sure_readings_are_the_reports_own_sums() {
        // the same two failing rows, every cell read surely: the report's own arithmetic
        assert!(!worth_a_second_look(
            &reading(two_failing_rows(0.9)).mapping
        ));
    }

    #[test]
    fn one_failed_check_or_none_leaves_a_found_reading_alone() {
        let z = Some("0");
        let doubtful = |mut cells: Vec<MappedCell>| {
            cells.iter_mut().for_each(|c| c.confidence = 0.4);
            cells
        };
        let mut cells = req_row("new_received", [Some("1"), z, z, z, z, z], Some("5"), &[]);
        cells.extend(req_row(
            "carried_over",
            [Some("2"), z, z, z, z, z],
            Some("2"),
            &[],
        ));
        assert!(!worth_a_second_look(&reading(doubtful(cells)).mapping));
        let mut cells = req_row("new_received", [Some("1"), z, z, z, z, z], Some("1"), &[]);
        cells.extend(req_row(
            "carried_over",
            [Some("2"), z, z, z, z, z],
            Some("2"),
            &[],
        ));
        assert!(!worth_a_second_look(&reading(doubtful(cells)).mapping));
    }

    #[test]
    fn merging_takes_each_table_from_the_look_that_found_more_of_it() {
        let t = Flag::LayoutFromTextAlignment;
        let first = reading(vec![
            mc("active", "a", "c", Some("5"), &[]),
            mc("active", "b", "c", Some("6"), &[]),
            mc("requests", "x", "total", None, &[]),
            mc("requests", "y", "total", Some("2"), &[]),
        ]);
        let second = reading(vec![
            mc("active", "a", "c", Some("7"), &[t.clone()]),
            mc("active", "b", "c", None, &[]),
            mc("requests", "x", "total", Some("1"), &[t.clone()]),
            mc("requests", "y", "total", Some("3"), &[t.clone()]),
        ]);
        let m = merge_readings(first, second);
        // active stays the first look's (it found both), requests is the second's
        assert_eq!(
            table_row_values(&m),
            vec![
                ("active", "a", "5"),
                ("active", "b", "6"),
                ("requests", "x", "1"),
                ("requests", "y", "3")
            ]
        );
        assert!(m.mapping.cells[2].flags.contains(&t));
        assert!(m.mapping.cells[0].flags.is_empty());
        // a look without template output changes nothing
        let first = reading(vec![mc("active", "a", "c", Some("5"), &[])]);
        let m = merge_readings(first, reading(vec![]).with_no_template());
        assert_eq!(table_row_values(&m), vec![("active", "a", "5")]);
    }

    #[test]
    fn a_cell_the_taken_look_left_empty_comes_from_the_other_look() {
        // requests: the second look found more (x, y) and is taken; its empty z comes from
        // the first look, which read it.  active: the first look is kept; its empty b comes
        // from the second, flagged as that look placed it.
        let t = Flag::LayoutFromTextAlignment;
        let first = reading(vec![
            mc("active", "a", "c", Some("5"), &[]),
            mc("active", "b", "c", None, &[]),
            mc("requests", "x", "total", None, &[]),
            mc("requests", "y", "total", None, &[]),
            mc("requests", "z", "total", Some("4"), &[]),
        ]);
        let second = reading(vec![
            mc("active", "a", "c", None, &[]),
            mc("active", "b", "c", Some("6"), &[t.clone()]),
            mc("requests", "x", "total", Some("1"), &[t.clone()]),
            mc("requests", "y", "total", Some("2"), &[t.clone()]),
            mc("requests", "z", "total", None, &[]),
        ]);
        let m = merge_readings(first, second);
        assert_eq!(
            table_row_values(&m),
            vec![
                ("active", "a", "5"),
                ("active", "b", "6"),
                ("requests", "x", "1"),
                ("requests", "y", "2"),
                ("requests", "z", "4")
            ]
        );
        assert!(m.mapping.cells[1].flags.contains(&t));
        // where it must not: a cell the taken look read keeps its value, whatever the other
        // look read there; nor does a table the looks read in two formats mix them
        let first = reading(vec![
            mc("active", "a", "c", Some("5"), &[]),
            mc("active", "b", "c", None, &[]),
        ]);
        let mut second = reading(vec![
            mc("active", "a", "c", Some("9"), &[t.clone()]),
            mc("active", "b", "c", Some("6"), &[t.clone()]),
        ]);
        second.mapping.cells[1].flags.clear();
        second.mapping.formats[0] = "other".into();
        second.mapping.cells[0].flags.push(Flag::NotFound);
        let m = merge_readings(first, second);
        assert_eq!(
            table_row_values(&m),
            vec![("active", "a", "5"), ("active", "b", "")]
        );
    }

    #[test]
    fn a_row_whose_sums_fail_comes_from_the_look_where_they_hold() {
        let z = Some("0");
        // the taken look (more cells) read new_received's total 5 over parts that sum to 1;
        // the other read the whole row, and its total holds
        let mut first = req_row("new_received", [Some("1"), z, z, z, z, z], Some("5"), &[]);
        first.extend(req_row("carried_over", [z, z, z, z, z, z], z, &[]));
        let t = Flag::LayoutFromTextAlignment;
        let mut second = req_row(
            "new_received",
            [Some("1"), z, z, z, z, z],
            Some("1"),
            &[t.clone()],
        );
        second.extend(req_row("carried_over", [None; 6], None, &[]));
        let m = merge_readings(reading(first.clone()), reading(second.clone()));
        let total = m.mapping.get("requests", "new_received", "total").unwrap();
        assert_eq!(total.value.as_deref(), Some("1"));
        assert!(total.flags.contains(&t));
        assert_eq!(value_of(&m, "carried_over", "total"), Some("0"));
        // where it must not: the taken look's row holds (its own reading stays) ...
        let mut held = first.clone();
        held[6] = mc("requests", "new_received", "total", Some("1"), &[]);
        held[0] = mc("requests", "new_received", "natural_person", Some("1"), &[]);
        let mut other = second.clone();
        other[0] = mc("requests", "new_received", "natural_person", Some("2"), &[]);
        other[6] = mc("requests", "new_received", "total", Some("2"), &[]);
        let m = merge_readings(reading(held), reading(other));
        assert_eq!(value_of(&m, "new_received", "total"), Some("1"));
        // ... nor where the other look did not read every cell of the row
        let mut partial = second.clone();
        partial[3] = mc("requests", "new_received", "social_welfare", None, &[]);
        let m = merge_readings(reading(first), reading(partial));
        assert_eq!(value_of(&m, "new_received", "total"), Some("5"));
    }

    #[test]
    fn a_table_is_missing_only_when_all_its_cells_are_not_found() {
        let r = reading(vec![
            mc("active", "a", "c", None, &[]),
            mc("active", "b", "c", Some("1"), &[Flag::LowConfidence]),
            mc("appeals", "cases", "x", Some("0"), &[]),
        ]);
        assert!(!template_table_missing(&r.mapping));
        let mut r = r;
        r.mapping.cells[1] = mc("active", "b", "c", None, &[]);
        assert!(template_table_missing(&r.mapping));
        assert!(!template_table_missing(&Mapping::default()));
    }

    impl Reading {
        /// The same reading, taken for no template document.
        fn with_no_template(mut self) -> Self {
            self.mapping.read = 0;
            self
        }
    }

    #[test]
    fn a_scan_titled_with_its_year_is_a_template_report_unread() {
        assert!(titled_scan("scanned", Some(2023), "annual-report-2021"));
        assert!(titled_scan("mixed", Some(2020), "annual-report-2019"));
        // must not: a text layer, no year, a year before the template, another year's format
        assert!(!titled_scan("digital", Some(2023), "annual-report-2021"));
        assert!(!titled_scan("scanned", None, "annual-report-2021"));
        assert!(!titled_scan("scanned", Some(2018), "annual-report-2021"));
        assert!(!titled_scan("scanned", Some(2020), "annual-report-2021"));
    }
}

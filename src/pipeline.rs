//! One input file through every stage: producer -> pages -> (text repair) -> tables ->
//! (grid repair) -> template -> (number repair) -> checks -> doubt flags (`verify`).
//! Never panics outward and never fails a batch: whatever happens becomes the report's status.

use crate::checks::{self, Check};
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
pub const PIPELINE_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+p14");

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
    let result = text_look(bytes, form, produced, second_look, &sha, shown, opts);
    match token_look {
        Some(look) if tables_short(&result) => look.run(bytes, path, result, &sha, shown, opts),
        _ => result,
    }
}

/// Share of a template table's cells that must be found for the first look to be enough.
const FOUND_ENOUGH: f64 = 0.9;

/// Cells per template table of a conversion: (all, found).
fn table_counts(r: &ReportResult) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut tables: std::collections::BTreeMap<String, (usize, usize)> =
        std::collections::BTreeMap::new();
    for c in &r.cells {
        let e = tables.entry(c.table.clone()).or_default();
        e.0 += 1;
        if !not_found(c) {
            e.1 += 1;
        }
    }
    tables
}

fn not_found(c: &CellRow) -> bool {
    crate::flag::Flag::parse_list(&c.flags).contains(&crate::flag::Flag::NotFound)
}

/// Whether a conversion found no template table, or under [`FOUND_ENOUGH`] of some template
/// table's cells: the look by tokens may find more.
fn tables_short(r: &ReportResult) -> bool {
    r.cells.is_empty()
        || table_counts(r)
            .values()
            .any(|&(n, found)| (found as f64) < FOUND_ENOUGH * n as f64)
}

/// The second look at the pages OCR read, by tokens of print (`ocr::Layout::Tokens`): a
/// page whose rulings gave no template table, or part of one, may hold it all the same, its
/// grid too faint, erased or combed by shading to be found.  Every such page is read again
/// without a grid, the report converted again, and each template table taken from the
/// conversion that found more of its cells ([`merge_tables`]).  Cells placed by the second
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
    fn run(
        self,
        bytes: &[u8],
        path: &Path,
        first: ReportResult,
        sha: &str,
        shown: &str,
        opts: &Options,
    ) -> ReportResult {
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
        let again = convert_pages(
            pages,
            self.errors,
            sha,
            bytes.len() as u64,
            shown,
            self.image,
            opts,
        );
        merge_tables(first, again)
    }
}

/// `first` with each template table that `second` found more cells of taken from `second`
/// (its cells, checks, repairs and found tables); the report's counts follow.  A conversion
/// without template tables takes all of `second`'s.
fn merge_tables(first: ReportResult, second: ReportResult) -> ReportResult {
    if second.cells.is_empty() {
        return first;
    }
    if first.cells.is_empty() {
        return second;
    }
    let (a, b) = (table_counts(&first), table_counts(&second));
    let take: Vec<String> = b
        .iter()
        .filter(|(k, (_, found))| *found > a.get(*k).map_or(0, |x| x.1))
        .map(|(k, _)| k.clone())
        .collect();
    let taken = |t: &str| take.iter().any(|k| k == t);
    // the cells of the look not taken for their table, that read a value
    let other: std::collections::HashMap<(String, String, String), CellRow> = first
        .cells
        .iter()
        .filter(|c| taken(&c.table))
        .chain(second.cells.iter().filter(|c| !taken(&c.table)))
        .filter(|c| !c.value.is_empty())
        .map(|c| ((c.table.clone(), c.row.clone(), c.col.clone()), c.clone()))
        .collect();
    // the tables keep the first conversion's order (the template's)
    let mut order: Vec<String> = Vec::new();
    for c in first.cells.iter().chain(&second.cells) {
        if !order.contains(&c.table) {
            order.push(c.table.clone());
        }
    }
    let mut out = first;
    out.cells.retain(|c| !taken(&c.table));
    out.cells
        .extend(second.cells.iter().filter(|c| taken(&c.table)).cloned());
    out.cells
        .sort_by_key(|c| order.iter().position(|t| *t == c.table));
    // A cell the taken look left empty comes from the other look where that one read it (a
    // row the grid lost that the alignment found, or the other way round).  It keeps its own
    // look's flags: the look by tokens flags every cell it placed.
    let mut filled = 0;
    for c in out.cells.iter_mut().filter(|c| c.value.is_empty()) {
        if let Some(o) = other.get(&(c.table.clone(), c.row.clone(), c.col.clone())) {
            *c = o.clone();
            filled += 1;
        }
    }
    if take.is_empty() && filled == 0 {
        return out;
    }
    out.checks.retain(|c| !taken(&c.table));
    out.checks
        .extend(second.checks.iter().filter(|c| taken(&c.table)).cloned());
    let repair_table = |r: &RepairRow| r.location.split('/').next().unwrap_or("").to_string();
    out.repairs.retain(|r| !taken(&repair_table(r)));
    out.repairs.extend(
        second
            .repairs
            .iter()
            .filter(|r| taken(&repair_table(r)))
            .cloned(),
    );
    let mut tables: Vec<(Vec<Vec<String>>, TableInfo)> = out
        .tables
        .drain(..)
        .zip(out.table_info.drain(..))
        .filter(|(_, i)| !taken(&i.template))
        .collect();
    tables.extend(
        second
            .tables
            .iter()
            .cloned()
            .zip(second.table_info.iter().cloned())
            .filter(|(_, i)| taken(&i.template)),
    );
    tables.sort_by_key(|(_, i)| i.page);
    (out.tables, out.table_info) = tables.into_iter().unzip();
    // the report's counts and its missing-cells note
    let missing = out.cells.iter().filter(|c| c.value.is_empty()).count();
    let mut errors: Vec<String> = out
        .report
        .error
        .split("; ")
        .filter(|e| !e.is_empty() && !e.ends_with("template cells not found"))
        .map(str::to_string)
        .collect();
    if missing > 0 {
        errors.insert(0, format!("{missing} template cells not found"));
    }
    out.report.error = errors.join("; ");
    out.report.status = if errors.is_empty() { "ok" } else { "partial" }.into();
    (
        out.report.cells,
        out.report.flagged,
        out.report.checks_failed,
    ) = report_counts(&out.cells, &out.checks);
    out
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

/// The conversion, with the second look at the text outside the tables of a PDF's OCR'd
/// pages when a template table was not found.
fn text_look(
    bytes: &[u8],
    form: InputKind,
    produced: Produced,
    second_look: Option<(&dyn PageOcr, Vec<Page>, Vec<String>, Vec<u32>)>,
    sha: &str,
    shown: &str,
    opts: &Options,
) -> ReportResult {
    let result = convert_produced(produced, form, sha, bytes.len() as u64, shown, opts);
    // OCR reads only the first page's prose by default.  When a whole template table was not
    // found, it may be printed without rulings (no grid: only the page text holds it): read the
    // text of the other OCR'd pages too and convert again.
    let Some((ocr, mut pages, errors, ocr_pages)) = second_look else {
        return result;
    };
    if !template_table_missing(&result) {
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
    let again = convert_pages(pages, errors, sha, bytes.len() as u64, shown, false, opts);
    if again.report.cells >= result.report.cells {
        again
    } else {
        result
    }
}

/// True when every cell of some template table is `not_found`.
fn template_table_missing(r: &ReportResult) -> bool {
    table_counts(r)
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
    convert_produced(
        Produced {
            pages,
            errors: page_errors,
            ..Default::default()
        },
        form,
        sha,
        n_bytes,
        shown,
        opts,
    )
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
    let Produced {
        mut pages,
        tables: markup_tables,
        errors: page_errors,
        ..
    } = produced;
    let rid = report_id(sha);
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
        // document order: page, then top to bottom (sort is stable)
        tables.sort_by(|a, b| a.page.cmp(&b.page).then(a.bbox.y0.total_cmp(&b.bbox.y0)));
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
    let is_template = mapping.is_template();
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
        produce::sections::tables_not_in_text(text.lines(), &unread)
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

    fn cell(table: &str, flags: &str) -> CellRow {
        CellRow {
            table: table.into(),
            flags: flags.into(),
            ..Default::default()
        }
    }

    fn found(table: &str, row: &str, value: &str, flags: &str, page: &str) -> CellRow {
        CellRow {
            table: table.into(),
            row: row.into(),
            value: value.into(),
            flags: flags.into(),
            page: page.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_look_by_tokens_is_for_tables_mostly_not_found() {
        let mut r = ReportResult::default();
        // no template output at all
        assert!(tables_short(&r));
        // every table at least 90% found: no second look
        r.cells = (0..10)
            .map(|k| found("requests", &k.to_string(), "1", "", "3"))
            .collect();
        r.cells[0] = found("requests", "0", "", "not_found", "");
        assert!(!tables_short(&r));
        // one table under 90%
        r.cells[1] = found("requests", "1", "", "not_found", "");
        assert!(tables_short(&r));
    }

    /// (table, row, value) of every cell of a conversion.
    fn table_row_values(m: &ReportResult) -> Vec<(&str, &str, &str)> {
        m.cells
            .iter()
            .map(|c| (c.table.as_str(), c.row.as_str(), c.value.as_str()))
            .collect()
    }

    #[test]
    fn merging_takes_each_table_from_the_look_that_found_more_of_it() {
        let mut first = ReportResult::default();
        first.cells = vec![
            found("active", "a", "5", "", "1"),
            found("active", "b", "6", "", "1"),
            found("requests", "x", "", "not_found", ""),
            found("requests", "y", "2", "", "2"),
        ];
        first.report.error = "2 template cells not found; a note".into();
        first.report.status = "partial".into();
        let mut second = ReportResult::default();
        second.cells = vec![
            found("active", "a", "5", "layout_from_text_alignment", "1"),
            found("active", "b", "", "not_found", ""),
            found("requests", "x", "1", "layout_from_text_alignment", "2"),
            found("requests", "y", "2", "layout_from_text_alignment", "2"),
        ];
        second.checks = vec![CheckRow {
            table: "requests".into(),
            status: "pass".into(),
            ..Default::default()
        }];
        let m = merge_tables(first.clone(), second.clone());
        // active stays the first look's (it found both), requests is the second's
        assert_eq!(
            table_row_values(&m),
            vec![
                ("active", "a", "5"),
                ("active", "b", "6"),
                ("requests", "x", "1"),
                ("requests", "y", "2")
            ]
        );
        assert!(m.cells[2].flags.contains("layout_from_text_alignment"));
        assert!(m.cells[0].flags.is_empty());
        assert_eq!(m.checks.len(), 1);
        assert_eq!(m.report.cells, 4);
        assert_eq!(m.report.error, "a note");
        // a second look that found no more of any table changes nothing
        let same = merge_tables(first.clone(), first.clone());
        assert_eq!(same.cells, first.cells);
        // a second look without template output changes nothing
        assert_eq!(
            merge_tables(first.clone(), ReportResult::default()).cells,
            first.cells
        );
    }

    #[test]
    fn a_cell_the_taken_look_left_empty_comes_from_the_other_look() {
        // requests: the second look found more (x, y) and is taken; its empty z comes from
        // the first look, which read it.  active: the first look is kept; its empty b comes
        // from the second, flagged as that look placed it.
        let mut first = ReportResult::default();
        first.cells = vec![
            found("active", "a", "5", "", "1"),
            found("active", "b", "", "not_found", ""),
            found("requests", "x", "", "not_found", ""),
            found("requests", "y", "", "not_found", ""),
            found("requests", "z", "4", "", "1"),
        ];
        let mut second = ReportResult::default();
        second.cells = vec![
            found("active", "a", "", "not_found", ""),
            found("active", "b", "6", "layout_from_text_alignment", "1"),
            found("requests", "x", "1", "layout_from_text_alignment", "2"),
            found("requests", "y", "2", "layout_from_text_alignment", "2"),
            found("requests", "z", "", "not_found", ""),
        ];
        let m = merge_tables(first.clone(), second.clone());
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
        assert!(m.cells[1].flags.contains("layout_from_text_alignment"));
        assert_eq!(m.report.cells, 5);
        // where it must not: a cell the taken look read keeps its value, whatever the other
        // look read there
        let mut other = second.clone();
        other.cells[0] = found("active", "a", "9", "layout_from_text_alignment", "1");
        other.cells[1] = found("active", "b", "", "not_found", "");
        let m = merge_tables(first.clone(), other);
        assert_eq!(m.cells[0].value, "5");
        assert!(m.cells[0].flags.is_empty());
        assert_eq!(m.cells[1].value, "");
    }

    #[test]
    fn a_table_is_missing_only_when_all_its_cells_are_not_found() {
        let mut r = ReportResult::default();
        r.cells = vec![
            cell("active", "not_found"),
            cell("active", "low_confidence"),
            cell("appeals", ""),
        ];
        assert!(!template_table_missing(&r));
        r.cells[1].flags = "derived:x;not_found".into();
        assert!(template_table_missing(&r));
        assert!(!template_table_missing(&ReportResult::default()));
    }
}

//! `nianbao review OUT [--serve]`: a page to confirm or correct the values in doubt.
//!
//! Writes `OUT/review/index.html` and, beside it, `img/`: for each cell that carries a flag
//! (and no decision yet) the part of its page around it, the cell outlined in red.  The page
//! lists them per report with the report's failed checks, the text as printed (raw), the
//! value, and why each flag was raised; the person confirms the value or types the right one,
//! with a note.  The decisions go into `OUT/corrections.csv` (see `corrections`), which every
//! later `convert` applies:
//!
//! - a static page cannot write files: its "Download corrections.csv" button saves the whole
//!   file (the decisions already in OUT/corrections.csv when the page was made, plus the new
//!   ones) for the person to put into OUT/;
//! - with `--serve`, a small HTTP server on 127.0.0.1 (never another interface) serves the page
//!   and its "Save" button writes OUT/corrections.csv directly.  Saving needs the random token
//!   the served page carries and a `Host` of 127.0.0.1/localhost, so another web page open in the
//!   same browser cannot write decisions.  std::net only: one thread per connection, a few
//!   routes; no web framework is worth its dependencies here.
//!
//! Crops: digital pages are rendered (hayro, [`CROP_DPI`]); pages that went through OCR are
//! the page image turned by the skew OCR corrected (the cells' boxes refer to the deskewed
//! image, as in `inspect`), in colour, seal and all.  The source file is found by the path in
//! reports.csv (relative to where convert was run) or else by the paths the state
//! (`OUT/.nianbao/state.sqlite`) saw with the same content hash, and must still have that hash;
//! when no crop can be made the row says why.

use crate::corrections::{self, Correction};
use crate::flag::Flag;
use crate::model::BBox;
use crate::ocr::lept::{Pix, Rect};
use crate::pipeline::{CellRow, CheckRow, ReportRow};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Resolution digital pages are rendered at for the crops.
pub const CROP_DPI: f32 = 150.0;
/// A crop is the page's full width (the row's label and its neighbours, to judge by) and this
/// many times the cell's height above and below it, within these bounds (points).
pub const CONTEXT_ROWS: f32 = 1.5;
pub const MARGIN_Y: (f32, f32) = (8.0, 40.0);

/// The folder the page is written to.
pub fn dir(out: &Path) -> PathBuf {
    out.join("review")
}

/// One flag with what it means for the person looking at it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FlagWhy {
    pub flag: String,
    pub why: String,
}

/// One value in doubt.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// `table/row/col`.
    pub cell: String,
    pub row_label: String,
    pub col_label: String,
    pub raw: String,
    pub value: String,
    pub method: String,
    pub confidence: String,
    pub page: String,
    pub flags: Vec<FlagWhy>,
    /// `img/<file>.png`, relative to the page.
    pub image: Option<String>,
    /// Why there is no image.
    pub no_image: String,
    #[serde(skip)]
    bbox: Option<BBox>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedCheck {
    pub table: String,
    pub check: String,
    pub subject: String,
    pub expected: String,
    pub actual: String,
}

/// A report with values in doubt.
#[derive(Debug, Clone, Serialize)]
pub struct ReportItems {
    pub report_id: String,
    pub sha256: String,
    pub source_file: String,
    pub agency: String,
    pub year: String,
    pub kind: String,
    pub failed_checks: Vec<FailedCheck>,
    /// Template tables none of whose cells was found (their cells are not listed one by one).
    pub missing_tables: Vec<String>,
    pub items: Vec<Item>,
}

/// Everything the page shows.
#[derive(Debug, Serialize)]
pub struct PageData {
    pub served: bool,
    pub token: String,
    pub out: String,
    pub existing: Vec<Correction>,
    pub reports: Vec<ReportItems>,
}

/// What each flag means, for the page.
pub fn why(flag: &Flag) -> String {
    match flag {
        Flag::CheckFailed { check, subject } => {
            format!("the check {check} of {subject} fails: this cell is one of its suspects (see the failed checks above)")
        }
        Flag::Unverified => "read by OCR or from a text dump and no check confirms it (a cell of its row or column is missing or inferred; or no check covers it and OCR was not sure of it)".into(),
        Flag::PartlyVerified => "one check confirms it, another cannot be evaluated: a whole row may have landed under the wrong label".into(),
        Flag::LowConfidence => "OCR was unsure of the reading (confidence below 0.7)".into(),
        Flag::MalformedNumber => "not how a count is printed (digits split by a space, or a leading zero): readings merged or a stray mark".into(),
        Flag::NumbersInLabel => "the row's label holds digits: the row's numbers may have shifted".into(),
        Flag::RowByPosition => "the row's label was unreadable; the row was placed by the template's row order".into(),
        Flag::RowIncomplete => "another cell of its row was not read: numbers may have shifted or merged into this one".into(),
        Flag::IrregularCell => "a 0 from a cell that does not fit its table's grid (a sliver, half a row, a row cut short): the printed value may be beside it".into(),
        Flag::ColumnByPosition => "no header was seen: columns were taken in template order".into(),
        Flag::ColumnByHeaderOrder => {
            "the column's header was illegible: the column is the one the other header cells' order leaves it".into()
        }
        Flag::GroupBySum => "the appeals header placed none of the numbers: five whose first four sum to the fifth, at the row's start or end, were taken as that group".into(),
        Flag::TotalColumnBySums => "no header was read and the row sums show 总计 printed in another column (first): the columns were placed by those sums".into(),
        Flag::NotFound => "the cell was not found in the document: type the value printed, if any".into(),
        Flag::Unparseable => "the text read is not a number".into(),
        Flag::DecimalInCount => "a decimal in a count".into(),
        Flag::Repaired => "the repair stage changed the reading (repairs.csv says how and why)".into(),
        Flag::Inferred => "not read: the value the template's arithmetic determines".into(),
        Flag::ConflictingDuplicate => "the cell was read twice with different values".into(),
        Flag::LayoutFromTextAlignment => "a table without rulings: cells placed by the alignment of the text".into(),
        Flag::DerivedZeroGroup => "not printed, derived (group printed as one zero row)".into(),
        Flag::UnknownNonzeroGroup => "unknown (group printed as one nonzero row)".into(),
        Flag::Confirmed => "a person confirmed the value read".into(),
        Flag::Corrected => "a person typed the value".into(),
        Flag::Other(name) => name.clone(),
    }
}

/// Stream a CSV nianbao wrote (with or without the Excel BOM), keeping the rows `keep` wants:
/// an archive's cells.csv is large, the cells in doubt are few.
fn read_rows<T: for<'de> Deserialize<'de>>(
    path: &Path,
    mut keep: impl FnMut(&T) -> bool,
) -> Result<Vec<T>> {
    let f = std::fs::File::open(path).with_context(|| {
        format!(
            "cannot read {} (run `nianbao convert ... --out` into this folder first)",
            path.display()
        )
    })?;
    let mut r = BufReader::new(f);
    if r.fill_buf()?.starts_with(crate::output::BOM) {
        r.consume(crate::output::BOM.len());
    }
    let mut out = Vec::new();
    for row in csv::Reader::from_reader(r).deserialize() {
        let row: T =
            row.with_context(|| format!("{} is damaged; convert again", path.display()))?;
        if keep(&row) {
            out.push(row);
        }
    }
    Ok(out)
}

fn parse_bbox(s: &str) -> Option<BBox> {
    let v: Vec<f32> = s
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    let [x0, y0, x1, y1] = v[..] else { return None };
    Some(BBox::new(x0, y0, x1, y1))
}

/// How many cells each report's template tables have, and how many of them were not found.
#[derive(Default)]
pub struct TableCounts(BTreeMap<(String, String), (usize, usize)>);

impl TableCounts {
    pub fn add(&mut self, c: &CellRow) {
        let e = self
            .0
            .entry((c.report_id.clone(), c.table.clone()))
            .or_default();
        e.0 += 1;
        e.1 += Flag::parse_list(&c.flags).contains(&Flag::NotFound) as usize;
    }
    /// Whether no cell of this table was found.
    fn missing(&self, rid: &str, table: &str) -> bool {
        self.0
            .get(&(rid.to_string(), table.to_string()))
            .is_some_and(|&(n, m)| n == m)
    }
    fn missing_tables(&self, rid: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|((r, _), (n, m))| r == rid && n == m)
            .map(|((_, t), _)| t.clone())
            .collect()
    }
}

/// Whether a cell asks for a look: a flag that is not a settled fact (a group the report prints
/// as one row of zeros has its sub-rows derived as 0, which no person needs to confirm cell by
/// cell: `Flag::is_settled_fact`), and no decision yet.
pub fn needs_look(c: &CellRow) -> bool {
    corrections::doubt_flags(&c.flags).any(|f| !f.is_settled_fact())
        && !corrections::decided(&c.flags)
}

/// The reports and cells that need a look: every cell with a flag and no decision, grouped by
/// report in reports.csv's order (duplicates and failed files have no cells).  A template
/// table not found at all is named once, not listed cell by cell.  `cells` may hold only the
/// cells that [`needs_look`] (`counts` covers all of them).
pub fn collect(
    reports: &[ReportRow],
    cells: &[CellRow],
    counts: &TableCounts,
    checks: &[CheckRow],
) -> Vec<ReportItems> {
    let missing = |rid: &str, t: &str| counts.missing(rid, t);
    let mut by_report: BTreeMap<&str, Vec<&CellRow>> = BTreeMap::new();
    for c in cells {
        if needs_look(c) && !missing(&c.report_id, &c.table) {
            by_report.entry(c.report_id.as_str()).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    for r in reports
        .iter()
        .filter(|r| r.status != crate::archive::DUPLICATE)
    {
        let missing_tables = counts.missing_tables(&r.report_id);
        let cs = by_report.remove(r.report_id.as_str()).unwrap_or_default();
        if cs.is_empty() && missing_tables.is_empty() {
            continue;
        }
        let items = cs
            .into_iter()
            .map(|c| Item {
                cell: format!("{}/{}/{}", c.table, c.row, c.col),
                row_label: c.row_label.clone(),
                col_label: c.col_label.clone(),
                raw: c.raw.clone(),
                value: c.value.clone(),
                method: c.method.clone(),
                confidence: c.confidence.clone(),
                page: c.page.clone(),
                flags: corrections::doubt_flags(&c.flags)
                    .map(|f| FlagWhy {
                        flag: f.to_string(),
                        why: why(&f),
                    })
                    .collect(),
                image: None,
                no_image: if c.page.is_empty() {
                    "the cell was not found on any page".into()
                } else {
                    String::new()
                },
                bbox: parse_bbox(&c.bbox),
            })
            .collect();
        let failed_checks = checks
            .iter()
            .filter(|k| k.report_id == r.report_id && k.status == "fail")
            .map(|k| FailedCheck {
                table: k.table.clone(),
                check: k.check.clone(),
                subject: k.subject.clone(),
                expected: k.expected.clone(),
                actual: k.actual.clone(),
            })
            .collect();
        out.push(ReportItems {
            report_id: r.report_id.clone(),
            sha256: r.sha256.clone(),
            source_file: r.source_file.clone(),
            agency: r.agency.clone(),
            year: r.year.clone(),
            kind: r.kind.clone(),
            failed_checks,
            missing_tables,
            items,
        });
    }
    out
}

/// The file a report was converted from, with its bytes: the path as given to convert, or one
/// the state saw with the same content.  Err says why none fits.
fn locate(out: &Path, r: &ReportItems) -> Result<(PathBuf, Vec<u8>), String> {
    let mut cands = vec![PathBuf::from(&r.source_file)];
    let state = out.join(".nianbao").join("state.sqlite");
    if state.exists()
        && let Ok(st) = crate::state::State::open(&state)
    {
        cands.extend(
            st.paths_of(&r.sha256)
                .unwrap_or_default()
                .into_iter()
                .map(PathBuf::from),
        );
    }
    let mut changed = None;
    for p in cands {
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        if crate::pipeline::sha256_hex(&bytes) == r.sha256 {
            return Ok((p, bytes));
        }
        changed = Some(p);
    }
    Err(match changed {
        Some(p) => format!(
            "{} changed since it was converted (another sha256): convert it again",
            p.display()
        ),
        None => format!(
            "the source file {} was not found (run review from the folder convert was run in)",
            r.source_file
        ),
    })
}

/// A page image with the resolution its cell boxes scale by.
struct PageImg {
    pix: Pix,
    dpi: (f32, f32),
}

/// The image of page `n` (1-based) as the cells' boxes refer to it.
fn page_image(bytes: &[u8], kind: &str, n: u32, ocr_pages: &Option<Vec<bool>>) -> Result<PageImg> {
    use crate::ocr;
    let idx = n.saturating_sub(1) as usize;
    let ocred = match kind {
        "digital" => false,
        "scanned" | "image" => true,
        "mixed" => ocr_pages
            .as_ref()
            .and_then(|v| v.get(idx).copied())
            .unwrap_or(false),
        "text" => bail!("a text dump has no page image"),
        k => bail!("no page image for a report of kind {k:?}"),
    };
    if !ocred {
        let img = ocr::render_pdf_page(bytes, idx, CROP_DPI)?;
        return Ok(PageImg {
            pix: img.pix().to_rgb()?,
            dpi: (img.dpi_x, img.dpi_y),
        });
    }
    let img = if kind == "image" {
        ocr::image::load_image_bytes(bytes)?
            .into_iter()
            .nth(idx)
            .with_context(|| format!("the image has no page {n}"))?
    } else {
        ocr::pdf_page_image(bytes, idx)?
    };
    // OCR coordinates refer to the deskewed image: turn the original by the same angle.
    let prep = ocr::preprocess::prepare(&img)?;
    let pix = if prep.skew_deg != 0.0 {
        img.pix().rotate(prep.skew_deg)?
    } else {
        img.pix().copy()?
    };
    Ok(PageImg {
        pix: pix.to_rgb()?,
        dpi: prep.dpi,
    })
}

/// For a mixed PDF: which pages went to OCR (their text layer is not usable).
fn ocr_pages_of(bytes: &[u8]) -> Option<Vec<bool>> {
    let doc = crate::pdf::load(bytes).ok()?;
    Some(
        crate::pdf::read_pages(&doc)
            .ok()?
            .iter()
            .map(|p| !p.quality.usable())
            .collect(),
    )
}

/// The crop rectangle (pixels) around `b` (points): the page's width, the cell's rows with
/// context above and below, clipped to the page.
pub fn crop_rect(b: &BBox, dpi: (f32, f32), width: i32, height: i32) -> Option<Rect> {
    let my = ((b.y1 - b.y0) * CONTEXT_ROWS).clamp(MARGIN_Y.0, MARGIN_Y.1);
    let sy = dpi.1 / 72.0;
    let y0 = ((b.y0 - my) * sy).floor() as i32;
    let y1 = ((b.y1 + my) * sy).ceil() as i32;
    if b.x0 * dpi.0 / 72.0 >= width as f32 {
        return None;
    }
    Rect::new(0, y0, width, y1 - y0).clip(width, height)
}

fn crop_png(page: &PageImg, b: &BBox) -> Result<Vec<u8>> {
    let (w, h) = (page.pix.width(), page.pix.height());
    let r = crop_rect(b, page.dpi, w, h).context("the cell's box lies outside its page")?;
    let mut pix = page.pix.clip(r)?;
    let (sx, sy) = (page.dpi.0 / 72.0, page.dpi.1 / 72.0);
    let cx = (b.x0 * sx).round() as i32 - r.x;
    let cy = (b.y0 * sy).round() as i32 - r.y;
    let cell = Rect::new(
        cx,
        cy,
        (((b.x1 - b.x0) * sx).round() as i32).max(1),
        (((b.y1 - b.y0) * sy).round() as i32).max(1),
    );
    pix.rect_outline(
        cell,
        (page.dpi.0 / 100.0).round().max(2.0) as i32,
        [220, 0, 0],
    );
    pix.to_png()
}

fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Make the crops of every item into `img_dir`, setting `image` or `no_image`.
pub fn make_crops(out: &Path, reports: &mut [ReportItems], img_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(img_dir)
        .with_context(|| format!("cannot create {}", img_dir.display()))?;
    for r in reports.iter_mut() {
        let src = locate(out, r);
        let (_, bytes) = match &src {
            Ok(x) => x,
            Err(why) => {
                for it in r.items.iter_mut().filter(|i| i.no_image.is_empty()) {
                    it.no_image = why.clone();
                }
                continue;
            }
        };
        let ocr_pages = if r.kind == "mixed" {
            ocr_pages_of(bytes)
        } else {
            None
        };
        let mut pages: BTreeMap<u32, Result<PageImg, String>> = BTreeMap::new();
        for it in r.items.iter_mut().filter(|i| i.no_image.is_empty()) {
            let Ok(n) = it.page.parse::<u32>() else {
                continue;
            };
            let Some(b) = it.bbox else {
                it.no_image = if it.method == "derived" {
                    "not printed on the page (derived): no cell to show".into()
                } else {
                    "the cell has no box on its page".into()
                };
                continue;
            };
            let page = pages.entry(n).or_insert_with(|| {
                page_image(bytes, &r.kind, n, &ocr_pages)
                    .map_err(|e| format!("page {n} cannot be drawn: {e:#}"))
            });
            match page
                .as_ref()
                .map_err(|e| e.clone())
                .and_then(|p| crop_png(p, &b).map_err(|e| format!("no crop: {e:#}")))
            {
                Ok(png) => {
                    let name = format!("{}-{}.png", r.report_id, safe_name(&it.cell));
                    std::fs::write(img_dir.join(&name), png).with_context(|| {
                        format!("cannot write {}", img_dir.join(&name).display())
                    })?;
                    it.image = Some(format!("img/{name}"));
                }
                Err(why) => it.no_image = why,
            }
        }
    }
    Ok(())
}

/// The page, self-contained but for the crops (`img/`).
pub fn page_html(data: &PageData) -> Result<String> {
    // JSON inside <script>: no "</" may close the element early.
    let json = serde_json::to_string(data)?.replace("</", "<\\/");
    Ok(PAGE.replace("/*DATA*/null", &json))
}

/// What `review` did.
pub struct Made {
    pub html: PathBuf,
    pub items: usize,
    pub without_image: usize,
    pub data: PageData,
}

/// Write OUT/review/index.html and its crops.
pub fn make(out: &Path) -> Result<Made> {
    let reports: Vec<ReportRow> = read_rows(&out.join("reports.csv"), |_| true)?;
    let mut counts = TableCounts::default();
    let cells: Vec<CellRow> = read_rows(&out.join("cells.csv"), |c| {
        counts.add(c);
        needs_look(c)
    })?;
    let checks: Vec<CheckRow> =
        read_rows(&out.join("checks.csv"), |c: &CheckRow| c.status == "fail")?;
    let (existing, warnings) = corrections::load(out);
    for w in &warnings {
        eprintln!("nianbao: warning: {w}");
    }
    let mut items = collect(&reports, &cells, &counts, &checks);
    let d = dir(out);
    let img = d.join("img");
    let _ = std::fs::remove_dir_all(&img);
    make_crops(out, &mut items, &img)?;
    let n = items.iter().map(|r| r.items.len()).sum();
    let without_image = items
        .iter()
        .flat_map(|r| &r.items)
        .filter(|i| i.image.is_none())
        .count();
    let data = PageData {
        served: false,
        token: String::new(),
        out: out.display().to_string(),
        existing,
        reports: items,
    };
    let html = d.join("index.html");
    crate::output::write_atomic(&html, page_html(&data)?.as_bytes())?;
    Ok(Made {
        html,
        items: n,
        without_image,
        data,
    })
}

/// `nianbao review OUT [--serve] [--port N]`.
pub fn review(out: &Path, serve: bool, port: u16) -> Result<i32> {
    if !out.join("cells.csv").exists() {
        bail!(
            "{} holds no cells.csv: run `nianbao convert ... --out {}` first",
            out.display(),
            out.display()
        );
    }
    let mut made = make(out)?;
    eprintln!(
        "nianbao: {} values in doubt in {} reports ({} without an image) -> {}",
        made.items,
        made.data.reports.len(),
        made.without_image,
        made.html.display()
    );
    if !serve {
        println!("{}", made.html.display());
        eprintln!(
            "nianbao: open it in a browser, decide, then \"Download corrections.csv\" into {} (or run `nianbao review {} --serve` to save there directly); the next convert applies it",
            out.display(),
            out.display()
        );
        return Ok(0);
    }
    made.data.served = true;
    made.data.token = token()?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} (pick another --port)"))?;
    let port = listener.local_addr()?.port();
    let ctx = Arc::new(Server {
        out: out.to_path_buf(),
        html: page_html(&made.data)?,
        token: made.data.token.clone(),
        port,
        lock: Mutex::new(()),
    });
    println!("http://127.0.0.1:{port}/");
    std::io::stdout().flush()?;
    eprintln!(
        "nianbao: serving the review page on http://127.0.0.1:{port}/ ; decisions are saved to {}; Ctrl-C to stop",
        corrections::path(out).display()
    );
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            if let Err(e) = handle(stream, &ctx) {
                tracing::debug!("review server: {e:#}");
            }
        });
    }
    Ok(0)
}

fn token() -> Result<String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .context("cannot read /dev/urandom for the page's token")?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

struct Server {
    out: PathBuf,
    html: String,
    token: String,
    port: u16,
    /// One save at a time.
    lock: Mutex<()>,
}

/// An HTTP request as the server needs it.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Largest request body accepted (decisions are small).
const MAX_BODY: usize = 4 << 20;

/// Read one request (request line, headers, Content-Length body).
pub fn read_request(r: &mut impl BufRead) -> Result<Request> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        bail!("bad request line {line:?}")
    };
    let (method, path) = (method.to_string(), path.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if headers.len() > 100 {
            bail!("too many headers");
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut req = Request {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if len > MAX_BODY {
        bail!("body of {len} bytes is too large");
    }
    req.body = vec![0; len];
    r.read_exact(&mut req.body)?;
    Ok(req)
}

fn respond(s: &mut TcpStream, status: &str, ctype: &str, body: &[u8]) -> Result<()> {
    write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    s.write_all(body)?;
    s.flush()?;
    Ok(())
}

/// A decision as the page posts it (the server stamps the time).
#[derive(Debug, Deserialize)]
struct Posted {
    sha256: String,
    source_file: String,
    cell: String,
    value: String,
    #[serde(default)]
    note: String,
}

/// Check posted decisions and turn them into corrections.csv rows (time = now).
fn accept(body: &[u8], time: &str) -> Result<Vec<Correction>, String> {
    let posted: Vec<Posted> = serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))?;
    let rows: Vec<Correction> = posted
        .into_iter()
        .map(|p| Correction {
            sha256: p.sha256,
            source_file: p.source_file,
            cell: p.cell,
            value: p.value,
            note: p.note,
            time: time.to_string(),
        })
        .collect();
    // the same checks as reading the file back
    let csv = corrections::to_csv(&rows).map_err(|e| e.to_string())?;
    let (ok, warnings) = corrections::parse(&csv);
    if !warnings.is_empty() {
        return Err(warnings.join("; ").replace(corrections::FILE, "decision"));
    }
    Ok(ok)
}

fn handle(mut s: TcpStream, ctx: &Server) -> Result<()> {
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
    let req = read_request(&mut BufReader::new(s.try_clone()?))?;
    let host_ok = req.header("host").is_some_and(|h| {
        h == format!("127.0.0.1:{}", ctx.port) || h == format!("localhost:{}", ctx.port)
    });
    if !host_ok {
        return respond(&mut s, "403 Forbidden", "text/plain", b"wrong Host");
    }
    let path = req.path.split('?').next().unwrap_or("");
    match (req.method.as_str(), path) {
        ("GET", "/" | "/index.html") => respond(
            &mut s,
            "200 OK",
            "text/html; charset=utf-8",
            ctx.html.as_bytes(),
        ),
        ("GET", p) if p.starts_with("/img/") => {
            let name = &p[5..];
            let ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                && !name.starts_with('.');
            match ok
                .then(|| std::fs::read(dir(&ctx.out).join("img").join(name)).ok())
                .flatten()
            {
                Some(png) => respond(&mut s, "200 OK", "image/png", &png),
                None => respond(&mut s, "404 Not Found", "text/plain", b"no such image"),
            }
        }
        ("POST", "/corrections") => {
            if req.header("x-nianbao-token") != Some(ctx.token.as_str()) {
                return respond(
                    &mut s,
                    "403 Forbidden",
                    "text/plain",
                    b"missing or wrong token: reload the page from this server",
                );
            }
            let rows = match accept(&req.body, &corrections::now_utc()) {
                Ok(r) => r,
                Err(e) => {
                    return respond(
                        &mut s,
                        "400 Bad Request",
                        "text/plain; charset=utf-8",
                        e.as_bytes(),
                    );
                }
            };
            let _g = ctx.lock.lock().unwrap_or_else(|p| p.into_inner());
            match corrections::append(&ctx.out, &rows) {
                Ok(total) => {
                    eprintln!(
                        "nianbao: saved {} decision(s) to {} ({total} in all)",
                        rows.len(),
                        corrections::path(&ctx.out).display()
                    );
                    let body = serde_json::json!({"saved": rows.len(), "total": total, "file": corrections::path(&ctx.out).display().to_string()});
                    respond(
                        &mut s,
                        "200 OK",
                        "application/json",
                        body.to_string().as_bytes(),
                    )
                }
                Err(e) => respond(
                    &mut s,
                    "500 Internal Server Error",
                    "text/plain; charset=utf-8",
                    format!("{e:#}").as_bytes(),
                ),
            }
        }
        _ => respond(&mut s, "404 Not Found", "text/plain", b"not found"),
    }
}

const PAGE: &str = include_str!("review.html");

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(reports: &[ReportRow], cells: &[CellRow], checks: &[CheckRow]) -> Vec<ReportItems> {
        let mut counts = TableCounts::default();
        cells.iter().for_each(|c| counts.add(c));
        super::collect(reports, cells, &counts, checks)
    }

    fn cell(rid: &str, key: (&str, &str, &str), flags: &str) -> CellRow {
        CellRow {
            report_id: rid.into(),
            table: key.0.into(),
            row: key.1.into(),
            col: key.2.into(),
            value: "3".into(),
            raw: "3".into(),
            page: "2".into(),
            bbox: "10 20 40 35".into(),
            flags: flags.into(),
            ..Default::default()
        }
    }

    fn report(rid: &str, status: &str) -> ReportRow {
        ReportRow {
            report_id: rid.into(),
            sha256: format!("{rid}{}", "0".repeat(64 - rid.len())),
            source_file: format!("{rid}.pdf"),
            status: status.into(),
            ..Default::default()
        }
    }

    #[test]
    fn lists_flagged_undecided_cells_per_report_with_failed_checks() {
        let reports = vec![report("bb", "ok"), report("aa", "ok"), report("cc", "ok")];
        let cells = vec![
            cell(
                "aa",
                ("requests", "granted", "total"),
                "low_confidence;check_failed:row_total:granted",
            ),
            cell("aa", ("requests", "granted", "commercial"), ""),
            cell(
                "aa",
                ("requests", "granted", "research"),
                "corrected;check_failed:row_total:granted",
            ),
            cell("bb", ("appeals", "cases", "review_total"), "unverified"),
            cell("cc", ("active", "rules", "issued"), "confirmed"),
            cell(
                "cc",
                ("requests", "other_other", "total"),
                "derived:group_printed_as_one_zero_row",
            ),
        ];
        let checks = vec![
            CheckRow {
                report_id: "aa".into(),
                check: "row_total".into(),
                subject: "granted".into(),
                status: "fail".into(),
                expected: "4".into(),
                actual: "3".into(),
                ..Default::default()
            },
            CheckRow {
                report_id: "aa".into(),
                check: "row_total".into(),
                subject: "new_received".into(),
                status: "pass".into(),
                ..Default::default()
            },
        ];
        let r = collect(&reports, &cells, &checks);
        // reports.csv's order; a report whose flagged cells are decided or derived is not listed
        assert_eq!(
            r.iter().map(|x| x.report_id.as_str()).collect::<Vec<_>>(),
            ["bb", "aa"]
        );
        assert_eq!(r[1].items.len(), 1);
        assert_eq!(r[1].items[0].cell, "requests/granted/total");
        assert_eq!(r[1].items[0].flags.len(), 2);
        assert!(r[1].items[0].flags[1].why.contains("row_total of granted"));
        assert_eq!(r[1].failed_checks.len(), 1);
        assert_eq!(
            (
                r[1].failed_checks[0].expected.as_str(),
                r[1].failed_checks[0].actual.as_str()
            ),
            ("4", "3")
        );
        assert!(r[0].failed_checks.is_empty());
    }

    #[test]
    fn a_table_not_found_at_all_is_named_once() {
        let mut cells: Vec<CellRow> = ["a", "b", "c"]
            .iter()
            .map(|c| cell("aa", ("appeals", "cases", c), "not_found"))
            .collect();
        cells.push(cell("aa", ("requests", "granted", "total"), "not_found"));
        cells.push(cell("aa", ("requests", "granted", "research"), ""));
        let r = collect(&[report("aa", "partial")], &cells, &[]);
        assert_eq!(r[0].missing_tables, ["appeals"]);
        assert_eq!(
            r[0].items
                .iter()
                .map(|i| i.cell.as_str())
                .collect::<Vec<_>>(),
            ["requests/granted/total"]
        );
    }

    #[test]
    fn a_cell_not_found_says_why_it_has_no_image() {
        let mut c = cell("aa", ("requests", "granted", "total"), "not_found");
        c.page.clear();
        c.bbox.clear();
        let r = collect(
            &[report("aa", "partial")],
            &[c, cell("aa", ("requests", "granted", "research"), "")],
            &[],
        );
        assert!(r[0].items[0].no_image.contains("not found"));
    }

    #[test]
    fn crops_take_the_row_with_context_and_stay_on_the_page() {
        // a 30 x 10 pt cell at 144 dpi (2 px per point): 15 pt above and below, full width
        let b = BBox::new(100.0, 100.0, 130.0, 110.0);
        let r = crop_rect(&b, (144.0, 144.0), 2000, 3000).unwrap();
        assert_eq!((r.x, r.y, r.w, r.h), (0, 170, 2000, 80));
        // at the page's top: clipped
        let r = crop_rect(&BBox::new(0.0, 0.0, 10.0, 10.0), (144.0, 144.0), 2000, 3000).unwrap();
        assert_eq!((r.y, r.h), (0, 50));
        // a tall cell: the context is capped
        let r = crop_rect(
            &BBox::new(200.0, 200.0, 500.0, 300.0),
            (72.0, 72.0),
            2000,
            2000,
        )
        .unwrap();
        assert_eq!((r.y, r.h), (160, 180));
        assert!(
            crop_rect(
                &BBox::new(5000.0, 5000.0, 5010.0, 5010.0),
                (72.0, 72.0),
                100,
                100
            )
            .is_none()
        );
    }

    #[test]
    fn the_page_embeds_its_data_safely() {
        let mut r = collect(
            &[report("aa", "ok")],
            &[cell(
                "aa",
                ("requests", "granted", "total"),
                "low_confidence",
            )],
            &[],
        );
        r[0].agency = "</script><script>alert(1)</script>".into();
        let html = page_html(&PageData {
            served: false,
            token: String::new(),
            out: "o".into(),
            existing: vec![],
            reports: r,
        })
        .unwrap();
        assert!(!html.contains("</script><script>alert"));
        assert!(html.contains("<\\/script>"));
        assert!(html.contains("requests/granted/total"));
        assert!(!html.contains("/*DATA*/null"));
    }

    #[test]
    fn requests_are_read_with_their_body() {
        let raw = b"POST /corrections HTTP/1.1\r\nHost: 127.0.0.1:8\r\nContent-Length: 4\r\nX-Nianbao-Token: t\r\n\r\n[1,2]extra";
        let req = read_request(&mut &raw[..]).unwrap();
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("POST", "/corrections")
        );
        assert_eq!(req.header("x-nianbao-token"), Some("t"));
        assert_eq!(req.body, b"[1,2");
        let big = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert!(read_request(&mut big.as_bytes()).is_err());
    }

    #[test]
    fn posted_decisions_are_checked_and_stamped() {
        let sha = "a".repeat(64);
        let ok = format!(
            r#"[{{"sha256":"{sha}","source_file":"a.pdf","cell":"requests/granted/total","value":"1,200","note":"n"}}]"#
        );
        let rows = accept(ok.as_bytes(), "2026-12-03T15:00:00Z").unwrap();
        assert_eq!(
            (rows[0].value.as_str(), rows[0].time.as_str()),
            ("1200", "2026-12-03T15:00:00Z")
        );
        let bad = format!(
            r#"[{{"sha256":"{sha}","source_file":"a.pdf","cell":"requests/granted/total","value":"abc"}}]"#
        );
        assert!(
            accept(bad.as_bytes(), "t")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(accept(b"{", "t").is_err());
    }

    #[test]
    fn every_flag_is_explained() {
        for f in [
            "unverified",
            "partly_verified",
            "low_confidence",
            "malformed_number",
            "numbers_in_label",
            "row_by_position",
            "row_incomplete",
            "irregular_cell",
            "column_by_position",
            "column_by_header_order",
            "not_found",
            "unparseable",
            "repaired",
            "inferred",
        ] {
            assert_ne!(why(&Flag::parse(f)), f, "{f}");
        }
        assert!(why(&Flag::DerivedZeroGroup).contains("group printed as one zero row"));
    }
}

//! The workbook for analysts, `OUT/nianbao.xlsx`: sheets `reports` (reports.csv), `wide` (one
//! row per report, every template cell a column, Chinese template labels as the header),
//! `cells` (cells.csv) and `failed checks` (the checks.csv rows whose status is `fail`).
//!
//! Written with rust_xlsxwriter (the maintained pure-Rust xlsx writer) in its constant-memory
//! mode: rows go to temporary files under `OUT/.nianbao/` as they are added, so memory does not
//! grow with the archive.  Numbers are stored as numbers, every text as a string cell (never a
//! formula, whatever it starts with), the header row is frozen, columns are sized by what they
//! hold, and a flagged value (and its flags) has a yellow fill.  A sheet that reaches Excel's
//! row limit continues in `cells 2`, `cells 3`…

use crate::output::row_fields;
use crate::pipeline::{CellRow, CheckRow, ReportRow};
use crate::wide;
use anyhow::{Context, Result};
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet};
use std::path::Path;

/// Rows of one worksheet, header included (Excel's limit).
pub const MAX_ROWS: u32 = 1_048_576;
/// The longest text a cell holds (Excel's limit); longer texts are cut there.
pub const MAX_TEXT: usize = 32_767;
/// The fill of a flagged value.
pub const FLAGGED_FILL: u32 = 0xFFEB9C;
/// Columns written as numbers when their text is one.
const NUMERIC: &[&str] = &[
    "bytes",
    "pages",
    "year",
    "cells",
    "flagged",
    "checks_failed",
    "seconds",
    "value",
    "page",
    "confidence",
    "expected",
    "actual",
];

struct Sheet {
    base: &'static str,
    index: usize,
    part: u32,
    row: u32,
    header: Vec<String>,
    /// Column kinds: true = numeric.
    numeric: Vec<bool>,
    widths: Vec<f64>,
    freeze_cols: u16,
}

/// A workbook being written, one report at a time.
pub struct Book {
    wb: Workbook,
    sheets: Vec<Sheet>,
    header: Format,
    flagged: Format,
}

const REPORTS: usize = 0;
const WIDE: usize = 1;
const CELLS: usize = 2;
const CHECKS: usize = 3;

fn width_for(key: &str) -> f64 {
    match key {
        "source_file" | "error" | "文件" => 40.0,
        "agency"
        | "agency_canonical"
        | "机关（标题所写）"
        | "机关（规范名称）"
        | "flags"
        | "evidence" => 28.0,
        "row_label" | "template_row_label" => 32.0,
        "col_label" | "template_col_label" | "subject" | "identity" => 20.0,
        "report_id" | "sha256" | "报告编号" => 18.0,
        "bbox" => 24.0,
        _ => 11.0,
    }
}

impl Book {
    /// A new workbook whose temporary files go to `tmp_dir`.
    pub fn new(tmp_dir: &Path) -> Result<Book> {
        let mut wb = Workbook::new();
        std::fs::create_dir_all(tmp_dir)
            .with_context(|| format!("cannot create {}", tmp_dir.display()))?;
        wb.set_tempdir(tmp_dir).with_context(|| {
            format!(
                "cannot use {} for the workbook's temporary files",
                tmp_dir.display()
            )
        })?;
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xDDEBF7));
        let flagged = Format::new().set_background_color(Color::RGB(FLAGGED_FILL));
        let keys = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let specs: [(&'static str, Vec<String>, u16); 4] = [
            ("reports", keys(crate::output::REPORT_HEADER), 2),
            ("wide", wide::header_zh(), 2),
            ("cells", keys(crate::output::CELL_HEADER), 0),
            ("failed checks", keys(crate::output::CHECK_HEADER), 0),
        ];
        let mut book = Book {
            wb,
            sheets: Vec::new(),
            header,
            flagged,
        };
        for (base, header, freeze_cols) in specs {
            let numeric = header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    NUMERIC.contains(&h.as_str()) || (base == "wide" && i >= wide::LEAD.len())
                })
                .collect();
            let widths = header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    if base == "wide" && i >= wide::LEAD.len() {
                        14.0
                    } else {
                        width_for(h)
                    }
                })
                .collect();
            let sheet = Sheet {
                base,
                index: 0,
                part: 1,
                row: 0,
                header,
                numeric,
                widths,
                freeze_cols,
            };
            book.sheets.push(sheet);
            let n = book.sheets.len() - 1;
            book.open(n)?;
        }
        Ok(book)
    }

    /// Start a (new part of a) sheet: name, header, widths, frozen panes.
    fn open(&mut self, s: usize) -> Result<()> {
        let ws = self
            .wb
            .add_worksheet_with_constant_memory()
            .context("cannot create a worksheet's temporary file")?;
        let sh = &mut self.sheets[s];
        let name = if sh.part == 1 {
            sh.base.to_string()
        } else {
            format!("{} {}", sh.base, sh.part)
        };
        ws.set_name(&name)?;
        for (i, w) in sh.widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        ws.set_freeze_panes(1, sh.freeze_cols)?;
        for (i, h) in sh.header.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, h, &self.header)?;
        }
        sh.index = self.wb.worksheets().len() - 1;
        sh.row = 1;
        Ok(())
    }

    /// The worksheet and row the next row of sheet `s` goes to.
    fn next_row(&mut self, s: usize) -> Result<(&mut Worksheet, u32)> {
        if self.sheets[s].row >= MAX_ROWS {
            self.sheets[s].part += 1;
            self.open(s)?;
        }
        let sh = &mut self.sheets[s];
        let row = sh.row;
        sh.row += 1;
        Ok((self.wb.worksheet_from_index(sh.index)?, row))
    }

    /// Write `fields` as a row of sheet `s`; `highlight` says which columns get the flagged fill.
    fn put(
        &mut self,
        s: usize,
        fields: &[String],
        highlight: &dyn Fn(usize) -> bool,
    ) -> Result<()> {
        let numeric = self.sheets[s].numeric.clone();
        let flagged = self.flagged.clone();
        let (ws, row) = self.next_row(s)?;
        for (i, f) in fields.iter().enumerate() {
            let col = i as u16;
            let fmt = highlight(i).then_some(&flagged);
            let number = if numeric.get(i).copied().unwrap_or(false) {
                f.trim().parse::<f64>().ok().filter(|v| v.is_finite())
            } else {
                None
            };
            match (number, fmt) {
                (Some(v), Some(fmt)) => {
                    ws.write_number_with_format(row, col, v, fmt).map(|_| ())?
                }
                (Some(v), None) => ws.write_number(row, col, v).map(|_| ())?,
                (None, _) if f.is_empty() => {
                    if let Some(fmt) = fmt {
                        ws.write_blank(row, col, fmt).map(|_| ())?
                    }
                }
                (None, Some(fmt)) => ws
                    .write_string_with_format(row, col, clip(f), fmt)
                    .map(|_| ())?,
                (None, None) => ws.write_string(row, col, clip(f)).map(|_| ())?,
            }
        }
        Ok(())
    }

    /// Add one report: its reports row, wide row, cells and failed checks.  `report` and
    /// `cells` carry the analysts' columns already (`wide::annotate`).
    pub fn add(
        &mut self,
        report: &ReportRow,
        cells: &[CellRow],
        checks: &[CheckRow],
    ) -> Result<()> {
        self.put(REPORTS, &row_fields(report)?, &|_| false)?;
        self.add_wide(report, cells)?;
        let (value, flags) = (col_of(CELL_HEADER_VALUE), col_of(CELL_HEADER_FLAGS));
        for c in cells {
            let flagged = !c.flags.is_empty();
            self.put(CELLS, &row_fields(c)?, &|i| {
                flagged && (i == value || i == flags)
            })?;
        }
        for c in checks.iter().filter(|c| c.status == "fail") {
            self.put(CHECKS, &row_fields(c)?, &|_| false)?;
        }
        Ok(())
    }

    /// A duplicate's reports row (no cells of its own).
    pub fn add_report_only(&mut self, report: &ReportRow) -> Result<()> {
        self.put(REPORTS, &row_fields(report)?, &|_| false)
    }

    fn add_wide(&mut self, report: &ReportRow, cells: &[CellRow]) -> Result<()> {
        let placed = wide::place(cells);
        let lead = wide::lead_values(report);
        let n_lead = lead.len();
        let mut row = lead;
        row.extend(
            placed
                .iter()
                .map(|c| c.map(|c| c.value.clone()).unwrap_or_default()),
        );
        let flagged: Vec<bool> = placed
            .iter()
            .map(|c| c.is_some_and(|c| !c.flags.is_empty()))
            .collect();
        self.put(WIDE, &row, &|i| i >= n_lead && flagged[i - n_lead])
    }

    /// Write the workbook to `path` (a temporary name in its folder, then renamed).
    pub fn save(mut self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("nianbao.xlsx");
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        self.wb
            .save(&tmp)
            .with_context(|| format!("cannot write the workbook {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
    }
}

const CELL_HEADER_VALUE: &str = "value";
const CELL_HEADER_FLAGS: &str = "flags";

fn col_of(key: &str) -> usize {
    crate::output::CELL_HEADER
        .iter()
        .position(|h| *h == key)
        .unwrap_or(usize::MAX)
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

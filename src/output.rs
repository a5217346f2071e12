//! Writing results: RFC 4180 CSV (UTF-8, optional BOM for Excel), every file written to a
//! temporary name in the same folder and renamed into place, so a reader never sees half a file.

use crate::pipeline::ReportResult;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Write `data` to `path` atomically (temp file in the same folder, then rename): a reader or a
/// killed run never sees half a file.  Only the summary CSVs are also fsynced (durable across a
/// power cut); per-report files can always be rebuilt.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    write_file(path, data, false)
}

pub fn write_durable(path: &Path, data: &[u8]) -> Result<()> {
    write_file(path, data, true)
}

fn write_file(path: &Path, data: &[u8], durable: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(data)?;
    if durable {
        f.sync_all()?;
    }
    drop(f);
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// Serialise rows (header from the struct's field names) to CSV bytes.
pub fn csv_bytes<T: Serialize>(rows: &[T], header: &[&str], excel: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if excel {
        buf.extend_from_slice(BOM);
    }
    {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(header)?;
        for r in rows {
            w.serialize(r)?;
        }
        w.flush()?;
    }
    Ok(buf)
}

/// A text a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+1+cmd|…`, `@SUM(…)`, a
/// leading tab or carriage return), prefixed with a single quote so that it stays text
/// (formula injection, OWASP's CSV injection advice).  A number (`-3`, `+5`) and a lone dash
/// (`-`, a printed blank) are left as they are: no spreadsheet runs them.
pub fn excel_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !risky || s == "-" || s.trim().parse::<f64>().is_ok_and(f64::is_finite) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(format!("'{s}"))
    }
}

/// A row serialised like `csv::Writer::serialize` does, as its fields, each made
/// [`excel_safe`] (for the `--excel` CSVs).
pub fn safe_fields<T: Serialize>(row: &T) -> Result<Vec<String>> {
    Ok(row_fields(row)?
        .into_iter()
        .map(|f| excel_safe(&f).into_owned())
        .collect())
}

/// A row's fields as `csv::Writer::serialize` writes them.
pub fn row_fields<T: Serialize>(row: &T) -> Result<Vec<String>> {
    let mut buf = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut buf);
        w.serialize(row)?;
        w.flush()?;
    }
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(buf.as_slice());
    Ok(r.records()
        .next()
        .transpose()?
        .map(|rec| rec.iter().map(str::to_string).collect())
        .unwrap_or_default())
}

/// True when a found grid is a block of prose or a list rather than a table: no row holds two
/// different texts (a merged cell repeats its text across the positions it covers).  Such
/// grids are not written to tables/ (`PROSE_RULE`).
pub fn is_prose_block(grid: &[Vec<String>]) -> bool {
    grid.iter().all(|row| {
        let mut texts = row.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
        let first = texts.next();
        texts.all(|t| Some(t) == first)
    })
}

pub const TABLE_INDEX_HEADER: &[&str] = &[
    "report_id",
    "n",
    "file",
    "page",
    "bbox",
    "rows",
    "cols",
    "template_table",
];

/// tables/index.csv rows of one result: every table written to tables/ (prose blocks are not).
pub fn table_index_rows(r: &ReportResult) -> Vec<Vec<String>> {
    let rid = &r.report.report_id;
    if rid.is_empty() {
        return Vec::new();
    }
    r.tables
        .iter()
        .enumerate()
        .filter(|(_, g)| !is_prose_block(g))
        .map(|(i, g)| {
            let info = r.table_info.get(i).cloned().unwrap_or_default();
            vec![
                rid.clone(),
                (i + 1).to_string(),
                format!("{rid}-{}.csv", i + 1),
                if info.page > 0 {
                    info.page.to_string()
                } else {
                    String::new()
                },
                info.bbox,
                g.len().to_string(),
                g.iter().map(Vec::len).max().unwrap_or(0).to_string(),
                info.template,
            ]
        })
        .collect()
}

/// A found grid as CSV; every cell [`excel_safe`] (these files are meant to be opened in a
/// spreadsheet, so this holds with or without `--excel`).
pub fn grid_csv(grid: &[Vec<String>], excel: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if excel {
        buf.extend_from_slice(BOM);
    }
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        for row in grid {
            w.write_record(row.iter().map(|c| excel_safe(c).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(buf)
}

pub const REPORT_HEADER: &[&str] = &[
    "report_id",
    "source_file",
    "sha256",
    "bytes",
    "pages",
    "kind",
    "format",
    "agency",
    "agency_canonical",
    "province",
    "city",
    "county",
    "division_code",
    "level",
    "identity",
    "year",
    "status",
    "error",
    "cells",
    "flagged",
    "checks_failed",
    "seconds",
];
pub const CELL_HEADER: &[&str] = &[
    "report_id",
    "source_file",
    "table",
    "row",
    "col",
    "value",
    "raw",
    "row_label",
    "col_label",
    "template_row_label",
    "template_col_label",
    "page",
    "bbox",
    "method",
    "confidence",
    "flags",
];
pub const REPAIR_HEADER: &[&str] = &[
    "report_id",
    "source_file",
    "where",
    "raw",
    "repaired",
    "reason",
    "evidence",
];
pub const CHECK_HEADER: &[&str] = &[
    "report_id",
    "source_file",
    "table",
    "check",
    "subject",
    "expected",
    "actual",
    "status",
];

/// cells.csv's `flags` field: the cell's flags by name, `;`-separated (the one place a cell's
/// typed flags become text; `Flag::parse_list` reads the field back).
pub fn flags_field(flags: &[crate::flag::Flag]) -> String {
    flags.iter().map(|f| f.name()).collect::<Vec<_>>().join(";")
}

/// Write the per-report files (tables/, text/) of one result.
pub fn write_report_files(out: &Path, r: &ReportResult, excel: bool) -> Result<()> {
    if r.report.report_id.is_empty() {
        return Ok(());
    }
    for (i, grid) in r
        .tables
        .iter()
        .enumerate()
        .filter(|(_, g)| !is_prose_block(g))
    {
        let p = out
            .join("tables")
            .join(format!("{}-{}.csv", r.report.report_id, i + 1));
        write_atomic(&p, &grid_csv(grid, excel)?)?;
    }
    if !r.text.is_empty() {
        write_atomic(
            &out.join("text").join(format!("{}.txt", r.report.report_id)),
            r.text.as_bytes(),
        )?;
    }
    Ok(())
}

/// Write reports.csv, cells.csv and checks.csv from all results (in the order given).
pub fn write_summary_csvs(
    out: &Path,
    results: &[ReportResult],
    excel: bool,
) -> Result<Vec<PathBuf>> {
    let reports: Vec<_> = results.iter().map(|r| &r.report).collect();
    let cells: Vec<_> = results.iter().flat_map(|r| r.cells.iter()).collect();
    let checks: Vec<_> = results.iter().flat_map(|r| r.checks.iter()).collect();
    let repairs: Vec<_> = results.iter().flat_map(|r| r.repairs.iter()).collect();
    let files = [
        (
            out.join("reports.csv"),
            csv_bytes(&reports, REPORT_HEADER, excel)?,
        ),
        (
            out.join("cells.csv"),
            csv_bytes(&cells, CELL_HEADER, excel)?,
        ),
        (
            out.join("checks.csv"),
            csv_bytes(&checks, CHECK_HEADER, excel)?,
        ),
        (
            out.join("repairs.csv"),
            csv_bytes(&repairs, REPAIR_HEADER, excel)?,
        ),
    ];
    let mut written = Vec::new();
    for (p, data) in files {
        write_durable(&p, &data)?;
        written.push(p);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_numbers_and_dashes_are_not() {
        assert_eq!(
            excel_safe("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(excel_safe("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(excel_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(excel_safe("-1+2"), "'-1+2");
        assert_eq!(excel_safe("\tx"), "'\tx");
        assert_eq!(excel_safe("-"), "-");
        assert_eq!(excel_safe("-3"), "-3");
        assert_eq!(excel_safe("+5"), "+5");
        assert_eq!(excel_safe("予以公开"), "予以公开");
        let grid = vec![vec!["=1+1".to_string(), "-".to_string()]];
        assert_eq!(
            String::from_utf8(grid_csv(&grid, false).unwrap()).unwrap(),
            "'=1+1,-\r\n"
        );
    }

    #[test]
    fn prose_blocks_are_told_from_tables() {
        let g = |rows: &[&[&str]]| {
            rows.iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect::<Vec<Vec<String>>>()
        };
        assert!(is_prose_block(&g(&[
            &["一、总体情况"],
            &["本年度，我区坚持…"]
        ])));
        // a merged title row repeats its text: still one text per row
        assert!(is_prose_block(&g(&[
            &["说明", "说明"],
            &["", "注：数据截至12月31日"]
        ])));
        assert!(!is_prose_block(&g(&[
            &["二、主动公开", "二、主动公开"],
            &["规章", "0"]
        ])));
        let mut r = ReportResult::default();
        r.report.report_id = "abc".into();
        r.tables = vec![g(&[&["本年度，我区坚持…"]]), g(&[&["规章", "0", "1"]])];
        r.table_info = vec![
            Default::default(),
            crate::pipeline::TableInfo {
                page: 2,
                bbox: "1.0 2.0 3.0 4.0".into(),
                template: "active".into(),
            },
        ];
        let rows = table_index_rows(&r);
        assert_eq!(
            rows,
            vec![vec![
                "abc",
                "2",
                "abc-2.csv",
                "2",
                "1.0 2.0 3.0 4.0",
                "1",
                "3",
                "active"
            ]]
        );
    }
}

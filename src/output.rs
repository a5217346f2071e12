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
    let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(data)?;
    if durable {
        f.sync_all()?;
    }
    drop(f);
    std::fs::rename(&tmp, path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// Serialise rows (header from the struct's field names) to CSV bytes.
pub fn csv_bytes<T: Serialize>(rows: &[T], header: &[&str], excel: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if excel {
        buf.extend_from_slice(BOM);
    }
    {
        let mut w = csv::WriterBuilder::new().has_headers(false).terminator(csv::Terminator::CRLF).from_writer(&mut buf);
        w.write_record(header)?;
        for r in rows {
            w.serialize(r)?;
        }
        w.flush()?;
    }
    Ok(buf)
}

pub fn grid_csv(grid: &[Vec<String>], excel: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if excel {
        buf.extend_from_slice(BOM);
    }
    {
        let mut w = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(&mut buf);
        for row in grid {
            w.write_record(row)?;
        }
        w.flush()?;
    }
    Ok(buf)
}

pub const REPORT_HEADER: &[&str] = &[
    "report_id", "source_file", "sha256", "bytes", "pages", "kind", "format", "agency", "year", "status", "error", "cells", "flagged",
    "checks_failed", "seconds",
];
pub const CELL_HEADER: &[&str] = &[
    "report_id", "source_file", "table", "row", "col", "value", "raw", "row_label", "col_label", "page", "bbox", "method", "confidence",
    "flags",
];
pub const REPAIR_HEADER: &[&str] = &["report_id", "source_file", "where", "raw", "repaired", "reason", "evidence"];
pub const CHECK_HEADER: &[&str] = &["report_id", "source_file", "table", "check", "subject", "expected", "actual", "status"];

/// Write the per-report files (tables/, text/) of one result.
pub fn write_report_files(out: &Path, r: &ReportResult, excel: bool) -> Result<()> {
    if r.report.report_id.is_empty() {
        return Ok(());
    }
    for (i, grid) in r.tables.iter().enumerate() {
        let p = out.join("tables").join(format!("{}-{}.csv", r.report.report_id, i + 1));
        write_atomic(&p, &grid_csv(grid, excel)?)?;
    }
    if !r.text.is_empty() {
        write_atomic(&out.join("text").join(format!("{}.txt", r.report.report_id)), r.text.as_bytes())?;
    }
    Ok(())
}

/// Write reports.csv, cells.csv and checks.csv from all results (in the order given).
pub fn write_summary_csvs(out: &Path, results: &[ReportResult], excel: bool) -> Result<Vec<PathBuf>> {
    let reports: Vec<_> = results.iter().map(|r| &r.report).collect();
    let cells: Vec<_> = results.iter().flat_map(|r| r.cells.iter()).collect();
    let checks: Vec<_> = results.iter().flat_map(|r| r.checks.iter()).collect();
    let repairs: Vec<_> = results.iter().flat_map(|r| r.repairs.iter()).collect();
    let files = [
        (out.join("reports.csv"), csv_bytes(&reports, REPORT_HEADER, excel)?),
        (out.join("cells.csv"), csv_bytes(&cells, CELL_HEADER, excel)?),
        (out.join("checks.csv"), csv_bytes(&checks, CHECK_HEADER, excel)?),
        (out.join("repairs.csv"), csv_bytes(&repairs, REPAIR_HEADER, excel)?),
    ];
    let mut written = Vec::new();
    for (p, data) in files {
        write_durable(&p, &data)?;
        written.push(p);
    }
    Ok(written)
}

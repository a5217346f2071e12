//! A person's decisions on doubtful values: `OUT/corrections.csv`, applied by every run.
//!
//! `nianbao review OUT` (see `review`) lets a person confirm or correct the values in doubt; the
//! decisions are rows of `OUT/corrections.csv`:
//!
//! ```text
//! sha256,source_file,cell,value,note,time
//! <content hash>,reports/a.pdf,requests/granted/natural_person,12,"seal over the 1",2026-12-03T15:02:11Z
//! ```
//!
//! They are keyed by the report's content hash and the template cell (`table/row/col`), not by
//! the file name or the pipeline version, so they survive renaming, `--force` and
//! `PIPELINE_VERSION` bumps.  The file is append-friendly: a later row for the same report and
//! cell replaces an earlier one.  Convert never writes it.
//!
//! Applied when the top-level CSVs are rebuilt (`archive::rebuild`, the end of every run), to
//! reused and freshly converted results alike (the stored results are never changed):
//!
//! - `value` equal to the value read: **confirmed**; the value stays, flag `confirmed`.
//! - otherwise **corrected**: `value` becomes the person's, `method` = `corrected`,
//!   `confidence` 1, `raw` keeps the text as read; flag `corrected`.
//!
//! Either way the cell's doubt flags (and facts about how it was read, such as `repaired` or
//! `inferred`) are replaced by `confirmed`/`corrected`, and a repairs.csv row records the
//! decision (reason `corrected` or `confirmed`, raw = the value read, evidence = note and time).
//! The report's checks are then evaluated again on the decided values: checks.csv shows the new
//! results, a check that now passes takes its `check_failed:` flag off every cell, a check that
//! now fails flags all its cells (including decided ones: the report's own arithmetic mistake).
//! Other doubt flags of undecided cells are left as they were (a flag too many, never one too
//! few).  reports.csv's `cells`, `flagged` (cells with a flag other than `confirmed` /
//! `corrected`) and `checks_failed` are recounted.
//!
//! A correction is **not applied** (warning, and counted in the summary as
//! `corrections_unapplied`) when its report changed: its hash is not among this run's inputs
//! but its source_file is (with another hash), or the report has no such cell.  Corrections of
//! files that are not inputs of this run are kept and ignored.  A malformed row is reported
//! with its line number and skipped; it never stops the batch.

use crate::checks;
use crate::flag::Flag;
use crate::output;
use crate::pipeline::{CellRow, ReportResult};
use crate::template::{MappedCell, Mapping};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The file name of the decisions inside an output folder.
pub const FILE: &str = "corrections.csv";
pub const HEADER: &[&str] = &["sha256", "source_file", "cell", "value", "note", "time"];
/// Flag of a cell whose value a person confirmed as read.
pub const CONFIRMED: &str = "confirmed";
/// Flag, method and repairs.csv reason of a cell whose value a person corrected.
pub const CORRECTED: &str = "corrected";

pub fn path(out: &Path) -> PathBuf {
    out.join(FILE)
}

/// One decision (a row of corrections.csv).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub sha256: String,
    pub source_file: String,
    /// `table/row/col`, as in repairs.csv's `where`.
    pub cell: String,
    /// The right value, normalised as cells.csv prints values.
    pub value: String,
    #[serde(default)]
    pub note: String,
    /// When it was decided (UTC, RFC 3339).
    #[serde(default)]
    pub time: String,
}

/// What a person decided about a cell, given the value read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Confirmed,
    Corrected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Confirmed => CONFIRMED,
            Decision::Corrected => CORRECTED,
        }
    }
    /// The flag the decision puts on its cell.
    pub fn flag(self) -> Flag {
        match self {
            Decision::Confirmed => Flag::Confirmed,
            Decision::Corrected => Flag::Corrected,
        }
    }
}

/// Whether a cell carries a person's decision.
pub fn decided(flags: &str) -> bool {
    Flag::parse_list(flags).iter().any(Flag::is_decision)
}

/// The flags that still ask for a look (all but the decisions).
pub fn doubt_flags(flags: &str) -> impl Iterator<Item = Flag> {
    Flag::parse_list(flags)
        .into_iter()
        .filter(|f| !f.is_decision())
}

/// A value as cells.csv prints it: ASCII digits, an optional decimal part, no separators.
/// Full-width digits and thousands separators are accepted; None when it is not a number.
pub fn normalise_value(s: &str) -> Option<String> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            c => c,
        })
        .collect();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t.as_str(), None),
    };
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    Some(match frac {
        Some(f) => format!("{int}.{f}"),
        None => int.to_string(),
    })
}

fn valid_sha(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())
}

fn valid_cell(cell: &str) -> bool {
    let parts: Vec<&str> = cell.split('/').collect();
    let [t, r, c] = parts[..] else { return false };
    crate::schema::schema()
        .table(t)
        .is_some_and(|_| !r.is_empty() && !c.is_empty())
}

/// Parse corrections.csv bytes: the valid decisions (the last one per report and cell) and one
/// warning per row that was skipped.
pub fn parse(data: &[u8]) -> (Vec<Correction>, Vec<String>) {
    let data = data.strip_prefix(crate::output::BOM).unwrap_or(data);
    let mut warnings = Vec::new();
    let mut rd = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let headers = match rd.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return (
                vec![],
                vec![format!(
                    "{FILE} cannot be read ({e}); no correction applied"
                )],
            );
        }
    };
    let missing: Vec<&str> = ["sha256", "cell", "value"]
        .into_iter()
        .filter(|h| !headers.iter().any(|x| x == *h))
        .collect();
    if !missing.is_empty() {
        return (
            vec![],
            vec![format!(
                "{FILE} lacks the column(s) {} (its header must be {}); no correction applied",
                missing.join(", "),
                HEADER.join(",")
            )],
        );
    }
    let mut last: BTreeMap<(String, String), (usize, Correction)> = BTreeMap::new();
    for (i, rec) in rd.deserialize::<Correction>().enumerate() {
        let line = i + 2;
        let mut c = match rec {
            Ok(c) => c,
            Err(e) => {
                warnings.push(format!("{FILE} line {line}: {e}; skipped"));
                continue;
            }
        };
        c.sha256 = c.sha256.trim().to_ascii_lowercase();
        c.cell = c.cell.trim().to_string();
        if !valid_sha(&c.sha256) {
            warnings.push(format!("{FILE} line {line}: sha256 {:?} is not a SHA-256 (64 hex digits, reports.csv's sha256); skipped", c.sha256));
            continue;
        }
        if !valid_cell(&c.cell) {
            warnings.push(format!("{FILE} line {line}: cell {:?} is not table/row/col with a template table (active, requests, appeals); skipped", c.cell));
            continue;
        }
        match normalise_value(&c.value) {
            Some(v) => c.value = v,
            None => {
                warnings.push(format!(
                    "{FILE} line {line}: value {:?} is not a number; skipped",
                    c.value
                ));
                continue;
            }
        }
        last.insert((c.sha256.clone(), c.cell.clone()), (line, c));
    }
    let mut v: Vec<(usize, Correction)> = last.into_values().collect();
    v.sort_by_key(|(l, _)| *l);
    (v.into_iter().map(|(_, c)| c).collect(), warnings)
}

/// Read OUT/corrections.csv (none when it does not exist).
pub fn load(out: &Path) -> (Vec<Correction>, Vec<String>) {
    match std::fs::read(path(out)) {
        Ok(d) => parse(&d),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (vec![], vec![]),
        Err(e) => (
            vec![],
            vec![format!(
                "cannot read {}: {e}; no correction applied",
                path(out).display()
            )],
        ),
    }
}

/// Write corrections.csv bytes (CRLF, like every CSV nianbao writes).
pub fn to_csv(rows: &[Correction]) -> Result<Vec<u8>> {
    crate::output::csv_bytes(rows, HEADER, false)
}

/// Add `new` decisions to OUT/corrections.csv (a later decision on the same cell replaces the
/// earlier one), atomically.  Returns how many rows the file holds.
pub fn append(out: &Path, new: &[Correction]) -> Result<usize> {
    let (mut rows, warnings) = load(out);
    if !warnings.is_empty() && path(out).exists() {
        anyhow::bail!(
            "{} has rows that cannot be read ({}); fix or move it before saving new decisions",
            path(out).display(),
            warnings.join("; ")
        );
    }
    for n in new {
        rows.retain(|r| !(r.sha256 == n.sha256 && r.cell == n.cell));
        rows.push(n.clone());
    }
    crate::output::write_durable(&path(out), &to_csv(&rows)?)
        .with_context(|| format!("cannot write {}", path(out).display()))?;
    Ok(rows.len())
}

/// The current time as RFC 3339 UTC (`2026-12-03T15:02:11Z`).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    rfc3339(secs)
}

/// Seconds since 1970 as RFC 3339 UTC (civil-from-days, proleptic Gregorian).
pub fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The corrections of one run: loaded once, applied to each result as the CSVs are rebuilt.
pub struct Session {
    by_sha: HashMap<String, Vec<Correction>>,
    pub applied: usize,
    /// Why each correction that was not applied was not.
    pub unapplied: Vec<String>,
    /// Rows of corrections.csv that could not be read.
    pub warnings: Vec<String>,
}

impl Session {
    /// Load OUT/corrections.csv for a run over `inputs` (source_file, sha256): the corrections
    /// of a source_file whose content changed are reported at once.
    pub fn load<'a>(out: &Path, inputs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Session {
        let (rows, warnings) = load(out);
        Session::new(rows, warnings, inputs)
    }

    pub fn new<'a>(
        rows: Vec<Correction>,
        warnings: Vec<String>,
        inputs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Session {
        let mut shas: HashSet<&str> = HashSet::new();
        let mut by_file: HashMap<&str, &str> = HashMap::new();
        for (file, sha) in inputs {
            shas.insert(sha);
            by_file.insert(file, sha);
        }
        let mut by_sha: HashMap<String, Vec<Correction>> = HashMap::new();
        let mut unapplied = Vec::new();
        for c in rows {
            if shas.contains(c.sha256.as_str()) {
                by_sha.entry(c.sha256.clone()).or_default().push(c);
            } else if let Some(now) = by_file.get(c.source_file.as_str()) {
                unapplied.push(format!(
                    "correction of {} in {} not applied: the file changed since it was reviewed (sha256 {} then, {} now); review it again",
                    c.cell,
                    c.source_file,
                    short(&c.sha256),
                    short(now)
                ));
            }
        }
        Session {
            by_sha,
            applied: 0,
            unapplied,
            warnings,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_sha.is_empty()
    }

    /// Apply the decisions on this result's report (by its sha256).
    pub fn apply(&mut self, r: &mut ReportResult) {
        let Some(list) = self.by_sha.get(&r.report.sha256) else {
            return;
        };
        let (n, missing) = apply(r, list);
        self.applied += n;
        for c in missing {
            self.unapplied.push(format!(
                "correction of {} in {} not applied: the report has no such template cell",
                c.cell, r.report.source_file
            ));
        }
    }

    /// Print the warnings (stderr and the log); returns (applied, unapplied).
    pub fn finish(self) -> (usize, usize) {
        for w in self.warnings.iter().chain(&self.unapplied) {
            tracing::warn!("{w}");
            eprintln!("nianbao: warning: {w}");
        }
        (self.applied, self.unapplied.len())
    }
}

fn short(sha: &str) -> &str {
    &sha[..16.min(sha.len())]
}

fn cell_key(c: &CellRow) -> String {
    format!("{}/{}/{}", c.table, c.row, c.col)
}

/// Apply `list` (decisions on this report) to `r`; returns how many were applied and the ones
/// whose cell the report does not have.
pub fn apply<'a>(r: &mut ReportResult, list: &'a [Correction]) -> (usize, Vec<&'a Correction>) {
    let mut missing = Vec::new();
    let mut applied = 0;
    for c in list {
        let Some(cell) = r.cells.iter_mut().find(|x| cell_key(x) == c.cell) else {
            missing.push(c);
            continue;
        };
        let read = cell.value.clone();
        let decision = if same_number(&read, &c.value) {
            Decision::Confirmed
        } else {
            Decision::Corrected
        };
        let kept = Flag::parse_list(&cell.flags)
            .into_iter()
            .filter(|f| matches!(f, Flag::CheckFailed { .. }));
        let flags: Vec<Flag> = std::iter::once(decision.flag()).chain(kept).collect();
        cell.flags = output::flags_field(&flags);
        if decision == Decision::Corrected {
            cell.value = c.value.clone();
            cell.method = CORRECTED.into();
            cell.confidence = "1.00".into();
        }
        let evidence = match (c.note.trim(), c.time.trim()) {
            ("", "") => "by review".to_string(),
            ("", t) => format!("by review, {t}"),
            (n, "") => format!("by review: {n}"),
            (n, t) => format!("by review, {t}: {n}"),
        };
        r.repairs.push(crate::pipeline::RepairRow {
            report_id: r.report.report_id.clone(),
            source_file: r.report.source_file.clone(),
            location: c.cell.clone(),
            raw: read,
            repaired: c.value.clone(),
            reason: decision.as_str().into(),
            evidence,
        });
        applied += 1;
    }
    if applied > 0 {
        recheck(r);
    }
    (applied, missing)
}

fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 1e-9,
        _ => false,
    }
}

/// The template as cells.csv holds it, for evaluating the checks again.
fn mapping_of(cells: &[CellRow]) -> Mapping {
    let cells: Vec<MappedCell> = cells
        .iter()
        .map(|c| MappedCell {
            table: c.table.clone(),
            row: c.row.clone(),
            col: c.col.clone(),
            value: (!c.value.is_empty()).then(|| c.value.clone()),
            raw: c.raw.clone(),
            row_label: c.row_label.clone(),
            col_label: c.col_label.clone(),
            page: c.page.parse().ok(),
            bbox: None,
            method: crate::template::Method::parse(&c.method),
            confidence: c.confidence.parse().unwrap_or(0.0),
            word_confidence: 1.0,
            alternatives: vec![],
            flags: vec![],
        })
        .collect();
    // each table's format: the schema whose table has every row the cells name
    let formats = (0..3)
        .map(|ti| {
            crate::schema::schemas()
                .iter()
                .find(|s| {
                    let def = s.tables()[ti];
                    let of_table: Vec<&MappedCell> = cells
                        .iter()
                        .filter(|c: &&MappedCell| c.table == def.key)
                        .collect();
                    !of_table.is_empty()
                        && of_table.iter().all(|c| {
                            def.row(&c.row)
                                .is_some_and(|r| r.cols.iter().any(|(k, _)| *k == c.col))
                        })
                })
                .map(|s| s.format.clone())
                .unwrap_or_default()
        })
        .collect();
    Mapping {
        cells,
        read: 0,
        found: [true; 3],
        formats,
        ..Default::default()
    }
}

/// Evaluate the report's checks again on its (decided) values and bring checks.csv, the
/// `check_failed:` flags and reports.csv's counts in line.
fn recheck(r: &mut ReportResult) {
    if r.checks.is_empty() {
        return;
    }
    let m = mapping_of(&r.cells);
    let new = checks::evaluate(&m);
    let was_failing: HashSet<Flag> = r
        .checks
        .iter()
        .filter(|c| c.status == "fail")
        .map(|c| Flag::check_failed(&c.check, &c.subject))
        .collect();
    let (rid, shown) = (r.report.report_id.clone(), r.report.source_file.clone());
    for ch in &new {
        let flag = ch.failure_flag();
        let failing = ch.status() == checks::CheckStatus::Fail;
        if failing && was_failing.contains(&flag) {
            continue; // the suspects verify chose stay flagged
        }
        for id in &ch.cells {
            let Some(cell) = r
                .cells
                .iter_mut()
                .find(|c| c.table == id.table && c.row == id.row && c.col == id.col)
            else {
                continue;
            };
            let mut flags: Vec<Flag> = Flag::parse_list(&cell.flags)
                .into_iter()
                .filter(|f| *f != flag)
                .collect();
            if failing {
                flags.push(flag.clone());
            }
            cell.flags = output::flags_field(&flags);
        }
    }
    r.checks = new
        .iter()
        .map(|c| crate::pipeline::check_row(&rid, &shown, c))
        .collect();
    r.report.cells = r.cells.iter().filter(|c| !c.value.is_empty()).count() as u32;
    r.report.flagged = r
        .cells
        .iter()
        .filter(|c| doubt_flags(&c.flags).next().is_some())
        .count() as u32;
    r.report.checks_failed = r.checks.iter().filter(|c| c.status == "fail").count() as u32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::CheckRow;

    const SHA: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SHA2: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn corr(cell: &str, value: &str) -> Correction {
        Correction {
            sha256: SHA.into(),
            source_file: "a.pdf".into(),
            cell: cell.into(),
            value: value.into(),
            note: "seal".into(),
            time: "2026-12-03T15:00:00Z".into(),
        }
    }

    /// A report whose requests table is all zeros but `granted`: natural_person 5, total 5 (so
    /// every check passes), appeals zeros, with the given flags on granted/natural_person.
    fn report(flags: &str) -> ReportResult {
        let s = crate::schema::schema();
        let mut cells = Vec::new();
        for t in s.tables() {
            for (row, (col, _)) in t.cells() {
                let five = t.key == "requests"
                    && ["granted", "total_processed", "new_received"].contains(&row.key.as_str())
                    && (col == "natural_person" || col == "total");
                let v = if five { "5" } else { "0" };
                cells.push(CellRow {
                    report_id: "aaaa".into(),
                    source_file: "a.pdf".into(),
                    table: t.key.clone(),
                    row: row.key.clone(),
                    col: col.clone(),
                    value: v.into(),
                    raw: v.into(),
                    method: "lattice".into(),
                    confidence: "0.80".into(),
                    ..Default::default()
                });
            }
        }
        let c = cells
            .iter_mut()
            .find(|c| c.table == "requests" && c.row == "granted" && c.col == "natural_person")
            .unwrap();
        c.flags = flags.into();
        let mut r = ReportResult {
            cells,
            ..Default::default()
        };
        r.report.sha256 = SHA.into();
        r.report.source_file = "a.pdf".into();
        let m = mapping_of(&r.cells);
        r.checks = checks::evaluate(&m)
            .iter()
            .map(|c| crate::pipeline::check_row("aaaa", "a.pdf", c))
            .collect();
        r
    }

    fn get<'a>(r: &'a ReportResult, key: &str) -> &'a CellRow {
        r.cells.iter().find(|c| cell_key(c) == key).unwrap()
    }

    fn check<'a>(r: &'a ReportResult, check: &str, subject: &str) -> &'a CheckRow {
        r.checks
            .iter()
            .find(|c| c.check == check && c.subject == subject)
            .unwrap()
    }

    #[test]
    fn the_fixture_report_passes_its_checks() {
        let r = report("");
        assert!(
            r.checks.iter().all(|c| c.status == "pass"),
            "{:?}",
            r.checks
                .iter()
                .filter(|c| c.status != "pass")
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn values_are_normalised_or_refused() {
        assert_eq!(normalise_value(" 1,234 ").as_deref(), Some("1234"));
        assert_eq!(normalise_value("０１２").as_deref(), Some("12"));
        assert_eq!(normalise_value("44381.44").as_deref(), Some("44381.44"));
        assert_eq!(normalise_value("0").as_deref(), Some("0"));
        for bad in ["", "-", "1.2.3", "12a", "—", "-3", ".5"] {
            assert_eq!(normalise_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn parsing_keeps_the_last_decision_per_cell_and_reports_bad_rows() {
        let csv = format!(
            "\u{feff}sha256,source_file,cell,value,note,time\r\n\
             {SHA},a.pdf,requests/granted/natural_person,7,first,t1\r\n\
             {SHA},a.pdf,requests/granted/total,7,,t1\r\n\
             xyz,a.pdf,requests/granted/total,7,,t1\r\n\
             {SHA},a.pdf,nosuch/granted/total,7,,t1\r\n\
             {SHA},a.pdf,requests/granted/total,seven,,t1\r\n\
             {SHA},a.pdf,requests/granted/natural_person,8,second,t2\r\n"
        );
        let (rows, warnings) = parse(csv.as_bytes());
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(
            (rows[0].cell.as_str(), rows[0].value.as_str()),
            ("requests/granted/total", "7")
        );
        assert_eq!(
            (rows[1].value.as_str(), rows[1].note.as_str()),
            ("8", "second")
        );
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("line 4") && warnings[0].contains("sha256"));
        assert!(warnings[1].contains("line 5") && warnings[1].contains("cell"));
        assert!(warnings[2].contains("line 6") && warnings[2].contains("not a number"));
    }

    #[test]
    fn a_file_without_the_columns_applies_nothing_and_says_why() {
        let (rows, w) = parse(b"report,cell\r\nx,y\r\n");
        assert!(rows.is_empty());
        assert!(w[0].contains("sha256") && w[0].contains("value"), "{w:?}");
    }

    #[test]
    fn written_rows_read_back() {
        let rows = vec![
            corr("requests/granted/natural_person", "7"),
            Correction {
                note: "a, \"quoted\"\nnote".into(),
                ..corr("appeals/cases/review_total", "3")
            },
        ];
        let (back, w) = parse(&to_csv(&rows).unwrap());
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back, rows);
    }

    #[test]
    fn a_correction_replaces_the_value_keeps_the_reading_and_rechecks() {
        let mut r = report("low_confidence;unverified");
        let list = vec![corr("requests/granted/natural_person", "6")];
        let (n, missing) = apply(&mut r, &list);
        assert_eq!((n, missing.len()), (1, 0));
        let c = get(&r, "requests/granted/natural_person");
        assert_eq!(
            (
                c.value.as_str(),
                c.raw.as_str(),
                c.method.as_str(),
                c.confidence.as_str()
            ),
            ("6", "5", "corrected", "1.00")
        );
        // 6 != total 5: the row's check now fails and flags its cells, the corrected one too
        assert_eq!(check(&r, "row_total", "granted").status, "fail");
        assert_eq!(
            c.flags,
            "corrected;check_failed:row_total:granted;check_failed:results_total:natural_person"
        );
        assert!(
            get(&r, "requests/granted/total")
                .flags
                .contains("check_failed:row_total:granted")
        );
        assert_eq!(
            r.report.checks_failed,
            r.checks.iter().filter(|c| c.status == "fail").count() as u32
        );
        assert!(r.report.checks_failed >= 2, "the column sum fails too");
        let rep = r.repairs.last().unwrap();
        assert_eq!(
            (
                rep.location.as_str(),
                rep.raw.as_str(),
                rep.repaired.as_str(),
                rep.reason.as_str()
            ),
            ("requests/granted/natural_person", "5", "6", "corrected")
        );
        assert!(rep.evidence.contains("seal") && rep.evidence.contains("2026-12-03T15:00:00Z"));
    }

    #[test]
    fn a_confirmation_keeps_the_value_and_clears_the_doubts() {
        let mut r = report("low_confidence;repaired");
        apply(&mut r, &[corr("requests/granted/natural_person", "5")]);
        let c = get(&r, "requests/granted/natural_person");
        assert_eq!(
            (c.value.as_str(), c.method.as_str(), c.flags.as_str()),
            ("5", "lattice", "confirmed")
        );
        assert_eq!(r.repairs.last().unwrap().reason, "confirmed");
        assert!(r.checks.iter().all(|c| c.status == "pass"));
        assert_eq!(
            r.report.flagged, 0,
            "a decided cell is not counted as flagged"
        );
    }

    #[test]
    fn a_correction_that_makes_a_check_pass_takes_its_flag_off_every_cell() {
        let mut r = report("");
        // misread: 8 instead of 5, the row total fails and flags its cells
        let f = "check_failed:row_total:granted";
        for c in r
            .cells
            .iter_mut()
            .filter(|c| c.table == "requests" && c.row == "granted")
        {
            c.flags = f.into();
        }
        r.cells
            .iter_mut()
            .find(|c| cell_key(c) == "requests/granted/natural_person")
            .unwrap()
            .value = "8".into();
        r.checks
            .iter_mut()
            .find(|c| c.check == "row_total" && c.subject == "granted")
            .unwrap()
            .status = "fail".into();
        apply(&mut r, &[corr("requests/granted/natural_person", "5")]);
        assert!(
            r.cells.iter().all(|c| !c.flags.contains(f)),
            "{:?}",
            r.cells
                .iter()
                .filter(|c| c.flags.contains(f))
                .collect::<Vec<_>>()
        );
        assert_eq!(check(&r, "row_total", "granted").status, "pass");
        assert_eq!(
            get(&r, "requests/granted/natural_person").flags,
            "corrected"
        );
    }

    #[test]
    fn a_missing_cell_is_reported_not_applied() {
        let mut r = report("");
        r.cells.retain(|c| c.table != "appeals");
        let list = vec![corr("appeals/cases/review_total", "1")];
        let (n, missing) = apply(&mut r, &list);
        assert_eq!((n, missing.len()), (0, 1));
        assert!(r.repairs.is_empty());
    }

    #[test]
    fn a_report_that_changed_under_the_same_name_is_reported() {
        let rows = vec![
            corr("requests/granted/natural_person", "6"),
            Correction {
                source_file: "gone.pdf".into(),
                ..corr("requests/granted/total", "1")
            },
        ];
        // a.pdf now has another content; gone.pdf is not an input of this run
        let s = Session::new(rows.clone(), vec![], [("a.pdf", SHA2)]);
        assert!(s.is_empty());
        assert_eq!(s.unapplied.len(), 1);
        assert!(
            s.unapplied[0].contains("a.pdf") && s.unapplied[0].contains("changed"),
            "{:?}",
            s.unapplied
        );
        // same content under a new name: applied (both rows name this content)
        let mut s = Session::new(rows, vec![], [("renamed.pdf", SHA)]);
        let mut r = report("");
        s.apply(&mut r);
        assert_eq!((s.applied, s.unapplied.len()), (2, 0));
        assert_eq!(get(&r, "requests/granted/natural_person").value, "6");
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_310_131), "2026-12-03T15:02:11Z");
    }
}

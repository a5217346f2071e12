//! The template's arithmetic (勾稽关系), evaluated on the mapped cells.  A failed check is
//! recorded and its cells flagged; no printed value is ever changed to make a check pass.
//! What the checks confirm or leave unverified becomes flags in `crate::verify`.

use crate::flag::Flag;
use crate::schema::Over;
use crate::template::{CellId, Mapping};

/// A check's outcome: `Unknown` when a cell it reads is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    Unknown,
}

impl CheckStatus {
    /// As checks.csv writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub table: String,
    /// The constraint's name in the schema file (row_total, results_total, balance,
    /// group_total): data, so a new format's constraints need no new code.
    pub check: String,
    /// The row, column or group checked.
    pub subject: String,
    /// What the parts add up to.
    pub expected: Option<f64>,
    /// What the report prints.
    pub actual: Option<f64>,
    pub pass: bool,
    /// The cells the check reads: the parts first, then the totals.
    pub cells: Vec<CellId>,
    /// How many of `cells` are parts (the rest are totals): sum(parts) == sum(totals).
    pub parts: usize,
}

impl Check {
    /// The flag a failed check puts on its cells: `check_failed:<check>:<subject>`.
    pub fn failure_flag(&self) -> Flag {
        Flag::check_failed(&self.check, &self.subject)
    }
    pub fn status(&self) -> CheckStatus {
        match (self.expected, self.actual) {
            (Some(_), Some(_)) if self.pass => CheckStatus::Pass,
            (Some(_), Some(_)) => CheckStatus::Fail,
            _ => CheckStatus::Unknown,
        }
    }
}

/// The applicant columns of the requests table (the same in every format).
pub const REQUEST_COLS: [&str; 7] = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
];

/// How far a constraint's two sums may differ and still agree (decimal amounts in floating
/// point).
pub const SUM_TOLERANCE: f64 = 1e-6;

fn sum(m: &Mapping, cells: &[CellId]) -> Option<f64> {
    cells
        .iter()
        .map(|id| m.get(&id.table, &id.row, &id.col).and_then(|x| x.number()))
        .sum()
}

fn make(
    m: &Mapping,
    table: &str,
    check: &str,
    subject: String,
    parts: Vec<CellId>,
    totals: Vec<CellId>,
) -> Check {
    let expected = sum(m, &parts);
    let actual = sum(m, &totals);
    let pass = matches!((expected, actual), (Some(e), Some(a)) if (e - a).abs() < SUM_TOLERANCE);
    let n_parts = parts.len();
    let mut cells = parts;
    cells.extend(totals);
    Check {
        table: table.into(),
        check: check.into(),
        subject,
        expected,
        actual,
        pass,
        cells,
        parts: n_parts,
    }
}

/// The cells of a constraint's pattern (`row.col`, `{}` the subject).
pub(crate) fn instantiate(table: &str, patterns: &[String], subject: &str) -> Vec<CellId> {
    patterns
        .iter()
        .filter_map(|p| {
            let cell = p.replace("{}", subject);
            let (r, c) = cell.split_once('.')?;
            Some(CellId::new(table, r, c))
        })
        .collect()
}

/// Every constraint of the templates of the mapping's tables (`schema` files), in the files'
/// order: each constraint over every row, column or listed subject.
pub fn evaluate(m: &Mapping) -> Vec<Check> {
    let mut out = Vec::new();
    for def in m.defs() {
        for c in &def.constraints {
            let subjects: Vec<String> = match &c.over {
                Over::Axis(a) if a == "rows" => def.rows.iter().map(|r| r.key.clone()).collect(),
                Over::Axis(_) => def.col_keys().iter().map(|k| k.to_string()).collect(),
                Over::List(l) => l.clone(),
            };
            for s in subjects {
                let parts = instantiate(&def.key, &c.parts, &s);
                let totals = instantiate(&def.key, &c.totals, &s);
                out.push(make(m, &def.key, &c.name, s, parts, totals));
            }
        }
    }
    out
}

/// Flag every cell that takes part in a failed check (`verify::flag_doubts` then takes the flag
/// off the cells another check confirms, when the failure has other suspects).
pub fn flag_failures(m: &mut Mapping, checks: &[Check]) {
    for ch in checks.iter().filter(|c| c.status() == CheckStatus::Fail) {
        let f = ch.failure_flag();
        for id in &ch.cells {
            if let Some(cell) = m.get_mut(&id.table, &id.row, &id.col) {
                cell.flag(f.clone());
            }
        }
    }
}

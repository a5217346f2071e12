//! The template's arithmetic (勾稽关系), evaluated on the mapped cells.  A failed check is
//! recorded and its cells flagged; no printed value is ever changed to make a check pass.
//! What the checks confirm or leave unverified becomes flags in `crate::verify`.

use crate::template::Mapping;

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub table: String,
    /// row_total | results_total | balance | group_total
    pub check: String,
    /// The row, column or group checked.
    pub subject: String,
    /// What the parts add up to.
    pub expected: Option<f64>,
    /// What the report prints.
    pub actual: Option<f64>,
    pub pass: bool,
    /// The cells (table, row, col) the check reads: the parts first, then the totals.
    pub cells: Vec<(String, String, String)>,
    /// How many of `cells` are parts (the rest are totals): sum(parts) == sum(totals).
    pub parts: usize,
}

impl Check {
    /// The flag a failed check puts on its cells: `check_failed:<check>:<subject>`.
    pub fn failure_flag(&self) -> String {
        format!("check_failed:{}:{}", self.check, self.subject)
    }
    pub fn status(&self) -> &'static str {
        match (self.expected, self.actual) {
            (Some(_), Some(_)) if self.pass => "pass",
            (Some(_), Some(_)) => "fail",
            _ => "unknown",
        }
    }
}

pub const RESULT_ROWS: [&str; 21] = [
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_forbidden",
    "denied_three_safety",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_inquiry",
    "unable_not_held",
    "unable_need_creation",
    "unable_unclear",
    "rejected_petition",
    "rejected_repeat",
    "rejected_publication",
    "rejected_massive",
    "rejected_confirmation",
    "other_overdue_correction",
    "other_overdue_fee",
    "other_other",
];
pub const PARTIES: [&str; 6] = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org"];
pub const REQUEST_COLS: [&str; 7] = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"];
pub const APPEAL_GROUPS: [&str; 3] = ["review", "litigation_direct", "litigation_after_review"];

fn sum(m: &Mapping, cells: &[(String, String, String)]) -> Option<f64> {
    cells.iter().map(|(t, r, c)| m.get(t, r, c).and_then(|x| x.number())).sum()
}

fn key(t: &str, r: &str, c: &str) -> (String, String, String) {
    (t.to_string(), r.to_string(), c.to_string())
}

fn make(m: &Mapping, table: &str, check: &str, subject: String, parts: Vec<(String, String, String)>, totals: Vec<(String, String, String)>) -> Check {
    let expected = sum(m, &parts);
    let actual = sum(m, &totals);
    let pass = matches!((expected, actual), (Some(e), Some(a)) if (e - a).abs() < 1e-6);
    let n_parts = parts.len();
    let mut cells = parts;
    cells.extend(totals);
    Check { table: table.into(), check: check.into(), subject, expected, actual, pass, cells, parts: n_parts }
}

/// Every constraint of the template, in a fixed order.
pub fn evaluate(m: &Mapping) -> Vec<Check> {
    let mut out = Vec::new();
    let rows: Vec<String> = crate::schema::schema().requests.rows.iter().map(|r| r.key.clone()).collect();
    for r in &rows {
        let parts = PARTIES.iter().map(|c| key("requests", r, c)).collect();
        out.push(make(m, "requests", "row_total", r.clone(), parts, vec![key("requests", r, "total")]));
    }
    for c in REQUEST_COLS {
        let parts = RESULT_ROWS.iter().map(|r| key("requests", r, c)).collect();
        out.push(make(m, "requests", "results_total", c.to_string(), parts, vec![key("requests", "total_processed", c)]));
    }
    for c in REQUEST_COLS {
        let parts = vec![key("requests", "new_received", c), key("requests", "carried_over", c)];
        let totals = vec![key("requests", "total_processed", c), key("requests", "carried_forward", c)];
        out.push(make(m, "requests", "balance", c.to_string(), parts, totals));
    }
    for g in APPEAL_GROUPS {
        let parts = ["upheld", "corrected", "other", "pending"].iter().map(|l| key("appeals", "cases", &format!("{g}_{l}"))).collect();
        out.push(make(m, "appeals", "group_total", g.to_string(), parts, vec![key("appeals", "cases", &format!("{g}_total"))]));
    }
    out
}

/// Flag every cell that takes part in a failed check (`verify::flag_doubts` then takes the flag
/// off the cells another check confirms, when the failure has other suspects).
pub fn flag_failures(m: &mut Mapping, checks: &[Check]) {
    for ch in checks.iter().filter(|c| c.status() == "fail") {
        let f = ch.failure_flag();
        for (t, r, c) in &ch.cells {
            if let Some(cell) = m.get_mut(t, r, c) {
                cell.flag(f.clone());
            }
        }
    }
}

//! Number repair on the mapped template cells, before the checks are evaluated.
//!
//! Rules, in the order they run (repeated while they change something):
//! 1. *Unreadable cell* (`unparseable`): its readings are the producer's alternatives and the
//!    text with look-alike letters read as digits (O→0, l/I/|→1, S→5, B→8 ...) and stray marks
//!    at its ends dropped (`.20`, `18.`, `0一`: a speck or a ruling remnant).  When the
//!    cell's checks can be evaluated, the one reading that passes them all is taken; when no
//!    check covers the cell, or the checks fail whatever the reading (other cells are wrong),
//!    the look-alike reading is taken only if every non-digit is a look-alike.
//! 2. *Cell breaking its checks*: a cell in doubt that takes part in two or more failed checks
//!    (its row and its column) is replaced by the one reading — alternatives, look-alikes,
//!    one digit swapped for a confusable digit (0/8/6/9, 1/7, 3/8, 5/6) — that makes all its
//!    checks pass.  No reading or several readings: nothing changes (a report's own mistake
//!    stays as printed and the checks flag it).
//!    2b. *Two misreadings on the same checks*: when no single cell's reading explains the
//!    failures, two cells in doubt that share a check and are each in a failed check of their
//!    own are changed together, when exactly one pair of readings makes every check over
//!    either cell pass (`0 0 | 0` read `9 9 | 0`: the row and both columns fail; `9 0 | 9` read
//!    `3 6 | 9`: the row passes by accident, both columns fail).
//! 3. *Shifted row*: a requests row that lost one number (six of seven read, the position of
//!    the lost one unknown) is tried with the gap at every position, the gap filled by the row
//!    total; the arrangements whose row and column checks all pass are kept, and the row is
//!    rebuilt only when all of them agree on every value.
//! 4. *Missing cell*: a cell without a value that a check determines (all its other cells
//!    known) gets that value when every check that determines it agrees and the result is a
//!    non-negative integer; it is flagged `inferred`.
//!
//! Values in doubt that no check confirms are flagged after the checks, by `crate::verify`.
//!
//! Only cells below `CERTAIN` word confidence are changed, and missing cells only in rows read
//! from such cells (or, for rows without any read cell, in documents that have them): a
//! text-layer document is never touched.  Every change is recorded and flagged `repaired`.

use super::{CERTAIN, Repair};
use crate::checks::{self, REQUEST_COLS};
use crate::flag::Flag;
use crate::template::{CellId, MappedCell, Mapping, Method};
use crate::values::{self, Parsed};
use std::collections::HashMap;

pub use crate::values::lookalike;

/// Digits OCR confuses with each other.
const DIGIT_PAIRS: &[(char, char)] = &[
    ('0', '8'),
    ('0', '6'),
    ('0', '9'),
    ('3', '8'),
    ('5', '6'),
    ('6', '8'),
    ('8', '9'),
    ('1', '7'),
    ('4', '9'),
    ('2', '7'),
];

/// The text with every look-alike read as a digit and stray marks at its ends dropped, when
/// the result is a number.
pub fn lookalike_reading(raw: &str) -> Option<String> {
    values::cleaned_number(raw, false)
}

/// A cell's look-alike reading (as [`lookalike_reading`], a leading dot kept as the decimal
/// point in a decimal cell), with why: look-alike letters, or stray marks at the ends.
fn cell_reading(c: &MappedCell) -> Option<(String, &'static str)> {
    // (a row and column of some format's active table: the keys say which format)
    let decimal = c.table == "active"
        && crate::schema::schemas().iter().any(|s| {
            s.active
                .row(&c.row)
                .is_some_and(|r| r.decimal && r.cols.iter().any(|x| x.0 == c.col))
        });
    let v = values::cleaned_number(&c.raw, decimal)?;
    let why = if values::lookalike_number(&c.raw).is_some_and(|l| same_number(&l, &v)) {
        "digit_confusion"
    } else {
        "stray_mark"
    };
    Some((v, why))
}

/// Every number a cell might say: alternatives, look-alike reading, one confusable digit.
pub fn readings(raw: &str, alternatives: &[String]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let push = |v: String, why: &'static str, out: &mut Vec<(String, &'static str)>| {
        if !out.iter().any(|(x, _)| same_number(x, &v)) {
            out.push((v, why));
        }
    };
    for a in alternatives {
        if let Parsed::Number(n) = values::parse(a) {
            push(n, "alternative_reading", &mut out);
        }
    }
    let base = match values::parse(raw) {
        Parsed::Number(n) => Some(n),
        Parsed::Zero => None,
        Parsed::Text => lookalike_reading(raw),
    };
    if let Some(b) = &base {
        if values::parse(raw) == Parsed::Text {
            push(b.clone(), "digit_confusion", &mut out);
        }
        let cs: Vec<char> = b.chars().collect();
        for (i, &c) in cs.iter().enumerate() {
            for &(x, y) in DIGIT_PAIRS {
                let to = if c == x {
                    y
                } else if c == y {
                    x
                } else {
                    continue;
                };
                let mut v = cs.clone();
                v[i] = to;
                let s: String = v.into_iter().collect();
                if s.len() > 1 && s.starts_with('0') {
                    continue;
                }
                push(s, "digit_confusion", &mut out);
            }
        }
    }
    out
}

fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{}", (v * 1e6).round() / 1e6)
    }
}

/// The checks as index lists into the mapping's cells.
struct Structure {
    checks: Vec<(String, Vec<usize>, usize)>,
}

impl Structure {
    fn new(m: &Mapping) -> Self {
        let idx: HashMap<CellId, usize> = m
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id(), i))
            .collect();
        let checks = checks::evaluate(m)
            .into_iter()
            .filter_map(|c| {
                let cells: Option<Vec<usize>> =
                    c.cells.iter().map(|k| idx.get(k).copied()).collect();
                cells.map(|v| (format!("{}:{}", c.check, c.subject), v, c.parts))
            })
            .collect();
        Structure { checks }
    }
    fn of(&self, cell: usize) -> Vec<usize> {
        (0..self.checks.len())
            .filter(|&k| self.checks[k].1.contains(&cell))
            .collect()
    }
}

fn val(m: &Mapping, i: usize, ov: &HashMap<usize, f64>) -> Option<f64> {
    ov.get(&i).copied().or_else(|| m.cells[i].number())
}

/// Whether check k passes with overrides; None when a cell is unknown.
fn passes(m: &Mapping, s: &Structure, k: usize, ov: &HashMap<usize, f64>) -> Option<bool> {
    let (_, cells, parts) = &s.checks[k];
    let mut lhs = 0.0;
    let mut rhs = 0.0;
    for (j, &i) in cells.iter().enumerate() {
        let v = val(m, i, ov)?;
        if j < *parts {
            lhs += v;
        } else {
            rhs += v;
        }
    }
    Some((lhs - rhs).abs() < 1e-6)
}

/// The value check k implies for cell i (all its other cells known).
fn implied(
    m: &Mapping,
    s: &Structure,
    k: usize,
    i: usize,
    ov: &HashMap<usize, f64>,
) -> Option<f64> {
    let (_, cells, parts) = &s.checks[k];
    let mut lhs = 0.0;
    let mut rhs = 0.0;
    let mut side = None;
    for (j, &c) in cells.iter().enumerate() {
        if c == i {
            side = Some(j < *parts);
            continue;
        }
        let v = val(m, c, ov)?;
        if j < *parts {
            lhs += v;
        } else {
            rhs += v;
        }
    }
    match side? {
        true => Some(rhs - lhs),
        false => Some(lhs - rhs),
    }
}

fn describe(s: &Structure, ks: &[usize]) -> String {
    ks.iter()
        .map(|&k| s.checks[k].0.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

fn loc(c: &MappedCell) -> String {
    format!("{}/{}/{}", c.table, c.row, c.col)
}

fn set_value(c: &mut MappedCell, v: String, inferred: bool) {
    // A value is a normalised number: digits joined from a split reading ("0 50") lose their
    // leading zeros, like any other value.
    let v = match v.trim_start_matches('0') {
        t if t.len() < v.len() && v.bytes().all(|b| b.is_ascii_digit()) => {
            if t.is_empty() {
                "0".to_string()
            } else {
                t.to_string()
            }
        }
        _ => v,
    };
    c.value = Some(v);
    c.flags
        .retain(|f| *f != Flag::Unparseable && *f != Flag::NotFound);
    if inferred {
        c.method = Method::Inferred;
        c.flag(Flag::Inferred);
    }
    c.flag(Flag::Repaired);
}

/// Whether missing cell i may be filled: its row was read from cells in doubt (or, when
/// nothing of the row was read, the document has such cells).
fn missing_in_doubt(m: &Mapping, i: usize, doc_doubt: bool) -> bool {
    let c = &m.cells[i];
    if c.method == Method::Derived {
        return false;
    }
    let row: Vec<&MappedCell> = m
        .cells
        .iter()
        .filter(|x| {
            x.table == c.table && x.row == c.row && x.value.is_some() && x.method != Method::Derived
        })
        .collect();
    if row.is_empty() {
        doc_doubt
    } else {
        row.iter().any(|x| x.word_confidence < CERTAIN)
    }
}

/// Repair the numbers of a mapping.  Returns what was changed.
pub fn repair_mapping(m: &mut Mapping) -> Vec<Repair> {
    let mut out = Vec::new();
    let s = Structure::new(m);
    let doc_doubt = m
        .cells
        .iter()
        .any(|c| c.value.is_some() && c.method.counts_as_read() && c.word_confidence < CERTAIN);
    for _round in 0..4 {
        let before = out.len();
        unreadable(m, &s, &mut out);
        breaking(m, &s, &mut out);
        if out.len() == before {
            joint(m, &s, doc_doubt, &mut out);
        }
        shifted_rows(m, &s, doc_doubt, &mut out);
        missing(m, &s, doc_doubt, &mut out);
        if out.len() == before {
            break;
        }
    }
    out
}

/// Rule 1.
fn unreadable(m: &mut Mapping, s: &Structure, out: &mut Vec<Repair>) {
    for i in 0..m.cells.len() {
        let c = &m.cells[i];
        if c.value.is_some()
            || !c.flags.contains(&Flag::Unparseable)
            || c.word_confidence >= CERTAIN
        {
            continue;
        }
        let ks = s.of(i);
        // the producer's alternatives and the look-alike reading; no digit swapped on top of a
        // look-alike (two guesses at once)
        let mut cands: Vec<(String, &'static str)> = Vec::new();
        for a in &c.alternatives {
            if let Parsed::Number(n) = values::parse(a)
                && !cands.iter().any(|(x, _)| same_number(x, &n))
            {
                cands.push((n, "alternative_reading"));
            }
        }
        let clean = cell_reading(c);
        if let Some((n, why)) = &clean
            && !cands.iter().any(|(x, _)| same_number(x, n))
        {
            cands.push((n.clone(), why));
        }
        let mut evaluable = false;
        let mut ok: Vec<(String, &'static str)> = Vec::new();
        for (v, why) in &cands {
            let Ok(x) = v.parse::<f64>() else { continue };
            let ov = HashMap::from([(i, x)]);
            let res: Vec<Option<bool>> = ks.iter().map(|&k| passes(m, s, k, &ov)).collect();
            if res.iter().any(|r| r.is_some()) {
                evaluable = true;
            }
            if res.iter().all(|r| *r != Some(false)) {
                ok.push((v.clone(), why));
            }
        }
        let pick = if evaluable {
            // the readings that pass every evaluable check; exactly one
            let passing: Vec<&(String, &str)> = ok
                .iter()
                .filter(|(v, _)| {
                    let ov = HashMap::from([(i, v.parse::<f64>().unwrap_or(f64::NAN))]);
                    ks.iter().any(|&k| passes(m, s, k, &ov) == Some(true))
                })
                .collect();
            if passing.len() == 1 {
                Some((
                    passing[0].0.clone(),
                    passing[0].1,
                    format!("{} pass", describe(s, &ks)),
                ))
            } else if ok.is_empty() {
                // the checks fail whatever the reading (other cells are wrong): the look-alikes alone
                clean.map(|(v, why)| (v, why, format!("every non-digit is a look-alike or a stray mark at an end; {} fail with any reading", describe(s, &ks))))
            } else {
                None
            }
        } else {
            clean.map(|(v, why)| (v, why, "every non-digit is a look-alike or a stray mark at an end; no check covers the cell".to_string()))
        };
        if let Some((v, why, evidence)) = pick {
            let raw = m.cells[i].raw.clone();
            let cell = &mut m.cells[i];
            set_value(cell, v.clone(), false);
            out.push(Repair {
                location: loc(cell),
                raw,
                repaired: v,
                reason: why.into(),
                evidence,
                cells: vec![],
            });
        }
    }
}

/// Readings of cell i (other than its value) that make all its evaluable checks pass.
fn fixing_readings(m: &Mapping, s: &Structure, i: usize) -> Vec<(String, &'static str)> {
    let c = &m.cells[i];
    let ks = s.of(i);
    let cur = c.number();
    let mut out = Vec::new();
    for (v, why) in readings(&c.raw, &c.alternatives) {
        let Ok(x) = v.parse::<f64>() else { continue };
        if cur.is_some_and(|y| (x - y).abs() < 1e-9) {
            continue;
        }
        let ov = HashMap::from([(i, x)]);
        if ks.iter().all(|&k| passes(m, s, k, &ov) != Some(false)) {
            out.push((v, why));
        }
    }
    out
}

/// Rule 2.
fn breaking(m: &mut Mapping, s: &Structure, out: &mut Vec<Repair>) {
    let none = HashMap::new();
    let failed: Vec<bool> = (0..s.checks.len())
        .map(|k| passes(m, s, k, &none) == Some(false))
        .collect();
    // cells in doubt at the crossing of two or more failed checks, with the readings that fix them
    let mut crossings: Vec<(usize, Vec<usize>, Vec<(String, &'static str)>)> = Vec::new();
    for i in 0..m.cells.len() {
        let c = &m.cells[i];
        if c.value.is_none()
            || c.word_confidence >= CERTAIN
            || c.method == Method::Derived
            || c.method == Method::Inferred
        {
            continue;
        }
        let failing: Vec<usize> = s.of(i).into_iter().filter(|&k| failed[k]).collect();
        if failing.len() >= 2 {
            let fixes = fixing_readings(m, s, i);
            if !fixes.is_empty() {
                crossings.push((i, failing, fixes));
            }
        }
    }
    for (n, (i, failing, fixes)) in crossings.iter().enumerate() {
        // one reading only, and no other fixable crossing on these checks (two misreadings
        // elsewhere could explain the same failures)
        if fixes.len() != 1
            || crossings
                .iter()
                .enumerate()
                .any(|(o, x)| o != n && x.1.iter().any(|k| failing.contains(k)))
        {
            continue;
        }
        let (v, why) = fixes[0].clone();
        let ks = s.of(*i);
        let raw = m.cells[*i].raw.clone();
        let cell = &mut m.cells[*i];
        set_value(cell, v.clone(), false);
        out.push(Repair {
            location: loc(cell),
            raw,
            repaired: v,
            reason: why.into(),
            evidence: format!(
                "{} failed; with this reading all pass ({})",
                describe(s, failing),
                describe(s, &ks)
            ),
            cells: vec![],
        });
    }
}

/// Readings of cell i (other than its value) as numbers, for joint changes.
fn other_readings(m: &Mapping, i: usize) -> Vec<(f64, String, &'static str)> {
    let c = &m.cells[i];
    let cur = c.number();
    readings(&c.raw, &c.alternatives)
        .into_iter()
        .filter_map(|(v, why)| {
            let x = v.parse::<f64>().ok()?;
            (!cur.is_some_and(|y| (x - y).abs() < 1e-9)).then_some((x, v, why))
        })
        .collect()
}

/// Word confidence below which a cell's reading is as good as none, for rule 2b's pair of a
/// misreading and an unread cell: OCR's guess at a blot (a seal over the digit).
const ILLEGIBLE: f32 = 0.5;

/// Most suspects rule 2b looks at (cells in doubt in failed checks); beyond that the failures
/// are too many for two misreadings to explain them.
const JOINT_SUSPECTS: usize = 120;

/// Rule 2b: two misreadings that break the same checks.  Two cells in doubt that share a check
/// (a row or a column) and are each in a failed check the other is not in (so each cell's
/// value is pinned by a check of its own) are changed together to readings — alternatives,
/// look-alikes, one confusable digit — with which every check over either cell passes (all
/// evaluable).  Taken only when no single cell's reading explains any of these failures and
/// exactly one pair of readings does: `0 0 | 0` read `9 9 | 0` (row and both columns fail,
/// no one cell fixes the row) or `9 0 | 9` read `3 6 | 9` (the row passes by accident, both
/// columns fail).  The second cell may be one that was not read (a seal over it) and whose
/// value two of its checks determine alike once the first is changed: `8 | ?` for `0 | 0`.
fn joint(m: &mut Mapping, s: &Structure, doc_doubt: bool, out: &mut Vec<Repair>) {
    let none = HashMap::new();
    let failed: Vec<bool> = (0..s.checks.len())
        .map(|k| passes(m, s, k, &none) == Some(false))
        .collect();
    if !failed.iter().any(|&f| f) {
        return;
    }
    let checks_of: Vec<Vec<usize>> = (0..m.cells.len()).map(|i| s.of(i)).collect();
    let suspects: Vec<usize> = (0..m.cells.len())
        .filter(|&i| {
            let c = &m.cells[i];
            c.value.is_some()
                && c.word_confidence < CERTAIN
                && c.method != Method::Derived
                && c.method != Method::Inferred
                && checks_of[i].iter().any(|&k| failed[k])
        })
        .collect();
    if suspects.len() > JOINT_SUSPECTS {
        return;
    }
    let all_pass = |ov: &HashMap<usize, f64>, ks: &[usize]| {
        ks.iter().all(|&k| passes(m, s, k, ov) == Some(true))
    };
    let reads: HashMap<usize, Vec<(f64, String, &'static str)>> = suspects
        .iter()
        .map(|&i| (i, other_readings(m, i)))
        .collect();
    // failed checks one reading of one cell explains (with all the cell's checks passing)
    let mut single: Vec<usize> = Vec::new();
    for &i in &suspects {
        if reads[&i]
            .iter()
            .any(|(x, _, _)| all_pass(&HashMap::from([(i, *x)]), &checks_of[i]))
        {
            single.extend(checks_of[i].iter().copied().filter(|&k| failed[k]));
        }
    }
    // pairs of readings
    type Pair = (
        (usize, String, &'static str),
        (usize, String, &'static str),
        Vec<usize>,
    );
    let mut found: Vec<Pair> = Vec::new();
    for (a, &i) in suspects.iter().enumerate() {
        for &j in &suspects[a + 1..] {
            let (ki, kj) = (&checks_of[i], &checks_of[j]);
            if !ki.iter().any(|k| kj.contains(k)) {
                continue;
            }
            // each pinned by a failed check of its own
            if !ki.iter().any(|&k| failed[k] && !kj.contains(&k))
                || !kj.iter().any(|&k| failed[k] && !ki.contains(&k))
            {
                continue;
            }
            let mut ks: Vec<usize> = ki.iter().chain(kj.iter()).copied().collect();
            ks.sort_unstable();
            ks.dedup();
            for (x, v, why) in &reads[&i] {
                for (y, w, why2) in &reads[&j] {
                    if all_pass(&HashMap::from([(i, *x), (j, *y)]), &ks) {
                        found.push(((i, v.clone(), *why), (j, w.clone(), *why2), ks.clone()));
                    }
                }
            }
        }
    }
    // a misreading beside a cell that was not read (a seal over it): the unread cell takes
    // the value its checks imply, which must be determined twice over (two checks agreeing)
    let unknown: Vec<usize> = (0..m.cells.len())
        .filter(|&j| m.cells[j].value.is_none() && missing_in_doubt(m, j, doc_doubt))
        .collect();
    let unread_pairs = |reads_of: &dyn Fn(usize, &[usize]) -> Vec<(f64, String, &'static str)>,
                        found: &mut Vec<Pair>| {
        for &i in &suspects {
            for &j in &unknown {
                let (ki, kj) = (&checks_of[i], &checks_of[j]);
                if kj.len() < 2
                    || !ki.iter().any(|k| kj.contains(k))
                    || !ki.iter().any(|&k| failed[k] && !kj.contains(&k))
                {
                    continue;
                }
                let mut ks: Vec<usize> = ki.iter().chain(kj.iter()).copied().collect();
                ks.sort_unstable();
                ks.dedup();
                for (x, v, why) in &reads_of(i, kj) {
                    let ov = HashMap::from([(i, *x)]);
                    let vals: Vec<f64> = kj
                        .iter()
                        .filter_map(|&k| implied(m, s, k, j, &ov))
                        .collect();
                    let Some(&y) = vals.first() else { continue };
                    if vals.len() < 2
                        || vals.iter().any(|z| (z - y).abs() > 1e-9)
                        || y < 0.0
                        || y.fract() != 0.0
                    {
                        continue;
                    }
                    if all_pass(&HashMap::from([(i, *x), (j, y)]), &ks) {
                        found.push(((i, v.clone(), *why), (j, fmt(y), "inferred"), ks.clone()));
                    }
                }
            }
        }
    };
    unread_pairs(&|i, _| reads[&i].clone(), &mut found);
    // When no reading does, a cell OCR could hardly read (below `ILLEGIBLE`: a seal's strokes
    // over a `1` read `4`) is as good as unread: it may take the value a failed check of its
    // own implies, when the unread cell beside it is then determined twice over and every
    // check over both passes (three checks over two unknowns: one more than they need).
    if found.is_empty() {
        let implied_reads = |i: usize, kj: &[usize]| -> Vec<(f64, String, &'static str)> {
            if m.cells[i].word_confidence >= ILLEGIBLE {
                return Vec::new();
            }
            let mut out: Vec<(f64, String, &'static str)> = Vec::new();
            for &k in checks_of[i]
                .iter()
                .filter(|&&k| failed[k] && !kj.contains(&k))
            {
                if let Some(x) = implied(m, s, k, i, &none)
                    && x >= 0.0
                    && x.fract() == 0.0
                    && !out.iter().any(|(y, _, _)| (x - y).abs() < 1e-9)
                {
                    out.push((x, fmt(x), "inferred"));
                }
            }
            out
        };
        unread_pairs(&implied_reads, &mut found);
    }
    for (n, (a, b, ks)) in found.iter().enumerate() {
        let fails: Vec<usize> = ks.iter().copied().filter(|&k| failed[k]).collect();
        // another pair, or one cell, explaining some of the same failures: ambiguous
        let rival = found
            .iter()
            .enumerate()
            .any(|(o, x)| o != n && x.2.iter().any(|k| fails.contains(k)));
        if rival || fails.iter().any(|k| single.contains(k)) {
            continue;
        }
        for (i, v, why) in [a, b] {
            let raw = m.cells[*i].raw.clone();
            let other = if i == &a.0 { b.0 } else { a.0 };
            let other_loc = loc(&m.cells[other]);
            let was_read = m.cells[*i].value.is_some();
            let cell = &mut m.cells[*i];
            set_value(cell, v.clone(), *why == "inferred");
            let what = match (*why == "inferred", was_read) {
                (true, true) => "read in deep doubt (an illegible blot); determined by its checks",
                (true, false) => "not read; determined by its checks",
                _ => "changed",
            };
            out.push(Repair {
                location: loc(cell),
                raw,
                repaired: v.clone(),
                reason: (*why).into(),
                evidence: format!(
                    "{} failed; {what} together with {other_loc} (no single reading explains them), with these values all pass ({}); no other pair of readings does",
                    describe(s, &fails),
                    describe(s, ks)
                ),
                cells: vec![],
            });
        }
        // one pair per round: the failures are evaluated again before the next
        return;
    }
}

/// Rule 3.
fn shifted_rows(m: &mut Mapping, s: &Structure, doc_doubt: bool, out: &mut Vec<Repair>) {
    let rows: Vec<String> = m
        .def("requests")
        .map(|d| d.rows.iter().map(|r| r.key.clone()).collect())
        .unwrap_or_default();
    for row in rows {
        let idx: Vec<usize> = REQUEST_COLS
            .iter()
            .filter_map(|c| {
                m.cells
                    .iter()
                    .position(|x| x.table == "requests" && x.row == row && x.col == *c)
            })
            .collect();
        if idx.len() != 7 {
            continue;
        }
        let missing: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| m.cells[i].value.is_none())
            .collect();
        if missing.len() != 1
            || !m.cells[missing[0]].flags.contains(&Flag::NotFound)
            || !missing_in_doubt(m, missing[0], doc_doubt)
        {
            continue;
        }
        let present: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| m.cells[i].value.is_some())
            .collect();
        let pv: Vec<f64> = present
            .iter()
            .filter_map(|&i| m.cells[i].number())
            .collect();
        if pv.len() != 6 {
            continue;
        }
        let row_checks: Vec<usize> = {
            let mut v: Vec<usize> = idx.iter().flat_map(|&i| s.of(i)).collect();
            v.sort();
            v.dedup();
            v
        };
        let cur_gap = idx.iter().position(|&i| i == missing[0]).unwrap_or(0);
        // every arrangement whose checks pass: (gap, values)
        let mut consistent: Vec<(usize, Vec<f64>)> = Vec::new();
        for g in 0..7 {
            let mut vals = vec![0.0; 7];
            let mut it = pv.iter();
            for (j, v) in vals.iter_mut().enumerate() {
                if j != g {
                    *v = *it.next().unwrap_or(&0.0);
                }
            }
            vals[g] = if g == 6 {
                vals[..6].iter().sum()
            } else {
                vals[6]
                    - vals[..6]
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != g)
                        .map(|(_, v)| v)
                        .sum::<f64>()
            };
            if vals[g] < 0.0 || vals[g].fract() != 0.0 {
                continue;
            }
            let ov: HashMap<usize, f64> = idx.iter().copied().zip(vals.iter().copied()).collect();
            if row_checks
                .iter()
                .all(|&k| passes(m, s, k, &ov) != Some(false))
            {
                consistent.push((g, vals));
            }
        }
        let Some(first) = consistent.first() else {
            continue;
        };
        if !consistent.iter().all(|(_, v)| v == &first.1) {
            continue; // the arithmetic does not decide where the number was lost
        }
        let (gap, vals) = consistent
            .iter()
            .find(|(g, _)| *g == cur_gap)
            .unwrap_or(first)
            .clone();
        let evaluable: Vec<usize> = row_checks
            .iter()
            .copied()
            .filter(|&k| {
                let ov: HashMap<usize, f64> =
                    idx.iter().copied().zip(vals.iter().copied()).collect();
                passes(m, s, k, &ov).is_some()
            })
            .collect();
        // move the read cells into place
        if gap != cur_gap {
            let contents: Vec<MappedCell> = present.iter().map(|&i| m.cells[i].clone()).collect();
            let mut it = contents.into_iter();
            for (j, &i) in idx.iter().enumerate() {
                if j == gap {
                    continue;
                }
                if let Some(src) = it.next() {
                    let dst = &mut m.cells[i];
                    if src.col != dst.col {
                        out.push(Repair {
                            location: loc(dst),
                            raw: format!("{} (read under {})", src.raw, src.col),
                            repaired: src.value.clone().unwrap_or_default(),
                            reason: "row_shift".into(),
                            evidence: format!(
                                "one number of the row was lost; only this arrangement passes {}",
                                describe(s, &evaluable)
                            ),
                            cells: vec![],
                        });
                        dst.value = src.value;
                        dst.raw = src.raw;
                        dst.bbox = src.bbox;
                        dst.page = src.page;
                        dst.confidence = src.confidence;
                        dst.word_confidence = src.word_confidence;
                        dst.alternatives = src.alternatives;
                        dst.method = src.method;
                        dst.flags = src.flags;
                        dst.flags.retain(|f| *f != Flag::NotFound);
                        dst.flag(Flag::Repaired);
                    }
                }
            }
        }
        let gi = idx[gap];
        let v = fmt(vals[gap]);
        let conf = present
            .iter()
            .map(|&i| m.cells[i].word_confidence)
            .fold(1.0f32, f32::min);
        let cell = &mut m.cells[gi];
        cell.raw.clear();
        cell.bbox = None;
        cell.alternatives.clear();
        cell.flags.clear();
        cell.confidence = conf;
        cell.word_confidence = conf;
        set_value(cell, v.clone(), true);
        out.push(Repair {
            location: loc(cell),
            raw: String::new(),
            repaired: v,
            reason: "inferred".into(),
            evidence: format!(
                "not read (six numbers in the row); determined by row_total:{row}{}",
                if consistent.len() > 1 {
                    format!(
                        " wherever the gap is ({} arrangements agree)",
                        consistent.len()
                    )
                } else {
                    String::new()
                }
            ) + &format!("; passes {}", describe(s, &evaluable)),
            cells: vec![],
        });
    }
}

/// Rule 4.
fn missing(m: &mut Mapping, s: &Structure, doc_doubt: bool, out: &mut Vec<Repair>) {
    let none = HashMap::new();
    for i in 0..m.cells.len() {
        if m.cells[i].value.is_some() || !missing_in_doubt(m, i, doc_doubt) {
            continue;
        }
        let ks = s.of(i);
        let vals: Vec<(usize, f64)> = ks
            .iter()
            .filter_map(|&k| implied(m, s, k, i, &none).map(|v| (k, v)))
            .collect();
        let Some(&(_, v)) = vals.first() else {
            continue;
        };
        if vals.iter().any(|(_, x)| (x - v).abs() > 1e-9) || v < 0.0 || v.fract() != 0.0 {
            continue;
        }
        let ov = HashMap::from([(i, v)]);
        if ks.iter().any(|&k| passes(m, s, k, &ov) == Some(false)) {
            continue;
        }
        let used: Vec<usize> = vals.iter().map(|(k, _)| *k).collect();
        let raw = m.cells[i].raw.clone();
        let cell = &mut m.cells[i];
        set_value(cell, fmt(v), true);
        out.push(Repair {
            location: loc(cell),
            raw,
            repaired: fmt(v),
            reason: "inferred".into(),
            evidence: format!("not read; determined by {}", describe(s, &used)),
            cells: vec![],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn set_value_drops_leading_zeros_of_counts_only() {
        let mut m = report(0.8);
        let c = cell(&mut m, "requests", "granted", "natural_person");
        set_value(c, "050".into(), false);
        assert_eq!(c.value.as_deref(), Some("50"));
        set_value(c, "00".into(), false);
        assert_eq!(c.value.as_deref(), Some("0"));
        set_value(c, "0.5".into(), false);
        assert_eq!(c.value.as_deref(), Some("0.5"));
        set_value(c, "10".into(), false);
        assert_eq!(c.value.as_deref(), Some("10"));
    }

    /// A full mapping of a consistent report: new_received 7 0 0 0 0 1 8, granted 2 0 0 0 0 1 3,
    /// unable_not_held 3 .. 3, other_other 2 .. 2, total_processed 7 0 0 0 0 1 8, rest 0.
    fn report(conf: f32) -> Mapping {
        let s = schema::schema();
        let mut m = Mapping::default();
        let rows: HashMap<&str, [i64; 7]> = HashMap::from([
            ("new_received", [7, 0, 0, 0, 0, 1, 8]),
            ("granted", [2, 0, 0, 0, 0, 1, 3]),
            ("unable_not_held", [3, 0, 0, 0, 0, 0, 3]),
            ("other_other", [2, 0, 0, 0, 0, 0, 2]),
            ("total_processed", [7, 0, 0, 0, 0, 1, 8]),
        ]);
        for def in s.tables() {
            for (row, col) in def.cells() {
                let v = if def.key == "requests" {
                    let j = REQUEST_COLS.iter().position(|c| *c == col.0).unwrap();
                    rows.get(row.key.as_str()).map(|r| r[j]).unwrap_or(0)
                } else {
                    0
                };
                m.cells.push(MappedCell {
                    table: def.key.clone(),
                    row: row.key.clone(),
                    col: col.0.clone(),
                    value: Some(v.to_string()),
                    raw: v.to_string(),
                    row_label: row.label.clone(),
                    col_label: col.1.clone(),
                    page: Some(1),
                    bbox: None,
                    method: Method::Lattice,
                    confidence: conf,
                    word_confidence: conf,
                    alternatives: vec![],
                    flags: vec![],
                });
            }
        }
        m
    }

    fn cell<'a>(m: &'a mut Mapping, t: &str, r: &str, c: &str) -> &'a mut MappedCell {
        m.get_mut(t, r, c).unwrap()
    }

    fn all_pass(m: &Mapping) -> bool {
        checks::evaluate(m)
            .iter()
            .all(|c| c.status() == checks::CheckStatus::Pass)
    }

    #[test]
    fn lookalike_letters_in_a_number() {
        let mut m = report(0.6);
        let c = cell(&mut m, "requests", "granted", "natural_person");
        c.value = None;
        c.raw = "Z".into(); // 2 read as Z
        c.flags = vec![Flag::Unparseable];
        let r = repair_mapping(&mut m);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
        assert!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .flags
                .contains(&Flag::Repaired)
        );
        assert_eq!(r[0].reason, "digit_confusion");
        assert!(all_pass(&m));
    }

    #[test]
    fn lookalike_without_checks_needs_every_char_a_lookalike() {
        let mut m = report(0.6);
        let c = cell(&mut m, "active", "licensing", "decisions");
        c.value = None;
        c.raw = "1O".into();
        c.flags = vec![Flag::Unparseable];
        let c = cell(&mut m, "active", "punishment", "decisions");
        c.value = None;
        c.raw = "1O件".into(); // 件 is no look-alike: must not fire
        c.flags = vec![Flag::Unparseable];
        repair_mapping(&mut m);
        assert_eq!(
            m.get("active", "licensing", "decisions")
                .unwrap()
                .value
                .as_deref(),
            Some("10")
        );
        assert_eq!(
            m.get("active", "punishment", "decisions").unwrap().value,
            None
        );
    }

    #[test]
    fn stray_marks_at_the_ends_of_a_number() {
        let mut m = report(0.6);
        for (row, raw) in [
            ("licensing", ".20"),
            ("punishment", "0一"),
            ("coercion", "2.5"),
        ] {
            let c = cell(&mut m, "active", row, "decisions");
            c.value = None;
            c.raw = raw.into();
            c.flags = vec![Flag::Unparseable];
        }
        let c = cell(&mut m, "active", "fees", "amount_10k_yuan");
        c.value = None;
        c.raw = ".20".into(); // the decimal cell lost its 0, not a speck
        c.flags = vec![Flag::Unparseable];
        let c = cell(&mut m, "requests", "granted", "natural_person");
        c.value = None;
        c.raw = "2.".into();
        c.flags = vec![Flag::Unparseable];
        let r = repair_mapping(&mut m);
        assert_eq!(
            m.get("active", "licensing", "decisions")
                .unwrap()
                .value
                .as_deref(),
            Some("20")
        );
        assert_eq!(
            m.get("active", "punishment", "decisions")
                .unwrap()
                .value
                .as_deref(),
            Some("0")
        );
        assert_eq!(
            m.get("active", "fees", "amount_10k_yuan")
                .unwrap()
                .value
                .as_deref(),
            Some("0.20")
        );
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
        // a dot inside a number is no stray mark: must not fire
        assert_eq!(
            m.get("active", "coercion", "decisions").unwrap().value,
            None
        );
        assert!(
            r.iter().filter(|x| x.reason == "stray_mark").count() == 4,
            "{r:?}"
        );
        assert!(all_pass(&m));
    }

    #[test]
    fn misread_digit_fixed_by_row_and_column() {
        let mut m = report(0.7);
        let c = cell(&mut m, "requests", "unable_not_held", "natural_person");
        c.value = Some("8".into()); // 3 read as 8
        c.raw = "8".into();
        let r = repair_mapping(&mut m);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(
            m.get("requests", "unable_not_held", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("3")
        );
        assert!(all_pass(&m));
    }

    #[test]
    fn alternative_reading_is_used() {
        let mut m = report(0.7);
        let c = cell(&mut m, "requests", "granted", "natural_person");
        c.value = Some("4".into()); // no digit confusion 4 -> 2, but tesseract had "2" second
        c.raw = "4".into();
        c.alternatives = vec!["2".into()];
        let r = repair_mapping(&mut m);
        assert_eq!(r[0].reason, "alternative_reading");
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
    }

    #[test]
    fn report_mistake_stays() {
        // only the row check fails (the report's own mistake in its total column): no change
        let mut m = report(0.7);
        cell(&mut m, "requests", "granted", "total").value = Some("4".into());
        cell(&mut m, "requests", "total_processed", "total").value = Some("9".into());
        let before = m.clone();
        assert!(repair_mapping(&mut m).is_empty());
        assert_eq!(m.cells, before.cells);
        // a text-layer document: never, even when a reading would fix it
        let mut m = report(1.0);
        cell(&mut m, "requests", "unable_not_held", "natural_person").value = Some("8".into());
        assert!(repair_mapping(&mut m).is_empty());
    }

    #[test]
    fn ambiguous_readings_change_nothing() {
        // both row and column fail, but the cell's readings cannot fix them (needs 5, reads 9)
        let mut m = report(0.7);
        let c = cell(&mut m, "requests", "other_other", "natural_person");
        c.value = Some("2".into());
        cell(&mut m, "requests", "other_other", "total").value = Some("5".into());
        cell(&mut m, "requests", "total_processed", "natural_person").value = Some("10".into());
        cell(&mut m, "requests", "total_processed", "total").value = Some("11".into());
        cell(&mut m, "requests", "new_received", "natural_person").value = Some("10".into());
        cell(&mut m, "requests", "new_received", "total").value = Some("11".into());
        // consistent report with other_other.natural_person = 5; the OCR read 2: no reading of 2 gives 5
        let r = repair_mapping(&mut m);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn missing_cell_inferred_from_zero_row() {
        let mut m = report(0.5);
        let c = cell(&mut m, "requests", "partially_granted", "natural_person");
        c.value = None;
        c.raw.clear();
        c.method = Method::Missing;
        c.flags = vec![Flag::NotFound];
        let r = repair_mapping(&mut m);
        let c = m
            .get("requests", "partially_granted", "natural_person")
            .unwrap();
        assert_eq!(c.value.as_deref(), Some("0"));
        assert!(c.flags.contains(&Flag::Inferred) && c.flags.contains(&Flag::Repaired));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].reason, "inferred");
    }

    #[test]
    fn shifted_row_is_rebuilt() {
        // granted 2 0 0 0 0 1 3 read as six numbers (a 0 lost); right-aligned, the six went
        // to commercial..total as 2 0 0 0 1 3 and natural_person is missing.
        let mut m = report(0.5);
        let vals = ["2", "0", "0", "0", "1", "3"];
        for (c, v) in REQUEST_COLS[1..].iter().zip(vals) {
            let x = cell(&mut m, "requests", "granted", c);
            x.value = Some(v.into());
            x.raw = v.into();
        }
        let c = cell(&mut m, "requests", "granted", "natural_person");
        c.value = None;
        c.method = Method::Missing;
        c.flags = vec![Flag::NotFound];
        let r = repair_mapping(&mut m);
        assert!(all_pass(&m), "{r:?}");
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
        assert_eq!(
            m.get("requests", "granted", "commercial")
                .unwrap()
                .value
                .as_deref(),
            Some("0")
        );
        assert!(r.iter().any(|x| x.reason == "row_shift"));
        assert!(r.iter().any(|x| x.reason == "inferred"));
    }

    #[test]
    fn missing_cell_not_invented() {
        // a rectangle of four unknowns: every row and column check has two, nothing is determined
        let mut m = report(0.5);
        for (r, c) in [
            ("granted", "natural_person"),
            ("granted", "commercial"),
            ("unable_not_held", "natural_person"),
            ("unable_not_held", "commercial"),
        ] {
            let x = cell(&mut m, "requests", r, c);
            x.value = None;
            x.method = Method::Missing;
            x.flags = vec![Flag::Unparseable];
            x.raw = "?".into();
        }
        let r = repair_mapping(&mut m);
        assert!(r.is_empty(), "{r:?}");
        assert!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .is_none()
        );
        // digital: never
        let mut m = report(1.0);
        let x = cell(&mut m, "requests", "granted", "commercial");
        x.value = None;
        x.method = Method::Missing;
        assert!(repair_mapping(&mut m).is_empty());
    }

    #[test]
    fn two_misreadings_do_not_make_a_third_cell_wrong() {
        // consistent report with granted.natural_person = 6; granted.commercial and
        // rejected_repeat.natural_person (both 0) misread as 6.  The crossing at
        // granted.natural_person has a reading (0) that passes its row and column, but so do the
        // two real misreadings: ambiguous, nothing changes.
        let mut m = report(0.8);
        cell(&mut m, "requests", "granted", "natural_person").value = Some("6".into());
        cell(&mut m, "requests", "granted", "natural_person").raw = "6".into();
        cell(&mut m, "requests", "granted", "total").value = Some("7".into());
        for (r, v) in [
            ("total_processed", ["11", "12"]),
            ("new_received", ["11", "12"]),
        ] {
            cell(&mut m, "requests", r, "natural_person").value = Some(v[0].into());
            cell(&mut m, "requests", r, "total").value = Some(v[1].into());
        }
        assert!(all_pass(&m));
        for (r, c) in [
            ("granted", "commercial"),
            ("rejected_repeat", "natural_person"),
        ] {
            let x = cell(&mut m, "requests", r, c);
            x.value = Some("6".into());
            x.raw = "6".into();
        }
        let r = repair_mapping(&mut m);
        assert!(r.is_empty(), "{r:?}");
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("6")
        );
    }

    #[test]
    fn two_zeros_misread_in_one_row_are_changed_together() {
        // rejected_repeat 0 0 .. | 0 read 9 9 .. | 0: the row and both columns fail, no one
        // cell's reading fixes the row
        let mut m = report(0.6);
        for c in ["natural_person", "commercial"] {
            let x = cell(&mut m, "requests", "rejected_repeat", c);
            x.value = Some("9".into());
            x.raw = "9".into();
        }
        let r = repair_mapping(&mut m);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(all_pass(&m));
        for c in ["natural_person", "commercial"] {
            let x = m.get("requests", "rejected_repeat", c).unwrap();
            assert_eq!(x.value.as_deref(), Some("0"));
            assert!(x.flags.contains(&Flag::Repaired));
        }
    }

    #[test]
    fn misreadings_cancelling_in_their_row_are_changed_together() {
        // rejected_confirmation 9 0 0 0 0 0 | 9 read 3 0 0 0 6 0 | 9: the row passes by
        // accident (3 + 6 = 9), both columns fail; the 9 is the 3's alternative (its shape)
        let mut m = report(0.7);
        for (r, v) in [
            ("rejected_confirmation", [9, 0, 0, 0, 0, 0, 9]),
            ("total_processed", [16, 0, 0, 0, 0, 1, 17]),
            ("new_received", [16, 0, 0, 0, 0, 1, 17]),
        ] {
            for (c, x) in REQUEST_COLS.iter().zip(v) {
                cell(&mut m, "requests", r, c).value = Some(x.to_string());
                cell(&mut m, "requests", r, c).raw = x.to_string();
            }
        }
        assert!(all_pass(&m));
        let x = cell(
            &mut m,
            "requests",
            "rejected_confirmation",
            "natural_person",
        );
        x.value = Some("3".into());
        x.raw = "3".into();
        x.alternatives = vec!["9".into()];
        let x = cell(
            &mut m,
            "requests",
            "rejected_confirmation",
            "legal_services",
        );
        x.value = Some("6".into());
        x.raw = "6".into();
        let r = repair_mapping(&mut m);
        assert!(all_pass(&m), "{r:?}");
        assert_eq!(
            m.get("requests", "rejected_confirmation", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("9")
        );
        assert_eq!(
            m.get("requests", "rejected_confirmation", "legal_services")
                .unwrap()
                .value
                .as_deref(),
            Some("0")
        );
        // without the alternative no pair of readings fixes it: nothing changes
        let mut m2 = m.clone();
        let x = cell(
            &mut m2,
            "requests",
            "rejected_confirmation",
            "natural_person",
        );
        x.value = Some("3".into());
        x.raw = "3".into();
        x.alternatives.clear();
        x.flags.clear();
        let x = cell(
            &mut m2,
            "requests",
            "rejected_confirmation",
            "legal_services",
        );
        x.value = Some("6".into());
        x.raw = "6".into();
        x.flags.clear();
        assert!(repair_mapping(&mut m2).is_empty());
    }

    #[test]
    fn a_misreading_beside_an_unread_cell_is_changed_with_it() {
        // granted.research 0 read 8 (its row fails); unable_not_held.research not read (its
        // column cannot be evaluated): with 0 the unread cell's row and column agree on 0
        let mut m = report(0.6);
        let x = cell(&mut m, "requests", "granted", "research");
        x.value = Some("8".into());
        x.raw = "8".into();
        let x = cell(&mut m, "requests", "unable_not_held", "research");
        x.value = None;
        x.raw = "?".into();
        x.flags = vec![Flag::Unparseable];
        let r = repair_mapping(&mut m);
        assert!(all_pass(&m), "{r:?}");
        assert_eq!(
            m.get("requests", "granted", "research")
                .unwrap()
                .value
                .as_deref(),
            Some("0")
        );
        let u = m.get("requests", "unable_not_held", "research").unwrap();
        assert_eq!(u.value.as_deref(), Some("0"));
        assert!(u.flags.contains(&Flag::Inferred));
    }

    #[test]
    fn an_illegible_reading_beside_an_unread_cell_takes_its_row_value() {
        // granted.natural_person 2 read `5` as a blot (no reading of 5 gives 2), and
        // unable_not_held.natural_person not read: the blot's row implies 2, with which the
        // unread cell's row and column agree on 3, and every check passes
        let setup = |conf: f32| {
            let mut m = report(0.6);
            let x = cell(&mut m, "requests", "granted", "natural_person");
            x.value = Some("5".into());
            x.raw = "5".into();
            x.word_confidence = conf;
            let x = cell(&mut m, "requests", "unable_not_held", "natural_person");
            x.value = None;
            x.raw = "中".into();
            x.flags = vec![Flag::Unparseable];
            m
        };
        let mut m = setup(0.3);
        let r = repair_mapping(&mut m);
        assert!(all_pass(&m), "{r:?}");
        let g = m.get("requests", "granted", "natural_person").unwrap();
        assert_eq!(g.value.as_deref(), Some("2"));
        assert!(g.flags.contains(&Flag::Inferred));
        assert_eq!(
            m.get("requests", "unable_not_held", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("3")
        );
        // a reading OCR was fairly sure of is no blot: it stays, and so does the gap
        let mut m = setup(0.8);
        repair_mapping(&mut m);
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value
                .as_deref(),
            Some("5")
        );
        assert_eq!(
            m.get("requests", "unable_not_held", "natural_person")
                .unwrap()
                .value,
            None
        );
    }

    #[test]
    fn pairs_need_one_explanation() {
        // two 0s read 8 with alternatives 0 and 3: only 0 + 0 passes everything
        let mut m = report(0.6);
        for c in ["research", "social_welfare"] {
            let x = cell(&mut m, "requests", "rejected_repeat", c);
            x.value = Some("8".into());
            x.raw = "8".into();
            x.alternatives = vec!["0".into(), "3".into()];
        }
        let r = repair_mapping(&mut m);
        assert!(all_pass(&m), "{r:?}");
        // four 0s read 8 in two rows and two columns: no pair fixes every check over it, so
        // nothing changes (a square of misreadings is beyond what pairs explain)
        let mut m = report(0.6);
        for c in ["research", "social_welfare"] {
            let x = cell(&mut m, "requests", "rejected_repeat", c);
            x.value = Some("8".into());
            x.raw = "8".into();
        }
        for c in ["research", "social_welfare"] {
            let x = cell(&mut m, "requests", "rejected_petition", c);
            x.value = Some("8".into());
            x.raw = "8".into();
        }
        let before = m.clone();
        let r = repair_mapping(&mut m);
        assert!(r.is_empty(), "{r:?}");
        assert_eq!(m.cells, before.cells);
    }

    #[test]
    fn readings_of_a_cell() {
        let r: Vec<String> = readings("8", &[]).into_iter().map(|x| x.0).collect();
        assert!(
            r.contains(&"3".to_string())
                && r.contains(&"0".to_string())
                && !r.contains(&"8".to_string())
        );
        assert_eq!(lookalike_reading("l2"), Some("12".into()));
        assert_eq!(lookalike_reading("O"), Some("0".into()));
        assert_eq!(lookalike_reading("12"), None);
        assert_eq!(lookalike_reading("件"), None);
    }
}

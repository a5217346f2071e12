//! Which values a user must look at: the flags of doubt, raised after the checks.
//!
//! The goal is that no wrong number leaves without a flag, and that a flag means something:
//! a value the arithmetic confirms carries none of the doubts below.  The doubts concern values
//! *read* from the document (not derived, inferred or repaired: those carry their own flags).
//!
//! - A check **confirms** its cells when all its cells are known, it passes, and none of its
//!   cells was inferred (a value inferred from a check makes that check pass by construction,
//!   so it proves nothing about the cells read beside it), and its cells do not merely echo
//!   each other ([`echo`]: one non-zero part equal to the total, one of the two, or a part
//!   read as 0, read with a low confidence: the same misreading in both passes it, and the
//!   value may stand in the low 0's column).
//! - A cell is **fully confirmed** when it takes part in at least one check and every check it
//!   takes part in confirms it.  Fully confirmed cells get no doubt flags.
//! - `check_failed:<check>:<subject>` stays only on the suspects of the failure: a cell that
//!   another check confirms loses it, unless that would leave the failure without any flagged
//!   cell (the report's own mistakes, as in a printed total, then point at the total).
//!   For non-zero values read in doubt, a passing check confirms a cell only if its other non-zero
//!   cells are beyond suspicion: none of them is in a failed check with nothing but this check
//!   to vouch for it.  Otherwise the check may hold by coincidence of two misreadings (a `9`
//!   read `3` beside a `0` read `6`: 3 + 6 = 9; or the same misreading in a cell and its
//!   total, `x = x`), and the cell stays a suspect of its own failed checks.
//! - A passing check confirms nothing when one of its non-zero cells is a capped reading (ink
//!   of the cell left out, lines merged) and another is read low ([`capped_beside_low`]): two
//!   faults may cancel in one sum.
//! - `column_by_position` (columns taken in template order) is dropped from a cell that a check
//!   confirms: a row read in order whose total holds, or a column whose sum holds, has its
//!   values in their columns.
//! - `row_by_position` (a row whose label OCR garbled, placed by the template's row order) is
//!   dropped from a cell that a column check (`results_total`, `balance`) confirms.
//! - A value read in doubt (by OCR or from a text dump: a word confidence below 1, or a page
//!   without a text layer) that is not fully confirmed is flagged:
//!   - `unverified` when no check confirms it at all (its checks cannot be evaluated because a
//!     cell is missing, or pass only through a value inferred from them) and none fails, or
//!     when no check covers it (the active table) and its reading is not sure (word confidence
//!     below [`UNCOVERED_SURE`], or an integer of two digits or more where decimals are printed:
//!     [`point_in_doubt`]): nothing but the reading vouches for such a value;
//!   - `partly_verified` when it is not zero and one of its checks confirms it but another
//!     cannot be evaluated (a row total holds just as well when a whole row's numbers landed
//!     under the wrong label, which only the column sums can tell; zeros, the bulk of every
//!     report, are spared: a shifted row shows in its non-zero values);
//!   - `low_confidence` when the producer's confidence is below [`LOW`];
//!   - `malformed_number` when the text is not how a count is printed: digits split by a space
//!     (`0 60`: two readings merged) or a leading zero (`060`), unless it is zero however it
//!     is read (`00`);
//!   - `numbers_in_label` when its row's label holds digits beyond its numbering (`1007四、结转…`):
//!     the row's numbers may have landed in the label and the rest shifted;
//!   - `unverified` also when it is a 0 read from a blank that only checks of zeros confirm
//!     while another of its checks does not ([`blank_zero_unvouched`]: that one cannot be
//!     evaluated or holds an inferred remainder, which may be this cell's printed value);
//!   - `row_incomplete` when no check covers the cell (the active table) and another cell of
//!     its row was not read: the row's numbers may have shifted or merged into this one;
//!   - `irregular_cell` when its value is 0 and its cell does not fit the grid of its table on
//!     the page ([`irregular_cells`]: narrower or lower than [`MIN_VALUE_CELL`], a sliver of a
//!     column, a row cut in two, or a row's last cell ending well short of the table's right
//!     edge), if no check covers the cell or the 0 was read from a blank (whatever the checks
//!     say: zeros balance a sum of zeros).  A ruling was invented or lost there, and the blank
//!     the cell shows may be beside the printed value.  The same when no check covers a 0 read
//!     from a blank while a number other than zero is printed on the cell's line outside every
//!     read cell of the page ([`beside_printed_number`]): the grid put the row's value cell in
//!     the wrong place.  And a 0 read in a cell that spans rows ([`cells_spanning_rows`]:
//!     much taller than the other cells of its row), whatever the checks say.
//!
//! Text-layer values are exact glyphs: they get none of these flags (only a failed check flags
//! them).  The rules read confidences, texts and the checks, never the producer or the file.
//! The producer's alternative readings are no doubt of their own: OCR has a runner-up for a
//! good share of all numbers, right and wrong alike, so such a flag would not tell them apart.

use crate::checks::{Check, CheckStatus};
use crate::flag::Flag;
use crate::model::{BBox, Page, PageKind};
use crate::template::{MappedCell, Mapping, Method};
use std::collections::HashMap;

/// Word confidence below which a value the arithmetic does not fully confirm is flagged.
pub const LOW: f32 = 0.7;

/// Word confidence below which a value that no check covers (the active table) is flagged
/// `unverified`: nothing but the reading itself vouches for it, so it must be a sure one (the
/// OCR producer reads again every number below this, and caps the readings it doubts, a glyph
/// left out or lines merged, well under it).
pub const UNCOVERED_SURE: f32 = 0.9;

/// `irregular_cell`: a cell narrower than this share of the median width of its table's cells
/// on the page is a sliver (a false ruling cut its column)...
pub const IRREGULAR_WIDTH: f32 = 0.5;
/// ... or lower than this share of their median height is a piece of a row cut in two...
pub const IRREGULAR_HEIGHT: f32 = 0.6;
/// ... or, the last cell of its row, ends short of the table's right edge (the rightmost cell
/// edge on the page) by more than this share of the median width (its row's grid is cut off:
/// the value may be printed past it).
pub const IRREGULAR_SHORT_END: f32 = 0.75;

/// `irregular_cell`: a cell narrower or lower than this (points) holds no printed number (a
/// digit of the smallest table print with its padding is wider): a sliver between a false and
/// a true ruling, or a grid made of page edges and specks.
pub const MIN_VALUE_CELL: f32 = 6.0;

/// `irregular_cell`: a cell taller than this many times the median height of the other cells
/// of its row spans rows: the grid lost the row's lower ruling in its column, so it holds the
/// print of several rows and its reading belongs to any of them.  (A row whose label wraps
/// over lines is tall in every cell: no cell of it stands out.)
pub const SPANS_ROWS: f32 = 1.6;

/// `unverified` (rule `lost_point`): a number of two digits or more read without a decimal
/// point in a cell whose row is printed with decimals (the active table's 收费金额, in 万元),
/// when no check covers it: blur at scan resolutions runs a point into the digits beside it
/// (4.3 read 43 at 0.95, the point a smudge between the glyphs), and nothing else vouches
/// for the integer.  A single digit has no inside for a point; a reading with one is the
/// reader's own.  (Only OCR'd cells reach this: text-layer values are exact.)
pub fn point_in_doubt(c: &MappedCell, decimal: bool) -> bool {
    decimal
        && c.value.as_deref().is_some_and(|v| {
            !v.contains('.') && v.chars().filter(|ch| ch.is_ascii_digit()).count() >= 2
        })
}

/// The middle of `v` (not empty) in sorted order.
fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Which mapped cells span rows ([`SPANS_ROWS`]), measured against at least two other cells
/// of their row read from the same page.
pub fn cells_spanning_rows(m: &Mapping) -> Vec<bool> {
    let read = |c: &MappedCell| matches!(c.method, Method::Lattice | Method::Stream);
    m.cells
        .iter()
        .map(|c| {
            let (Some(b), true) = (c.bbox, read(c)) else {
                return false;
            };
            let mut hs: Vec<f32> = Vec::new();
            let mut seen: Vec<BBox> = vec![b];
            for d in m
                .cells
                .iter()
                .filter(|d| d.table == c.table && d.row == c.row && d.page == c.page && read(d))
            {
                if let Some(db) = d.bbox
                    && !seen.contains(&db)
                {
                    seen.push(db);
                    hs.push(db.y1 - db.y0);
                }
            }
            hs.len() >= 2 && b.height() > SPANS_ROWS * median(hs)
        })
        .collect()
}

/// Which mapped cells do not fit the grid of their table on their page (see the constants
/// above): measured against the distinct read cells of the same table and page (at least
/// three; fewer make no grid to compare with).
pub fn irregular_cells(m: &Mapping) -> Vec<bool> {
    let read = |c: &MappedCell| matches!(c.method, Method::Lattice | Method::Stream);
    let mut out = vec![false; m.cells.len()];
    for (i, c) in m.cells.iter().enumerate() {
        let (Some(b), Some(page)) = (c.bbox, c.page) else {
            continue;
        };
        if !read(c) {
            continue;
        }
        if b.x1 - b.x0 < MIN_VALUE_CELL || b.y1 - b.y0 < MIN_VALUE_CELL {
            out[i] = true;
            continue;
        }
        let mut peers: Vec<crate::model::BBox> = Vec::new();
        for d in m
            .cells
            .iter()
            .filter(|d| d.table == c.table && d.page == Some(page) && read(d))
        {
            if let Some(db) = d.bbox
                && !peers.contains(&db)
            {
                peers.push(db);
            }
        }
        if peers.len() < 3 {
            continue;
        }
        let w = median(peers.iter().map(|p| p.x1 - p.x0).collect());
        let h = median(peers.iter().map(|p| p.y1 - p.y0).collect());
        let right = peers.iter().map(|p| p.x1).fold(f32::MIN, f32::max);
        let last_of_row = !m.cells.iter().any(|d| {
            d.table == c.table
                && d.row == c.row
                && d.page == c.page
                && d.bbox.is_some_and(|db| db.x1 > b.x1)
        });
        out[i] = b.x1 - b.x0 < IRREGULAR_WIDTH * w
            || b.y1 - b.y0 < IRREGULAR_HEIGHT * h
            || (last_of_row && right - b.x1 > IRREGULAR_SHORT_END * w);
    }
    out
}

/// Pages whose values are in doubt: pages without a text layer (OCR, text dumps).
pub fn doubtful_pages(pages: &[Page]) -> Vec<u32> {
    pages
        .iter()
        .filter(|p| p.kind != PageKind::Digital)
        .map(|p| p.number)
        .collect()
}

/// The numbers other than zero printed on the pages read in doubt (page, box), as the
/// producers read them: what [`beside_printed_number`] looks for.
pub fn printed_numbers(pages: &[Page]) -> Vec<(u32, BBox)> {
    pages
        .iter()
        .filter(|p| p.kind != PageKind::Digital)
        .flat_map(|p| {
            p.words
                .iter()
                .filter(|w| {
                    crate::values::is_value_like(&w.text)
                        && w.text.chars().any(|c| ('1'..='9').contains(&c))
                })
                .map(move |w| (p.number, w.bbox))
        })
        .collect()
}

/// Whether cell `i` holds a 0 read from a blank (nothing printed in it) while a number other
/// than zero is printed on its line (the number's middle within the cell's rows) outside the
/// cell and outside every other read cell of the page: the row's value is printed beside the
/// cell the grid gave it (a false or lost ruling), so the blank says nothing about the value.
pub fn beside_printed_number(m: &Mapping, i: usize, numbers: &[(u32, BBox)]) -> bool {
    let c = &m.cells[i];
    let (Some(b), Some(page)) = (c.bbox, c.page) else {
        return false;
    };
    if c.number() != Some(0.0) || !c.raw.trim().is_empty() {
        return false;
    }
    numbers.iter().any(|(p, nb)| {
        let (x, y) = (nb.cx(), nb.cy());
        *p == page
            && y >= b.y0
            && y <= b.y1
            && !b.contains_point(x, y)
            && !m
                .cells
                .iter()
                .any(|d| d.page == Some(page) && d.bbox.is_some_and(|db| db.contains_point(x, y)))
    })
}

/// Whether a cell's value was read in doubt.
fn in_doubt(c: &MappedCell, doubt_pages: &[u32]) -> bool {
    c.word_confidence < 1.0 || c.page.is_some_and(|p| doubt_pages.contains(&p))
}

/// Whether a cell's value is a reading of the document (not derived, inferred or repaired).
fn is_reading(c: &MappedCell) -> bool {
    c.value.is_some() && c.method.is_read() && !c.flags.contains(&Flag::Repaired)
}

/// Whether a cell holds a value other than zero.
fn nonzero(c: &MappedCell) -> bool {
    c.value
        .as_deref()
        .and_then(|v| v.parse::<f64>().ok())
        .is_some_and(|v| v != 0.0)
}

/// Whether a passing check's cells only echo each other: its non-zero cells are one part and
/// its total, the same number, and one of the two was read with a low confidence ([`LOW`]).
/// `x = 0 + 0 + x + 0` holds for any x: the same misreading in both cells (a printed 0 read 9
/// in a part at 0.45 and in its total at 0.93, at 135 dpi) passes it.  Such a check confirms
/// nothing; with more non-zero parts, or neither reading low, the sum is evidence (a column
/// whose one non-zero row equals its total, read at 0.8, stays confirmed).
///
/// Rule `echo_beside_low_zero`: so too when a part read as 0 was read low: `x = 0 + .. + x`
/// holds wherever the x stands, and a low 0 may be where it was printed (`6 0 0 0 0 0 6`
/// read `0 0 0 0 0 6 6` at 150 dpi, blur 1.5: the first 6 read 0 at 0.60, the last 0 read 6
/// at 0.78).  The sum then vouches for the value, not for its column.
fn echo(m: &Mapping, cells: &[usize], doubt_pages: &[u32]) -> bool {
    let read: Vec<&MappedCell> = cells.iter().map(|&i| &m.cells[i]).collect();
    let low = |c: &MappedCell| in_doubt(c, doubt_pages) && c.word_confidence < LOW;
    let nz: Vec<&MappedCell> = read.iter().copied().filter(|c| nonzero(c)).collect();
    let low_zero = read
        .iter()
        .any(|c| !nonzero(c) && c.value.is_some() && is_reading(c) && low(c));
    nz.len() == 2 && (nz.iter().any(|c| low(c)) || low_zero)
}

/// Word confidence at or below which a reading is *capped*: the reader found ink in its cell
/// that the reading leaves out, or lines merged (`MISSED_INK_CONFIDENCE`,
/// `MERGED_LINES_CONFIDENCE` in `ocr` are this value), or could barely read it.  Such a cell may hold a
/// neighbour's value (a ruling between two columns lost: `4 1` read `4`).
pub const CAPPED: f32 = 0.4;

/// Whether a passing check's sum may hold by two faults that cancel: one of its non-zero
/// cells is a capped reading ([`CAPPED`]) and another is read with a low confidence
/// ([`LOW`]).  A merged cell's `4 1` read `4` beside a ruling's remnant read `1` (0.6) in
/// the next cells: 4 + 1 + 0 + 1 = 6 as printed 4 + 1 + 1 + 0 = 6, the 1 and the 0 each in
/// the other's column.  One equation cannot vouch for two such readings: the check confirms
/// nothing.  (Three readings at 0.45 that sum, none capped, still confirm each other.)
fn capped_beside_low(m: &Mapping, cells: &[usize], doubt_pages: &[u32]) -> bool {
    let doubtful: Vec<f32> = cells
        .iter()
        .map(|&i| &m.cells[i])
        .filter(|c| nonzero(c) && in_doubt(c, doubt_pages) && c.word_confidence < LOW)
        .map(|c| c.word_confidence)
        .collect();
    doubtful.len() >= 2 && doubtful.iter().any(|&w| w <= CAPPED)
}

/// Digits split by white space, or a leading zero: not how a report prints a count.  A value
/// that is zero however it is split (`00`, `0 0`: a zero read twice) is not in doubt.
pub fn malformed_number(raw: &str, value: &str) -> bool {
    if !value.chars().any(|c| ('1'..='9').contains(&c)) {
        return false;
    }
    let chars: Vec<char> = raw.trim().chars().collect();
    let mut split = false;
    for (i, c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = chars[..i].iter().rev().find(|x| !x.is_whitespace());
            let after = chars[i + 1..].iter().find(|x| !x.is_whitespace());
            if before.is_some_and(|x| x.is_ascii_digit())
                && after.is_some_and(|x| x.is_ascii_digit())
            {
                split = true;
            }
        }
    }
    let leading_zero = value.len() > 1 && value.starts_with('0') && !value.starts_with("0.");
    split || leading_zero
}

/// A row label with digits beyond its numbering (`1.` `（2）` `3、`): numbers of the row that
/// landed in its label cell.
pub fn stray_digits_in_label(label: &str) -> bool {
    let l = crate::values::fold(label);
    // leading punctuation (stray quotes, colons), then the numbering
    let rest = l.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(' && c != '（');
    let rest = rest.trim_start_matches(['(', '（']);
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    let rest = if digits <= 2 { &rest[digits..] } else { rest };
    rest.chars().any(|c| c.is_ascii_digit())
}

/// Whether a passing check over `cells` (indices into `m.cells`) can confirm where they were
/// placed: it holds a nonzero value.  Zeros balance any sum of zeros, so a check of zeros
/// holds for a column read one place off (a total printed first, taken by the template's
/// order) as well as for the right one.
fn places(m: &Mapping, cells: &[usize]) -> bool {
    cells.iter().any(|&i| nonzero(&m.cells[i]))
}

/// Rule `blank_zero_unvouched`: whether `c`, a 0 read from a blank, is vouched for by
/// nothing: the checks that confirm it hold zeros only (`vouched_by_values` false: 0 = 0 holds
/// whatever the blank hides), and another of its checks (`ks`: confirms, failed) does not
/// confirm it (it cannot be evaluated, a cell of it not read, or it holds a value inferred
/// from it).  A 5 printed in a row of a scan read as blanks (0 at confidence 1.0, the row's
/// total a blank too): the row's check of zeros held, and the 5 went, as its column's
/// remainder, to the one row not read, while the total column lacked a cell.  Such a 0 is
/// `unverified`.
pub fn blank_zero_unvouched(c: &MappedCell, ks: &[(bool, bool)], vouched_by_values: bool) -> bool {
    c.number() == Some(0.0)
        && c.raw.trim().is_empty()
        && !vouched_by_values
        && ks.iter().any(|k| !k.0)
}

/// Raise the doubt flags (see the module doc) on a mapping whose checks were evaluated;
/// `numbers` are the [`printed_numbers`] of the pages.
pub fn flag_doubts(
    m: &mut Mapping,
    checks: &[Check],
    doubt_pages: &[u32],
    numbers: &[(u32, BBox)],
) {
    let idx: HashMap<(&str, &str, &str), usize> = m
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.table.as_str(), c.row.as_str(), c.col.as_str()), i))
        .collect();
    // per check: its cells and whether it confirms them; per cell: its checks
    let mut of: Vec<Vec<(bool, bool)>> = vec![Vec::new(); m.cells.len()];
    let mut cells_of: Vec<Vec<usize>> = Vec::new();
    let mut confirming: Vec<Vec<usize>> = vec![Vec::new(); m.cells.len()];
    let irregular = irregular_cells(m);
    // rule `hollow_term`: a 0 from a blank that cannot hold a printed number (a sliver a false
    // ruling cut off) confirms no sum: the number printed there may have gone to its
    // neighbour, and the sum still holds (after_review pending 3 read into the total's cell,
    // total 6 lost: 2 + 0 + 1 + 0 = 3)
    let hollow: Vec<bool> = m
        .cells
        .iter()
        .zip(&irregular)
        .map(|(c, &irr)| {
            irr && c.raw.trim().is_empty() && c.number() == Some(0.0) && in_doubt(c, doubt_pages)
        })
        .collect();
    for (k, ch) in checks.iter().enumerate() {
        let cells: Vec<usize> = ch
            .cells
            .iter()
            .filter_map(|id| {
                idx.get(&(id.table.as_str(), id.row.as_str(), id.col.as_str()))
                    .copied()
            })
            .collect();
        let independent = cells.iter().all(|&i| m.cells[i].method != Method::Inferred);
        let status = ch.status();
        let confirms = status == CheckStatus::Pass
            && independent
            && !cells.iter().any(|&i| hollow[i])
            && !echo(m, &cells, doubt_pages)
            && !capped_beside_low(m, &cells, doubt_pages);
        for &i in &cells {
            of[i].push((confirms, status == CheckStatus::Fail));
            if confirms {
                confirming[i].push(k);
            }
        }
        cells_of.push(cells);
    }
    // A failed check suspects its cells; a cell another check confirms is no suspect, as long
    // as the failure keeps one (a failure is never left without a flagged cell).  For a value
    // read in doubt, a confirmation counts only when the check's other non-zero cells are
    // beyond suspicion (see the module doc).
    let nonzero_of = |i: usize| nonzero(&m.cells[i]);
    let in_failed: Vec<bool> = (0..m.cells.len())
        .map(|i| of[i].iter().any(|k| k.1))
        .collect();
    let vouched = |j: usize, k: usize| {
        !nonzero_of(j)
            || !in_doubt(&m.cells[j], doubt_pages)
            || !in_failed[j]
            || confirming[j].iter().any(|&q| q != k)
    };
    // (zeros are spared: a misread zero would have broken the check by itself)
    let clears = |i: usize, k: usize| {
        !in_doubt(&m.cells[i], doubt_pages)
            || !nonzero_of(i)
            || cells_of[k].iter().all(|&j| j == i || vouched(j, k))
    };
    let cleared_of: Vec<bool> = (0..m.cells.len())
        .map(|i| confirming[i].iter().any(|&k| clears(i, k)))
        .collect();
    // A check of zeros only says nothing about where its cells were placed: a column of zeros
    // taken one place off by position sums to zero as well (see [`places`]).
    let placing: Vec<bool> = cells_of.iter().map(|c| places(m, c)).collect();
    for (k, ch) in checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status() == CheckStatus::Fail)
    {
        // A row total failing over a row whose columns were partly taken by position: the
        // column checks cannot vouch for its cells (a header read one column off shifts every
        // row alike, and every column still sums), so none is cleared.
        let shifted = ch.check == "row_total"
            && cells_of[k].iter().any(|&i| {
                m.cells[i].flags.contains(&Flag::ColumnByPosition)
                    || m.cells[i].flags.contains(&Flag::ColumnByHeaderOrder)
            });
        let (cleared, suspects): (Vec<usize>, Vec<usize>) = cells_of[k]
            .iter()
            .partition(|&&i| cleared_of[i] && !shifted);
        if suspects.is_empty() {
            continue;
        }
        let f = ch.failure_flag();
        for i in cleared {
            m.cells[i].flags.retain(|x| *x != f);
        }
    }
    // rows (table, row) with a cell not read
    let incomplete: Vec<(String, String)> = m
        .cells
        .iter()
        .filter(|c| {
            c.value.is_none() || c.method == Method::Inferred || c.method == Method::Missing
        })
        .map(|c| (c.table.clone(), c.row.clone()))
        .collect();
    let spanning = cells_spanning_rows(m);
    for (i, ks) in of.iter().enumerate() {
        if !is_reading(&m.cells[i]) {
            continue;
        }
        if confirming[i].iter().any(|&k| placing[k]) {
            // columns taken in order are right when a sum over the row or column holds
            m.cells[i]
                .flags
                .retain(|f| *f != Flag::ColumnByPosition && *f != Flag::ColumnByHeaderOrder);
        }
        if confirming[i]
            .iter()
            .any(|&k| checks[k].check != "row_total" && placing[k])
        {
            // a row placed by the template's order is in its place when a sum down its column
            // holds (a row's own total says nothing about which row it is)
            m.cells[i].flags.retain(|f| *f != Flag::RowByPosition);
        }
        let c = &m.cells[i];
        if hollow[i] || (spanning[i] && c.number() == Some(0.0) && in_doubt(c, doubt_pages)) {
            // a 0 from a blank that cannot hold a printed number (a sliver, a cut row), or a
            // 0 read in a cell that spans rows (its print may be another row's): the checks
            // say nothing for it, zeros balance any sum of zeros
            m.cells[i].flag(Flag::IrregularCell);
            continue;
        }
        let fully = !ks.is_empty() && ks.iter().all(|k| k.0);
        if fully {
            continue;
        }
        if !in_doubt(c, doubt_pages) {
            continue;
        }
        let mut add: Vec<Flag> = Vec::new();
        let decimal = m
            .def(&c.table)
            .and_then(|d| d.row(&c.row))
            .is_some_and(|r| r.decimal);
        if (!ks.is_empty() && !ks.iter().any(|k| k.0 || k.1))
            || (ks.is_empty() && (c.word_confidence < UNCOVERED_SURE || point_in_doubt(c, decimal)))
        {
            add.push(Flag::Unverified);
        }
        if nonzero(c) && ks.iter().any(|k| k.0) && !ks.iter().any(|k| k.1) {
            // One direction holds, the other cannot be evaluated: a row total holds just as
            // well when the whole row's numbers landed under the wrong label.
            add.push(Flag::PartlyVerified);
        }
        if c.word_confidence < LOW {
            add.push(Flag::LowConfidence);
        }
        if malformed_number(&c.raw, c.value.as_deref().unwrap_or("")) {
            add.push(Flag::MalformedNumber);
        }
        if stray_digits_in_label(&c.row_label) {
            add.push(Flag::NumbersInLabel);
        }
        let vouched_by_values = confirming[i].iter().any(|&k| placing[k]);
        if blank_zero_unvouched(c, ks, vouched_by_values) && !add.contains(&Flag::Unverified) {
            add.push(Flag::Unverified);
        }
        if ks.is_empty() && incomplete.iter().any(|(t, r)| *t == c.table && *r == c.row) {
            add.push(Flag::RowIncomplete);
        }
        if ks.is_empty()
            && c.number() == Some(0.0)
            && (irregular[i] || beside_printed_number(m, i, numbers))
        {
            add.push(Flag::IrregularCell);
        }
        for f in add {
            m.cells[i].flag(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{self, REQUEST_COLS};
    use crate::model::BBox;
    use crate::schema;

    /// A full mapping of a consistent report read from page 1 with word confidence `conf`:
    /// new_received 7 0 0 0 0 1 8, granted 2 0 0 0 0 1 3, unable_not_held 3 .. 3,
    /// other_other 2 .. 2, total_processed 7 0 0 0 0 1 8, the rest 0; the active table 5s.
    fn report(conf: f32) -> Mapping {
        let rows: HashMap<&str, [i64; 7]> = HashMap::from([
            ("new_received", [7, 0, 0, 0, 0, 1, 8]),
            ("granted", [2, 0, 0, 0, 0, 1, 3]),
            ("unable_not_held", [3, 0, 0, 0, 0, 0, 3]),
            ("other_other", [2, 0, 0, 0, 0, 0, 2]),
            ("total_processed", [7, 0, 0, 0, 0, 1, 8]),
        ]);
        let mut m = Mapping::default();
        for def in schema::schema().tables() {
            for (row, col) in def.cells() {
                let v = match def.key.as_str() {
                    "requests" => rows
                        .get(row.key.as_str())
                        .map(|r| r[REQUEST_COLS.iter().position(|c| *c == col.0).unwrap()])
                        .unwrap_or(0),
                    "active" => 5,
                    _ => 0,
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

    fn lose(m: &mut Mapping, t: &str, r: &str, c: &str) {
        let x = cell(m, t, r, c);
        x.value = None;
        x.raw.clear();
        x.method = Method::Missing;
        x.flags = vec![Flag::NotFound];
    }

    /// The pipeline's order: checks, failed checks flagged, then the doubts.
    fn run(m: &mut Mapping, doubt_pages: &[u32]) {
        let ch = checks::evaluate(m);
        checks::flag_failures(m, &ch);
        flag_doubts(m, &ch, doubt_pages, &[]);
    }

    fn flags(m: &Mapping, t: &str, r: &str, c: &str) -> Vec<String> {
        let f = &m.get(t, r, c).unwrap().flags;
        f.iter().map(|f| f.to_string()).collect()
    }

    fn has(m: &Mapping, t: &str, r: &str, c: &str, f: &str) -> bool {
        flags(m, t, r, c).iter().any(|x| x == f)
    }

    #[test]
    fn a_fully_verified_ocr_report_gets_no_flag() {
        let mut m = report(0.9);
        for (t, r, c) in [
            ("active", "licensing", "decisions"),
            ("requests", "granted", "natural_person"),
        ] {
            cell(&mut m, t, r, c).raw = "05".into(); // even a malformed reading: the checks confirm it
        }
        cell(&mut m, "requests", "granted", "natural_person").value = Some("2".into());
        cell(&mut m, "requests", "granted", "natural_person").raw = "2".into();
        run(&mut m, &[1]);
        let flagged: Vec<String> = m
            .cells
            .iter()
            .filter(|c| !c.flags.is_empty() && c.table != "active")
            .map(|c| format!("{}.{}", c.row, c.col))
            .collect();
        assert!(flagged.is_empty(), "{flagged:?}");
    }

    #[test]
    fn a_part_and_its_total_read_alike_in_doubt_confirm_nothing() {
        // the appeals cells `cols` read as (value, word confidence), the rest of the report 0.9
        fn read(cols: &[(&str, &str, f32)]) -> Mapping {
            let mut m = report(0.9);
            for &(col, v, conf) in cols {
                let c = cell(&mut m, "appeals", "cases", col);
                c.value = Some(v.into());
                c.raw = v.into();
                c.word_confidence = conf;
            }
            run(&mut m, &[1]);
            m
        }
        // where it fires: an appeals group of zeros whose 其他结果 and 总计 both read 9, one at
        // confidence 0.45: 0 + 0 + 9 + 0 = 9 holds, and proves nothing
        let m = read(&[("review_other", "9", 0.45), ("review_total", "9", 0.93)]);
        assert!(has(&m, "appeals", "cases", "review_other", "unverified"));
        assert!(has(&m, "appeals", "cases", "review_total", "unverified"));
        // where it must not: neither read low, the sum is evidence
        let m = read(&[("review_other", "9", 0.8), ("review_total", "9", 0.93)]);
        assert!(flags(&m, "appeals", "cases", "review_other").is_empty());
        assert!(flags(&m, "appeals", "cases", "review_total").is_empty());
        // nor with two non-zero parts: 4 + 5 = 9 read in doubt still holds by the sum
        let m = read(&[
            ("review_upheld", "4", 0.45),
            ("review_other", "5", 0.45),
            ("review_total", "9", 0.45),
        ]);
        assert!(!has(&m, "appeals", "cases", "review_other", "unverified"));
        // rule echo_beside_low_zero: a 0 read low beside the echo (the 9 may be its value)
        let m = read(&[
            ("review_upheld", "0", 0.6),
            ("review_other", "9", 0.8),
            ("review_total", "9", 0.93),
        ]);
        assert!(has(&m, "appeals", "cases", "review_other", "unverified"));
        // must not: the zeros read sure (0.8 and up), or the low 0 repaired (not a reading)
        let m = read(&[
            ("review_upheld", "0", 0.8),
            ("review_other", "9", 0.8),
            ("review_total", "9", 0.93),
        ]);
        assert!(flags(&m, "appeals", "cases", "review_other").is_empty());
    }

    #[test]
    fn unverified_when_no_check_can_confirm_the_cell() {
        // granted.commercial: its row lacks natural_person and its column lacks rejected_repeat
        let mut m = report(0.9);
        lose(&mut m, "requests", "granted", "natural_person");
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        run(&mut m, &[1]);
        assert!(has(&m, "requests", "granted", "commercial", "unverified"));
        // research (0): its column holds, its row cannot be evaluated; zeros are spared
        assert!(flags(&m, "requests", "granted", "research").is_empty());
        // other_org (1): the same, not zero: partly verified
        assert_eq!(
            flags(&m, "requests", "granted", "other_org"),
            vec!["partly_verified".to_string()]
        );
        // natural_person's column lacks granted: new_received.natural_person still has its row
        assert!(flags(&m, "requests", "new_received", "natural_person").is_empty());
        // missing cells keep their own flag only
        assert_eq!(
            flags(&m, "requests", "granted", "natural_person"),
            vec!["not_found".to_string()]
        );
    }

    #[test]
    fn unverified_never_on_text_layer_values() {
        let mut m = report(1.0);
        lose(&mut m, "requests", "granted", "natural_person");
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        lose(&mut m, "active", "normative_documents", "repealed");
        let before: Vec<Vec<Flag>> = m.cells.iter().map(|c| c.flags.clone()).collect();
        run(&mut m, &[]);
        let after: Vec<Vec<Flag>> = m.cells.iter().map(|c| c.flags.clone()).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn blank_cells_of_a_scanned_page_are_readings_in_doubt() {
        // a blank cell has no word (confidence 1) but OCR may have missed its digits
        let mut m = report(0.9);
        lose(&mut m, "requests", "granted", "natural_person");
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        let c = cell(&mut m, "requests", "granted", "commercial");
        c.raw.clear();
        c.word_confidence = 1.0;
        let mut text_layer = m.clone();
        run(&mut m, &[1]);
        assert!(has(&m, "requests", "granted", "commercial", "unverified"));
        for c in text_layer
            .cells
            .iter_mut()
            .filter(|c| c.table == "requests" && c.row == "granted")
        {
            c.word_confidence = 1.0;
        }
        run(&mut text_layer, &[]);
        assert!(!has(
            &text_layer,
            "requests",
            "granted",
            "commercial",
            "unverified"
        ));
    }

    #[test]
    fn an_inferred_value_confirms_nothing_in_its_check() {
        // granted.total inferred from its row: the row passes by construction; commercial's
        // column lacks a cell, so granted.commercial is confirmed by nothing
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        let t = cell(&mut m, "requests", "granted", "total");
        t.method = Method::Inferred;
        t.flags = vec![Flag::Inferred, Flag::Repaired];
        run(&mut m, &[1]);
        assert!(has(&m, "requests", "granted", "commercial", "unverified"));
        assert!(
            !has(&m, "requests", "granted", "total", "unverified"),
            "the inferred cell says so itself"
        );
        // the same row with its total read: the row confirms the cell, the column cannot
        // (a zero: spared the partly_verified doubt)
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        run(&mut m, &[1]);
        assert!(flags(&m, "requests", "granted", "commercial").is_empty());
        // and a cell whose row and column both hold has no flag at all
        assert!(flags(&m, "requests", "granted", "research").is_empty());
    }

    #[test]
    fn a_blank_zero_only_zeros_vouch_for_is_in_doubt_blank_zero_unvouched() {
        // other_other.natural_person (2) inferred from its column, denied_inquiry's row read
        // from blanks (0 = 0 holds): the 2 may be denied_inquiry's printed value
        let blank_row = |m: &mut Mapping| {
            for c in REQUEST_COLS {
                cell(m, "requests", "denied_inquiry", c).raw.clear();
            }
        };
        let mut m = report(0.9);
        let t = cell(&mut m, "requests", "other_other", "natural_person");
        t.method = Method::Inferred;
        t.flags = vec![Flag::Inferred, Flag::Repaired];
        blank_row(&mut m);
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "requests",
            "denied_inquiry",
            "natural_person",
            "unverified"
        ));
        // not in another column, whose check holds no inferred value
        assert!(!has(
            &m,
            "requests",
            "denied_inquiry",
            "commercial",
            "unverified"
        ));
        // nor a 0 read from ink in the same column
        assert!(!has(
            &m,
            "requests",
            "denied_state_secret",
            "natural_person",
            "unverified"
        ));
        // without the inferred value the blank row's zeros carry no flag
        let mut m = report(0.9);
        blank_row(&mut m);
        run(&mut m, &[1]);
        assert!(flags(&m, "requests", "denied_inquiry", "natural_person").is_empty());
        // the total column lacks a cell: the blank total is vouched for by nothing either
        let mut m = report(0.9);
        lose(&mut m, "requests", "other_other", "total");
        blank_row(&mut m);
        run(&mut m, &[1]);
        assert!(has(&m, "requests", "denied_inquiry", "total", "unverified"));
        // while a blank 0 in a row whose check holds values (2 + 0 + .. + 1 = 3) is vouched for
        // by that check, its column lacking a cell or not
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        cell(&mut m, "requests", "granted", "commercial")
            .raw
            .clear();
        run(&mut m, &[1]);
        assert!(flags(&m, "requests", "granted", "commercial").is_empty());
    }

    #[test]
    fn a_failed_check_is_flag_enough() {
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        cell(&mut m, "requests", "granted", "commercial").value = Some("4".into());
        run(&mut m, &[1]);
        let f = flags(&m, "requests", "granted", "commercial");
        assert!(
            f.iter().any(|x| x.starts_with("check_failed:row_total"))
                && !f.contains(&"unverified".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn low_confidence_unless_the_checks_confirm_it() {
        let mut m = report(0.5);
        run(&mut m, &[1]);
        // no check covers the active table: flagged; requests cells confirmed by passing checks: not
        assert!(has(
            &m,
            "active",
            "licensing",
            "decisions",
            "low_confidence"
        ));
        assert!(flags(&m, "requests", "granted", "natural_person").is_empty());
        // partly confirmed (its column lacks a cell): flagged
        let mut m = report(0.5);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "requests",
            "granted",
            "commercial",
            "low_confidence"
        ));
        // confident enough: never
        let mut m = report(0.9);
        run(&mut m, &[1]);
        assert!(m.cells.iter().all(|c| c.flags.is_empty()));
    }

    #[test]
    fn an_unsure_reading_no_check_covers_is_unverified() {
        let mut m = report(0.95);
        cell(&mut m, "active", "licensing", "decisions").word_confidence = 0.85;
        let mut text_layer = m.clone();
        run(&mut m, &[1]);
        assert_eq!(
            flags(&m, "active", "licensing", "decisions"),
            vec!["unverified".to_string()]
        );
        // a sure reading in the same table, and every covered cell, stay unflagged
        assert!(flags(&m, "active", "punishment", "decisions").is_empty());
        assert!(
            m.cells
                .iter()
                .filter(|c| c.table != "active")
                .all(|c| c.flags.is_empty())
        );
        // text-layer values are exact glyphs
        cell(&mut text_layer, "active", "licensing", "decisions").word_confidence = 1.0;
        run(&mut text_layer, &[]);
        assert!(text_layer.cells.iter().all(|c| c.flags.is_empty()));
    }

    #[test]
    fn an_integer_read_where_decimals_are_printed_is_unverified() {
        // the report with one active cell read `v` at 0.95 on a scan, its flags after the run
        let read = |row: &str, col: &str, v: &str| {
            let mut m = report(0.95);
            let c = cell(&mut m, "active", row, col);
            c.value = Some(v.into());
            c.raw = v.into();
            run(&mut m, &[1]);
            flags(&m, "active", row, col)
        };
        // fires: the fees amount (万元, printed with decimals) read 43
        assert_eq!(
            read("fees", "amount_10k_yuan", "43"),
            vec!["unverified".to_string()]
        );
        // must not: a reading with its point, a single digit, or a count (no decimals)
        for v in ["4.3", "7"] {
            assert!(read("fees", "amount_10k_yuan", v).is_empty(), "{v}");
        }
        assert!(read("licensing", "decisions", "43").is_empty());
    }

    /// The active table of [`report`] laid out on page 1: rows 25 pt high, the three value
    /// columns 100 pt wide from x = 200, one-value rows spanning all three.
    fn active_grid(m: &mut Mapping) {
        let rows = [
            "regulations",
            "normative_documents",
            "licensing",
            "punishment",
            "coercion",
            "fees",
        ];
        let cols = ["issued", "repealed", "in_force"];
        for c in m.cells.iter_mut().filter(|c| c.table == "active") {
            let r = rows.iter().position(|r| *r == c.row).unwrap() as f32;
            let (y0, y1) = (100.0 + 25.0 * r, 125.0 + 25.0 * r);
            c.bbox = Some(match cols.iter().position(|k| *k == c.col) {
                Some(j) => BBox::new(200.0 + 100.0 * j as f32, y0, 300.0 + 100.0 * j as f32, y1),
                None => BBox::new(200.0, y0, 500.0, y1),
            });
        }
    }

    #[test]
    fn a_zero_in_a_cell_spanning_rows_is_irregular_however_the_checks_come_out() {
        let mut m = report(0.95);
        // a requests row's cells side by side, 30 pt wide, from y0 to y1
        let place_row = |m: &mut Mapping, row: &str, y0: f32, y1: f32| {
            for c in m
                .cells
                .iter_mut()
                .filter(|c| c.table == "requests" && c.row == row)
            {
                let j = REQUEST_COLS.iter().position(|k| *k == c.col).unwrap() as f32;
                c.bbox = Some(BBox::new(300.0 + 30.0 * j, y0, 330.0 + 30.0 * j, y1));
            }
        };
        // the row's cells 255..280; its total's cell reaches down over four rows
        place_row(&mut m, "rejected_repeat", 255.0, 280.0);
        cell(&mut m, "requests", "rejected_repeat", "total").bbox =
            Some(BBox::new(480.0, 255.0, 510.0, 370.0));
        // a row whose label wraps over three lines: every cell as tall, none stands out
        place_row(&mut m, "rejected_petition", 400.0, 480.0);
        run(&mut m, &[1]);
        assert_eq!(
            flags(&m, "requests", "rejected_repeat", "total"),
            vec!["irregular_cell".to_string()]
        );
        assert!(flags(&m, "requests", "rejected_repeat", "natural_person").is_empty());
        assert!(
            m.cells
                .iter()
                .filter(|c| c.row == "rejected_petition")
                .all(|c| c.flags.is_empty())
        );
    }

    #[test]
    fn a_zero_from_a_blank_sliver_is_irregular_however_the_checks_come_out() {
        let mut m = report(0.95);
        // a blank sliver (3.7 pt wide: no digit fits) read as 0 in a row of zeros whose checks
        // all hold
        let sliver = cell(&mut m, "requests", "rejected_repeat", "research");
        sliver.bbox = Some(BBox::new(543.8, 100.0, 547.5, 500.0));
        sliver.raw.clear();
        // must not fire: a 0 printed (read from ink) in a sliver, a blank 0 in a cell of
        // ordinary size
        let printed = cell(&mut m, "requests", "rejected_repeat", "commercial");
        printed.bbox = Some(BBox::new(500.0, 100.0, 503.0, 125.0));
        let blank = cell(&mut m, "requests", "rejected_repeat", "other_org");
        blank.bbox = Some(BBox::new(300.0, 100.0, 340.0, 125.0));
        blank.raw.clear();
        let text_layer = m.clone();
        run(&mut m, &[1]);
        assert_eq!(
            flags(&m, "requests", "rejected_repeat", "research"),
            vec!["irregular_cell".to_string()]
        );
        assert!(flags(&m, "requests", "rejected_repeat", "commercial").is_empty());
        assert!(flags(&m, "requests", "rejected_repeat", "other_org").is_empty());
        // a text layer's blank is exact
        let mut text_layer = text_layer;
        for c in text_layer.cells.iter_mut() {
            c.word_confidence = 1.0;
        }
        run(&mut text_layer, &[]);
        assert!(flags(&text_layer, "requests", "rejected_repeat", "research").is_empty());
    }

    #[test]
    fn a_sum_over_a_blank_sliver_confirms_nothing_hollow_term() {
        // an appeals group read off a grid a false ruling cut: pending a blank sliver (0), its
        // printed 3 gone into the total's cell, the total's own 6 lost; 2 + 0 + 1 + 0 = 3 holds
        let mut m = report(0.95);
        for (c, v) in [
            ("litigation_after_review_upheld", "2"),
            ("litigation_after_review_other", "1"),
            ("litigation_after_review_total", "3"),
        ] {
            let x = cell(&mut m, "appeals", "cases", c);
            x.value = Some(v.into());
            x.raw = v.into();
        }
        for (j, c) in [
            "litigation_after_review_upheld",
            "litigation_after_review_corrected",
            "litigation_after_review_other",
            "litigation_after_review_pending",
            "litigation_after_review_total",
        ]
        .iter()
        .enumerate()
        {
            let x0 = 370.0 + 31.0 * j as f32;
            cell(&mut m, "appeals", "cases", c).bbox = Some(BBox::new(x0, 200.0, x0 + 31.0, 225.0));
        }
        let sliver = cell(
            &mut m,
            "appeals",
            "cases",
            "litigation_after_review_pending",
        );
        sliver.bbox = Some(BBox::new(463.0, 200.0, 466.7, 225.0));
        sliver.raw.clear();
        sliver.value = Some("0".into());
        let ordinary = m.clone();
        run(&mut m, &[1]);
        // fires: the total (and the group's other readings) are not confirmed by that sum
        assert!(has(
            &m,
            "appeals",
            "cases",
            "litigation_after_review_total",
            "unverified"
        ));
        assert!(has(
            &m,
            "appeals",
            "cases",
            "litigation_after_review_pending",
            "irregular_cell"
        ));
        // must not: the same group with the pending cell of ordinary size (a printed blank)
        let mut m = ordinary;
        cell(
            &mut m,
            "appeals",
            "cases",
            "litigation_after_review_pending",
        )
        .bbox = Some(BBox::new(463.0, 200.0, 494.0, 225.0));
        run(&mut m, &[1]);
        assert!(flags(&m, "appeals", "cases", "litigation_after_review_total").is_empty());
    }

    #[test]
    fn a_zero_from_a_blank_with_a_number_printed_beside_it_is_irregular() {
        let mut m = report(0.95);
        active_grid(&mut m);
        // blanks read as 0: punishment's one value (cell 200..500 x 175..200) and
        // regulations' repealed (300..400 x 100..125)
        for (r, c) in [("punishment", "decisions"), ("regulations", "repealed")] {
            let x = cell(&mut m, "active", r, c);
            x.value = Some("0".into());
            x.raw.clear();
        }
        let flagged = |numbers: &[(u32, BBox)], m: &Mapping| {
            let mut m = m.clone();
            let ch = checks::evaluate(&m);
            checks::flag_failures(&mut m, &ch);
            flag_doubts(&mut m, &ch, &[1], numbers);
            ["punishment", "regulations"]
                .iter()
                .filter(|r| {
                    m.get(
                        "active",
                        r,
                        if **r == "punishment" {
                            "decisions"
                        } else {
                            "repealed"
                        },
                    )
                    .unwrap()
                    .flags
                    .contains(&Flag::IrregularCell)
                })
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
        };
        // 2474 printed on punishment's line, right of its cell, in no read cell: the blank is
        // beside the value
        let beside = (1, BBox::new(520.0, 180.0, 545.0, 195.0));
        assert_eq!(flagged(&[beside], &m), vec!["punishment".to_string()]);
        // a number on another line, on another page, or inside another read cell of the row
        // (regulations' issued, 200..300): no doubt of this kind
        let below = (1, BBox::new(520.0, 230.0, 545.0, 245.0));
        let other_page = (2, BBox::new(520.0, 180.0, 545.0, 195.0));
        let in_a_cell = (1, BBox::new(240.0, 105.0, 260.0, 120.0));
        assert!(flagged(&[below, other_page, in_a_cell], &m).is_empty());
        // a zero that was printed (read from ink) is the reading of its own cell
        let mut printed = m.clone();
        cell(&mut printed, "active", "punishment", "decisions").raw = "0".into();
        assert!(flagged(&[beside], &printed).is_empty());
    }

    #[test]
    fn a_zero_from_a_cell_that_does_not_fit_its_grid_is_irregular() {
        let mut m = report(0.95);
        active_grid(&mut m);
        // a regular grid: nothing
        let mut regular = m.clone();
        cell(&mut regular, "active", "regulations", "in_force").value = Some("0".into());
        run(&mut regular, &[1]);
        assert!(regular.cells.iter().all(|c| c.flags.is_empty()));
        // a sliver of a column (a false ruling), a row cut in two, a one-value row whose grid
        // ends halfway: a 0 read there may be a blank beside the printed value
        let sliver = cell(&mut m, "active", "regulations", "in_force");
        sliver.value = Some("0".into());
        sliver.bbox = Some(BBox::new(400.0, 100.0, 420.0, 125.0));
        let cut = cell(&mut m, "active", "normative_documents", "in_force");
        cut.value = Some("0".into());
        cut.bbox = Some(BBox::new(400.0, 125.0, 500.0, 136.0));
        let short = cell(&mut m, "active", "fees", "amount_10k_yuan");
        short.value = Some("0".into());
        short.bbox = Some(BBox::new(200.0, 225.0, 290.0, 250.0));
        // a number read from such a cell was read from its own ink: no doubt of this kind
        let number = cell(&mut m, "active", "normative_documents", "issued");
        number.bbox = Some(BBox::new(200.0, 125.0, 240.0, 150.0));
        let mut text_layer = m.clone();
        run(&mut m, &[1]);
        for r in ["regulations", "normative_documents"] {
            assert_eq!(
                flags(&m, "active", r, "in_force"),
                vec!["irregular_cell".to_string()],
                "{r}"
            );
        }
        assert!(has(
            &m,
            "active",
            "fees",
            "amount_10k_yuan",
            "irregular_cell"
        ));
        assert!(flags(&m, "active", "normative_documents", "issued").is_empty());
        assert!(flags(&m, "active", "regulations", "issued").is_empty());
        // text-layer pages are exact
        for c in text_layer.cells.iter_mut() {
            c.word_confidence = 1.0;
        }
        run(&mut text_layer, &[]);
        assert!(text_layer.cells.iter().all(|c| c.flags.is_empty()));
    }

    #[test]
    fn malformed_number_unless_confirmed() {
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        // row and column confirm it: nothing
        let c = cell(&mut m, "requests", "new_received", "other_org");
        c.raw = "0 1".into();
        c.value = Some("01".into());
        // granted.commercial 01 and a total of 4: the row holds, commercial's column cannot be
        // evaluated, so the stray 0 is worth a look
        let c = cell(&mut m, "requests", "granted", "commercial");
        c.raw = "01".into();
        c.value = Some("01".into());
        cell(&mut m, "requests", "granted", "total").value = Some("4".into());
        run(&mut m, &[1]);
        assert!(flags(&m, "requests", "new_received", "other_org").is_empty());
        let f = flags(&m, "requests", "granted", "commercial");
        assert!(
            f.contains(&"malformed_number".to_string()) && !f.contains(&"unverified".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn digits_in_a_row_label_flag_the_row_where_unconfirmed() {
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        for c in m.cells.iter_mut().filter(|c| c.row == "granted") {
            c.row_label = "1.予以公开3".into();
        }
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "requests",
            "granted",
            "commercial",
            "numbers_in_label"
        ));
        assert!(flags(&m, "requests", "granted", "natural_person").is_empty());
    }

    #[test]
    fn a_row_without_checks_that_lost_a_cell() {
        let mut m = report(0.9);
        lose(&mut m, "active", "normative_documents", "repealed");
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "active",
            "normative_documents",
            "issued",
            "row_incomplete"
        ));
        assert!(has(
            &m,
            "active",
            "normative_documents",
            "in_force",
            "row_incomplete"
        ));
        assert!(flags(&m, "active", "regulations", "issued").is_empty());
        assert!(flags(&m, "active", "licensing", "decisions").is_empty());
    }

    #[test]
    fn column_by_position_dropped_when_a_sum_confirms_the_order() {
        let mut m = report(0.9);
        lose(&mut m, "requests", "rejected_repeat", "commercial");
        lose(&mut m, "requests", "unable_not_held", "natural_person");
        for c in m
            .cells
            .iter_mut()
            .filter(|c| c.table == "requests" && (c.row == "granted" || c.row == "unable_not_held"))
        {
            c.flag(Flag::ColumnByPosition);
        }
        run(&mut m, &[1]);
        // granted's row holds: its order is confirmed (its column cannot be evaluated)
        assert!(flags(&m, "requests", "granted", "commercial").is_empty());
        // unable_not_held.commercial: row incomplete, column incomplete: nothing confirms the order
        assert!(has(
            &m,
            "requests",
            "unable_not_held",
            "commercial",
            "column_by_position"
        ));
        assert!(has(
            &m,
            "requests",
            "unable_not_held",
            "commercial",
            "unverified"
        ));
        // a failed check keeps it
        let mut m = report(0.9);
        cell(&mut m, "requests", "granted", "commercial").value = Some("1".into());
        cell(&mut m, "requests", "granted", "commercial").flag(Flag::ColumnByPosition);
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "requests",
            "granted",
            "commercial",
            "column_by_position"
        ));
    }

    #[test]
    fn a_check_of_zeros_places_nothing() {
        let mut m = report(0.9);
        let idx = |m: &Mapping, row: &str, col: &str| {
            m.cells
                .iter()
                .position(|c| c.table == "requests" && c.row == row && c.col == col)
                .unwrap()
        };
        let (a, b) = (
            idx(&m, "granted", "commercial"),
            idx(&m, "granted", "research"),
        );
        m.cells[a].value = Some("0".into());
        m.cells[b].value = Some("0".into());
        assert!(!places(&m, &[a, b]));
        m.cells[b].value = Some("3".into());
        assert!(places(&m, &[a, b]));
    }

    #[test]
    fn a_failed_check_flags_its_suspects() {
        // granted.commercial misread 4 (printed 0): its row and its column fail
        let mut m = report(0.9);
        cell(&mut m, "requests", "granted", "commercial").value = Some("4".into());
        run(&mut m, &[1]);
        let f = flags(&m, "requests", "granted", "commercial");
        assert!(
            f.contains(&"check_failed:row_total:granted".to_string())
                && f.contains(&"check_failed:results_total:commercial".to_string()),
            "{f:?}"
        );
        // its neighbours are confirmed by their own column or row: no suspects
        assert!(
            flags(&m, "requests", "granted", "natural_person").is_empty(),
            "{:?}",
            flags(&m, "requests", "granted", "natural_person")
        );
        assert!(flags(&m, "requests", "unable_not_held", "commercial").is_empty());
        // the same on a text-layer document: the arithmetic, not the doubt, decides
        let mut m = report(1.0);
        cell(&mut m, "requests", "granted", "total").value = Some("4".into()); // the report's own mistake
        run(&mut m, &[]);
        assert_eq!(
            flags(&m, "requests", "granted", "total"),
            vec![
                "check_failed:row_total:granted".to_string(),
                "check_failed:results_total:total".to_string()
            ]
        );
        assert!(flags(&m, "requests", "granted", "natural_person").is_empty());
        assert!(
            flags(&m, "requests", "total_processed", "total").is_empty(),
            "confirmed by its row"
        );
    }

    #[test]
    fn a_failed_row_total_over_columns_taken_by_position_clears_none_of_its_cells() {
        // the same misread, in a row whose other_org and total the header did not place: the
        // column checks that confirm natural_person cannot say it stands in its column
        let mut m = report(0.9);
        cell(&mut m, "requests", "granted", "commercial").value = Some("4".into());
        cell(&mut m, "requests", "granted", "other_org").flag(Flag::ColumnByPosition);
        cell(&mut m, "requests", "granted", "total").flag(Flag::ColumnByPosition);
        run(&mut m, &[1]);
        let f = flags(&m, "requests", "granted", "natural_person");
        assert!(
            f.contains(&"check_failed:row_total:granted".to_string()),
            "{f:?}"
        );
        // the column's other cells keep being confirmed by their rows
        assert!(flags(&m, "requests", "unable_not_held", "natural_person").is_empty());
    }

    #[test]
    fn a_failure_whose_cells_are_all_confirmed_keeps_its_flags() {
        // new_received 8 0 0 0 0 1 9: its row holds, every other cell of the natural_person and
        // total balances is confirmed too, yet both balances fail (the report's own mistake)
        let mut m = report(1.0);
        cell(&mut m, "requests", "new_received", "natural_person").value = Some("8".into());
        cell(&mut m, "requests", "new_received", "total").value = Some("9".into());
        run(&mut m, &[]);
        for r in [
            "new_received",
            "carried_over",
            "total_processed",
            "carried_forward",
        ] {
            assert!(
                has(
                    &m,
                    "requests",
                    r,
                    "natural_person",
                    "check_failed:balance:natural_person"
                ),
                "{r}"
            );
        }
    }

    #[test]
    fn one_misreading_repeated_in_a_cell_and_its_total_stays_suspect() {
        // rejected_repeat printed all zeros; OCR read research 8 and total 8: its row holds
        // (8 = 8), but the research and total columns fail.  Both cells stay suspects.
        let mut m = report(0.9);
        cell(&mut m, "requests", "rejected_repeat", "research").value = Some("8".into());
        cell(&mut m, "requests", "rejected_repeat", "total").value = Some("8".into());
        run(&mut m, &[1]);
        assert!(
            has(
                &m,
                "requests",
                "rejected_repeat",
                "research",
                "check_failed:results_total:research"
            ),
            "{:?}",
            flags(&m, "requests", "rejected_repeat", "research")
        );
        assert!(has(
            &m,
            "requests",
            "rejected_repeat",
            "total",
            "check_failed:results_total:total"
        ));
        // granted 2 0 0 0 0 1 3 holds with three non-zero cells: a strong confirmation
        assert!(flags(&m, "requests", "granted", "natural_person").is_empty());
        // the zeros of a weak row are confirmed by it like by any check: natural_person's
        // column fails through granted (misread 9), rejected_repeat's 0 there is no suspect
        let mut m = report(0.9);
        cell(&mut m, "requests", "rejected_repeat", "research").value = Some("8".into());
        cell(&mut m, "requests", "rejected_repeat", "total").value = Some("8".into());
        cell(&mut m, "requests", "granted", "natural_person").value = Some("9".into());
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "requests",
            "granted",
            "natural_person",
            "check_failed:results_total:natural_person"
        ));
        assert!(!has(
            &m,
            "requests",
            "rejected_repeat",
            "natural_person",
            "check_failed:results_total:natural_person"
        ));
        // with another suspect in the research column (granted.research 5 breaks its row),
        // the weak row still keeps rejected_repeat.research a suspect when read by OCR ...
        for (conf, doubt, suspect) in [(0.9, vec![1], true), (1.0, vec![], false)] {
            let mut m = report(conf);
            cell(&mut m, "requests", "rejected_repeat", "research").value = Some("8".into());
            cell(&mut m, "requests", "rejected_repeat", "total").value = Some("8".into());
            cell(&mut m, "requests", "granted", "research").value = Some("5".into());
            run(&mut m, &doubt);
            assert!(has(
                &m,
                "requests",
                "granted",
                "research",
                "check_failed:results_total:research"
            ));
            // ... but not on a text layer: exact glyphs, the row's confirmation stands
            assert_eq!(
                has(
                    &m,
                    "requests",
                    "rejected_repeat",
                    "research",
                    "check_failed:results_total:research"
                ),
                suspect,
                "conf {conf}"
            );
        }
    }

    #[test]
    fn a_weak_row_whose_partner_is_confirmed_clears_its_cell() {
        // unable_not_held 3 .. 3 holds weakly; natural_person's column fails through another
        // row (granted.natural_person misread 9), the total column holds: unable_not_held's
        // total is strongly confirmed, so its natural_person is no suspect
        let mut m = report(0.9);
        cell(&mut m, "requests", "granted", "natural_person").value = Some("9".into());
        cell(&mut m, "requests", "granted", "total").value = Some("3".into());
        run(&mut m, &[1]);
        assert!(
            flags(&m, "requests", "unable_not_held", "natural_person")
                .iter()
                .all(|f| !f.starts_with("check_failed")),
            "{:?}",
            flags(&m, "requests", "unable_not_held", "natural_person")
        );
        assert!(has(
            &m,
            "requests",
            "granted",
            "natural_person",
            "check_failed:row_total:granted"
        ));
    }

    #[test]
    fn a_capped_reading_beside_a_low_one_confirms_nothing() {
        // printed 4 1 1 0 6: a merged cell's 4 and 1 read as 4 (capped, 0.25), a ruling's
        // remnant read 1 (0.6) where the 0 is: 4 + 1 + 0 + 1 = 6 holds
        let read = |upheld: f32, remnant: f32| {
            let mut m = report(0.9);
            let mut set = |c: &str, v: &str, conf: f32| {
                let x = cell(&mut m, "appeals", "cases", c);
                x.value = Some(v.into());
                x.raw = v.into();
                x.word_confidence = conf;
            };
            set("review_upheld", "4", upheld);
            set("review_corrected", "1", 0.96);
            set("review_pending", "1", remnant);
            set("review_total", "6", 0.97);
            run(&mut m, &[1]);
            m
        };
        let m = read(0.25, 0.6);
        assert!(
            !flags(&m, "appeals", "cases", "review_other").is_empty(),
            "the 0 beside a capped and a low reading is not confirmed"
        );
        assert!(has(
            &m,
            "appeals",
            "cases",
            "review_upheld",
            "low_confidence"
        ));
        assert!(has(
            &m,
            "appeals",
            "cases",
            "review_pending",
            "low_confidence"
        ));
        // must not: the remnant read sure, or both low and neither capped
        for (upheld, remnant) in [(0.25, 0.96), (0.5, 0.6)] {
            let m = read(upheld, remnant);
            for c in ["review_upheld", "review_other", "review_pending"] {
                assert!(
                    flags(&m, "appeals", "cases", c).is_empty(),
                    "{c} {upheld} {remnant}"
                );
            }
        }
    }

    #[test]
    fn two_misreadings_that_cancel_in_a_row_do_not_clear_it() {
        // unable_not_held printed 3 0 0 0 0 0 3: OCR read natural_person 1 and legal_services
        // 2 (a 0 read 2): 1 + 2 = 3 holds by coincidence; both columns fail.  The 2 is a
        // suspect of its column; the 1 leans on it and stays a suspect of its own.
        let mut m = report(0.9);
        cell(&mut m, "requests", "unable_not_held", "natural_person").value = Some("1".into());
        cell(&mut m, "requests", "unable_not_held", "legal_services").value = Some("2".into());
        run(&mut m, &[1]);
        assert!(has(
            &m,
            "requests",
            "unable_not_held",
            "legal_services",
            "check_failed:results_total:legal_services"
        ));
        assert!(
            has(
                &m,
                "requests",
                "unable_not_held",
                "natural_person",
                "check_failed:results_total:natural_person"
            ),
            "{:?}",
            flags(&m, "requests", "unable_not_held", "natural_person")
        );
        // the other rows of the natural_person column are confirmed by rows nothing taints
        assert!(flags(&m, "requests", "granted", "natural_person").is_empty());
    }

    #[test]
    fn malformed_numbers() {
        assert!(malformed_number("0 60", "060"));
        assert!(malformed_number("1 2", "12"));
        assert!(malformed_number("01", "01"));
        assert!(!malformed_number("00", "00"));
        assert!(!malformed_number("0 0", "00"));
        assert!(!malformed_number("60", "60"));
        assert!(!malformed_number("0", "0"));
        assert!(!malformed_number("0.5", "0.5"));
        assert!(!malformed_number("1,234", "1234"));
        assert!(!malformed_number("", "0"));
    }

    #[test]
    fn labels_with_stray_digits() {
        assert!(stray_digits_in_label("1007四、结转下年度继续办理0"));
        assert!(stray_digits_in_label("1，本机关不掌握相关314政府信息"));
        assert!(!stray_digits_in_label("”3.危及“三安全一稳定"));
        assert!(!stray_digits_in_label("（2）其他"));
        assert!(!stray_digits_in_label("6属于四类过程性信息"));
        assert!(!stray_digits_in_label("四、结转下年度继续办理"));
        assert!(!stray_digits_in_label("行政规范性文件"));
    }
}

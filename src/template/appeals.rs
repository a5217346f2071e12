//! The appeals table read by its columns' order (issue 12).
//!
//! The template fixes the appeals table completely: three groups (行政复议, 行政诉讼 未经复议直接起诉,
//! 行政诉讼 复议后起诉) of the same five leaves (结果维持, 结果纠正, 其他结果, 尚未审结, 总计),
//! over one row of 15 numbers.  On a fresh scan the header's words are often garbled or merged
//! across columns by a broken grid, so a header map built from legible words alone misses
//! columns (fewer than 10 keys: nothing was read).  [`by_order`] reads the row under a header
//! row that reads like the leaf row instead by the columns' order:
//!
//! * the leaf row's *slots* are its grid columns with text (a blank sliver between two rulings,
//!   a label column of one glyph are none); 15 slots are the three groups in order, 10 or 5
//!   slots the groups that their legible group words (or their neighbour's, by adjacency) name;
//!   other counts (a column split or two merged) the runs of five at the row's two ends
//!   ([`partial_runs`]);
//! * a group (run of five slots) is read only when every legible leaf in it stands at its own
//!   position ([`Leaf`]): a grid that split one column and merged two others in a group gets
//!   nothing there, instead of shifted numbers;
//! * the value row is the first row under the leaf row with numbers under its slots, or the
//!   grid's last row right under it printed blank ([`blank_value_row`]: zeros printed as
//!   nothing);
//! * under each slot the value row's cell is the value; a cell that is the header's own cell
//!   (the value row merged into the header) or that spans several slots with text in it is
//!   unknown (`unparseable`, no number invented); a blank cell over several slots is blank in
//!   each (nothing is printed there);
//! * every cell whose own header words do not name its column is flagged `column_by_position`
//!   (verify drops it when the group's total confirms it).
//!
//! When neither the header map nor the order placed any value (the header's cells merged with
//! each other and the values' cells too), [`by_sums`] reads the groups at the value row's ends
//! by the template's arithmetic (总计 is the sum of the group's four leaves), flagged
//! `appeals_group_by_sum`.

use super::{
    APPEALS_LEAVES, Candidate, MappedCell, Method, appeals_col_group, appeals_col_key,
    appeals_leaf_hits, cell_for, norm_label, row_cells, similarity,
};
use crate::flag::Flag;
use crate::schema::{Row, TableDef};
use crate::table::{Cell, Table};
use crate::values;

/// The appeals groups, in the template's (and every report's) order.
pub(super) const APPEALS_GROUPS: [&str; 3] =
    ["review", "litigation_direct", "litigation_after_review"];

/// Cells of a row that must name a leaf for the row to read like the appeals leaf row when
/// fewer than two name 维持 or 纠正 (the requests header names two at most: 其他, 总计).
pub(super) const LEAF_ROW_MIN: usize = 4;

/// Value cells (non-blank, number-like) a row under the leaf row needs to be its value row.
const VALUE_ROW_MIN: usize = 3;

/// Similarity to 行政复议 above which a group cell that names no lawsuit is the review group
/// (行政地议, 行忘去议: one or two glyphs misread).
const REVIEW_LIKE_MIN: f32 = 0.5;

/// Similarity to a lawsuit group's words (未经复议直接起诉, 复议后起诉) above which a group cell
/// that names neither exactly is the one it is most like.
const LAWSUIT_LIKE_MIN: f32 = 0.6;

/// What a leaf-row cell's text says of its leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Leaf {
    /// One leaf, its index in [`APPEALS_LEAVES`].
    Legible(usize),
    /// No leaf word legible.
    Illegible,
    /// Words of several leaves: cells merged by a lost ruling; no evidence of position.
    Several,
}

/// The leaves (indices in [`APPEALS_LEAVES`], in that order) whose words normalised text `t`
/// holds.  One legible glyph of 纠 or a closing 计 is enough: no other leaf holds them.  The
/// one leaf vocabulary, for the header map (`appeals_col_key`) and the order reading.
pub(super) fn leaf_hits(t: &str) -> impl Iterator<Item = usize> + '_ {
    [
        t.contains("维持"),
        t.contains('纠'),
        t.contains("其他") || t.contains("其它"),
        t.contains("尚未") || t.contains("审结"),
        t.contains("总计") || t.contains("合计") || t.ends_with('计'),
    ]
    .into_iter()
    .enumerate()
    .filter(|(_, h)| *h)
    .map(|(i, _)| i)
}

/// The leaf a header cell's text names ([`leaf_hits`]).
pub(super) fn leaf_of(text: &str) -> Leaf {
    let hits: Vec<usize> = leaf_hits(&norm_label(text)).collect();
    match hits[..] {
        [i] => Leaf::Legible(i),
        [] => Leaf::Illegible,
        _ => Leaf::Several,
    }
}

/// The cells of a header row that name one leaf each ([`Leaf::Legible`]).
pub(super) fn legible_leaves(texts: &[String]) -> usize {
    texts
        .iter()
        .filter(|s| matches!(leaf_of(s), Leaf::Legible(_)))
        .count()
}

/// Whether a header row reads like the appeals leaf row: `LEAF_ROW_MIN` cells name a leaf, of
/// three kinds at least (the requests header has 其他 and 总计 once each).
pub(super) fn reads_like_leaf_row(texts: &[String]) -> bool {
    let leaves: Vec<usize> = texts
        .iter()
        .filter_map(|s| match leaf_of(s) {
            Leaf::Legible(i) => Some(i),
            _ => None,
        })
        .collect();
    let mut kinds = leaves.clone();
    kinds.sort();
    kinds.dedup();
    leaves.len() >= LEAF_ROW_MIN && kinds.len() >= 3
}

/// The group a column's header path names, also when OCR garbled it: 复议后 for the lawsuits
/// after review, 未经/直接 for the direct ones, and a text like 行政复议 that names no lawsuit
/// (诉, 起) for review.
pub(super) fn group_like(path: &str) -> Option<usize> {
    if let Some(g) = appeals_col_group(path) {
        return APPEALS_GROUPS.iter().position(|x| *x == g);
    }
    let t = norm_label(path);
    if t.contains("复议后") || t.contains("后起诉") {
        return Some(2);
    }
    if t.contains("未经") || t.contains("直接") {
        return Some(1);
    }
    // a group cell with one or two glyphs misread (复以后起诉, 未经复记忆二二诉): the lawsuit
    // group it is most like, when like enough
    let lawsuit_like = t
        .split('/')
        .flat_map(|seg| {
            [(1, "未经复议直接起诉"), (2, "复议后起诉")].map(|(g, name)| (g, similarity(seg, name)))
        })
        .filter(|(_, s)| *s >= LAWSUIT_LIKE_MIN)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((g, _)) = lawsuit_like {
        return Some(g);
    }
    let lawsuit = t.contains('诉') || t.contains('起');
    let review = t
        .split('/')
        .any(|seg| seg.contains("政复") || similarity(seg, "行政复议") >= REVIEW_LIKE_MIN);
    (!lawsuit && review).then_some(0)
}

/// The header path of grid column `c` above and at row `r`: distinct cells' texts, top down.
fn path(t: &Table, r: usize, c: usize) -> String {
    let mut out = String::new();
    let mut last: Option<*const Cell> = None;
    for rr in r.saturating_sub(3)..=r {
        let cell = t.cell_at(rr, c);
        if last != Some(cell as *const Cell) {
            out.push_str(&cell.text());
            out.push('/');
            last = Some(cell as *const Cell);
        }
    }
    out.trim_end_matches('/').to_string()
}

/// Whether a leaf-row cell is a slot (a column of the table's values): it has text, of two
/// characters or a leaf word (a lone glyph is the section heading's numeral or a stray mark).
fn is_slot(text: &str) -> bool {
    let t = norm_label(text);
    t.chars().count() >= 2 || matches!(leaf_of(&t), Leaf::Legible(_))
}

/// The groups of `runs` runs of five slots, from the legible group of each run (its columns'
/// majority) and the template's order: 3 runs are the three groups; 2 runs two adjacent ones
/// and 1 run one, fixed by any legible run, every legible run agreeing.  None when nothing
/// fixes them or the legible ones contradict the order.
fn run_groups(legible: &[Option<usize>]) -> Option<Vec<usize>> {
    let n = legible.len();
    if n == 0 || n > APPEALS_GROUPS.len() {
        return None;
    }
    if n == APPEALS_GROUPS.len() {
        // all three: the order alone says which (group words spanning the wrong columns are
        // common in a broken grid; the leaves' positions guard each group)
        return Some((0..n).collect());
    }
    let offsets: Vec<usize> = legible
        .iter()
        .enumerate()
        .filter_map(|(k, g)| g.and_then(|g| g.checked_sub(k)))
        .collect();
    let first = *offsets.first()?;
    let agree = legible
        .iter()
        .enumerate()
        .all(|(k, g)| g.is_none_or(|g| g == first + k));
    (agree && first + n <= APPEALS_GROUPS.len()).then(|| (first..first + n).collect())
}

/// The most frequent legible group among a run's columns' paths (None on a tie or none).
fn majority(groups: &[Option<usize>]) -> Option<usize> {
    let mut count = [0usize; 3];
    groups.iter().flatten().for_each(|&g| count[g] += 1);
    let best = *count.iter().max()?;
    (best > 0 && count.iter().filter(|&&c| c == best).count() == 1)
        .then(|| count.iter().position(|&c| c == best).unwrap_or(0))
}

/// Slot cells of a blank value row that may hold a mark all the same ([`blank_value_row`]).
const BLANK_ROW_MARKS: usize = 2;

/// Rule `blank_value_row`: grid row `rr`, right under the leaf row and the grid's last, is the
/// value row of a table that prints its zeros as blanks: its slots' cells are blank or
/// value-like, but for at most [`BLANK_ROW_MARKS`] marks (a seal's stroke, a speck read as a
/// glyph: such a cell is unknown, [`by_order`] reads it as it reads any cell).  The appeals
/// table has one value row under its leaves; a report that prints its zeros as nothing leaves
/// that row blank, and [`value_row`], which looks for numbers, found none: the whole table went
/// unread.  A blank cell reads 0, as a blank cell of the requests grid does (the cell reader
/// leaves a cell blank only when it holds no ink); a row of one or two numbers among blanks
/// (some zeros printed blank) is the value row too.  Rule `blank_row_rulings_lost`: a faint
/// grid keeps its rulings where print runs beside them and loses them between blank cells, so
/// a blank cell over several slots is blank in each (nothing is printed there), and a leaf
/// cell reaching down into the row (the ruling under it lost) is a slot whose value is not
/// known ([`by_order`] reads a header cell as unknown); most slots ([`OWN_CELLS`]) keep a
/// cell of the row's own.  Not a row with a leaf word (a second header row), one with rows
/// below it, or a cell with ink over several slots (whose number's place is not known).
fn blank_value_row(t: &Table, rr: usize, slots: &[usize]) -> bool {
    if rr + 1 != t.n_rows() {
        return false;
    }
    let mut marks = 0;
    let mut own = 0;
    for &c in slots {
        let cell = t.cell_at(rr, c);
        if cell.r0 != rr {
            // a leaf cell reaching down holds its leaf's words; a number in it is the value
            // row's, printed under the lost ruling: no blank row
            if cell.text().chars().any(|ch| ch.is_ascii_digit()) {
                return false;
            }
            continue;
        }
        own += 1;
        let text = cell.text();
        let over = slots_under(cell, slots);
        if text.trim().is_empty() {
            continue;
        }
        if over > 1 {
            return false;
        }
        if values::value_like(&text, cell.confidence) {
            continue;
        }
        if leaf_of(&text) != Leaf::Illegible {
            return false;
        }
        marks += 1;
    }
    marks <= BLANK_ROW_MARKS && own as f32 >= OWN_CELLS * slots.len() as f32
}

/// How many of the leaf row's slots (grid columns) `cell` spans.
fn slots_under(cell: &Cell, slots: &[usize]) -> usize {
    slots
        .iter()
        .filter(|&&o| o >= cell.c0 && o < cell.c1)
        .count()
}

/// Share of a blank value row's slots that must have a cell of the row's own, not a leaf cell
/// reaching down ([`blank_value_row`]).
const OWN_CELLS: f32 = 0.6;

/// The first row below the leaf row `r` with a number-like cell under a slot, rows between
/// wholly blank (a spurious ruling splitting the header from the values); or the row right
/// under it printed blank ([`blank_value_row`]).
fn value_row(t: &Table, r: usize, slots: &[usize]) -> Option<usize> {
    for rr in r + 1..t.n_rows() {
        let texts: Vec<String> = slots.iter().map(|&c| t.cell_at(rr, c).text()).collect();
        let numbers = slots
            .iter()
            .zip(&texts)
            .filter(|(c, s)| {
                let cell = t.cell_at(rr, **c);
                !s.trim().is_empty()
                    && !std::ptr::eq(cell, t.cell_at(r, **c))
                    && values::value_like(s, cell.confidence)
            })
            .count();
        if numbers >= VALUE_ROW_MIN && super::appeals_leaf_hits(&texts) < 2 {
            return Some(rr);
        }
        if rr == r + 1 && blank_value_row(t, rr, slots) {
            return Some(rr);
        }
        if texts.iter().any(|s| !s.trim().is_empty()) {
            return None;
        }
    }
    None
}

/// The appeals cell of group `g`'s leaf `i` (in [`APPEALS_GROUPS`], [`APPEALS_LEAVES`]) read
/// from `cell` of `t`; None when the template row has no such column.
fn leaf_cell(t: &Table, row: &Row, g: usize, i: usize, cell: &Cell) -> Option<MappedCell> {
    let key = format!("{}_{}", APPEALS_GROUPS[g], APPEALS_LEAVES[i]);
    let col = row.cols.iter().find(|x| x.0 == key)?;
    let cand = Candidate {
        value_cells: vec![],
        label: String::new(),
        page: t.page,
        method: Method::of_table(t.method),
    };
    let mut m = cell_for(&cand, cell, "appeals", row, col);
    m.row_label = row.label.clone();
    Some(m)
}

/// The value row's index and its appeals cells under leaf row `r` of `t`, read by the columns' order
/// (see the module doc); None when the slots do not make whole groups or no group's leaves
/// agree with their positions.
pub(super) fn by_order(t: &Table, r: usize, def: &TableDef) -> Option<(usize, Vec<MappedCell>)> {
    let n = APPEALS_LEAVES.len();
    let slots: Vec<usize> = (0..t.n_cols())
        .filter(|&c| is_slot(&t.cell_at(r, c).text()))
        .collect();
    let most = n * APPEALS_GROUPS.len();
    if slots.is_empty() || slots.len() > most + n - 1 || slots.len() < n {
        return None;
    }
    let vr = value_row(t, r, &slots)?;
    let legible_group = |run: &[usize]| {
        let gs: Vec<Option<usize>> = run.iter().map(|&c| group_like(&path(t, r, c))).collect();
        majority(&gs)
    };
    // (the run's slots, its group)
    let runs: Vec<(&[usize], usize)> = if slots.len().is_multiple_of(n) && slots.len() <= most {
        let chunks: Vec<&[usize]> = slots.chunks(n).collect();
        let legible: Vec<Option<usize>> = chunks.iter().map(|c| legible_group(c)).collect();
        chunks.into_iter().zip(run_groups(&legible)?).collect()
    } else {
        partial_runs(&slots, &legible_group)
    };
    let row = &def.rows[0];
    let mut accepted: Vec<(&[usize], usize)> = Vec::new();
    for (run, g) in runs {
        // every legible leaf at its own position, one at least; a header cell over several
        // slots that names one leaf is a column a spurious ruling split (its values are split
        // too: the group's cells are shifted), one naming several leaves is no evidence
        let mut legible_leaves = 0;
        let mut in_place = true;
        for (i, &c) in run.iter().enumerate() {
            let h = t.cell_at(r, c);
            let spans = slots_under(h, &slots);
            match leaf_of(&h.text()) {
                Leaf::Legible(_) if spans > 1 => in_place = false,
                Leaf::Legible(l) if l == i => legible_leaves += 1,
                Leaf::Legible(_) => in_place = false,
                _ => {}
            }
        }
        if in_place && legible_leaves > 0 {
            accepted.push((run, g));
        }
    }
    tracing::trace!(
        "p{} appeals leaf row {r}: {} slots, value row {vr}, runs in place {:?}",
        t.page,
        slots.len(),
        accepted.iter().map(|x| x.1).collect::<Vec<_>>()
    );
    let mut out = Vec::new();
    for &(run, g) in &accepted {
        if accepted.iter().any(|(o, h)| *h == g && *o != run) {
            // two runs in place claim the group: neither is sure
            continue;
        }
        for (i, &c) in run.iter().enumerate() {
            let v = t.cell_at(vr, c);
            let Some(mut m) = leaf_cell(t, row, g, i, v) else {
                continue;
            };
            let header_cell = (r..vr).any(|rr| std::ptr::eq(v, t.cell_at(rr, c)));
            let over_slots = slots_under(v, &slots);
            if header_cell || (over_slots > 1 && !v.text().trim().is_empty()) {
                // the number's place is not known: the text is kept, the value is not guessed
                m.value = None;
                m.flag(Flag::Unparseable);
            }
            if appeals_col_key(&path(t, r, c)).as_deref() != Some(m.col.as_str()) {
                m.flag(Flag::ColumnByPosition);
            }
            out.push(m);
        }
    }
    (!out.is_empty()).then_some((vr, out))
}

/// Rule `partial_runs`: the runs of a leaf row whose slots make no whole groups (a column split
/// in two by a spurious ruling, two merged by a lost one: 13 or 14 slots): the whole runs of five
/// from the row's left end are the groups from the first on, those from its right end the
/// groups from the last back, each where its legible group words do not name another group.
/// The leaves' positions then guard each run as for whole groups (a run the split or merge
/// shifted has its legible leaves out of place), and a group that two runs still claim is
/// neither's ([`by_order`]).
fn partial_runs<'s>(
    slots: &'s [usize],
    legible_group: &dyn Fn(&[usize]) -> Option<usize>,
) -> Vec<(&'s [usize], usize)> {
    let n = APPEALS_LEAVES.len();
    let whole = (slots.len() / n).min(APPEALS_GROUPS.len());
    let last = APPEALS_GROUPS.len() - 1;
    let mut runs: Vec<(&[usize], usize)> = Vec::new();
    for k in 0..whole {
        runs.push((&slots[k * n..(k + 1) * n], k));
        runs.push((
            &slots[slots.len() - (k + 1) * n..slots.len() - k * n],
            last - k,
        ));
    }
    runs.retain(|(run, g)| legible_group(run).is_none_or(|l| l == *g));
    runs
}

/// Rows below an appeals header row in which [`by_sums`] looks for the value row.
const SUMS_ROWS_BELOW: usize = 3;

/// The numbers of the value row of an appeals table whose header placed none of them (a seal
/// or lost rulings merged header cells and values alike, so neither the header map nor
/// [`by_order`] could place them), placed by the template's arithmetic: in every group the
/// fifth number (总计) is the sum of the first four.  Under a row that reads like the appeals
/// header (two 维持/纠正 cells, or [`reads_like_leaf_row`]), a row of at least ten cells whose
/// first five (from the table's left edge) sum so is the review group, and whose last five
/// (to its right edge) sum so is the lawsuits after review; the five next to a group so placed
/// (or the middle five of fifteen) that sum so are the direct lawsuits.  The header above a group's columns must name that
/// group ([`group_like`]) and no other.  A group whose cells are not all numbers, or whose
/// sum fails, is left unread (a lost or merged cell shifts it).  The sum that placed a group
/// cannot confirm it: its cells are flagged `appeals_group_by_sum`.
pub(super) fn by_sums(tables: &[Table], def: &TableDef) -> Vec<MappedCell> {
    let n = APPEALS_LEAVES.len();
    let row = &def.rows[0];
    for t in tables {
        for r in 0..t.n_rows() {
            let header: Vec<String> = row_cells(t, r).iter().map(|c| c.text()).collect();
            if appeals_leaf_hits(&header) < 2 && !reads_like_leaf_row(&header) {
                continue;
            }
            for vr in r + 1..(r + 1 + SUMS_ROWS_BELOW).min(t.n_rows()) {
                let cells: Vec<&Cell> = row_cells(t, vr)
                    .into_iter()
                    // a cell reaching up into the header holds no value of its own
                    .filter(|c| c.r0 == vr)
                    .collect();
                if cells.len() < 2 * n {
                    continue;
                }
                let sums = |run: &[&Cell]| numbers(run).is_some_and(|v| group_sums(&v));
                // the header above names group `g` over the run, and no other group (a table
                // of the lawsuits alone starts with the direct ones)
                let named = |run: &[&Cell], g: usize| {
                    let gs: Vec<Option<usize>> = run
                        .iter()
                        .map(|c| group_like(&path(t, vr - 1, c.c0)))
                        .collect();
                    gs.contains(&Some(g)) && gs.iter().all(|x| x.is_none_or(|x| x == g))
                };
                let k = cells.len();
                let mut groups: Vec<(usize, &[&Cell])> = Vec::new();
                for (g, run, at_edge) in [
                    (0, &cells[..n], cells[0].c0 == 0),
                    (2, &cells[k - n..], cells[k - 1].c1 == t.n_cols()),
                ] {
                    if at_edge && sums(run) && named(run, g) {
                        groups.push((g, run));
                    }
                }
                // the direct lawsuits: the middle five of fifteen, or the five next to a group
                // the sums placed at an edge (its neighbour in the template's order)
                let placed = |g: usize| groups.iter().any(|x| x.0 == g);
                let middle = if k == 3 * n || placed(0) {
                    Some(&cells[n..2 * n])
                } else if placed(2) && k >= 2 * n {
                    Some(&cells[k - 2 * n..k - n])
                } else {
                    None
                };
                if let Some(run) = middle.filter(|run| sums(run) && named(run, 1)) {
                    groups.push((1, run));
                }
                groups.sort_by_key(|x| x.0);
                if groups.is_empty() {
                    continue;
                }
                let mut out = Vec::new();
                for (g, run) in groups {
                    for (i, cell) in run.iter().enumerate() {
                        if let Some(mut m) = leaf_cell(t, row, g, i, cell) {
                            m.flag(Flag::GroupBySum);
                            out.push(m);
                        }
                    }
                }
                tracing::debug!(
                    "p{} appeals row {vr}: {} cells placed by their groups' sums",
                    t.page,
                    out.len()
                );
                return out;
            }
        }
    }
    Vec::new()
}

/// Rule `appeals_row_by_sums_alone`: the appeals value row of a table whose header no look
/// could read (leaf labels printed a glyph a line under a seal, a faint grid read by its
/// tokens), found by the template's arithmetic alone: a row of exactly fifteen cells (blank
/// cells at its ends left out), every one a number, whose three groups of five each sum
/// (总计 the sum of the other four), with at least one total not 0 (a row of zeros sums
/// whatever it is).  Only where the document holds one such row.  The sums that placed the
/// cells cannot confirm them: they are flagged `appeals_group_by_sum`, as [`by_sums`]'s are.
pub(super) fn by_sums_alone(tables: &[Table], def: &TableDef) -> Vec<MappedCell> {
    let n = APPEALS_LEAVES.len();
    let row = &def.rows[0];
    let mut found: Vec<(&Table, Vec<&Cell>)> = Vec::new();
    for t in tables {
        for r in 0..t.n_rows() {
            let mut cells: Vec<&Cell> = row_cells(t, r).into_iter().filter(|c| c.r0 == r).collect();
            // (blank cells at the row's ends: a label column, a sliver past the last column)
            while cells.first().is_some_and(|c| c.text().trim().is_empty()) {
                cells.remove(0);
            }
            while cells.last().is_some_and(|c| c.text().trim().is_empty()) {
                cells.pop();
            }
            if cells.len() != APPEALS_GROUPS.len() * n {
                continue;
            }
            let Some(v) = numbers(&cells) else {
                continue;
            };
            let groups: Vec<&[f64]> = v.chunks(n).collect();
            if groups.iter().all(|g| group_sums(g)) && groups.iter().any(|g| g[n - 1] != 0.0) {
                found.push((t, cells));
            }
        }
    }
    let [(t, cells)] = found.as_slice() else {
        return Vec::new();
    };
    tracing::debug!("p{} appeals row placed by its groups' sums alone", t.page);
    cells
        .iter()
        .enumerate()
        .filter_map(|(k, cell)| {
            let mut m = leaf_cell(t, row, k / n, k % n, cell)?;
            m.flag(Flag::GroupBySum);
            Some(m)
        })
        .collect()
}

/// The cells' numbers, when every cell reads as one ([`values::number`]).
fn numbers(cells: &[&Cell]) -> Option<Vec<f64>> {
    cells.iter().map(|c| values::number(&c.text())).collect()
}

/// Whether a group's numbers (its leaves, 总计 last) sum: 总计 is the sum of the others.
fn group_sums(v: &[f64]) -> bool {
    let Some((total, parts)) = v.split_last() else {
        return false;
    };
    parts.iter().sum::<f64>() == *total
}

/// An appeals value row of one cell more than the template's columns (a spurious ruling cut a
/// blank out of a cell, or a blank sliver wide enough to pass for a column) without that cell:
/// the row left when one blank cell is left out reads as numbers whose every group's 总计 is
/// the sum of its other four, and every blank cell that does so leaves the same numbers.  The
/// sums that chose the cell cannot confirm the values: the caller flags them.
pub(super) fn without_a_blank_by_sums<'a>(cells: &[&'a Cell]) -> Option<Vec<&'a Cell>> {
    let n = APPEALS_LEAVES.len();
    if cells.len() != 3 * n + 1 {
        return None;
    }
    let mut found: Option<(Vec<f64>, Vec<&'a Cell>)> = None;
    for i in (0..cells.len()).filter(|&i| cells[i].text().trim().is_empty()) {
        let mut rest = cells.to_vec();
        rest.remove(i);
        let Some(v) = numbers(&rest) else {
            continue;
        };
        if !v.chunks(n).all(group_sums) {
            continue;
        }
        match &found {
            Some((w, _)) if *w != v => return None,
            Some(_) => {}
            None => found = Some((v, rest)),
        }
    }
    found.map(|f| f.1)
}

/// Marks (a ruling's remnant read as a glyph, a value split in two) an appeals value row
/// without a header may hold beyond the template's 15 columns for [`ends_by_sums`].
const MARKS_BEYOND: usize = 4;

/// Rule `appeals_ends_by_sums`: the groups of an appeals value row that no header placed (the
/// look by tokens reads the value row alone: the header's leaves stand a glyph a line, no row
/// of them reads like the leaf row) and that does not hold the template's 15 cells (a value
/// under a seal unread, a mark read as a number), placed by the template's arithmetic: a row
/// of more cells than two groups have (so the review group is its first five and the lawsuits
/// after review its last five) whose first five and whose last five both sum (总计 the sum of
/// the other four, and not 0: a run of zeros sums whatever it is) has those two groups
/// there; the five next to either that sum are the direct lawsuits when only one such run
/// exists.  Returns (group, index of the group's first cell).  The sums that placed the groups
/// cannot confirm them: the caller flags them `appeals_group_by_sum`.
pub(super) fn ends_by_sums(cells: &[&Cell]) -> Vec<(usize, usize)> {
    let n = APPEALS_LEAVES.len();
    let k = cells.len();
    if k <= 2 * n || k == 3 * n || k > 3 * n + MARKS_BEYOND {
        return Vec::new();
    }
    let sums =
        |i: usize| numbers(&cells[i..i + n]).is_some_and(|v| group_sums(&v) && v[n - 1] > 0.0);
    if !(sums(0) && sums(k - n)) {
        return Vec::new();
    }
    let mut out = vec![(0, 0), (2, k - n)];
    // the direct lawsuits: right of the review group or left of the lawsuits after review,
    // clear of both
    let mut middle: Vec<usize> = [n, k - 2 * n]
        .into_iter()
        .filter(|&i| i >= n && i + n <= k - n && sums(i))
        .collect();
    middle.dedup();
    if let [i] = middle[..] {
        out.insert(1, (1, i));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::tests::grid;
    use crate::template::{Mapping, map_tables};

    const LEAVES: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    const VALUES: [&str; 15] = [
        "24", "2", "11", "1", "38", "4", "1", "3", "0", "8", "4", "1", "0", "5", "10",
    ];

    /// A three-row appeals header (group words as OCR garbled them) over one value row.
    fn table(groups: [&str; 3], leaves: &[&str], values: &[&str]) -> Table {
        grid(&table_rows(groups, leaves, values))
    }

    /// The rows of [`table`], for a grid with more rows below.
    fn table_rows<'a>(
        groups: [&'a str; 3],
        leaves: &[&'a str],
        values: &[&'a str],
    ) -> Vec<Vec<&'a str>> {
        let mut top = vec![""];
        let mut mid = vec![""];
        for (k, g) in groups.iter().enumerate() {
            top.extend([if k == 0 { *g } else { "行政诉;" }; 5]);
            mid.extend([*g; 5]);
        }
        let mut leaf = vec![""];
        leaf.extend(leaves);
        let mut vals = vec![""];
        vals.extend(values);
        vec![top, mid, leaf, vals]
    }

    fn appeals(m: &Mapping) -> Vec<(Option<&str>, bool)> {
        m.cells
            .iter()
            .filter(|c| c.table == "appeals")
            .map(|c| {
                (
                    c.value.as_deref(),
                    c.flags.contains(&Flag::ColumnByPosition),
                )
            })
            .collect()
    }

    fn leaves() -> Vec<&'static str> {
        LEAVES.iter().cycle().take(15).copied().collect()
    }

    #[test]
    fn leaves_and_groups_as_ocr_garbles_them() {
        assert_eq!(leaf_of("结果.纠正，"), Leaf::Legible(1));
        assert_eq!(leaf_of("5这计“，红"), Leaf::Illegible);
        assert_eq!(leaf_of("其他尚未结果审结"), Leaf::Several);
        assert_eq!(group_like("行政诉;/复以后起诉/总计"), Some(2));
        assert_eq!(group_like("行政诉;/未红晕以且技赴芹/结果维持"), None);
        assert_eq!(group_like("行政地议/结果维持"), Some(0));
        assert_eq!(group_like("行政诉讼/结果维持"), None);
        assert_eq!(group_like("行政诉语/未经复记忆二二诉/总计"), Some(1));
        assert_eq!(group_like("行政诉讼/复议已吉诉/总计"), Some(2));
        // the requests header names two leaves' words at most: not the leaf row
        let req: Vec<String> = [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "其他",
            "总计",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert!(!reads_like_leaf_row(&req));
        let garbled: Vec<String> = [
            "结扒持",
            "结所络下",
            "其他结时",
            "焕来审结",
            "总计",
            "其他结果",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert!(reads_like_leaf_row(&garbled));
    }

    #[test]
    fn fifteen_columns_under_a_garbled_header_are_read_in_order() {
        // the direct group's words illegible, the after-review group's misread: the template's
        // order says which group is which; one leaf garbled, one value garbled
        let mut lv = leaves();
        lv[9] = "5这计“，红";
        let mut vals = VALUES.to_vec();
        vals[1] = "雹";
        let t = table(["行政复议:", "未红晕以且技赴芹", "复以后起诉"], &lv, &vals);
        let m = map_tables(&[t], crate::schema::schema());
        let got = appeals(&m);
        for (i, (v, by_position)) in got.iter().enumerate() {
            if i == 1 {
                // no number is invented for the garbled value
                assert_eq!(*v, None);
            } else {
                assert_eq!(*v, Some(VALUES[i]), "column {i}");
            }
            // review is named by its header; the others' group words are not legible
            assert_eq!(*by_position, i >= 5, "column {i}");
        }
        assert!(
            m.get("appeals", "cases", "review_corrected")
                .unwrap()
                .flags
                .contains(&Flag::Unparseable)
        );
    }

    #[test]
    fn a_group_whose_leaves_are_out_of_place_is_not_read() {
        // a spurious ruling split 结果维持 of the direct group in two and the group's last two
        // columns merged: five slots still, but its values are shifted; the other groups read
        let mut t = table(
            ["行政复议", "未经复议直接起诉", "复议后起诉"],
            &leaves(),
            &VALUES,
        );
        // leaf row 2, grid columns 6 and 7 (slots 5 and 6): one header cell over both
        let (a, b) = (2 * t.n_cols() + 6, 2 * t.n_cols() + 7);
        t.index[b] = t.index[a];
        t.cells[t.index[a]].c1 = 8;
        let m = map_tables(&[t], crate::schema::schema());
        let got = appeals(&m);
        assert!(got[5..10].iter().all(|(v, _)| v.is_none()), "{got:?}");
        assert_eq!(got[0].0, Some("24"));
        assert_eq!(got[14].0, Some("10"));
    }

    #[test]
    fn a_value_cell_over_two_columns_is_unknown_unless_blank() {
        let mut vals = VALUES.to_vec();
        vals[3] = "0 4";
        // (group words garbled: the header names too few columns to be read as named)
        let mut t = table(["行政复议", "未红晕以且", "旨诗"], &leaves(), &vals);
        let merge = |t: &mut Table, c: usize| {
            let (a, b) = (3 * t.n_cols() + c, 3 * t.n_cols() + c + 1);
            t.index[b] = t.index[a];
            t.cells[t.index[a]].c1 = c + 2;
        };
        // slots 3 and 4 (grid columns 4 and 5) read as one cell "0 4"
        merge(&mut t, 4);
        // slots 8 and 9 blank, merged: blank in each
        let n = t.n_cols();
        t.cells[3 * n + 9].lines.clear();
        merge(&mut t, 9);
        let m = map_tables(&[t], crate::schema::schema());
        let got = appeals(&m);
        assert_eq!((got[3].0, got[4].0), (None, None));
        assert_eq!((got[8].0, got[9].0), (Some("0"), Some("0")));
        assert_eq!(got[2].0, Some("11"));
    }

    #[test]
    fn ten_columns_take_their_groups_from_the_legible_one() {
        // a table holding the lawsuits only (review printed apart): the direct group is legible,
        // the other follows it in the template's order
        let lv: Vec<&str> = leaves()[..10].to_vec();
        let t = grid(&[
            [vec!["二"], vec!["行政诉讼"; 10]].concat(),
            [vec!["二"], vec!["未经复议直接起诉"; 5], vec!["这后起省"; 5]].concat(),
            [vec!["二"], lv.clone()].concat(),
            [vec![""], VALUES[5..].to_vec()].concat(),
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let got = appeals(&m);
        assert!(got[..5].iter().all(|(v, _)| v.is_none()));
        let want: Vec<Option<&str>> = VALUES[5..].iter().map(|v| Some(*v)).collect();
        assert_eq!(got[5..].iter().map(|g| g.0).collect::<Vec<_>>(), want);
        // no group legible: nothing says which two groups these are
        let t = grid(&[
            [vec!["二"], vec!["行政诉讼"; 10]].concat(),
            [vec!["二"], lv].concat(),
            [vec![""], VALUES[5..].to_vec()].concat(),
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        assert!(appeals(&m).iter().all(|(v, _)| v.is_none()));
    }

    /// An appeals table whose header a seal and lost rulings merged (leaf words run together,
    /// the direct lawsuits' five columns in two) over a value row of `values`, one cell per
    /// header column.
    fn merged(values: &[&str]) -> Table {
        let mut top = vec!["行政复议"; 5];
        top.extend(["行政诉讼未经复议直接起诉"; 2]);
        top.extend(["行政诉讼复议后起诉"; 5]);
        let header = vec![
            "结果维持",
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总|",
            "及未经复误合接起诉用结果4维持",
            "呈正结果其他",
            "结果维持",
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总计",
        ];
        let k = values.len();
        grid(&[top[..k].to_vec(), header[..k].to_vec(), values.to_vec()])
    }

    fn by_sum(t: &Table) -> Vec<(String, Option<String>)> {
        by_sums(std::slice::from_ref(t), &crate::schema::schema().appeals)
            .into_iter()
            .inspect(|m| assert!(m.flags.contains(&Flag::GroupBySum), "{m:?}"))
            .map(|m| (m.col, m.value))
            .collect()
    }

    fn alone(rows: &[Vec<&str>]) -> Vec<(String, Option<String>)> {
        by_sums_alone(&[grid(rows)], &crate::schema::schema().appeals)
            .into_iter()
            .inspect(|m| assert!(m.flags.contains(&Flag::GroupBySum), "{m:?}"))
            .map(|m| (m.col, m.value))
            .collect()
    }

    #[test]
    fn a_lone_row_of_fifteen_numbers_whose_groups_sum_is_the_appeals_row() {
        // the header read as nothing (a glyph a line under a seal); blank cells at the ends
        let garbled = vec![
            "", "小", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
        ];
        let mut values = vec![""];
        values.extend([
            "2", "0", "4", "1", "7", "0", "0", "3", "1", "4", "0", "0", "0", "0", "0",
        ]);
        values.push("");
        let got = alone(&[garbled.clone(), values.clone()]);
        assert_eq!(got.len(), 15, "{got:?}");
        assert_eq!(got[0], ("review_upheld".into(), Some("2".into())));
        assert_eq!(got[9], ("litigation_direct_total".into(), Some("4".into())));
        // a group that does not sum, a row of zeros, a row of fourteen: none
        let mut bad = values.clone();
        bad[5] = "8";
        assert!(alone(&[garbled.clone(), bad]).is_empty());
        let zeros: Vec<&str> = std::iter::repeat_n("0", 15).collect();
        assert!(alone(&[garbled[1..16].to_vec(), zeros]).is_empty());
        assert!(alone(&[garbled[..15].to_vec(), values[1..15].to_vec()]).is_empty());
        // two such rows: which one is the appeals row is not known
        assert!(alone(&[garbled, values.clone(), values]).is_empty());
    }

    #[test]
    fn groups_whose_totals_sum_are_placed_at_the_row_ends() {
        let row = [
            "25", "1", "3", "4", "33", "0", "人", "2", "1", "2", "1", "6",
        ];
        let got = by_sum(&merged(&row));
        let want: Vec<(String, Option<String>)> = [
            ("review_upheld", "25"),
            ("review_corrected", "1"),
            ("review_other", "3"),
            ("review_pending", "4"),
            ("review_total", "33"),
            ("litigation_after_review_upheld", "2"),
            ("litigation_after_review_corrected", "1"),
            ("litigation_after_review_other", "2"),
            ("litigation_after_review_pending", "1"),
            ("litigation_after_review_total", "6"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_group_whose_sum_fails_or_a_short_row_is_not_placed() {
        // the first five do not sum (a cell lost shifted them): only the last group
        let row = [
            "25", "1", "3", "33", "0", "0", "人", "2", "1", "2", "1", "6",
        ];
        let got = by_sum(&merged(&row));
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(
            got.iter()
                .all(|(k, _)| k.starts_with("litigation_after_review"))
        );
        // fewer than ten cells: which groups they are is not known
        let short = ["2", "1", "2", "1", "6", "0", "0", "0", "0"];
        assert!(by_sum(&merged(&short)).is_empty());
        // a table of the lawsuits alone: its first five are no review group, but the direct
        // lawsuits next to the group at its right edge
        let mut top = vec!["行政诉讼未经复议直接起诉"; 5];
        top.extend(["行政诉讼复议后起诉"; 5]);
        let t = grid(&[top, leaves()[..10].to_vec(), VALUES[5..].to_vec()]);
        let got = by_sum(&t);
        assert_eq!(got.len(), 10, "{got:?}");
        assert!(
            got[..5]
                .iter()
                .all(|(k, _)| k.starts_with("litigation_direct"))
        );
        assert!(
            got[5..]
                .iter()
                .all(|(k, _)| k.starts_with("litigation_after_review"))
        );
        // no appeals header above: not the appeals row
        let t = grid(&[
            vec!["自然人", "商业企业", "科研机构"],
            vec![
                "25", "1", "3", "4", "33", "0", "0", "0", "2", "1", "2", "1", "6",
            ],
        ]);
        assert!(by_sum(&t).is_empty());
    }

    #[test]
    fn the_direct_lawsuits_next_to_a_group_placed_at_an_edge_are_placed_by_their_sum() {
        // fires: a seal merged the last group's cells into one; the review group sums at the
        // left edge, the five next to it sum under the direct lawsuits' header
        let table = |direct_head: &str, values: &[&str]| {
            let mut top = vec!["行政复议"; 5];
            top.extend([direct_head; 5]);
            top.push("行政诉讼复议后起诉");
            let mut head = leaves()[..10].to_vec();
            head.push("维持多杰结果审结");
            grid(&[top, head, values.to_vec()])
        };
        let mut row = VALUES[..10].to_vec();
        row.push("审结六0 0 OA 0");
        let got = by_sum(&table("行政诉讼未经复议直接起诉", &row));
        let want: Vec<String> = APPEALS_GROUPS[..2]
            .iter()
            .flat_map(|g| {
                ["upheld", "corrected", "other", "pending", "total"].map(|l| format!("{g}_{l}"))
            })
            .collect();
        assert_eq!(got.iter().map(|g| g.0.clone()).collect::<Vec<_>>(), want);
        assert_eq!(got[5].1.as_deref(), Some(VALUES[5]));
        // must not: the five next to it under the other lawsuits' header, or not summing
        let got = by_sum(&table("行政诉讼复议后起诉", &row));
        assert_eq!(got.len(), 5, "{got:?}");
        let mut bad = row.clone();
        bad[9] = "9";
        assert_eq!(by_sum(&table("行政诉讼未经复议直接起诉", &bad)).len(), 5);
    }

    /// (column key, value) of the cells `by_order` reads under leaf row 2 of `t`.
    fn read_by_order(t: &Table) -> Vec<(String, Option<String>)> {
        by_order(t, 2, &crate::schema::schema().appeals)
            .map(|(_, cells)| cells.into_iter().map(|m| (m.col, m.value)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_blank_row_under_the_leaves_is_the_value_row_of_blank_zeros_blank_value_row() {
        const GROUPS: [&str; 3] = ["行政复议", "未经复议直接起诉", "复议后起诉"];
        // the value row: blank but for `marks` (column, text)
        let values = |marks: &[(usize, &'static str)]| {
            let mut vals = [""; 15];
            for &(k, m) in marks {
                vals[k] = m;
            }
            vals
        };
        let read = |marks: &[(usize, &'static str)]| {
            read_by_order(&table(GROUPS, &leaves(), &values(marks)))
        };
        // zeros printed as nothing: the row under the leaves is blank but for a seal's two
        // strokes read as glyphs; its blanks are zeros, the marks unknown
        let got = read(&[(3, "人"), (5, "人")]);
        assert_eq!(got.len(), 15, "{got:?}");
        assert_eq!(got[0], ("review_upheld".into(), Some("0".into())));
        assert_eq!(got[3], ("review_pending".into(), None));
        assert_eq!(got[14].1.as_deref(), Some("0"));
        // with one or two numbers among the blanks
        let got = read(&[(0, "2"), (4, "2")]);
        assert_eq!(got[0], ("review_upheld".into(), Some("2".into())));
        assert_eq!(got[1], ("review_corrected".into(), Some("0".into())));
        // must not: three marks (no blank row), a row of leaf words (a header's second
        // line), a blank row with a row below it
        assert!(read(&[(3, "人"), (5, "人"), (9, "和")]).is_empty());
        assert!(read(&[(1, "结果纠正")]).is_empty());
        let blank = values(&[]);
        let mut rows = table_rows(GROUPS, &leaves(), &blank);
        rows.push(vec!["五、存在的主要问题"]);
        assert!(read_by_order(&grid(&rows)).is_empty());
    }

    /// [`table`] with the value row's cells of grid columns `merge` made one cell, and the
    /// leaf cells of grid columns `down` reaching down over the value row (rulings lost).
    fn lost_rulings(values: &[&str], merge: std::ops::Range<usize>, down: &[usize]) -> Table {
        let mut t = table(
            ["行政复议", "未经复议直接起诉", "复议后起诉"],
            &leaves(),
            values,
        );
        let nc = t.n_cols();
        let k = 3 * nc + merge.start;
        t.cells[k].c1 = merge.end;
        t.cells[k].bbox.x1 = t.xs[merge.end];
        for c in merge.start + 1..merge.end {
            t.index[3 * nc + c] = k;
        }
        for &c in down {
            let k = 2 * nc + c;
            t.cells[k].r1 = 4;
            t.cells[k].bbox.y1 = t.ys[4];
            t.index[3 * nc + c] = k;
        }
        t
    }

    #[test]
    fn a_blank_value_row_whose_rulings_were_lost_is_blank_in_each_slot() {
        // rule `blank_row_rulings_lost` fires: the blank row's rulings lost over three slots,
        // the last two leaves reaching down: the merged slots read 0 each, those two unknown
        let got = read_by_order(&lost_rulings(&[""; 15], 1..4, &[14, 15]));
        assert_eq!(got.len(), 15, "{got:?}");
        assert_eq!(got[0], ("review_upheld".into(), Some("0".into())));
        assert_eq!(got[2], ("review_other".into(), Some("0".into())));
        assert_eq!(got[12].1.as_deref(), Some("0"));
        assert_eq!(got[13], ("litigation_after_review_pending".into(), None));
        assert_eq!(got[14].1, None);
        // must not: ink in a cell over several slots is no blank (its number's place is not
        // known: unknown in each), and most leaves reaching down leave no value row of its own
        let mut vals = [""; 15];
        vals[0] = "3";
        let got = read_by_order(&lost_rulings(&vals, 1..4, &[]));
        assert!(got[..3].iter().all(|(_, v)| v.is_none()), "{got:?}");
        let down: Vec<usize> = (4..16).collect();
        assert!(read_by_order(&lost_rulings(&[""; 15], 1..2, &down)).is_empty());
        // nor a leaf cell reaching down over a number printed under it
        let mut t = lost_rulings(&[""; 15], 1..4, &[14, 15]);
        let k = t.index[2 * t.n_cols() + 14];
        t.cells[k].lines.push("3".into());
        assert!(
            read_by_order(&t)
                .iter()
                .all(|(_, v)| v.as_deref() != Some("0"))
        );
    }

    #[test]
    fn fourteen_columns_read_the_groups_whose_leaves_stand_in_place() {
        // the last column lost: the two groups from the left end are in place, the run of five
        // from the right end is not (its 总计 stands first)
        let lv: Vec<&str> = leaves()[..14].to_vec();
        let t = table(["行政复议", "未红晕以且", "复以后起诉"], &lv, &VALUES[..14]);
        let got = read_by_order(&t);
        assert_eq!(got.len(), 10, "{got:?}");
        assert!(
            got.iter()
                .all(|(k, _)| !k.starts_with("litigation_after_review"))
        );
        assert_eq!(
            got[5],
            ("litigation_direct_upheld".into(), Some("4".into()))
        );
        // a column of the middle group split in two (16 slots): the groups at both ends are read,
        // the middle one, shifted from either end, is not
        let mut lv = leaves();
        lv.insert(7, "其他结果");
        let mut vals = VALUES.to_vec();
        vals.insert(7, "");
        let t = table(["行政复议", "未红晕以且", "复以后起诉"], &lv, &vals);
        let got = read_by_order(&t);
        assert_eq!(got.len(), 10, "{got:?}");
        assert!(got.iter().all(|(k, _)| !k.starts_with("litigation_direct")));
        assert_eq!(
            got[9],
            ("litigation_after_review_total".into(), Some("10".into()))
        );
    }

    /// `ends_by_sums` over a row of `values` (one cell each).
    fn ends(values: &[&str]) -> Vec<(usize, usize)> {
        let t = grid(&[values.to_vec()]);
        ends_by_sums(&crate::template::row_cells(&t, 0))
    }

    #[test]
    fn the_groups_at_a_headerless_rows_ends_are_placed_by_their_sums() {
        // fires: fourteen numbers, one of the direct lawsuits under a seal unread: the review
        // group and the lawsuits after review, not the four between
        let row = [
            "353", "50", "209", "158", "770", "40", "7", "16", "75", "89", "10", "68", "38", "205",
        ];
        assert_eq!(ends(&row), vec![(0, 0), (2, 9)]);
        // a mark read as a number between the direct lawsuits and those after review: the
        // direct group (next to the review group) sums and is placed too
        let row = [
            "3", "1", "0", "0", "4", "2", "0", "1", "0", "3", "1", "5", "0", "0", "1", "6",
        ];
        assert_eq!(ends(&row), vec![(0, 0), (1, 5), (2, 11)]);
        // must not: fifteen (read by position), ten (two groups: which two is not known)
        let fifteen = [
            "3", "1", "0", "0", "4", "2", "0", "1", "0", "3", "5", "0", "0", "1", "6",
        ];
        assert!(ends(&fifteen).is_empty());
        assert!(ends(&fifteen[..10]).is_empty());
        // must not: one end does not sum (the lawsuits after review: 5+0+0+1 = 6, not 7)
        let mut one_end = row.to_vec();
        one_end[15] = "7";
        assert!(ends(&one_end).is_empty());
        // must not: a group of zeros sums whatever it is
        let mut zeros = row.to_vec();
        zeros[..5].copy_from_slice(&["0"; 5]);
        assert!(ends(&zeros).is_empty());
    }

    #[test]
    fn a_blank_cell_too_many_is_left_out_where_every_group_then_sums() {
        let t = grid(&[vec![
            "24", "2", "11", "1", "38", "4", "1", "", "3", "0", "8", "4", "1", "0", "5", "10",
        ]]);
        let cells = crate::template::row_cells(&t, 0);
        let rest = without_a_blank_by_sums(&cells).expect("one blank too many");
        let texts: Vec<String> = rest.iter().map(|c| c.text()).collect();
        assert_eq!(texts, VALUES.to_vec());
        // a blank that is a group's zero: leaving out either neighbouring blank gives the same
        let t = grid(&[vec![
            "24", "2", "11", "1", "38", "4", "", "", "0", "8", "12", "4", "1", "0", "5", "10",
        ]]);
        let cells = crate::template::row_cells(&t, 0);
        let rest = without_a_blank_by_sums(&cells).expect("either blank");
        assert_eq!(rest.len(), 15);
    }

    #[test]
    fn no_blank_is_left_out_when_the_sums_do_not_choose_one() {
        // no blank left out makes every group sum (a number misread)
        let t = grid(&[vec![
            "24", "2", "11", "1", "38", "4", "1", "", "3", "0", "9", "4", "1", "0", "5", "10",
        ]]);
        assert!(without_a_blank_by_sums(&crate::template::row_cells(&t, 0)).is_none());
        // two blanks apart that each leave sums holding, with different numbers
        let t = grid(&[vec![
            "", "0", "0", "0", "0", "", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
        ]]);
        let cells = crate::template::row_cells(&t, 0);
        assert!(without_a_blank_by_sums(&cells).is_some_and(|r| r.len() == 15));
        let t = grid(&[vec![
            "", "3", "0", "0", "3", "", "3", "0", "0", "3", "0", "0", "0", "0", "0", "0",
        ]]);
        let cells = crate::template::row_cells(&t, 0);
        assert!(without_a_blank_by_sums(&cells).is_none());
        // fifteen cells are read as they are
        let t = grid(&[VALUES.to_vec()]);
        assert!(without_a_blank_by_sums(&crate::template::row_cells(&t, 0)).is_none());
    }
}

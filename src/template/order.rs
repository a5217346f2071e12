//! Rows placed by the template's row order: the requests rows whose labels OCR garbled,
//! aligned with the template rows their neighbours leave free.
//!
//! The requests table prints its 25 rows (2021 format) in a fixed order.  A row whose label
//! matched no template row (an *open* row, with numbers) stands between the rows matched by
//! their labels (*anchors*): its template row is one of those between its neighbours' rows.
//! A run of open rows is aligned with those free template rows by a dynamic programme
//! ([`align`]): each open row takes one row in order, or none; a row left without an open
//! row, or an open row left without a row, costs; an open row taking a row scores its label's
//! similarity to that row's label, less [`NUMBERING_DISAGREES`] where its legible numbering
//! disagrees ([`super::numbering_agrees`]: OCR misreads digits too).  An open row is placed
//! only where the alignment is sure of it: every other choice for that row (another template
//! row, or none) scores at least [`MARGIN`] less.  A run that fills its gap exactly is sure; one open row in a two-row gap
//! is placed only when its garbled label resembles one of the two rows clearly more.
//!
//! In a table that prints its zeros, an open row with no ink in any value cell is a label
//! line standing alone, not a row ([`zeros_printed`], rule `zeros_printed`): it takes no
//! template row and is left out at no cost.
//!
//! Cells so placed are flagged `row_by_position`; verify drops the flag where a column sum
//! confirms them.

use super::{Candidate, MappedCell, Open, Seq, State, assign_requests, norm_label, similarity};
use crate::flag::Flag;
use crate::schema::TableDef;

/// Cost of a template row the run leaves empty (a row lost, or one printed blank).
const SKIP_ROW: f32 = 0.5;
/// Cost of a template row left empty at a run's open end: before the run where no matched
/// row precedes it (the sequence's start; the rows before may be on a page this look did not
/// read), after it where no matched row follows (the table's end).  A run stands next to the
/// matched row that bounds it: the rows lost are more likely past its far end than between.
const SKIP_ROW_OPEN_END: f32 = 0.1;
/// Cost of an open row the run leaves unplaced (junk, or a row of another table).
const SKIP_OPEN: f32 = 0.5;
/// How much better (in label similarity) an open row's place must score than any other
/// choice for it.  Garbled labels of different rows share a few characters by chance
/// (similarity 0.1 to 0.25 against any row); one that keeps a row's characters scores 0.35
/// and more against it.
pub(super) const MARGIN: f32 = 0.2;
/// Least value cells of an open row placed in a run that no matched row or header precedes
/// (the sequence's start): without the table's start in sight, a row is a requests row by
/// its width (seven columns; the active table's rows have one to three).
pub(super) const WIDE_ROW: usize = 4;

/// What a legible numbering that disagrees with a row costs a pairing: OCR misreads the
/// digit itself (2 read 7, 5 read 6), so it is evidence, not proof.  A run that fills its gap
/// exactly still places such a row (leaving it and its row out costs more); where the run has
/// a choice, the rows whose numbering agrees win.
const NUMBERING_DISAGREES: f32 = 0.45;

/// Rule `zeros_printed`: cells read as a printed 0 (the requests table's placed cells and
/// the open rows' cells) that show a table prints its zeros.  Two rows' worth: a report that
/// prints zeros as blanks has none, or a stray one.
const PRINTED_ZEROS: usize = 14;

/// Whether the requests table at hand prints its zeros ([`PRINTED_ZEROS`]) and no row its
/// label placed is blank in every cell: then every printed row shows values, and an open row
/// with no ink in any value cell is a line of a label that no row's label matched (a wrapped
/// label's second line, a group label), not a row.  Read without rulings, such lines stand
/// between the rows with numbers: counted as rows, they left a run with more rows than the
/// gap it fills, and nothing of it was placed.  (A report that prints some rows' zeros and
/// leaves others blank shows a placed row blank: there a blank line may be a row.)
fn zeros_printed(def: &TableDef, seq: &[Seq], out: &[MappedCell]) -> bool {
    let mine: Vec<&MappedCell> = out.iter().filter(|c| c.table == def.key).collect();
    let blank_row = mine.iter().any(|c| {
        mine.iter()
            .filter(|d| d.row == c.row)
            .all(|d| d.raw.trim().is_empty())
    });
    if blank_row {
        return false;
    }
    let placed = mine.iter().filter(|c| c.raw.trim() == "0").count();
    let open: usize = seq
        .iter()
        .filter_map(|s| match s {
            Seq::Open(o) => Some(
                o.cand
                    .value_cells
                    .iter()
                    .filter(|c| c.text().trim() == "0")
                    .count(),
            ),
            _ => None,
        })
        .sum();
    placed + open >= PRINTED_ZEROS
}

/// Whether an open row is no row but a label line (see [`zeros_printed`]): no value cell of
/// it holds ink, in a table that prints its zeros.
fn label_line(o: &Open, zeros_print: bool) -> bool {
    zeros_print
        && o.cand
            .value_cells
            .iter()
            .all(|c| c.text().trim().is_empty())
}

/// Value cells an open row may have beyond the template row's columns (cells cut in two by a
/// false ruling); a row with more is another table's (the appeals table's fifteen).
const EXTRA_CELLS: usize = 3;

/// Rule `anchors_in_order`: the requests rows matched by their labels stand in the template's
/// order; one that no longest run of them in that order (rows in reading order, template rows
/// not decreasing) can take is out of order: its label matched a row it is not (`3.` like
/// `3.其他`, a garbled label nearer another row's), and it stood as a bound no run of open rows
/// between it and its neighbours could fit (after 其他, no row up to 总计 was free), so
/// nothing around it was placed.  Its cells are taken back and it becomes an open row again,
/// for the order to place where it is sure (a row the template's labels located in order
/// becomes transparent, [`Seq::Dropped`]).  Anchors that some longest run takes stay
/// (two that contradict each other as much: neither is known to be wrong).
pub(super) fn anchors_in_order(seq: &mut [Seq], def: &TableDef, out: &mut Vec<MappedCell>) {
    let at: Vec<(usize, usize)> = seq
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Seq::Anchor(a, _, _) => Some((i, *a)),
            _ => None,
        })
        .collect();
    let n = at.len();
    // longest non-decreasing runs ending at / starting from each anchor
    let mut ends = vec![1usize; n];
    for k in 0..n {
        for j in 0..k {
            if at[j].1 <= at[k].1 {
                ends[k] = ends[k].max(ends[j] + 1);
            }
        }
    }
    let mut starts = vec![1usize; n];
    for k in (0..n).rev() {
        for j in k + 1..n {
            if at[k].1 <= at[j].1 {
                starts[k] = starts[k].max(starts[j] + 1);
            }
        }
    }
    let longest = ends.iter().copied().max().unwrap_or(0);
    let mut drop: Vec<usize> = Vec::new();
    for k in 0..n {
        if ends[k] + starts[k] - 1 == longest {
            continue;
        }
        let (i, a) = at[k];
        tracing::debug!(
            "{} row {} matched out of the template's order: taken back",
            def.key,
            def.rows.get(a).map_or("?", |r| r.key.as_str())
        );
        let was = std::mem::replace(&mut seq[i], Seq::Dropped(a));
        if let Seq::Anchor(_, cells, open) = was {
            drop.extend(cells);
            if let Some(open) = open {
                // the row is open again: the order may still place it
                seq[i] = Seq::Open(open);
            }
        }
    }
    if !drop.is_empty() {
        let mut k = 0;
        out.retain(|_| {
            k += 1;
            !drop.contains(&(k - 1))
        });
    }
}

/// Place the open rows of `seq` (see the module doc).
pub(super) fn assign_by_order(seq: &[Seq], def: &TableDef, st: &State, out: &mut Vec<MappedCell>) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        let shown: Vec<String> = seq
            .iter()
            .map(|s| match s {
                Seq::Anchor(a, _, _) => {
                    def.rows.get(*a).map_or("?", |r| r.key.as_str()).to_string()
                }
                Seq::Dropped(a) => {
                    format!("({})", def.rows.get(*a).map_or("?", |r| r.key.as_str()))
                }
                Seq::Header => "H".into(),
                Seq::Open(o) => format!(
                    "?「{}」{}",
                    o.cand.label.chars().take(12).collect::<String>(),
                    o.cand.value_cells.len()
                ),
                Seq::Break => "|".into(),
            })
            .collect();
        tracing::debug!("{} sequence: {}", def.key, shown.join(" "));
    }
    let n = def.rows.len() as i64;
    let zeros_print = zeros_printed(def, seq, out);
    // the last matched row, and whether a break (another table's row) came after it
    let mut lower: Option<i64> = None;
    let mut broken = false;
    let mut header_since_break = false;
    let mut i = 0;
    while i < seq.len() {
        match &seq[i] {
            Seq::Anchor(a, _, _) => {
                lower = Some(*a as i64);
                broken = false;
                i += 1;
                continue;
            }
            Seq::Break => {
                broken = true;
                header_since_break = false;
                i += 1;
                continue;
            }
            Seq::Header => {
                header_since_break = true;
                i += 1;
                continue;
            }
            Seq::Dropped(_) => {
                i += 1;
                continue;
            }
            Seq::Open(_) => {}
        }
        // a run of open rows (headers and dropped anchors inside are transparent)
        let mut j = i;
        while j < seq.len() && matches!(seq[j], Seq::Open(_) | Seq::Header | Seq::Dropped(_)) {
            j += 1;
        }
        let run: Vec<&Open> = seq[i..j]
            .iter()
            .filter_map(|s| if let Seq::Open(o) = s { Some(o) } else { None })
            .collect();
        let upper = match seq.get(j) {
            Some(Seq::Anchor(b, _, _)) => Some(*b as i64),
            _ => None,
        };
        // where the run starts: after the matched row before it, or at the table's start (a
        // requests header with nothing matched before it, or the sequence's very start)
        let at_start = !seq[..i]
            .iter()
            .any(|s| !matches!(s, Seq::Header | Seq::Dropped(_)));
        let (lo, wide_only) = match lower {
            Some(a) if !broken => (a, false),
            None if header_since_break => (-1, false),
            // (before the first matched row, after other tables' rows only: the table's
            // start is not in sight either; with no matched row after the run either, it is
            // aligned with every template row, open at both ends, and placed only where its
            // garbled labels make it sure)
            None if at_start || broken => (-1, true),
            _ => {
                i = j;
                continue;
            }
        };
        let hi = upper.unwrap_or(n);
        let rows: Vec<usize> = (lo + 1..hi)
            .map(|k| k as usize)
            .filter(|&k| {
                let key = &def.rows[k].key;
                !out.iter().any(|c| c.table == def.key && &c.row == key)
            })
            .collect();
        // a run with no matched row after it ends at the table's end; one at the sequence's
        // start has no matched row or header before it
        let skips = SlotSkips {
            lead: if wide_only {
                SKIP_ROW_OPEN_END
            } else {
                SKIP_ROW
            },
            inner: SKIP_ROW,
            trail: if upper.is_none() {
                SKIP_ROW_OPEN_END
            } else {
                SKIP_ROW
            },
        };
        if !rows.is_empty() {
            let gap = Gap {
                rows,
                wide_only,
                skips,
            };
            place_run(&run, &gap, zeros_print, def, st, out);
        }
        i = j;
    }
}

/// The template rows a run of open rows may take, and on what terms.
struct Gap {
    /// The free template rows between the run's bounds, in order.
    rows: Vec<usize>,
    /// Only rows as wide as the requests table's ([`WIDE_ROW`]) are placed: the table's start
    /// is not in sight.
    wide_only: bool,
    /// What leaving a row of the gap empty costs, at its ends and inside.
    skips: SlotSkips,
}

/// Align one run of open rows with the free template rows of `gap` and place the sure ones.
fn place_run(
    run: &[&Open],
    gap: &Gap,
    zeros_print: bool,
    def: &TableDef,
    st: &State,
    out: &mut Vec<MappedCell>,
) {
    let (rows, wide_only) = (&gap.rows, gap.wide_only);
    // a grid that cut one printed row in two repeats its label cell: the second part may be
    // dropped at no cost (it is that row's continuation), or be a row of its own; a row of
    // full height by its rulings ([`super::grid_row`]) is a printed row, not a part
    let repeat: Vec<bool> = run
        .iter()
        .enumerate()
        .map(|(k, o)| {
            k > 0 && !o.full_row && o.label_cell.is_some() && run[k - 1].label_cell == o.label_cell
        })
        .collect();
    let lines: Vec<bool> = run.iter().map(|o| label_line(o, zeros_print)).collect();
    let scores: Vec<Vec<Option<f32>>> = run
        .iter()
        .zip(&repeat)
        .zip(&lines)
        .map(|((o, &rep), &line)| {
            rows.iter()
                .map(|&k| {
                    if line {
                        return None;
                    }
                    let row = &def.rows[k];
                    let prev = k.checked_sub(1).and_then(|p| def.rows.get(p));
                    if wide_only && o.cand.value_cells.len() < WIDE_ROW {
                        return None;
                    }
                    if o.cand.value_cells.len() > row.cols.len() + EXTRA_CELLS {
                        return None;
                    }
                    if rep {
                        return Some(0.0);
                    }
                    let against =
                        if super::numbering_agrees(&o.label_text, &o.cand.label, row, prev) {
                            0.0
                        } else {
                            NUMBERING_DISAGREES
                        };
                    Some(similarity(&norm_label(&o.cand.label), &norm_label(&row.label)) - against)
                })
                .collect()
        })
        .collect();
    // a repeated label cell's second part, or a label line, is left out at no cost
    let skip_open: Vec<f32> = repeat
        .iter()
        .zip(&lines)
        .map(|(&r, &line)| if r || line { 0.0 } else { SKIP_OPEN })
        .collect();
    for (k, placed) in align(&scores, &skip_open, gap.skips, MARGIN)
        .into_iter()
        .enumerate()
    {
        let Some(p) = placed else { continue };
        let row = &def.rows[rows[p]];
        tracing::debug!(
            "{} row 「{}」 placed by order: {}",
            def.key,
            run[k].cand.label,
            row.key
        );
        let cand: &Candidate = &run[k].cand;
        let start = out.len();
        assign_requests(cand, row, st, out);
        for c in &mut out[start..] {
            c.flag(Flag::RowByPosition);
        }
    }
}

/// What leaving a slot empty costs: before the first item (`lead`), after the last (`trail`),
/// between items (`inner`).
#[derive(Debug, Clone, Copy)]
pub(super) struct SlotSkips {
    pub lead: f32,
    pub inner: f32,
    pub trail: f32,
}

impl SlotSkips {
    /// The cost of skipping a slot with `i` of `m` items considered.
    fn at(&self, i: usize, m: usize) -> f32 {
        if i == 0 {
            self.lead
        } else if i == m {
            self.trail
        } else {
            self.inner
        }
    }
}

/// Monotone alignment of `scores.len()` items with `n` slots (`scores[i][j]`: item i in slot
/// j, None where forbidden).  Leaving item i out costs `skip_item[i]`, a slot `skip_slot`
/// (by where it lies, [`SlotSkips`]).
/// Returns each item's slot where every other choice for that item (another slot, or none)
/// scores at least `margin` less than the best alignment; None elsewhere.  Items so placed
/// lie on every best alignment, so together they are one monotone assignment.
pub(super) fn align(
    scores: &[Vec<Option<f32>>],
    skip_item: &[f32],
    skip_slot: SlotSkips,
    margin: f32,
) -> Vec<Option<usize>> {
    let m = scores.len();
    let n = scores.first().map_or(0, |r| r.len());
    const NEG: f32 = f32::NEG_INFINITY;
    // f[i][j]: best over items[..i], slots[..j]; b[i][j]: best over items[i..], slots[j..]
    let mut f = vec![vec![NEG; n + 1]; m + 1];
    let mut b = vec![vec![NEG; n + 1]; m + 1];
    f[0][0] = 0.0;
    for i in 0..=m {
        for j in 0..=n {
            let mut v = f[i][j];
            if i > 0 {
                v = v.max(f[i - 1][j] - skip_item[i - 1]);
            }
            if j > 0 {
                v = v.max(f[i][j - 1] - skip_slot.at(i, m));
            }
            if i > 0
                && j > 0
                && let Some(s) = scores[i - 1][j - 1]
            {
                v = v.max(f[i - 1][j - 1] + s);
            }
            f[i][j] = v;
        }
    }
    b[m][n] = 0.0;
    for i in (0..=m).rev() {
        for j in (0..=n).rev() {
            let mut v = b[i][j];
            if i < m {
                v = v.max(b[i + 1][j] - skip_item[i]);
            }
            if j < n {
                v = v.max(b[i][j + 1] - skip_slot.at(i, m));
            }
            if i < m
                && j < n
                && let Some(s) = scores[i][j]
            {
                v = v.max(s + b[i + 1][j + 1]);
            }
            b[i][j] = v;
        }
    }
    let best = f[m][n];
    (0..m)
        .map(|i| {
            let with: Vec<f32> = (0..n)
                .map(|j| scores[i][j].map_or(NEG, |s| f[i][j] + s + b[i + 1][j + 1]))
                .collect();
            let skip = (0..=n)
                .map(|j| f[i][j] - skip_item[i] + b[i + 1][j])
                .fold(NEG, f32::max);
            let (jb, vb) = with
                .iter()
                .copied()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            if vb < best - 1e-4 {
                return None;
            }
            let alt = with
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != jb)
                .map(|(_, &v)| v)
                .fold(skip, f32::max);
            (vb - alt >= margin).then_some(jb)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: SlotSkips = SlotSkips {
        lead: 0.5,
        inner: 0.5,
        trail: 0.5,
    };

    fn s(v: &[f32]) -> Vec<Option<f32>> {
        v.iter().map(|&x| Some(x)).collect()
    }

    /// The template rows `assign_by_order` places between the anchors `denied_inquiry` and
    /// `rejected_repeat` for open rows labelled and valued as given (the value printed in all
    /// seven columns, "" blank).
    fn placed_between(rows: &[(&str, &str)]) -> Vec<String> {
        placed_after(rows, Vec::new())
    }

    /// [`placed_between`] with the cells `out` already placed.
    fn placed_after(rows: &[(&str, &str)], mut out: Vec<MappedCell>) -> Vec<String> {
        let s = crate::schema::schema();
        let def = &s.requests;
        let idx = |k: &str| def.rows.iter().position(|r| r.key == k).unwrap();
        // each row: its label cell, then its value in all seven value cells
        let t = crate::template::tests::grid(
            &rows
                .iter()
                .map(|&(label, v)| std::iter::once(label).chain([v; 7]).collect())
                .collect::<Vec<Vec<&str>>>(),
        );
        let mut seq = vec![Seq::Anchor(idx("denied_inquiry"), 0..0, None)];
        for (r, (label, _)) in rows.iter().enumerate() {
            seq.push(Seq::Open(Open {
                cand: Candidate {
                    value_cells: t.cells.iter().filter(|c| c.r0 == r && c.c0 >= 1).collect(),
                    label: label.to_string(),
                    page: 2,
                    method: super::super::Method::Stream,
                },
                label_text: label.to_string(),
                label_cell: None,
                full_row: false,
            }));
        }
        seq.push(Seq::Anchor(idx("rejected_repeat"), 0..0, None));
        let before = out.len();
        assign_by_order(&seq, def, &State::default(), &mut out);
        let mut keys: Vec<String> = out[before..].iter().map(|c| c.row.clone()).collect();
        keys.dedup();
        keys
    }

    /// Seven lines read without rulings at 120 dpi between 8.属于行政查询事项 and 2.重复申请:
    /// four rows whose labels OCR garbled, and between them label lines standing alone (a
    /// wrapped label's second line, a group label's pieces), their value cells blank.
    fn garbled_run(value: &'static str) -> [(&'static str, &'static str); 7] {
        [
            ("11各号天个于王体F", value),
            ("《珊已二", ""),
            ("本岗有更信息需要1", value),
            ("，", ""),
            ("年申请内代", ""),
            ("了林正后容", value),
            ("二信访拆类申请", value),
        ]
    }

    #[test]
    fn a_blank_line_among_rows_that_print_zeros_is_a_label_line_zeros_printed() {
        assert_eq!(
            placed_between(&garbled_run("0")),
            [
                "unable_not_held",
                "unable_need_creation",
                "unable_unclear",
                "rejected_petition"
            ]
        );
        // where it must not fire: a report that prints its zeros blank (too few printed
        // zeros: these rows print 3s), where a blank line may be a row; the run is then longer
        // than its gap and its garbled rows stay unplaced
        let placed = placed_between(&garbled_run("3"));
        assert!(placed.len() < 4, "{placed:?}");
        // nor where a row its label placed is blank (a report that prints some rows' zeros
        // and leaves others blank)
        let s = crate::schema::schema();
        let row = s
            .requests
            .rows
            .iter()
            .find(|r| r.key == "new_received")
            .unwrap();
        let blank: Vec<MappedCell> = row
            .cols
            .iter()
            .map(|c| MappedCell {
                table: "requests".into(),
                row: row.key.clone(),
                col: c.0.clone(),
                value: Some("0".into()),
                raw: String::new(),
                row_label: row.label.clone(),
                col_label: c.1.clone(),
                page: Some(2),
                bbox: None,
                method: super::super::Method::Stream,
                confidence: 1.0,
                word_confidence: 1.0,
                alternatives: vec![],
                flags: vec![],
            })
            .collect();
        let placed = placed_after(&garbled_run("0"), blank);
        assert!(placed.len() < 4, "{placed:?}");
    }

    #[test]
    fn a_run_that_fills_its_gap_is_placed_in_order() {
        let scores = vec![
            s(&[0.1, 0.1, 0.1]),
            s(&[0.1, 0.1, 0.1]),
            s(&[0.1, 0.1, 0.1]),
        ];
        assert_eq!(
            align(&scores, &[0.5; 3], U, MARGIN),
            vec![Some(0), Some(1), Some(2)]
        );
    }

    #[test]
    fn one_item_in_two_slots_goes_where_its_label_points_or_nowhere() {
        // where it fires: the label resembles the second row clearly more
        assert_eq!(align(&[s(&[0.05, 0.4])], &[0.5], U, MARGIN), vec![Some(1)]);
        // where it must not: nothing tells the two rows apart
        assert_eq!(align(&[s(&[0.1, 0.15])], &[0.5], U, MARGIN), vec![None]);
    }

    #[test]
    fn a_forbidden_pairing_moves_the_run_or_leaves_it() {
        // numbering forbids the first slot: the item takes the second (any other choice leaves
        // a slot and the item out)
        let scores = vec![vec![None, Some(0.1)]];
        assert_eq!(align(&scores, &[0.5], U, MARGIN), vec![Some(1)]);
        // two items, two slots, the second item forbidden in the second slot: the only full
        // alignment is broken, so the items are not sure of anything but what is forced
        let scores = vec![s(&[0.1, 0.1]), vec![Some(0.1), None]];
        let got = align(&scores, &[0.5, 0.5], U, MARGIN);
        assert_eq!(got[1], None);
    }

    #[test]
    fn an_item_free_to_drop_is_dropped_when_slots_run_out() {
        // three items, two slots, the middle one a repeat (free to leave out)
        let scores = vec![s(&[0.1, 0.1]), s(&[0.0, 0.0]), s(&[0.1, 0.1])];
        assert_eq!(
            align(&scores, &[0.5, 0.0, 0.5], U, MARGIN),
            vec![Some(0), None, Some(1)]
        );
    }

    #[test]
    fn a_run_stands_next_to_the_matched_row_on_its_bounded_side() {
        // where it fires: one garbled row after the last matched row, the table's end open:
        // it is the next row, not the one after
        let tail = SlotSkips { trail: 0.1, ..U };
        assert_eq!(
            align(&[s(&[0.1, 0.1])], &[0.5], tail, MARGIN),
            vec![Some(0)]
        );
        // and at the sequence's start with a matched row after it: the row before that one
        let start = SlotSkips { lead: 0.1, ..U };
        assert_eq!(
            align(&[s(&[0.1, 0.1])], &[0.5], start, MARGIN),
            vec![Some(1)]
        );
        // where it must not: bounded on both sides, nothing says which
        assert_eq!(align(&[s(&[0.1, 0.1])], &[0.5], U, MARGIN), vec![None]);
    }
}

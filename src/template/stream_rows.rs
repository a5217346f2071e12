//! Rows of a text-aligned table of OCR'd print, located by the template's labels.
//!
//! A table read without rulings (`table::stream_tables` over the tokens of a scan) has one
//! grid row per line of print.  A template row prints its values on one line, centred in the
//! row, and its label on one to three lines around them: a wrapped label's lines stand above
//! and below its values (`1.本机关不掌握` / `0 1 0 0 0 0 1` / `相关政府信息`), a group label
//! (`（四）无法提供`) adds lines of its own beside them, and a row whose zeros print blank has
//! its label and nothing else.  Taken line by line, a label's lines are read apart and the
//! values stand under a fragment that names no row, or under the wrong one.
//!
//! [`regroup`] puts the lines back into printed rows with the template: the requests rows'
//! labels, in the template's order.  A dynamic programme cuts the lines into consecutive
//! segments, each one template row's (label lines around at most one line of values), rows
//! in template order, skipping rows the table does not print and lines that are no row's
//! (specks, group labels standing alone); a segment scores by how much of its row's label its
//! text holds ([`label_score`]).  The regrouped table has one grid row per segment (its label
//! lines joined, the values of its line of values) and says which template row each is; the
//! mapping then places the values under that row.  Cells placed so already carry
//! `layout_from_text_alignment` (the look by tokens flags all it places).
//!
//! Only tables of OCR'd words (confidence below 1), whose lines `table::stream_tables` leaves
//! apart for this; a text layer's wrapped labels `table::wrapped_labels` joins there.

use crate::schema::TableDef;
use crate::table::{Cell, Table};
use crate::template::{lcs_len, norm_label};
use crate::values;

/// Lines one printed row may take at most (a label wrapped over three lines, a group label's
/// pieces and a speck beside them).
pub const SEGMENT_LINES: usize = 6;
/// A segment names its row when its [`label_score`] is at least this.
pub const SEGMENT_MIN: f32 = 0.55;
/// Value cells a line must hold to be a row's line of values (a requests row prints seven; a
/// mark read as a number beside a label's line is none).
pub const VALUE_LINE_MIN: usize = 3;
/// Value-column cells of text (no value) that make a line a header line, which is no row's
/// (自然人 | 商业企业 | …): it stays a line of its own for the mapping's header reading.
pub const HEADER_CELLS: usize = 2;
/// See [`other_rows_line`].
pub const OTHER_LINE_CHARS: usize = 5;
pub const OTHER_LINE_SHARE: f32 = 0.5;
/// What a segment with its line of values scores beyond its label: a row that places values
/// is worth more than one that holds a label alone.
pub const VALUES_BONUS: f32 = 0.5;
/// What leaving a line of values in no row costs (its values are lost).
pub const LOST_VALUES: f32 = 0.6;
/// What leaving a line of label text in no row costs (a speck, a group label: a little).
pub const LOST_LINE: f32 = 0.05;
/// How far (in the table's usual line spacing) the middle of a segment's label lines may be
/// from its line of values.  A row's values and its label are both set in the middle of the
/// row: a label wrapped over two lines stands one above and one below its values.  A label
/// whole on the line above a line of values is another row's (whose values print blank),
/// and those values a row whose label was not read.
pub const CENTRED: f32 = 0.75;
/// A value column must hold a value on this share of the lines of values: a column of marks
/// beside label lines (a ruling's remnants read as 1) is none, and goes.
pub const COLUMN_LINES: f32 = 0.5;
/// Segments that name their row a table must have to be regrouped.
pub const MIN_SEGMENTS: usize = 3;

/// How well `text` (a segment's label lines joined) names a row whose label is `label`, both
/// normalised: the share of the label's characters the text holds in order (its longest
/// common subsequence), weighted twice, with the share of the text they make (the rest is a
/// group label's or a speck's).
pub fn label_score(text: &str, label: &str) -> f32 {
    let (n, m) = (text.chars().count(), label.chars().count());
    if n == 0 || m == 0 {
        return 0.0;
    }
    let l = lcs_len(text, label) as f32;
    let recall = l / m as f32;
    let precision = l / n as f32;
    (2.0 * recall + precision) / 3.0
}

/// Whether a label line (normalised) of a segment is no part of the row's label `label`: a
/// line of [`OTHER_LINE_CHARS`] characters or more of which the label holds under
/// [`OTHER_LINE_SHARE`] is another row's line (the next row's first line, taken for this
/// row's second), and the segment cannot reach over it.  Shorter lines (a group label's
/// glyphs one per line, a speck) may be in any segment.
pub fn other_rows_line(line: &str, label: &str) -> bool {
    let n = line.chars().count();
    n >= OTHER_LINE_CHARS && (lcs_len(line, label) as f32) < OTHER_LINE_SHARE * n as f32
}

/// One grid row of the table as the programme sees it.
struct Line {
    /// The label column's text (normalised).
    label: String,
    /// A line of values ([`VALUE_LINE_MIN`]).
    values: bool,
    /// Text in the value columns ([`HEADER_CELLS`]): a header line, no row's.
    header: bool,
}

/// Where the programme's best path to a state came from.
#[derive(Clone, Copy)]
enum Step {
    Start,
    /// Line i left in no row.
    Skip,
    /// Template row k not printed here.
    NoRow,
    /// Lines i..j are row k.
    Segment(usize),
}

/// The table regrouped into printed rows, and for each of its grid rows the template row
/// (index into `def.rows`) whose values it holds, if any.  None when the table is not OCR'd
/// print, has one value column or none, or fewer than [`MIN_SEGMENTS`] segments name a row.
pub fn regroup(t: &Table, def: &TableDef) -> Option<(Table, Vec<Option<usize>>)> {
    let (nr, nc) = (t.n_rows(), t.n_cols());
    if t.method != "stream" || nc < 3 || nr < 2 {
        return None;
    }
    if !t
        .cells
        .iter()
        .any(|c| !c.words.is_empty() && c.confidence < 1.0)
    {
        return None;
    }
    let lines: Vec<Line> = (0..nr)
        .map(|r| {
            let label = norm_label(&t.cell_at(r, 0).text());
            // the value columns' cells that hold words: values, or text
            let (vals, text) = (1..nc)
                .map(|c| t.cell_at(r, c))
                .filter(|cell| !cell.words.is_empty())
                .fold((0, 0), |(v, x), cell| {
                    if values::value_like(&cell.text(), cell.confidence) {
                        (v + 1, x)
                    } else {
                        (v, x + 1)
                    }
                });
            Line {
                label,
                values: vals >= VALUE_LINE_MIN,
                header: text >= HEADER_CELLS && vals < VALUE_LINE_MIN,
            }
        })
        .collect();
    // each line's middle, and the table's usual line spacing
    let mid: Vec<f32> = (0..nr).map(|r| (t.ys[r] + t.ys[r + 1]) / 2.0).collect();
    let mut spacing: Vec<f32> = t.ys.windows(2).map(|w| w[1] - w[0]).collect();
    spacing.sort_by(f32::total_cmp);
    let spacing = spacing[spacing.len() / 2];
    // a segment's label lines centred on its line of values (see [`CENTRED`])
    let centred = |a: usize, b: usize| {
        let Some(v) = (a..b).find(|&g| lines[g].values) else {
            return true;
        };
        let ys: Vec<f32> = (a..b)
            .filter(|&g| !lines[g].label.is_empty())
            .map(|g| mid[g])
            .collect();
        ys.is_empty()
            || (ys.iter().sum::<f32>() / ys.len() as f32 - mid[v]).abs() <= CENTRED * spacing
    };
    let labels: Vec<String> = def.rows.iter().map(|r| norm_label(&r.label)).collect();
    let m = labels.len();
    // best[i][k]: the best score with lines ..i placed and template rows ..k used
    let mut best = vec![vec![f32::NEG_INFINITY; m + 1]; nr + 1];
    let mut from = vec![vec![(0usize, 0usize, Step::Start); m + 1]; nr + 1];
    best[0][0] = 0.0;
    for i in 0..=nr {
        for k in 0..=m {
            let here = best[i][k];
            if here == f32::NEG_INFINITY {
                continue;
            }
            let mut relax = |i2: usize, k2: usize, s: f32, step: Step| {
                if s > best[i2][k2] {
                    best[i2][k2] = s;
                    from[i2][k2] = (i, k, step);
                }
            };
            if k < m {
                relax(i, k + 1, here, Step::NoRow);
            }
            if i < nr {
                let cost = if lines[i].values {
                    LOST_VALUES
                } else {
                    LOST_LINE
                };
                relax(i + 1, k, here - cost, Step::Skip);
            }
            if k < m {
                let mut text = String::new();
                let mut value_lines = 0;
                for j in i..(i + SEGMENT_LINES).min(nr) {
                    if lines[j].header || other_rows_line(&lines[j].label, &labels[k]) {
                        break;
                    }
                    text.push_str(&lines[j].label);
                    value_lines += usize::from(lines[j].values);
                    if value_lines > 1 {
                        break;
                    }
                    let s = label_score(&text, &labels[k]);
                    if s >= SEGMENT_MIN && centred(i, j + 1) {
                        let bonus = if value_lines == 1 { VALUES_BONUS } else { 0.0 };
                        relax(j + 1, k + 1, here + s + bonus, Step::Segment(k));
                    }
                }
            }
        }
    }
    // the path back from the best end (all lines placed)
    let (mut i, mut k) = (
        nr,
        (0..=m).max_by(|&a, &b| best[nr][a].total_cmp(&best[nr][b]))?,
    );
    let mut segments: Vec<(usize, usize, Option<usize>)> = Vec::new();
    while i > 0 || k > 0 {
        let (pi, pk, step) = from[i][k];
        match step {
            Step::Start => break,
            Step::Skip => segments.push((pi, i, None)),
            Step::NoRow => {}
            Step::Segment(row) => segments.push((pi, i, Some(row))),
        }
        (i, k) = (pi, pk);
    }
    segments.reverse();
    if tracing::enabled!(tracing::Level::DEBUG) {
        for &(a, b, row) in &segments {
            let text: Vec<&str> = (a..b).map(|g| lines[g].label.as_str()).collect();
            tracing::debug!(
                "p{} stream rows {a}..{b} {:?}: {text:?}{}",
                t.page,
                row.map(|k| def.rows[k].key.as_str()),
                if (a..b).any(|g| lines[g].values) {
                    " + values"
                } else {
                    ""
                }
            );
        }
    }
    if segments.iter().filter(|s| s.2.is_some()).count() < MIN_SEGMENTS {
        return None;
    }
    Some(build(t, &lines, &segments))
}

/// The table with one grid row per segment: its label cells joined, the value cells of its
/// line of values (empty cells where it has none); lines in no row stay as they were.  Its
/// value columns: those with values on [`COLUMN_LINES`] of the lines of values.
fn build(
    t: &Table,
    lines: &[Line],
    segments: &[(usize, usize, Option<usize>)],
) -> (Table, Vec<Option<usize>>) {
    // the value columns that hold values on the lines of values (the label column stays)
    let value_lines: Vec<usize> = (0..lines.len()).filter(|&g| lines[g].values).collect();
    let need = (COLUMN_LINES * value_lines.len() as f32).ceil().max(1.0) as usize;
    let held = |c: usize| {
        value_lines
            .iter()
            .filter(|&&g| !t.cell_at(g, c).words.is_empty())
            .count()
    };
    let columns: Vec<usize> = (1..t.n_cols()).filter(|&c| held(c) >= need).collect();
    let kept: Vec<usize> = std::iter::once(0).chain(columns).collect();
    // a dropped column's x-range goes to the kept column left of it
    let mut xs: Vec<f32> = kept.iter().map(|&c| t.xs[c]).collect();
    xs.push(t.xs[t.n_cols()]);
    let nc = kept.len();
    let mut ys = vec![t.ys[0]];
    let mut cells: Vec<Cell> = Vec::new();
    let mut rows: Vec<Option<usize>> = Vec::new();
    for (r, &(a, b, row)) in segments.iter().enumerate() {
        ys.push(t.ys[b]);
        // a row without its line of values is left to the mapping's own rules (its values
        // may print blank, or be lost: not read as blanks here)
        rows.push(row.filter(|_| (a..b).any(|g| lines[g].values)));
        let (y0, y1) = (t.ys[a], t.ys[b]);
        // the label: every line's label cell, top to bottom
        let parts: Vec<&Cell> = (a..b).map(|g| t.cell_at(g, 0)).collect();
        cells.push(joined(&parts, r, 0, y0, y1, xs[0], xs[1]));
        // the values: the line of values' cells (a line in no row keeps its own), each over
        // the kept columns it spans (a cell a grid repair split spans several); positions no
        // cell covers are empty
        let source = (a..b)
            .find(|&g| lines[g].values)
            .or((b - a == 1).then_some(a));
        let mut covered = vec![false; nc];
        covered[0] = true;
        if let Some(g) = source {
            for cell in super::row_cells(t, g).into_iter().filter(|c| c.c1 > 1) {
                let c0 = kept.iter().position(|&k| k >= cell.c0.max(1));
                let c1 = kept.iter().filter(|&&k| k < cell.c1).count();
                let Some(c0) = c0.filter(|&c0| c0 < c1) else {
                    continue;
                };
                covered[c0..c1].iter_mut().for_each(|x| *x = true);
                cells.push(Cell {
                    r0: r,
                    r1: r + 1,
                    c0,
                    c1,
                    ..cell.clone()
                });
            }
        }
        for c in (0..nc).filter(|&c| !covered[c]) {
            cells.push(joined(&[], r, c, y0, y1, xs[c], xs[c + 1]));
        }
    }
    let n = segments.len();
    let mut table = Table {
        page: t.page,
        bbox: t.bbox,
        xs,
        ys,
        index: vec![0; n * nc],
        cells,
        method: t.method,
    };
    table.reindex();
    (table, rows)
}

/// One cell at grid position (r, c) holding the words and lines of `parts` in order.
fn joined(parts: &[&Cell], r: usize, c: usize, y0: f32, y1: f32, x0: f32, x1: f32) -> Cell {
    let mut cell = Cell {
        r0: r,
        r1: r + 1,
        c0: c,
        c1: c + 1,
        bbox: crate::model::BBox::new(x0, y0, x1, y1),
        words: Vec::new(),
        lines: Vec::new(),
        confidence: 1.0,
        alternatives: Vec::new(),
    };
    for p in parts.iter().filter(|p| !p.words.is_empty()) {
        cell.words.extend_from_slice(&p.words);
        cell.lines.extend(p.lines.iter().cloned());
        cell.confidence = cell.confidence.min(p.confidence);
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, Page, PageKind, Source, Word};

    fn word(t: &str, x: f32, y: f32, confidence: f32) -> Word {
        Word {
            text: t.into(),
            bbox: BBox::new(x, y, x + 8.0 * t.chars().count() as f32, y + 10.0),
            confidence,
            source: Source::Ocr,
            alternatives: Vec::new(),
        }
    }

    /// Lines of print 12 points apart from y 100: a label's text at x 10, and seven numbers at
    /// x 200..500 after a `v`.
    fn page(lines: &[&str], confidence: f32) -> Page {
        let mut words = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            let y = 100.0 + 12.0 * k as f32;
            let (label, nums) = match l.split_once('v') {
                Some((a, b)) => (a.trim(), Some(b)),
                None => (*l, None),
            };
            if !label.is_empty() {
                words.push(word(label, 10.0, y, confidence));
            }
            for (i, n) in nums.unwrap_or("").split_whitespace().enumerate() {
                words.push(word(n, 200.0 + 50.0 * i as f32, y, confidence));
            }
        }
        Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            kind: PageKind::Scanned,
            words,
            rulings: vec![],
        }
    }

    fn regrouped(lines: &[&str], confidence: f32) -> Option<(Table, Vec<Option<usize>>)> {
        let p = page(lines, confidence);
        let t = crate::table::stream_tables(&p, &vec![false; p.words.len()]);
        assert_eq!(
            t.len(),
            1,
            "{:?}",
            t.iter().map(|t| t.grid_text()).collect::<Vec<_>>()
        );
        regroup(&t[0], &crate::schema::schema().requests)
    }

    /// (template row key, the values of its grid row) for every row the regrouping named.
    fn named(r: &(Table, Vec<Option<usize>>)) -> Vec<(String, Vec<String>)> {
        let def = &crate::schema::schema().requests;
        let (t, rows) = r;
        rows.iter()
            .enumerate()
            .filter_map(|(g, k)| {
                let k = (*k)?;
                let vals = (1..t.n_cols()).map(|c| t.cell_at(g, c).text()).collect();
                Some((def.rows[k].key.clone(), vals))
            })
            .collect()
    }

    #[test]
    fn label_score_weighs_the_label_held_over_the_text_around_it() {
        let l = norm_label("2.没有现成信息需要另行制作");
        assert!(label_score(&l, &l) > 0.99);
        // a group label's pieces beside it lower the score a little
        let with_group = norm_label("（四）无2.没有现成信息需法提供要另行制作");
        assert!(label_score(&with_group, &l) >= SEGMENT_MIN);
        // another row's label does not reach the bar
        assert!(label_score(&norm_label("3.补正后申请内容仍不明确"), &l) < SEGMENT_MIN);
    }

    #[test]
    fn another_rows_line_is_told_from_this_rows_and_from_a_group_labels_pieces() {
        let l = norm_label("2.没有现成信息需要另行制作");
        // the next row's first line: no part of it
        assert!(other_rows_line(&norm_label("3.补正后申请内容"), &l));
        // this row's lines, with a group label's glyphs beside them: part of it
        assert!(!other_rows_line(
            &norm_label("（四）无2.没有现成信息需"),
            &l
        ));
        assert!(!other_rows_line(&norm_label("法提供要另行制作"), &l));
        // a short line (a group label's piece, a speck) may stand in any row
        assert!(!other_rows_line(&norm_label("提供"), &l));
    }

    /// Two rows whose labels wrap around their line of values, and a one-line row.
    const WRAPPED: [&str; 7] = [
        "一、本年新收政府信息",
        "v12 0 0 0 0 0 12",
        "公开申请数量",
        "二、上年结转政府信息",
        "v3 0 0 0 0 0 3",
        "公开申请数量",
        "（一）予以公开 v5 0 0 0 0 0 5",
    ];

    #[test]
    fn wrapped_labels_around_their_values_name_their_rows() {
        let r = regrouped(&WRAPPED, 0.9).expect("regrouped");
        let n = named(&r);
        let keys: Vec<&str> = n.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["new_received", "carried_over", "granted"]);
        assert_eq!(n[1].1, ["3", "0", "0", "0", "0", "0", "3"]);
    }

    #[test]
    fn a_label_whole_above_a_line_of_values_is_not_that_lines_row() {
        // 7.属于行政执法案卷 prints blank; the values below are 8.属于行政查询事项's, whose
        // label OCR lost ("?"): they stand in no named row, not under 7
        let r = regrouped(
            &[
                "5.属于三类内部事务信息 v1 0 0 0 0 0 1",
                "6.属于四类过程性信息 v2 0 0 0 0 0 2",
                "7.属于行政执法案卷",
                "",
                "v0 2 0 0 0 1 3",
                "1.本机关不掌握相关",
                "v4 0 0 0 0 0 4",
                "政府信息",
            ],
            0.9,
        )
        .expect("regrouped");
        let n = named(&r);
        assert!(
            !n.iter().any(|(k, _)| k == "denied_enforcement_file"),
            "{n:?}"
        );
        assert!(n.iter().any(|(k, v)| k == "unable_not_held" && v[0] == "4"));
        assert!(
            n.iter()
                .any(|(k, v)| k == "denied_process_info" && v[0] == "2")
        );
    }

    #[test]
    fn a_text_layer_table_is_left_as_it_is() {
        assert!(regrouped(&WRAPPED, 1.0).is_none());
        assert!(regrouped(&WRAPPED, 0.9).is_some());
    }
}

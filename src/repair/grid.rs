//! Grid repair on reconstructed tables, before template mapping.  Rulings that OCR loses (or
//! a text dump never had) merge cells; the words inside still say where the cells were.
//!
//! - *Merged cell split*: a one-line cell in doubt whose words end in numbers after a label of
//!   the template (`行政处罚 0`), or that holds several numbers (`7 0`), is split at the gaps
//!   between those words, so each number gets its own cell.  A single word is never split,
//!   nor a sentence that happens to end in a number.
//! - *Label join*: when a row's label (its last text cell) matches no template row but the
//!   last two or three text cells of the row joined do (`上年结转政府信息` + `急公开申请数量`),
//!   those cells are merged into one label cell.
//! - *Split number*: a requests row with one value cell too many (a spurious ruling cut `12`
//!   into `1` `2`, or a stray mark became a cell) is tried with every pair of neighbours joined
//!   and every cell dropped; when exactly one way gives seven numbers whose total is the sum
//!   of the other six, the row is rebuilt that way.
//!
//! Both need the cells' words in doubt (`confidence < DOUBT`): text-layer tables are never
//! changed.  Every change is a `Repair` whose `cells` are the value cells it affected.

use super::{DOUBT, Repair};
use crate::model::{Page, Source, Word};
use crate::table::Table;
use crate::template::{norm_label, similarity};
use crate::values::{self, Parsed};

/// A template row label matched by similarity at least this is "matched" (as in template).
const MATCHED: f32 = 0.6;
/// A joined label must match a template row at least this well.
const JOINED_MIN: f32 = 0.75;

/// A word that reads as a number: a number, a zero glyph, or digits with look-alike letters
/// (at least one real digit, or a lone O/o/l/I/|).
pub fn numeric_word(text: &str) -> bool {
    let t = values::fold(text);
    if t.is_empty() {
        return false;
    }
    match values::parse(&t) {
        Parsed::Number(_) | Parsed::Zero => return true,
        Parsed::Text => {}
    }
    // a number with a stray mark at an end (a ruling's remnant read as `[`)
    if (t.starts_with(values::is_edge_mark) || t.ends_with(values::is_edge_mark))
        && values::cleaned_number(&t, false).is_some()
    {
        return true;
    }
    let mapped: Option<String> = t
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                Some(c)
            } else {
                super::numbers::lookalike(c)
            }
        })
        .collect();
    match mapped {
        Some(_) if t.chars().count() == 1 => "OolI|".contains(t.as_str()),
        Some(_) => t.chars().any(|c| c.is_ascii_digit()),
        None => false,
    }
}

fn best_label_sim(label: &str) -> (f32, String) {
    let s = crate::schema::schema();
    let l = norm_label(label);
    let mut best = (0.0f32, String::new());
    for r in s.requests.rows.iter().chain(s.active.rows.iter()) {
        let sim = similarity(&l, &norm_label(&r.label));
        if sim > best.0 {
            best = (sim, r.label.clone());
        }
    }
    best
}

/// Distinct cells of row r, left to right.
fn row_cell_ids(t: &Table, r: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for c in 0..t.n_cols() {
        let k = t.index[r * t.n_cols() + c];
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// Repair the tables' grids.  `pages` are the pages the tables were found on.
pub fn repair_tables(tables: &mut [Table], pages: &[Page]) -> Vec<Repair> {
    let mut out = Vec::new();
    for (ti, t) in tables.iter_mut().enumerate() {
        let Some(page) = pages.iter().find(|p| p.number == t.page) else {
            continue;
        };
        split_label_rows(t, &page.words, ti, &mut out);
        split_value_rows(t, &page.words, ti, &mut out);
        for r in 0..t.n_rows() {
            split_merged(t, r, &page.words, ti, &mut out);
            join_label(t, r, &page.words, ti, &mut out);
            split_number(t, r, &page.words, ti, &mut out);
        }
    }
    out
}

/// A word may reach this far (points) across a row boundary and still lie on one side of it:
/// OCR word boxes take in a little of the paper around the ink.
const STRADDLE: f32 = 1.0;
/// ... or this share of its box's height: the recogniser's boxes of a text line in a tall
/// cell can reach far past its glyphs (7pt of print in an 18pt box), while a word printed
/// across the line has its middle on it.
const STRADDLE_SHARE: f32 = 0.25;

/// Whether a word of `idx` lies across the row line at `y`: beyond [`STRADDLE`] on both
/// sides, and for label text (`label`) beyond [`STRADDLE_SHARE`] of its box's height too
/// (a number's box is its ink's).
fn lies_across(idx: &[usize], words: &[Word], y: f32, label: bool) -> bool {
    idx.iter().any(|&i| {
        let b = &words[i].bbox;
        let share = if label { STRADDLE_SHARE } else { 0.0 };
        let m = STRADDLE.max(share * b.height());
        b.y0 < y - m && b.y1 > y + m
    })
}

/// A label cell spanning several grid rows whose value cells are ruled apart (the ruling was
/// lost in the label columns, and maybe in the first value columns, but is there further
/// right) is split at such a row boundary when its words lie on either side of it, none
/// across, and one side alone names a template row (at least `JOINED_MIN`) better than the
/// whole text does: two rows' labels merged (`一、本年新收…` over `二、上年结转…`), not one
/// tall label (`三、本年度办理结果`, a group label), whose parts name no row.  Value cells right
/// of it that the lost ruling merged over the same rows are split at the same line when no
/// word lies across it (their numbers go by their centres); the checks then confirm or not.
fn split_label_rows(t: &mut Table, words: &[Word], ti: usize, out: &mut Vec<Repair>) {
    let nc = t.n_cols();
    let text = |idx: &[usize]| crate::table::lines_of(idx, words).1.concat();
    let mut k = 0;
    while k < t.cells.len() {
        let cell = &t.cells[k];
        let mut best: Option<(usize, f32, String, String)> = None;
        if cell.r1 - cell.r0 >= 2
            && cell.c1 < nc
            && !cell.words.is_empty()
            && cell.confidence < DOUBT
            && t.is_rectangle(k)
        {
            let whole = best_label_sim(&cell.text()).0;
            for b in cell.r0 + 1..cell.r1 {
                // the row line is there right of the label (in some value column)
                let ruled = t.ruled_between(b, cell.c1..nc);
                let y = t.ys[b];
                let across = lies_across(&cell.words, words, y, true);
                if !ruled || across {
                    tracing::trace!(
                        "no label split at row line {b} of 「{}」: ruled right {ruled}, a word across {across}",
                        cell.text()
                    );
                    continue;
                }
                let (up, down): (Vec<usize>, Vec<usize>) =
                    cell.words.iter().partition(|&&i| words[i].bbox.cy() < y);
                if up.is_empty() || down.is_empty() {
                    continue;
                }
                let (up, down) = (text(&up), text(&down));
                let (a, la) = best_label_sim(&up);
                let (b_sim, lb) = best_label_sim(&down);
                let (sim, label) = if a >= b_sim { (a, la) } else { (b_sim, lb) };
                tracing::trace!(
                    "label split at row line {b}? 「{up}」 {a:.2} | 「{down}」 {b_sim:.2}, whole {whole:.2}"
                );
                if sim >= JOINED_MIN && sim > whole && best.as_ref().is_none_or(|x| sim > x.1) {
                    best = Some((
                        b,
                        sim,
                        format!("{up} | {down}"),
                        format!("{label}」 ({sim:.2}), the whole text {whole:.2}"),
                    ));
                }
            }
        }
        let Some((b, _, repaired, why)) = best else {
            k += 1;
            continue;
        };
        let raw = t.cells[k].text();
        let (c1, r0, r1) = (t.cells[k].c1, t.cells[k].r0, t.cells[k].r1);
        if t.split_cell_rows(k, b, words).is_none() {
            k += 1;
            continue;
        }
        // value cells beside it that the lost ruling merged over the same rows are split at
        // the same line, when no word lies across it
        let y = t.ys[b];
        let mut cells = Vec::new();
        for j in 0..t.cells.len() {
            let v = &t.cells[j];
            if v.c0 < c1
                || v.r0 < r0
                || v.r1 > r1
                || v.r0 >= b
                || v.r1 <= b
                || lies_across(&v.words, words, y, false)
            {
                continue;
            }
            if let Some(lower) = t.split_cell_rows(j, b, words) {
                cells.push((t.page, t.cells[j].bbox));
                cells.push((t.page, t.cells[lower].bbox));
            }
        }
        out.push(Repair {
            location: format!("page {} table {} row {}", t.page, ti + 1, b + 1),
            raw,
            repaired,
            reason: "label_split".into(),
            evidence: format!("a label cell over grid rows whose values are ruled apart; one part names template row 「{why}"),
            cells,
        });
        // cell k (the upper part) is looked at again: it may hold more rows' labels
    }
}

/// A value cell over several grid rows whose labels are ruled apart (the row line was lost
/// over this value column only: a faint or broken ruling) is split at such a row line when it
/// holds numbers on both sides of it and none across it, so that each row's number goes to
/// its row: `1961` over `135` read as one cell `1961135`.  The cells right of a label column
/// never span rows in the template; a label's two halves (`三、本年度` / `办理结果`) are no
/// numbers, and a number printed across the line stays whole.
///
/// Rule `header_over_values`: the same where the part above the line is a header's words (a
/// leaf cell 科研机构 reaching down over the first rows' numbers where the ruling under the
/// header was erased): the words below the line are all numbers, those above it are text.
/// Left whole, the header cell took its column's values into its text and the rows lost them.
fn split_value_rows(t: &mut Table, words: &[Word], ti: usize, out: &mut Vec<Repair>) {
    let mut k = 0;
    while k < t.cells.len() {
        let cell = &t.cells[k];
        let mut at = None;
        if cell.r1 - cell.r0 >= 2
            && cell.c0 > 0
            && cell.words.len() >= 2
            && cell.confidence < DOUBT
            && t.is_rectangle(k)
        {
            for b in cell.r0 + 1..cell.r1 {
                // the row line is there left of the cell (between the rows' labels)
                let ruled = t.ruled_between(b, 0..cell.c0);
                let y = t.ys[b];
                if !ruled || lies_across(&cell.words, words, y, false) {
                    continue;
                }
                let (up, down): (Vec<usize>, Vec<usize>) =
                    cell.words.iter().partition(|&&i| words[i].bbox.cy() < y);
                let numeric = |ws: &[usize]| ws.iter().all(|&i| numeric_word(&words[i].text));
                if !up.is_empty() && !down.is_empty() && numeric(&down) {
                    at = Some((b, numeric(&up)));
                    break;
                }
            }
        }
        let Some((b, numbers_above)) = at else {
            k += 1;
            continue;
        };
        let raw = t.cells[k].text();
        let Some(lower) = t.split_cell_rows(k, b, words) else {
            k += 1;
            continue;
        };
        let (reason, evidence) = if numbers_above {
            (
                "value_rows_split",
                "one value cell over rows whose labels are ruled apart holds numbers on both sides of the row line and none across it; the line is missing over this column",
            )
        } else {
            (
                "header_over_values",
                "a header cell reaching down over rows whose labels are ruled apart holds numbers below the row line and none across it; the line under the header is missing over this column",
            )
        };
        out.push(Repair {
            location: format!("page {} table {} row {}", t.page, ti + 1, b + 1),
            raw,
            repaired: format!("{} | {}", t.cells[k].text(), t.cells[lower].text()),
            reason: reason.into(),
            evidence: evidence.into(),
            cells: vec![(t.page, t.cells[k].bbox), (t.page, t.cells[lower].bbox)],
        });
        // cell k (the upper part) is looked at again: it may span more rows
    }
}

fn split_merged(t: &mut Table, r: usize, words: &[Word], ti: usize, out: &mut Vec<Repair>) {
    for k in row_cell_ids(t, r) {
        let cell = &t.cells[k];
        if cell.r0 != r || cell.r1 != r + 1 || cell.words.len() < 2 || cell.lines.len() != 1 {
            continue;
        }
        let ws: Vec<usize> = cell.words.clone();
        let numeric: Vec<bool> = ws.iter().map(|&i| numeric_word(&words[i].text)).collect();
        // Words read with confidence are split only when OCR read several numbers in the cell
        // (its reader cuts a cell's line of ink where values stand a cell's width apart); a
        // text layer's cells never are.
        let ocr_numbers =
            numeric.iter().all(|&n| n) && ws.iter().all(|&i| words[i].source == Source::Ocr);
        if cell.confidence >= DOUBT && !ocr_numbers {
            continue;
        }
        let mut first = ws.len();
        while first > 0 && numeric[first - 1] {
            first -= 1;
        }
        let raw: Vec<&str> = ws.iter().map(|&i| words[i].text.as_str()).collect();
        // stray marks before the numbers (a broken ruling read as `[`) are no label: they stay
        // with the first number
        let marks = first > 0
            && first < ws.len()
            && raw[..first]
                .iter()
                .all(|w| w.chars().all(values::is_edge_mark));
        // boundaries: before the numeric tail (after a label), and between its numbers
        let lead = if marks { first + 1 } else { first.max(1) };
        let cuts: Vec<usize> = (lead..ws.len()).collect();
        if first == ws.len() || cuts.is_empty() {
            continue;
        }
        // a label before the numbers must be a template row's (not a sentence ending in a number)
        if first > 0 && !marks && best_label_sim(&raw[..first].concat()).0 < MATCHED {
            continue;
        }
        let mut new_cells = Vec::new();
        // split right to left: the left part keeps index k
        for &j in cuts.iter().rev() {
            let x = (words[ws[j - 1]].bbox.x1 + words[ws[j]].bbox.x0) / 2.0;
            if let Some(nk) = t.split_cell(k, x, words) {
                new_cells.push((t.page, t.cells[nk].bbox));
            }
        }
        if new_cells.is_empty() {
            continue;
        }
        let mut parts: Vec<String> = vec![raw[..lead].join(" ")];
        parts.extend(raw[lead..].iter().map(|s| s.to_string()));
        out.push(Repair {
            location: format!("page {} table {} row {}", t.page, ti + 1, r + 1),
            raw: raw.join(" "),
            repaired: parts.join(" | "),
            reason: "merged_cell_split".into(),
            evidence: "one cell holds label and number(s) or several numbers, separated by gaps; a ruling is missing".into(),
            cells: new_cells,
        });
    }
}

fn join_label(t: &mut Table, r: usize, words: &[Word], ti: usize, out: &mut Vec<Repair>) {
    let ids = row_cell_ids(t, r);
    let mut k = ids.len();
    while k > 0 && values::value_like(&t.cells[ids[k - 1]].text(), t.cells[ids[k - 1]].confidence) {
        k -= 1;
    }
    let (labels, vals) = ids.split_at(k);
    if vals.is_empty() || labels.len() < 2 {
        return;
    }
    let last = t.cells[labels[labels.len() - 1]].text();
    let (alone, _) = best_label_sim(&last);
    if alone >= MATCHED {
        return;
    }
    let mut best: Option<(usize, f32, String, String)> = None;
    for n in 2..=3.min(labels.len()) {
        let part = &labels[labels.len() - n..];
        // a cell that holds a number is a value cell whose neighbour OCR garbled (a seal's
        // strokes over a value read as letters end the row's run of numbers early), never a
        // piece of the label: joining it would swallow the row's values into the label
        if part.iter().any(|&c| {
            let cell = &t.cells[c];
            cell.r0 != r
                || cell.r1 != r + 1
                || cell.confidence >= DOUBT
                || cell.text().is_empty()
                || values::value_like(&cell.text(), cell.confidence)
        }) {
            break;
        }
        let joined: String = part.iter().map(|&c| t.cells[c].text()).collect();
        let (sim, label) = best_label_sim(&joined);
        // a cell that names a template row alone at least as well as the joined text does
        // is the whole label: what follows it is a value OCR garbled into a letter (a seal's
        // strokes over `25` read as `中`), not the rest of the label
        let alone_better = part
            .iter()
            .any(|&c| best_label_sim(&t.cells[c].text()).0 >= sim.max(MATCHED));
        if sim >= JOINED_MIN && !alone_better && best.as_ref().is_none_or(|b| sim > b.1) {
            best = Some((n, sim, joined, label));
        }
    }
    let Some((n, sim, joined, label)) = best else {
        return;
    };
    let raw: Vec<String> = labels[labels.len() - n..]
        .iter()
        .map(|&c| t.cells[c].text())
        .collect();
    let nc = t.n_cols();
    let c0 = t.cells[labels[labels.len() - n]].c0;
    for _ in 1..n {
        let a = t.index[r * nc + c0];
        let next_col = t.cells[a].c1;
        if next_col >= nc {
            return;
        }
        let b = t.index[r * nc + next_col];
        if !t.merge_cells(a, b, words) {
            return;
        }
    }
    let cells = row_cell_ids(t, r)
        .into_iter()
        .filter(|&c| {
            values::value_like(&t.cells[c].text(), t.cells[c].confidence) && t.cells[c].c0 > c0
        })
        .map(|c| (t.page, t.cells[c].bbox))
        .collect();
    out.push(Repair {
        location: format!("page {} table {} row {}", t.page, ti + 1, r + 1),
        raw: raw.join(" | "),
        repaired: joined,
        reason: "label_join".into(),
        evidence: format!("joined label matches template row 「{label}」 ({sim:.2}); the last cell alone {alone:.2}"),
        cells,
    });
}

/// The number a value cell says (look-alikes read), None when it says none.
fn cell_number(text: &str) -> Option<f64> {
    values::number(text).or_else(|| values::lookalike_number(text).and_then(|n| n.parse().ok()))
}

fn split_number(t: &mut Table, r: usize, words: &[Word], ti: usize, out: &mut Vec<Repair>) {
    let n_cols = crate::checks::REQUEST_COLS.len();
    let ids = row_cell_ids(t, r);
    let mut k = ids.len();
    while k > 0 && values::value_like(&t.cells[ids[k - 1]].text(), t.cells[ids[k - 1]].confidence) {
        k -= 1;
    }
    let (labels, vals) = ids.split_at(k);
    if vals.len() != n_cols + 1 || labels.is_empty() {
        return;
    }
    let label = t.cells[labels[labels.len() - 1]].text();
    let s = crate::schema::schema();
    let l = norm_label(&label);
    if !s
        .requests
        .rows
        .iter()
        .any(|row| similarity(&l, &norm_label(&row.label)) >= MATCHED)
    {
        return;
    }
    if vals.iter().any(|&c| {
        let cell = &t.cells[c];
        cell.r0 != r || cell.r1 != r + 1 || cell.confidence >= DOUBT || cell.text().is_empty()
    }) {
        return;
    }
    let texts: Vec<String> = vals
        .iter()
        .map(|&c| values::fold(&t.cells[c].text()))
        .collect();
    let Some(nums): Option<Vec<f64>> = texts.iter().map(|x| cell_number(x)).collect() else {
        return;
    };
    let total_ok = |v: &[f64]| (v[..n_cols - 1].iter().sum::<f64>() - v[n_cols - 1]).abs() < 1e-6;
    // (description, join pair start or drop index, values)
    let mut ways: Vec<(String, Option<usize>, Option<usize>, Vec<f64>)> = Vec::new();
    for i in 0..n_cols {
        let joined: String = format!("{}{}", texts[i], texts[i + 1]);
        if let Some(x) = cell_number(&joined) {
            let mut v = nums[..i].to_vec();
            v.push(x);
            v.extend_from_slice(&nums[i + 2..]);
            if total_ok(&v) {
                ways.push((
                    format!(
                        "{} and {} are one number {}",
                        texts[i],
                        texts[i + 1],
                        joined
                    ),
                    Some(i),
                    None,
                    v,
                ));
            }
        }
    }
    for i in 0..=n_cols {
        let mut v = nums.clone();
        v.remove(i);
        if total_ok(&v) {
            ways.push((
                format!("{} is no number of the row", texts[i]),
                None,
                Some(i),
                v,
            ));
        }
    }
    if ways.is_empty() || !ways.iter().all(|w| w.3 == ways[0].3) {
        return; // no way, or ways that disagree on the numbers
    }
    let n_ways = ways.len();
    let (mut why, join, drop, _) = ways.remove(0);
    if n_ways > 1 {
        why = format!("{why} ({n_ways} ways give the same numbers)");
    }
    let raw = texts.join(" | ");
    if let Some(i) = join {
        if !t.merge_cells(vals[i], vals[i + 1], words) {
            return;
        }
    } else if let Some(i) = drop {
        // the stray cell's span goes to its left neighbour, its words to nobody
        let left = if i > 0 {
            vals[i - 1]
        } else {
            labels[labels.len() - 1]
        };
        let (lw, c0) = (t.cells[left].words.clone(), t.cells[left].c0);
        if !t.merge_cells(left, vals[i], words) {
            return;
        }
        let merged = t.index[r * t.n_cols() + c0];
        crate::table::set_cell_words(&mut t.cells[merged], &lw, words);
    }
    let ids = row_cell_ids(t, r);
    let after: Vec<String> = ids
        .iter()
        .rev()
        .take(n_cols)
        .rev()
        .map(|&c| t.cells[c].text())
        .collect();
    let cells = ids
        .iter()
        .rev()
        .take(n_cols)
        .map(|&c| (t.page, t.cells[c].bbox))
        .collect();
    out.push(Repair {
        location: format!("page {} table {} row {}", t.page, ti + 1, r + 1),
        raw,
        repaired: after.join(" | "),
        reason: "split_number".into(),
        evidence: format!(
            "eight numbers for seven columns; only this reading makes the total the sum: {why}"
        ),
        cells,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plaintext;
    use crate::table::{Tolerances, find_tables};

    fn grid(text: &str) -> (Vec<Table>, Vec<Page>, Vec<Repair>) {
        let pages = plaintext::pages(text);
        let mut tables: Vec<Table> = pages
            .iter()
            .flat_map(|p| find_tables(p, &Tolerances::default()))
            .collect();
        let r = repair_tables(&mut tables, &pages);
        (tables, pages, r)
    }

    fn last_row_tail(t: &Table, r: usize, n: usize) -> Vec<String> {
        let ids = row_cell_ids(t, r);
        ids[ids.len() - n..]
            .iter()
            .map(|&c| t.cells[c].text())
            .collect()
    }

    #[test]
    fn label_and_number_in_one_cell_are_split() {
        let (t, _, r) = grid("信息内容\t本年处理决定数量\n行政处罚 0\t\n行政强制\t行政强制 12\n");
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(last_row_tail(&t[0], 1, 2), vec!["行政处罚", "0"]);
        assert_eq!(last_row_tail(&t[0], 2, 2), vec!["行政强制", "12"]);
        assert_eq!(r[0].reason, "merged_cell_split");
        assert_eq!(r[0].cells.len(), 1);
    }

    #[test]
    fn several_numbers_in_one_cell_are_split() {
        let (t, _, r) = grid("规章\t0 1\t1\n");
        assert_eq!(r.len(), 1);
        assert_eq!(last_row_tail(&t[0], 0, 3), vec!["0", "1", "1"]);
    }

    #[test]
    fn numbers_ocr_read_apart_in_one_cell_are_split_whatever_their_confidence() {
        use crate::model::BBox;
        // fires: the OCR reader cut a value cell's ink into two numbers (the ruling between
        // two value columns lost), each read with confidence
        let two = [
            ("规章", BBox::new(5.0, 6.0, 30.0, 14.0)),
            ("4", BBox::new(105.0, 6.0, 110.0, 14.0)),
            ("0", BBox::new(128.0, 6.0, 133.0, 14.0)),
            ("2", BBox::new(115.0, 26.0, 120.0, 34.0)),
        ];
        let (t, _, r) = ruled_page(&[(0.0, 180.0)], &two, 0.97);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "merged_cell_split");
        assert_eq!(last_row_tail(&t[0], 0, 3), vec!["4", "0", "7"]);
        // must not: a label and a number read with confidence stay as they are (a label is
        // split from its number only in doubt)
        let label = [
            ("规章", BBox::new(5.0, 6.0, 30.0, 14.0)),
            ("行政处罚", BBox::new(102.0, 6.0, 118.0, 14.0)),
            ("0", BBox::new(128.0, 6.0, 133.0, 14.0)),
        ];
        let (_, _, r) = ruled_page(&[(0.0, 180.0)], &label, 0.97);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn a_stray_mark_before_several_numbers_stays_with_the_first() {
        let (t, _, r) = grid("规章\t[ 13 62\t1\n");
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(last_row_tail(&t[0], 0, 3), vec!["[13", "62", "1"]);
        // marks alone, or marks before one number: nothing to split
        let (_, _, r) = grid("规章\t[ 13\t1\n");
        assert!(r.is_empty(), "{r:?}");
        // a word that is no mark before the numbers must still name a template row
        let (_, _, r) = grid("规章\t甲 13 62\t1\n");
        assert!(r.is_empty(), "{r:?}");
    }

    /// An OCR page: a label column (0-100) and two value columns, two rows (0-20-40) whose
    /// row ruling is lost over the label column; `labels` are the label column's lines (text,
    /// y0), each row holds a number.
    fn lost_label_ruling(labels: &[(&str, f32)]) -> (Vec<Table>, Vec<Page>, Vec<Repair>) {
        lost_ruling_from(labels, 100.0)
    }

    /// An OCR page (words at `confidence`): the rulings of a label column (0-100) and two value
    /// columns (100-140, 140-180) over two rows (0-20-40), the row line at y = 20 ruled only
    /// over the x-ranges `row_line`; `words` (text, box), and 7 over 9 in the second value
    /// column.  Its tables, found and repaired.
    fn ruled_page(
        row_line: &[(f32, f32)],
        words: &[(&str, crate::model::BBox)],
        confidence: f32,
    ) -> (Vec<Table>, Vec<Page>, Vec<Repair>) {
        use crate::model::{BBox, PageKind, Segment, Source};
        let mut p = Page::new(1, 200.0, 60.0, PageKind::Scanned);
        let seg = |x0, y0, x1, y1| Segment { x0, y0, x1, y1 };
        p.rulings = vec![seg(0.0, 0.0, 180.0, 0.0), seg(0.0, 40.0, 180.0, 40.0)];
        p.rulings
            .extend(row_line.iter().map(|&(x0, x1)| seg(x0, 20.0, x1, 20.0)));
        p.rulings
            .extend([0.0, 100.0, 140.0, 180.0].map(|x| seg(x, 0.0, x, 40.0)));
        let word = |text: &str, bbox| Word {
            text: text.into(),
            bbox,
            confidence,
            source: Source::Ocr,
            alternatives: vec![],
        };
        for &(text, bbox) in words {
            p.words.push(word(text, bbox));
        }
        p.words.push(word("7", BBox::new(155.0, 6.0, 160.0, 14.0)));
        p.words.push(word("9", BBox::new(155.0, 26.0, 160.0, 34.0)));
        let pages = vec![p];
        let mut tables: Vec<Table> = find_tables(&pages[0], &Tolerances::default());
        let r = repair_tables(&mut tables, &pages);
        (tables, pages, r)
    }

    /// As [`lost_label_ruling`], the row line ruled only right of `x_from` (140: lost over the
    /// first value column too); the second value column holds 7 and 9.
    fn lost_ruling_from(
        labels: &[(&str, f32)],
        x_from: f32,
    ) -> (Vec<Table>, Vec<Page>, Vec<Repair>) {
        use crate::model::BBox;
        let mut words: Vec<(&str, BBox)> = labels
            .iter()
            .map(|&(text, y0)| (text, BBox::new(5.0, y0, 95.0, y0 + 8.0)))
            .collect();
        words.push(("5", BBox::new(115.0, 6.0, 120.0, 14.0)));
        words.push(("3", BBox::new(115.0, 26.0, 120.0, 34.0)));
        ruled_page(&[(x_from.min(180.0), 180.0)], &words, 0.9)
    }

    #[test]
    fn two_rows_labels_in_one_cell_are_split_at_the_ruled_row_line() {
        let (t, _, r) = lost_label_ruling(&[
            ("一、本年新收政府信息公开申请数量", 6.0),
            ("二、上年结转政府信息公开申请数量", 26.0),
        ]);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "label_split");
        assert_eq!(
            t[0].cell_at(0, 0).text(),
            "一、本年新收政府信息公开申请数量"
        );
        assert_eq!(
            t[0].cell_at(1, 0).text(),
            "二、上年结转政府信息公开申请数量"
        );
        // each label now sits in its values' row
        assert_eq!(t[0].cell_at(0, 1).text(), "5");
        assert_eq!(t[0].cell_at(1, 1).text(), "3");
    }

    #[test]
    fn labels_and_values_merged_over_two_rows_are_split_where_a_column_further_right_is_ruled() {
        let labels = [
            ("一、本年新收政府信息公开申请数量", 6.0),
            ("二、上年结转政府信息公开申请数量", 26.0),
        ];
        let (t, _, r) = lost_ruling_from(&labels, 140.0);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "label_split");
        // the value cell merged with the labels is split too
        assert_eq!(r[0].cells.len(), 2);
        let t = &t[0];
        assert_eq!(t.cell_at(0, 0).text(), "一、本年新收政府信息公开申请数量");
        assert_eq!(t.cell_at(1, 0).text(), "二、上年结转政府信息公开申请数量");
        assert_eq!(
            (t.cell_at(0, 1).text(), t.cell_at(1, 1).text()),
            ("5".into(), "3".into())
        );
        assert_eq!(
            (t.cell_at(0, 2).text(), t.cell_at(1, 2).text()),
            ("7".into(), "9".into())
        );
        // no row line anywhere right of the label (only the outer frame's stub): one tall
        // cell, left as it is
        let (t, _, r) = lost_ruling_from(&labels, 179.0);
        assert!(r.is_empty(), "{r:?}");
        assert_eq!(
            t[0].cell_at(0, 0).text(),
            "一、本年新收政府信息公开申请数量二、上年结转政府信息公开申请数量"
        );
    }

    /// An OCR page: labels in 0-100 ruled apart at y = 20, two value columns (100-140,
    /// 140-180); the row line is lost over the first value column only, whose `cell` words
    /// (text, y0) then fall into one cell over both rows; the second holds 7 and 9.
    fn lost_value_ruling(cell: &[(&str, f32)]) -> (Vec<Table>, Vec<Page>, Vec<Repair>) {
        use crate::model::BBox;
        let mut words = vec![
            ("(七)总计", BBox::new(5.0, 6.0, 60.0, 14.0)),
            ("四、结转下年度继续办理", BBox::new(5.0, 26.0, 95.0, 34.0)),
        ];
        words.extend(
            cell.iter()
                .map(|&(text, y0)| (text, BBox::new(110.0, y0, 130.0, y0 + 8.0))),
        );
        ruled_page(&[(0.0, 100.0), (140.0, 180.0)], &words, 0.4)
    }

    #[test]
    fn numbers_of_two_rows_in_one_value_cell_are_split_at_the_labels_row_line() {
        let (t, _, r) = lost_value_ruling(&[("1961", 6.0), ("135", 26.0)]);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "value_rows_split");
        assert_eq!(r[0].cells.len(), 2);
        let t = &t[0];
        assert_eq!(t.cell_at(0, 1).text(), "1961");
        assert_eq!(t.cell_at(1, 1).text(), "135");
        assert_eq!(t.cell_at(1, 2).text(), "9");
    }

    #[test]
    fn a_header_cell_reaching_down_over_a_rows_number_is_split_header_over_values() {
        // fires: the leaf word above the labels' row line, the row's number below it
        let (t, _, r) = lost_value_ruling(&[("科研机构", 6.0), ("12", 26.0)]);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "header_over_values");
        assert_eq!(t[0].cell_at(0, 1).text(), "科研机构");
        assert_eq!(t[0].cell_at(1, 1).text(), "12");
        // must not: text below the line (a label's or header's second line)
        let (_, _, r) = lost_value_ruling(&[("科研", 6.0), ("机构", 26.0)]);
        assert!(r.is_empty(), "{r:?}");
        let (_, _, r) = lost_value_ruling(&[("12", 6.0), ("机构", 26.0)]);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn a_value_cell_is_not_split_without_numbers_on_both_sides_or_with_one_across() {
        // one number across the row line
        let (t, _, r) = lost_value_ruling(&[("1961", 16.0)]);
        assert!(r.is_empty(), "{r:?}");
        assert_eq!(t[0].cell_at(0, 1).r1, 2);
        // both numbers above the line
        let (_, _, r) = lost_value_ruling(&[("19", 2.0), ("61", 10.0)]);
        assert!(r.is_empty(), "{r:?}");
        // text, not numbers
        let (_, _, r) = lost_value_ruling(&[("商业", 6.0), ("企业", 26.0)]);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn a_tall_label_or_a_line_across_the_row_line_is_not_split() {
        // a group label whose halves name no row
        let (t, _, r) = lost_label_ruling(&[("三、本年度", 6.0), ("办理结果", 26.0)]);
        assert!(r.is_empty(), "{r:?}");
        assert_eq!(t[0].cell_at(0, 0).r1, 2);
        // a line of text across the row boundary
        let (_, _, r) = lost_label_ruling(&[
            ("一、本年新收政府信息公开申请数量", 6.0),
            ("二、上年结转政府信息公开申请数量", 16.0),
        ]);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn a_label_line_whose_box_reaches_past_the_row_line_lies_on_its_side() {
        use crate::model::BBox;
        // the recogniser's boxes of the upper label, 6pt of print, reach 2.5pt past the line
        let words = |upper_y1: f32| {
            vec![
                ("(一)予以公开", BBox::new(5.0, 4.0, 60.0, upper_y1)),
                ("(二)部分公开", BBox::new(5.0, 26.0, 60.0, 34.0)),
                ("5", BBox::new(115.0, 6.0, 120.0, 14.0)),
                ("3", BBox::new(115.0, 26.0, 120.0, 34.0)),
            ]
        };
        let (t, _, r) = ruled_page(&[(100.0, 180.0)], &words(22.5), 0.9);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(t[0].cell_at(0, 0).text(), "(一)予以公开");
        assert_eq!(t[0].cell_at(1, 0).text(), "(二)部分公开");
        // a box with its middle on the line is a word printed across it: no split
        let (_, _, r) = ruled_page(&[(100.0, 180.0)], &words(36.0), 0.9);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn split_must_not_fire() {
        // labels with spaces, a year inside text, one word, a heading
        let (_, _, r) = grid("自然 人\t商业企业\n1. 属于国家秘密\t0\n2023 年\t3\n(4 B\t0\n");
        assert!(r.is_empty(), "{r:?}");
        // a sentence ending in a number is no label with its value
        let (_, _, r) = grid("地址：淮安市洪泽区洪泽湖大道 90\t\n");
        assert!(r.is_empty(), "{r:?}");
        // text layer: never
        let pages = plaintext::pages("行政处罚 0\t\n");
        let mut pages = pages;
        for w in &mut pages[0].words {
            w.confidence = 1.0;
        }
        let mut tables: Vec<Table> = pages
            .iter()
            .flat_map(|p| find_tables(p, &Tolerances::default()))
            .collect();
        assert!(repair_tables(&mut tables, &pages).is_empty());
    }

    #[test]
    fn split_label_is_joined() {
        let (t, _, r) = grid("二、\t上年结转政府信息\t急公开申请数量\t0\t0\n");
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "label_join");
        assert_eq!(r[0].cells.len(), 2);
        let ids = row_cell_ids(&t[0], 0);
        assert_eq!(
            t[0].cells[ids[0]].text(),
            "二、上年结转政府信息急公开申请数量"
        );
    }

    #[test]
    fn join_must_not_fire() {
        // the last label matches on its own: group cells to its left stay
        let (_, _, r) = grid("(四)无法提供\t1. 本机关不掌握相关政府信息\t3\t3\n");
        assert!(r.is_empty());
        // nothing joined matches a template row
        let (_, _, r) = grid("甲\t乙\t丙\t3\t3\n");
        assert!(r.is_empty());
        // a cell that names a row alone, and a garbled value after it: no join
        let (_, _, r) = grid("(五)不予处理\t2.重复申请\t中\t0\t25\n");
        assert!(r.iter().all(|x| x.reason != "label_join"), "{r:?}");
        // a value cell before a garbled one is not label text
        let (_, _, r) = grid("(三)不予公开\t1.属于国家秘密\t3\tveAN\t0\t0\t0\t0\t3\n");
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn split_number_is_joined() {
        // 本年新收 12 0 0 0 0 1 13 with 12 cut into 1 | 2
        let (t, _, r) = grid(
            "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n一、本年新收政府信息公开申请数量\t1\t2\t0\t0\t0\t0\t1\t13\n",
        );
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].reason, "split_number");
        let tail: Vec<String> = last_row_tail(&t[0], 1, 7)
            .iter()
            .map(|x| values::fold(x))
            .collect();
        assert_eq!(tail, vec!["12", "0", "0", "0", "0", "1", "13"]);
    }

    #[test]
    fn stray_cell_is_dropped() {
        // 2 0 0 0 0 1 3 with a stray 7 between the numbers: only dropping it makes the total right
        let (t, _, r) = grid("（一）予以公开\t2\t0\t7\t0\t0\t0\t1\t3\n");
        assert_eq!(r.len(), 1, "{r:?}");
        let tail: Vec<String> = last_row_tail(&t[0], 0, 7)
            .iter()
            .map(|x| values::fold(x))
            .collect();
        assert_eq!(tail, vec!["2", "0", "0", "0", "0", "1", "3"]);
    }

    #[test]
    fn split_number_must_not_fire() {
        // no way makes the total right (a report's own mistake, or more damage): unchanged
        let (_, _, r) = grid("一、本年新收政府信息公开申请数量\t1\t2\t0\t0\t0\t0\t1\t99\n");
        assert!(r.is_empty(), "{r:?}");
        // eight numbers that ways with different numbers explain (drop a 1 of the first two:
        // 1 0 0 0 0 1 2; drop the second-last 1: 1 1 0 0 0 0 2): ambiguous
        let (_, _, r) = grid("一、本年新收政府信息公开申请数量\t1\t1\t0\t0\t0\t0\t1\t2\n");
        assert!(r.is_empty(), "{r:?}");
        // not a template row
        let (_, _, r) = grid("甲乙丙\t1\t2\t0\t0\t0\t0\t1\t13\n");
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn numeric_words() {
        for w in ["0", "12", "—", "O", "l2", "1O", "[1328", "62]"] {
            assert!(numeric_word(w), "{w}");
        }
        for w in ["B", "年", "(4", "S", "总计", "", "[", "1[2"] {
            assert!(!numeric_word(w), "{w}");
        }
    }
}

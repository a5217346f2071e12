//! Template mapping: reconstructed tables -> the national template's cells.
//!
//! Works row by row over every table of the document in reading order, so a table split over
//! pages (with or without a repeated header) needs no special joining.  A row is recognised by
//! its own label (the rightmost text cell), matched against the template's row labels by
//! character similarity after folding numbering and bracket variants; its value cells are the
//! cells right of that label, assigned to template columns through the header rows above them
//! (by x-overlap, so a continuation page without a header reuses the last header's columns),
//! or by position when no header was seen (a cell below no header column takes the one
//! column between its neighbours' that the header left without a range: 总计 garbled).  Rows whose label OCR garbled are placed afterwards
//! by the template's fixed row order where they exactly fill a gap between recognised rows
//! (see [`order`]).

use crate::flag::Flag;
use crate::model::BBox;
use crate::schema::{Over, Row, Schema, TableDef};
use crate::table::{Cell, Table};
use crate::values::{self, Parsed};
use std::borrow::Cow;

mod active_order;
mod appeals;
mod order;
pub mod stream_rows;

/// One template cell as the pipeline reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedCell {
    pub table: String,
    pub row: String,
    pub col: String,
    /// The number (as printed, normalised); None when unknown.
    pub value: Option<String>,
    /// The text as read.
    pub raw: String,
    pub row_label: String,
    pub col_label: String,
    pub page: Option<u32>,
    pub bbox: Option<BBox>,
    pub method: Method,
    pub confidence: f32,
    /// How sure the producer is of the words read (the lowest word confidence; 1.0 for the
    /// text layer), apart from layout doubts such as stream tables.  The repair stage's doubt.
    pub word_confidence: f32,
    /// Other readings of the cell's text (from the producer's alternatives), best first.
    pub alternatives: Vec<String>,
    pub flags: Vec<Flag>,
}

impl MappedCell {
    pub fn flag(&mut self, f: Flag) {
        if !self.flags.contains(&f) {
            self.flags.push(f);
        }
    }
    pub fn number(&self) -> Option<f64> {
        self.value.as_deref().and_then(|v| v.parse().ok())
    }
    pub fn id(&self) -> CellId {
        CellId::new(&self.table, &self.row, &self.col)
    }
}

/// The template as filled from one document.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Every template cell, in template order (active, requests, appeals).
    pub cells: Vec<MappedCell>,
    /// How many cells were read from the document (not derived, not missing).
    pub read: usize,
    /// Which of the three tables were found at all.
    pub found: [bool; 3],
    /// The format of each table (active, requests, appeals); empty means the default's.
    pub formats: Vec<String>,
    /// The report's format (reports.csv `format`); empty means the default's.
    pub format: String,
    /// What the report's `error` should say about the formats (a table in another format, a
    /// header that names no template column).
    pub notes: Vec<String>,
    /// Header cells the format's aliases recognised, per table (for choosing the format).
    pub header_hits: [usize; 3],
}

/// How a template cell's value was obtained (cells.csv `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read from a ruled table (or a text dump's synthetic one).
    Lattice,
    /// Read from a table rebuilt by text alignment (no rulings).
    Stream,
    /// Read from a table in markup (HTML, DOCX): the producer's own grid.
    Markup,
    /// Not printed: follows from what is (a group printed as one row of zeros).
    Derived,
    /// Not read: the value the template's arithmetic determines (repair stage).
    Inferred,
    /// Not found.
    Missing,
}

impl Method {
    /// The method of a cell read from a table built by `table::find_tables` (`Table::method`).
    pub fn of_table(method: &str) -> Method {
        Method::parse(method)
    }
    /// The method as cells.csv spells it (`as_str`); an unknown spelling is `Lattice`.
    pub fn parse(s: &str) -> Method {
        match s {
            "stream" => Method::Stream,
            "markup" => Method::Markup,
            "derived" => Method::Derived,
            "inferred" => Method::Inferred,
            "missing" => Method::Missing,
            _ => Method::Lattice,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Lattice => "lattice",
            Method::Stream => "stream",
            Method::Markup => "markup",
            Method::Derived => "derived",
            Method::Inferred => "inferred",
            Method::Missing => "missing",
        }
    }
    /// Read from the document (not derived, inferred or missing).
    pub fn is_read(self) -> bool {
        matches!(self, Method::Lattice | Method::Stream | Method::Markup)
    }
    /// What counts as read for `Mapping::read`: read from the document, or inferred from the
    /// checks (not missing, not derived from a collapsed group).
    pub fn counts_as_read(self) -> bool {
        self.is_read() || self == Method::Inferred
    }
}

/// A template cell's address: table, row and column keys of its format's schema file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellId {
    pub table: String,
    pub row: String,
    pub col: String,
}

impl CellId {
    pub fn new(table: &str, row: &str, col: &str) -> CellId {
        CellId {
            table: table.into(),
            row: row.into(),
            col: col.into(),
        }
    }
}

impl Mapping {
    /// The template of each table, in order (the default format's when none was chosen).
    pub fn defs(&self) -> Vec<&'static TableDef> {
        let default = crate::schema::schema();
        (0..3)
            .map(|ti| {
                self.formats
                    .get(ti)
                    .and_then(|f| crate::schema::by_format(f))
                    .unwrap_or(default)
                    .tables()[ti]
            })
            .collect()
    }
    /// The template of a table by its key.
    pub fn def(&self, table: &str) -> Option<&'static TableDef> {
        self.defs().into_iter().find(|d| d.key == table)
    }
    /// The report's format.
    pub fn format(&self) -> &str {
        if self.format.is_empty() {
            crate::schema::FORMAT
        } else {
            &self.format
        }
    }
    pub fn get(&self, table: &str, row: &str, col: &str) -> Option<&MappedCell> {
        self.cells
            .iter()
            .find(|c| c.table == table && c.row == row && c.col == col)
    }
    pub fn get_mut(&mut self, table: &str, row: &str, col: &str) -> Option<&mut MappedCell> {
        self.cells
            .iter_mut()
            .find(|c| c.table == table && c.row == row && c.col == col)
    }
    /// Whether the document holds the template at all: two of its tables, or enough cells, or
    /// the active table alone recognised by its row labels (a photo or screenshot of that one
    /// table, without the report's headings): cells read in at least `ACTIVE_ROWS_ALONE` of its
    /// six rows (规章, 行政规范性文件, 行政许可, 行政处罚, 行政强制, 行政事业性收费), a
    /// combination no other table has; or in `ACTIVE_ROWS_UNDER_HEADER` of them under at least
    /// `ACTIVE_HEADER_ALONE` header cells that name its columns (本年制发件数, 本年废止件数,
    /// 现行有效件数, 本年处理决定数量: no other table's header holds them), when the rows below
    /// lost their values into one merged cell.  The appeals table alone (an image of that one
    /// table) counts when at least `APPEALS_READ_ALONE` of its 15 cells were read under at
    /// least `APPEALS_HEADER_ALONE` columns its header names, or leaf cells its leaf row
    /// holds legibly (a review or lawsuit group over 维持/纠正/其他/尚未审结/总计 leaves: no other
    /// table's header has them).
    pub fn is_template(&self) -> bool {
        const ACTIVE_ROWS_ALONE: usize = 4;
        const ACTIVE_ROWS_UNDER_HEADER: usize = 2;
        const ACTIVE_HEADER_ALONE: usize = 3;
        const APPEALS_READ_ALONE: usize = 10;
        const APPEALS_HEADER_ALONE: usize = 5;
        // a table's cells read from the document's pages
        let read_in = |table: &'static str| {
            self.cells
                .iter()
                .filter(move |c| c.table == table && c.page.is_some() && c.method.counts_as_read())
        };
        let mut active_rows: Vec<&str> = read_in("active").map(|c| c.row.as_str()).collect();
        active_rows.dedup();
        let appeals_read = read_in("appeals").count();
        self.found.iter().filter(|&&f| f).count() >= 2
            || self.read >= 20
            || active_rows.len() >= ACTIVE_ROWS_ALONE
            || (active_rows.len() >= ACTIVE_ROWS_UNDER_HEADER
                && self.header_hits[0] >= ACTIVE_HEADER_ALONE)
            || (appeals_read >= APPEALS_READ_ALONE && self.header_hits[2] >= APPEALS_HEADER_ALONE)
    }
}

/// Normalise a label for matching: full-width to ASCII, no white space, numbering variants
/// (1、 1． 1.) and bracket variants folded, quotes unified.
pub fn norm_label(s: &str) -> String {
    values::fold(s)
        .chars()
        .filter_map(|c| match c {
            '、' | '．' | '。' => Some('.'),
            '“' | '”' | '"' | '\'' | '‘' | '’' | '「' | '」' => None,
            '〔' | '【' | '[' => Some('('),
            '〕' | '】' | ']' => Some(')'),
            ':' | '：' | ';' | '；' | ',' | '，' => None,
            // a ruling's remnant OCR read beside a label (||工品于国家秘密): no template label
            // holds a bar
            '|' | '｜' => None,
            _ => Some(c),
        })
        .collect()
}

/// Dice coefficient over the longest common subsequence of characters: 1.0 for equal strings,
/// tolerant of dropped, doubled and substituted characters (typos, OCR).
pub fn similarity(a: &str, b: &str) -> f32 {
    let (n, m) = (a.chars().count(), b.chars().count());
    if n == 0 || m == 0 {
        return 0.0;
    }
    2.0 * lcs_len(a, b) as f32 / (n + m) as f32
}

/// The length of the longest common subsequence of two strings' characters.
pub(crate) fn lcs_len(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for ca in a.chars() {
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = if ca == cb {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The column a header cell names, by the table's header aliases in its schema file (two
/// legible characters name a requests column: 科研机鬼 is 科研机构, no other header holds 科研).
fn header_col_key<'s>(def: &'s TableDef, text: &str) -> Option<&'s str> {
    def.header_col(&norm_label(text))
}

/// The appeals group of a column from its header path.
fn appeals_col_group(path: &str) -> Option<&'static str> {
    let t = norm_label(path);
    if t.contains("复议后起诉") {
        Some("litigation_after_review")
    } else if t.contains("未经复议") || t.contains("直接起诉") {
        Some("litigation_direct")
    } else if t.contains("行政复议") {
        Some("review")
    } else {
        None
    }
}

/// Similarity of a header cell to one of the format's column labels above which it counts as
/// that column misread (本年废比件数 for 本年废止件数), not as another column.
const HEADER_LABEL_MIN: f32 = 0.8;

/// Confidence at or above which a header cell's reading is sure enough to be another wording
/// of the columns (a text dump's words have 0.8, a text layer's 1.0): an OCR reading below it
/// that no format recognises is the format's own header garbled (六年三估任数 for 本年制发件数),
/// and the rows under it are read, by position where needed.
const SURE_HEADER_CONFIDENCE: f32 = 0.8;

/// Whether an active header row's column cells (`cols`, the label column's cell left out) name
/// columns the format does not have: a cell another format's aliases recognise and this one's
/// do not (2019's 上一年项目数量 under 2021), or, with two columns or more read `sure`ly
/// ([`SURE_HEADER_CONFIDENCE`]), no cell recognised by any format nor like any of this
/// format's column labels (本年印发数量 | 累计数量).  A header
/// OCR garbled (本年处理雇定数量, 本年制发件数 | 本年废比件数) names no other column: its rows
/// are still read, by position where needed.
fn names_no_column(def: &TableDef, cols: &[&String], format: &str, sure: bool) -> bool {
    let others = || {
        crate::schema::schemas()
            .iter()
            .filter(move |s| s.format != format)
    };
    let own = |s: &str| def.header_col(&norm_label(s)).is_some();
    let other_format = cols
        .iter()
        .any(|s| !own(s) && others().any(|o| o.active.header_col(&norm_label(s)).is_some()));
    let like_own = |s: &str| {
        def.cells()
            .any(|(_, c)| similarity(&norm_label(s), &norm_label(&c.1)) >= HEADER_LABEL_MIN)
    };
    let unknown = sure
        && cols.len() >= 2
        && cols.iter().all(|s| {
            !values::is_value_like(s)
                && !own(s)
                && !like_own(s)
                && others().all(|o| o.active.header_col(&norm_label(s)).is_none())
        });
    other_format || unknown
}

/// Marks a header-map key taken from the column's position, not read from its header: cells
/// under it are flagged `column_by_position` like any cell placed by position.
const BY_POSITION: char = '~';

/// The leaves of every appeals group, in the template's (and every report's) order.
const APPEALS_LEAVES: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// Columns whose leaf header OCR garbled take their leaf from their position in the group, when
/// the group spans exactly `APPEALS_LEAVES.len()` grid columns and every legible leaf of it
/// stands at its own position (a grid that split or merged a column of the group, or a
/// report printing the leaves in another order, gets nothing).
fn fill_appeals_leaves_by_position(
    t: &Table,
    map: &mut Vec<(f32, f32, String)>,
    unknown: &[(usize, &'static str)],
) {
    for group in ["review", "litigation_direct", "litigation_after_review"] {
        let known: Vec<(usize, &str)> = (0..t.n_cols())
            .filter_map(|c| {
                map.iter()
                    .find(|m| m.0 == t.xs[c])
                    .and_then(|m| m.2.strip_prefix(group).and_then(|l| l.strip_prefix('_')))
                    .map(|l| (c, l))
            })
            .collect();
        let garbled: Vec<usize> = unknown
            .iter()
            .filter(|u| u.1 == group)
            .map(|u| u.0)
            .collect();
        let mut cols: Vec<usize> = known
            .iter()
            .map(|k| k.0)
            .chain(garbled.iter().copied())
            .collect();
        cols.sort();
        if garbled.is_empty()
            || cols.len() != APPEALS_LEAVES.len()
            || cols.windows(2).any(|w| w[1] != w[0] + 1)
        {
            continue;
        }
        let in_place = known
            .iter()
            .all(|&(c, leaf)| APPEALS_LEAVES.get(c - cols[0]) == Some(&leaf));
        if in_place {
            for c in garbled {
                map.push((
                    t.xs[c],
                    t.xs[c + 1],
                    format!("{BY_POSITION}{group}_{}", APPEALS_LEAVES[c - cols[0]]),
                ));
            }
        }
    }
}

/// Appeals column from its header path (group headers joined above the leaf).
fn appeals_col_key(path: &str) -> Option<String> {
    let t = norm_label(path);
    let group = appeals_col_group(path)?;
    // the leaf is the last header text; look at the tail so group words do not interfere
    let tail: String = t
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // (one legible character of a garbled leaf is enough: 纠 and 计 occur in no other leaf;
    // of several, the first in the template's order)
    let leaf = APPEALS_LEAVES[appeals::leaf_hits(&tail).next()?];
    Some(format!("{group}_{leaf}"))
}

/// A column of a header: x-range and template column key.
#[derive(Debug, Clone)]
struct ColMap(Vec<(f32, f32, String)>);

impl ColMap {
    /// The key whose x-range overlaps the box most (at least 30% of the narrower width).
    fn key_for(&self, b: &BBox) -> Option<&str> {
        let mut best: Option<(&str, f32)> = None;
        for (x0, x1, k) in &self.0 {
            let ov = (x1.min(b.x1) - x0.max(b.x0)).max(0.0);
            let frac = ov / (x1 - x0).min(b.width()).max(0.1);
            if frac >= 0.3 && best.is_none_or(|(_, f)| frac > f) {
                best = Some((k.as_str(), frac));
            }
        }
        best.map(|(k, _)| k)
    }
    fn distinct_keys(&self) -> usize {
        let mut k: Vec<&str> = self.0.iter().map(|c| c.2.as_str()).collect();
        k.sort();
        k.dedup();
        k.len()
    }
}

/// A row of a table as distinct cells, left to right.
pub(crate) fn row_cells(t: &Table, r: usize) -> Vec<&Cell> {
    let mut out: Vec<&Cell> = Vec::new();
    for c in 0..t.n_cols() {
        let cell = t.cell_at(r, c);
        if !out.iter().any(|x| std::ptr::eq(*x, cell)) {
            out.push(cell);
        }
    }
    out
}

/// The value cells of a row (the longest run of value-like cells at its right end) and the
/// label cells left of them.
fn split_row<'a>(cells: &[&'a Cell]) -> (Vec<&'a Cell>, Vec<&'a Cell>) {
    let value = |c: &Cell| values::value_like(&c.text(), c.confidence);
    let cells = &cells[..cells.len() - spanning_tail(cells)];
    let mut k = cells.len();
    while k > 0 {
        if value(cells[k - 1]) {
            k -= 1;
            continue;
        }
        // a stray glyph among values (a value OCR read as one CJK glyph or left unread) stays
        // in the run when a value stands left of it: it is no label (labels stand left of the
        // values)
        let mut j = k;
        while j > 0 && !value(cells[j - 1]) && stray_glyph(cells[j - 1]) {
            j -= 1;
        }
        // (after the values only the reader's unread mark, or one glyph after a requests
        // row's run of values: after an active row's one to three a glyph may be a seal's or
        // the margin's, and several glyphs are no one value)
        let unread = |c: &Cell| c.confidence == 0.0 && c.text().trim() == crate::ocr::ink::UNREAD;
        let run = cells[..j].iter().rev().take_while(|c| value(c)).count();
        if j < k
            && j > 0
            && value(cells[j - 1])
            && (k < cells.len()
                || (run >= END_GLYPH_VALUES && k - j == 1)
                || cells[j..k].iter().all(|c| unread(c)))
        {
            k = j;
            continue;
        }
        // the row's last cell, a number with a speck at its edge (`0。`) right of a value:
        // labels stand left of the values, so it is one of them
        if k == cells.len()
            && k >= 2
            && value(cells[k - 2])
            && cells[k - 1].confidence < 1.0
            && values::cleaned_number(&cells[k - 1].text(), false).is_some()
        {
            k -= 1;
            continue;
        }
        break;
    }
    (cells[..k].to_vec(), cells[k..].to_vec())
}

/// Grid rows a cell must span to be no cell of any one row at a row's right end.
const SPANNING_ROWS: usize = 3;

/// How many cells at a row's right end are no part of it: cells over [`SPANNING_ROWS`] grid
/// rows or more whose text is no value (a seal's strokes or the page margin boxed in by a
/// ruling beyond the table, read as 240到 beside every row).  A template row's values stand
/// one per row and its label left of them, so such a cell is neither; taken as the row's
/// label it hid every row it spans.  A value-like cell over several rows (a merged blank, a
/// number whose rulings were lost) stays: the value rules judge it.
fn spanning_tail(cells: &[&Cell]) -> usize {
    cells
        .iter()
        .rev()
        .take_while(|c| {
            c.r1 - c.r0 >= SPANNING_ROWS && !values::value_like(&c.text(), c.confidence)
        })
        .count()
}

/// Values left of a stray glyph at a row's end for [`split_row`] to take the glyph for one
/// more (a requests row's seven columns; the active table's rows have one to three).
const END_GLYPH_VALUES: usize = 5;

/// A cell OCR read as a single glyph that is no value: a value misread as one CJK glyph (用
/// for a slash) or left unread.  No template label is one glyph long.
fn stray_glyph(c: &Cell) -> bool {
    c.confidence < 1.0 && c.text().trim().chars().count() == 1
}

/// Value cells a split printed row shares, at least (a requests row has seven).
const SPLIT_ROW_VALUES: usize = 3;

/// One printed row cut in several grid rows by false rulings through its label (text strokes,
/// a wrapped label's line gaps): grid rows `r + 1`, `r + 2` … continue row `r` while every
/// value cell of row `r` (at least [`SPLIT_ROW_VALUES`]) reaches down over them and holds one
/// line of print, each has exactly those value cells, and its label cell is another cell whose
/// text and row `r`'s are not both a template row's label on their own (two labels that each
/// match are two printed rows whose values' ruling was lost).  Returns the continuations'
/// label text, to be read after row `r`'s, and the first grid row past the printed row; the
/// caller skips the rows between.
fn split_printed_row(
    t: &Table,
    r: usize,
    labels: &[&Cell],
    vals: &[&Cell],
    def: &TableDef,
) -> Option<(String, usize)> {
    let (blank_label, vals) = vals.split_at(blank_label_part(r, vals));
    if vals.len() < SPLIT_ROW_VALUES || !vals.iter().all(|v| v.r0 <= r && v.lines.len() <= 1) {
        return None;
    }
    // the grid rows every value cell covers
    let end = vals.iter().map(|v| v.r1).min()?.min(t.n_rows());
    let first = blank_label.last().or(labels.last())?;
    let matches = |c: &Cell| best_row(def, &c.text()).is_some_and(|(_, s)| s >= REQUESTS_LABEL_MIN);
    let mut prev = *first;
    let mut more = String::new();
    let mut next = r + 1;
    while next < end {
        let cells = row_cells(t, next);
        let (labels2, vals2) = split_row(&cells);
        if vals2.len() != vals.len() || !vals.iter().zip(&vals2).all(|(a, b)| std::ptr::eq(*a, *b))
        {
            break;
        }
        let Some(l2) = labels2.last() else { break };
        if std::ptr::eq(prev, *l2) || (matches(first) && matches(l2)) {
            break;
        }
        more.push_str(&l2.text());
        prev = *l2;
        next += 1;
    }
    (next > r + 1).then_some((more, next))
}

/// Rule `blank_label_part`: how many of a grid row's value cells (`vals`, as [`split_row`]
/// took them) are the blank upper part of a label cut by a false ruling, not values: blank
/// cells of grid row `r` alone at the run's left end, the cells right of them reaching down
/// past the row.  A blank is value-like (a zero printed as nothing), so the empty upper part
/// of a label that a false ruling cut (its text all in the lower part) joined the values,
/// and the printed row, its values over both grid rows, seemed to have one more value cell
/// in its first grid row than in the next: it was read as two rows, one too many for the
/// template's order to place the run.  Zero when no cell right of them reaches past row `r`
/// (the row's own values: a blank printed there is a value).
fn blank_label_part(r: usize, vals: &[&Cell]) -> usize {
    let k = vals
        .iter()
        .take_while(|c| c.r0 == r && c.r1 == r + 1 && c.text().trim().is_empty())
        .count();
    let rest = &vals[k..];
    if k > 0 && rest.len() >= SPLIT_ROW_VALUES && rest.iter().all(|c| c.r1 > r + 1) {
        k
    } else {
        0
    }
}

/// Grid rows a label cell spans for [`shared_label_part`].
const SHARED_LABEL_ROWS: usize = 2;

/// Rule `shared_label`: a label cell over two grid rows whose value cells are each one row's
/// and hold numbers in both rows is two printed rows whose row line was lost over the label
/// column only (the values are ruled apart: （一）予以公开 and （二）部分公开… in one cell over
/// 646 … and 241 …).  Taken whole, the longer label named the same template row for both, and
/// the upper row's values went to the lower's row.  Each grid row takes its part of the
/// cell's lines instead: the cut between lines whose two parts name template rows best (their
/// best similarities summed), the upper part for the upper row; a garbled part is then placed
/// by the template's order.  None for any other cell (one line, a single row, a row without
/// numbers: a false ruling through one printed row leaves one side blank).
fn shared_label_part(t: &Table, r: usize, label: &Cell, def: &TableDef) -> Option<String> {
    if label.r1 - label.r0 != SHARED_LABEL_ROWS || label.lines.len() < 2 {
        return None;
    }
    for rr in label.r0..label.r1 {
        let cells = row_cells(t, rr);
        let (labels, vals) = split_row(&cells);
        if !labels.last().is_some_and(|l| std::ptr::eq(*l, label))
            || vals.len() < SPLIT_ROW_VALUES
            || !vals.iter().all(|c| c.r0 == rr && c.r1 == rr + 1)
            || !has_numbers(&vals)
        {
            return None;
        }
    }
    let sim = |s: &str| best_row(def, s).map_or(0.0, |(_, x)| x);
    let lines = &label.lines;
    let (cut, _) = (1..lines.len())
        .map(|p| (p, sim(&lines[..p].concat()) + sim(&lines[p..].concat())))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some(if r == label.r0 {
        lines[..cut].concat()
    } else {
        lines[cut..].concat()
    })
}

struct Candidate<'a> {
    value_cells: Vec<&'a Cell>,
    label: String,
    page: u32,
    method: Method,
}

/// Best template row for a label, with its similarity.  Rule `numbering_names_no_row`: a label
/// without an ideograph (`3.`, `(2)`, a value read with a stray mark that `split_row` took for
/// the label) names no row: the template's labels differ in their words, and their numbering
/// repeats in every group (`3.` like `3.其他` at 0.67 placed the 危及“三安全一稳定” row's
/// values, its first value read `3.`, under 其他).
fn best_row<'s>(def: &'s TableDef, label: &str) -> Option<(&'s Row, f32)> {
    let l = norm_label(label);
    if !l.chars().any(crate::produce::pdf::is_cjk) {
        return None;
    }
    def.rows
        .iter()
        .map(|r| (r, similarity(&l, &norm_label(&r.label))))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The active row a label names: one whose label it holds, else the one row it is like (0.8
/// similarity or [`one_glyph_off`]).  Rule `active_label_tie`: a garbled label as like two rows
/// (行政处可: 行政许可 and 行政处罚 each one glyph off) names neither; the block's order
/// ([`active_order`]) may still place it, in doubt.
fn active_row<'s>(def: &'s TableDef, label: &str) -> Option<&'s Row> {
    let l = norm_label(label);
    if l.chars().count() > 14 {
        return None;
    }
    let held = def.rows.iter().find(|r| {
        let rl = norm_label(&r.label);
        // 规章, not 行政规范性文件
        l.contains(&rl) && (r.key != "regulations" || !l.contains("规范性"))
    });
    if held.is_some() {
        return held;
    }
    let mut alike = def.rows.iter().filter(|r| {
        let rl = norm_label(&r.label);
        r.key != "regulations" && (similarity(&l, &rl) >= 0.8 || one_glyph_off(&l, &rl))
    });
    match (alike.next(), alike.next()) {
        (Some(r), None) => Some(r),
        _ => None,
    }
}

/// Same length (4+ characters), one character different, in the same place: an OCR misread of
/// a short label (行政处训 for 行政处罚), which the 0.8 similarity bar misses at 4 characters.
/// The active rows' labels differ from each other in two characters or more.
fn one_glyph_off(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.len() >= 4 && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

/// Labels of groups in the requests table (e.g. （六）其他处理) that a report may print as one row.
fn collapsed_group<'s>(def: &'s TableDef, label: &str) -> Option<&'s str> {
    let l = norm_label(label);
    def.rows
        .iter()
        .filter_map(|r| r.group.as_deref())
        .find(|g| g.starts_with('（') && similarity(&l, &norm_label(g)) >= 0.8)
}

#[derive(Default)]
struct State {
    req_cols: Option<ColMap>,
    active_cols: Option<ColMap>,
    appeals_cols: Option<ColMap>,
    /// The last active header row, when it named none of the format's columns.
    active_unknown: Option<String>,
    /// Header cells the format's aliases recognised, per table (active, requests, appeals);
    /// for the appeals table also the legible leaf cells of a leaf row that named fewer than
    /// ten columns.
    header_hits: [usize; 3],
    /// Active headers that named none of the format's columns, with the rows they left unread.
    unmatched: Vec<String>,
    /// `req_cols` came from the table's rows ([`columns_from_rows`]), not from a header: the
    /// columns stand in template order by assumption, and the cells placed by them say so.
    req_cols_from_rows: bool,
    /// Columns of `req_cols` that the header's order named, not its words
    /// ([`leaves_by_order`]), with the table whose header row named them: the cells placed
    /// under them say so.
    req_cols_by_order: Option<(*const Table, Vec<String>)>,
    /// The active rows under the latest active header ([`active_order`]).
    active_block: Option<active_order::ActiveBlock>,
    /// Template indices of the active rows placed so far.
    active_placed: Vec<usize>,
}

impl State {
    /// An active row was placed (by its label or by order).
    fn active_row_placed(&mut self, index: usize) {
        if !self.active_placed.contains(&index) {
            self.active_placed.push(index);
        }
    }
}

/// One requests-table row in reading order, for the sequence pass: a row matched by its
/// label (the template index), a row with numbers whose label matched nothing, or anything
/// that breaks a sequence (an active or appeals row, a group printed as one row).
enum Seq<'a> {
    /// A row matched by its label: its template row's index, the cells it placed (indices
    /// into the mapping's cells), and the row as an open one, should its match be undone
    /// (`order::anchors_in_order`; None for a row the template's labels located in order).
    Anchor(usize, std::ops::Range<usize>, Option<Open<'a>>),
    /// A matched row out of the template's order (rule `anchors_in_order`): transparent.
    Dropped(usize),
    /// The requests table's column header: before any matched row it stands for the table's
    /// start (the first rows' labels often sit under a merged note cell); later (a continuation
    /// page repeating it) it is transparent.
    Header,
    Open(Open<'a>),
    Break,
}

/// A requests row with numbers whose label matched no template row.
struct Open<'a> {
    cand: Candidate<'a>,
    /// All of the row's label cells' text, for numbering ("5." "（六）") that is still legible.
    label_text: String,
    /// The physical label cell (a grid that splits one printed row in two repeats it).
    label_cell: Option<*const Cell>,
    /// A printed row by its rulings ([`grid_row`]): a row of its own even where it shares its
    /// label cell with the row before (a row line lost over the label column only).
    full_row: bool,
}

/// Minimum similarity for a requests row's label to name its template row.
const REQUESTS_LABEL_MIN: f32 = 0.6;

/// Rows that must agree on where the requests columns stand for [`columns_from_rows`].
const COLUMN_ROWS_AGREE: usize = 2;

/// The requests table's columns where no header was read (a garbled or multi-line header, a
/// header lost above a continued page): every requests row prints one value per template
/// column, so a table where at least [`COLUMN_ROWS_AGREE`] rows matched by their labels each
/// hold exactly that many value cells, in the same grid columns, has its columns there, in
/// template order.  Rows whose value cells OCR garbled (a mark read as a glyph, so the run of
/// values breaks) are then split by these columns as under a read header.  None when rows
/// disagree or too few rows agree.
fn columns_from_rows(t: &Table, def: &TableDef) -> Option<ColMap> {
    let n = def.rows.first()?.cols.len();
    let mut seen: Vec<(Vec<(usize, usize)>, usize)> = Vec::new();
    for r in 0..t.n_rows() {
        let cells = row_cells(t, r);
        let (labels, vals) = split_row(&cells);
        let Some(label) = labels.last() else {
            continue;
        };
        if vals.len() != n
            || !best_row(def, &label.text()).is_some_and(|(_, s)| s >= REQUESTS_LABEL_MIN)
        {
            continue;
        }
        let spans: Vec<(usize, usize)> = vals.iter().map(|c| (c.c0, c.c1)).collect();
        match seen.iter_mut().find(|(sp, _)| *sp == spans) {
            Some(e) => e.1 += 1,
            None => seen.push((spans, 1)),
        }
    }
    seen.sort_by_key(|e| std::cmp::Reverse(e.1));
    let (spans, count) = seen.first()?;
    if *count < COLUMN_ROWS_AGREE || seen.get(1).is_some_and(|e| e.1 == *count) {
        return None;
    }
    let cols = &def.rows[0].cols;
    Some(ColMap(
        spans
            .iter()
            .zip(cols)
            .map(|(&(c0, c1), (k, _))| (t.xs[c0], t.xs[c1], k.clone()))
            .collect(),
    ))
}

/// Rule `value_columns_by_width`: how far (in the value columns' width) a column line may
/// stand from where seven alike columns put it.
const COLUMN_SNAP: f32 = 0.2;
/// The label columns left of the value columns are together at least this many value
/// columns wide.
const LABEL_COLUMNS_WIDER: f32 = 1.5;
/// Column lines inside the seven columns passed over as false ones, at most (more are columns
/// of another table: the appeals table's fifteen hold eight).
const FALSE_COLUMN_LINES: usize = 3;
/// Rows that must hold numbers in at least [`NUMBER_CELLS`] of the value columns.
const NUMBER_ROWS: usize = 3;
const NUMBER_CELLS: usize = 4;

/// Rule `value_columns_by_width`: the requests table's columns where neither a header nor
/// rows' labels say where they stand (both garbled by OCR at low resolution).  The template
/// sets its seven value columns alike in width at the table's right, right of label columns
/// much wider together: a ruled grid whose column lines from some line to the table's right
/// edge stand where seven equal columns put them (within [`COLUMN_SNAP`]; a false line inside
/// a column, a stroke taken for a ruling, is passed over, up to [`FALSE_COLUMN_LINES`]), with
/// no such column left of them (the appeals table's fifteen alike columns are no run of
/// seven), label columns at least [`LABEL_COLUMNS_WIDER`] times as wide, and numbers in most
/// of them on at least [`NUMBER_ROWS`] rows.  The columns are taken in template order, by assumption: the cells
/// placed so are flagged `column_by_position`.
fn columns_by_widths(t: &Table, def: &TableDef) -> Option<ColMap> {
    let n = def.rows.first()?.cols.len();
    if t.method != "lattice" || t.n_cols() < n + 1 {
        return None;
    }
    let xs = &t.xs;
    let (left, right) = (xs[0], *xs.last()?);
    let near = |x: f32, tol: f32| xs.iter().copied().find(|&v| (v - x).abs() <= tol);
    let fit = (1..xs.len() - n).find_map(|a| {
        let w = (right - xs[a]) / n as f32;
        let tol = w * COLUMN_SNAP;
        if xs[a] - left < w * LABEL_COLUMNS_WIDER || near(xs[a] - w, tol).is_some() {
            return None;
        }
        let mut bounds = vec![xs[a]];
        for i in 1..n {
            bounds.push(near(xs[a] + w * i as f32, tol)?);
        }
        bounds.push(right);
        let inside = xs.iter().filter(|&&x| x > xs[a] && x < right).count();
        (inside - (n - 1) <= FALSE_COLUMN_LINES).then_some(bounds)
    })?;
    let in_column = |b: &BBox, i: usize| {
        let cx = (b.x0 + b.x1) / 2.0;
        cx > fit[i] && cx < fit[i + 1] && b.width() < (fit[i + 1] - fit[i]) * 1.5
    };
    let number_rows = (0..t.n_rows())
        .filter(|&r| {
            let cells = row_cells(t, r);
            (0..n)
                .filter(|&i| {
                    cells.iter().any(|c| {
                        let text = c.text();
                        in_column(&c.bbox, i)
                            && !text.trim().is_empty()
                            && values::is_value_like(&text)
                    })
                })
                .count()
                >= NUMBER_CELLS
        })
        .count();
    if number_rows < NUMBER_ROWS {
        return None;
    }
    let cols = &def.rows[0].cols;
    Some(ColMap(
        fit.windows(2)
            .zip(cols)
            .map(|(x, (k, _))| (x[0], x[1], k.clone()))
            .collect(),
    ))
}

/// Rule `columns_of_the_continuation`: the requests columns of a table whose own rows do not
/// give them (the table's first rows at the foot of a page, new_received and carried_over
/// alone, too few to fit) are those of the table that continues it at the top of the next
/// page (`next_cols`, from that table's own rows): the same printed table, its columns where
/// they were, when both tables' left and right edges agree within [`CONTINUED_EDGES`] of a
/// column.  None otherwise, and for a table holding an active header's marker (信息内容 in
/// `active_markers`: the active table's last block at a page's foot is no requests table).
fn continued_columns(
    t: &Table,
    next: &Table,
    next_cols: ColMap,
    active_markers: &[String],
) -> Option<ColMap> {
    let active = active_markers
        .iter()
        .any(|m| t.cells.iter().any(|c| c.text().contains(m.as_str())));
    if active {
        return None;
    }
    let first = next_cols.0.first()?;
    let width = first.1 - first.0;
    let same_edges = (t.bbox.x0 - next.bbox.x0).abs() <= width * CONTINUED_EDGES
        && (t.bbox.x1 - next.bbox.x1).abs() <= width * CONTINUED_EDGES;
    let below = next.page == t.page + 1;
    (below && same_edges && t.method == next.method).then_some(next_cols)
}

/// Rule `columns_of_the_continuation`: how far (share of a value column's width) the edges of
/// a table and of its continuation on the next page may differ (deskew and the scanner's
/// placement move a page by a few points).
const CONTINUED_EDGES: f32 = 0.3;

/// Rule `grid_rows_are_printed_rows`: least share of the table's median row height a grid
/// row must have to be a printed row of its own ([`grid_row`]; a false ruling through a
/// printed row cuts it into two thin ones).
const ROW_HEIGHT_SHARE: f32 = 0.6;

/// Map the document's tables (in reading order) onto the template.
pub fn map_tables(tables: &[Table], schema: &Schema) -> Mapping {
    let mut assigned: Vec<MappedCell> = Vec::new();
    let mut collapsed: Vec<(String, Candidate)> = Vec::new();
    let mut seq: Vec<Seq> = Vec::new();
    let mut st = State::default();
    // the appeals value row already read by its columns' order (table, row)
    let mut read_by_order: Option<(*const Table, usize)> = None;
    // the grid rows continuing a printed row split in several (see [`split_printed_row`]):
    // the table and the rows' range
    let mut continued: Option<(*const Table, std::ops::Range<usize>)> = None;
    // text-aligned tables of OCR'd print: lines put back into printed rows by the labels
    let regrouped: Vec<(Cow<Table>, Option<Vec<Option<usize>>>)> = tables
        .iter()
        .map(|t| match stream_rows::regroup(t, &schema.requests) {
            Some((g, rows)) => (Cow::Owned(g), Some(rows)),
            None => (Cow::Borrowed(t), None),
        })
        .collect();
    for (i, (t, plan)) in regrouped.iter().enumerate() {
        let t: &Table = t;
        // the requests columns taken from the rows of a table hold for that table only
        if st.req_cols_from_rows {
            st.req_cols = None;
            st.req_cols_from_rows = false;
            st.req_cols_by_order = None;
        }
        let own_columns = |t: &Table| {
            columns_from_rows(t, &schema.requests)
                .or_else(|| columns_by_widths(t, &schema.requests))
        };
        // columns the header's order named hold for its own grid: cells of another grid (a
        // continuation page, another layout) under an illegible header cell are not known
        // to stand where that cell stood
        if let Some((h, keys)) = st.req_cols_by_order.take() {
            if std::ptr::eq(h, t) {
                st.req_cols_by_order = Some((h, keys));
            } else if let Some(map) = st.req_cols.as_mut() {
                map.0.retain(|(_, _, k)| !keys.contains(k));
            }
        }
        if st.req_cols.is_none()
            && let Some(cols) = own_columns(t).or_else(|| {
                let (next, _) = regrouped.get(i + 1)?;
                continued_columns(t, next, own_columns(next)?, &schema.active.header_markers)
            })
        {
            st.req_cols = Some(cols);
            st.req_cols_from_rows = true;
            st.req_cols_by_order = None;
        }
        // for [`grid_row`]: the median grid row height, and whether a row with numbers was
        // seen (rows of text above it are the header's)
        let median_height = {
            let mut h: Vec<f32> = t.ys.windows(2).map(|y| y[1] - y[0]).collect();
            h.sort_by(f32::total_cmp);
            h.get(h.len() / 2).copied().unwrap_or(0.0)
        };
        let mut numbers_seen = false;
        // for [`active_order::ActiveBlock::next_before`]: whether the grid row above opened an
        // active block or placed an active row (the active rows placed before it, and whether
        // it was an active header)
        let (mut placed_before, mut active_header) = (st.active_placed.len(), false);
        for r in 0..t.n_rows() {
            let after_active = r > 0 && (st.active_placed.len() > placed_before || active_header);
            (placed_before, active_header) = (st.active_placed.len(), false);
            if continued
                .as_ref()
                .is_some_and(|(ct, rows)| std::ptr::eq(*ct, t) && rows.contains(&r))
            {
                continue;
            }
            if read_by_order == Some((t as *const Table, r)) {
                seq.push(Seq::Break);
                continue;
            }
            let cells = row_cells(t, r);
            let texts: Vec<String> = cells.iter().map(|c| c.text()).collect();
            let header = update_headers(t, r, &cells, &texts, &mut st, schema);
            active_header = header && st.active_block.is_some();
            tracing::trace!(
                "p{} row {r}{}: {}",
                t.page,
                if header { " (header)" } else { "" },
                texts.join(" | ")
            );
            if let Some((vr, by_order)) = appeals_by_order(t, r, &texts, &st, schema) {
                assigned.extend(by_order);
                read_by_order = Some((t as *const Table, vr));
                continue;
            }
            if header {
                if is_requests_header(&schema.requests, &texts) {
                    seq.push(Seq::Header);
                    st.req_cols_from_rows = false;
                }
                continue;
            }
            let (labels, vals) = split_row(&cells);
            // a printed row the template's labels located ([`stream_rows`]): its values, every
            // cell right of the label column
            if let Some(k) = plan.as_ref().and_then(|p| p.get(r).copied().flatten()) {
                let row = &schema.requests.rows[k];
                let cand = Candidate {
                    value_cells: cells.iter().filter(|c| c.c0 >= 1).copied().collect(),
                    label: cells[0].text(),
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                let before = assigned.len();
                assign_requests(&cand, row, &st, &mut assigned);
                tracing::debug!(
                    "p{} {} row {}: {} of {} value cells placed",
                    t.page,
                    schema.format,
                    row.key,
                    assigned.len() - before,
                    cand.value_cells.len()
                );
                seq.push(Seq::Anchor(
                    row_index(&schema.requests, row),
                    before..assigned.len(),
                    None,
                ));
                continue;
            }
            // a label cell shared with the next or previous grid row: this row's part of it
            let shared = labels
                .last()
                .and_then(|l| shared_label_part(t, r, l, &schema.requests).map(|p| (*l, p)));
            let text_of = |c: &Cell| match &shared {
                Some((l, part)) if std::ptr::eq(*l, c) => part.clone(),
                _ => c.text(),
            };
            let mut label = labels.last().map(|c| text_of(c)).unwrap_or_default();
            if let Some((more, past)) = split_printed_row(t, r, &labels, &vals, &schema.requests) {
                label.push_str(&more);
                continued = Some((t as *const Table, r + 1..past));
            }
            if labels.is_empty() && vals.len() >= 10 {
                if text_but_no_values(&vals) || blanks_by_alignment(t, &vals) {
                    // a header row whose words fell apart into lone glyphs between blanks
                    // (the leaves printed one glyph a line, read by text alignment), or a
                    // text-aligned row of a stray mark among blanks: no values
                    seq.push(Seq::Break);
                    continue;
                }
                let cand = Candidate {
                    value_cells: vals,
                    label,
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                assign_appeals(&cand, &st, &schema.appeals, &mut assigned);
                seq.push(Seq::Break);
                continue;
            }
            if let Some(under) = appeals_value_row(&cells, &st, schema) {
                let cand = Candidate {
                    value_cells: under,
                    label: String::new(),
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                assign_appeals(&cand, &st, &schema.appeals, &mut assigned);
                seq.push(Seq::Break);
                continue;
            }
            if !vals.is_empty() && !labels.is_empty() {
                let cand = Candidate {
                    value_cells: vals.clone(),
                    label: label.clone(),
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                if let Some(row) = active_row(&schema.active, &label) {
                    assign_active(&cand, row, &mut st, &mut assigned);
                    st.active_row_placed(row_index(&schema.active, row));
                    seq.push(Seq::Break);
                    continue;
                } else if let Some(g) = collapsed_group(&schema.requests, &label) {
                    collapsed.push((g.to_string(), cand));
                    seq.push(Seq::Break);
                    continue;
                } else if let Some((row, s)) = best_row(&schema.requests, &label)
                    && s >= REQUESTS_LABEL_MIN
                {
                    let before = assigned.len();
                    assign_requests(&cand, row, &st, &mut assigned);
                    st.active_block = None;
                    let open = Open {
                        label_text: labels.iter().map(|c| c.text()).collect(),
                        label_cell: labels.last().map(|c| *c as *const Cell),
                        full_row: false,
                        cand,
                    };
                    seq.push(Seq::Anchor(
                        row_index(&schema.requests, row),
                        before..assigned.len(),
                        Some(open),
                    ));
                    continue;
                }
            }
            // The same under the active table's header (本年制发件数 ...): a value OCR read as
            // a letter or mark (工 for 1) is still a value cell, the label left of it.
            if let Some(acols) = st.active_cols.as_ref()
                && let Some((alabels, avals)) = split_by_columns(&cells, acols, labels.len())
                && let Some(label_cell) = alabels.last()
                && let Some(row) = active_row(&schema.active, &label_cell.text())
            {
                let cand = Candidate {
                    value_cells: avals,
                    label: label_cell.text(),
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                assign_active(&cand, row, &mut st, &mut assigned);
                st.active_row_placed(row_index(&schema.active, row));
                seq.push(Seq::Break);
                continue;
            }
            // Under an active header, a row whose label matched nothing: the block's next row
            // by the template's order ([`active_order`]), in doubt.
            if let Some(block) = st.active_block.as_ref()
                && let Some((label_cell, n_labels)) = open_active_label(
                    &cells,
                    &labels,
                    block.cols.as_ref().or(st.active_cols.as_ref()),
                )
                && let Some(k) = block
                    .next_for(&schema.active, &label_cell.text(), &st.active_placed)
                    .or_else(|| {
                        // (a row with a legible active label is no open row, its label cell
                        // only misjudged: tests/formats.rs, an active table matching neither
                        // template)
                        let labelled = cells
                            .iter()
                            .any(|c| active_row(&schema.active, &c.text()).is_some());
                        if !after_active || labelled {
                            return None;
                        }
                        let acols = block.cols.as_ref().or(st.active_cols.as_ref());
                        let following = following_active(t, r, acols, schema);
                        if t.method != "lattice"
                            && !open_row_by_alignment(&cells[n_labels..], following)
                        {
                            return None;
                        }
                        block.next_before(&st.active_placed, following)
                    })
            {
                let row = &schema.active.rows[k];
                // the block's own columns (a marker header's cells) over the state's
                let block_cols = block.cols.clone();
                let value_cells = match block_cols.as_ref().or(st.active_cols.as_ref()) {
                    Some(acols) if row.cols.len() > 1 => {
                        split_by_columns(&cells, acols, n_labels).map(|(_, v)| v)
                    }
                    _ if n_labels > labels.len() => Some(cells[n_labels..].to_vec()),
                    _ => Some(vals.clone()),
                };
                if let Some(value_cells) = value_cells
                    && !value_cells.is_empty()
                    && value_cells.len() <= row.cols.len() + active_order::EXTRA_CELLS
                {
                    let cand = Candidate {
                        value_cells,
                        label: label_cell.text(),
                        page: t.page,
                        method: Method::of_table(t.method),
                    };
                    let before = assigned.len();
                    if !unknown_active_header(&cand, &mut st) {
                        let cols = block_cols.as_ref().or(st.active_cols.as_ref());
                        assign_active_by(&cand, row, cols, &mut assigned);
                    }
                    for m in &mut assigned[before..] {
                        m.flag(Flag::RowByPosition);
                    }
                    tracing::debug!(
                        "p{} active row {} by order: {}",
                        t.page,
                        row.key,
                        label_cell.text()
                    );
                    st.active_row_placed(k);
                    seq.push(Seq::Break);
                    continue;
                }
            }
            // The label was not recognised, or OCR read marks in the value cells as text (which
            // cuts the value run short and passes a mark off as the label): under a requests
            // header, every cell below one of its columns is a value cell, and the label is left
            // of them.
            let Some(cols) = st.req_cols.as_ref() else {
                // no header in sight: a row as wide as the requests table's, its label garbled,
                // is left to the template's row order (which places it only where sure)
                if !labels.is_empty() && vals.len() >= order::WIDE_ROW && has_numbers(&vals) {
                    seq.push(Seq::Open(Open {
                        label_text: labels.iter().map(|c| c.text()).collect(),
                        label_cell: labels.last().map(|c| *c as *const Cell),
                        full_row: false,
                        cand: Candidate {
                            value_cells: vals,
                            label,
                            page: t.page,
                            method: Method::of_table(t.method),
                        },
                    }));
                }
                continue;
            };
            let Some((labels, vals)) = split_by_columns(&cells, cols, labels.len()) else {
                continue;
            };
            let numbers_before = numbers_seen;
            numbers_seen |= has_numbers(&vals);
            let label_cell = labels.iter().rev().find(|c| !c.text().trim().is_empty());
            // a group's label left of the row's own (伍)不予公开 over its eight rows) names no
            // row: like enough to 予以公开 that a row whose own label OCR garbled would be
            // taken for that one
            let group_label = |c: &&Cell| {
                !label_cell.is_some_and(|l| std::ptr::eq(*l, *c)) && (c.r0 < r || c.r1 > r + 1)
            };
            let best = labels
                .iter()
                .filter(|c| !group_label(c))
                .filter_map(|c| best_row(&schema.requests, &text_of(c)).map(|(row, s)| (c, row, s)))
                .max_by(|a, b| a.2.total_cmp(&b.2));
            let label_text: String = labels.iter().map(|c| text_of(c)).collect();
            let full_row = grid_row(
                t,
                r,
                &vals,
                labels.last().copied(),
                median_height,
                numbers_before,
            );
            if let Some((cell, row, s)) = best
                && s >= REQUESTS_LABEL_MIN
            {
                let cand = Candidate {
                    value_cells: vals,
                    label: text_of(cell),
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                let before = assigned.len();
                assign_requests(&cand, row, &st, &mut assigned);
                let open = Open {
                    label_text,
                    label_cell: label_cell.map(|c| *c as *const Cell),
                    full_row,
                    cand,
                };
                seq.push(Seq::Anchor(
                    row_index(&schema.requests, row),
                    before..assigned.len(),
                    Some(open),
                ));
            } else if let Some(cell) = label_cell.filter(|c| c.r0 == r && c.r1 == r + 1)
                && let Some(g) = collapsed_group(&schema.requests, &text_of(cell))
            {
                // rule `collapsed_group_under_columns`: the group printed as one row (（六）其他处理
                // over no sub-rows), its label in a cell of this row alone, is the group's row
                // as in a table without a column map, not a garbled row for the order to place
                collapsed.push((
                    g.to_string(),
                    Candidate {
                        value_cells: vals,
                        label: text_of(cell),
                        page: t.page,
                        method: Method::of_table(t.method),
                    },
                ));
                seq.push(Seq::Break);
            } else if has_numbers(&vals) || blank_row(&vals, label_cell.copied(), r) || full_row {
                let label = label_cell.map(|c| text_of(c)).unwrap_or_default();
                let cand = Candidate {
                    value_cells: vals,
                    label,
                    page: t.page,
                    method: Method::of_table(t.method),
                };
                seq.push(Seq::Open(Open {
                    cand,
                    label_text,
                    label_cell: label_cell.map(|c| *c as *const Cell),
                    full_row,
                }));
            }
        }
    }
    order::anchors_in_order(&mut seq, &schema.requests, &mut assigned);
    order::assign_by_order(&seq, &schema.requests, &st, &mut assigned);
    total_column_by_sums(&schema.requests, &mut assigned);
    let no_appeals = |a: &[MappedCell]| {
        !a.iter()
            .any(|c| c.table == schema.appeals.key && c.value.is_some())
    };
    if no_appeals(&assigned) {
        assigned.extend(appeals::by_sums(tables, &schema.appeals));
    }
    if no_appeals(&assigned) {
        assigned.extend(appeals::by_sums_alone(tables, &schema.appeals));
    }
    let mut m = assemble(schema, assigned, collapsed);
    m.formats = vec![schema.format.clone(); 3];
    m.header_hits = st.header_hits;
    m.notes = st
        .unmatched
        .iter()
        .map(|h| {
            format!(
                "{} header matches no column of {}: {h}",
                schema.active.key, schema.format
            )
        })
        .collect();
    m
}

/// Map the document's tables with every format's template and keep, per table, the format
/// the document prints (see [`choose_formats`]).
pub fn map_document(tables: &[Table]) -> Mapping {
    let maps: Vec<Mapping> = crate::schema::schemas()
        .iter()
        .map(|s| map_tables(tables, s))
        .collect();
    choose_formats(maps, crate::schema::schemas())
}

/// Least header cells one format's aliases must recognise in a table for its header to decide
/// the table's format.  One cell is no evidence on a garbled scan: OCR's 本年度止件数 and
/// 现行有有效件数 resembled a column of the other format as much as their own.
const FORMAT_HEADER_HITS: usize = 2;

/// Which format each table is printed in, from the mappings of the document with each format
/// (`maps[k]` with `schemas[k]`), in order of evidence:
/// 1. its header: the format whose header aliases recognise the most header cells of the table,
///    when that is one format and they are at least [`FORMAT_HEADER_HITS`] (the active table's
///    headers differ between 2019 and 2021);
/// 2. else the format that reads the most rows no other format has (a row whose label is no row or group label of the others:
///    其他对外管理服务事项; 2019's （六）其他处理 is a group of 2021, not such a row), when that is
///    one format (a 2019 report printing （六）'s three sub-rows takes 2021's requests table);
/// 3. else the report's format: the one most tables decided by their headers chose (by
///    evidence 2 when no header decided; the first, 2021, when nothing did).
///
/// The report's `format` is the report's format; a table taken in another one says so in
/// `notes`.  A header that names no column of the chosen format leaves its rows unread, noted.
pub fn choose_formats(maps: Vec<Mapping>, schemas: &[Schema]) -> Mapping {
    let n = maps.len();
    let mut strong: [Option<usize>; 3] = [None; 3];
    let mut weak: [Option<usize>; 3] = [None; 3];
    for ti in 0..3 {
        let hits: Vec<usize> = maps.iter().map(|m| m.header_hits[ti]).collect();
        let best = hits.iter().copied().max().unwrap_or(0);
        if best >= FORMAT_HEADER_HITS && hits.iter().filter(|&&h| h == best).count() == 1 {
            strong[ti] = hits.iter().position(|&h| h == best);
        }
        // rows only one format has, read: that format (fewer cells not found is no evidence: a
        // table rebuilt without rulings loses rows in any format)
        let distinct: Vec<usize> = (0..n)
            .map(|k| distinctive_rows_read(&maps[k], &schemas[k], ti, schemas))
            .collect();
        let best = distinct.iter().copied().max().unwrap_or(0);
        if best > 0 && distinct.iter().filter(|&&d| d == best).count() == 1 {
            weak[ti] = distinct.iter().position(|&d| d == best);
        }
    }
    let vote = |picks: &[Option<usize>; 3]| -> Option<usize> {
        let mut count = vec![0usize; n];
        picks.iter().flatten().for_each(|&k| count[k] += 1);
        let best = *count.iter().max()?;
        (best > 0).then(|| count.iter().position(|&c| c == best).unwrap_or(0))
    };
    let report = vote(&strong).or_else(|| vote(&weak)).unwrap_or(0);
    tracing::debug!(
        "formats: header hits {:?}, by headers {strong:?}, by distinctive rows {weak:?} -> {}",
        maps.iter().map(|m| m.header_hits).collect::<Vec<_>>(),
        schemas[report].format
    );
    let mut out = Mapping {
        formats: vec![],
        notes: maps[report].notes.clone(),
        ..Mapping::default()
    };
    for ti in 0..3 {
        let k = strong[ti].or(weak[ti]).unwrap_or(report);
        let key = schemas[k].tables()[ti].key.clone();
        if k != report {
            out.notes.push(format!(
                "tables of two formats: {key} is {}, the report {}",
                schemas[k].format, schemas[report].format
            ));
            out.notes.extend(maps[k].notes.iter().cloned());
        }
        let cells: Vec<MappedCell> = maps[k]
            .cells
            .iter()
            .filter(|c| c.table == key)
            .cloned()
            .collect();
        out.read += count_read(&cells);
        out.found[ti] = maps[k].found[ti];
        out.header_hits[ti] = maps[k].header_hits[ti];
        out.formats.push(schemas[k].format.clone());
        out.cells.extend(cells);
    }
    out.format = schemas[report].format.clone();
    out
}

/// The cells of `cells` taken from the document, not derived from a collapsed group nor
/// missing (inferred ones count: `Mapping::read`).
pub(crate) fn count_read(cells: &[MappedCell]) -> usize {
    cells.iter().filter(|c| c.method.counts_as_read()).count()
}

/// Rows of table `ti` read in `m` (format `own`) that no other format has: no row or group
/// label of the other formats' table is like its label.
fn distinctive_rows_read(m: &Mapping, own: &Schema, ti: usize, schemas: &[Schema]) -> usize {
    let def = own.tables()[ti];
    def.rows
        .iter()
        .filter(|r| {
            m.cells.iter().any(|c| {
                c.table == def.key
                    && c.row == r.key
                    && c.page.is_some()
                    && c.method.counts_as_read()
            })
        })
        .filter(|r| {
            let l = norm_label(&r.label);
            !schemas.iter().filter(|s| s.format != own.format).any(|s| {
                s.tables()[ti].rows.iter().any(|o| {
                    let same = |x: &str| similarity(&l, &norm_label(x)) >= 0.8;
                    same(&o.label) || o.group.as_deref().is_some_and(same)
                })
            })
        })
        .count()
}

/// The appeals value row under row `r` read by its columns' order ([`appeals::by_order`]),
/// with the value row's index: when `r` reads like the appeals leaf row (two 维持/纠正 cells,
/// or [`appeals::reads_like_leaf_row`]) and the header map did not name all 15 columns (a
/// header that did is read as named).
fn appeals_by_order(
    t: &Table,
    r: usize,
    texts: &[String],
    st: &State,
    schema: &Schema,
) -> Option<(usize, Vec<MappedCell>)> {
    let like = appeals_leaf_hits(texts) >= 2 || appeals::reads_like_leaf_row(texts);
    let named_all = st
        .appeals_cols
        .as_ref()
        .is_some_and(|m| m.distinct_keys() == schema.appeals.rows[0].cols.len());
    if !like || named_all || is_requests_header(&schema.requests, texts) {
        return None;
    }
    let Some((vr, cells)) = appeals::by_order(t, r, &schema.appeals) else {
        tracing::debug!(
            "p{} appeals leaf row {r}: no value row read by order: {}",
            t.page,
            texts.join(" | ")
        );
        return None;
    };
    // a row of all 15 numbers that the order leaves partly unplaced (a leaf header cell
    // missing, as in the Jinan OCR dump) is left to the header map, which places them all
    let full_row = {
        let (labels, vals) = split_row(&row_cells(t, vr));
        labels.is_empty() && vals.len() == schema.appeals.rows[0].cols.len()
    };
    if full_row && cells.len() < schema.appeals.rows[0].cols.len() {
        return None;
    }
    Some((vr, cells))
}

/// Cells of the appeals table's value row that OCR read in doubt may not look like numbers
/// (a seal's strokes over a `1` read as `于`), which cuts the row's closing run of numbers
/// short of the 10 that make it the appeals row.  Under a recognised appeals header the row is
/// the cells below its columns when at most `APPEALS_GARBLED` of those are not value-like
/// (up to a third of them when at least two thirds hold printed numbers: a seal over the
/// table's right end garbles three or four values of a row that is plainly the values) and
/// no text left of them names an active or requests row.  The garbled cells come out
/// `unparseable` (no number is invented for them).
fn appeals_value_row<'a>(cells: &[&'a Cell], st: &State, schema: &Schema) -> Option<Vec<&'a Cell>> {
    const APPEALS_GARBLED: usize = 2;
    let cols = st.appeals_cols.as_ref()?;
    let (under, rest): (Vec<&Cell>, Vec<&Cell>) =
        cells.iter().partition(|c| cols.key_for(&c.bbox).is_some());
    let value_like = under
        .iter()
        .filter(|c| values::value_like(&c.text(), c.confidence))
        .count();
    let printed = under
        .iter()
        .filter(|c| !c.text().trim().is_empty() && values::value_like(&c.text(), c.confidence))
        .count();
    let has_numbers = printed > 0;
    let garbled = under.len() - value_like;
    let garbled_allowed = if 3 * printed >= 2 * under.len() {
        under.len() / 3
    } else {
        APPEALS_GARBLED
    };
    let names_a_row = rest.iter().any(|c| {
        let l = c.text();
        active_row(&schema.active, &l).is_some()
            || best_row(&schema.requests, &l).is_some_and(|(_, s)| s >= REQUESTS_LABEL_MIN)
    });
    let ok = under.len() >= 10 && has_numbers && garbled <= garbled_allowed && !names_a_row;
    if under.len() >= 10 {
        tracing::debug!(
            "appeals value row? {} cells under the columns, {garbled} garbled, names a row {names_a_row}: {ok}",
            under.len()
        );
    }
    ok.then_some(under)
}

/// An open active row's label cell (its last label cell with text) and how many cells are
/// labels.  A label OCR read as a digit (规章 as 8) passes for a value: under the block's
/// columns `acols`, the cells left of the first one below a column are the labels.
fn open_active_label<'a>(
    cells: &[&'a Cell],
    labels: &[&'a Cell],
    acols: Option<&ColMap>,
) -> Option<(&'a Cell, usize)> {
    let with_text = |l: &[&'a Cell]| {
        l.iter()
            .rev()
            .find(|c| !c.text().trim().is_empty())
            .copied()
    };
    if let Some(c) = with_text(labels) {
        return Some((c, labels.len()));
    }
    let (by_cols, _) = split_by_columns(cells, acols?, cells.len())?;
    with_text(&by_cols).map(|c| (c, by_cols.len()))
}

/// Rule `open_row_before_its_successor`, in a table of text alignment (no rulings): there a
/// block's title garbled is a label beside blank cells like an open row, so the open row
/// must show a number in its value cells `values` (right of its label; a title has none) and
/// the row below must be the block's row its label names (`following`; the block's end is no
/// evidence there).
fn open_row_by_alignment(values: &[&Cell], following: active_order::Following) -> bool {
    matches!(following, active_order::Following::Row(_))
        && values
            .iter()
            .any(|c| c.text().chars().any(|ch| ch.is_ascii_digit()))
}

/// What grid row `r + 1` of `t` is to an open active row at `r`
/// ([`active_order::ActiveBlock::next_before`]): an active row its label names, the end of the
/// block (a header or a block's title, or no row: the table's end), or unknown.
fn following_active(
    t: &Table,
    r: usize,
    acols: Option<&ColMap>,
    schema: &Schema,
) -> active_order::Following {
    use active_order::Following;
    if r + 1 >= t.n_rows() {
        return Following::End;
    }
    let cells = row_cells(t, r + 1);
    let texts: Vec<String> = cells.iter().map(|c| c.text()).collect();
    let joined = norm_label(&texts.concat());
    let def = &schema.active;
    let title = def
        .rows
        .iter()
        .filter_map(|row| row.group.as_deref())
        .any(|g| {
            let g = norm_label(g);
            !g.is_empty() && similarity(&joined, &g) >= BLOCK_TITLE_MIN
        });
    if title
        || def
            .header_markers
            .iter()
            .any(|m| joined.contains(m.as_str()))
        || texts.iter().any(|s| header_col_key(def, s).is_some())
    {
        return Following::End;
    }
    let (labels, _) = split_row(&cells);
    match open_active_label(&cells, &labels, acols).and_then(|(c, _)| active_row(def, &c.text())) {
        Some(row) => Following::Row(row_index(def, row)),
        None => Following::Unknown,
    }
}

/// Least similarity of a grid row's text to an active block's title (第二十条第（五）项) for
/// [`following_active`] to take it for one: a title garbled in a glyph or two (第二十条第《五)项).
const BLOCK_TITLE_MIN: f32 = 0.6;

fn row_index(def: &TableDef, row: &Row) -> usize {
    def.rows
        .iter()
        .position(|r| r.key == row.key)
        .unwrap_or(usize::MAX)
}

/// A row's label and value cells by the requests header's columns: the value cells are those
/// from the first cell below a header column on (whatever OCR read in them), or from the start
/// of the row's closing run of numbers (`value_run_start`) when that is further left (a header
/// that lost a column), the label cells those left of it.  None when no cell lies below a
/// column.
fn split_by_columns<'a>(
    cells: &[&'a Cell],
    cols: &ColMap,
    value_run_start: usize,
) -> Option<(Vec<&'a Cell>, Vec<&'a Cell>)> {
    let k = cells
        .iter()
        .position(|c| cols.key_for(&c.bbox).is_some())?
        .min(value_run_start);
    Some((cells[..k].to_vec(), cells[k..].to_vec()))
}

/// Least value cells of a requests row whose cells are all blank for [`blank_row`].
const BLANK_ROW_CELLS: usize = 5;

/// A requests row printed blank (a report that prints its zeros as blanks): at least
/// [`BLANK_ROW_CELLS`] value cells under the header's columns, none with ink, and a label of
/// its own (at least two characters, in a label cell that starts on this grid row: the lower
/// part of a printed row cut in two shares the label cell above).  Its label garbled, it is
/// placed by the template's order like a row with numbers ([`order`]); its cells are then 0
/// from blanks, in doubt (`row_by_position`) until a column sum confirms them.
/// `label_cell` is the row's last label cell with text.
fn blank_row(vals: &[&Cell], label_cell: Option<&Cell>, r: usize) -> bool {
    let own_label =
        label_cell.is_some_and(|c| c.r0 == r && norm_label(&c.text()).chars().count() >= 2);
    own_label && vals.len() >= BLANK_ROW_CELLS && vals.iter().all(|c| c.text().trim().is_empty())
}

/// Rule `grid_rows_are_printed_rows`: in a ruled grid under the requests columns, whether
/// grid row `r` (its value cells `vals`, its label cell `label`) is a printed row for the
/// template's order to place whatever OCR made of it: a row of blanks, or of marks that are
/// no number (values garbled at low resolution, a seal's strokes), its label garbled too.
/// The rulings that bound it say it is a row; left out, it left its neighbours' run a row
/// short of the gap it fills, and the run was placed nowhere.  Rows of text above the table's
/// first row of numbers (`numbers_seen` false) are its header; a row thinner than
/// [`ROW_HEIGHT_SHARE`] of the median, or a blank row whose label cell started above it, is
/// part of a printed row that a false ruling cut.  Such a row is a row of its own even where
/// it shares its label cell with the row above (a row line lost over the label column only).
fn grid_row(
    t: &Table,
    r: usize,
    vals: &[&Cell],
    label: Option<&Cell>,
    median_height: f32,
    numbers_seen: bool,
) -> bool {
    if t.method != "lattice" {
        return false;
    }
    let height = t.ys[r + 1] - t.ys[r];
    if vals.len() < BLANK_ROW_CELLS || height < median_height * ROW_HEIGHT_SHARE {
        return false;
    }
    let blank = vals.iter().all(|c| c.text().trim().is_empty());
    if blank {
        return label.is_some_and(|l| l.r0 == r);
    }
    numbers_seen || !text_but_no_values(vals)
}

/// Whether the cells hold printed text but no printed value (blanks count as neither): a
/// row of lone CJK glyphs between blanks is a header's words, not a row of numbers.  A row
/// with any number among garbled cells (0s read as CJK glyphs at 165 dpi) is still read, its
/// garbled cells unparseable.
fn text_but_no_values(cells: &[&Cell]) -> bool {
    let printed: Vec<&&Cell> = cells
        .iter()
        .filter(|c| !c.text().trim().is_empty())
        .collect();
    !printed.is_empty()
        && printed
            .iter()
            .all(|c| !values::value_like(&c.text(), c.confidence))
}

/// Printed values a text-aligned row needs before its blank cells read as blank columns.
const ALIGNED_VALUES_MIN: usize = 3;

/// Rule `blanks_by_alignment`: a row of a text-aligned table (`stream`) that prints fewer than
/// [`ALIGNED_VALUES_MIN`] values among its cells is no row of values.  Its columns come from
/// the other rows' tokens, so its blank cells are only where nothing was printed on its line
/// (a ruling's remnant or a speck read as 1 above the value row), not cells that print
/// nothing for 0; a grid's blank cell is a cell all the same.
fn blanks_by_alignment(t: &Table, vals: &[&Cell]) -> bool {
    t.method == "stream"
        && vals.iter().filter(|c| !c.text().trim().is_empty()).count() < ALIGNED_VALUES_MIN
}

/// Whether any value cell holds a printed number or zero mark (not only blanks).
fn has_numbers(vals: &[&Cell]) -> bool {
    vals.iter().any(|c| {
        let t = c.text();
        !t.trim().is_empty() && values::is_value_like(&t)
    })
}

/// The bracketed numerals （一） to （七） in a text, also with a lost closing bracket.
fn bracket_numerals(text: &str) -> Vec<char> {
    let t: Vec<char> = norm_label(text).chars().collect();
    t.windows(2)
        .filter(|w| matches!(w[0], '(' | '《' | '〈') && "一二三四五六七".contains(w[1]))
        .map(|w| w[1])
        .collect()
}

/// Whether a garbled label's legible numbering agrees with a template row: a leading digit
/// (5虱求… for 5.要求…) must be the row's own, a bracketed numeral (（六）, (六 ) must be
/// the row's or its group's, and a leading 一、/二、/四、 the row's.
///
/// A leading digit that repeats the number of the row placed just before (`prev`, same group)
/// says nothing: numbers do not repeat within a group, so it is a misread (5 for 6).
fn numbering_agrees(label_text: &str, last_label: &str, row: &Row, prev: Option<&Row>) -> bool {
    let own = norm_label(&row.label);
    let l = norm_label(last_label);
    if let Some(d) = l.chars().next().filter(|c| c.is_ascii_digit())
        && !own.starts_with(d)
        && !prev.is_some_and(|p| p.group == row.group && norm_label(&p.label).starts_with(d))
    {
        return false;
    }
    let lc: Vec<char> = l.chars().take(2).collect();
    if lc.len() == 2
        && "一二三四五六七".contains(lc[0])
        && lc[1] == '.'
        && !own.starts_with(&format!("{}.", lc[0]))
    {
        return false;
    }
    let found = bracket_numerals(label_text);
    if found.is_empty() {
        return true;
    }
    let mut allowed = bracket_numerals(&row.label);
    allowed.extend(bracket_numerals(row.group.as_deref().unwrap_or("")));
    found.iter().any(|c| allowed.contains(c))
}

/// Rows whose sums must name the same column for [`total_column_by_sums`] to move the total.
const TOTAL_COLUMN_ROWS: usize = 2;

/// The column of each row's total, where the columns were taken in template order without a
/// header (`column_by_position`): the template's row constraint (总计 = the sum of the
/// applicant columns) says which printed column is the total, whatever its place.  A row
/// votes for the one position whose number equals the sum of the others (rows of zeros, or
/// with one nonzero column printed twice, fit two positions and say nothing).  When at least
/// [`TOTAL_COLUMN_ROWS`] rows vote for another position than the template's and none for the
/// template's own, the total is printed there (总计 as the first column): every cell taken by
/// position moves to the column it stands in, flagged `total_column_by_sums`.  A header that
/// was read places its cells itself, and they are left alone.
fn total_column_by_sums(def: &TableDef, out: &mut [MappedCell]) {
    let Some(first) = def.rows.first() else {
        return;
    };
    let cols = &first.cols;
    // the row constraint's one total, the same column in every row
    let total_key = def
        .constraints
        .iter()
        .find_map(|c| match (&c.over, &c.totals[..]) {
            (Over::Axis(a), [_]) if a == "rows" && c.parts.len() + 1 == cols.len() => {
                crate::checks::instantiate(&def.key, &c.totals, &first.key)
                    .pop()
                    .map(|id| id.col)
            }
            _ => None,
        });
    let Some(t_at) = total_key.and_then(|k| cols.iter().position(|c| c.0 == k)) else {
        return;
    };
    let n = cols.len();
    let by_position =
        |c: &MappedCell| c.table == def.key && c.flags.contains(&Flag::ColumnByPosition);
    let mut rows: Vec<(&str, Vec<Option<f64>>)> = Vec::new();
    for c in out.iter().filter(|c| by_position(c)) {
        let Some(j) = cols.iter().position(|k| k.0 == c.col) else {
            continue;
        };
        let i = match rows.iter().position(|(r, _)| *r == c.row) {
            Some(i) => i,
            None => {
                rows.push((&c.row, vec![None; n]));
                rows.len() - 1
            }
        };
        rows[i].1[j] = c.number();
    }
    let mut votes = vec![0usize; n];
    for (_, v) in &rows {
        let Some(v): Option<Vec<f64>> = v.iter().copied().collect() else {
            continue;
        };
        let sum: f64 = v.iter().sum();
        let fits: Vec<usize> = (0..n)
            .filter(|&p| sum > 0.0 && (2.0 * v[p] - sum).abs() < crate::checks::SUM_TOLERANCE)
            .collect();
        if let [p] = fits[..] {
            votes[p] += 1;
        }
    }
    let Some(p) = (0..n).find(|&p| p != t_at && votes[p] >= TOTAL_COLUMN_ROWS) else {
        return;
    };
    if votes[t_at] > 0 || votes.iter().filter(|&&v| v > 0).count() > 1 {
        return;
    }
    // printed order: the other columns in template order, the total at p
    let others: Vec<&(String, String)> = cols
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != t_at)
        .map(|(_, c)| c)
        .collect();
    for c in out.iter_mut().filter(|c| by_position(c)) {
        let Some(i) = cols.iter().position(|k| k.0 == c.col) else {
            continue;
        };
        let to = if i == p {
            &cols[t_at]
        } else {
            others[if i > p { i - 1 } else { i }]
        };
        c.col = to.0.clone();
        c.col_label = to.1.clone();
        c.flag(Flag::TotalColumnBySums);
    }
}

/// Whether a row is the requests table's column header: three of its cells name applicant
/// columns.  The appeals header's leaf row repeats 其他结果 and 总计 once per group, which
/// alone would pass: a row with two or more 维持/纠正 leaves, or that reads like the leaf row
/// by its leaves of three kinds (维持 and 纠正 garbled: 馈果挫振, 结果旬正), is the appeals
/// header.
fn is_requests_header(def: &TableDef, texts: &[String]) -> bool {
    texts
        .iter()
        .filter(|s| header_col_key(def, s).is_some())
        .count()
        >= 3
        && appeals_leaf_hits(texts) < 2
        && !appeals::reads_like_leaf_row(texts)
}

/// The orders a table's leaf columns are printed in: the template's, and the template's with
/// its last column (the total) printed first (总计 | 自然人 | … | 其他).
fn printed_orders(def: &TableDef) -> [Vec<&str>; 2] {
    let keys = def.col_keys();
    let mut total_first = keys.clone();
    total_first.rotate_right(1);
    [keys, total_first]
}

/// How much wider than the recognised leaf cells' widest a cell may be and still be a leaf
/// for [`leaves_by_order`] (a label cell over the row's left part is far wider).
const LEAF_WIDTH: f32 = 1.6;

/// Rule `header_leaves_by_order`: header cells whose words OCR garbled (、总计, 二企业, a
/// shaded cell read `?`) among leaves it read, each one of the table's columns, are the
/// columns the printed order leaves them: a window of as many consecutive cells as the table
/// has columns holds every recognised leaf at its place in one of the [`printed_orders`], and
/// no other window or order does.  Left out of the column map, such a column's values were
/// read under no column (the last two: 其他 and 总计 are both free right of 法律服务机构) and
/// lost.  None when the recognised leaves fit no window, or more than one way (a header split
/// into more cells than leaves, or fewer), or a cell in the window is wider than
/// [`LEAF_WIDTH`] leaves (a label cell).  Returns the cells (indices into `cells`) it names,
/// with their column keys.
fn leaves_by_order<'s>(
    def: &'s TableDef,
    cells: &[&Cell],
    keys: &[Option<&'s str>],
) -> Vec<(usize, &'s str)> {
    let orders = printed_orders(def);
    let n = orders[0].len();
    let matched: Vec<usize> = (0..cells.len()).filter(|&i| keys[i].is_some()).collect();
    let widest = matched
        .iter()
        .map(|&i| cells[i].bbox.width())
        .fold(0.0f32, f32::max);
    if matched.is_empty() || cells.len() < n {
        return Vec::new();
    }
    let mut found: Option<Vec<(usize, &'s str)>> = None;
    for w in 0..=cells.len() - n {
        if matched.iter().any(|&i| i < w || i >= w + n) {
            continue;
        }
        if cells[w..w + n]
            .iter()
            .any(|c| c.bbox.width() > LEAF_WIDTH * widest)
        {
            continue;
        }
        for order in &orders {
            if matched.iter().any(|&i| keys[i] != Some(order[i - w])) {
                continue;
            }
            let named: Vec<(usize, &'s str)> = (w..w + n)
                .filter(|&i| keys[i].is_none())
                .map(|i| (i, order[i - w]))
                .collect();
            match &found {
                Some(f) if *f != named => return Vec::new(),
                _ => found = Some(named),
            }
        }
    }
    found.unwrap_or_default()
}

/// How many cells of a row name an appeals leaf that only the appeals header has (维持, 纠正).
fn appeals_leaf_hits(texts: &[String]) -> usize {
    texts
        .iter()
        .filter(|s| s.contains("维持") || s.contains("纠正"))
        .count()
}

/// Recognise header rows and update the column maps; true when the row is a header.
fn update_headers(
    t: &Table,
    r: usize,
    cells: &[&Cell],
    texts: &[String],
    st: &mut State,
    schema: &Schema,
) -> bool {
    if is_requests_header(&schema.requests, texts) {
        let keys: Vec<Option<&str>> = texts
            .iter()
            .map(|s| header_col_key(&schema.requests, s))
            .collect();
        st.header_hits[1] += keys.iter().flatten().count();
        let by_order = leaves_by_order(&schema.requests, cells, &keys);
        let map: Vec<(f32, f32, String)> = cells
            .iter()
            .zip(&keys)
            .enumerate()
            .filter_map(|(i, (c, k))| {
                k.or_else(|| by_order.iter().find(|(j, _)| *j == i).map(|(_, k)| *k))
                    .map(|k| (c.bbox.x0, c.bbox.x1, k.to_string()))
            })
            .collect();
        st.req_cols_by_order = (!by_order.is_empty()).then(|| {
            let keys = by_order.iter().map(|(_, k)| k.to_string()).collect();
            (t as *const Table, keys)
        });
        st.req_cols = Some(ColMap(map));
        st.active_block = None;
        return true;
    }
    let act: Vec<(f32, f32, String)> = cells
        .iter()
        .zip(texts)
        .filter_map(|(c, s)| {
            header_col_key(&schema.active, s).map(|k| (c.bbox.x0, c.bbox.x1, k.to_string()))
        })
        .collect();
    st.header_hits[0] += act.len();
    let act_keys: Vec<&str> = act.iter().map(|a| a.2.as_str()).collect();
    let joined: String = texts.concat();
    // the active header's marker (信息内容) the row holds, if any
    let marker = schema
        .active
        .header_markers
        .iter()
        .find(|w| joined.contains(w.as_str()));
    if act.len() >= 2 {
        // rule `header_words_run_together`: words that name columns of no one block (a
        // column's words run into its neighbour's cell: 本年制发 | 件数本年 | 废止件数现行有效件数)
        // open the next block by the template's order, like a header whose words are garbled
        st.active_block =
            active_order::ActiveBlock::open(&schema.active, &act_keys).or_else(|| {
                active_order::ActiveBlock::by_order(
                    &schema.active,
                    &st.active_placed,
                    cells,
                    marker?,
                )
            });
        st.active_cols = Some(ColMap(act));
        st.active_unknown = None;
        return true;
    }
    // the header's column cells: its non-blank cells but the leftmost (the label column's, 信息内容)
    let col_cells: Vec<&String> = texts
        .iter()
        .filter(|s| !s.trim().is_empty())
        .skip(1)
        .collect();
    if !act.is_empty() && act.len() >= col_cells.len() {
        // a one-column header (本年处理决定数量)
        st.active_block = active_order::ActiveBlock::open(&schema.active, &act_keys);
        st.active_unknown = None;
        return true;
    }
    // the header's column cells read with confidence (a text layer, a dump, a sure OCR
    // reading): only such a header can be another wording rather than this one garbled
    let sure = cells
        .iter()
        .filter(|c| !c.text().trim().is_empty())
        .skip(1)
        .all(|c| c.confidence >= SURE_HEADER_CONFIDENCE);
    if (marker.is_some() || !act.is_empty())
        && names_no_column(&schema.active, &col_cells, &schema.format, sure)
    {
        // An active header that names none (or one of several) of this format's columns:
        // another format's, or none's.  The rows below it are not forced onto this format's
        // columns (the cells stay not_found, the report's error quotes the header).
        st.active_cols = None;
        st.active_block = None;
        st.active_unknown = Some(
            texts
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" | "),
        );
        return true;
    }
    if marker.is_some() {
        // a new block's heading (信息内容 | …): an earlier block's unknown header is not its own;
        // its column words garbled, it opens the template's next block
        st.active_unknown = None;
        st.active_block = schema.active.header_markers.iter().find_map(|m| {
            active_order::ActiveBlock::by_order(&schema.active, &st.active_placed, cells, m)
        });
        return true;
    }
    if appeals_leaf_hits(texts) >= 2 || appeals::reads_like_leaf_row(texts) {
        st.active_block = None;
        // header path of every grid column: the texts above it in this table, top to bottom
        let mut map = Vec::new();
        // columns whose group is legible but whose leaf is not (结果弓正, 计): (column, group)
        let mut unknown: Vec<(usize, &'static str)> = Vec::new();
        for c in 0..t.n_cols() {
            let mut path = String::new();
            let mut last: Option<*const Cell> = None;
            for rr in r.saturating_sub(3)..=r {
                let cell = t.cell_at(rr, c);
                if last != Some(cell as *const Cell) {
                    path.push_str(&cell.text());
                    path.push('/');
                    last = Some(cell as *const Cell);
                }
            }
            let path = path.trim_end_matches('/');
            if let Some(k) = appeals_col_key(path) {
                map.push((t.xs[c], t.xs[c + 1], k));
            } else if let Some(g) = appeals_col_group(path) {
                unknown.push((c, g));
            }
        }
        fill_appeals_leaves_by_position(t, &mut map, &unknown);
        let map = ColMap(map);
        if map.distinct_keys() >= 10 {
            st.header_hits[2] += map.distinct_keys();
            st.appeals_cols = Some(map);
        } else {
            // a leaf row too garbled, or its grid too broken, to name ten columns still says
            // which table this is: its legible leaf cells count as the table's header hits (a
            // row of 15 numbers below is then read by position, `assign_appeals`)
            st.header_hits[2] += appeals::legible_leaves(texts);
        }
        return true;
    }
    // other header-like rows (group headers of the appeals table, 申请人情况 ...)
    let all_text = !texts.is_empty() && texts.iter().all(|s| !values::is_value_like(s));
    let markers = schema
        .appeals
        .header_markers
        .iter()
        .chain(&schema.requests.header_markers);
    all_text && markers.into_iter().any(|w| joined.contains(w.as_str()))
}

/// A cell's text as a number of its template column: [`values::parse`], after dropping the
/// row's unit (`103.5万元` in a column headed 万元) and, in a column that prints a change
/// (`signed_cols`: 本年增/减), reading a leading `+` or `-` as the sign (`-253`).  A lone dash
/// stays the zero mark.
fn parse_for(raw: &str, row: &Row, col: &str) -> Parsed {
    let mut t = values::fold(raw);
    if let Some(u) = &row.unit
        && let Some(n) = t.strip_suffix(u.as_str())
        && !n.is_empty()
    {
        t = n.to_string();
    }
    if row.signed_cols.iter().any(|c| c == col) {
        let (neg, rest) = match t.chars().next() {
            Some('+') => (false, &t[1..]),
            Some(c @ ('-' | '\u{2212}' | '\u{2013}')) => (true, &t[c.len_utf8()..]),
            _ => (false, t.as_str()),
        };
        if rest.starts_with(|c: char| c.is_ascii_digit())
            && let Parsed::Number(n) = values::parse(rest)
        {
            return if neg && n.chars().any(|c| c != '0' && c != '.') {
                Parsed::Number(format!("-{n}"))
            } else {
                Parsed::Number(n)
            };
        }
    }
    values::parse(&t)
}

fn cell_for(
    cand: &Candidate,
    cell: &Cell,
    table: &str,
    row: &Row,
    col: &(String, String),
) -> MappedCell {
    let raw = cell.text();
    let (value, mut flags) = match parse_for(&raw, row, &col.0) {
        Parsed::Number(n) => (Some(n), vec![]),
        Parsed::Zero => (Some("0".to_string()), vec![]),
        Parsed::Text => (None, vec![Flag::Unparseable]),
    };
    if let Some(v) = &value
        && v.contains('.')
        && !row.decimal
    {
        flags.push(Flag::DecimalInCount);
    }
    if cand.method == Method::Stream {
        // rows and columns from text alignment alone are a guess worth a look
        flags.push(Flag::LayoutFromTextAlignment);
    }
    MappedCell {
        table: table.into(),
        row: row.key.clone(),
        col: col.0.clone(),
        value,
        raw,
        row_label: cand.label.clone(),
        col_label: col.1.clone(),
        page: Some(cand.page),
        bbox: Some(cell.bbox),
        method: cand.method,
        confidence: cell.confidence.min(if cand.method == Method::Stream {
            0.8
        } else {
            1.0
        }),
        word_confidence: cell.confidence,
        alternatives: cell.alternatives.clone(),
        flags,
    }
}

fn assign_active(cand: &Candidate, row: &Row, st: &mut State, out: &mut Vec<MappedCell>) {
    if !unknown_active_header(cand, st) {
        assign_active_by(cand, row, st.active_cols.as_ref(), out);
    }
}

/// Whether the active header above names none of the format's columns; if so the row is noted
/// in `st.unmatched` (its cells are not forced onto the format's columns).
fn unknown_active_header(cand: &Candidate, st: &mut State) -> bool {
    let Some(h) = &st.active_unknown else {
        return false;
    };
    let note = format!("{h} (row {})", cand.label.trim());
    if !st.unmatched.contains(&note) {
        st.unmatched.push(note);
    }
    true
}

/// An active row's cells by the header's columns `cols` (none: by position).
fn assign_active_by(cand: &Candidate, row: &Row, cols: Option<&ColMap>, out: &mut Vec<MappedCell>) {
    if row.cols.len() == 1 {
        // The row's one value is its first cell with text: a lattice cell merged across the
        // value columns repeats the same text, but a table rebuilt by text alignment (rulings
        // too faint to see) may split the value column and leave the number in a later one.
        // Different texts competing for the one value: taken by position, in doubt.
        let texts: Vec<String> = cand
            .value_cells
            .iter()
            .map(|c| c.text().trim().to_string())
            .collect();
        let first = texts.iter().position(|t| !t.is_empty()).unwrap_or(0);
        let mut m = cell_for(cand, cand.value_cells[first], "active", row, &row.cols[0]);
        if texts.iter().any(|t| !t.is_empty() && *t != texts[first]) {
            m.flag(Flag::ColumnByPosition);
        }
        out.push(m);
        return;
    }
    // No header columns, and blank cells before the row's values (false rulings through the
    // label column): the row's values are its last cells.
    let surplus = surplus_blanks(cand, row, cols.is_some());
    let cells = &cand.value_cells[surplus..];
    let by_header: Vec<Option<usize>> = cells
        .iter()
        .map(|cell| {
            cols.and_then(|m| m.key_for(&cell.bbox))
                .and_then(|k| row.cols.iter().position(|c| c.0 == k))
        })
        .collect();
    // A header that lost a column (OCR) maps the cells onto too few keys: when the row has
    // exactly the template's number of cells, position is then the better guide.
    let mut distinct: Vec<usize> = by_header.iter().flatten().copied().collect();
    distinct.sort();
    distinct.dedup();
    let n = cells.len();
    let positional = n == row.cols.len() && distinct.len() < n;
    let mut used = vec![false; row.cols.len()];
    // the output index of each cell placed
    let mut placed: Vec<Option<usize>> = vec![None; n];
    for (i, cell) in cells.iter().enumerate() {
        let idx = if positional { Some(i) } else { by_header[i] };
        if let Some(j) = idx
            && !used[j]
        {
            used[j] = true;
            let mut m = cell_for(cand, cell, "active", row, &row.cols[j]);
            if positional && (cols.is_some() || surplus > 0) {
                m.flag(Flag::ColumnByPosition);
            }
            placed[i] = Some(out.len());
            out.push(m);
        }
    }
    for i in print_beside_blank(cells, &placed) {
        if let Some(m) = placed[i].and_then(|k| out.get_mut(k)) {
            m.confidence = m.confidence.min(crate::verify::CAPPED);
            m.flag(Flag::LowConfidence);
        }
    }
}

/// Rule `print_in_no_column`: the cells (indexes into `cells`) placed blank beside a cell
/// that holds print but was placed in no column (`placed[i]` None): a false ruling cut the
/// value's cell in two, the print in a sliver the header's columns do not claim, so the blank
/// beside it is no honest 0.  Its reading is capped (`verify::CAPPED`) and flagged
/// `low_confidence` (a blank is no reading the confidence rules of verify look at).  An active
/// row printed 5 at a left-aligned cell's start, a stroke ruled between the 5 and the rest of
/// the cell, read blank, 0 at confidence 1.00.
fn print_beside_blank(cells: &[&Cell], placed: &[Option<usize>]) -> Vec<usize> {
    let blank = |i: usize| placed[i].is_some() && cells[i].text().trim().is_empty();
    let mut out = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        if placed[i].is_some() || c.text().trim().is_empty() {
            continue;
        }
        for j in [i.wrapping_sub(1), i + 1] {
            if j < cells.len() && blank(j) && !out.contains(&j) {
                out.push(j);
            }
        }
    }
    out
}

/// Blank cells at the start of an active row's value cells that are no values of it: with no
/// active header in sight, a row with more value cells than its template row has columns, all
/// those first cells blank (a comb of false rulings through the label column cuts it into
/// blank cells, which the row split takes for values printed blank).  Labels stand left of the
/// values, so the values are the row's last cells.  0 otherwise (`header_cols`: the row is
/// read by a header's columns).
fn surplus_blanks(cand: &Candidate, row: &Row, header_cols: bool) -> usize {
    let n = cand.value_cells.len();
    let k = row.cols.len();
    if header_cols || n <= k {
        return 0;
    }
    let extra = n - k;
    if cand.value_cells[..extra]
        .iter()
        .all(|c| c.text().trim().is_empty())
    {
        extra
    } else {
        0
    }
}

fn assign_requests(cand: &Candidate, row: &Row, st: &State, out: &mut Vec<MappedCell>) {
    let n = row.cols.len();
    let mut used = vec![false; n];
    let cells = &without_slivers(&cand.value_cells);
    let by_map: Vec<Option<usize>> = cells
        .iter()
        .map(|c| {
            st.req_cols
                .as_ref()
                .and_then(|m| m.key_for(&c.bbox))
                .and_then(|k| row.cols.iter().position(|x| x.0 == k))
        })
        .collect();
    let mapped = by_map.iter().filter(|m| m.is_some()).count();
    // A header under which two cells of the row fall in one column does not describe the row
    // (a text dump's header whose merged cells, 自然人 and 总计 over two rows, lost their place):
    // like a header that lost a column, it gives way to the template's order when the row has
    // one cell per column.
    let one_column_twice = by_map
        .iter()
        .enumerate()
        .any(|(i, m)| m.is_some() && by_map[..i].contains(m));
    let positional = (mapped < n.min(cells.len()) || one_column_twice) && cells.len() == n;
    for (i, cell) in cells.iter().enumerate() {
        let j = if positional { Some(i) } else { by_map[i] };
        if let Some(j) = j
            && !used[j]
        {
            used[j] = true;
            let mut m = cell_for(cand, cell, "requests", row, &row.cols[j]);
            if positional || st.req_cols_from_rows {
                m.flag(Flag::ColumnByPosition);
            } else if st
                .req_cols_by_order
                .as_ref()
                .is_some_and(|(_, keys)| keys.contains(&m.col))
            {
                m.flag(Flag::ColumnByHeaderOrder);
            }
            out.push(m);
        }
    }
    // A cell below no header column (the header's cell for it was not legible: 总计 garbled)
    // takes the one template column between its mapped neighbours' that the header left
    // without a range and no cell took: `… 其他 | ?` is 总计.  A run of such cells takes as
    // many such columns, in order: `… 法律服务机构 | ? | ?` is 其他, 总计 (the header's
    // cells for both were lost into a merged title cell); a longer run than there are such
    // columns gives its one column, if that is all there is, to its first cell.
    if !positional && let Some(map) = st.req_cols.as_ref() {
        let in_map = |j: usize| map.0.iter().any(|(_, _, k)| *k == row.cols[j].0);
        let mut i = 0;
        while i < cells.len() {
            if by_map[i].is_some() {
                i += 1;
                continue;
            }
            let end = (i..cells.len())
                .find(|&e| by_map[e].is_some())
                .unwrap_or(cells.len());
            let lo = by_map[..i]
                .iter()
                .rev()
                .find_map(|m| *m)
                .map_or(0, |p| p + 1);
            let hi = by_map[end..].iter().find_map(|m| *m).unwrap_or(n);
            let free: Vec<usize> = (lo..hi.max(lo))
                .filter(|&j| !used[j] && !in_map(j))
                .collect();
            let take: Vec<(usize, usize)> = if free.len() == end - i {
                (i..end).zip(free).collect()
            } else if let [j] = free[..] {
                vec![(i, j)]
            } else {
                Vec::new()
            };
            for (k, j) in take {
                used[j] = true;
                let mut m = cell_for(cand, cells[k], "requests", row, &row.cols[j]);
                m.flag(Flag::ColumnByPosition);
                out.push(m);
            }
            i = end;
        }
    }
    // A blank cell over several header columns (rulings lost between blank cells leave no ink
    // to restore them by) is blank in each column it covers: nothing is printed there.
    if positional {
        return;
    }
    let Some(map) = st.req_cols.as_ref() else {
        return;
    };
    for cell in cells.iter().filter(|c| c.text().trim().is_empty()) {
        for (x0, x1, k) in &map.0 {
            let covered =
                (x1.min(cell.bbox.x1) - x0.max(cell.bbox.x0)).max(0.0) / (x1 - x0).max(0.1);
            if let Some(j) = row.cols.iter().position(|c| &c.0 == k)
                && covered >= BLANK_COVER
                && !used[j]
            {
                used[j] = true;
                out.push(cell_for(cand, cell, "requests", row, &row.cols[j]));
            }
        }
    }
}

/// How much of a header column a blank merged cell must cover to be blank in that column:
/// most of it (a neighbour's edge overlapping a little is no cover).
const BLANK_COVER: f32 = 0.7;

/// A blank value cell narrower than this fraction of the row's median value cell is a sliver
/// between a column edge and a spurious ruling (a heading's strokes or a seal's arc read as a
/// ruling), not a column of its own: the template's columns are of similar widths.
const SLIVER: f32 = 0.3;

/// The value cells without the blank slivers ([`SLIVER`]).
fn without_slivers<'a>(value_cells: &[&'a Cell]) -> Vec<&'a Cell> {
    let mut widths: Vec<f32> = value_cells.iter().map(|c| c.bbox.width()).collect();
    widths.sort_by(f32::total_cmp);
    let median = widths.get(widths.len() / 2).copied().unwrap_or(0.0);
    value_cells
        .iter()
        .copied()
        .filter(|c| !(c.text().trim().is_empty() && c.bbox.width() < SLIVER * median))
        .collect()
}

fn assign_appeals(cand: &Candidate, st: &State, def: &TableDef, out: &mut Vec<MappedCell>) {
    let row = &def.rows[0];
    let cells = without_slivers(&cand.value_cells);
    // a cell whose column the groups' sums chose, not its header
    let by_sum = |cell: &Cell, col: &(String, String)| {
        let mut m = cell_for(cand, cell, "appeals", row, col);
        m.row_label = row.label.clone();
        m.flag(Flag::ColumnByPosition);
        m.flag(Flag::GroupBySum);
        m
    };
    // a blank cell too many, left out by the groups' sums: the rest go by position
    if let Some(rest) = appeals::without_a_blank_by_sums(&cells) {
        out.extend(
            rest.iter()
                .zip(&row.cols)
                .map(|(cell, col)| by_sum(cell, col)),
        );
        return;
    }
    // (column, whether the header map took it from its position)
    let by_header: Vec<Option<(usize, bool)>> = cells
        .iter()
        .map(|cell| {
            let k = st
                .appeals_cols
                .as_ref()
                .and_then(|m| m.key_for(&cell.bbox))?;
            let named = k.trim_start_matches(BY_POSITION);
            row.cols
                .iter()
                .position(|x| x.0 == named)
                .map(|j| (j, named.len() != k.len()))
        })
        .collect();
    // As many cells as the template's columns, and every column the header names where the
    // template order puts it: the cells are the columns in order, including those whose header
    // OCR garbled (flagged `column_by_position` unless the header named them).  A header
    // cell over several columns (the ruling between two leaves lost: `总计结果维持`) names
    // one column for all the cells below it, which is no disagreement.
    let shared = |j: usize| {
        by_header
            .iter()
            .filter(|k| k.is_some_and(|(o, _)| o == j))
            .count()
            > 1
    };
    let positional = cells.len() == row.cols.len()
        && by_header
            .iter()
            .enumerate()
            .all(|(i, k)| k.is_none_or(|(j, _)| j == i || shared(j)));
    if st.appeals_cols.is_none() && !positional {
        // neither header nor position: the groups the sums place at the row's ends
        let n = APPEALS_LEAVES.len();
        for (g, start) in appeals::ends_by_sums(&cells) {
            let cols = &row.cols[g * n..(g + 1) * n];
            out.extend(
                cells[start..start + n]
                    .iter()
                    .zip(cols)
                    .map(|(cell, col)| by_sum(cell, col)),
            );
        }
        return;
    }
    for (i, cell) in cells.iter().enumerate() {
        let j = if positional {
            Some(i)
        } else {
            by_header[i].map(|(j, _)| j)
        };
        if let Some(j) = j {
            let mut m = cell_for(cand, cell, "appeals", row, &row.cols[j]);
            m.row_label = row.label.clone();
            if by_header[i].is_none_or(|(j, by_position)| by_position || (positional && j != i)) {
                m.flag(Flag::ColumnByPosition);
            }
            out.push(m);
        }
    }
}

/// Put the assigned cells in template order; derive or mark what is missing.
fn assemble(
    schema: &Schema,
    assigned: Vec<MappedCell>,
    collapsed: Vec<(String, Candidate)>,
) -> Mapping {
    let mut m = Mapping::default();
    for (ti, def) in schema.tables().into_iter().enumerate() {
        for (row, col) in def.cells() {
            let mut hits = assigned
                .iter()
                .filter(|c| c.table == def.key && c.row == row.key && c.col == col.0);
            let cell = match hits.next() {
                Some(first) => {
                    let mut c = first.clone();
                    if hits.any(|o| o.value != first.value) {
                        c.flag(Flag::ConflictingDuplicate);
                    }
                    m.read += 1;
                    m.found[ti] = true;
                    c
                }
                None => derived_or_missing(def, row, col, &collapsed),
            };
            m.cells.push(cell);
        }
    }
    m
}

/// Confidence of a collapsed group's sub-rows derived as 0 when some of the group's zeros
/// were read as look-alikes (rule `lookalike_zero_group` in [`derived_or_missing`]).
const LOOKALIKE_ZERO_GROUP: f32 = 0.5;

fn derived_or_missing(
    def: &TableDef,
    row: &Row,
    col: &(String, String),
    collapsed: &[(String, Candidate)],
) -> MappedCell {
    let mut c = MappedCell {
        table: def.key.clone(),
        row: row.key.clone(),
        col: col.0.clone(),
        value: None,
        raw: String::new(),
        row_label: row.label.clone(),
        col_label: col.1.clone(),
        page: None,
        bbox: None,
        method: Method::Missing,
        confidence: 0.0,
        word_confidence: 0.0,
        alternatives: vec![],
        flags: vec![],
    };
    let group = row.group.as_deref().unwrap_or("");
    if let Some((_, cand)) = collapsed.iter().find(|(g, _)| g == group) {
        // The report prints the group as one row.  Its sub-rows are 0 only when that row is all
        // zeros; otherwise the split is unknown and nothing is invented.
        let zero = |t: &str| match values::parse(t) {
            Parsed::Zero => true,
            Parsed::Number(n) => n == "0",
            Parsed::Text => false,
        };
        let all_zero = cand.value_cells.iter().all(|v| zero(&v.text()));
        // rule `lookalike_zero_group`: a zero read as a look-alike (Q. for 0) among the
        // group's zeros makes its sub-rows 0 in doubt, not unknown
        let zero_in_doubt = !all_zero
            && cand.value_cells.iter().all(|v| {
                let t = v.text();
                zero(&t) || values::cleaned_number(&t, false).as_deref() == Some("0")
            });
        c.page = Some(cand.page);
        c.row_label = cand.label.clone();
        c.method = Method::Derived;
        if all_zero || zero_in_doubt {
            c.value = Some("0".into());
            c.confidence = if all_zero { 1.0 } else { LOOKALIKE_ZERO_GROUP };
            c.flag(Flag::DerivedZeroGroup);
            if zero_in_doubt {
                c.flag(Flag::LowConfidence);
            }
        } else {
            c.flag(Flag::UnknownNonzeroGroup);
        }
    } else {
        c.flag(Flag::NotFound);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_folding() {
        assert_eq!(
            norm_label("1、 本机关不掌握相关政府信息"),
            "1.本机关不掌握相关政府信息"
        );
        assert_eq!(norm_label("（一）予以公开"), "(一)予以公开");
        assert_eq!(norm_label("(一)予以公开"), "(一)予以公开");
        assert_eq!(norm_label("3.危及“三安全一稳定”"), "3.危及三安全一稳定");
        assert_eq!(norm_label("总 计"), "总计");
    }

    #[test]
    fn a_ruling_remnant_read_as_bars_beside_a_label_is_no_part_of_it() {
        let s = crate::schema::schema();
        // two bars cost the garbled label its row (0.59 < REQUESTS_LABEL_MIN); without them it
        // names 1.属于国家秘密
        assert_eq!(norm_label("||工品于国家秘密"), "工品于国家秘密");
        let (row, sim) = best_row(&s.requests, "||工品于国家秘密").unwrap();
        assert_eq!(row.key, "denied_state_secret");
        assert!(sim >= REQUESTS_LABEL_MIN, "{sim}");
        // bars alone are no label at all
        assert!(best_row(&s.requests, "||").is_none_or(|(_, s)| s == 0.0));
    }

    #[test]
    fn typo_still_matches_its_row_and_no_other() {
        let s = crate::schema::schema();
        let (row, sim) = best_row(&s.requests, "2.其他法律行政止公开").unwrap();
        assert_eq!(row.key, "denied_law_forbidden");
        assert!(sim > 0.8);
        let (row, _) = best_row(&s.requests, "（七）总计").unwrap();
        assert_eq!(row.key, "total_processed");
        let (row, _) = best_row(&s.requests, "3.其他").unwrap();
        assert_eq!(row.key, "other_other");
        // rule `numbering_names_no_row`: a numbering alone (a value read `3.`) names none
        for numbering in ["3.", "(2)", "3", "12."] {
            assert!(best_row(&s.requests, numbering).is_none(), "{numbering}");
        }
        let (_, sim) = best_row(&s.requests, "行政许可").unwrap();
        assert!(sim < 0.6);
    }

    /// The key of the active row (2021 format) a label names.
    fn active_key(label: &str) -> Option<&'static str> {
        active_row(&crate::schema::schema().active, label).map(|r| r.key.as_str())
    }

    #[test]
    fn short_active_label_with_one_misread_glyph() {
        assert_eq!(active_key("行政处训"), Some("punishment"));
        assert_eq!(active_key("行政许可"), Some("licensing"));
        assert_eq!(active_key("行政复议"), None);
    }

    #[test]
    fn an_active_label_as_like_two_rows_names_neither() {
        // one glyph off 行政许可 and one glyph off 行政处罚
        assert_eq!(active_key("行政处可"), None);
        // like 行政处罚 only
        assert_eq!(active_key("行政处可罚"), Some("punishment"));
        assert_eq!(active_key("行致许可"), Some("licensing"));
        // a label that holds a row's whole label names it whatever else it is like
        assert_eq!(active_key("行政许可事项"), Some("licensing"));
    }

    #[test]
    fn column_headers() {
        assert_eq!(
            header_col_key(&crate::schema::schema().requests, "社会公益组织"),
            Some("social_welfare")
        );
        assert_eq!(
            header_col_key(&crate::schema::schema().requests, "法人或其他组织"),
            None
        );
        assert_eq!(
            header_col_key(&crate::schema::schema().requests, "其他"),
            Some("other_org")
        );
        assert_eq!(
            header_col_key(&crate::schema::schema().requests, "科研机鬼"),
            Some("research")
        );
        assert_eq!(
            appeals_col_key("行政复议/结果纠稚").as_deref(),
            Some("review_corrected")
        );
        assert_eq!(
            appeals_col_key("行政复议/计").as_deref(),
            Some("review_total")
        );
        assert_eq!(
            appeals_col_key("行政诉讼/复议后起诉/结果纠正").as_deref(),
            Some("litigation_after_review_corrected")
        );
        assert_eq!(
            appeals_col_key("行政诉讼/未经复议直接起诉/总计").as_deref(),
            Some("litigation_direct_total")
        );
        assert_eq!(
            appeals_col_key("行政复议/尚未审结").as_deref(),
            Some("review_pending")
        );
        assert_eq!(active_key("行政规范性文件"), Some("normative_documents"));
        assert_eq!(active_key("规章"), Some("regulations"));
    }
    #[test]
    fn signed_and_unit_columns_of_the_2019_template() {
        let s = crate::schema::by_format("annual-report-2019").unwrap();
        let lic = s.active.row("licensing").unwrap();
        assert_eq!(
            parse_for("+3", lic, "items_change"),
            Parsed::Number("3".into())
        );
        assert_eq!(
            parse_for("-253", lic, "items_change"),
            Parsed::Number("-253".into())
        );
        // a lone dash is the zero mark, a minus zero is zero
        assert_eq!(parse_for("-", lic, "items_change"), Parsed::Zero);
        assert_eq!(
            parse_for("-0", lic, "items_change"),
            Parsed::Number("0".into())
        );
        // a sign where the template prints no change is not a number
        assert_eq!(parse_for("+3", lic, "decisions"), Parsed::Text);
        let proc = s.active.row("procurement").unwrap();
        assert_eq!(
            parse_for("103.3879万元", proc, "amount_10k_yuan"),
            Parsed::Number("103.3879".into())
        );
        // the unit alone is no number, and a row without a unit keeps it as text
        assert_eq!(parse_for("万元", proc, "amount_10k_yuan"), Parsed::Text);
        assert_eq!(parse_for("5万元", lic, "decisions"), Parsed::Text);
    }

    #[test]
    fn an_active_header_naming_no_column_of_the_format_is_not_forced() {
        // 2019 headers under the 2021 template: the rows below are not read
        let rows = vec![
            vec![
                "信息内容",
                "本年新制作数量",
                "本年新公开数量",
                "对外公开总数量",
            ],
            vec!["规章", "1", "2", "3"],
        ];
        let m = map_tables(&[grid(&rows)], crate::schema::schema());
        assert!(
            m.get("active", "regulations", "repealed")
                .unwrap()
                .value
                .is_none()
        );
        assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
        // the same under the 2019 template, and under its own header in 2021
        let m19 = map_tables(
            &[grid(&rows)],
            crate::schema::by_format("annual-report-2019").unwrap(),
        );
        assert_eq!(
            m19.get("active", "regulations", "new_published")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
        let rows21 = vec![
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["规章", "1", "2", "3"],
        ];
        let m = map_tables(&[grid(&rows21)], crate::schema::schema());
        assert_eq!(
            m.get("active", "regulations", "repealed")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
        assert!(m.notes.is_empty());
        // no header at all (a photo of the rows): by position, as before
        let m = map_tables(&[grid(&rows[1..])], crate::schema::schema());
        assert_eq!(
            m.get("active", "regulations", "repealed")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
    }

    #[test]
    fn which_active_headers_name_no_column() {
        let s21 = crate::schema::schema();
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let no = |def: &TableDef, v: &[&str], f: &str| {
            names_no_column(def, &h(v).iter().collect::<Vec<_>>(), f, true)
        };
        // another format's columns
        assert!(no(
            &s21.active,
            &["上一年项目数量", "本年增/减", "处理决定数量"],
            &s21.format
        ));
        // none of any format's
        assert!(no(
            &s21.active,
            &["本年印发数量", "本年清理数量", "累计数量"],
            &s21.format
        ));
        // OCR garbled the format's own: still read
        assert!(!no(&s21.active, &["本年处理雇定数量"], &s21.format));
        assert!(!no(
            &s21.active,
            &["本年制友件数", "本年废比件数", "现行有郊件数"],
            &s21.format
        ));
        // a one-column header of no format is still read (a single garbled header says nothing)
        assert!(!no(&s21.active, &["本年收费金笑"], &s21.format));
        // an unsure OCR reading of words no format has is this format's header garbled
        let unsure = h(&["六年三估任数", "二后证止从时", "现行有元均承"]);
        assert!(!names_no_column(
            &s21.active,
            &unsure.iter().collect::<Vec<_>>(),
            &s21.format,
            false
        ));
        // but an unsure reading of another format's words is still that format's
        let other = h(&["上一年项目数量", "本年增/减", "处理决定数量"]);
        assert!(names_no_column(
            &s21.active,
            &other.iter().collect::<Vec<_>>(),
            &s21.format,
            false
        ));
    }

    #[test]
    fn a_group_printed_as_one_row_under_the_columns_is_the_group_its_lookalike_zero_in_doubt() {
        let group = |v: &'static str| {
            let mut rows = vec![HEADER.to_vec()];
            rows.push(row("一、本年新收政府信息公开申请数量", "0"));
            rows.push(vec!["（六）其他处理", "0", "0", "0", v, "0", "0", "0"]);
            rows.push(row("（七）总计", "0"));
            map_document(&[grid_at(&rows, 0.6)])
        };
        // Q. is a zero read as a look-alike: the three sub-rows are 0, in doubt
        let m = group("Q.");
        for r in [
            "other_overdue_correction",
            "other_overdue_fee",
            "other_other",
        ] {
            let c = m.get("requests", r, "social_welfare").unwrap();
            assert_eq!(c.value.as_deref(), Some("0"), "{r}");
            assert!(
                c.flags.contains(&Flag::DerivedZeroGroup),
                "{r} {:?}",
                c.flags
            );
            assert!(c.flags.contains(&Flag::LowConfidence), "{r} {:?}", c.flags);
        }
        // read as 0, the sub-rows are 0 without doubt
        let c = group("0");
        let c = c.get("requests", "other_overdue_fee", "total").unwrap();
        assert_eq!(c.value.as_deref(), Some("0"));
        assert!(!c.flags.contains(&Flag::LowConfidence), "{:?}", c.flags);
        // a reading that is some other number leaves the sub-rows unknown
        for v in ["Q8", "3"] {
            let m = group(v);
            let c = m.get("requests", "other_overdue_fee", "total").unwrap();
            assert_eq!(c.value, None, "{v}");
            assert!(
                c.flags.contains(&Flag::UnknownNonzeroGroup),
                "{v} {:?}",
                c.flags
            );
        }
    }

    #[test]
    fn one_header_cell_does_not_decide_the_format() {
        // a garbled 2019 header: one column legible ("新公开"), the rest noise
        let act = vec![
            vec!["信息内容", "。改作数", "本年新公开数量", "现行有"],
            vec!["规章", "1", "2", "3"],
        ];
        let m = map_document(&[grid_at(&act, 0.6)]);
        assert_eq!(m.format(), "annual-report-2021");
        // two legible columns decide it
        let act = vec![
            vec!["信息内容", "本年新制作数量", "本年新公开数量", "现行有"],
            vec!["规章", "1", "2", "3"],
        ];
        assert_eq!(
            map_document(&[grid_at(&act, 0.6)]).format(),
            "annual-report-2019"
        );
    }

    #[test]
    fn the_format_is_chosen_per_table_from_the_headers() {
        let act19 = vec![
            vec![
                "信息内容",
                "本年新制作数量",
                "本年新公开数量",
                "对外公开总数量",
            ],
            vec!["规章", "1", "2", "3"],
        ];
        let m = map_document(&[grid(&act19)]);
        assert_eq!(m.format(), "annual-report-2019");
        assert_eq!(
            m.get("active", "regulations", "new_published")
                .unwrap()
                .value
                .as_deref(),
            Some("2")
        );
        assert!(m.get("active", "regulations", "repealed").is_none());
        // checks come from the chosen formats: 2019's results_total sums （六）其他处理 as one row
        let results = crate::checks::evaluate(&m)
            .into_iter()
            .find(|c| c.check == "results_total")
            .unwrap();
        assert_eq!(results.parts, 19);
        let act21 = vec![
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["规章", "1", "2", "3"],
        ];
        let m = map_document(&[grid(&act21)]);
        assert_eq!(m.format(), "annual-report-2021");
        assert_eq!(
            crate::checks::evaluate(&m)
                .into_iter()
                .find(|c| c.check == "results_total")
                .unwrap()
                .parts,
            21
        );
        // a 2021 requests table printing （六）其他处理 as one row stays 2021 beside a 2021 active table
        let mut rows = act21.clone();
        rows.push(HEADER.to_vec());
        rows.push(row("（六）其他处理", "0"));
        let m = map_document(&[grid(&rows)]);
        assert_eq!(m.formats, ["annual-report-2021"; 3]);
        assert!(
            m.get("requests", "other_other", "total")
                .unwrap()
                .flags
                .contains(&Flag::DerivedZeroGroup)
        );
        // a 2019 report printing （六）'s three sub-rows: its requests table is 2021's, said so
        let mut rows = act19.clone();
        rows.push(HEADER.to_vec());
        rows.push(row(
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "1",
        ));
        rows.push(row(
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "0",
        ));
        rows.push(row("3.其他", "0"));
        let m = map_document(&[grid(&rows)]);
        assert_eq!(m.format(), "annual-report-2019");
        assert_eq!(m.formats[1], "annual-report-2021");
        assert!(
            m.notes.iter().any(|n| n.contains("two formats")),
            "{:?}",
            m.notes
        );
    }

    /// A ruled grid: a label column 100 wide, then value columns 20 wide; one cell per text.
    /// [`grid`] with every cell read at `confidence` (OCR's, not a text layer's certainty).
    pub(super) fn grid_at(rows: &[Vec<&str>], confidence: f32) -> Table {
        let mut t = grid(rows);
        for c in &mut t.cells {
            c.confidence = confidence;
        }
        t
    }

    pub(super) fn grid(rows: &[Vec<&str>]) -> Table {
        let n_cols = rows.iter().map(|r| r.len()).max().unwrap_or(1);
        let xs: Vec<f32> = (0..=n_cols)
            .map(|c| {
                if c == 0 {
                    0.0
                } else {
                    100.0 + 20.0 * (c - 1) as f32
                }
            })
            .collect();
        let ys: Vec<f32> = (0..=rows.len()).map(|r| 10.0 * r as f32).collect();
        let mut cells = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for c in 0..n_cols {
                let text = row.get(c).copied().unwrap_or("");
                cells.push(Cell {
                    r0: r,
                    r1: r + 1,
                    c0: c,
                    c1: c + 1,
                    bbox: BBox {
                        x0: xs[c],
                        y0: ys[r],
                        x1: xs[c + 1],
                        y1: ys[r + 1],
                    },
                    words: vec![],
                    lines: if text.is_empty() {
                        vec![]
                    } else {
                        vec![text.to_string()]
                    },
                    confidence: 0.9,
                    alternatives: vec![],
                });
            }
        }
        let index = (0..cells.len()).collect();
        Table {
            page: 1,
            bbox: BBox {
                x0: 0.0,
                y0: 0.0,
                x1: xs[n_cols],
                y1: ys[rows.len()],
            },
            xs,
            ys,
            cells,
            index,
            method: "lattice",
        }
    }

    const HEADER: [&str; 8] = [
        "",
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];

    fn row<'a>(label: &'a str, v: &'a str) -> Vec<&'a str> {
        let mut r = vec![label];
        r.extend(std::iter::repeat_n(v, 7));
        r
    }

    #[test]
    fn print_in_no_column_puts_the_blank_beside_it_in_doubt() {
        // 2 | 5 (a sliver no header column claims) | blank | 95
        let t = grid(&[vec!["2", "5", "", "95"]]);
        let cells = row_cells(&t, 0);
        let placed = [Some(0), None, Some(1), Some(2)];
        assert_eq!(super::print_beside_blank(&cells, &placed), vec![2]);
        // must not: the sliver holds no print, or the cell beside it is not blank
        let t = grid(&[vec!["2", "", "", "95"]]);
        assert!(super::print_beside_blank(&row_cells(&t, 0), &placed).is_empty());
        let t = grid(&[vec!["2", "5", "7", "95"]]);
        assert!(super::print_beside_blank(&row_cells(&t, 0), &placed).is_empty());
        // a cell placed in a column is no such print, whatever it holds
        let t = grid(&[vec!["2", "5", "", "95"]]);
        let all = [Some(0), Some(1), Some(2), Some(3)];
        assert!(super::print_beside_blank(&row_cells(&t, 0), &all).is_empty());
    }

    fn mapped(rows: &[Vec<&str>]) -> Mapping {
        let mut all = vec![HEADER.to_vec()];
        all.extend(rows.iter().cloned());
        map_tables(&[grid(&all)], crate::schema::schema())
    }

    #[test]
    fn a_header_with_two_cells_under_one_column_gives_way_to_template_order() {
        let cols = [
            "natural_person",
            "commercial",
            "research",
            "social_welfare",
            "legal_services",
            "other_org",
            "total",
        ];
        let values = |m: &Mapping| -> Vec<(String, bool)> {
            cols.iter()
                .map(|c| {
                    let x = m.get("requests", "new_received", c).unwrap();
                    (
                        x.value.clone().unwrap_or_default(),
                        x.flags.contains(&Flag::ColumnByPosition),
                    )
                })
                .collect()
        };
        let data = vec![
            "一、本年新收政府信息公开申请数量",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "21",
        ];
        // a web copy's leaf row: 商业企业 over the first three value columns, 自然人 and 总计 lost
        let shifted = vec![
            "",
            "商业企业",
            "商业企业",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
        ];
        let m = map_tables(&[grid(&[shifted, data.clone()])], crate::schema::schema());
        let want = ["1", "2", "3", "4", "5", "6", "21"];
        assert_eq!(
            values(&m),
            want.iter()
                .map(|v| (v.to_string(), true))
                .collect::<Vec<_>>()
        );
        // a header that names every column once: taken as named, no doubt about the columns
        let m = map_tables(&[grid(&[HEADER.to_vec(), data])], crate::schema::schema());
        assert_eq!(
            values(&m),
            want.iter()
                .map(|v| (v.to_string(), false))
                .collect::<Vec<_>>()
        );
    }

    fn req<'m>(m: &'m Mapping, row: &str) -> &'m MappedCell {
        m.get("requests", row, "natural_person").unwrap()
    }

    const GROUPS: [&str; 3] = ["行政复议", "未经复议直接起诉", "复议后起诉"];

    fn appeals(leaves: &[&str], values: &[&str]) -> Table {
        let mut top = vec![];
        for g in GROUPS {
            top.extend([g; 5]);
        }
        grid(&[top, leaves.to_vec(), values.to_vec()])
    }

    const VALUES: [&str; 15] = [
        "1", "2", "3", "4", "10", "5", "6", "7", "8", "26", "9", "11", "12", "13", "45",
    ];

    fn appeals_values(m: &Mapping) -> Vec<Option<&str>> {
        m.cells
            .iter()
            .filter(|c| c.table == "appeals")
            .map(|c| c.value.as_deref())
            .collect()
    }

    /// The appeals leaf row as printed: the five leaves under each of the three groups.
    fn leaf_row() -> Vec<&'static str> {
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            .iter()
            .cycle()
            .take(15)
            .copied()
            .collect()
    }

    #[test]
    fn a_number_with_a_speck_ends_the_value_run_only_right_of_a_value() {
        let split = |texts: &[&str], confidence: f32| {
            let t = grid_at(&[texts.to_vec()], confidence);
            let cells = row_cells(&t, 0);
            let (l, v) = split_row(&cells);
            (l.len(), v.len())
        };
        assert_eq!(split(&["不予公开", "3", "45。"], 0.9), (1, 2));
        // alone after a label it is no value run; nor is a text layer's (certain) mark
        assert_eq!(split(&["不予公开", "45。"], 0.9), (2, 0));
        assert_eq!(split(&["不予公开", "3", "45。"], 1.0), (3, 0));
    }

    #[test]
    fn appeals_values_under_a_leaf_cell_merged_over_three_columns_go_by_position() {
        // a seal took the rulings between the last three leaves (one cell, read as a mark),
        // and a speck beside the last value was read with it: the row's last cell is a value
        // (the third group's heading and leaves garbled: no header column stands over them)
        let mut top = vec![];
        for g in ["行政复议", "未经复议直接起诉", "行政诛仙全议后如"] {
            top.extend([g; 5]);
        }
        let mut leaves = leaf_row();
        leaves[10..13].copy_from_slice(&["结困维将", "结朱、开", "?"]);
        let mut values = VALUES;
        values[14] = "45。";
        let mut t = grid(&[top, leaves, values.to_vec()]);
        let at = |t: &Table, c: usize| t.index[t.n_cols() + c];
        for c in [13, 14] {
            let (a, b) = (at(&t, 12), at(&t, c));
            assert!(t.merge_cells(a, b, &[]));
        }
        let m = map_tables(&[t], crate::schema::schema());
        let got = appeals_values(&m);
        assert_eq!(
            &got[..14],
            &VALUES[..14].iter().map(|v| Some(*v)).collect::<Vec<_>>()[..],
            "{got:?}"
        );
        let last = m
            .get("appeals", "cases", "litigation_after_review_total")
            .unwrap();
        assert_eq!(last.raw, "45。");
        for key in [
            "litigation_after_review_other",
            "litigation_after_review_pending",
        ] {
            let c = m.get("appeals", "cases", key).unwrap();
            assert!(
                c.flags.contains(&Flag::ColumnByPosition),
                "{key} {:?}",
                c.flags
            );
        }
    }

    #[test]
    fn appeals_values_under_a_leaf_cell_over_two_columns_go_by_position() {
        // the ruling between the direct lawsuits' 总计 and the next group's 结果维持 lost: the
        // header map names one column over both cells below that header cell
        let def = &crate::schema::schema().appeals;
        let keys: Vec<String> = def.rows[0].cols.iter().map(|c| c.0.clone()).collect();
        let x = |i: usize| 100.0 + 20.0 * i as f32;
        let mut map: Vec<(f32, f32, String)> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            match i {
                9 => map.push((x(9), x(11), k.clone())),
                10 => {}
                _ => map.push((x(i), x(i + 1), k.clone())),
            }
        }
        let mut printed = vec![""];
        printed.extend(VALUES);
        let t = grid(&[printed]);
        let cells: Vec<&Cell> = row_cells(&t, 0)[1..].to_vec();
        let cand = Candidate {
            value_cells: cells,
            label: String::new(),
            page: 1,
            method: Method::Lattice,
        };
        let st = State {
            appeals_cols: Some(ColMap(map.clone())),
            ..State::default()
        };
        let mut out = Vec::new();
        assign_appeals(&cand, &st, def, &mut out);
        let got: Vec<(&str, Option<&str>)> = out
            .iter()
            .map(|c| (c.col.as_str(), c.value.as_deref()))
            .collect();
        let want: Vec<(&str, Option<&str>)> = keys
            .iter()
            .map(|k| k.as_str())
            .zip(VALUES.iter().map(|v| Some(*v)))
            .collect();
        assert_eq!(got, want);
        assert!(
            out[10].flags.contains(&Flag::ColumnByPosition),
            "{:?}",
            out[10].flags
        );
        assert!(!out[0].flags.contains(&Flag::ColumnByPosition));
        // a header that names a column elsewhere than its position is no such case
        (map[0].2, map[1].2) = (keys[1].clone(), keys[0].clone());
        let st = State {
            appeals_cols: Some(ColMap(map)),
            ..State::default()
        };
        let mut out = Vec::new();
        assign_appeals(&cand, &st, def, &mut out);
        assert_eq!(
            (out[0].col.as_str(), out[0].value.as_deref()),
            (keys[1].as_str(), Some("1"))
        );
    }

    #[test]
    fn a_seal_over_three_values_of_the_appeals_row_leaves_the_rest_read() {
        let leaves = leaf_row();
        // twelve printed numbers, three cells under a seal read as text
        let mut values = VALUES;
        values[12..].copy_from_slice(&["有", "经人", "专虹草"]);
        let m = map_tables(&[appeals(&leaves, &values)], crate::schema::schema());
        let got = appeals_values(&m);
        assert_eq!(got.len(), 15, "{got:?}");
        assert_eq!(
            &got[..12],
            &VALUES[..12].iter().map(|v| Some(*v)).collect::<Vec<_>>()[..]
        );
        // the garbled cells are not guessed: no value, flagged
        for key in [
            "litigation_after_review_other",
            "litigation_after_review_total",
        ] {
            let c = m.get("appeals", "cases", key).unwrap();
            assert_eq!(c.value, None);
            assert!(c.flags.contains(&Flag::Unparseable), "{:?}", c.flags);
        }
        // three garbled cells among mostly blank ones are no value row: only the review
        // group, whose five numbers sum, is read (by that sum, and flagged so)
        let mut sparse = [""; 15];
        sparse[..7].copy_from_slice(&VALUES[..7]);
        sparse[12..].copy_from_slice(&["有", "经人", "专虹草"]);
        let m = map_tables(&[appeals(&leaves, &sparse)], crate::schema::schema());
        let got = appeals_values(&m);
        assert!(got[5..].iter().all(|v| v.is_none()), "{got:?}");
        for c in m
            .cells
            .iter()
            .filter(|c| c.table == "appeals" && c.value.is_some())
        {
            assert!(c.col.starts_with("review_"), "{c:?}");
            assert!(c.flags.contains(&Flag::GroupBySum), "{c:?}");
        }
    }

    #[test]
    fn the_appeals_table_alone_is_the_template_by_its_header_and_values() {
        let leaves = leaf_row();
        let m = map_document(&[appeals(&leaves, &VALUES)]);
        assert!(m.is_template());
        // the header over a row of six garbled cells (not read as the values) is no template
        let mut few = VALUES;
        few[9..].copy_from_slice(&["有"; 6]);
        let m = map_document(&[appeals(&leaves, &few)]);
        assert!(!m.is_template());
    }

    #[test]
    fn a_leaf_row_naming_few_columns_over_fifteen_numbers_is_the_appeals_table() {
        // text alignment without the group row: the first group's leaves and both 其他 and
        // 总计 unread, fewer than ten columns named
        let garbled = [
            "", "", "", "", "", "维持", "纠正", "结果", "审结", "", "维持", "纠正", "结果", "审结",
            "",
        ];
        let m = map_document(&[grid(&[garbled.to_vec(), VALUES.to_vec()])]);
        assert!(m.is_template());
        assert_eq!(
            appeals_values(&m),
            VALUES.iter().map(|v| Some(*v)).collect::<Vec<_>>()
        );
        let c = m.get("appeals", "cases", "review_upheld").unwrap();
        assert!(c.flags.contains(&Flag::ColumnByPosition), "{c:?}");
        // the same row under a header that names no leaf is no appeals table
        let mute = [
            "", "", "", "", "", "结果", "", "结果", "", "", "结果", "", "结果", "", "",
        ];
        let m = map_document(&[grid(&[mute.to_vec(), VALUES.to_vec()])]);
        assert!(!m.is_template());
    }

    #[test]
    fn a_header_fallen_apart_into_lone_glyphs_is_no_appeals_value_row() {
        // text alignment of leaves printed one glyph a line: the last glyph of each leaf on
        // its own, between blanks, above the 15 values; a blank sliver of a column before both
        let glyphs = vec![
            "持", "", "果", "", "", "", "正", "果", "结", "", "持", "正", "果", "?", "",
        ];
        let sliver = |rows: &[Vec<&str>]| {
            let rows: Vec<Vec<&str>> = rows
                .iter()
                .map(|r| std::iter::once("").chain(r.iter().copied()).collect())
                .collect();
            let mut t = grid(&rows);
            t.xs[0] = 96.0;
            for c in t.cells.iter_mut().filter(|c| c.c0 == 0) {
                c.bbox.x0 = 96.0;
            }
            t
        };
        let mut t = sliver(&[glyphs.clone(), VALUES.to_vec()]);
        // the reader's unread mark
        for c in t.cells.iter_mut().filter(|c| c.text() == "?") {
            c.confidence = 0.0;
        }
        let m = map_document(&[t]);
        assert_eq!(
            appeals_values(&m),
            VALUES.iter().map(|v| Some(*v)).collect::<Vec<_>>()
        );
        // must not: a row of 15 with most values garbled is still the values
        let mut garbled = VALUES.to_vec();
        for k in [1, 2, 3, 5, 6, 7, 8, 9, 11, 12] {
            garbled[k] = "站";
        }
        let m = map_document(&[sliver(&[glyphs, garbled])]);
        let got = appeals_values(&m);
        assert_eq!(got[0], Some(VALUES[0]), "{got:?}");
        assert_eq!(got[14], Some(VALUES[14]), "{got:?}");
    }

    #[test]
    fn appeals_leaves_garbled_by_ocr_are_taken_in_template_order() {
        let leaves = [
            "结果维持",
            "结果纠稚",
            "其他结果",
            "尚未审结",
            "计",
            "结果维持",
            "结果乡正",
            "其他结果",
            "沿未审结",
            "总计",
            "结条维持",
            "结果纠下",
            "其他结果",
            "尚未审结",
            "总计",
        ];
        let m = map_tables(&[appeals(&leaves, &VALUES)], crate::schema::schema());
        assert_eq!(
            appeals_values(&m),
            VALUES.iter().map(|v| Some(*v)).collect::<Vec<_>>()
        );
        // named by the header: no doubt about the column; 结果乡正 named nothing
        assert!(
            m.get("appeals", "cases", "review_corrected")
                .unwrap()
                .flags
                .is_empty()
        );
        assert!(
            m.get("appeals", "cases", "review_total")
                .unwrap()
                .flags
                .is_empty()
        );
        let c = m
            .get("appeals", "cases", "litigation_direct_corrected")
            .unwrap();
        assert_eq!(c.flags, vec![Flag::ColumnByPosition]);
        // a header that contradicts the order: the header's columns are taken as named, and a
        // garbled leaf only from its own group's order when that group's legible leaves are all
        // in place (litigation_direct here), flagged
        let mut swapped = leaves;
        swapped.swap(0, 2);
        let m = map_tables(&[appeals(&swapped, &VALUES)], crate::schema::schema());
        assert_eq!(
            m.get("appeals", "cases", "review_other")
                .unwrap()
                .value
                .as_deref(),
            Some("1")
        );
        let c = m
            .get("appeals", "cases", "litigation_direct_corrected")
            .unwrap();
        assert_eq!(
            (c.value.as_deref(), c.flags.clone()),
            (Some("6"), vec![Flag::ColumnByPosition])
        );
        // review's own garbled leaf (纠稚 is legible as 纠) stays named by its header
        assert!(
            m.get("appeals", "cases", "review_corrected")
                .unwrap()
                .flags
                .is_empty()
        );
    }

    #[test]
    fn a_blank_sliver_beside_the_appeals_values_is_no_column() {
        let mut values = VALUES.to_vec();
        values.push("");
        // leaves OCR could not read: no header, the columns go by position
        let mut t = appeals(&["结果"; 16], &values);
        // the 16th column: blank and a tenth of the others' width (a spurious ruling's sliver)
        for c in t.cells.iter_mut().filter(|c| c.c0 == 15) {
            c.bbox.x1 = c.bbox.x0 + 2.0;
        }
        let m = map_tables(&[t.clone()], crate::schema::schema());
        assert_eq!(
            appeals_values(&m),
            VALUES.iter().map(|v| Some(*v)).collect::<Vec<_>>()
        );
        // a full-width 16th column is a real one: left out only because the groups' sums
        // choose it, and the values so placed say so
        for c in t.cells.iter_mut().filter(|c| c.c0 == 15) {
            c.bbox.x1 = c.bbox.x0 + 20.0;
        }
        let m = map_tables(&[t.clone()], crate::schema::schema());
        assert_eq!(
            appeals_values(&m),
            VALUES.iter().map(|v| Some(*v)).collect::<Vec<_>>()
        );
        assert!(
            m.cells
                .iter()
                .filter(|c| c.table == "appeals")
                .all(|c| c.flags.contains(&Flag::GroupBySum))
        );
        // printed with a number it does not fit the template: nothing is placed
        for c in t.cells.iter_mut().filter(|c| c.c0 == 15) {
            c.lines = vec!["7".into()];
        }
        let m = map_tables(&[t], crate::schema::schema());
        assert!(appeals_values(&m).iter().all(|v| v.is_none()));
    }

    #[test]
    fn a_cell_below_an_illegible_header_takes_the_one_column_left() {
        // 总计 garbled in the header (the header's order names it: `header_leaves_by_order`);
        // a row with two blank cells merged (a lost ruling) has six cells, too few to be
        // placed by position: its last cell is still the total
        let mut header = HEADER.to_vec();
        header[7] = "总汁丨";
        let mut t = grid(&[header, vec!["2.重复申请", "1", "", "", "0", "0", "0", "1"]]);
        let (a, b) = (t.index[t.n_cols() + 2], t.index[t.n_cols() + 3]);
        assert!(t.merge_cells(a, b, &[]));
        let m = map_tables(&[t], crate::schema::schema());
        let c = |col: &str| m.get("requests", "rejected_repeat", col).unwrap();
        assert_eq!(c("natural_person").value.as_deref(), Some("1"));
        assert_eq!(c("total").value.as_deref(), Some("1"));
        assert!(c("total").flags.contains(&Flag::ColumnByHeaderOrder));
        assert_eq!(c("legal_services").value.as_deref(), Some("0"));
    }

    #[test]
    fn cells_below_two_illegible_header_columns_take_them_in_order() {
        // 其他 and 总计 lost from the header (merged into its title cell: no ranges, and
        // no order to name them by); a row with a blank sliver beyond the total (a spurious
        // ruling at the border) has two cells after 法律服务机构: they are 其他 and 总计, in
        // that order
        let mut header = HEADER.to_vec();
        header[6] = "币请人情次";
        header[7] = "";
        let rows = [
            header,
            vec!["2.重复申请", "3", "0", "0", "0", "0", "2", "5", ""],
        ];
        let mut t = grid(&rows);
        assert!(t.merge_cells(t.index[6], t.index[7], &[]));
        let last = t.n_cols() - 1;
        for c in t.cells.iter_mut().filter(|c| c.c0 == last) {
            c.bbox.x1 = c.bbox.x0 + 2.0;
        }
        let m = map_tables(&[t], crate::schema::schema());
        let c = |col: &str| m.get("requests", "rejected_repeat", col).unwrap();
        assert_eq!(c("other_org").value.as_deref(), Some("2"));
        assert_eq!(c("total").value.as_deref(), Some("5"));
        assert!(c("total").flags.contains(&Flag::ColumnByPosition));
        assert_eq!(c("natural_person").value.as_deref(), Some("3"));
        // the same with two blank cells merged (a lost ruling): six cells, too few to go by
        // position; the two after 法律服务机构 are still 其他 and 总计
        let mut header = HEADER.to_vec();
        header[6] = "币请人情次";
        header[7] = "";
        let mut t = grid(&[header, vec!["2.重复申请", "3", "", "", "0", "0", "2", "5"]]);
        assert!(t.merge_cells(t.index[6], t.index[7], &[]));
        let (a, b) = (t.index[t.n_cols() + 2], t.index[t.n_cols() + 3]);
        assert!(t.merge_cells(a, b, &[]));
        let m = map_tables(&[t], crate::schema::schema());
        let c = |col: &str| m.get("requests", "rejected_repeat", col).unwrap();
        assert_eq!(c("other_org").value.as_deref(), Some("2"));
        assert_eq!(c("total").value.as_deref(), Some("5"));
        assert!(c("other_org").flags.contains(&Flag::ColumnByPosition));
        // one column left for two cells: not a run of columns; the first takes the one
        // column (the rule above), the second is no column
        let mut header = HEADER.to_vec();
        header[7] = "币请人情次";
        let t = grid(&[
            header,
            vec!["2.重复申请", "3", "0", "0", "0", "0", "2", "5", "1"],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let c = |col: &str| m.get("requests", "rejected_repeat", col).unwrap();
        assert_eq!(c("other_org").value.as_deref(), Some("2"));
        assert_eq!(c("total").value.as_deref(), Some("5"));
        assert!(
            !m.cells
                .iter()
                .any(|c| c.row == "rejected_repeat" && c.value.as_deref() == Some("1"))
        );
    }

    #[test]
    fn an_active_value_read_as_a_letter_does_not_hide_the_row() {
        let t = grid(&[
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["行政规范性文件", "工", "1", "9"],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let c = |col: &str| m.get("active", "normative_documents", col).unwrap();
        assert_eq!(c("repealed").value.as_deref(), Some("1"));
        assert_eq!(c("in_force").value.as_deref(), Some("9"));
        assert_eq!(
            (c("issued").value.as_deref(), c("issued").flags.clone()),
            (None, vec![Flag::Unparseable])
        );
    }

    #[test]
    fn garbled_label_in_a_one_row_gap_is_placed_by_sequence() {
        let m = mapped(&[
            row("4.无正当理由大量反复申请", "1"),
            row("5虱求行天确认或出其到入", "7"),
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
        ]);
        let c = req(&m, "rejected_confirmation");
        assert_eq!(c.value.as_deref(), Some("7"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        // the rows matched by their labels carry no such flag
        assert!(req(&m, "rejected_massive").flags.is_empty());
        assert_eq!(
            req(&m, "other_overdue_correction").value.as_deref(),
            Some("2")
        );
        // a label with a lost numbering and a lost group still fills its gap
        let m = mapped(&[
            row("2.其他法律行政法规禁止公开", "1"),
            row("CA)#@", "3"),
            row("4.保护第三方合法权益", "2"),
        ]);
        assert_eq!(req(&m, "denied_three_safety").value.as_deref(), Some("3"));
    }

    #[test]
    fn a_label_matched_out_of_the_templates_order_is_placed_by_it_anchors_in_order() {
        // rule `anchors_in_order` fires: 3.危及… garbled into something like 3.其他 between
        // 2.… and 4.…: 其他 is out of order there; the row is placed in its one-row gap
        let rows = [
            row("1.属于国家秘密", "2"),
            row("2.其他法律行政法规禁止公开", "1"),
            row("3.其地", "3"),
            row("4.保护第三方合法权益", "2"),
            row("5.属于三类内部事务信息", "4"),
        ];
        let m = mapped(&rows);
        let c = req(&m, "denied_three_safety");
        assert_eq!(c.value.as_deref(), Some("3"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        assert!(req(&m, "other_other").value.is_none());
        assert_eq!(req(&m, "denied_third_party").value.as_deref(), Some("2"));
        // must not: the same label where 其他 stands in the order
        let rows = [
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
            row(
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "1",
            ),
            row("3.其地", "3"),
            row("（七）总计", "9"),
        ];
        let m = mapped(&rows);
        let c = req(&m, "other_other");
        assert_eq!(c.value.as_deref(), Some("3"));
        assert!(!c.flags.contains(&Flag::RowByPosition));
    }

    #[test]
    fn garbled_wide_rows_after_another_table_fill_the_gap_before_a_matched_row() {
        // no requests header legible, the first rows' labels garbled, the active table's rows
        // before them: the two rows before 予以公开 are the table's first two
        let rows = |first: Vec<&'static str>| {
            let mut rows = vec![
                vec!["行政许可", "5"],
                first,
                row("二、上午结抟政府低忌公开", "2"),
                row("(一)予以公开", "1"),
            ];
            rows[2][3] = "—";
            map_tables(&[grid(&rows)], crate::schema::schema())
        };
        let m = rows(row("《本更数所莘加区引)一。", "3"));
        for (key, v) in [("new_received", "3"), ("carried_over", "2")] {
            let c = req(&m, key);
            assert_eq!(c.value.as_deref(), Some(v), "{key}");
            assert!(
                c.flags.contains(&Flag::RowByPosition),
                "{key} {:?}",
                c.flags
            );
        }
        assert!(!req(&m, "granted").flags.contains(&Flag::RowByPosition));
        // with no matched row after them (none anywhere), the garbled labels alone place the
        // run where they are sure: one keeps most of 上年结转's characters
        let alone = |second: &'static str| {
            map_tables(
                &[grid(&[
                    vec!["行政许可", "5"],
                    row("《本更数所莘加区引)一。", "3"),
                    row(second, "2"),
                ])],
                crate::schema::schema(),
            )
        };
        let m = alone("二、上午结抟政府低忌公开");
        for (key, v) in [("new_received", "3"), ("carried_over", "2")] {
            let c = req(&m, key);
            assert_eq!(c.value.as_deref(), Some(v), "{key}");
            assert!(c.flags.contains(&Flag::RowByPosition), "{key}");
        }
        // labels that resemble no row: nothing says where such rows stand
        let m = alone("口廿丰已丫");
        assert!(
            m.cells
                .iter()
                .filter(|c| c.table == "requests")
                .all(|c| c.value.is_none()),
            "{:?}",
            m.cells
                .iter()
                .filter(|c| c.value.is_some())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn first_row_under_a_merged_note_is_placed_from_the_header() {
        let m = mapped(&[
            row("(本列数据的勾稽关系为:第一项加第二项之和等于", "7"),
            row("二、上年结转政府信息公开申请数量", "1"),
        ]);
        let c = req(&m, "new_received");
        assert_eq!(c.value.as_deref(), Some("7"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        // a header that lost a column: the row's closing run of numbers still holds the values
        let mut header = HEADER.to_vec();
        header[1] = "自人";
        let t = grid(&[
            header,
            row("(本列数据的勾稽关系为", "7"),
            row("二、上年结转政府信息公开申请数量", "1"),
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(req(&m, "new_received").value.as_deref(), Some("7"));
        assert_eq!(
            m.get("requests", "new_received", "total")
                .unwrap()
                .value
                .as_deref(),
            Some("7")
        );
        // two rows lost before the first matched one: not placed
        let m = mapped(&[
            row("(本列数据的勾稽关系为", "7"),
            row("（二）部分公开", "1"),
        ]);
        assert!(req(&m, "new_received").value.is_none());
    }

    /// The requests header and `rows`, the label cell of grid row `shared` (0-based among
    /// `rows`) also covering the next grid row (a ruling lost in the label column only).
    fn mapped_with_shared_label(rows: &[Vec<&str>], shared: usize) -> Mapping {
        mapped_with_merged(rows, shared, 0..1)
    }

    /// The header and `rows`, with the cells in columns `cols` of grid rows `top` and `top + 1`
    /// (0-based, after the header) merged into one cell each (reaching over both).
    fn mapped_with_merged(rows: &[Vec<&str>], top: usize, cols: std::ops::Range<usize>) -> Mapping {
        map_tables(&[merged_grid(rows, top, cols)], crate::schema::schema())
    }

    /// The grid of [`mapped_with_merged`], not yet mapped.
    fn merged_grid(rows: &[Vec<&str>], top: usize, cols: std::ops::Range<usize>) -> Table {
        merged_grid_over(rows, top, 2, cols)
    }

    /// The header and `rows`, the cells of columns `cols` in grid row `top` (0-based among
    /// `rows`) reaching down over `n` grid rows.
    fn merged_grid_over(
        rows: &[Vec<&str>],
        top: usize,
        n: usize,
        cols: std::ops::Range<usize>,
    ) -> Table {
        let mut all = vec![HEADER.to_vec()];
        all.extend(rows.iter().cloned());
        let mut t = grid(&all);
        let nc = t.n_cols();
        let r = top + 1;
        for c in cols {
            let k = r * nc + c;
            t.cells[k].r1 = r + n;
            t.cells[k].bbox.y1 = t.ys[r + n];
            for rr in r + 1..r + n {
                t.index[rr * nc + c] = k;
            }
        }
        t
    }

    /// The header and `rows`, with the value cells of grid rows `top` and `top + 1` merged.
    fn mapped_with_shared_values(rows: &[Vec<&str>], top: usize) -> Mapping {
        mapped_with_values_over(rows, top, 2)
    }

    /// The header and `rows`, the value cells of grid row `top` reaching down over `n` grid
    /// rows.
    fn mapped_with_values_over(rows: &[Vec<&str>], top: usize, n: usize) -> Mapping {
        map_tables(
            &[merged_grid_over(rows, top, n, 1..HEADER.len())],
            crate::schema::schema(),
        )
    }

    #[test]
    fn a_printed_row_split_in_two_grid_rows_is_read_once_with_its_whole_label() {
        // （二）部分公开… garbled by OCR and cut in two grid rows: once joined, the one printed
        // row fills the one-row gap between its neighbours (by the template's order)
        let rows = [
            row("（一）予以公开", "2"),
            row("鄙分么", "3"),
            row("aa", ""),
            row("1.属于国家秘密", "0"),
        ];
        let m = mapped_with_shared_values(&rows, 1);
        let part = req(&m, "partially_granted");
        assert_eq!(part.value.as_deref(), Some("3"));
        assert!(
            part.flags.contains(&Flag::RowByPosition),
            "{:?}",
            part.flags
        );
        assert_eq!(req(&m, "granted").value.as_deref(), Some("2"));
        assert_eq!(req(&m, "denied_state_secret").value.as_deref(), Some("0"));
        // must not join: two rows that each have their own label (their values' ruling lost)
        let rows = [
            row("一、本年新收政府信息公开申请数量", "7"),
            row("二、上年结转政府信息公开申请数量", "3"),
            row("（一）予以公开", ""),
        ];
        let m = mapped_with_shared_values(&rows, 1);
        assert_eq!(req(&m, "carried_over").value.as_deref(), Some("3"));
        assert_eq!(req(&m, "granted").value.as_deref(), Some("3"));
    }

    #[test]
    fn a_printed_row_split_in_three_grid_rows_is_read_once() {
        // 2.其他法律行政法规禁止公开 cut in three grid rows by false rulings through its
        // label, its value cells over all three: taken as separate rows, its parts filled the
        // two-row gap before 4.保护第三方… exactly and the next row took its values too;
        // joined, its label names its row
        let rows = [
            row("1.属于国家秘密", "0"),
            row("具他法律", "2"),
            row("寺", ""),
            row("法规禁", ""),
            row("4.保护第三方合法权益", "0"),
        ];
        let m = mapped_with_values_over(&rows, 1, 3);
        assert_eq!(req(&m, "denied_law_forbidden").value.as_deref(), Some("2"));
        assert_ne!(req(&m, "denied_three_safety").value.as_deref(), Some("2"));
        assert_eq!(req(&m, "denied_third_party").value.as_deref(), Some("0"));
        // must not join: the third grid row's value cells are its own (a printed row of its
        // own, blank, under two grid rows of one)
        let rows = [
            row("1.属于国家秘密", "0"),
            row("其他法律", "2"),
            row("寺", ""),
            row("危及", "5"),
            row("4.保护第三方合法权益", "0"),
        ];
        let m = mapped_with_shared_values(&rows, 1);
        assert_eq!(req(&m, "denied_law_forbidden").value.as_deref(), Some("2"));
        assert_eq!(req(&m, "denied_three_safety").value.as_deref(), Some("5"));
    }

    #[test]
    fn a_printed_row_whose_label_a_false_ruling_cut_below_a_blank_is_read_once_blank_label_part() {
        // 2.其他法律行政法规禁止公开 cut by a false ruling through its label column, all its
        // print in the lower part: the blank upper part joined the first grid row's values
        // (a blank is value-like), the two grid rows seemed different rows, and the run was
        // one row too long for the template's order
        let rows = [
            row("1.属于国家秘密", "0"),
            row("", "2"),
            row("寺人", ""),
            row("3.危及“三安全一稳定”", "5"),
            row("4.保护第三方合法权益", "0"),
        ];
        let t = merged_grid_over(&rows, 1, 2, 1..HEADER.len());
        let cells = row_cells(&t, 2);
        let (_, vals) = split_row(&cells);
        assert_eq!(vals.len(), 8, "the blank label cell is value-like");
        assert_eq!(blank_label_part(2, &vals), 1);
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(req(&m, "denied_law_forbidden").value.as_deref(), Some("2"));
        assert_eq!(req(&m, "denied_three_safety").value.as_deref(), Some("5"));
        // must not: the row's own values (none reaches past it), its blank label among them
        let t = grid(&[HEADER.to_vec(), row("", "2"), row("具他法律行", "3")]);
        let cells = row_cells(&t, 1);
        let (_, vals) = split_row(&cells);
        assert_eq!(blank_label_part(1, &vals), 0);
    }

    /// The header and `rows`, the label cell of grid row `top` (0-based among `rows`) also
    /// covering the next grid row and holding the text `lines`.
    fn mapped_with_label_lines(rows: &[Vec<&str>], top: usize, lines: &[&str]) -> Mapping {
        let mut t = merged_grid(rows, top, 0..1);
        let k = (top + 1) * t.n_cols();
        t.cells[k].lines = lines.iter().map(|l| l.to_string()).collect();
        map_tables(&[t], crate::schema::schema())
    }

    #[test]
    fn two_rows_labels_in_one_cell_over_their_own_values_go_each_to_its_row() {
        // （一）予以公开 garbled and （二）部分公开… wrapped, in one cell over both value rows
        let rows = [
            row("一、本年新收政府信息公开申请数量", "12"),
            row("二、上年结转政府信息公开申请数量", "1"),
            row("", "8"),
            row("", "5"),
            row("1.属于国家秘密", "0"),
        ];
        let lines = [
            "“3隆以公开，",
            "(二)都分公开〈区分处理的，只计这一情形",
            "不计其他情形)",
        ];
        let m = mapped_with_label_lines(&rows, 2, &lines);
        let g = req(&m, "granted");
        assert_eq!(g.value.as_deref(), Some("8"));
        assert!(g.flags.contains(&Flag::RowByPosition));
        assert_eq!(req(&m, "partially_granted").value.as_deref(), Some("5"));
        // one printed row cut by a false ruling under its numbering: the second grid row's
        // values blank, the cell is one label (its short first line is no row of its own)
        let rows = [
            row("一、本年新收政府信息公开申请数量", "12"),
            row("二、上年结转政府信息公开申请数量", "1"),
            row("(一)予以公开", "8"),
            row("", "5"),
            row("", ""),
            row("1.属于国家秘密", "0"),
        ];
        let lines = ["(二)", "部分公开(区分处理的，只计这一情形，不计其他情形)"];
        let m = mapped_with_label_lines(&rows, 3, &lines);
        assert_eq!(req(&m, "granted").value.as_deref(), Some("8"));
        assert_eq!(req(&m, "partially_granted").value.as_deref(), Some("5"));
    }

    #[test]
    fn a_label_cell_over_two_numbered_rows_fills_a_gap_that_asks_for_both() {
        let rows = [
            row("2.重复申请", "0"),
            row("3.委求提", "0"),
            row("4无正当里出人具已著取信息", "0"),
            row("", "1"),
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
        ];
        let m = mapped_with_shared_label(&rows, 2);
        assert_eq!(req(&m, "rejected_publication").value.as_deref(), Some("0"));
        assert_eq!(req(&m, "rejected_massive").value.as_deref(), Some("0"));
        let c = req(&m, "rejected_confirmation");
        assert_eq!(c.value.as_deref(), Some("1"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        // a gap of two rows: the shared label is one printed row cut in two thin grid rows,
        // its second grid row dropped
        let rows = [
            row("2.重复申请", "0"),
            row("3.委求提", "0"),
            row("4无正当里出", "0"),
            row("", "1"),
            row("5.要求行政机关确认或重新出具已获取信息", "2"),
        ];
        let t = with_ys(
            merged_grid(&rows, 2, 0..1),
            &[0.0, 10.0, 20.0, 30.0, 35.0, 40.0, 50.0],
        );
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(req(&m, "rejected_massive").value.as_deref(), Some("0"));
        assert_eq!(req(&m, "rejected_confirmation").value.as_deref(), Some("2"));
    }

    #[test]
    fn a_blank_cell_over_two_columns_is_blank_in_both() {
        let mut r = row("4.无正当理由大量反复申请", "");
        r[1] = "3";
        r[7] = "3";
        let mut t = grid(&[HEADER.to_vec(), r]);
        let nc = t.n_cols();
        // 社会公益组织 and 法律服务机构 of row 1 are one blank cell
        let k = nc + 4;
        t.cells[k].c1 = 6;
        t.cells[k].bbox.x1 = t.xs[6];
        t.index[nc + 5] = k;
        let m = map_tables(&[t.clone()], crate::schema::schema());
        let v = |m: &Mapping, col: &str| {
            m.get("requests", "rejected_massive", col)
                .unwrap()
                .value
                .clone()
        };
        assert_eq!(v(&m, "social_welfare").as_deref(), Some("0"));
        assert_eq!(v(&m, "legal_services").as_deref(), Some("0"));
        assert_eq!(v(&m, "total").as_deref(), Some("3"));
        // a merged cell with ink is one reading: it is not copied into the other column
        t.cells[k].lines = vec!["2".into()];
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(
            m.get("requests", "rejected_massive", "legal_services")
                .unwrap()
                .flags,
            vec![Flag::NotFound]
        );
    }

    #[test]
    fn sequence_does_not_fire_on_two_rows_in_a_one_row_gap() {
        let m = mapped(&[
            row("4.无正当理由大量反复申请", "1"),
            row("虱求行政机天确", "7"),
            row("其已获到入息", "8"),
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
        ]);
        assert!(
            req(&m, "rejected_confirmation")
                .flags
                .contains(&Flag::NotFound)
        );
    }

    #[test]
    fn sequence_does_not_fire_on_rows_without_numbers_or_ambiguous_gaps() {
        // no numbers in the row: nothing to place
        let m = mapped(&[
            row("4.无正当理由大量反复申请", "1"),
            row("虱求行政机天确", "AN"),
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
        ]);
        assert!(req(&m, "rejected_confirmation").value.is_none());
        // one unmatched row in a two-row gap whose label resembles neither: which row it is,
        // is unknown
        let m = mapped(&[
            row("3.要求提供公开出版物", "1"),
            row("虱天口", "7"),
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
        ]);
        assert!(req(&m, "rejected_massive").value.is_none());
        assert!(req(&m, "rejected_confirmation").value.is_none());
        // where its garbled label keeps one of the two rows' characters, it takes that row
        let m = mapped(&[
            row("3.要求提供公开出版物", "1"),
            row("虱求行政机天确", "7"),
            row(
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2",
            ),
        ]);
        assert!(req(&m, "rejected_massive").value.is_none());
        let c = req(&m, "rejected_confirmation");
        assert_eq!(c.value.as_deref(), Some("7"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        // legible numbering is evidence, not proof (OCR misreads the digit too): in a gap the
        // run fills exactly, a row whose numbering disagrees still takes its place ...
        let last = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请";
        let m = mapped(&[
            row("4.无正当理由大量反复申请", "1"),
            row("7虱天口", "7"),
            row(last, "2"),
        ]);
        assert_eq!(req(&m, "rejected_confirmation").value.as_deref(), Some("7"));
        // ... but where the run has a choice, the numbering decides it
        let m = mapped(&[
            row("3.要求提供公开出版物", "1"),
            row("5虱天口", "7"),
            row(last, "2"),
        ]);
        assert!(req(&m, "rejected_massive").value.is_none());
        assert_eq!(req(&m, "rejected_confirmation").value.as_deref(), Some("7"));
        // and where it disagrees with both rows of the gap, nothing says which
        let m = mapped(&[
            row("3.要求提供公开出版物", "1"),
            row("7虱天口", "7"),
            row(last, "2"),
        ]);
        assert!(req(&m, "rejected_massive").value.is_none());
        assert!(req(&m, "rejected_confirmation").value.is_none());
        // beyond the last matched row, rows up to the table's end: the run takes the rows
        // right after the matched one (rows lost are more likely past its far end)
        let m = mapped(&[
            row("4.无正当理由大量反复申请", "1"),
            row("5虱求行政机天确", "7"),
            row("虱天口", "8"),
            row("虱天口", "9"),
        ]);
        assert_eq!(req(&m, "rejected_confirmation").value.as_deref(), Some("7"));
        let c = req(&m, "other_overdue_fee");
        assert_eq!(c.value.as_deref(), Some("9"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        assert!(req(&m, "other_other").value.is_none());
        // but not where a legible numbering disagrees with the row after the match and the
        // label names none of the rows left
        let m = mapped(&[row("4.无正当理由大量反复申请", "1"), row("3虱天口", "7")]);
        assert!(req(&m, "rejected_confirmation").value.is_none());
    }

    #[test]
    fn a_row_printed_blank_with_its_label_garbled_is_placed_by_order() {
        let last = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请";
        // where it fires: zeros printed as blanks, the label garbled, a one-row gap
        let m = mapped(&[
            row("4.无正当理由大量反复申请", "1"),
            row("虱天口", ""),
            row(last, "2"),
        ]);
        let c = req(&m, "rejected_confirmation");
        assert_eq!(c.value.as_deref(), Some("0"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        // where it must not: a one-glyph label (a stray mark) in a table read by text
        // alignment (in a ruled grid its rulings make it a row: [`grid_row`]) ...
        let mut all = vec![HEADER.to_vec()];
        all.extend([
            row("4.无正当理由大量反复申请", "1"),
            row("虱", ""),
            row(last, "2"),
        ]);
        let mut t = grid(&all);
        t.method = "stream";
        let m = map_tables(&[t], crate::schema::schema());
        assert!(req(&m, "rejected_confirmation").value.is_none());
        // ... nor the lower half of a printed row the grid cut in two (its label cell starts
        // on the grid row above)
        let m = mapped_with_shared_label(
            &[
                row("3.要求提供公开出版物", "1"),
                row("4.无正当理由大量反复申请", "1"),
                row("", ""),
                row(last, "2"),
            ],
            1,
        );
        assert!(req(&m, "rejected_confirmation").value.is_none());
    }

    /// The header and `rows` (each a row label and its value), with a group label column
    /// left of the row labels: `group` in one cell over all the rows.
    fn mapped_under_group(group: &str, rows: &[(&str, &str)]) -> Mapping {
        let mut header = vec![""];
        header.extend(HEADER);
        let mut all = vec![header];
        for (label, v) in rows {
            let mut r = vec![group];
            r.extend(row(label, v));
            all.push(r);
        }
        let mut t = grid(&all);
        let nc = t.n_cols();
        let k = nc; // grid row 1, column 0
        t.cells[k].r1 = all.len();
        t.cells[k].bbox.y1 = t.ys[all.len()];
        for r in 2..all.len() {
            t.index[r * nc] = k;
        }
        map_tables(&[t], crate::schema::schema())
    }

    #[test]
    fn a_group_label_is_no_row_label_for_a_row_whose_own_label_is_garbled() {
        let rows = [
            ("3.危及“三安全一稳定”", "1"),
            ("汪职护第三方仿权益法", "4"),
            ("5.属于三类内部事务信息", "2"),
        ];
        // (三)不予公开 is like (一)予以公开: the garbled row is not taken for granted, but
        // placed in its gap by the template's order
        let m = mapped_under_group("伍)不予公开", &rows);
        assert!(req(&m, "granted").value.is_none());
        let c = req(&m, "denied_third_party");
        assert_eq!(c.value.as_deref(), Some("4"));
        assert!(c.flags.contains(&Flag::RowByPosition));
        // a legible row label under the group is still its row, by its label
        let c = req(&m, "denied_internal_affairs");
        assert_eq!(c.value.as_deref(), Some("2"));
        assert!(c.flags.is_empty());
    }

    #[test]
    fn rows_after_the_last_matched_row_at_the_tables_end_are_its_tail() {
        // where it fires: the last two rows' labels lost (总计, 结转), the table ends
        let m = mapped(&[row("3.其他", "1"), row("?", "7"), row("旧、绍", "2")]);
        assert_eq!(req(&m, "total_processed").value.as_deref(), Some("7"));
        assert!(
            req(&m, "total_processed")
                .flags
                .contains(&Flag::RowByPosition)
        );
        assert_eq!(req(&m, "carried_forward").value.as_deref(), Some("2"));
        // where it must not: legible numbering that disagrees with the row after the match
        let m = mapped(&[row("2.重复申请", "1"), row("4虱求行政机天确", "7")]);
        assert!(req(&m, "rejected_publication").value.is_none());
    }

    #[test]
    fn a_stray_glyph_between_values_is_no_label() {
        // where it fires: a slash read as 用 among the values of a row with no header above
        let t = grid(&[vec!["（一）予以公开", "/", "/", "0", "/", "用", "/", "/"]]);
        let cells = row_cells(&t, 0);
        let (labels, vals) = split_row(&cells);
        assert_eq!(labels.len(), 1);
        assert_eq!(vals.len(), 7);
        // where it must not: a glyph right of the values, or one with text left of it
        let t2 = grid(&[vec!["规章", "0", "用"], vec!["（一）予以公开", "用", "0"]]);
        assert_eq!(split_row(&row_cells(&t2, 0)).1.len(), 0);
        assert_eq!(split_row(&row_cells(&t2, 1)).1.len(), 1);
        // the reader's unread mark right of the values is one of them (labels stand left),
        // and so is any glyph after a requests row's run of values
        let mut t4 = grid(&[vec!["（一）予以公开", "3", "0", "?"]]);
        t4.cells[3].confidence = 0.0;
        assert_eq!(split_row(&row_cells(&t4, 0)).1.len(), 3);
        let t5 = grid(&[vec!["（一）予以公开", "3", "0", "1", "0", "2", "用"]]);
        assert_eq!(split_row(&row_cells(&t5, 0)).1.len(), 6);
        let t6 = grid(&[vec!["（一）予以公开", "3", "0", "1", "2", "用"]]);
        assert_eq!(split_row(&row_cells(&t6, 0)).1.len(), 0);
        // nor a text layer's words
        let t3 = grid_at(&[vec!["（一）予以公开", "0", "用", "0"]], 1.0);
        assert_eq!(split_row(&row_cells(&t3, 0)).1.len(), 1);
    }

    #[test]
    fn marks_read_in_value_cells_do_not_hide_the_label() {
        // OCR read marks in two value cells: the label is still the cell left of the columns
        let m = mapped(&[vec![
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "3",
            "Me",
            "0",
            "0",
            "SN",
            "0",
            "5",
        ]]);
        let get = |col: &str| m.get("requests", "partially_granted", col).unwrap();
        assert_eq!(get("natural_person").value.as_deref(), Some("3"));
        assert_eq!(get("total").value.as_deref(), Some("5"));
        assert!(get("commercial").value.is_none());
        assert!(get("commercial").flags.contains(&Flag::Unparseable));
        assert!(!get("natural_person").flags.contains(&Flag::RowByPosition));
    }

    #[test]
    fn blank_cells_before_an_active_rows_values_are_the_label_columns() {
        // the header garbled, false rulings through the label column: the three values are
        // the row's last cells
        let t = grid(&[
            vec!["", "", "人", "人", "人"],
            vec!["规章", "", "", "0", "2", "67"],
            vec!["行政规范性文件", "", "", "84", "11", "130"],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let c = |row: &str, col: &str| m.get("active", row, col).unwrap();
        for (row, col, v) in [
            ("regulations", "issued", "0"),
            ("regulations", "in_force", "67"),
            ("normative_documents", "issued", "84"),
            ("normative_documents", "repealed", "11"),
        ] {
            assert_eq!(c(row, col).value.as_deref(), Some(v), "{row} {col}");
            assert!(c(row, col).flags.contains(&Flag::ColumnByPosition));
        }
        // a number among the first cells: which three are the row's is not known
        let t = grid(&[
            vec!["", "", "人", "人", "人"],
            vec!["规章", "5", "", "0", "2", "67"],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        assert!(
            ["issued", "repealed", "in_force"].iter().all(|col| m
                .get("active", "regulations", col)
                .unwrap()
                .value
                .is_none())
        );
    }

    #[test]
    fn active_rows_with_garbled_labels_under_a_garbled_header_are_placed_by_order() {
        // 150 dpi, blurred: the header's column words and the first block's labels garbled,
        // only the marker 信息内容 legible; read by OCR, not sure of its words (a sure header
        // would be another wording)
        let t = grid_at(
            &[
                vec!["第二十条第（一）项", "", "", ""],
                vec!["信息内容", "宁年制皮件数", "检年并止件数", "更行省训件雪"],
                vec!["规梨", "0", "2", "67"],
                vec!["行夏规范袜文位", "84", "11", "130"],
                vec!["信息内容", "本年处惠决定数量", "", ""],
                vec!["行政许可", "3", "", ""],
            ],
            0.6,
        );
        let m = map_tables(&[t], crate::schema::schema());
        let c = |row: &str, col: &str| m.get("active", row, col).unwrap();
        for (row, col, v) in [
            ("regulations", "issued", "0"),
            ("regulations", "in_force", "67"),
            ("normative_documents", "issued", "84"),
            ("normative_documents", "repealed", "11"),
            ("normative_documents", "in_force", "130"),
        ] {
            assert_eq!(c(row, col).value.as_deref(), Some(v), "{row} {col}");
            assert!(
                c(row, col).flags.contains(&Flag::RowByPosition),
                "{row} {col}"
            );
        }
        // the row placed by its label says nothing of doubt
        let l = c("licensing", "decisions");
        assert_eq!(l.value.as_deref(), Some("3"));
        assert!(!l.flags.contains(&Flag::RowByPosition));
    }

    #[test]
    fn an_active_row_whose_label_reads_as_a_digit_takes_the_place_its_successor_leaves() {
        // 规章 read as 8 at 150 dpi, its values printed blank: 行政规范性文件 below it, legible
        let t = grid(&[
            vec!["第二十条第（一）项", "", "", ""],
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["8", "", "", ""],
            vec!["行政规范性文件", "4", "1", "30"],
            vec!["第二十条第（五）项", "", "", ""],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let c = |row: &str, col: &str| m.get("active", row, col).unwrap();
        for col in ["issued", "repealed", "in_force"] {
            let r = c("regulations", col);
            assert!(!r.flags.contains(&Flag::NotFound), "{col}");
            assert!(r.flags.contains(&Flag::RowByPosition), "{col}");
        }
        assert_eq!(
            c("normative_documents", "in_force").value.as_deref(),
            Some("30")
        );
        // the same open row with 规章 placed above it and the block's title below: the block's
        // second row
        let t = grid(&[
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["规章", "0", "2", "67"],
            vec!["行攻嫂苑忤", "4", "1", "30"],
            vec!["第二十条第（五）项", "", "", ""],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let n = m.get("active", "normative_documents", "in_force").unwrap();
        assert_eq!(n.value.as_deref(), Some("30"));
        assert!(n.flags.contains(&Flag::RowByPosition));
    }

    #[test]
    fn an_active_row_whose_label_reads_as_a_digit_stays_unplaced_where_nothing_says_its_place() {
        // the row below is no row of the block, or unknown: no place is sure (and the row
        // below that, not right under the header, is not the block's first row either)
        for below in [
            vec!["行政许可", "3", "", ""],
            vec!["某某", "5", "", ""],
            vec!["", "", "", ""],
        ] {
            let t = grid(&[
                vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                vec!["8", "", "", ""],
                below.clone(),
                vec!["行政规范性文件", "4", "1", "30"],
            ]);
            let m = map_tables(&[t], crate::schema::schema());
            let r = m.get("active", "regulations", "issued").unwrap();
            assert!(r.flags.contains(&Flag::NotFound), "{below:?}");
        }
        // text alignment (no rulings): a block's title garbled is a label beside blank cells
        // like the open row, and nothing says which is which
        let mut t = grid(&[
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["8", "", "", ""],
            vec!["行政规范性文件", "4", "1", "30"],
        ]);
        t.method = "stream";
        let m = map_tables(&[t], crate::schema::schema());
        let r = m.get("active", "regulations", "issued").unwrap();
        assert!(r.flags.contains(&Flag::NotFound), "stream");
        // the block's first row with the block's end below it: its second row may be lost
        let t = grid(&[
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["8", "", "", ""],
            vec!["第二十条第（五）项", "", "", ""],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        for row in ["regulations", "normative_documents"] {
            let r = m.get("active", row, "issued").unwrap();
            assert!(r.flags.contains(&Flag::NotFound), "{row}");
        }
    }

    #[test]
    fn an_open_row_with_numbers_in_text_alignment_takes_the_place_its_successor_leaves() {
        // the look by tokens (no rulings): 规章 left unread, its numbers legible, 行政规范性文件
        // below it
        let mut t = grid(&[
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["?", "0", "3", "12"],
            vec!["行政规范性文件", "4", "1", "30"],
        ]);
        t.method = "stream";
        let m = map_tables(&[t], crate::schema::schema());
        let r = m.get("active", "regulations", "in_force").unwrap();
        assert_eq!(r.value.as_deref(), Some("12"));
        assert!(r.flags.contains(&Flag::RowByPosition));
        // no numbers in it (a block's title garbled beside blank cells), or the block's end
        // below it: nothing says it is a row
        for (open, below) in [
            (
                vec!["?", "", "", ""],
                vec!["行政规范性文件", "4", "1", "30"],
            ),
            (
                vec!["?", "0", "3", "12"],
                vec!["第二十条第（五）项", "", "", ""],
            ),
        ] {
            let mut t = grid(&[
                vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                open.clone(),
                below,
            ]);
            t.method = "stream";
            let m = map_tables(&[t], crate::schema::schema());
            let r = m.get("active", "regulations", "in_force").unwrap();
            assert!(r.flags.contains(&Flag::NotFound), "{open:?}");
        }
    }

    #[test]
    fn a_header_whose_column_words_run_together_opens_the_next_block_by_order() {
        // 本年废止件数 split over two cells, its second half run into 现行有效件数: the words
        // name issued and repealed, columns of no one block; 规章 garbled below it
        let header = vec!["信息内容", "本年制发", "件数本年", "废止件数现行有效件数"];
        let t = grid_at(
            &[
                header.clone(),
                vec!["规梨", "0", "3", "12"],
                vec!["行政规范性文件", "4", "1", "30"],
            ],
            0.6,
        );
        let m = map_tables(&[t], crate::schema::schema());
        let r = m.get("active", "regulations", "in_force").unwrap();
        assert_eq!(r.value.as_deref(), Some("12"));
        assert!(r.flags.contains(&Flag::RowByPosition));
        // without the marker 信息内容 the words are no header of a block: nothing by order
        let mut no_marker = header.clone();
        no_marker[0] = "";
        let t = grid_at(
            &[
                no_marker,
                vec!["规梨", "0", "3", "12"],
                vec!["行政规范性文件", "4", "1", "30"],
            ],
            0.6,
        );
        let m = map_tables(&[t], crate::schema::schema());
        let r = m.get("active", "regulations", "in_force").unwrap();
        assert!(r.flags.contains(&Flag::NotFound));
    }

    #[test]
    fn no_active_row_is_placed_by_order_without_a_header_or_against_its_label() {
        // no header in sight: the garbled rows are not placed
        let t = grid(&[
            vec!["第二十条第（一）项", "", "", ""],
            vec!["规梨", "0", "2", "67"],
            vec!["行夏规范袜文位", "84", "11", "130"],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        assert!(
            m.get("active", "regulations", "issued")
                .unwrap()
                .value
                .is_none()
        );
        assert!(
            m.get("active", "normative_documents", "issued")
                .unwrap()
                .value
                .is_none()
        );
        // under the header, a row whose label is other text is not the block's row
        let t = grid_at(
            &[
                vec!["信息内容", "宁年制皮件数", "检年并止件数", "更行省训件雪"],
                vec!["第二十条第（五）项", "0", "2", "67"],
            ],
            0.6,
        );
        let m = map_tables(&[t], crate::schema::schema());
        assert!(
            m.get("active", "regulations", "issued")
                .unwrap()
                .value
                .is_none()
        );
    }

    #[test]
    fn a_one_value_active_row_takes_its_cell_with_text() {
        // rulings too faint to see: text alignment split the value column, the number sits in
        // the second of three cells
        let t = grid(&[
            vec!["信息内容", "", "本年处理决定数量", ""],
            vec!["行政许可", "", "550", ""],
            vec!["行政处罚", "12", "12", "12"],
            vec!["行政强制", "3", "", "4"],
        ]);
        let m = map_tables(&[t], crate::schema::schema());
        let get = |row: &str| m.get("active", row, "decisions").unwrap();
        assert_eq!(get("licensing").value.as_deref(), Some("550"));
        assert!(
            get("licensing").flags.is_empty(),
            "{:?}",
            get("licensing").flags
        );
        // a merged cell repeats its text: no doubt
        assert_eq!(get("punishment").value.as_deref(), Some("12"));
        assert!(get("punishment").flags.is_empty());
        // two different numbers for one value: the first, in doubt
        assert_eq!(get("coercion").value.as_deref(), Some("3"));
        assert!(get("coercion").flags.contains(&Flag::ColumnByPosition));
    }

    #[test]
    fn numbering_of_garbled_labels() {
        let s = crate::schema::schema();
        let r = |k: &str| s.requests.rows.iter().find(|r| r.key == k).unwrap();
        assert!(numbering_agrees(
            "5虱求行政机天确认",
            "5虱求行政机天确认",
            r("rejected_confirmation"),
            None
        ));
        assert!(!numbering_agrees(
            "4虱求",
            "4虱求",
            r("rejected_confirmation"),
            None
        ));
        assert!(numbering_agrees(
            "(六其他处理3.其他",
            "3.其他",
            r("other_other"),
            None
        ));
        assert!(!numbering_agrees(
            "(五)不予处理",
            "##",
            r("other_other"),
            None
        ));
        assert!(numbering_agrees(
            "(七)总计",
            "(七)总计",
            r("total_processed"),
            None
        ));
        assert!(!numbering_agrees(
            "二.上年结转",
            "二.上年结转",
            r("carried_forward"),
            None
        ));
        // a number repeated right after the row that has it is a misread (5 for 6)
        assert!(numbering_agrees(
            "5.亲王全",
            "5.亲王全",
            r("denied_process_info"),
            Some(r("denied_internal_affairs"))
        ));
        assert!(!numbering_agrees(
            "5.亲王全",
            "5.亲王全",
            r("denied_process_info"),
            Some(r("denied_third_party"))
        ));
        // a digit that repeats nothing still disagrees
        assert!(!numbering_agrees(
            "4虱求",
            "4虱求",
            r("rejected_confirmation"),
            Some(r("denied_third_party"))
        ));
    }

    #[test]
    fn a_headerless_appeals_row_short_of_a_value_is_read_at_its_ends_by_their_sums() {
        // the look by tokens' value row, the direct lawsuits' pending 12 under a seal unread
        let row = [
            "353", "50", "209", "158", "770", "40", "7", "16", "75", "89", "10", "68", "38", "205",
        ];
        let mut t = grid(&[row.to_vec()]);
        t.method = "stream";
        let m = map_tables(&[t], crate::schema::schema());
        let got: Vec<(&str, Option<&str>)> = m
            .cells
            .iter()
            .filter(|c| c.table == "appeals" && c.value.is_some())
            .inspect(|c| assert!(c.flags.contains(&Flag::GroupBySum), "{c:?}"))
            .map(|c| (c.col.as_str(), c.value.as_deref()))
            .collect();
        assert_eq!(got.len(), 10, "{got:?}");
        assert_eq!(got[0], ("review_upheld", Some("353")));
        assert_eq!(got[4], ("review_total", Some("770")));
        assert_eq!(got[5], ("litigation_after_review_upheld", Some("89")));
        assert_eq!(got[9], ("litigation_after_review_total", Some("205")));
    }

    #[test]
    fn a_text_aligned_row_of_blanks_is_no_appeals_value_row() {
        let values = [
            "24", "2", "11", "1", "38", "4", "1", "3", "0", "8", "4", "1", "0", "5", "10",
        ];
        let mut stray = vec![""; 15];
        stray[0] = "1";
        let appeals = |t: &Table| -> Vec<(Option<String>, bool)> {
            map_tables(std::slice::from_ref(t), crate::schema::schema())
                .cells
                .into_iter()
                .filter(|c| c.table == "appeals")
                .map(|c| (c.value, c.flags.contains(&Flag::ConflictingDuplicate)))
                .collect()
        };
        // fires: a speck read as 1 over the value row of a text-aligned table makes a row of
        // one value and fourteen blanks, which is no row of the table
        let mut t = grid(&[stray.clone(), values.to_vec()]);
        t.method = "stream";
        let got = appeals(&t);
        assert_eq!(got.len(), 15);
        assert_eq!(got[0], (Some("24".to_string()), false), "{got:?}");
        assert!(got.iter().all(|(_, conflict)| !conflict), "{got:?}");
        // must not: a grid's row of blank cells is a row of cells all the same
        let got = appeals(&grid(&[stray, values.to_vec()]));
        assert!(got.iter().any(|(_, conflict)| *conflict), "{got:?}");
        // must not: a text-aligned row printing three values among blanks is read
        let mut three = vec![""; 15];
        three[..3].copy_from_slice(&["5", "1", "2"]);
        let mut t = grid(&[three]);
        t.method = "stream";
        assert_eq!(appeals(&t)[0].0.as_deref(), Some("5"));
    }

    #[test]
    fn appeals_header_with_three_totals_and_a_garbled_value() {
        // no merged cells: every header row is spelled out per column, as the grid repeats it
        let g = |a: &'static str, b: &'static str| -> Vec<&'static str> {
            vec![a; 5].into_iter().chain(vec![b; 10]).collect()
        };
        let groups = g("行政复议", "行政诉讼");
        let mut sub: Vec<&str> = vec!["行政复议"; 5];
        sub.extend(vec!["未经复议直接起诉"; 5]);
        sub.extend(vec!["复议后起诉"; 5]);
        let leaves: Vec<&str> = (0..3)
            .flat_map(|_| ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
            .collect();
        let values = vec![
            "6", "4", "17", "3", "30", "0", "于", "3", "7", "11", "2", "0", "4", "0", "6",
        ];
        let m = map_tables(
            &[grid(&[groups, sub, leaves, values])],
            crate::schema::schema(),
        );
        let cell = |col: &str| m.get("appeals", "cases", col).expect("appeals cell");
        assert_eq!(cell("review_upheld").value.as_deref(), Some("6"));
        assert_eq!(cell("litigation_direct_total").value.as_deref(), Some("11"));
        assert_eq!(
            cell("litigation_after_review_total").value.as_deref(),
            Some("6")
        );
        // the garbled cell is read, not a number: unparseable, no value invented
        let c = cell("litigation_direct_corrected");
        assert_eq!(c.value, None);
        assert!(c.flags.contains(&Flag::Unparseable), "{:?}", c.flags);
    }

    #[test]
    fn garbled_appeals_leaves_take_their_position_in_the_group() {
        let groups: Vec<&str> = vec!["行政复议"; 5]
            .into_iter()
            .chain(vec!["行政诉讼"; 10])
            .collect();
        let mut sub: Vec<&str> = vec!["行政复议"; 5];
        sub.extend(vec!["未经复议直接起诉"; 5]);
        sub.extend(vec!["复议后起诉"; 5]);
        let mut leaves: Vec<&str> = (0..2)
            .flat_map(|_| ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
            .collect();
        leaves.extend(["结果维持", "结果弓正", "其他结果", "未审结", "计"]);
        let values = vec![
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
        ];
        let m = map_tables(
            &[grid(&[groups, sub, leaves, values])],
            crate::schema::schema(),
        );
        let v = |col: &str| m.get("appeals", "cases", col).and_then(|c| c.value.clone());
        assert_eq!(
            v("litigation_after_review_corrected").as_deref(),
            Some("12")
        );
        assert_eq!(v("litigation_after_review_pending").as_deref(), Some("14"));
        assert_eq!(v("litigation_after_review_total").as_deref(), Some("15"));
        // a leaf out of its place: nothing is guessed
        let groups: Vec<&str> = vec!["行政复议"; 5]
            .into_iter()
            .chain(vec!["行政诉讼"; 10])
            .collect();
        let mut sub: Vec<&str> = vec!["行政复议"; 5];
        sub.extend(vec!["未经复议直接起诉"; 5]);
        sub.extend(vec!["复议后起诉"; 5]);
        let mut leaves: Vec<&str> = (0..2)
            .flat_map(|_| ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
            .collect();
        leaves.extend(["结果弓正", "结果维持", "其他结果", "尚未审结", "总计"]);
        let values: Vec<&str> = vec!["0"; 15];
        let m = map_tables(
            &[grid(&[groups, sub, leaves, values])],
            crate::schema::schema(),
        );
        assert!(
            m.get("appeals", "cases", "litigation_after_review_corrected")
                .is_some_and(|c| c.value.is_none())
        );
    }

    /// A requests table without a legible header: two rows matched by their labels, then a row
    /// whose value cell OCR read as two glyphs (which breaks its run of numbers and passes
    /// itself off as the label).
    fn headerless(matched: &[&str]) -> Mapping {
        let mut rows: Vec<Vec<&str>> = vec![vec!["申请人情况 码于"; 8]];
        for l in matched {
            rows.push(row(l, "2"));
        }
        rows.push(vec!["（一）予以公开", "3", "站业", "0", "0", "0", "0", "3"]);
        map_tables(&[grid(&rows)], crate::schema::schema())
    }

    #[test]
    fn requests_columns_come_from_rows_where_no_header_was_read() {
        let m = headerless(&[
            "一、本年新收政府信息公开申请数量",
            "二、上年结转政府信息公开申请数量",
        ]);
        let c = |col: &str| m.get("requests", "granted", col).unwrap();
        assert_eq!(c("natural_person").value.as_deref(), Some("3"));
        assert_eq!(c("research").value.as_deref(), Some("0"));
        assert_eq!(c("total").value.as_deref(), Some("3"));
        // the garbled cell is unknown in its own column, not a number
        assert_eq!(c("commercial").value, None);
        assert!(c("commercial").flags.contains(&Flag::Unparseable));
        // one matched row is no evidence of the columns: the row stays unread
        let m = headerless(&["一、本年新收政府信息公开申请数量"]);
        assert_eq!(
            m.get("requests", "granted", "natural_person")
                .unwrap()
                .value,
            None
        );
    }

    #[test]
    fn rows_that_disagree_on_the_columns_give_none() {
        let s = crate::schema::schema();
        let agree = grid(&[
            row("一、本年新收政府信息公开申请数量", "1"),
            row("二、上年结转政府信息公开申请数量", "1"),
        ]);
        let cols = columns_from_rows(&agree, &s.requests).unwrap();
        assert_eq!(cols.0.len(), 7);
        assert_eq!(cols.0[0].2, "natural_person");
        assert_eq!(cols.0[6].2, "total");
        // the second row's values stand one column further right (a label fragment in between)
        let mut shifted = vec!["二、上年结转政府信息公开申请数量", ""];
        shifted.extend(["1"; 7]);
        let mut first = row("一、本年新收政府信息公开申请数量", "1");
        first.push("");
        let disagree = grid(&[first, shifted]);
        assert!(columns_from_rows(&disagree, &s.requests).is_none());
    }

    #[test]
    fn the_active_table_alone_is_the_template_by_its_header_and_two_rows() {
        let header = vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"];
        let regs = vec!["规章", "0", "0", "0"];
        let norms = vec!["行政规范性文件", "4", "0", "107"];
        // the rows below lost their values into one merged cell: two rows read
        let m = mapped(&[header.clone(), regs.clone(), norms.clone()]);
        assert_eq!(
            m.get("active", "normative_documents", "in_force")
                .unwrap()
                .value
                .as_deref(),
            Some("107")
        );
        assert!(m.is_template());
        assert!(
            map_document(&[grid(&[header.clone(), regs.clone(), norms.clone()])]).is_template()
        );
        // two rows without the header, or the header over one row, are no evidence
        assert!(!mapped(&[regs.clone(), norms.clone()]).is_template());
        assert!(!mapped(&[header, norms]).is_template());
    }

    fn requests_rows(rows: &[(&str, [&str; 7])], header: Option<[&str; 7]>) -> Mapping {
        let mut g: Vec<Vec<&str>> = Vec::new();
        if let Some(h) = header {
            let mut r = vec!["（本列数据的勾稽关系为：第一项加第二项之和）"];
            r.extend(h);
            g.push(r);
        }
        for (l, v) in rows {
            let mut r = vec![*l];
            r.extend(v);
            g.push(r);
        }
        map_tables(&[grid(&g)], crate::schema::schema())
    }

    const TOTAL_FIRST: [(&str, [&str; 7]); 3] = [
        (
            "一、本年新收政府信息公开申请数量",
            ["12", "7", "2", "0", "0", "3", "0"],
        ),
        (
            "二、上年结转政府信息公开申请数量",
            ["0", "0", "0", "0", "0", "0", "0"],
        ),
        ("（一）予以公开", ["9", "5", "1", "0", "0", "3", "0"]),
    ];

    #[test]
    fn row_sums_place_a_total_printed_first_where_no_header_was_read() {
        let m = requests_rows(&TOTAL_FIRST, None);
        let c = |row: &str, col: &str| m.get("requests", row, col).unwrap();
        assert_eq!(c("new_received", "total").value.as_deref(), Some("12"));
        assert_eq!(
            c("new_received", "natural_person").value.as_deref(),
            Some("7")
        );
        assert_eq!(
            c("new_received", "legal_services").value.as_deref(),
            Some("3")
        );
        assert_eq!(c("new_received", "other_org").value.as_deref(), Some("0"));
        assert_eq!(c("granted", "total").value.as_deref(), Some("9"));
        assert_eq!(c("granted", "commercial").value.as_deref(), Some("1"));
        assert_eq!(c("new_received", "total").col_label, "总计");
        assert!(
            c("granted", "total")
                .flags
                .contains(&Flag::TotalColumnBySums)
        );
        assert!(
            c("carried_over", "total")
                .flags
                .contains(&Flag::TotalColumnBySums)
        );
    }

    /// The column keys [`leaves_by_order`] gives a one-row header: a label cell, then the
    /// cells `leaves` (`|`-separated), as (cell index, key).
    fn by_order(leaves: &str) -> Vec<(usize, &'static str)> {
        let def = &crate::schema::schema().requests;
        let mut h = vec!["（本列数据的勾稽关系为：第一项加第二项之和）"];
        h.extend(leaves.split('|'));
        let t = grid(&[h]);
        let cells = row_cells(&t, 0);
        let keys: Vec<Option<&str>> = cells
            .iter()
            .map(|c| header_col_key(def, &c.text()))
            .collect();
        leaves_by_order(def, &cells, &keys)
    }

    #[test]
    fn header_leaves_garbled_take_the_columns_the_printed_order_leaves_them() {
        // rule `header_leaves_by_order`: 总计 printed first and garbled, 商业企业 and 其他 too
        let leaves = "、总计|自然人|二企业|科研机构|社会公益组织|法律服务机构|?";
        assert_eq!(
            by_order(leaves),
            vec![(1, "total"), (3, "commercial"), (7, "other_org")]
        );
        // the template's order, 其他 and 总计 both garbled: the last two, in order
        let h = "自然人|商业企业|科研机构|公益组织|法律服务机构|具他|总汁";
        assert_eq!(by_order(h), vec![(6, "other_org"), (7, "total")]);
        // the mapping places the values under them, said so
        let header: Vec<&str> = leaves.split('|').collect();
        let m = requests_rows(
            &[("（一）予以公开", ["686", "657", "9", "1", "3", "12", "4"])],
            Some(header.try_into().unwrap()),
        );
        let c = |col: &str| m.get("requests", "granted", col).unwrap();
        assert_eq!(c("total").value.as_deref(), Some("686"));
        assert_eq!(c("commercial").value.as_deref(), Some("9"));
        assert_eq!(c("other_org").value.as_deref(), Some("4"));
        assert_eq!(c("natural_person").value.as_deref(), Some("657"));
        assert!(c("total").flags.contains(&Flag::ColumnByHeaderOrder));
        assert!(!c("research").flags.contains(&Flag::ColumnByHeaderOrder));
    }

    #[test]
    fn columns_named_by_the_headers_order_hold_for_its_own_grid_only() {
        // the header (its 总计, 商业企业 and 其他 garbled) over one grid, the rows on another
        // (a continuation page): there the garbled columns are not known by the header
        let mut h = vec!["（本列数据的勾稽关系为：第一项加第二项之和）"];
        h.extend("、总计|自然人|二企业|科研机构|社会公益组织|法律服务机构|?".split('|'));
        let header = grid(&[h]);
        let rows = grid(&[vec![
            "（一）予以公开",
            "686",
            "657",
            "9",
            "1",
            "3",
            "12",
            "4",
        ]]);
        let m = map_tables(&[header, rows], crate::schema::schema());
        let c = |col: &str| m.get("requests", "granted", col).unwrap();
        assert!(!c("total").flags.contains(&Flag::ColumnByHeaderOrder));
        assert!(!c("commercial").flags.contains(&Flag::ColumnByHeaderOrder));
        assert!(c("total").flags.contains(&Flag::ColumnByPosition));
    }

    #[test]
    fn header_leaves_by_order_do_not_fire_where_the_order_is_unsure() {
        // one leaf split in two cells: eight cells for seven leaves, two windows fit
        assert_eq!(
            by_order("自然人|商业|企业|科研机构|社会公益组织|法律服务机构|?|?"),
            vec![]
        );
        // the recognised leaves out of every printed order
        assert_eq!(
            by_order("科研机构|自然人|?|?|社会公益组织|法律服务机构|?"),
            vec![]
        );
        // every leaf recognised: nothing to name
        assert_eq!(
            by_order("自然人|商业企业|科研机构|公益组织|法律服务机构|其他|总计"),
            vec![]
        );
        // six cells for seven leaves: no window
        assert_eq!(by_order("自然人|商业企业|科研机构|公益组织|?|?"), vec![]);
    }

    #[test]
    fn row_sums_move_no_column_when_the_total_is_last_or_a_header_places_it() {
        // the template's order: the last column sums the others
        let last: Vec<(&str, [&str; 7])> = TOTAL_FIRST
            .iter()
            .map(|(l, v)| (*l, [v[1], v[2], v[3], v[4], v[5], v[6], v[0]]))
            .collect();
        let m = requests_rows(&last, None);
        let c = |row: &str, col: &str| m.get("requests", row, col).unwrap();
        assert_eq!(c("new_received", "total").value.as_deref(), Some("12"));
        assert_eq!(
            c("new_received", "natural_person").value.as_deref(),
            Some("7")
        );
        assert!(
            !c("granted", "total")
                .flags
                .contains(&Flag::TotalColumnBySums)
        );
        // one row whose first number is the sum of the others is no evidence
        let m = requests_rows(&TOTAL_FIRST[..2], None);
        let c = |row: &str, col: &str| m.get("requests", row, col).unwrap();
        assert_eq!(
            c("new_received", "natural_person").value.as_deref(),
            Some("12")
        );
        // a header read with 总计 first places the cells itself
        let header = [
            "总计",
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
        ];
        let m = requests_rows(&TOTAL_FIRST, Some(header));
        let c = |row: &str, col: &str| m.get("requests", row, col).unwrap();
        assert_eq!(c("new_received", "total").value.as_deref(), Some("12"));
        assert_eq!(
            c("new_received", "natural_person").value.as_deref(),
            Some("7")
        );
        assert!(
            !c("new_received", "total")
                .flags
                .contains(&Flag::TotalColumnBySums)
        );
        assert!(
            !c("new_received", "total")
                .flags
                .contains(&Flag::ColumnByPosition)
        );
    }

    #[test]
    fn an_appeals_leaf_row_with_its_upheld_and_corrected_garbled_is_no_requests_header() {
        // 其他结果 and 总计 name requests columns (其他, 总计) three times; 维持 and 纠正 are legible
        // once: the row reads like the leaf row, and its values are the appeals table's
        let leaves = [
            "馈果挫振",
            "结果组正",
            "其他结果",
            "尚汪刘结",
            "总计",
            "结果维持",
            "结果旬正",
            "其他结昧",
            "尚来审结",
            "总计",
            "所放",
            "复议后起诉",
            "复议后起诉",
        ];
        let values = [
            "18", "9", "18", "9", "54", "5", "0", "0", "0", "5", "所放", "750", "750",
        ];
        let texts: Vec<String> = leaves.iter().map(|s| s.to_string()).collect();
        assert!(!is_requests_header(
            &crate::schema::schema().requests,
            &texts
        ));
        let mut top: Vec<&str> = vec!["行政复议"; 5];
        top.extend(["未经复议直接起诉"; 5]);
        top.extend(["复议后起诉"; 3]);
        let m = map_tables(
            &[grid(&[top, leaves.to_vec(), values.to_vec()])],
            crate::schema::schema(),
        );
        let v = |c: &str| m.get("appeals", "cases", c).unwrap().value.as_deref();
        assert_eq!(v("review_upheld"), Some("18"));
        assert_eq!(v("review_total"), Some("54"));
        assert_eq!(v("litigation_direct_total"), Some("5"));
        // the requests header keeps being one
        let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
        assert!(is_requests_header(
            &crate::schema::schema().requests,
            &header
        ));
    }

    /// The requests header and `rows`, every row with one more cell at its right end, that
    /// cell merged down over grid rows `1..=span` (after the header) and holding `text`.
    fn with_tail_over(rows: &[Vec<&str>], span: usize, text: &str) -> Table {
        let mut head = HEADER.to_vec();
        head.push("");
        let mut all = vec![head];
        for r in rows {
            let mut r = r.clone();
            r.push(text);
            all.push(r);
        }
        let mut t = grid(&all);
        let nc = t.n_cols();
        let k = nc + nc - 1;
        t.cells[k].r1 = 1 + span;
        t.cells[k].bbox.y1 = t.ys[1 + span];
        for r in 2..1 + span {
            t.index[r * nc + nc - 1] = k;
        }
        t
    }

    #[test]
    fn text_over_several_rows_at_their_right_end_is_no_part_of_them() {
        let rows = [
            row("一、本年新收政府信息公开申请数量", "3"),
            row("二、上年结转政府信息公开申请数量", "1"),
            row("（一）予以公开", "2"),
        ];
        // a seal's strokes boxed in beside the table, over all three rows: each row reads
        let t = with_tail_over(&rows, 3, "240到");
        assert_eq!(spanning_tail(&row_cells(&t, 1)), 1);
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(req(&m, "new_received").value.as_deref(), Some("3"));
        assert_eq!(req(&m, "carried_over").value.as_deref(), Some("1"));
        assert_eq!(req(&m, "granted").value.as_deref(), Some("2"));
        // a value-like cell over the rows stays the rows' (the value rules judge it)
        let t = with_tail_over(&rows, 3, "5");
        assert_eq!(spanning_tail(&row_cells(&t, 1)), 0);
        // text over fewer rows is a row's own cell
        let t = with_tail_over(&rows, 2, "240到");
        assert_eq!(spanning_tail(&row_cells(&t, 1)), 0);
    }

    /// `t` with its column lines at `xs` (as many as it has), its cells' boxes and its own box
    /// moved with them.
    fn with_xs(mut t: Table, xs: &[f32]) -> Table {
        assert_eq!(xs.len(), t.xs.len());
        t.xs = xs.to_vec();
        (t.bbox.x0, t.bbox.x1) = (xs[0], xs[xs.len() - 1]);
        for c in &mut t.cells {
            c.bbox.x0 = xs[c.c0];
            c.bbox.x1 = xs[c.c1];
        }
        t
    }

    /// `t` with its row lines at `ys` (as many as it has), its cells' boxes moved with them.
    fn with_ys(mut t: Table, ys: &[f32]) -> Table {
        assert_eq!(ys.len(), t.ys.len());
        t.ys = ys.to_vec();
        for c in &mut t.cells {
            c.bbox.y0 = ys[c.r0];
            c.bbox.y1 = ys[c.r1];
        }
        t
    }

    /// The requests table's first row alone at a page's foot, a false column line splitting
    /// its research cell (eight value cells), and the table continued on the page below.
    fn foot_and_continuation(next_page: u32, shift: f32) -> (Table, Table) {
        let foot = with_xs(
            grid(&[vec![
                "一、本年新收政府信息公开申请数量",
                "3",
                "1",
                "0",
                "",
                "0",
                "2",
                "0",
                "6",
            ]]),
            &[
                0.0, 100.0, 120.0, 140.0, 150.0, 160.0, 180.0, 200.0, 220.0, 240.0,
            ],
        );
        let mut next = grid(&[
            vec!["（一）予以公开", "1", "0", "0", "0", "0", "0", "1"],
            vec!["1.属于国家秘密", "2", "0", "0", "0", "0", "0", "2"],
        ]);
        next.page = next_page;
        let xs: Vec<f32> = next.xs.iter().map(|x| x + shift).collect();
        (foot, with_xs(next, &xs))
    }

    #[test]
    fn a_tables_first_row_at_a_pages_foot_takes_the_columns_of_its_continuation() {
        let s = crate::schema::schema();
        let (foot, next) = foot_and_continuation(2, 0.0);
        let m = map_tables(&[foot, next], s);
        let c = |col: &str| m.get("requests", "new_received", col).unwrap();
        for (col, v) in [
            ("natural_person", "3"),
            ("commercial", "1"),
            ("legal_services", "2"),
            ("total", "6"),
        ] {
            assert_eq!(c(col).value.as_deref(), Some(v), "{col}");
            assert!(c(col).flags.contains(&Flag::ColumnByPosition), "{col}");
        }
    }

    #[test]
    fn a_tables_first_row_keeps_no_columns_of_a_table_that_does_not_continue_it() {
        let s = crate::schema::schema();
        // on the same page, or two pages on, or its edges elsewhere: not its continuation
        for (page, shift) in [(1, 0.0), (3, 0.0), (2, 12.0)] {
            let (foot, next) = foot_and_continuation(page, shift);
            let m = map_tables(&[foot, next], s);
            let c = m.get("requests", "new_received", "natural_person").unwrap();
            assert!(
                c.flags.contains(&Flag::NotFound),
                "page {page} shift {shift}"
            );
        }
        // an active header's marker in the table: the active table's foot, not the requests'
        let (mut foot, next) = foot_and_continuation(2, 0.0);
        let cols = columns_from_rows(&next, &s.requests).unwrap();
        assert!(continued_columns(&foot, &next, cols.clone(), &s.active.header_markers).is_some());
        foot.cells[0].lines = vec!["信息内容".to_string()];
        assert!(continued_columns(&foot, &next, cols, &s.active.header_markers).is_none());
    }

    #[test]
    fn seven_alike_columns_right_of_wide_labels_are_the_requests_columns() {
        let s = crate::schema::schema();
        let rows: Vec<Vec<&str>> = ["蛮蛮", "阿阿", "嗯嗯"]
            .iter()
            .map(|l| row(l, "1"))
            .collect();
        let cols = columns_by_widths(&grid(&rows), &s.requests).unwrap();
        let keys: Vec<&str> = cols.0.iter().map(|c| c.2.as_str()).collect();
        assert_eq!(
            keys,
            [
                "natural_person",
                "commercial",
                "research",
                "social_welfare",
                "legal_services",
                "other_org",
                "total"
            ]
        );
        assert_eq!((cols.0[0].0, cols.0[6].1), (100.0, 240.0));
        // a false column line inside the third value column (a stroke taken for a ruling) is
        // passed over: the column stays one
        let split: Vec<Vec<&str>> = (0..3)
            .map(|_| vec!["蛮蛮", "1", "1", "1", "", "1", "1", "1", "1"])
            .collect();
        let xs = [
            0.0, 100.0, 120.0, 140.0, 150.0, 160.0, 180.0, 200.0, 220.0, 240.0,
        ];
        let cols = columns_by_widths(&with_xs(grid(&split), &xs), &s.requests).unwrap();
        assert_eq!(cols.0.len(), 7);
        assert_eq!((cols.0[2].0, cols.0[2].1), (140.0, 160.0));
    }

    #[test]
    fn alike_columns_that_are_no_requests_table_give_none() {
        let s = crate::schema::schema();
        // the appeals table: fifteen alike columns are no run of seven
        assert!(columns_by_widths(&appeals(&[""; 15], &VALUES), &s.requests).is_none());
        let mut many = vec!["蛮蛮"];
        many.extend(["1"; 15]);
        let t = grid(&[many.clone(), many.clone(), many]);
        assert!(columns_by_widths(&t, &s.requests).is_none());
        // numbers on two rows only
        let rows = [row("蛮蛮", "1"), row("阿阿", "1"), row("嗯嗯", "")];
        assert!(columns_by_widths(&grid(&rows), &s.requests).is_none());
        // a label column no wider than the value columns
        let rows = [row("蛮蛮", "1"), row("阿阿", "1"), row("嗯嗯", "1")];
        let xs = [80.0, 100.0, 120.0, 140.0, 160.0, 180.0, 200.0, 220.0, 240.0];
        assert!(columns_by_widths(&with_xs(grid(&rows), &xs), &s.requests).is_none());
        // text alignment's grid: no rulings to go by
        let mut t = grid(&[row("蛮蛮", "1"), row("阿阿", "1"), row("嗯嗯", "1")]);
        t.method = "stream";
        assert!(columns_by_widths(&t, &s.requests).is_none());
    }

    /// A headerless ruled requests table at low resolution: two rows named by their labels
    /// (1.属于国家秘密, 5.属于三类内部事务信息), the three between them garbled, one printed blank
    /// and one whose values OCR read as marks.
    fn garbled_run() -> Vec<Vec<&'static str>> {
        vec![
            row("1.属于国家秘密", "1"),
            row("蛮蛮", ""),
            row("阿阿阿", "3"),
            vec!["嗯嗯", "乙", "", "丙", "", "", "", ""],
            row("5.属于三类内部事务信息", "4"),
        ]
    }

    #[test]
    fn ruled_rows_between_matched_rows_are_placed_by_order_whatever_ocr_made_of_them() {
        let m = map_tables(&[grid(&garbled_run())], crate::schema::schema());
        let three = req(&m, "denied_three_safety");
        assert_eq!(three.value.as_deref(), Some("3"));
        assert!(three.flags.contains(&Flag::RowByPosition));
        assert!(three.flags.contains(&Flag::ColumnByPosition));
        let blank = req(&m, "denied_law_forbidden");
        assert_eq!(blank.value.as_deref(), Some("0"));
        assert!(blank.flags.contains(&Flag::RowByPosition));
        // the row of marks takes its place and reads nothing
        let marks = req(&m, "denied_third_party");
        assert_eq!(marks.value, None);
        assert_eq!(marks.raw, "乙");
    }

    #[test]
    fn a_thin_grid_row_is_part_of_a_printed_row_not_one_of_its_own() {
        // a false ruling through the blank row cuts a thin blank row off it: counted as a row,
        // the run between the matched rows is a row longer than its gap and nothing is placed
        let mut rows = garbled_run();
        rows.insert(2, row("", ""));
        // the blank row keeps its own label cell; the thin one below it is 2 high, not 10
        let mut t = with_ys(grid(&rows), &[0.0, 10.0, 18.0, 20.0, 30.0, 40.0, 50.0]);
        t.cells[2 * 8].lines = vec!["口".into()];
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(req(&m, "denied_three_safety").value.as_deref(), Some("3"));
        assert_eq!(req(&m, "denied_law_forbidden").value.as_deref(), Some("0"));
    }

    #[test]
    fn two_full_grid_rows_under_one_label_cell_are_two_printed_rows() {
        // a headerless table at low resolution, its first two printed rows' row line lost over
        // the label column only: both rows are of full height, so the second is no
        // continuation of the first, to be dropped at no cost; the run before the matched row
        // is then sure of its place
        let rows = [
            row("蛮蛮", "2"),
            row("", "3"),
            row("3.危及“三安全一稳定”", "4"),
        ];
        let mut t = grid(&rows);
        let nc = t.n_cols();
        t.cells[0].r1 = 2;
        t.cells[0].bbox.y1 = t.ys[2];
        t.index[nc] = 0;
        let m = map_tables(&[t], crate::schema::schema());
        assert_eq!(req(&m, "denied_state_secret").value.as_deref(), Some("2"));
        let c = req(&m, "denied_law_forbidden");
        assert_eq!(c.value.as_deref(), Some("3"));
        assert!(c.flags.contains(&Flag::RowByPosition));
    }
}

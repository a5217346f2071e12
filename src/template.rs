//! Template mapping: reconstructed tables -> the national template's cells.
//!
//! Works row by row over every table of the document in reading order, so a table split over
//! pages (with or without a repeated header) needs no special joining.  A row is recognised by
//! its own label (the rightmost text cell), matched against the template's row labels by
//! character similarity after folding numbering and bracket variants; its value cells are the
//! cells right of that label, assigned to template columns through the header rows above them
//! (by x-overlap, so a continuation page without a header reuses the last header's columns),
//! or by position when no header was seen.

use crate::model::BBox;
use crate::schema::{Row, Schema, TableDef};
use crate::table::{Cell, Table};
use crate::values::{self, Parsed};

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
    pub method: String,
    pub confidence: f32,
    /// How sure the producer is of the words read (the lowest word confidence; 1.0 for the
    /// text layer), apart from layout doubts such as stream tables.  The repair stage's doubt.
    pub word_confidence: f32,
    /// Other readings of the cell's text (from the producer's alternatives), best first.
    pub alternatives: Vec<String>,
    pub flags: Vec<String>,
}

impl MappedCell {
    pub fn flag(&mut self, f: impl Into<String>) {
        let f = f.into();
        if !self.flags.contains(&f) {
            self.flags.push(f);
        }
    }
    pub fn number(&self) -> Option<f64> {
        self.value.as_deref().and_then(|v| v.parse().ok())
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
}

impl Mapping {
    pub fn get(&self, table: &str, row: &str, col: &str) -> Option<&MappedCell> {
        self.cells.iter().find(|c| c.table == table && c.row == row && c.col == col)
    }
    pub fn get_mut(&mut self, table: &str, row: &str, col: &str) -> Option<&mut MappedCell> {
        self.cells.iter_mut().find(|c| c.table == table && c.row == row && c.col == col)
    }
    /// Whether the document holds the template at all: two of its tables, or enough cells, or
    /// the active table alone recognised by its row labels (a photo or screenshot of that one
    /// table, without the report's headings): cells read in at least `ACTIVE_ROWS_ALONE` of its
    /// six rows (规章, 行政规范性文件, 行政许可, 行政处罚, 行政强制, 行政事业性收费), a
    /// combination no other table has.
    pub fn is_template(&self) -> bool {
        const ACTIVE_ROWS_ALONE: usize = 4;
        let mut active_rows: Vec<&str> = self.cells.iter().filter(|c| c.table == "active" && c.page.is_some() && c.method != "missing" && c.method != "derived").map(|c| c.row.as_str()).collect();
        active_rows.dedup();
        self.found.iter().filter(|&&f| f).count() >= 2 || self.read >= 20 || active_rows.len() >= ACTIVE_ROWS_ALONE
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
            _ => Some(c),
        })
        .collect()
}

/// Dice coefficient over the longest common subsequence of characters: 1.0 for equal strings,
/// tolerant of dropped, doubled and substituted characters (typos, OCR).
pub fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut prev = vec![0u16; b.len() + 1];
    let mut cur = vec![0u16; b.len() + 1];
    for &ca in &a {
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = if ca == cb { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    2.0 * prev[b.len()] as f32 / (a.len() + b.len()) as f32
}

/// Column keys of the requests table recognised from header text.
fn requests_col_key(text: &str) -> Option<&'static str> {
    let t = norm_label(text);
    if t.contains("自然人") || t == "自然" {
        Some("natural_person")
    } else if t.contains("商业企业") || t == "商业" {
        Some("commercial")
    } else if t.contains("科研机构") || t == "科研" {
        Some("research")
    } else if t.contains("公益") {
        Some("social_welfare")
    } else if t.contains("法律服务") {
        Some("legal_services")
    } else if t == "其他" || t == "其它" {
        Some("other_org")
    } else if t == "总计" || t == "合计" {
        Some("total")
    } else {
        None
    }
}

fn active_col_key(text: &str) -> Option<&'static str> {
    let t = norm_label(text);
    if t.contains("制发") {
        Some("issued")
    } else if t.contains("废止") {
        Some("repealed")
    } else if t.contains("有效") {
        Some("in_force")
    } else {
        None
    }
}

/// Appeals column from its header path (group headers joined above the leaf).
fn appeals_col_key(path: &str) -> Option<String> {
    let t = norm_label(path);
    let group = if t.contains("复议后起诉") {
        "litigation_after_review"
    } else if t.contains("未经复议") || t.contains("直接起诉") {
        "litigation_direct"
    } else if t.contains("行政复议") {
        "review"
    } else {
        return None;
    };
    // the leaf is the last header text; look at the tail so group words do not interfere
    let tail: String = t.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    let leaf = if tail.contains("维持") {
        "upheld"
    } else if tail.contains("纠正") {
        "corrected"
    } else if tail.contains("其他") || tail.contains("其它") {
        "other"
    } else if tail.contains("尚未") || tail.contains("审结") {
        "pending"
    } else if tail.contains("总计") || tail.contains("合计") {
        "total"
    } else {
        return None;
    };
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
fn row_cells(t: &Table, r: usize) -> Vec<&Cell> {
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
    let mut k = cells.len();
    while k > 0 && values::value_like(&cells[k - 1].text(), cells[k - 1].confidence) {
        k -= 1;
    }
    (cells[..k].to_vec(), cells[k..].to_vec())
}

struct Candidate<'a> {
    value_cells: Vec<&'a Cell>,
    label: String,
    page: u32,
    method: &'static str,
}

/// Best template row for a label, with its similarity.
fn best_row<'s>(def: &'s TableDef, label: &str) -> Option<(&'s Row, f32)> {
    let l = norm_label(label);
    def.rows
        .iter()
        .map(|r| (r, similarity(&l, &norm_label(&r.label))))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

fn active_row<'s>(def: &'s TableDef, label: &str) -> Option<&'s Row> {
    let l = norm_label(label);
    if l.chars().count() > 14 {
        return None;
    }
    def.rows.iter().find(|r| {
        let rl = norm_label(&r.label);
        if r.key == "regulations" {
            // 规章, not 行政规范性文件
            l.contains(&rl) && !l.contains("规范性")
        } else {
            l.contains(&rl) || similarity(&l, &rl) >= 0.8 || one_glyph_off(&l, &rl)
        }
    })
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
}

/// Map the document's tables (in reading order) onto the template.
pub fn map_tables(tables: &[Table], schema: &Schema) -> Mapping {
    let mut assigned: Vec<MappedCell> = Vec::new();
    let mut collapsed: Vec<(String, Candidate)> = Vec::new();
    let mut st = State::default();
    for t in tables {
        for r in 0..t.n_rows() {
            let cells = row_cells(t, r);
            let texts: Vec<String> = cells.iter().map(|c| c.text()).collect();
            if update_headers(t, r, &cells, &texts, &mut st) {
                continue;
            }
            let (labels, vals) = split_row(&cells);
            let label = labels.last().map(|c| c.text()).unwrap_or_default();
            if vals.is_empty() {
                continue;
            }
            let cand = Candidate { value_cells: vals, label: label.clone(), page: t.page, method: t.method };
            if labels.is_empty() {
                if cand.value_cells.len() >= 10 {
                    assign_appeals(&cand, &st, &schema.appeals, &mut assigned);
                }
                continue;
            }
            if let Some(row) = active_row(&schema.active, &label) {
                assign_active(&cand, row, &st, &mut assigned);
            } else if let Some(g) = collapsed_group(&schema.requests, &label) {
                collapsed.push((g.to_string(), cand));
            } else if let Some((row, s)) = best_row(&schema.requests, &label)
                && s >= 0.6
            {
                assign_requests(&cand, row, &st, &mut assigned);
            }
        }
    }
    assemble(schema, assigned, collapsed)
}

/// Recognise header rows and update the column maps; true when the row is a header.
fn update_headers(t: &Table, r: usize, cells: &[&Cell], texts: &[String], st: &mut State) -> bool {
    let req_hits = texts.iter().filter(|s| requests_col_key(s).is_some()).count();
    if req_hits >= 3 {
        let map: Vec<(f32, f32, String)> = cells
            .iter()
            .zip(texts)
            .filter_map(|(c, s)| requests_col_key(s).map(|k| (c.bbox.x0, c.bbox.x1, k.to_string())))
            .collect();
        st.req_cols = Some(ColMap(map));
        return true;
    }
    let act: Vec<(f32, f32, String)> = cells
        .iter()
        .zip(texts)
        .filter_map(|(c, s)| active_col_key(s).map(|k| (c.bbox.x0, c.bbox.x1, k.to_string())))
        .collect();
    if act.len() >= 2 {
        st.active_cols = Some(ColMap(act));
        return true;
    }
    let joined: String = texts.concat();
    if joined.contains("信息内容") || joined.contains("处理决定数量") || joined.contains("收费金额") {
        return true;
    }
    let leaf_hits = texts.iter().filter(|s| s.contains("维持") || s.contains("纠正")).count();
    if leaf_hits >= 2 {
        // header path of every grid column: the texts above it in this table, top to bottom
        let mut map = Vec::new();
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
            if let Some(k) = appeals_col_key(path.trim_end_matches('/')) {
                map.push((t.xs[c], t.xs[c + 1], k));
            }
        }
        let map = ColMap(map);
        if map.distinct_keys() >= 10 {
            st.appeals_cols = Some(map);
        }
        return true;
    }
    // other header-like rows (group headers of the appeals table, 申请人情况 ...)
    let all_text = !texts.is_empty() && texts.iter().all(|s| !values::is_value_like(s));
    all_text && (joined.contains("行政复议") || joined.contains("行政诉讼") || joined.contains("申请人情况"))
}

fn cell_for(cand: &Candidate, cell: &Cell, table: &str, row: &Row, col: &(String, String)) -> MappedCell {
    let raw = cell.text();
    let (value, mut flags) = match values::parse(&raw) {
        Parsed::Number(n) => (Some(n), vec![]),
        Parsed::Zero => (Some("0".to_string()), vec![]),
        Parsed::Text => (None, vec!["unparseable".to_string()]),
    };
    if let Some(v) = &value
        && v.contains('.')
        && !row.decimal
    {
        flags.push("decimal_in_count".into());
    }
    if cand.method == "stream" {
        // rows and columns from text alignment alone are a guess worth a look
        flags.push("layout_from_text_alignment".into());
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
        method: cand.method.into(),
        confidence: cell.confidence.min(if cand.method == "stream" { 0.8 } else { 1.0 }),
        word_confidence: cell.confidence,
        alternatives: cell.alternatives.clone(),
        flags,
    }
}

fn assign_active(cand: &Candidate, row: &Row, st: &State, out: &mut Vec<MappedCell>) {
    if row.cols.len() == 1 {
        let cell = cand.value_cells[0];
        out.push(cell_for(cand, cell, "active", row, &row.cols[0]));
        return;
    }
    let by_header: Vec<Option<usize>> = cand
        .value_cells
        .iter()
        .map(|cell| st.active_cols.as_ref().and_then(|m| m.key_for(&cell.bbox)).and_then(|k| row.cols.iter().position(|c| c.0 == k)))
        .collect();
    // A header that lost a column (OCR) maps the cells onto too few keys: when the row has
    // exactly the template's number of cells, position is then the better guide.
    let mut distinct: Vec<usize> = by_header.iter().flatten().copied().collect();
    distinct.sort();
    distinct.dedup();
    let n = cand.value_cells.len();
    let positional = n == row.cols.len() && distinct.len() < n;
    let mut used = vec![false; row.cols.len()];
    for (i, cell) in cand.value_cells.iter().enumerate() {
        let idx = if positional { Some(i) } else { by_header[i] };
        if let Some(j) = idx
            && !used[j]
        {
            used[j] = true;
            let mut m = cell_for(cand, cell, "active", row, &row.cols[j]);
            if positional && st.active_cols.is_some() {
                m.flag("column_by_position");
            }
            out.push(m);
        }
    }
}

fn assign_requests(cand: &Candidate, row: &Row, st: &State, out: &mut Vec<MappedCell>) {
    let n = row.cols.len();
    let mut used = vec![false; n];
    let by_map: Vec<Option<usize>> = cand
        .value_cells
        .iter()
        .map(|c| st.req_cols.as_ref().and_then(|m| m.key_for(&c.bbox)).and_then(|k| row.cols.iter().position(|x| x.0 == k)))
        .collect();
    let mapped = by_map.iter().filter(|m| m.is_some()).count();
    let positional = mapped < n.min(cand.value_cells.len()) && cand.value_cells.len() == n;
    let cells = &cand.value_cells;
    for (i, cell) in cells.iter().enumerate() {
        let j = if positional { Some(i) } else { by_map[i] };
        if let Some(j) = j
            && !used[j]
        {
            used[j] = true;
            let mut m = cell_for(cand, cell, "requests", row, &row.cols[j]);
            if positional {
                m.flag("column_by_position");
            }
            out.push(m);
        }
    }
}

fn assign_appeals(cand: &Candidate, st: &State, def: &TableDef, out: &mut Vec<MappedCell>) {
    let row = &def.rows[0];
    let positional = st.appeals_cols.is_none();
    if positional && cand.value_cells.len() != row.cols.len() {
        return;
    }
    for (i, cell) in cand.value_cells.iter().enumerate() {
        let j = if positional {
            Some(i)
        } else {
            st.appeals_cols.as_ref().and_then(|m| m.key_for(&cell.bbox)).and_then(|k| row.cols.iter().position(|x| x.0 == k))
        };
        if let Some(j) = j {
            let mut m = cell_for(cand, cell, "appeals", row, &row.cols[j]);
            m.row_label = row.label.clone();
            if positional {
                m.flag("column_by_position");
            }
            out.push(m);
        }
    }
}

/// Put the assigned cells in template order; derive or mark what is missing.
fn assemble(schema: &Schema, assigned: Vec<MappedCell>, collapsed: Vec<(String, Candidate)>) -> Mapping {
    let mut m = Mapping::default();
    for (ti, def) in schema.tables().into_iter().enumerate() {
        for (row, col) in def.cells() {
            let mut hits = assigned.iter().filter(|c| c.table == def.key && c.row == row.key && c.col == col.0);
            let cell = match hits.next() {
                Some(first) => {
                    let mut c = first.clone();
                    if hits.any(|o| o.value != first.value) {
                        c.flag("conflicting_duplicate");
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

fn derived_or_missing(def: &TableDef, row: &Row, col: &(String, String), collapsed: &[(String, Candidate)]) -> MappedCell {
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
        method: "missing".into(),
        confidence: 0.0,
        word_confidence: 0.0,
        alternatives: vec![],
        flags: vec![],
    };
    let group = row.group.as_deref().unwrap_or("");
    if let Some((_, cand)) = collapsed.iter().find(|(g, _)| g == group) {
        // The report prints the group as one row.  Its sub-rows are 0 only when that row is all
        // zeros; otherwise the split is unknown and nothing is invented.
        let all_zero = cand.value_cells.iter().all(|v| matches!(values::parse(&v.text()), Parsed::Zero) || values::parse(&v.text()) == Parsed::Number("0".into()));
        c.page = Some(cand.page);
        c.row_label = cand.label.clone();
        c.method = "derived".into();
        if all_zero {
            c.value = Some("0".into());
            c.confidence = 1.0;
            c.flag("derived:group_printed_as_one_zero_row");
        } else {
            c.flag("unknown:group_printed_as_one_nonzero_row");
        }
    } else {
        c.flag("not_found");
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_folding() {
        assert_eq!(norm_label("1、 本机关不掌握相关政府信息"), "1.本机关不掌握相关政府信息");
        assert_eq!(norm_label("（一）予以公开"), "(一)予以公开");
        assert_eq!(norm_label("(一)予以公开"), "(一)予以公开");
        assert_eq!(norm_label("3.危及“三安全一稳定”"), "3.危及三安全一稳定");
        assert_eq!(norm_label("总 计"), "总计");
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
        let (_, sim) = best_row(&s.requests, "行政许可").unwrap();
        assert!(sim < 0.6);
    }

    #[test]
    fn short_active_label_with_one_misread_glyph() {
        let s = crate::schema::schema();
        assert_eq!(active_row(&s.active, "行政处训").map(|r| r.key.as_str()), Some("punishment"));
        assert_eq!(active_row(&s.active, "行政许可").map(|r| r.key.as_str()), Some("licensing"));
        assert!(active_row(&s.active, "行政复议").is_none());
    }

    #[test]
    fn column_headers() {
        assert_eq!(requests_col_key("社会公益组织"), Some("social_welfare"));
        assert_eq!(requests_col_key("法人或其他组织"), None);
        assert_eq!(requests_col_key("其他"), Some("other_org"));
        assert_eq!(appeals_col_key("行政诉讼/复议后起诉/结果纠正").as_deref(), Some("litigation_after_review_corrected"));
        assert_eq!(appeals_col_key("行政诉讼/未经复议直接起诉/总计").as_deref(), Some("litigation_direct_total"));
        assert_eq!(appeals_col_key("行政复议/尚未审结").as_deref(), Some("review_pending"));
        assert_eq!(active_row(&crate::schema::schema().active, "行政规范性文件").unwrap().key, "normative_documents");
        assert_eq!(active_row(&crate::schema::schema().active, "规章").unwrap().key, "regulations");
    }
}

//! The analysts' view of a result: the template's own Chinese labels beside the printed ones
//! (cells.csv), the agency's identity (reports.csv), and one row per report with every
//! template cell a column in template order (wide.csv, the workbook's `wide` sheet).
//!
//! A wide column's key is `table.row.col` (schema keys, `requests.granted.natural_person`);
//! its Chinese label is `表三 / （一）予以公开 / 自然人`: the table's number (from its label,
//! 三、收到和处理…), the row's label, preceded by its group's when the row label alone repeats
//! across groups (`1.属于国家秘密` under `（三）不予公开`), and the column's label.

use crate::identity;
use crate::pipeline::{CellRow, ReportResult, ReportRow};
use crate::schema;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One template cell as a wide column.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub table: String,
    pub row: String,
    pub col: String,
    /// The template's row label (with its group when needed) and column label.
    pub row_label: String,
    pub col_label: String,
    /// `表三 / （一）予以公开 / 自然人`.
    pub label: String,
}

/// The report columns that lead every wide row: (key, Chinese label).
pub const LEAD: &[(&str, &str)] = &[
    ("report_id", "报告编号"),
    ("source_file", "文件"),
    ("agency", "机关（标题所写）"),
    ("agency_canonical", "机关（规范名称）"),
    ("province", "省"),
    ("city", "市"),
    ("county", "县"),
    ("division_code", "区划代码"),
    ("level", "层级"),
    ("year", "年度"),
    ("status", "状态"),
    ("flagged", "存疑单元格数"),
    ("checks_failed", "未通过的校验数"),
];

/// Every template cell in template order (tables, then rows, then columns).
pub fn columns() -> &'static [Column] {
    static C: OnceLock<Vec<Column>> = OnceLock::new();
    C.get_or_init(|| {
        let mut out = Vec::new();
        for t in schema::schema().tables() {
            let number = t.label.split('、').next().unwrap_or("");
            for (row, (col, col_label)) in t.cells() {
                let row_label = match &row.group {
                    Some(g) if row.label.starts_with(|c: char| c.is_ascii_digit()) => {
                        format!("{g} / {}", row.label)
                    }
                    _ => row.label.clone(),
                };
                out.push(Column {
                    key: format!("{}.{}.{}", t.key, row.key, col),
                    table: t.key.clone(),
                    row: row.key.clone(),
                    col: col.clone(),
                    label: format!("表{number} / {row_label} / {col_label}"),
                    row_label,
                    col_label: col_label.clone(),
                });
            }
        }
        out
    })
}

fn column_index() -> &'static HashMap<(String, String, String), usize> {
    static I: OnceLock<HashMap<(String, String, String), usize>> = OnceLock::new();
    I.get_or_init(|| {
        columns()
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.table.clone(), c.row.clone(), c.col.clone()), i))
            .collect()
    })
}

/// The wide column of a cell, if the cell is a template cell.
pub fn column_of(table: &str, row: &str, col: &str) -> Option<usize> {
    column_index()
        .get(&(table.to_string(), row.to_string(), col.to_string()))
        .copied()
}

/// Fill in what the analysts' outputs derive from a stored result: the template labels of
/// every cell and the agency's identity (recomputed at every rebuild, so results stored by an
/// older build get them too).
pub fn annotate(r: &mut ReportResult) {
    for c in &mut r.cells {
        if let Some(i) = column_of(&c.table, &c.row, &c.col) {
            let col = &columns()[i];
            c.template_row_label.clone_from(&col.row_label);
            c.template_col_label.clone_from(&col.col_label);
        }
    }
    annotate_report(&mut r.report);
}

/// The identity columns of reports.csv from the row's agency.
pub fn annotate_report(row: &mut ReportRow) {
    let id = identity::identify(&row.agency);
    row.agency_canonical = id.canonical.clone();
    row.province = id.province.clone();
    row.city = id.city.clone();
    row.county = id.county.clone();
    row.division_code = id.code.clone();
    row.level = id.level_str().to_string();
    row.identity = id.note();
}

/// The lead values of a report's wide row (in [`LEAD`] order).
pub fn lead_values(r: &ReportRow) -> Vec<String> {
    vec![
        r.report_id.clone(),
        r.source_file.clone(),
        r.agency.clone(),
        r.agency_canonical.clone(),
        r.province.clone(),
        r.city.clone(),
        r.county.clone(),
        r.division_code.clone(),
        r.level.clone(),
        r.year.clone(),
        r.status.clone(),
        r.flagged.to_string(),
        r.checks_failed.to_string(),
    ]
}

/// A report's cells placed in wide column order (None: the report has no such cell).
pub fn place(cells: &[CellRow]) -> Vec<Option<&CellRow>> {
    let mut v = vec![None; columns().len()];
    for c in cells {
        if let Some(i) = column_of(&c.table, &c.row, &c.col) {
            v[i] = Some(c);
        }
    }
    v
}

/// wide.csv's header: the lead keys, then every column key.
pub fn header() -> Vec<String> {
    LEAD.iter()
        .map(|(k, _)| k.to_string())
        .chain(columns().iter().map(|c| c.key.clone()))
        .collect()
}

/// The same columns' Chinese labels (the workbook's `wide` header).
pub fn header_zh() -> Vec<String> {
    LEAD.iter()
        .map(|(_, l)| l.to_string())
        .chain(columns().iter().map(|c| c.label.clone()))
        .collect()
}

/// wide-labels.csv: one row per wide.csv column: column, label, table, row, col.
pub fn labels_rows() -> Vec<[String; 5]> {
    let lead = LEAD.iter().map(|(k, l)| {
        [
            k.to_string(),
            l.to_string(),
            String::new(),
            String::new(),
            String::new(),
        ]
    });
    lead.chain(columns().iter().map(|c| {
        [
            c.key.clone(),
            c.label.clone(),
            c.table.clone(),
            c.row.clone(),
            c.col.clone(),
        ]
    }))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_template_with_its_labels() {
        let c = columns();
        assert_eq!(c.len(), schema::schema().n_cells());
        assert_eq!(c[0].key, "active.regulations.issued");
        assert_eq!(c[0].label, "表二 / 规章 / 本年制发件数");
        let g = &c[column_of("requests", "granted", "natural_person").unwrap()];
        assert_eq!(g.label, "表三 / （一）予以公开 / 自然人");
        let s = &c[column_of("requests", "denied_state_secret", "total").unwrap()];
        assert_eq!(s.row_label, "（三）不予公开 / 1.属于国家秘密");
        assert_eq!(s.col_label, "总计");
        // template order, not alphabetical: requests come after active, new_received first
        let first_request = c.iter().position(|c| c.table == "requests").unwrap();
        assert_eq!(c[first_request].key, "requests.new_received.natural_person");
        assert_eq!(
            c.last().unwrap().key,
            "appeals.cases.litigation_after_review_total"
        );
        // every label is distinct, so a header of labels is as good as a header of keys
        let mut labels: Vec<_> = c.iter().map(|c| &c.label).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), c.len());
        assert_eq!(header().len(), header_zh().len());
    }

    #[test]
    fn annotate_adds_template_labels_and_identity() {
        let mut r = ReportResult::default();
        r.report.agency = "洪泽区人民政府".into();
        r.cells.push(CellRow {
            table: "requests".into(),
            row: "granted".into(),
            col: "total".into(),
            row_label: "(一)予以公井".into(),
            ..Default::default()
        });
        r.cells.push(CellRow {
            table: "nosuch".into(),
            row: "x".into(),
            col: "y".into(),
            ..Default::default()
        });
        annotate(&mut r);
        assert_eq!(r.cells[0].template_row_label, "（一）予以公开");
        assert_eq!(r.cells[0].template_col_label, "总计");
        assert_eq!(
            r.cells[0].row_label, "(一)予以公井",
            "the printed label is kept"
        );
        assert_eq!(r.cells[1].template_row_label, "");
        assert_eq!(r.report.agency_canonical, "淮安市洪泽区人民政府");
        assert_eq!(r.report.division_code, "320813");
        let placed = place(&r.cells);
        assert_eq!(placed.iter().filter(|c| c.is_some()).count(), 1);
        assert_eq!(lead_values(&r.report).len(), LEAD.len());
    }
}

//! The national template (国办公开办函〔2021〕30号), read from the schema file compiled into the
//! binary (`schema/annual-report-2021.json`, the data contract with the scorer).

use serde::Deserialize;
use std::sync::OnceLock;

pub const FORMAT: &str = "annual-report-2021";
const SCHEMA_JSON: &str = include_str!("../schema/annual-report-2021.json");

#[derive(Debug, Deserialize)]
struct RawSchema {
    tables: Vec<RawTable>,
}

#[derive(Debug, Deserialize)]
struct RawTable {
    key: String,
    label: String,
    #[serde(default)]
    cells: Vec<RawActiveRow>,
    #[serde(default)]
    cols: Vec<RawKeyLabel>,
    #[serde(default)]
    rows: Vec<RawRow>,
}

#[derive(Debug, Deserialize)]
struct RawActiveRow {
    row: String,
    row_label: String,
    group: String,
    cols: Vec<(String, String)>,
    #[serde(default)]
    decimal: bool,
}

#[derive(Debug, Deserialize)]
struct RawKeyLabel {
    key: String,
    label: String,
}

#[derive(Debug, Deserialize)]
struct RawRow {
    key: String,
    label: String,
    group: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub group: Option<String>,
    /// Columns of this row (key, label); for the requests and appeals tables all rows share them.
    pub cols: Vec<(String, String)>,
    pub decimal: bool,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub key: String,
    pub label: String,
    pub rows: Vec<Row>,
}

impl TableDef {
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }
    /// Every (row, col) of the table in template order.
    pub fn cells(&self) -> impl Iterator<Item = (&Row, &(String, String))> {
        self.rows.iter().flat_map(|r| r.cols.iter().map(move |c| (r, c)))
    }
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub active: TableDef,
    pub requests: TableDef,
    pub appeals: TableDef,
}

impl Schema {
    pub fn tables(&self) -> [&TableDef; 3] {
        [&self.active, &self.requests, &self.appeals]
    }
    pub fn table(&self, key: &str) -> Option<&TableDef> {
        self.tables().into_iter().find(|t| t.key == key)
    }
    pub fn n_cells(&self) -> usize {
        self.tables().iter().map(|t| t.cells().count()).sum()
    }
}

/// The compiled-in template.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        // The file is part of the binary and covered by tests; failing here is a build defect.
        let raw: RawSchema = serde_json::from_str(SCHEMA_JSON).expect("embedded schema is valid JSON");
        let mut tables = raw.tables.into_iter().map(|t| {
            let rows = if !t.cells.is_empty() {
                t.cells
                    .into_iter()
                    .map(|c| Row { key: c.row, label: c.row_label, group: Some(c.group), cols: c.cols, decimal: c.decimal })
                    .collect()
            } else {
                let cols: Vec<(String, String)> = t.cols.into_iter().map(|c| (c.key, c.label)).collect();
                t.rows
                    .into_iter()
                    .map(|r| Row { key: r.key, label: r.label, group: r.group, cols: cols.clone(), decimal: false })
                    .collect()
            };
            TableDef { key: t.key, label: t.label, rows }
        });
        let mut take = || tables.next().expect("embedded schema has three tables");
        let (active, requests, appeals) = (take(), take(), take());
        Schema { active, requests, appeals }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_shape() {
        let s = schema();
        assert_eq!(s.active.key, "active");
        assert_eq!(s.active.cells().count(), 10);
        assert_eq!(s.requests.rows.len(), 25);
        assert_eq!(s.requests.cells().count(), 175);
        assert_eq!(s.appeals.cells().count(), 15);
        assert_eq!(s.n_cells(), 200);
        assert!(s.active.row("fees").unwrap().decimal);
    }
}

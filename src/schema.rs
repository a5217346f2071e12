//! The templates (formats) of the annual report, read from the schema files compiled into the
//! binary: `schema/annual-report-2021.json` (国办公开办函〔2021〕30号, the data contract with the
//! scorer) and `schema/annual-report-2019.json` (国办公开办函〔2019〕60号).
//!
//! Everything the stages need to know about a format is data in its file: table and row labels,
//! the header words that name each column (`header_aliases`), the words of header rows that name
//! no column (`header_markers`), and the arithmetic (`constraints`, each a sum `parts = totals`
//! instantiated over the table's rows, its columns or a list of subjects).  A third format is a
//! new file added to [`FILES`], not new code.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The format of the 2021 template: the default when a document says nothing either way.
pub const FORMAT: &str = "annual-report-2021";

/// Every format, the default first.
const FILES: [&str; 2] = [
    include_str!("../schema/annual-report-2021.json"),
    include_str!("../schema/annual-report-2019.json"),
];

#[derive(Debug, Deserialize)]
struct RawSchema {
    name: String,
    first_year: u32,
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
    #[serde(default)]
    header_aliases: HashMap<String, Vec<String>>,
    #[serde(default)]
    header_markers: Vec<String>,
    #[serde(default)]
    constraints: Vec<RawConstraint>,
}

#[derive(Debug, Deserialize)]
struct RawActiveRow {
    row: String,
    row_label: String,
    group: String,
    cols: Vec<(String, String)>,
    #[serde(default)]
    decimal: bool,
    #[serde(default)]
    signed_cols: Vec<String>,
    #[serde(default)]
    unit: Option<String>,
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

#[derive(Debug, Deserialize)]
struct RawConstraint {
    name: String,
    over: Option<Over>,
    #[serde(default)]
    parts: Vec<String>,
    #[serde(default)]
    totals: Vec<String>,
}

/// What a constraint is instantiated over: `{}` in its cell patterns becomes each subject.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Over {
    /// "rows" (every row key of the table) or "cols" (every column key).
    Axis(String),
    /// An explicit list of subjects (the appeals groups).
    List(Vec<String>),
}

/// One arithmetic constraint of a table: for every subject, sum(parts) == sum(totals).  Cell
/// patterns are `row.col` with `{}` standing for the subject.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub name: String,
    pub over: Over,
    pub parts: Vec<String>,
    pub totals: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub group: Option<String>,
    /// Columns of this row (key, label); for the requests and appeals tables all rows share them.
    pub cols: Vec<(String, String)>,
    pub decimal: bool,
    /// Columns that may print a sign (本年增/减: `+3`, `-2`).
    pub signed_cols: Vec<String>,
    /// A unit the cells may print after the number (`103.5万元`), dropped from the value.
    pub unit: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    /// The format this table belongs to (`annual-report-2021`).
    pub format: String,
    pub key: String,
    pub label: String,
    pub rows: Vec<Row>,
    /// Column key -> words that name it in a header cell (contained in the cell's text, or the
    /// whole text when written `=总计`).
    pub header_aliases: Vec<(String, Vec<String>)>,
    /// Words of the table's header rows that name no column (信息内容, 申请人情况).
    pub header_markers: Vec<String>,
    pub constraints: Vec<Constraint>,
}

impl TableDef {
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }
    /// Every (row, col) of the table in template order.
    pub fn cells(&self) -> impl Iterator<Item = (&Row, &(String, String))> {
        self.rows
            .iter()
            .flat_map(|r| r.cols.iter().map(move |c| (r, c)))
    }
    /// Every distinct column key, in the order the rows first name them.
    pub fn col_keys(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, c) in self.cells() {
            if !out.contains(&c.0.as_str()) {
                out.push(&c.0);
            }
        }
        out
    }
    /// The column a header cell's text names, by the format's header aliases.
    pub fn header_col(&self, folded: &str) -> Option<&str> {
        self.header_aliases
            .iter()
            .find(|(_, words)| words.iter().any(|w| alias_matches(w, folded)))
            .map(|(k, _)| k.as_str())
    }
}

/// `=word` matches the whole text, `word` any text containing it.
fn alias_matches(alias: &str, text: &str) -> bool {
    match alias.strip_prefix('=') {
        Some(exact) => text == exact,
        None => text.contains(alias),
    }
}

#[derive(Debug, Clone)]
pub struct Schema {
    /// The format's name (`annual-report-2021`), reports.csv's `format`.
    pub format: String,
    /// The first report year the format was issued for (`first_year` in the file): a report
    /// of a year takes the format with the latest first year not after it
    /// ([`format_for_year`]), where its tables do not say otherwise.
    pub first_year: u32,
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

fn load(json: &str) -> Schema {
    // The files are part of the binary and covered by tests; failing here is a build defect.
    let raw: RawSchema = serde_json::from_str(json).expect("embedded schema is valid JSON");
    let format = raw.name.clone();
    let first_year = raw.first_year;
    let mut tables = raw.tables.into_iter().map(|t| {
        let rows: Vec<Row> = if !t.cells.is_empty() {
            t.cells
                .into_iter()
                .map(|c| Row {
                    key: c.row,
                    label: c.row_label,
                    group: Some(c.group),
                    cols: c.cols,
                    decimal: c.decimal,
                    signed_cols: c.signed_cols,
                    unit: c.unit,
                })
                .collect()
        } else {
            let cols: Vec<(String, String)> =
                t.cols.into_iter().map(|c| (c.key, c.label)).collect();
            t.rows
                .into_iter()
                .map(|r| Row {
                    key: r.key,
                    label: r.label,
                    group: r.group,
                    cols: cols.clone(),
                    decimal: false,
                    signed_cols: vec![],
                    unit: None,
                })
                .collect()
        };
        let mut header_aliases: Vec<(String, Vec<String>)> = t.header_aliases.into_iter().collect();
        // in the template's column order, so that a cell naming two columns takes the first
        let order: Vec<String> = {
            let mut o: Vec<String> = Vec::new();
            for r in &rows {
                for c in &r.cols {
                    if !o.contains(&c.0) {
                        o.push(c.0.clone());
                    }
                }
            }
            o
        };
        header_aliases
            .sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
        let constraints = t
            .constraints
            .into_iter()
            .map(|c| Constraint {
                over: c.over.unwrap_or_else(|| {
                    panic!("constraint {} of {} has no `over`", c.name, raw.name)
                }),
                name: c.name,
                parts: c.parts,
                totals: c.totals,
            })
            .collect();
        TableDef {
            format: format.clone(),
            key: t.key,
            label: t.label,
            rows,
            header_aliases,
            header_markers: t.header_markers,
            constraints,
        }
    });
    let mut take = || tables.next().expect("embedded schema has three tables");
    let (active, requests, appeals) = (take(), take(), take());
    Schema {
        format,
        first_year,
        active,
        requests,
        appeals,
    }
}

/// Every format, the default ([`FORMAT`]) first.
pub fn schemas() -> &'static [Schema] {
    static S: OnceLock<Vec<Schema>> = OnceLock::new();
    S.get_or_init(|| FILES.iter().map(|f| load(f)).collect())
}

/// The default template (2021).
pub fn schema() -> &'static Schema {
    &schemas()[0]
}

/// The format issued for reports of `year`: the one with the latest first year not after it;
/// `None` before the first format (reports older than the template).
pub fn format_for_year(year: u32) -> Option<&'static Schema> {
    schemas()
        .iter()
        .filter(|s| s.first_year <= year)
        .max_by_key(|s| s.first_year)
}

/// The template of a format by its name.
pub fn by_format(format: &str) -> Option<&'static Schema> {
    schemas().iter().find(|s| s.format == format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_shape() {
        let s = schema();
        assert_eq!(s.format, FORMAT);
        assert_eq!(s.active.key, "active");
        assert_eq!(s.active.cells().count(), 10);
        assert_eq!(s.requests.rows.len(), 25);
        assert_eq!(s.requests.cells().count(), 175);
        assert_eq!(s.appeals.cells().count(), 15);
        assert_eq!(s.n_cells(), 200);
        assert!(s.active.row("fees").unwrap().decimal);
        assert_eq!(
            s.requests
                .constraints
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["row_total", "results_total", "balance"]
        );
    }

    #[test]
    fn template_2019_shape() {
        let s = by_format("annual-report-2019").expect("2019 format");
        assert_eq!(
            s.active
                .rows
                .iter()
                .map(|r| r.key.as_str())
                .collect::<Vec<_>>(),
            [
                "regulations",
                "normative_documents",
                "licensing",
                "other_services",
                "punishment",
                "coercion",
                "fees",
                "procurement"
            ]
        );
        assert_eq!(s.active.cells().count(), 22);
        // （六）其他处理 is one row
        assert_eq!(s.requests.rows.len(), 23);
        assert!(
            s.requests.row("other_processing").is_some() && s.requests.row("other_other").is_none()
        );
        assert_eq!(s.appeals.cells().count(), 15);
        assert_eq!(s.active.header_col("本年新公开数量"), Some("new_published"));
        assert_eq!(s.active.header_col("本年制发件数"), None);
    }

    #[test]
    fn every_constraint_names_cells_of_its_table() {
        for s in schemas() {
            for t in s.tables() {
                for c in &t.constraints {
                    let subjects: Vec<String> = match &c.over {
                        Over::Axis(a) if a == "rows" => {
                            t.rows.iter().map(|r| r.key.clone()).collect()
                        }
                        Over::Axis(a) => {
                            assert_eq!(a, "cols", "{}: unknown axis", c.name);
                            t.col_keys().iter().map(|k| k.to_string()).collect()
                        }
                        Over::List(l) => l.clone(),
                    };
                    for subject in subjects {
                        for p in c.parts.iter().chain(&c.totals) {
                            let cell = p.replace("{}", &subject);
                            let (r, col) = cell.split_once('.').expect("row.col");
                            assert!(
                                t.row(r)
                                    .is_some_and(|row| row.cols.iter().any(|x| x.0 == col)),
                                "{} {}: {cell} is no cell",
                                s.format,
                                c.name
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_report_year_takes_the_format_issued_for_it() {
        let f = |y| format_for_year(y).map(|s| s.format.as_str());
        assert_eq!(f(2024), Some("annual-report-2021"));
        assert_eq!(f(2021), Some("annual-report-2021"));
        assert_eq!(f(2020), Some("annual-report-2019"));
        assert_eq!(f(2019), Some("annual-report-2019"));
        assert_eq!(f(2018), None);
    }
}

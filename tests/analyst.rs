//! The analysts' outputs on the samples: wide.csv (template order, keys and labels), the
//! workbook (read back with calamine: values, types, highlighted flagged cells), cells.csv's
//! template labels, reports.csv's identity columns and tables/index.csv.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;
use std::io::Read;
use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The digital samples, converted once per test binary.
fn converted() -> &'static Path {
    static OUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = scratch("analyst");
        let inputs = vec![
            samples().join("hongze-district-2023.pdf"),
            samples().join("dev-digital-03-libreoffice.pdf"),
            fixtures().join("good-01.pdf"),
        ];
        let (code, err) = convert(&inputs, &out, &["--no-ocr"]);
        assert_eq!(code, 0, "{err}");
        out
    })
}

#[test]
fn wide_csv_has_one_row_per_report_in_template_order() {
    let out = converted();
    let mut r = csv::Reader::from_path(out.join("wide.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let first = header
        .iter()
        .position(|h| h == "active.regulations.issued")
        .expect("template columns");
    assert_eq!(header.len() - first, 200);
    assert_eq!(
        header[first + 10],
        "requests.new_received.natural_person",
        "template order, not alphabetical"
    );
    // the labels file names every column, in the same order
    let labels = read_csv(&out.join("wide-labels.csv"));
    assert_eq!(
        labels
            .iter()
            .map(|l| l["column"].clone())
            .collect::<Vec<_>>(),
        header
    );
    let granted = labels
        .iter()
        .find(|l| l["column"] == "requests.granted.natural_person")
        .unwrap();
    assert_eq!(granted["label"], "表三 / （一）予以公开 / 自然人");
    // the wide values are cells.csv's values
    let cells = read_csv(&out.join("cells.csv"));
    let hongze = rows
        .iter()
        .find(|r| r[1].ends_with("hongze-district-2023.pdf"))
        .unwrap();
    for c in cells
        .iter()
        .filter(|c| c["source_file"].ends_with("hongze-district-2023.pdf"))
    {
        let key = format!("{}.{}.{}", c["table"], c["row"], c["col"]);
        let i = header.iter().position(|h| *h == key).unwrap();
        assert_eq!(hongze[i], c["value"], "{key}");
    }
}

#[test]
fn cells_carry_template_labels_and_reports_the_identity() {
    let out = converted();
    let cells = read_csv(&out.join("cells.csv"));
    let c = cells
        .iter()
        .find(|c| c["row"] == "denied_state_secret" && c["col"] == "total")
        .unwrap();
    assert_eq!(c["template_row_label"], "（三）不予公开 / 1.属于国家秘密");
    assert_eq!(c["template_col_label"], "总计");
    assert!(
        cells
            .iter()
            .all(|c| !c["template_row_label"].is_empty() && !c["template_col_label"].is_empty())
    );
    let reports = reports(out);
    let h = row(&reports, "hongze-district-2023.pdf");
    assert_eq!(h["agency_canonical"], "淮安市洪泽区人民政府", "{h:?}");
    assert_eq!(
        (
            h["province"].as_str(),
            h["city"].as_str(),
            h["county"].as_str()
        ),
        ("江苏省", "淮安市", "洪泽区")
    );
    assert_eq!(
        (
            h["division_code"].as_str(),
            h["level"].as_str(),
            h["identity"].as_str()
        ),
        ("320813", "县", "")
    );
}

#[test]
fn tables_index_lists_the_written_tables() {
    let out = converted();
    let index = read_csv(&out.join("tables").join("index.csv"));
    assert!(!index.is_empty());
    for t in &index {
        assert!(out.join("tables").join(&t["file"]).exists(), "{t:?}");
        assert!(t["page"].parse::<u32>().unwrap() >= 1);
        assert_eq!(t["bbox"].split(' ').count(), 4);
    }
    let hongze = &reports(out)
        .into_iter()
        .find(|r| r["source_file"].ends_with("hongze-district-2023.pdf"))
        .unwrap()["report_id"];
    let mut templates: Vec<&str> = index
        .iter()
        .filter(|t| &t["report_id"] == hongze)
        .map(|t| t["template_table"].as_str())
        .filter(|t| !t.is_empty())
        .collect();
    templates.sort();
    templates.dedup();
    assert_eq!(templates, ["active", "appeals", "requests"]);
}

fn xml_of(xlsx: &Path, part: &str) -> String {
    let mut z = zip_part(xlsx, part);
    let mut s = String::new();
    z.read_to_string(&mut s).unwrap();
    s
}

fn zip_part(xlsx: &Path, part: &str) -> std::io::Cursor<Vec<u8>> {
    // The workbook is a zip; calamine reads values, the styles are read from the XML here.
    let f = std::fs::File::open(xlsx).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut e = z
        .by_name(part)
        .unwrap_or_else(|_| panic!("{part} in {}", xlsx.display()));
    let mut v = Vec::new();
    e.read_to_end(&mut v).unwrap();
    std::io::Cursor::new(v)
}

#[test]
fn workbook_holds_numbers_as_numbers_and_highlights_flagged_values() {
    let out = converted();
    let path = out.join("nianbao.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["reports", "wide", "cells", "failed checks"]
    );
    let reports = wb.worksheet_range("reports").unwrap();
    assert_eq!(reports.height(), 4);
    let header: Vec<String> = reports
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let pages = header.iter().position(|h| h == "pages").unwrap();
    assert!(
        reports
            .rows()
            .skip(1)
            .all(|r| matches!(r[pages], Data::Float(_))),
        "pages are numbers"
    );
    let wide = wb.worksheet_range("wide").unwrap();
    let wh: Vec<String> = wide
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(wh.contains(&"表三 / （一）予以公开 / 自然人".to_string()));
    let cells = wb.worksheet_range("cells").unwrap();
    let ch: Vec<String> = cells
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let (value, flags) = (
        ch.iter().position(|h| h == "value").unwrap(),
        ch.iter().position(|h| h == "flags").unwrap(),
    );
    let csv_cells = read_csv(&out.join("cells.csv"));
    assert_eq!(cells.height(), csv_cells.len() + 1);
    for (r, c) in cells.rows().skip(1).zip(&csv_cells) {
        match &r[value] {
            Data::Float(v) => assert_eq!(*v, c["value"].parse::<f64>().unwrap()),
            Data::Empty => assert_eq!(c["value"], ""),
            other => panic!("value stored as {other:?}"),
        }
    }
    // the fixtures report a real arithmetic mistake: flagged cells exist, and exactly they are filled
    let flagged: Vec<usize> = csv_cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c["flags"].is_empty())
        .map(|(i, _)| i)
        .collect();
    assert!(!flagged.is_empty(), "the samples have flagged cells");
    let styles = xml_of(&path, "xl/styles.xml");
    let fill = styles
        .find("FFFFEB9C")
        .expect("the flagged fill is defined");
    let _ = fill;
    let sheet = xml_of(&path, "xl/worksheets/sheet3.xml");
    let filled_xf = flagged_style_ids(&styles);
    let col_letter = |i: usize| ((b'A' + i as u8) as char).to_string();
    for (i, c) in csv_cells.iter().enumerate() {
        let r = format!("{}{}", col_letter(value), i + 2);
        let style = cell_style(&sheet, &r);
        let is_filled = style.is_some_and(|s| filled_xf.contains(&s));
        assert_eq!(
            is_filled,
            !c["flags"].is_empty(),
            "cell {r}: flags {:?}",
            c["flags"]
        );
    }
    let _ = flags;
}

/// The xf indices (cellXfs) whose fill is the flagged colour.
fn flagged_style_ids(styles: &str) -> Vec<usize> {
    let fills = &styles[styles.find("<fills").unwrap()..styles.find("</fills>").unwrap()];
    let fill_ids: Vec<usize> = fills
        .split("<fill>")
        .skip(1)
        .enumerate()
        .filter(|(_, f)| f.contains("FFFFEB9C"))
        .map(|(i, _)| i)
        .collect();
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    xfs.split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, x)| {
            fill_ids
                .iter()
                .any(|f| x.contains(&format!("fillId=\"{f}\"")))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The `s` attribute of cell `r` in a sheet's XML.
fn cell_style(sheet: &str, r: &str) -> Option<usize> {
    let at = sheet.find(&format!("<c r=\"{r}\""))?;
    let tag = &sheet[at..at + sheet[at..].find('>')?];
    let s = tag.split(" s=\"").nth(1)?;
    s[..s.find('"')?].parse().ok()
}

#[test]
fn formula_like_text_is_quoted_in_excel_csv_and_a_string_in_the_workbook() {
    // A text dump whose title and a table cell start with `=`.
    let dir = scratch("formula");
    let dump = dir.join("dump.txt");
    std::fs::write(
        &dump,
        "=cmd|calc县人民政府2023年政府信息公开工作年度报告\n规章\t=1+1\t0\t0\n",
    )
    .unwrap();
    let out = dir.join("out");
    let (code, err) = convert(&[dump], &out, &["--excel"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(out.join("reports.csv")).unwrap();
    assert!(!text.contains(",=cmd"), "{text}");
    assert!(text.contains("'=cmd|calc"), "{text}");
    for f in std::fs::read_dir(out.join("tables")).unwrap() {
        let s = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(
            !s.contains(",=1+1") && !s.starts_with("=1") && !s.contains("\n=1"),
            "{s}"
        );
    }
    let mut wb: Xlsx<_> = open_workbook(out.join("nianbao.xlsx")).unwrap();
    let reports = wb.worksheet_range("reports").unwrap();
    let h: Vec<String> = reports
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let agency = h.iter().position(|x| x == "agency").unwrap();
    assert!(
        matches!(&reports.rows().nth(1).unwrap()[agency], Data::String(s) if s.starts_with("=cmd|calc"))
    );
    let sheet1 = xml_of(&out.join("nianbao.xlsx"), "xl/worksheets/sheet1.xml");
    assert!(!sheet1.contains("<f>"), "no formulas in the workbook");
}

#[test]
fn no_xlsx_skips_the_workbook() {
    let out = scratch("no-xlsx");
    let (code, err) = convert(&[fixtures().join("good-01.pdf")], &out, &["--no-xlsx"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join("nianbao.xlsx").exists());
    assert!(out.join("wide.csv").exists());
}

//! The template's table section headings in a document's text (二、主动公开政府信息情况 ...).
//!
//! Web pages often publish the three tables as images: their text (or a copy of it) keeps the
//! section headings with nothing under them.  Seeing the heading of a template table while the
//! table itself was not read says *why* the table is missing, which "no tables found" does not.

use crate::schema;

/// A line is a section heading when, folded, it is the heading with at most this many extra
/// characters (a trailing colon, "（单位：件）").
const HEADING_SLACK: usize = 8;

/// Letters, digits and ideographs only: spacing, brackets and punctuation vary between copies.
fn fold(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The schema table (key, heading) whose section heading `line` is.
pub fn table_heading(line: &str) -> Option<(&'static str, &'static str)> {
    let f = fold(line);
    if f.is_empty() {
        return None;
    }
    schema::schema().tables().into_iter().find_map(|t| {
        let h = fold(&t.label);
        // with its numbering (二、...) or without it
        let bare: String = h.chars().skip_while(|c| is_cjk_numeral(*c)).collect();
        let hit = (f.starts_with(&h) && f.chars().count() <= h.chars().count() + HEADING_SLACK)
            || (f.starts_with(&bare) && f.chars().count() <= bare.chars().count() + HEADING_SLACK);
        hit.then_some((t.key.as_str(), t.label.as_str()))
    })
}

fn is_cjk_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// A top-level section heading of a report (`五、存在的主要问题及改进情况`): a CJK numeral and
/// `、` opening a short line.
pub fn is_section_heading(line: &str) -> bool {
    let t = line.trim();
    let mut chars = t.chars();
    let first = chars.next().is_some_and(is_cjk_numeral);
    first && t.chars().find(|c| !is_cjk_numeral(*c)) == Some('、') && t.chars().count() <= 40
}

/// The headings (key, heading) of the template tables among `lines`, in schema order, once each.
pub fn headings_in<'a>(
    lines: impl IntoIterator<Item = &'a str>,
) -> Vec<(&'static str, &'static str)> {
    let mut found: Vec<(&str, &str)> = Vec::new();
    for l in lines {
        if let Some(h) = table_heading(l)
            && !found.contains(&h)
        {
            found.push(h);
        }
    }
    found.sort_by_key(|(k, _)| schema::schema().tables().iter().position(|t| t.key == *k));
    found
}

/// The error of a document whose text has the section headings of template tables that were
/// not read (`missing` says which table keys were not read): the tables are not in the text.
/// For a document read by OCR (`ocr`: a scan, a photo, a PDF with scanned pages) the heading
/// was read from the same page images as the table: the table is there, but could not be read
/// (a web page's or a text layer's table published as an image is another matter).
pub fn tables_not_in_text<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    missing: &[&str],
    ocr: bool,
) -> Option<String> {
    let heads: Vec<&str> = headings_in(lines)
        .into_iter()
        .filter(|(k, _)| missing.contains(k))
        .map(|(_, h)| h)
        .collect();
    if heads.is_empty() {
        return None;
    }
    let (them, are) = if heads.len() == 1 {
        ("the table", "is")
    } else {
        ("the tables", "are")
    };
    let plural = if heads.len() == 1 { "" } else { "s" };
    Some(if ocr {
        format!(
            "{them} under {} could not be read from the page images, only the section heading{plural} (see the page with `nianbao inspect FILE --page N`)",
            heads.join(", "),
        )
    } else {
        format!(
            "{them} under {} {are} not in the text: only the section heading{plural} {are} (published as images? convert the images, or the PDF attachment)",
            heads.join(", "),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_found_with_or_without_numbering_but_not_in_prose() {
        assert_eq!(
            table_heading("二、主动公开政府信息情况").map(|h| h.0),
            Some("active")
        );
        assert_eq!(
            table_heading(" 四、政府信息公开行政复议、行政诉讼情况：").map(|h| h.0),
            Some("appeals")
        );
        assert_eq!(
            table_heading("收到和处理政府信息公开申请情况").map(|h| h.0),
            Some("requests")
        );
        assert_eq!(
            table_heading(
                "内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况"
            ),
            None
        );
        assert!(is_section_heading("五、存在的主要问题及改进情况"));
        assert!(!is_section_heading("（一）收取信息处理费的情况"));
    }

    #[test]
    fn a_note_names_only_the_headings_of_tables_not_read() {
        let lines = [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
        ];
        let all = tables_not_in_text(lines, &["active", "requests", "appeals"], false).unwrap();
        assert!(
            all.contains("二、主动公开政府信息情况, 三、收到和处理政府信息公开申请情况, 四、"),
            "{all}"
        );
        let one = tables_not_in_text(lines, &["appeals"], false).unwrap();
        assert!(one.starts_with("the table under 四、"), "{one}");
        assert!(one.contains("published as images?"), "{one}");
        assert_eq!(tables_not_in_text(lines, &[], false), None);
        assert_eq!(
            tables_not_in_text(["一、总体情况"], &["active"], false),
            None
        );
    }

    #[test]
    fn a_scan_whose_table_was_not_read_is_told_so_not_sent_to_convert_images() {
        let lines = ["四、政府信息公开行政复议、行政诉讼情况"];
        let note = tables_not_in_text(lines, &["appeals"], true).unwrap();
        assert!(
            note.starts_with("the table under 四、")
                && note.contains("could not be read from the page images"),
            "{note}"
        );
        assert!(!note.contains("convert the images"), "{note}");
    }
}

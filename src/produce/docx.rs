//! DOCX producer: a report published as a Word file.
//!
//! `word/document.xml` (read with `zip`, parsed with `roxmltree`: a small, read-only DOM, all
//! this needs) in document order: each body paragraph is a line (its runs' `w:t` joined, `w:tab`
//! a space, `w:br`/`w:cr` a new line); each table (`w:tbl`) goes on the grid: a cell spans
//! `w:gridSpan` columns, `w:gridBefore` skips columns, and a cell with `w:vMerge` (not
//! `restart`) continues the cell above it in the same columns.  A cell's paragraphs are its
//! lines; a table nested in a cell is read as lines of that cell.  Content controls, hyperlinks,
//! smart tags and tracked insertions are read through; deletions (`w:delText`) and the fallback
//! copy of `mc:AlternateContent` are not.
//!
//! Auto-numbering (`w:numPr`) is not text in the XML, so a list-numbered heading or row label
//! comes without its 一、 / 1.: the template mapping matches labels without their numbering.

use super::markup::{self, Block, Placed};
use super::{Produced, Producer};
use crate::pipeline::PageOcr;
use roxmltree::{Document, Node};
use std::io::Read;
use std::path::Path;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
/// `word/document.xml` larger than this when inflated is refused (a report is well under 10 MB).
const MAX_XML: u64 = 256 << 20;
/// Caps on a table's grid (a hostile `w:gridSpan`).
const MAX_SPAN: usize = 1000;

pub struct DocxProducer;

impl Producer for DocxProducer {
    fn produce(
        &self,
        bytes: &[u8],
        _path: &Path,
        _ocr: Option<&dyn PageOcr>,
    ) -> Result<Produced, String> {
        let xml = document_xml(bytes)?;
        let blocks = read(&xml)?;
        let (page, tables) = markup::layout(&blocks, 1);
        Ok(Produced {
            pages: vec![page],
            tables,
            ..Default::default()
        })
    }
}

/// True when the ZIP archive holds `word/document.xml`.
pub fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .is_ok_and(|mut z| z.by_name("word/document.xml").is_ok())
}

fn document_xml(bytes: &[u8]) -> Result<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        let what = if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            " (it is an old binary Word .doc file: save it as .docx)"
        } else {
            ""
        };
        format!("not a DOCX file: it cannot be opened as a ZIP archive ({e}){what}")
    })?;
    let f = z
        .by_name("word/document.xml")
        .map_err(|_| "not a DOCX file: the archive has no word/document.xml".to_string())?;
    let mut xml = String::new();
    f.take(MAX_XML + 1)
        .read_to_string(&mut xml)
        .map_err(|e| format!("word/document.xml cannot be read: {e}"))?;
    if xml.len() as u64 > MAX_XML {
        return Err(format!(
            "word/document.xml expands to more than {} MiB (a decompression bomb?)",
            MAX_XML >> 20
        ));
    }
    Ok(xml)
}

/// The blocks of `word/document.xml`.
pub fn read(xml: &str) -> Result<Vec<Block>, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = Document::parse_with_options(xml, opts)
        .map_err(|e| format!("word/document.xml is not well-formed XML: {e}"))?;
    let body = doc
        .descendants()
        .find(|n| is_w(n, "body"))
        .ok_or("word/document.xml has no w:body")?;
    let mut blocks = Vec::new();
    body_blocks(body, &mut blocks);
    Ok(blocks)
}

fn is_w(n: &Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(W)
}

fn w_val(n: &Node) -> Option<String> {
    n.attribute((W, "val")).map(str::to_string)
}

/// Paragraphs and tables of a container (body, cell, content control) in order.
fn body_blocks(parent: Node, out: &mut Vec<Block>) {
    for n in parent.children().filter(|n| n.is_element()) {
        if is_w(&n, "p") {
            out.extend(paragraph_lines(n).into_iter().map(Block::Line));
        } else if is_w(&n, "tbl") {
            table(n, out);
        } else if is_w(&n, "sdt")
            || is_w(&n, "sdtContent")
            || is_w(&n, "customXml")
            || is_w(&n, "ins")
        {
            body_blocks(n, out);
        }
    }
}

/// A paragraph's text, split at its line breaks.
fn paragraph_lines(p: Node) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut stack: Vec<Node> = p.children().collect();
    stack.reverse();
    while let Some(n) = stack.pop() {
        if !n.is_element() {
            continue;
        }
        let ns = n.tag_name().namespace();
        let name = n.tag_name().name();
        if ns == Some(MC) && name == "Fallback" {
            continue;
        }
        if ns == Some(W) {
            match name {
                "t" => {
                    if let Some(l) = lines.last_mut() {
                        l.push_str(n.text().unwrap_or(""));
                    }
                    continue;
                }
                "tab" => {
                    if let Some(l) = lines.last_mut() {
                        l.push(' ');
                    }
                    continue;
                }
                "br" | "cr" => {
                    lines.push(String::new());
                    continue;
                }
                "del" | "delText" | "instrText" | "pPr" | "rPr" => continue,
                _ => {}
            }
        }
        stack.extend(n.children().collect::<Vec<_>>().into_iter().rev());
    }
    lines
        .into_iter()
        .map(|l| markup::normalize_text(&l))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A cell's lines: its paragraphs, nested tables as lines.
fn cell_lines(tc: Node) -> Vec<String> {
    let mut blocks = Vec::new();
    body_blocks(tc, &mut blocks);
    let mut lines = Vec::new();
    for b in blocks {
        match b {
            Block::Line(l) => lines.push(l),
            Block::Table(cells) => lines.extend(cells.into_iter().flat_map(|c| c.lines)),
        }
    }
    lines
}

/// The child element `w:name` of `parent`.
fn prop<'a, 'i>(parent: &Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    parent.children().find(|n| is_w(n, name))
}

fn table(tbl: Node, out: &mut Vec<Block>) {
    let rows: Vec<Node> = tbl.children().filter(|n| is_w(n, "tr")).collect();
    let mut placed: Vec<Placed> = Vec::new();
    for (r, tr) in rows.iter().enumerate() {
        let mut c = prop(tr, "trPr")
            .and_then(|p| prop(&p, "gridBefore"))
            .and_then(|g| w_val(&g))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
            .min(MAX_SPAN);
        for tc in tr.children().filter(|n| is_w(n, "tc")) {
            let tcpr = prop(&tc, "tcPr");
            let span = tcpr
                .and_then(|p| prop(&p, "gridSpan"))
                .and_then(|g| w_val(&g))
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&v| v > 0)
                .unwrap_or(1)
                .min(MAX_SPAN);
            let vmerge = tcpr.and_then(|p| prop(&p, "vMerge"));
            let continues = vmerge.is_some_and(|v| w_val(&v).as_deref() != Some("restart"));
            // a continuation extends the cell above that starts in the same column
            let above = continues
                .then(|| placed.iter_mut().rev().find(|p| p.c0 == c && p.r1 == r))
                .flatten();
            match above {
                Some(p) => {
                    p.r1 = r + 1;
                    let more = cell_lines(tc);
                    p.lines.extend(more);
                }
                None => placed.push(Placed {
                    r0: r,
                    r1: r + 1,
                    c0: c,
                    c1: c + span,
                    lines: cell_lines(tc),
                }),
            }
            c += span;
        }
    }
    if !markup::is_table_grid(&placed, rows.len()) {
        out.extend(placed.into_iter().flat_map(|p| p.lines).map(Block::Line));
        return;
    }
    out.push(Block::Table(placed));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"{W}\" xmlns:mc=\"{MC}\"><w:body>{body}</w:body></w:document>"
        )
    }
    fn p(t: &str) -> String {
        format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>")
    }
    fn tc(pr: &str, t: &str) -> String {
        format!("<w:tc><w:tcPr>{pr}</w:tcPr>{}</w:tc>", p(t))
    }

    #[test]
    fn grid_span_and_vertical_merges() {
        let row1 = format!(
            "<w:tr>{}{}</w:tr>",
            tc("<w:vMerge w:val=\"restart\"/>", "申请人情况"),
            tc("<w:gridSpan w:val=\"2\"/>", "法人")
        );
        let row2 = format!(
            "<w:tr>{}{}{}</w:tr>",
            tc("<w:vMerge/>", ""),
            tc("", "商业企业"),
            tc("", "科研机构")
        );
        let xml = doc(&format!(
            "{}<w:tbl>{row1}{row2}</w:tbl>{}",
            p("标题"),
            p("说明")
        ));
        let blocks = read(&xml).unwrap();
        assert_eq!(blocks[0], Block::Line("标题".into()));
        let Block::Table(cells) = &blocks[1] else {
            panic!()
        };
        assert_eq!(
            cells[0],
            Placed {
                r0: 0,
                r1: 2,
                c0: 0,
                c1: 1,
                lines: vec!["申请人情况".into()]
            }
        );
        assert_eq!((cells[1].c0, cells[1].c1), (1, 3));
        assert_eq!((cells[3].r0, cells[3].c0), (1, 2));
        assert_eq!(blocks[2], Block::Line("说明".into()));
    }

    #[test]
    fn runs_join_breaks_split_and_deletions_are_not_read() {
        let xml = doc(
            "<w:p><w:r><w:t>2023</w:t></w:r><w:r><w:t xml:space=\"preserve\">年 </w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del><w:r><w:br/><w:t>报告</w:t></w:r><mc:AlternateContent><mc:Choice><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback></mc:AlternateContent></w:p>",
        );
        assert_eq!(
            read(&xml).unwrap(),
            [Block::Line("2023年".into()), Block::Line("报告框".into())]
        );
    }

    #[test]
    fn broken_files_say_what_they_are() {
        assert!(
            DocxProducer
                .produce(b"\xD0\xCF\x11\xE0rest", Path::new("a.docx"), None)
                .unwrap_err()
                .contains(".doc file")
        );
        assert!(read("<w:document").is_err());
    }
}

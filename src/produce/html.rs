//! HTML producer: a report published as a web page.
//!
//! - Decoding (`encoding_rs`): a byte-order mark, else the `<meta charset>` /
//!   `http-equiv` declaration in the first [`META_SCAN`] bytes, else UTF-8 when the bytes are
//!   valid UTF-8, else GB18030 (a superset of GBK and GB2312: Chinese pages that are not
//!   UTF-8 are in one of them).  A page declared UTF-8 whose bytes are not, but decode cleanly
//!   as GB18030, is read as GB18030 (CMS templates keep a UTF-8 meta over GBK content).
//! - Parsing: `scraper` (html5ever, the browsers' tree-building algorithm, so broken markup
//!   gives the tree a browser shows).  Why not a lighter parser: Word/WPS exports are exactly
//!   the markup that needs the spec's error recovery (unclosed `<p>`, `<o:p>`, conditional
//!   comments).
//! - Every `<table>` whose cells hold no other table is a data table: its rows (`tr`, through
//!   `thead`/`tbody`/`tfoot`) and cells (`td`/`th`) go on the grid by the HTML table algorithm
//!   (`rowspan`/`colspan` expanded); a cell's text is its lines (`<p>`, `<div>`, `<br>`) in
//!   reading order.  A table holding tables is page layout: its cells are read as text and
//!   tables in order.  A one-column table is a box around text.
//! - Everything else is text, line by line (block elements and `<br>` end lines); `<title>`
//!   first, so `text::title_info` finds agency and year in it or in the headline.  `script`,
//!   `style` and elements styled `display:none` are not read.
//! - `<img>` under the section heading of a template table (二、主动公开政府信息情况 ...), in a
//!   section that has no data table, is that table published as an image: when the file is
//!   beside the page (its relative path, or `<page stem>_files/<name>`, the folder browsers
//!   save pages with) it is read by the OCR producer as extra pages; when it is not, the
//!   report's error names the table and the image (status partial).

use super::markup::{self, Block, Placed};
use super::sections;
use super::{Produced, Producer};
use crate::pipeline::PageOcr;
use ego_tree::NodeRef;
use scraper::{Html, Node};
use std::path::{Path, PathBuf};

/// How many leading bytes are searched for a charset declaration (the HTML standard's
/// prescan looks at 1024; CMS pages put long scripts first).
pub const META_SCAN: usize = 4096;
/// Deeper element nesting than this is read as flat text (no stack overflow on hostile pages).
const MAX_DEPTH: usize = 200;
/// Caps on a table's grid, against `colspan="100000"`: the HTML standard's own limits are
/// 1000 columns and 65534 rows per span.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65534;

pub struct HtmlProducer;

impl Producer for HtmlProducer {
    fn produce(
        &self,
        bytes: &[u8],
        path: &Path,
        ocr: Option<&dyn PageOcr>,
    ) -> Result<Produced, String> {
        let (text, warning) = decode(bytes);
        let doc = read(&text);
        let (page, tables) = markup::layout(&doc.blocks, 1);
        let mut out = Produced {
            pages: vec![page],
            tables,
            errors: warning.into_iter().collect(),
            ..Default::default()
        };
        let mut missing: Vec<String> = Vec::new();
        for img in &doc.images {
            let embedded = embedded_image(&img.src);
            let src: String = if embedded.is_some() {
                "an image embedded in the page".into()
            } else {
                img.src.chars().take(200).collect()
            };
            let shown = format!("{} ({src})", img.heading);
            let (image, file) = match (embedded, find_beside(path, &img.src)) {
                (Some(b), _) => (Ok(b), path.to_path_buf()),
                (None, Some(file)) => (std::fs::read(&file).map_err(|e| e.to_string()), file),
                (None, None) => {
                    missing.push(shown);
                    continue;
                }
            };
            let Some(ocr) = ocr else {
                out.errors.push(format!(
                    "the table under {shown} is an image and OCR is off"
                ));
                continue;
            };
            let pages = image.and_then(|b| {
                crate::limits::check_image(&b)?;
                ocr.image_file(&b, &file).map_err(|e| format!("{e:#}"))
            });
            match pages {
                Ok(pages) => {
                    for mut p in pages {
                        p.number = out.pages.len() as u32 + 1;
                        out.ocr_pages.push(p.number);
                        out.pages.push(p);
                    }
                }
                Err(e) => out.errors.push(format!(
                    "the table under {shown} is an image that could not be read: {e}"
                )),
            }
        }
        if !missing.is_empty() {
            out.errors.push(format!(
                "tables published as images that are not beside the page: {} (save the page with its images, or convert the images themselves)",
                missing.join(", ")
            ));
        }
        Ok(out)
    }
}

/// True when the bytes start (after a BOM and white space) like an HTML document.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let b = &b[start..];
    if b.first() != Some(&b'<') {
        return false;
    }
    let head: Vec<u8> = b[..b.len().min(2048)].to_ascii_lowercase();
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<table",
        b"<title",
    ]
    .iter()
    .any(|t| head.windows(t.len()).any(|w| w == *t))
}

/// The page's text: BOM, declared charset, UTF-8, else GB18030.  The second value is a
/// warning when some bytes could not be decoded.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    use encoding_rs::{Encoding, GB18030, UTF_8};
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return finish(enc.decode_without_bom_handling(&bytes[bom..]), enc);
    }
    let declared = declared_charset(&bytes[..bytes.len().min(META_SCAN)])
        .and_then(|l| Encoding::for_label(l.as_bytes()));
    // a meta tag cannot declare UTF-16 (the bytes it is written in are ASCII-compatible)
    let declared = declared.map(|e| {
        if e.output_encoding() != e {
            e.output_encoding()
        } else {
            e
        }
    });
    match declared {
        Some(enc) if enc == UTF_8 => {
            let (s, errors) = UTF_8.decode_without_bom_handling(bytes);
            if errors {
                let (g, gerrors) = GB18030.decode_without_bom_handling(bytes);
                if !gerrors {
                    return (g.into_owned(), None);
                }
            }
            finish((s, errors), UTF_8)
        }
        Some(enc) => finish(enc.decode_without_bom_handling(bytes), enc),
        None if std::str::from_utf8(bytes).is_ok() => {
            finish(UTF_8.decode_without_bom_handling(bytes), UTF_8)
        }
        None => finish(GB18030.decode_without_bom_handling(bytes), GB18030),
    }
}

fn finish(
    (s, errors): (std::borrow::Cow<'_, str>, bool),
    enc: &'static encoding_rs::Encoding,
) -> (String, Option<String>) {
    let warning = errors.then(|| {
        format!(
            "the page is not valid {}; undecodable bytes replaced",
            enc.name()
        )
    });
    (s.into_owned(), warning)
}

/// The label of `charset=...` in the head of the page (`<meta charset="gbk">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`).
fn declared_charset(head: &[u8]) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..]
        .windows(8)
        .position(|w| w == b"charset=")
        .map(|i| i + from)
    {
        from = i + 8;
        // only inside a meta tag
        let tag_start = lower[..i].iter().rposition(|&c| c == b'<')?;
        if !lower[tag_start..].starts_with(b"<meta") {
            continue;
        }
        let rest = &lower[i + 8..];
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let label: String = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b'_')
            .map(|&c| c as char)
            .collect();
        if !label.is_empty() {
            return Some(label);
        }
    }
    None
}

/// An image under a template table's section heading.
#[derive(Debug, Clone, PartialEq)]
pub struct TableImage {
    pub src: String,
    /// The section heading it is under.
    pub heading: String,
}

/// What the page holds, in document order.
#[derive(Debug, Default)]
pub struct Read {
    pub blocks: Vec<Block>,
    pub images: Vec<TableImage>,
}

/// Parse a decoded page.
pub fn read(text: &str) -> Read {
    let html = Html::parse_document(text);
    let mut w = Walker::default();
    // the title first: agency and year are in it when the headline is an image
    if let Ok(sel) = scraper::Selector::parse("head > title")
        && let Some(t) = html.select(&sel).next()
    {
        let s = markup::normalize_text(&t.text().collect::<String>());
        if !s.is_empty() {
            w.blocks.push(Block::Line(s));
        }
    }
    if let Ok(sel) = scraper::Selector::parse("body") {
        match html.select(&sel).next() {
            Some(body) => w.walk(*body, 0),
            None => w.walk(html.tree.root(), 0),
        }
    }
    w.flush();
    w.end_section();
    Read {
        blocks: w.blocks,
        images: w.images,
    }
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    line: String,
    /// The template table section the walk is in: its heading, images seen, a table seen.
    section: Option<(String, Vec<String>, bool)>,
    images: Vec<TableImage>,
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "blockquote"
            | "pre"
            | "center"
            | "address"
            | "caption"
            | "hr"
            | "form"
            | "nav"
            | "main"
            | "aside"
            | "figure"
            | "figcaption"
            | "title"
    )
}

fn skipped(el: &scraper::node::Element) -> bool {
    let hidden = el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    });
    hidden
        || el.attr("hidden").is_some()
        || matches!(
            el.name(),
            "script"
                | "style"
                | "noscript"
                | "template"
                | "head"
                | "select"
                | "iframe"
                | "object"
                | "svg"
        )
}

impl Walker {
    fn flush(&mut self) {
        let l = markup::normalize_text(&std::mem::take(&mut self.line));
        if l.is_empty() {
            return;
        }
        if let Some((key, heading)) = sections::table_heading(&l) {
            let _ = key;
            self.end_section();
            self.section = Some((heading.to_string(), Vec::new(), false));
        } else if sections::is_section_heading(&l) {
            self.end_section();
        }
        self.blocks.push(Block::Line(l));
    }

    /// Close the current table section: its images are table images when it had no table.
    fn end_section(&mut self) {
        if let Some((heading, srcs, had_table)) = self.section.take()
            && !had_table
        {
            self.images.extend(srcs.into_iter().map(|src| TableImage {
                src,
                heading: heading.clone(),
            }));
        }
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        if depth > MAX_DEPTH {
            for d in node.descendants() {
                if let Node::Text(t) = d.value() {
                    self.line.push_str(t);
                }
            }
            return;
        }
        for child in node.children() {
            match child.value() {
                Node::Text(t) => self.line.push_str(t),
                Node::Element(el) => {
                    if skipped(el) {
                        continue;
                    }
                    match el.name() {
                        "br" => self.flush(),
                        "img" => {
                            // an image ends the line (a heading and its table image in one <p>)
                            self.flush();
                            if let (Some(src), Some(sec)) = (el.attr("src"), self.section.as_mut())
                            {
                                sec.1.push(src.to_string());
                            }
                        }
                        "table" if !has_nested_table(child) => self.table(child, depth),
                        name => {
                            let block = is_block(name) || name == "table";
                            if block {
                                self.flush();
                            }
                            self.walk(child, depth + 1);
                            if block {
                                self.flush();
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A data table onto the grid.
    fn table(&mut self, table: NodeRef<'_, Node>, depth: usize) {
        self.flush();
        let rows = table_rows(table);
        let mut placed: Vec<Placed> = Vec::new();
        // occupied[r] = columns taken in row r by cells from rows above (rowspan)
        let mut occupied: Vec<Vec<bool>> = Vec::new();
        let n_rows = rows.len();
        for (r, row) in rows.iter().enumerate() {
            let mut c = 0usize;
            for cell in row {
                let Node::Element(el) = cell.value() else {
                    continue;
                };
                let span = |name: &str, max: usize| {
                    el.attr(name)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .filter(|&v| v > 0)
                        .unwrap_or(1)
                        .min(max)
                };
                let cs = span("colspan", MAX_COLSPAN);
                let rs = span("rowspan", MAX_ROWSPAN).min(n_rows - r);
                while occupied
                    .get(r)
                    .is_some_and(|o| o.get(c).copied().unwrap_or(false))
                {
                    c += 1;
                }
                if occupied.len() < r + rs {
                    occupied.resize(r + rs, Vec::new());
                }
                for o in &mut occupied[r..r + rs] {
                    if o.len() < c + cs {
                        o.resize(c + cs, false);
                    }
                    o[c..c + cs].iter_mut().for_each(|x| *x = true);
                }
                placed.push(Placed {
                    r0: r,
                    r1: r + rs,
                    c0: c,
                    c1: c + cs,
                    lines: cell_lines(*cell, depth),
                });
                c += cs;
            }
        }
        if !markup::is_table_grid(&placed, n_rows) {
            // a box around text, or no table at all
            for p in placed {
                self.blocks.extend(p.lines.into_iter().map(Block::Line));
            }
            return;
        }
        if let Some(sec) = self.section.as_mut() {
            sec.2 = true;
        }
        self.blocks.push(Block::Table(placed));
    }
}

/// The table's rows, each its cells (`td`, `th`), through `thead`/`tbody`/`tfoot`.
fn table_rows(table: NodeRef<'_, Node>) -> Vec<Vec<NodeRef<'_, Node>>> {
    let mut rows = Vec::new();
    let name = |n: &NodeRef<'_, Node>| {
        n.value()
            .as_element()
            .map(|e| e.name().to_string())
            .unwrap_or_default()
    };
    let mut stack: Vec<NodeRef<'_, Node>> = table.children().collect();
    stack.reverse();
    while let Some(n) = stack.pop() {
        match name(&n).as_str() {
            "tr" => rows.push(
                n.children()
                    .filter(|c| matches!(name(c).as_str(), "td" | "th"))
                    .collect(),
            ),
            "thead" | "tbody" | "tfoot" => {
                stack.extend(n.children().collect::<Vec<_>>().into_iter().rev())
            }
            _ => {}
        }
    }
    rows
}

fn has_nested_table(table: NodeRef<'_, Node>) -> bool {
    table
        .descendants()
        .skip(1)
        .any(|d| d.value().as_element().is_some_and(|e| e.name() == "table"))
}

/// A cell's text lines in reading order.
fn cell_lines(cell: NodeRef<'_, Node>, depth: usize) -> Vec<String> {
    let mut w = Walker::default();
    w.walk(cell, depth + 1);
    w.flush();
    w.blocks
        .into_iter()
        .filter_map(|b| match b {
            Block::Line(l) => Some(l),
            Block::Table(_) => None,
        })
        .collect()
}

/// The file of an image `src` beside the page at `page`: the relative path, or the file name
/// in `<stem>_files/` or in the page's folder.
pub fn find_beside(page: &Path, src: &str) -> Option<PathBuf> {
    let dir = page.parent().unwrap_or(Path::new(""));
    let src = percent_decode(src.split(['?', '#']).next().unwrap_or(""));
    if src.is_empty() || src.starts_with("data:") {
        return None;
    }
    let remote = src.contains("://") || src.starts_with("//");
    let mut candidates: Vec<PathBuf> = Vec::new();
    if !remote && !src.starts_with('/') {
        candidates.push(dir.join(&src));
    }
    let name = src.rsplit(['/', '\\']).next().unwrap_or("");
    if !name.is_empty() && name != "." && name != ".." {
        if let Some(stem) = page.file_stem() {
            let mut folder = stem.to_os_string();
            folder.push("_files");
            candidates.push(dir.join(folder).join(name));
        }
        candidates.push(dir.join(name));
    }
    candidates.into_iter().find(|p| p.is_file())
}

/// True for a file inside the `<stem>_files/` folder of a saved web page `<stem>.htm(l)`: part
/// of that page (its table images are read with it), not a report of its own.
pub fn is_saved_page_asset(path: &Path) -> bool {
    path.ancestors().skip(1).any(|dir| {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        let Some(stem) = name.strip_suffix("_files") else {
            return false;
        };
        let parent = dir.parent().unwrap_or(Path::new(""));
        ["html", "htm", "HTML", "HTM"]
            .iter()
            .any(|ext| parent.join(format!("{stem}.{ext}")).is_file())
    })
}

/// The bytes of a `data:image/...;base64,` image.
fn embedded_image(src: &str) -> Option<Vec<u8>> {
    let rest = src.trim().strip_prefix("data:")?;
    let (head, data) = rest.split_once(',')?;
    if !head.ends_with(";base64") {
        return None;
    }
    base64(data)
}

/// Standard base64 (white space ignored; padding optional); None on other characters.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(r: &Read) -> Vec<String> {
        r.blocks
            .iter()
            .filter_map(|b| {
                if let Block::Line(l) = b {
                    Some(l.clone())
                } else {
                    None
                }
            })
            .collect()
    }

    #[test]
    fn charset_from_meta_bom_or_sniffing() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>烟台市</body></html>");
        assert!(decode(&gbk).0.contains("烟台市"));
        let (bare, _, _) = encoding_rs::GBK.encode("<p>年度报告</p>");
        assert!(decode(&bare).0.contains("年度报告"));
        // declared UTF-8 over GBK bytes
        let mut lie = b"<meta charset=\"utf-8\">".to_vec();
        lie.extend_from_slice(&bare);
        assert!(decode(&lie).0.contains("年度报告"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("<p>总计</p>".as_bytes());
        assert_eq!(decode(&bom), ("<p>总计</p>".to_string(), None));
        assert_eq!(
            declared_charset(b"<script>var charset='x'</script><meta charset='GBK'>").as_deref(),
            Some("gbk")
        );
    }

    #[test]
    fn spans_and_paragraphs_in_cells() {
        let r = read(
            "<table><tr><td rowspan=2><p>申请人</p><p>情况</p></td><td colspan=2><span><span>法人或</span></span><br>其他组织</td></tr><tr><td>商业&nbsp;企业</td><td>科研机构</td></tr><tr><td>本年新收</td><td>1</td><td>2</td></tr></table>",
        );
        let Some(Block::Table(cells)) = r.blocks.first() else {
            panic!("{:?}", r.blocks)
        };
        assert_eq!(
            cells[0],
            Placed {
                r0: 0,
                r1: 2,
                c0: 0,
                c1: 1,
                lines: vec!["申请人".into(), "情况".into()]
            }
        );
        assert_eq!(cells[1].lines, ["法人或", "其他组织"]);
        assert_eq!((cells[2].r0, cells[2].c0), (1, 1));
        assert_eq!(cells[2].lines, ["商业 企业"]);
        assert_eq!(
            (cells[6].r0, cells[6].c0, cells[6].lines[0].as_str()),
            (2, 2, "2")
        );
    }

    #[test]
    fn layout_tables_are_read_through_and_hidden_text_is_not() {
        let r = read(
            "<html><head><title>X局2023年政府信息公开工作年度报告</title><style>p{}</style></head><body><table><tr><td>菜单</td><td><table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table></td></tr></table><div style=\"display: none\">隐藏</div><script>var x</script></body></html>",
        );
        let ls = lines(&r);
        assert_eq!(ls, ["X局2023年政府信息公开工作年度报告", "菜单"]);
        assert_eq!(
            r.blocks
                .iter()
                .filter(|b| matches!(b, Block::Table(_)))
                .count(),
            1
        );
    }

    #[test]
    fn images_under_a_table_heading_without_a_table_are_table_images() {
        let r = read(
            "<body><p>二、主动公开政府信息情况</p><p><img src=\"a_files/image001.png\"></p><p>三、收到和处理政府信息公开申请情况</p><table><tr><td>x</td><td>1</td></tr></table><img src=\"seal.png\"><p>四、政府信息公开行政复议、行政诉讼情况<img src=\"b.png\"></p><p>五、存在的主要问题及改进情况</p><img src=\"logo.png\"></body>",
        );
        assert_eq!(
            r.images,
            [
                TableImage {
                    src: "a_files/image001.png".into(),
                    heading: "二、主动公开政府信息情况".into()
                },
                TableImage {
                    src: "b.png".into(),
                    heading: "四、政府信息公开行政复议、行政诉讼情况".into()
                }
            ]
        );
    }

    #[test]
    fn embedded_images_are_decoded() {
        assert_eq!(
            embedded_image("data:image/png;base64,iVBORw0K\nGgo="),
            Some(b"\x89PNG\r\n\x1a\n".to_vec())
        );
        assert_eq!(embedded_image("data:image/png,raw"), None);
        assert_eq!(base64("TWFu"), Some(b"Man".to_vec()));
        assert_eq!(base64("TWE"), Some(b"Ma".to_vec()));
        assert_eq!(base64("T!"), None);
    }

    #[test]
    fn images_are_found_beside_the_page() {
        let dir = std::env::temp_dir().join(format!("nianbao-html-beside-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("page_files")).unwrap();
        std::fs::write(dir.join("page_files").join("t 1.png"), b"x").unwrap();
        let page = dir.join("page.html");
        assert_eq!(
            find_beside(&page, "page_files/t%201.png"),
            Some(dir.join("page_files/t 1.png"))
        );
        assert_eq!(
            find_beside(&page, "http://example.gov.cn/up/t%201.png?x=1"),
            Some(dir.join("page_files/t 1.png"))
        );
        assert_eq!(find_beside(&page, "/up/none.png"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

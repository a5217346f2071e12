//! The page model for markup (HTML, DOCX): documents without geometry whose tables are
//! declared cell by cell.
//!
//! A markup producer reads its document into [`Block`]s in document order (a line of text, or
//! a table as [`Placed`] cells: grid rows `r0..r1` and columns `c0..c1`, spans already expanded
//! by the producer) and [`layout`] makes up geometry in the page model's terms: one page, text
//! lines stacked at a fixed pitch, each table on a grid of equal columns whose row heights fit
//! the lines of their cells.  The table is built directly (`table::Table`, method `markup`):
//! the lattice finder never guesses what the markup states.  The words are placed on the page
//! too (cell lines one word each), so the text output, the template mapping (which reads
//! header and value positions) and every later stage work as for a PDF.
//!
//! Words are exact text (confidence 1, like a PDF text layer; `Source::Markup`).

use crate::model::{BBox, Page, PageKind, Source, Word};
use crate::table::{self, Cell, Table};

/// Left margin of the made-up page.
const X0: f32 = 20.0;
/// Nominal character width and height of running text.
const CH: f32 = 10.0;
/// Line pitch of running text.
const PITCH: f32 = 16.0;
/// Width of a grid column.
const COL_W: f32 = 80.0;
/// Height of one text line inside a cell.
const CELL_LINE: f32 = 12.0;
/// Free space above and below a cell's lines, and beside them.
const PAD: f32 = 4.0;

/// One piece of a markup document, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Line(String),
    Table(Vec<Placed>),
}

/// A table cell at its place in the expanded grid (ends exclusive), its text line by line.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
    pub lines: Vec<String>,
}

/// Text as published -> text as read: no-break, full-width and other spaces become one space,
/// zero-width characters go, runs of white space collapse, ends are trimmed.
/// A grid larger than this (cells) is not a report table: read as text.
const MAX_GRID: usize = 200_000;

/// Whether the cells a producer placed (on `n_rows` rows) make a table: at least two columns
/// and no more than `MAX_GRID` grid positions; otherwise they are a box around text (or no
/// table at all) and are read as lines.  Shared by the HTML and DOCX producers.
pub fn is_table_grid(placed: &[Placed], n_rows: usize) -> bool {
    let nc = placed.iter().map(|p| p.c1).max().unwrap_or(0);
    !placed.is_empty() && nc >= 2 && nc * n_rows <= MAX_GRID
}

pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => continue,
            c if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

/// The page and tables of a markup document (page `number`).
pub fn layout(blocks: &[Block], number: u32) -> (Page, Vec<Table>) {
    let mut words: Vec<Word> = Vec::new();
    let mut grids: Vec<(Vec<f32>, Vec<f32>, &[Placed])> = Vec::new();
    let mut y = 20.0f32;
    let mut width = 595.0f32;
    for b in blocks {
        match b {
            Block::Line(l) => {
                let l = l.trim();
                if !l.is_empty() {
                    let n = l.chars().count() as f32;
                    words.push(word(l, BBox::new(X0, y, X0 + n * CH, y + CH)));
                    width = width.max(2.0 * X0 + n * CH);
                }
                y += PITCH;
            }
            Block::Table(cells) if !cells.is_empty() => {
                let nr = cells.iter().map(|c| c.r1).max().unwrap_or(0);
                let nc = cells.iter().map(|c| c.c1).max().unwrap_or(0);
                let xs: Vec<f32> = (0..=nc).map(|c| X0 + c as f32 * COL_W).collect();
                let ys = row_bounds(cells, nr, y);
                for c in cells {
                    place_lines(
                        &c.lines,
                        BBox::new(xs[c.c0], ys[c.r0], xs[c.c1], ys[c.r1]),
                        &mut words,
                    );
                }
                width = width.max(xs[nc] + X0);
                y = ys[nr] + PITCH;
                grids.push((xs, ys, cells));
            }
            Block::Table(_) => {}
        }
    }
    let mut page = Page::new(number, width, y + 20.0, PageKind::Digital);
    page.words = words;
    let tables = grids
        .into_iter()
        .map(|(xs, ys, cells)| table_of(number, xs, ys, cells, &page.words))
        .collect();
    (page, tables)
}

/// Row boundaries from `top`: a row is as high as the lines of its one-row cells; a cell over
/// several rows whose lines do not fit makes its last row higher.
fn row_bounds(cells: &[Placed], nr: usize, top: f32) -> Vec<f32> {
    let need = |n: usize| n.max(1) as f32 * CELL_LINE + 2.0 * PAD;
    let mut h = vec![need(1); nr];
    for c in cells.iter().filter(|c| c.r1 == c.r0 + 1) {
        h[c.r0] = h[c.r0].max(need(c.lines.len()));
    }
    for c in cells.iter().filter(|c| c.r1 > c.r0 + 1) {
        let have: f32 = h[c.r0..c.r1].iter().sum();
        let want = need(c.lines.len());
        if want > have {
            h[c.r1 - 1] += want - have;
        }
    }
    let mut ys = vec![top];
    for v in h {
        ys.push(ys[ys.len() - 1] + v);
    }
    ys
}

/// A cell's lines, one word each, stacked and centred vertically in its box, shrunk to fit.
fn place_lines(lines: &[String], b: BBox, words: &mut Vec<Word>) {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return;
    }
    let inner_w = (b.width() - 2.0 * PAD).max(1.0);
    let top = b.y0 + ((b.height() - lines.len() as f32 * CELL_LINE) / 2.0).max(PAD);
    for (k, l) in lines.iter().enumerate() {
        let n = l.chars().count().max(1) as f32;
        let cw = (inner_w / n).min(CH);
        let y0 = top + k as f32 * CELL_LINE + 1.0;
        words.push(word(
            l,
            BBox::new(b.x0 + PAD, y0, b.x0 + PAD + n * cw, y0 + CELL_LINE - 2.0),
        ));
    }
}

fn word(text: &str, bbox: BBox) -> Word {
    Word {
        text: text.to_string(),
        bbox,
        confidence: 1.0,
        source: Source::Markup,
        alternatives: Vec::new(),
    }
}

/// The table of placed cells on grid `xs` x `ys`; grid positions no cell covers (short HTML
/// rows) become empty cells; a position claimed twice keeps its first cell.
fn table_of(page: u32, xs: Vec<f32>, ys: Vec<f32>, placed: &[Placed], words: &[Word]) -> Table {
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let mut index = vec![usize::MAX; nr * nc];
    let mut cells: Vec<Cell> = Vec::new();
    let mut add = |r0: usize, r1: usize, c0: usize, c1: usize, index: &mut Vec<usize>| {
        let k = cells.len();
        for r in r0..r1 {
            for c in c0..c1 {
                if index[r * nc + c] == usize::MAX {
                    index[r * nc + c] = k;
                }
            }
        }
        cells.push(Cell {
            r0,
            r1,
            c0,
            c1,
            bbox: BBox::new(xs[c0], ys[r0], xs[c1], ys[r1]),
            words: vec![],
            lines: vec![],
            confidence: 1.0,
            alternatives: vec![],
        });
    };
    for p in placed {
        add(p.r0, p.r1, p.c0, p.c1, &mut index);
    }
    for r in 0..nr {
        for c in 0..nc {
            if index[r * nc + c] == usize::MAX {
                add(r, r + 1, c, c + 1, &mut index);
            }
        }
    }
    let bbox = BBox::new(xs[0], ys[0], xs[nc], ys[nr]);
    let mut t = Table {
        page,
        bbox,
        xs,
        ys,
        cells,
        index,
        method: "markup",
    };
    table::fill_cells(&mut t, words);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(r0: usize, r1: usize, c0: usize, c1: usize, lines: &[&str]) -> Placed {
        Placed {
            r0,
            r1,
            c0,
            c1,
            lines: lines.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn spaces_of_the_web_are_normalised() {
        assert_eq!(
            normalize_text("\u{a0} 1\u{3000}2 \n\t3\u{200b}4 "),
            "1 2 34"
        );
        assert_eq!(normalize_text("\u{a0}\u{3000}"), "");
    }

    #[test]
    fn spans_and_lines_become_the_grid() {
        let blocks = vec![
            Block::Line("标题".into()),
            Block::Table(vec![
                cell(0, 2, 0, 1, &["申请人", "情况"]),
                cell(0, 1, 1, 3, &["法人"]),
                cell(1, 2, 1, 2, &["商业企业"]),
                cell(1, 2, 2, 3, &["科研机构"]),
                cell(2, 3, 0, 1, &["本年新收"]),
                cell(2, 3, 2, 3, &["7"]),
            ]),
            Block::Line("说明".into()),
        ];
        let (page, tables) = layout(&blocks, 1);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!((t.n_rows(), t.n_cols()), (3, 3));
        let g = t.grid_text();
        assert_eq!(g[0], ["申请人情况", "法人", "法人"]);
        assert_eq!(g[1], ["申请人情况", "商业企业", "科研机构"]);
        // the position no cell covers is an empty cell
        assert_eq!(g[2], ["本年新收", "", "7"]);
        assert_eq!(t.cell_at(0, 0).lines, ["申请人", "情况"]);
        let lines = crate::text::page_lines(&page);
        assert_eq!(lines.first().map(String::as_str), Some("标题"));
        assert_eq!(lines.last().map(String::as_str), Some("说明"));
        assert!(
            page.words
                .iter()
                .all(|w| w.confidence == 1.0 && w.source == Source::Markup)
        );
    }
}

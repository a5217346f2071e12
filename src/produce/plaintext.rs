//! Plain-text producer: an OCR or web text dump (`report.txt`) -> `model::Page`s.
//!
//! A text dump has no geometry, so this producer makes some up, in the page model's terms, so
//! that tables, template mapping, repair and checks are the same code for every input:
//!
//! - Every line of text is a line of words (one word per white-space separated token) at its
//!   own y; a form feed (`\x0c`) starts a new page.
//! - A run of lines containing tabs, or two or more vertical bars (`|`, fullwidth `｜`: rows
//!   copied from web pages or Markdown), blank lines inside the run allowed, is a table: every
//!   line is a row, every non-empty field a cell (a line with a tab is split at tabs only; a
//!   Markdown rule line `|---|:--:|` is no row).  Dumps do not keep columns
//!   aligned (leading label fields come and go), but the numbers of a row are at its end, so
//!   the fields are *right-aligned* on a grid of equal slots and the first field of a row
//!   spans whatever is left of the slots.  The producer then draws synthetic ruling segments
//!   around every cell (horizontal lines across the table, vertical lines per row), and the
//!   lattice finder in `table.rs` rebuilds exactly these cells.
//! - Empty fields are dropped: a dump cannot tell a blank cell from a gap between columns.
//!   What the template's shape and arithmetic can say about the missing cells is the repair
//!   stage's business, not the producer's.
//!
//! Text from a dump has unknown provenance (it may be OCR output), so every word gets the
//! confidence `TEXT_CONFIDENCE`: below the repair stage's doubt threshold, so OCR-style
//! repairs may apply, always with lexicon or arithmetic evidence, but above its
//! `low_confidence` flag (a dump says nothing about how sure each word is).  No new dependency: the
//! file is read as UTF-8 (a BOM is skipped; invalid bytes become U+FFFD and a warning).

use crate::model::{BBox, Page, PageKind, Segment, Source, Word};

/// Confidence given to every word of a text dump.
pub const TEXT_CONFIDENCE: f32 = 0.8;

const X0: f32 = 20.0;
/// Nominal character width and height.
const CH: f32 = 10.0;
/// Line pitch of running text.
const PITCH: f32 = 16.0;
/// Height of a table row.
const ROW_H: f32 = 20.0;
/// Width of a table slot (column).
const SLOT: f32 = 60.0;
/// Space left free on each side of a cell's words.
const MARGIN: f32 = 6.0;

/// Decode a text file: UTF-8 with or without BOM.  The second value is a warning when bytes
/// were not valid UTF-8.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => (s.to_string(), None),
        Err(_) => (
            String::from_utf8_lossy(b).into_owned(),
            Some("text is not valid UTF-8; undecodable bytes replaced".into()),
        ),
    }
}

/// The pages of a text dump.
pub fn pages(text: &str) -> Vec<Page> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split('\x0c')
        .enumerate()
        .map(|(i, t)| page(i as u32 + 1, t))
        .collect()
}

/// Vertical bars that separate the fields of a row copied from a web page.
const BARS: [char; 2] = ['|', '｜'];

fn is_table_line(l: &str) -> bool {
    !l.trim().is_empty() && (l.contains('\t') || l.matches(BARS).count() >= 2)
}

/// The non-empty fields of a table line: split at tabs when it has any, else at bars.
fn fields(l: &str) -> Vec<&str> {
    let parts: Vec<&str> = if l.contains('\t') {
        l.split('\t').collect()
    } else {
        l.split(BARS).collect()
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

/// A Markdown table's rule line (`|---|:--:|`): fields of dashes and colons only, each with a
/// colon or three or more dashes (a lone `-` is a printed zero, not a rule).
fn is_rule_line(l: &str) -> bool {
    let f = fields(l);
    !l.contains('\t')
        && !f.is_empty()
        && f.iter().all(|f| {
            f.contains('-')
                && f.chars().all(|c| c == '-' || c == ':')
                && (f.contains(':') || f.matches('-').count() >= 3)
        })
}

fn page(number: u32, text: &str) -> Page {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut words: Vec<Word> = Vec::new();
    let mut rulings: Vec<Segment> = Vec::new();
    let mut y = 20.0f32;
    let mut width = 595.0f32;
    let mut i = 0;
    while i < lines.len() {
        if is_table_line(lines[i]) {
            // the table: tab lines, with blank lines inside
            let mut rows: Vec<&str> = Vec::new();
            let mut j = i;
            while j < lines.len() {
                if is_table_line(lines[j]) {
                    if !is_rule_line(lines[j]) {
                        rows.push(lines[j]);
                    }
                    j += 1;
                } else if lines[j].trim().is_empty()
                    && lines[j..].iter().take(3).any(|l| is_table_line(l))
                {
                    // up to two blank lines inside a table
                    j += 1;
                } else {
                    break;
                }
            }
            let w = table(&rows, y, &mut words, &mut rulings);
            width = width.max(w + 2.0 * X0);
            y += rows.len() as f32 * ROW_H + PITCH;
            i = j;
            continue;
        }
        let line = lines[i];
        if !line.trim().is_empty() {
            for (start, tok) in tokens(line) {
                let n = tok.chars().count() as f32;
                let x = X0 + start as f32 * CH;
                words.push(word(tok, BBox::new(x, y, x + n * CH, y + CH)));
            }
            width = width.max(X0 * 2.0 + line.chars().count() as f32 * CH);
        }
        y += PITCH;
        i += 1;
    }
    let mut p = Page::new(number, width, y + 20.0, PageKind::Text);
    p.words = words;
    p.rulings = rulings;
    p
}

fn word(text: &str, bbox: BBox) -> Word {
    Word {
        text: text.to_string(),
        bbox,
        confidence: TEXT_CONFIDENCE,
        source: Source::PlainText,
        alternatives: Vec::new(),
    }
}

/// White-space separated tokens with their char offset in the line.
fn tokens(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (char offset, byte offset)
    let mut ci = 0usize;
    for (bi, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some((cs, bs)) = start.take() {
                out.push((cs, &line[bs..bi]));
            }
        } else if start.is_none() {
            start = Some((ci, bi));
        }
        ci += 1;
    }
    if let Some((cs, bs)) = start {
        out.push((cs, &line[bs..]));
    }
    out
}

/// Lay out one table at `y`; returns its width.
fn table(rows: &[&str], y: f32, words: &mut Vec<Word>, rulings: &mut Vec<Segment>) -> f32 {
    let fields: Vec<Vec<&str>> = rows.iter().map(|r| fields(r)).collect();
    let slots = fields.iter().map(|f| f.len()).max().unwrap_or(1).max(1);
    let width = slots as f32 * SLOT;
    let (x_left, x_right) = (X0, X0 + width);
    let y_end = y + rows.len() as f32 * ROW_H;
    rulings.push(Segment {
        x0: x_left,
        y0: y,
        x1: x_left,
        y1: y_end,
    });
    rulings.push(Segment {
        x0: x_right,
        y0: y,
        x1: x_right,
        y1: y_end,
    });
    for r in 0..=rows.len() {
        let yy = y + r as f32 * ROW_H;
        rulings.push(Segment {
            x0: x_left,
            y0: yy,
            x1: x_right,
            y1: yy,
        });
    }
    for (r, f) in fields.iter().enumerate() {
        let (y0, y1) = (y + r as f32 * ROW_H, y + (r + 1) as f32 * ROW_H);
        let first_slot = slots - f.len();
        for (k, text) in f.iter().enumerate() {
            let cx0 = if k == 0 {
                x_left
            } else {
                x_left + (first_slot + k) as f32 * SLOT
            };
            let cx1 = x_left + (first_slot + k + 1) as f32 * SLOT;
            if k > 0 {
                rulings.push(Segment {
                    x0: cx0,
                    y0,
                    x1: cx0,
                    y1,
                });
            }
            cell_words(
                text,
                BBox::new(cx0 + MARGIN, y0 + 5.0, cx1 - MARGIN, y1 - 5.0),
                words,
            );
        }
    }
    width
}

/// The tokens of a field, spread over the inner box of its cell (one line, shrunk to fit).
fn cell_words(text: &str, inner: BBox, words: &mut Vec<Word>) {
    let toks = tokens(text);
    let chars: usize =
        toks.iter().map(|(_, t)| t.chars().count()).sum::<usize>() + toks.len().saturating_sub(1);
    if chars == 0 {
        return;
    }
    let cw = (inner.width() / chars as f32).min(CH);
    let mut x = inner.x0;
    for (_, t) in toks {
        let n = t.chars().count() as f32;
        words.push(word(t, BBox::new(x, inner.y0, x + n * cw, inner.y1)));
        x += (n + 1.0) * cw;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Tolerances, find_tables};

    #[test]
    fn running_text_keeps_lines_and_tokens() {
        let p = &pages("济南市大数据局 2023 年政府信息公开工作年度报告\n\n一、总体情况\n")[0];
        assert_eq!(p.kind, PageKind::Text);
        let lines = crate::text::page_lines(p);
        assert_eq!(
            lines,
            vec![
                "济南市大数据局 2023 年政府信息公开工作年度报告",
                "一、总体情况"
            ]
        );
        assert!(
            p.words
                .iter()
                .all(|w| w.confidence == TEXT_CONFIDENCE && w.source == Source::PlainText)
        );
    }

    #[test]
    fn tab_rows_become_a_right_aligned_lattice() {
        let t = "\t\t自然 人\t商业企业\t总计\n_,\t本年新收\t7\t1\t8\t\n\n\t(一) 予以公开\t\t2\t0\t2\n说明文字\n";
        let p = &pages(t)[0];
        let tables = find_tables(p, &Tolerances::default());
        assert_eq!(tables.len(), 1);
        let g = tables[0].grid_text();
        assert_eq!(g.len(), 3);
        // right-aligned: the numbers share columns with the header
        assert_eq!(g[0][g[0].len() - 3..], ["自然人", "商业企业", "总计"]);
        assert_eq!(g[1][g[1].len() - 4..], ["本年新收", "7", "1", "8"]);
        assert_eq!(g[2][g[2].len() - 3..], ["2", "0", "2"]);
        assert_eq!(g[2][0], "(一)予以公开");
        assert!(crate::text::page_lines(p).contains(&"说明文字".to_string()));
    }

    #[test]
    fn bar_rows_are_table_rows_like_tab_rows() {
        let tabs = "\t\t自然 人\t商业企业\t总计\n_,\t本年新收\t7\t1\t8\t\n\n\t(一) 予以公开\t\t2\t0\t2\n说明文字\n";
        let bars = "| | | 自然 人 | 商业企业 | 总计 |\n|---|---|---|:---:|---|\n| _, | 本年新收 | 7 | 1 | 8 |\n\n|| (一) 予以公开 || 2 ｜ 0 ｜ 2 |\n说明文字\n";
        let grid = |t: &str| {
            let tables = find_tables(&pages(t)[0], &Tolerances::default());
            assert_eq!(tables.len(), 1);
            tables[0].grid_text()
        };
        assert_eq!(grid(bars), grid(tabs));
        assert!(crate::text::page_lines(&pages(bars)[0]).contains(&"说明文字".to_string()));
        // one bar in prose is no table; a lone `-` field is a value, not a rule line
        assert!(find_tables(&pages("收费 | 0 元\n")[0], &Tolerances::default()).is_empty());
        assert!(!is_rule_line("| 其他 | - | - |"));
        assert!(!is_rule_line("| - | - | - |"));
        assert!(is_rule_line("|---|:--:|"));
    }

    #[test]
    fn bad_bytes_do_not_panic() {
        let (s, w) = decode(b"\xff\xfeabc\t1\n");
        assert!(w.is_some());
        let _ = pages(&s);
        assert!(pages("").len() == 1);
        let _ = pages("\t\t\t\n\t");
    }
}

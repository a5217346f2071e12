//! Active-table rows placed by the template's order under their block's header (issue 12).
//!
//! The active table (二、主动公开政府信息情况) prints its rows in blocks, each under a header
//! that names the block's columns: 规章 and 行政规范性文件 under 本年制发件数 | 本年废止件数 |
//! 现行有效件数, 行政许可 under 本年处理决定数量, 行政处罚 and 行政强制 under the same words
//! again, 行政事业性收费 under 本年收费金额.  The labels are short and printed small: on a
//! blurred 150 dpi scan OCR reads 规章 as 规梨 and 行政规范性文件 as 行夏规范袜文位, which no
//! label rule can take for the row without taking other text too.  But under a legible header,
//! the rows that follow are the template's rows with that header's columns, in the template's
//! order.
//!
//! A header whose column words OCR garbled too (宁年制皮件数 for 本年制发件数) still shows its
//! marker (信息内容): it opens the next block in the template's order after the rows placed,
//! and when it has as many column cells (two CJK glyphs or more) as that block has columns,
//! they are the block's columns in order.
//!
//! So a row under an active header whose label matched no row (an *open* row) takes the next
//! template row of the block after the last active row placed, when its label is not unlike
//! that row ([`ORDER_LABEL_MIN`]: it keeps some of its characters) and not more like a later
//! active row still free.  Its cells are flagged `row_by_position`: the active table has
//! no sums to confirm them.  A requests or appeals header ends the block.

use super::ColMap;
use crate::produce::pdf::is_cjk;
use crate::schema::TableDef;
use crate::table::Cell;
use crate::template::{norm_label, similarity};

/// Least similarity of an open row's label to the template row its place gives it: a garbled
/// short label keeps one of two characters (规梨 for 规章: 0.5) or about half of seven
/// (行夏规范袜文位 for 行政规范性文件: 0.57); text of another kind shares none or one by chance.
pub(super) const ORDER_LABEL_MIN: f32 = 0.35;

/// Value cells an open row may have beyond its template row's columns (a value column cut in
/// two by a false ruling, a blank sliver); a row with more is another table's.
pub(super) const EXTRA_CELLS: usize = 2;

/// The active rows under the latest active header.  How far the table has been read is the
/// caller's: the template indices of the active rows placed so far (`placed`, by label or by
/// order).
#[derive(Debug)]
pub(super) struct ActiveBlock {
    /// Template indices of the active rows whose columns are the header's, in order.
    rows: Vec<usize>,
    /// The block's columns from a marker header's cells, in order (none from a header whose
    /// words named them: its columns are the state's).
    pub(super) cols: Option<ColMap>,
}

impl ActiveBlock {
    /// The block a header naming `keys` (column keys) opens: the rows with exactly those
    /// columns.  None when no row has them.
    pub(super) fn open(def: &TableDef, keys: &[&str]) -> Option<ActiveBlock> {
        let mut want: Vec<&str> = keys.to_vec();
        want.sort_unstable();
        want.dedup();
        let rows: Vec<usize> = def
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let mut have: Vec<&str> = r.cols.iter().map(|c| c.0.as_str()).collect();
                have.sort_unstable();
                have == want
            })
            .map(|(i, _)| i)
            .collect();
        (!rows.is_empty()).then_some(ActiveBlock { rows, cols: None })
    }

    /// The block a header showing only its marker opens: the template's next group of rows
    /// after those placed.  `cells` are the header row's cells; those right of the marker's
    /// with two CJK glyphs or more are its column cells, the block's columns in order when
    /// there are as many.  None when every group has a row placed.
    pub(super) fn by_order(
        def: &TableDef,
        placed: &[usize],
        cells: &[&Cell],
        marker: &str,
    ) -> Option<ActiveBlock> {
        let after = placed.iter().copied().max();
        let first = (0..def.rows.len()).find(|&i| {
            after.is_none_or(|a| i > a) && (i == 0 || def.rows[i].group != def.rows[i - 1].group)
        })?;
        let group = &def.rows[first].group;
        let rows: Vec<usize> = (first..def.rows.len())
            .take_while(|&i| def.rows[i].group == *group)
            .collect();
        let at = cells.iter().position(|c| c.text().contains(marker));
        let col_cells: Vec<&&Cell> = cells
            .iter()
            .skip(at.map_or(0, |a| a + 1))
            .filter(|c| c.text().chars().filter(|&ch| is_cjk(ch)).count() >= 2)
            .collect();
        let keys = &def.rows[first].cols;
        let cols = (at.is_some() && col_cells.len() == keys.len()).then(|| {
            ColMap(
                col_cells
                    .iter()
                    .zip(keys)
                    .map(|(c, k)| (c.bbox.x0, c.bbox.x1, k.0.clone()))
                    .collect(),
            )
        });
        Some(ActiveBlock { rows, cols })
    }

    /// The template row (index) an open row with this label takes, if the block has a sure
    /// place for it: the first row of the block after the last row `placed`, the label like
    /// it ([`ORDER_LABEL_MIN`]) and no less like it than any later active row (all still free).
    pub(super) fn next_for(&self, def: &TableDef, label: &str, placed: &[usize]) -> Option<usize> {
        let next = self.rows[self.next_at(placed)?];
        let l = norm_label(label);
        let sim = |i: usize| similarity(&l, &norm_label(&def.rows[i].label));
        let s = sim(next);
        // every active row after it competes, the next blocks' too: a block whose header OCR
        // lost leaves its rows under the one before (行政事业性收费 after 行政处罚)
        (s >= ORDER_LABEL_MIN && (next + 1..def.rows.len()).all(|o| sim(o) <= s)).then_some(next)
    }

    /// Where in the block's rows its next row stands: the first after the last active row
    /// `placed`.  None when the block is full.
    fn next_at(&self, placed: &[usize]) -> Option<usize> {
        let after = placed.iter().copied().max();
        self.rows.iter().position(|&i| after.is_none_or(|a| i > a))
    }

    /// Rule `open_row_before_its_successor`: the template row (index) an open row takes
    /// whatever its label reads (规章 read as 8, or lost), from what follows it.  The block's
    /// next row after those `placed` is this row's when the grid row below it is the template
    /// row after that one in the block ([`Following::Row`]), or, that one being the block's
    /// last, when the block ends below it ([`Following::End`]): the template's order leaves
    /// this row no other place.
    pub(super) fn next_before(&self, placed: &[usize], following: Following) -> Option<usize> {
        let at = self.next_at(placed)?;
        let next = self.rows[at];
        let sure = match following {
            Following::Row(i) => self.rows.get(at + 1) == Some(&i),
            Following::End => at + 1 == self.rows.len(),
            Following::Unknown => false,
        };
        sure.then_some(next)
    }
}

/// What the grid row below an open active row is, for [`ActiveBlock::next_before`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Following {
    /// An active row its label names (template index).
    Row(usize),
    /// No active row of this block: a header, a block's title (第二十条第（五）项), another
    /// table's heading, or the table's end.
    End,
    /// Anything else (a label no row matches, a blank row).
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> &'static TableDef {
        &crate::schema::schema().active
    }

    fn index(key: &str) -> usize {
        def().rows.iter().position(|r| r.key == key).unwrap()
    }

    #[test]
    fn a_garbled_label_under_the_first_header_takes_the_blocks_rows_in_order() {
        let b = ActiveBlock::open(def(), &["issued", "repealed", "in_force"]).unwrap();
        assert_eq!(b.next_for(def(), "规梨", &[]), Some(index("regulations")));
        let placed = [index("regulations")];
        assert_eq!(
            b.next_for(def(), "行夏规范袜文位", &placed),
            Some(index("normative_documents"))
        );
        // the block is full: a third row is not forced onto it
        let placed = [index("regulations"), index("normative_documents")];
        assert_eq!(b.next_for(def(), "行夏规范袜文位", &placed), None);
    }

    #[test]
    fn an_open_row_is_not_placed_where_its_label_is_unlike_the_row_or_more_like_another() {
        let b = ActiveBlock::open(def(), &["issued", "repealed", "in_force"]).unwrap();
        // text of another kind
        assert_eq!(b.next_for(def(), "第二十条第（五）项", &[]), None);
        assert_eq!(b.next_for(def(), "", &[]), None);
        // 规范性文件 garbled, before any row placed: more like the second row than the first
        assert_eq!(b.next_for(def(), "行政规范文", &[]), None);
        // the one-column block of 本年处理决定数量: 行政处罚 after 行政许可 was placed
        let b = ActiveBlock::open(def(), &["decisions"]).unwrap();
        let placed = [index("licensing")];
        assert_eq!(
            b.next_for(def(), "行政处司", &placed),
            Some(index("punishment"))
        );
        assert_eq!(b.next_for(def(), "行政强刮", &placed), None);
        // the fees row garbled, its block's header lost: more like 行政事业性收费 than the
        // block's 行政强制, it is not taken for that
        let placed = [index("punishment")];
        assert_eq!(b.next_for(def(), "行政事立手枚费", &placed), None);
        assert_eq!(
            b.next_for(def(), "行政强刮", &placed),
            Some(index("coercion"))
        );
    }

    #[test]
    fn an_open_row_takes_the_place_its_successor_leaves_it() {
        let b = ActiveBlock::open(def(), &["issued", "repealed", "in_force"]).unwrap();
        let (reg, norm) = (index("regulations"), index("normative_documents"));
        // 规章 read as 8: 行政规范性文件 below it
        assert_eq!(b.next_before(&[], Following::Row(norm)), Some(reg));
        // 行政规范性文件 garbled, 规章 placed, the block's end below it
        assert_eq!(b.next_before(&[reg], Following::End), Some(norm));
        let b = ActiveBlock::open(def(), &["decisions"]).unwrap();
        let (lic, pun, coe) = (index("licensing"), index("punishment"), index("coercion"));
        assert_eq!(b.next_before(&[lic], Following::Row(coe)), Some(pun));
    }

    #[test]
    fn an_open_row_is_not_placed_where_what_follows_leaves_it_no_sure_place() {
        let b = ActiveBlock::open(def(), &["issued", "repealed", "in_force"]).unwrap();
        let (reg, norm) = (index("regulations"), index("normative_documents"));
        // the block's end below the block's first row: a second row may be lost
        assert_eq!(b.next_before(&[], Following::End), None);
        // a row below that is not the next one's successor
        assert_eq!(b.next_before(&[], Following::Row(reg)), None);
        assert_eq!(b.next_before(&[], Following::Row(index("licensing"))), None);
        assert_eq!(b.next_before(&[reg], Following::Row(norm)), None);
        // nothing known below it
        assert_eq!(b.next_before(&[], Following::Unknown), None);
        // the block is full
        assert_eq!(b.next_before(&[reg, norm], Following::End), None);
    }

    #[test]
    fn a_header_naming_no_rows_columns_opens_no_block() {
        assert!(ActiveBlock::open(def(), &["issued", "decisions"]).is_none());
        assert!(ActiveBlock::open(def(), &[]).is_none());
        let b = ActiveBlock::open(def(), &["amount_10k_yuan"]).unwrap();
        assert_eq!(
            b.next_for(def(), "行政事业性收和", &[]),
            Some(index("fees"))
        );
    }
}

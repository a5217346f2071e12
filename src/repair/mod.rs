//! The repair stage: OCR artifacts corrected with the template's vocabulary and arithmetic,
//! every change recorded.
//!
//! It runs in three places of `pipeline::convert_pages`, each on the page model or on what
//! later stages made of it, never on a producer's own data:
//!
//! 1. `lexicon::repair_pages` — text: words in OCR doubt that are one or two visually
//!    confusable characters away from a phrase of the template or of the field's vocabulary
//!    (and section headings garbled beyond that) are corrected before tables are built, so
//!    repaired labels map better and the narrative text is right.
//! 2. `grid::repair_tables` — grid: cells merged because a ruling is missing (label + number,
//!    or several numbers in one cell) are split at the gaps between their words; a row label
//!    split over several cells is joined when only the joined text matches a template row.
//! 3. `numbers::repair_mapping` — numbers, after template mapping and before the checks:
//!    letter/digit confusions inside numeric cells, alternative readings that satisfy a
//!    cell's row *and* column checks, values shifted within a row, and missing cells that the
//!    template's arithmetic determines uniquely.
//!
//! What makes a repair legitimate:
//! - Doubt.  A word's `confidence` says how sure its producer is.  Text-layer words have 1.0
//!   and are never touched, so digital documents come out unchanged.  Text repairs need a
//!   word below `DOUBT` (OCR's low-confidence words, text dumps of unknown provenance);
//!   number repairs need a cell below 1.0 *and* failing arithmetic (or an unreadable value).
//! - Evidence.  A close lexicon match with confusable characters, or arithmetic that
//!   determines a single value.  A report's own arithmetic mistakes stay as printed: a value
//!   is only changed when one alternative reading of that cell satisfies all its checks, and
//!   nothing is changed when several readings would.
//! - A record.  Every change becomes a `Repair` (repairs.csv) and its cells get the flag
//!   `repaired` (inferred values also `inferred`).
//!
//! The stage does not look at `model::Source` or at the file: the same rules apply to every
//! producer.

pub mod grid;
pub mod lexicon;
pub mod numbers;

/// Words with a confidence below this are in OCR doubt (text repairs may apply).
pub const DOUBT: f32 = 0.95;
/// Cells with a confidence below this may have their numbers repaired by arithmetic.
pub const CERTAIN: f32 = 1.0;

/// One change made by the repair stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Repair {
    /// `table/row/col` for a template cell, `text:<page>:<line>:<col>` for page text (line
    /// and character column of the page's text as in text/<id>.txt, 1-based),
    /// `page <n> table <t> row <r>` for a grid change outside the template.
    pub location: String,
    pub raw: String,
    pub repaired: String,
    /// Which rule: lexicon, heading, digit_confusion, alternative_reading, row_shift,
    /// inferred, merged_cell_split, label_join.
    pub reason: String,
    /// Why: the lexicon entry, the checks that pass, the arithmetic used.
    pub evidence: String,
    /// Cells (page, bbox) a grid repair touched, to be resolved to template cells.
    pub cells: Vec<(u32, crate::model::BBox)>,
}

/// Whether repairs run at all (`--no-repair` turns them off for comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    On,
    Off,
}

impl Mode {
    /// `Off` when `off` (the `--no-repair` switch), else `On`.
    pub fn from_off(off: bool) -> Mode {
        if off { Mode::Off } else { Mode::On }
    }
}

/// After mapping: give grid repairs template locations and flag the cells they touched.
pub fn resolve_grid(repairs: &mut [Repair], m: &mut crate::template::Mapping) {
    for r in repairs.iter_mut() {
        let mut keys: Vec<String> = Vec::new();
        for (page, bbox) in &r.cells {
            for c in m
                .cells
                .iter_mut()
                .filter(|c| c.page == Some(*page) && c.bbox.as_ref() == Some(bbox))
            {
                c.flag(crate::flag::Flag::Repaired);
                keys.push(format!("{}/{}/{}", c.table, c.row, c.col));
            }
        }
        if !keys.is_empty() {
            // one cell: its key; several: table/row with the columns
            let first: Vec<&str> = keys[0].split('/').collect();
            let same_row = keys
                .iter()
                .all(|k| k.starts_with(&format!("{}/{}/", first[0], first[1])));
            r.location = if keys.len() == 1 {
                keys[0].clone()
            } else if same_row {
                let cols: Vec<&str> = keys.iter().filter_map(|k| k.rsplit('/').next()).collect();
                format!("{}/{}/{}", first[0], first[1], cols.join("+"))
            } else {
                keys.join(" ")
            };
        }
    }
}

//! nianbao: 政府信息公开工作年度报告 (annual reports on government information disclosure) to
//! validated CSV.  The pipeline's stages, each in its own module:
//!
//! producers (`pdf`; OCR) -> `model::Page` (words + rulings) -> `table` (lattice grids)
//! -> `template` (cells keyed by the national template) -> `checks` (勾稽关系) -> `output` (CSV)
//!
//! `pipeline` runs one file through all of them; `inputs` expands the command line.
pub mod checks;
pub mod inputs;
pub mod limits;
pub mod archive;
pub mod state;
pub mod worker;
pub mod model;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod schema;
pub mod table;
pub mod template;
pub mod text;
pub mod values;

/// The OCR producer to use, or None when OCR is off or not available in this build.
pub fn ocr_engine(off: bool) -> Option<Box<dyn pipeline::PageOcr>> {
    let _ = off;
    None
}

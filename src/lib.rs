//! nianbao: 政府信息公开工作年度报告 (annual reports on government information disclosure) to
//! validated CSV.  The pipeline's stages, each in its own module:
//!
//! producers (`pdf`, `ocr`, `plaintext`) -> `model::Page` -> `table` -> `template` -> `checks` -> `output`
pub mod model;
pub mod table;
pub mod ocr;

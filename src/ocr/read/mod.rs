//! Stage 3, cell reading: the `OcrEngine` plug-in interface with the Tesseract engine and the
//! null engine for tests ([`engine`]).  How cells are batched, read and re-read is the
//! orchestration in `ocr/mod.rs`.
pub mod engine;

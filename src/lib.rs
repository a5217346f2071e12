//! nianbao: 政府信息公开工作年度报告 (annual reports on government information disclosure) to
//! validated CSV.  The pipeline's stages, each in its own module:
//!
//! producers (`produce`: `pdf`, OCR, `plaintext`, HTML, DOCX, behind one router) -> `model::Page` (words + rulings) -> `table` (lattice
//! grids) -> `template` (cells keyed by the national template) -> `checks` (勾稽关系) -> `verify` (flags of doubt) -> `output`
//! (CSV), with the `repair` stage on pages, tables and mapped cells in between.
//!
//! `pipeline` runs one file through all of them; `batch` runs archives of files (`inputs` expands
//! the command line, `archive` runs them in `worker` processes).
pub mod batch;
pub mod checks;
pub mod corrections;
pub mod flag;
pub mod identity;
pub mod inspect;
pub mod logging;
pub mod model;
pub mod ocr;
pub mod output;
pub mod pipeline;
pub mod produce;
pub mod repair;
pub mod review;
pub mod schema;
pub mod settings;
pub mod table;
pub mod template;
pub mod text;
pub mod values;
pub mod verify;
pub mod wide;
pub mod xlsx;

// The batch machinery and the producers live in their folders; re-exported at their old paths.
pub use batch::{archive, inputs, limits, signals, state, worker};
pub use produce::{pdf, plaintext};

/// The tesseract producer as the pipeline's `PageOcr`: one engine per worker thread, reused.
pub struct TesseractOcr {
    pub config: ocr::TesseractConfig,
    pub options: ocr::OcrOptions,
}

impl pipeline::PageOcr for TesseractOcr {
    fn pdf_page(&self, bytes: &[u8], number: u32) -> anyhow::Result<model::Page> {
        ocr::ocr_pdf_page_with(
            bytes,
            number.saturating_sub(1) as usize,
            &self.config,
            &self.options,
        )
    }
    fn pdf_page_text(&self, bytes: &[u8], number: u32) -> anyhow::Result<Vec<model::Word>> {
        let opts = ocr::OcrOptions {
            page_text: ocr::PageText::All,
            cells: false,
            ..self.options.clone()
        };
        Ok(ocr::ocr_pdf_page_with(
            bytes,
            number.saturating_sub(1) as usize,
            &self.config,
            &opts,
        )?
        .words)
    }
    fn image_file(
        &self,
        bytes: &[u8],
        _path: &std::path::Path,
    ) -> anyhow::Result<Vec<model::Page>> {
        image_pages(bytes, &self.config, &self.options)
    }
    fn pdf_page_tokens(&self, bytes: &[u8], number: u32) -> anyhow::Result<Option<model::Page>> {
        ocr::ocr_pdf_page_with(
            bytes,
            number.saturating_sub(1) as usize,
            &self.config,
            &self.tokens(),
        )
        .map(Some)
    }
    fn image_file_tokens(
        &self,
        bytes: &[u8],
        _path: &std::path::Path,
    ) -> anyhow::Result<Option<Vec<model::Page>>> {
        image_pages(bytes, &self.config, &self.tokens()).map(Some)
    }
}

impl TesseractOcr {
    /// The options of the look by tokens: no grid, every token of print read as a cell.
    fn tokens(&self) -> ocr::OcrOptions {
        ocr::OcrOptions {
            layout: ocr::Layout::Tokens,
            ..self.options.clone()
        }
    }
}

/// Every page of an image file, OCR'd with `options`.
fn image_pages(
    bytes: &[u8],
    config: &ocr::TesseractConfig,
    options: &ocr::OcrOptions,
) -> anyhow::Result<Vec<model::Page>> {
    let images = ocr::image::load_image_bytes(bytes)?;
    let mut pages = Vec::with_capacity(images.len());
    for (i, img) in images.iter().enumerate() {
        pages.push(
            ocr::with_thread_engine(config, |e| {
                ocr::ocr_page_detailed(img, i as u32 + 1, e, options)
            })??
            .page,
        );
    }
    Ok(pages)
}

/// The OCR producer to use (reading the default text outside tables), or None when OCR is off.
pub fn ocr_engine(off: bool) -> Option<Box<dyn pipeline::PageOcr>> {
    ocr_engine_with(off, ocr::PageText::default())
}

/// [`ocr_engine`] choosing which text outside the tables is read.
pub fn ocr_engine_with(off: bool, page_text: ocr::PageText) -> Option<Box<dyn pipeline::PageOcr>> {
    ocr_engine_with_options(
        off,
        ocr::OcrOptions {
            page_text,
            ..Default::default()
        },
    )
}

/// [`ocr_engine`] with all the OCR producer's options.
pub fn ocr_engine_with_options(
    off: bool,
    options: ocr::OcrOptions,
) -> Option<Box<dyn pipeline::PageOcr>> {
    if off {
        return None;
    }
    Some(Box::new(TesseractOcr {
        config: ocr::TesseractConfig::default(),
        options,
    }))
}

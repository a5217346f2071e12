//! Producers: one input file -> the page model (and, for markup, the tables it declares).
//!
//! Every form an agency publishes goes through one [`Producer`] chosen by one router
//! ([`route`]), shared by `convert` (`pipeline`), `inspect` and the fuzz target:
//!
//! | form | producer | what is read |
//! |---|---|---|
//! | PDF | [`PdfProducer`] | the text layer ([`pdf`]), pages without a usable one by OCR |
//! | PNG, JPEG, TIFF | [`ImageProducer`] | OCR of every page of the image |
//! | text dump (.txt) | [`TextProducer`] | lines and tab-separated rows ([`plaintext`]) |
//! | web page (.html, .htm) | [`html::HtmlProducer`] | every `<table>`, the text, table images beside the page by OCR |
//! | Word (.docx) | [`docx::DocxProducer`] | paragraphs and tables of `word/document.xml` |
//!
//! A producer returns pages; markup producers also return the tables they read from the markup
//! itself ([`Produced::tables`], the `table::Table` model with its geometry made up by
//! [`markup`]), so the lattice finder is skipped on their pages and every later stage is the
//! same code whoever made the table.

pub mod docx;
pub mod html;
pub mod markup;
pub mod pdf;
pub mod plaintext;
pub mod sections;

use crate::model::Page;
use crate::pipeline::PageOcr;
use crate::table::Table;
use std::path::Path;

/// The form of an input, as the router decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Pdf,
    Image,
    /// An OCR or web text dump (plain text, tab-separated table rows).
    Text,
    Html,
    Docx,
}

impl Form {
    /// The form a file name's extension announces (any case).
    pub fn from_extension(path: &Path) -> Option<Form> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(Form::Pdf),
            "png" | "jpg" | "jpeg" | "tif" | "tiff" => Some(Form::Image),
            "txt" => Some(Form::Text),
            "html" | "htm" => Some(Form::Html),
            "docx" => Some(Form::Docx),
            _ => None,
        }
    }

    /// The form the content itself shows, when it is unambiguous.
    pub fn sniff(bytes: &[u8]) -> Option<Form> {
        let head = &bytes[..bytes.len().min(1024)];
        if head.windows(5).any(|w| w == b"%PDF-") {
            return Some(Form::Pdf);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n")
            || bytes.starts_with(b"\xff\xd8\xff")
            || bytes.starts_with(b"II*\0")
            || bytes.starts_with(b"MM\0*")
        {
            return Some(Form::Image);
        }
        if bytes.starts_with(b"PK\x03\x04") && docx::is_docx(bytes) {
            return Some(Form::Docx);
        }
        if html::looks_like_html(bytes) {
            return Some(Form::Html);
        }
        None
    }

    /// reports.csv's `kind` for the forms that name it themselves (PDFs and text dumps are
    /// described by their pages: digital, scanned, mixed, text).
    pub fn kind(self) -> Option<&'static str> {
        match self {
            Form::Image => Some("image"),
            Form::Html => Some("html"),
            Form::Docx => Some("docx"),
            Form::Pdf | Form::Text => None,
        }
    }
}

/// The extensions the router accepts, for messages.
pub const EXTENSIONS: &str = ".pdf, .png, .jpg, .jpeg, .tif, .tiff, .txt, .html, .htm, .docx";

/// Choose the form of an input.  A `.pdf` name is trusted (the PDF producer says what the file
/// really is when it is not one: an HTML error page from a failed download, ...); otherwise the
/// content decides when it shows a known form (a web page saved as `.txt`, a PDF saved as
/// `.htm`), then the extension.
pub fn route(bytes: &[u8], path: &Path) -> Result<Form, String> {
    let by_name = Form::from_extension(path);
    if by_name == Some(Form::Pdf) {
        return Ok(Form::Pdf);
    }
    if let Some(f) = Form::sniff(bytes) {
        return Ok(f);
    }
    by_name.ok_or_else(|| format!("unsupported file type (expected {EXTENSIONS})"))
}

/// What a producer read from one input.
#[derive(Debug, Default)]
pub struct Produced {
    pub pages: Vec<Page>,
    /// Tables read from markup (HTML, DOCX); the lattice finder is not run on their pages.
    pub tables: Vec<Table>,
    /// Per-page (or per-part) problems: they make the report `partial`.
    pub errors: Vec<String>,
    /// Pages (1-based) made by OCR.
    pub ocr_pages: Vec<u32>,
}

impl Produced {
    pub fn pages(pages: Vec<Page>) -> Self {
        Produced {
            pages,
            ..Default::default()
        }
    }
}

/// One input form -> pages.  `Err` is the reason the whole file could not be read (its row's
/// `error`, status failed).
pub trait Producer: Sync {
    fn produce(
        &self,
        bytes: &[u8],
        path: &Path,
        ocr: Option<&dyn PageOcr>,
    ) -> Result<Produced, String>;
}

/// The producer of a form.
pub fn producer(form: Form) -> &'static dyn Producer {
    match form {
        Form::Pdf => &PdfProducer,
        Form::Image => &ImageProducer,
        Form::Text => &TextProducer,
        Form::Html => &html::HtmlProducer,
        Form::Docx => &docx::DocxProducer,
    }
}

/// Route and produce in one call.
pub fn produce(
    bytes: &[u8],
    path: &Path,
    ocr: Option<&dyn PageOcr>,
) -> Result<(Form, Produced), String> {
    let form = route(bytes, path)?;
    producer(form).produce(bytes, path, ocr).map(|p| (form, p))
}

/// PDF: the text layer, with per-page OCR fallback for pages without a usable one.
pub struct PdfProducer;

impl Producer for PdfProducer {
    fn produce(
        &self,
        bytes: &[u8],
        _path: &Path,
        ocr: Option<&dyn PageOcr>,
    ) -> Result<Produced, String> {
        let doc = pdf::load(bytes).map_err(|e| e.to_string())?;
        crate::limits::check_pdf_streams(&doc)?;
        let read = pdf::read_pages(&doc).map_err(|e| e.to_string())?;
        let mut out = Produced {
            pages: Vec::with_capacity(read.len()),
            ..Default::default()
        };
        for p in read {
            if p.quality.usable() {
                out.pages.push(p.page);
                continue;
            }
            match ocr {
                Some(ocr) => match ocr.pdf_page(bytes, p.page.number) {
                    Ok(page) => {
                        // A page whose content could not be interpreted is still a damaged page,
                        // even when OCR of its rendering gives something: say so.
                        if let Some(e) = &p.error {
                            out.errors.push(format!("{e} (read by OCR instead)"));
                        }
                        out.ocr_pages.push(page.number);
                        out.pages.push(page)
                    }
                    Err(e) => {
                        out.errors
                            .push(format!("page {}: OCR failed: {e:#}", p.page.number));
                        out.pages.push(p.page);
                    }
                },
                None => {
                    if p.quality.glyphs > 0 || p.error.is_some() {
                        if let Some(e) = &p.error {
                            out.errors.push(e.clone());
                        } else {
                            out.errors.push(format!(
                                "page {}: text layer unusable and OCR is off",
                                p.page.number
                            ));
                        }
                    } else {
                        out.errors.push(format!(
                            "page {}: no text layer and OCR is off",
                            p.page.number
                        ));
                    }
                    out.pages.push(p.page);
                }
            }
        }
        Ok(out)
    }
}

/// An image file: every page through OCR.
pub struct ImageProducer;

impl Producer for ImageProducer {
    fn produce(
        &self,
        bytes: &[u8],
        path: &Path,
        ocr: Option<&dyn PageOcr>,
    ) -> Result<Produced, String> {
        crate::limits::check_image(bytes)?;
        let Some(ocr) = ocr else {
            return Err("image input needs OCR, which is off".into());
        };
        ocr.image_file(bytes, path)
            .map(Produced::pages)
            .map_err(|e| format!("{e:#}"))
    }
}

/// A text dump.
pub struct TextProducer;

impl Producer for TextProducer {
    fn produce(
        &self,
        bytes: &[u8],
        _path: &Path,
        _ocr: Option<&dyn PageOcr>,
    ) -> Result<Produced, String> {
        let (text, warning) = plaintext::decode(bytes);
        Ok(Produced {
            pages: plaintext::pages(&text),
            errors: warning.into_iter().collect(),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_unless_the_name_says_pdf() {
        let p = Path::new;
        assert_eq!(route(b"%PDF-1.7\n", p("a.htm")), Ok(Form::Pdf));
        assert_eq!(
            route(b"<!DOCTYPE html><html><body>x</body></html>", p("a.txt")),
            Ok(Form::Html)
        );
        // a .pdf name keeps the PDF producer, which explains what the file really is
        assert_eq!(
            route(b"<!DOCTYPE html><html></html>", p("a.pdf")),
            Ok(Form::Pdf)
        );
        assert_eq!(route(b"plain words\t1\n", p("a.txt")), Ok(Form::Text));
        assert_eq!(route(b"\x89PNG\r\n\x1a\n....", p("scan")), Ok(Form::Image));
        assert_eq!(route(b"not a zip", p("a.docx")), Ok(Form::Docx));
        assert!(
            route(b"whatever", p("a.xyz"))
                .unwrap_err()
                .contains(".docx")
        );
        assert_eq!(Form::from_extension(p("X.HTM")), Some(Form::Html));
    }
}

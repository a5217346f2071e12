//! The page model: the one thing every producer (PDF text layer, OCR, plain text) makes and every
//! later stage (tables, template mapping, repair, validation) reads.
//!
//! Coordinates are PDF points with the origin at the top-left corner of the page and y growing
//! downwards, whatever produced the page (OCR pixels are scaled by 72/dpi).  Later stages never
//! look at `Source`; it is carried only so that the output can say where a value came from.

use std::fmt;

/// An axis-aligned box, top-left origin, y down, in points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        BBox {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    pub fn union(&self, o: &BBox) -> BBox {
        BBox {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
    pub fn contains_point(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
}

impl fmt::Display for BBox {
    /// `x0 y0 x1 y1` with one decimal, the format of cells.csv's bbox column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.1} {:.1} {:.1} {:.1}",
            self.x0, self.y0, self.x1, self.y1
        )
    }
}

/// Who made a word.  Informational only: no stage may branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    TextLayer,
    Ocr,
    PlainText,
    /// Text of an HTML or DOCX document (exact, like a text layer).
    Markup,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::TextLayer => "text",
            Source::Ocr => "ocr",
            Source::PlainText => "plaintext",
            Source::Markup => "markup",
        }
    }
}

/// A run of text read as one unit: a run of adjacent glyphs on one line (text layer) or one
/// recognised word or cell (OCR).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// 0.0 ..= 1.0; 1.0 for the text layer.
    pub confidence: f32,
    pub source: Source,
    /// Other readings the producer considered, best first (OCR alternatives); may be empty.
    pub alternatives: Vec<String>,
}

impl Word {
    pub fn text_layer(text: String, bbox: BBox) -> Self {
        Word {
            text,
            bbox,
            confidence: 1.0,
            source: Source::TextLayer,
            alternatives: Vec::new(),
        }
    }
}

/// A ruling line segment: horizontal (y0 == y1) or vertical (x0 == x1) once normalised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Segment {
    pub fn is_horizontal(&self) -> bool {
        (self.y1 - self.y0).abs() <= (self.x1 - self.x0).abs()
    }
    pub fn len(&self) -> f32 {
        ((self.x1 - self.x0).powi(2) + (self.y1 - self.y0).powi(2)).sqrt()
    }
}

/// How a page's content was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Read from the PDF text layer.
    Digital,
    /// Recognised from an image by OCR.
    Scanned,
    /// Text without geometry (plain-text input).
    Text,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based page number in the source document.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub kind: PageKind,
    pub words: Vec<Word>,
    pub rulings: Vec<Segment>,
}

impl Page {
    pub fn new(number: u32, width: f32, height: f32, kind: PageKind) -> Self {
        Page {
            number,
            width,
            height,
            kind,
            words: Vec::new(),
            rulings: Vec::new(),
        }
    }
}

/// A whole input document as pages, plus what the producer could tell about it.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub pages: Vec<Page>,
    /// Non-fatal problems met while reading (e.g. a page that could not be read).
    pub warnings: Vec<String>,
}

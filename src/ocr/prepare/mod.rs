//! Stage 1, image preparation: decoding page images with their resolution ([`image`]), the
//! leptonica clean-up (binarisation, flattening, deskew, seal removal: [`preprocess`]) and seal
//! rings found by their shape ([`seal`]).
pub mod image;
pub mod preprocess;
pub mod seal;

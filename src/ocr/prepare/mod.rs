//! Stage 1, image preparation: decoding page images with their resolution ([`image`]), the
//! leptonica clean-up (binarisation, flattening, deskew, seal removal: [`preprocess`]), the
//! straightening of pages photographed at an angle ([`perspective`]) and seal
//! rings found by their shape ([`seal`]).
pub mod image;
pub mod perspective;
pub mod preprocess;
pub mod seal;

//! Stage 4, reading rules: each a named, unit-tested item with its constants beside it.
//! 0 and 1 told apart by their shape ([`shape`]), doubtful digits matched against the page's own
//! print ([`glyphs`]), lone digits read again by the page's vote ([`vote`]), and the ink a
//! reading must account for (honest blanks, dashes and merged lines: [`ink`]), dashes that blur
//! made blobs ([`dash`]).
pub mod dash;
pub mod glyphs;
pub mod ink;
pub mod shape;
pub mod vote;

//! Stage 2, rulings and layout: ruling segments found and repaired ([`rulings`]) and shaded
//! bands that are not rulings ([`shading`]).  Table location from these segments is
//! `crate::table::find_grids`, then `crate::template` maps the grids onto the template.
//! Without rulings, the print is cut into tokens read as cells ([`tokens`]) and the table stage
//! aligns them.
pub mod rulings;
pub mod shading;
pub mod tokens;

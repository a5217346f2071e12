//! Rule `blurred_dash`: a dash that blur made a blob.  A report that prints its zeros as
//! dashes prints dozens of them on a page.  Crisp, a dash is a flat bar (at least twice as wide
//! as tall), and the cell plan reads it from geometry.  Blurred (150 dpi, blur 1.5 px), the bar
//! of 8 x 2 px thresholds to a blob of 7 x 5: no longer flat, too little ink for the recogniser,
//! which reads `?`, `二`, `人` or nothing, and the cell is left unread.  To the eye it is the
//! same dash.
//!
//! A cell whose only ink is one piece no taller than a dash can be, at least as wide as tall
//! (no digit is), clear of the cell's edges (a ruling's remnant lies on them) and in the middle
//! of its height (where a dash is printed) is read as a dash, in doubt
//! ([`BLURRED_DASH_CONFIDENCE`]: flagged unless the template's arithmetic confirms it).

use crate::ocr::lept::Rect;

/// Confidence of a dash read from a blob: below `verify::LOW`, so that it is flagged unless a
/// check confirms it (a digit eroded to a blob by faint print would be 0 here).
pub const BLURRED_DASH_CONFIDENCE: f32 = 0.6;

/// Least gap (px) between the piece and the cell's inner edges.
pub const DASH_EDGE_GAP: i32 = 2;

/// Whether `piece`, the one piece of ink in a cell whose inner rectangle is `inner`, is a
/// blurred dash (`dash_h`: the tallest a dash is, px).
pub fn blurred_dash(piece: &Rect, inner: &Rect, dash_h: i32) -> bool {
    let cy = piece.y + piece.h / 2;
    piece.h > 0
        && piece.h <= dash_h
        && piece.w >= piece.h
        && piece.w <= 4 * dash_h
        && piece.x >= inner.x + DASH_EDGE_GAP
        && piece.x1() <= inner.x1() - DASH_EDGE_GAP
        && cy >= inner.y + inner.h / 4
        && cy <= inner.y + inner.h * 3 / 4
}

/// Whether a reading is a dash-like zero glyph (one or two dashes of any width).
pub fn is_dash_text(s: &str) -> bool {
    matches!(s.trim(), "-" | "—" | "－" | "--" | "——" | "‐")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_readings() {
        for d in ["-", "—", " － ", "——", "‐"] {
            assert!(is_dash_text(d), "{d}");
        }
        for n in ["", "0", "/", "-1", "?"] {
            assert!(!is_dash_text(n), "{n}");
        }
    }

    // 150 dpi: a dash is at most 5 px tall
    const DASH_H: i32 = 5;

    fn inner() -> Rect {
        Rect::new(660, 240, 40, 40)
    }

    #[test]
    fn a_blob_of_dash_height_in_the_middle_of_its_cell_is_a_dash() {
        // the blurred dashes of a 150 dpi page: 7 x 5, 6 x 4
        assert!(blurred_dash(&Rect::new(675, 257, 7, 5), &inner(), DASH_H));
        assert!(blurred_dash(&Rect::new(677, 258, 6, 4), &inner(), DASH_H));
    }

    #[test]
    fn digits_rulings_and_ink_off_the_middle_are_no_dash() {
        // a 1 (upright), a blurred 0 (taller than a dash)
        assert!(!blurred_dash(&Rect::new(676, 250, 6, 18), &inner(), DASH_H));
        assert!(!blurred_dash(
            &Rect::new(674, 251, 11, 16),
            &inner(),
            DASH_H
        ));
        // narrower than tall: a sliver
        assert!(!blurred_dash(&Rect::new(676, 257, 3, 5), &inner(), DASH_H));
        // a ruling's remnant along the cell (long, or on its edge)
        assert!(!blurred_dash(&Rect::new(662, 258, 36, 3), &inner(), DASH_H));
        assert!(!blurred_dash(&Rect::new(660, 258, 8, 4), &inner(), DASH_H));
        // at the top of the cell
        assert!(!blurred_dash(&Rect::new(675, 241, 7, 4), &inner(), DASH_H));
    }
}

//! Shaded bands are not rulings.
//!
//! Reports shade some rows (the 第二十条第（五）项 title rows of the 主动公开 table, header
//! rows) in light gray.  On a scan, the permissive threshold that lets faint rulings count
//! turns such a band into noisy ink, and the vertical opening keeps dozens of short runs
//! through it: a *comb* of parallel pieces that all span exactly the band.  Fed to the lattice
//! finder, the comb cuts the band and everything joined to it into slivers, and the page's
//! tables are lost (they then fall back to text alignment, or vanish).
//!
//! A real row of cells has one vertical ruling per column boundary (a thick line may come out
//! as two pieces side by side), so pieces of the same extent are a cell width apart on
//! average.  A group of at least [`COMB_MIN`] pieces of one extent whose mean spacing is
//! under [`COMB_SPACING`] is a comb: its pieces are dropped, except those that continue a
//! ruling outside the band (a table border or column line running through it), which are real.
//! The same holds for horizontal pieces across a shaded column.

use crate::model::Segment;

/// Pieces of one extent that make a comb, at the least.  A requests-table row has about 12
/// column lines; doubled by thick lines split in two, 24 pieces a cell width apart.
const COMB_MIN: usize = 8;
/// Mean spacing (points) below which parallel pieces of one extent are texture: the
/// narrowest printed column (a one-character column) is about 15 pt wide, and a row whose
/// lines all come out as two pieces still averages more than half a column.
const COMB_SPACING: f32 = 6.0;
/// Ends within this distance (points) are the same extent.
const SAME_END: f32 = 2.0;
/// A piece continues a ruling outside the band when one lies within this distance across.
const COLLINEAR: f32 = 2.5;

/// A segment as (position across, start along, end along), for one orientation.
#[derive(Clone, Copy)]
struct Piece {
    across: f32,
    start: f32,
    end: f32,
    index: usize,
}

/// `segments` without the pieces of shaded bands (see the module doc).
pub fn drop_combs(segments: &[Segment]) -> Vec<Segment> {
    let vertical: Vec<Piece> = segments
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_horizontal())
        .map(|(index, s)| Piece {
            across: s.x0,
            start: s.y0.min(s.y1),
            end: s.y0.max(s.y1),
            index,
        })
        .collect();
    let horizontal: Vec<Piece> = segments
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_horizontal())
        .map(|(index, s)| Piece {
            across: s.y0,
            start: s.x0.min(s.x1),
            end: s.x0.max(s.x1),
            index,
        })
        .collect();
    let mut drop = vec![false; segments.len()];
    for set in [&vertical, &horizontal] {
        for i in comb_pieces(set) {
            drop[i] = true;
        }
    }
    segments
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(s, _)| *s)
        .collect()
}

/// Indices (into the segments) of the comb pieces among parallel `pieces`.
fn comb_pieces(pieces: &[Piece]) -> Vec<usize> {
    // group by extent (start and end both within SAME_END of the group's first piece)
    let mut sorted: Vec<Piece> = pieces.to_vec();
    sorted.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)));
    let mut groups: Vec<Vec<Piece>> = Vec::new();
    for p in sorted {
        match groups.iter_mut().find(|g| {
            (g[0].start - p.start).abs() <= SAME_END && (g[0].end - p.end).abs() <= SAME_END
        }) {
            Some(g) => g.push(p),
            None => groups.push(vec![p]),
        }
    }
    let mut out = Vec::new();
    for mut g in groups.into_iter().filter(|g| g.len() >= COMB_MIN) {
        g.sort_by(|a, b| a.across.total_cmp(&b.across));
        let span = g[g.len() - 1].across - g[0].across;
        if span / (g.len() - 1) as f32 >= COMB_SPACING {
            continue;
        }
        let (lo, hi) = (g[0].start, g[0].end);
        for p in &g {
            // a ruling that runs on above or below the band goes through it
            let continues = pieces.iter().any(|q| {
                (q.across - p.across).abs() <= COLLINEAR
                    && (q.end <= lo + SAME_END || q.start >= hi - SAME_END)
                    && q.index != p.index
            });
            if !continues {
                out.push(p.index);
            }
        }
    }
    out
}

/// A grid whose cells are, at the median, narrower *and* lower than this (points) is a comb
/// of false rulings, not a printed table: a printed cell holds at least a glyph and its
/// padding, and the narrowest columns of the template's tables are twice this wide.
pub const COMB_CELL: f32 = 10.0;

/// How near the page's edge (points) a grid must reach to be the scanner's border band.
pub const PAGE_EDGE: f32 = 8.0;

/// Whether a grid is the comb of false rulings that the dark band along a scanned sheet's
/// edge leaves: it reaches the page's edge (within [`PAGE_EDGE`]; print never does, the
/// sheet's margins are wider) and its cells are, at the median, smaller than a glyph
/// ([`COMB_CELL`]; a printed table's are not, even cropped tight to an image's edge).
/// `width` and `height` are the page's size in points.
pub fn is_border_comb(t: &crate::table::Table, width: f32, height: f32) -> bool {
    let b = t.bbox;
    let at_edge = b.x0 <= PAGE_EDGE
        || b.y0 <= PAGE_EDGE
        || b.x1 >= width - PAGE_EDGE
        || b.y1 >= height - PAGE_EDGE;
    if !at_edge || t.cells.len() < 4 {
        return false;
    }
    let median = |mut v: Vec<f32>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let w = median(t.cells.iter().map(|c| c.bbox.x1 - c.bbox.x0).collect());
    let h = median(t.cells.iter().map(|c| c.bbox.y1 - c.bbox.y0).collect());
    w < COMB_CELL && h < COMB_CELL
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_comb_of_tiny_cells_at_the_page_edge_is_the_scan_border_and_a_table_is_not() {
        use crate::model::Segment;
        use crate::table::{Tolerances, find_grids};
        let grid = |x0: f32, dx: f32, dy: f32, n: usize| -> Vec<Segment> {
            let mut s = Vec::new();
            for i in 0..=n {
                let x = x0 + dx * i as f32;
                s.push(Segment {
                    x0: x,
                    y0: 10.0,
                    x1: x,
                    y1: 10.0 + dy * n as f32,
                });
                let y = 10.0 + dy * i as f32;
                s.push(Segment {
                    x0,
                    y0: y,
                    x1: x0 + dx * n as f32,
                    y1: y,
                });
            }
            s
        };
        let tol = Tolerances::default();
        let (w, h) = (595.0, 842.0);
        // cells of 6 x 5 pt from the sheet's left edge: the scanner's border
        let comb = find_grids(&grid(1.0, 6.0, 5.0, 8), 1, &tol);
        assert!(super::is_border_comb(&comb[0], w, h));
        // the same tiny cells inside the page (a real table's slivers round a seal): kept
        let inside = find_grids(&grid(200.0, 6.0, 5.0, 8), 1, &tol);
        assert!(!super::is_border_comb(&inside[0], w, h));
        // a table cropped tight to an image's edge, cells of 30 x 18 pt: kept
        let table = find_grids(&grid(1.0, 30.0, 18.0, 5), 1, &tol);
        assert!(!super::is_border_comb(&table[0], w, h));
    }

    use super::*;

    fn v(x: f32, y0: f32, y1: f32) -> Segment {
        Segment {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }
    fn h(y: f32, x0: f32, x1: f32) -> Segment {
        Segment {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    /// A two-column table (x 70, 300, 520; rows at y 100, 130, 160) with a shaded band
    /// 160..200 under it, then one more row 200..230.
    fn table() -> Vec<Segment> {
        let mut s = vec![
            h(100.0, 70.0, 520.0),
            h(130.0, 70.0, 520.0),
            h(160.0, 70.0, 520.0),
            h(200.0, 70.0, 520.0),
            h(230.0, 70.0, 520.0),
        ];
        for x in [70.0, 300.0, 520.0] {
            s.push(v(x, 100.0, 160.0));
            s.push(v(x, 200.0, 230.0));
        }
        // the borders run through the band too
        s.push(v(70.0, 160.0, 200.0));
        s.push(v(520.5, 160.3, 199.6));
        s
    }

    #[test]
    fn a_comb_through_a_shaded_band_is_dropped_but_the_borders_through_it_stay() {
        let clean = table();
        let mut noisy = clean.clone();
        let mut x = 75.0;
        while x < 515.0 {
            noisy.push(v(x, 160.0 + (x % 1.5), 200.0 - (x % 1.2)));
            x += 2.0 + (x % 3.0);
        }
        let kept = drop_combs(&noisy);
        for s in &clean {
            assert!(kept.contains(s), "{s:?} was dropped");
        }
        // of the comb, only pieces in line with a ruling that runs on outside the band stay
        // (here the column line at x 300: such a piece is taken for that line going through)
        let extra: Vec<&Segment> = kept.iter().filter(|s| !clean.contains(s)).collect();
        assert!(
            extra.iter().all(|s| (s.x0 - 300.0).abs() <= COLLINEAR),
            "{extra:?}"
        );
        assert!(
            noisy.len() - clean.len() > 60 && extra.len() <= 2,
            "{} comb pieces, {} kept",
            noisy.len() - clean.len(),
            extra.len()
        );
    }

    #[test]
    fn a_ruled_row_of_many_columns_is_no_comb() {
        // the requests table: 9 value columns 37 pt wide, each line split in two pieces 1.5 pt apart
        let mut s = vec![h(100.0, 60.0, 530.0), h(120.0, 60.0, 530.0)];
        for k in 0..10 {
            let x = 200.0 + 37.0 * k as f32;
            s.push(v(x, 100.0, 120.0));
            s.push(v(x + 1.5, 100.0, 120.0));
        }
        assert_eq!(drop_combs(&s).len(), s.len());
    }

    #[test]
    fn a_shaded_column_drops_its_horizontal_comb() {
        let mut s = vec![v(100.0, 50.0, 400.0), v(140.0, 50.0, 400.0)];
        let mut y = 52.0;
        while y < 398.0 {
            s.push(h(y, 100.0, 140.0));
            y += 2.5;
        }
        let kept = drop_combs(&s);
        assert_eq!(kept.len(), 2);
    }
}

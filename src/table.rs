//! Table reconstruction from the page model: ruling segments -> lattice grid -> merged cells,
//! then words placed into cells.  Knows nothing about the template or about who made the page.
//!
//! The approach is pdfplumber's lattice finder: snap near-collinear segments together, join
//! segments with small gaps, group the segments that touch into one table, take the distinct
//! x of vertical and y of horizontal rulings as the grid, and merge neighbouring grid cells
//! wherever no ruling separates them.  Every distance is a named tolerance in `Tolerances`.

use crate::model::{BBox, Page, Segment, Word};

/// Distances in points.
#[derive(Debug, Clone, Copy)]
pub struct Tolerances {
    /// Segments whose y (horizontal) or x (vertical) differ by at most this are one line.
    pub snap: f32,
    /// Collinear segments with a gap of at most this are joined.
    pub join: f32,
    /// How far a segment may stop short of another and still be taken to meet it.
    pub intersect: f32,
    /// A grid row or column narrower than this is dropped (double borders).
    pub min_band: f32,
    /// A cell boundary counts as ruled when segments cover at least this fraction of it.
    pub edge_coverage: f32,
    /// Segments shorter than this are ignored (text underlines, glyph strokes).
    pub min_segment: f32,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            snap: 2.0,
            join: 3.0,
            intersect: 3.0,
            min_band: 3.0,
            edge_coverage: 0.5,
            min_segment: 4.0,
        }
    }
}

/// One (possibly merged) cell of a grid: rows r0..r1 and columns c0..c1 (end exclusive).
#[derive(Debug, Clone)]
pub struct Cell {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
    pub bbox: BBox,
    /// Indices into the page's words, in reading order.
    pub words: Vec<usize>,
    /// The cell's text, line by line in reading order.
    pub lines: Vec<String>,
    /// The lowest confidence of the cell's words (1.0 for an empty cell).
    pub confidence: f32,
    /// Other readings of the whole cell text from its words' alternatives, best first.
    pub alternatives: Vec<String>,
}

impl Cell {
    /// The text with its lines joined without separator (labels broken across lines re-join).
    pub fn text(&self) -> String {
        self.lines.concat()
    }
}

/// A reconstructed table on one page.
#[derive(Debug, Clone)]
pub struct Table {
    pub page: u32,
    pub bbox: BBox,
    /// Column boundaries (n_cols + 1), left to right.
    pub xs: Vec<f32>,
    /// Row boundaries (n_rows + 1), top to bottom.
    pub ys: Vec<f32>,
    pub cells: Vec<Cell>,
    /// For each grid position (row-major), the index of the cell that covers it.
    pub index: Vec<usize>,
    /// How the grid was found: "lattice" (rulings) or "stream" (text alignment).
    pub method: &'static str,
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.ys.len().saturating_sub(1)
    }
    pub fn n_cols(&self) -> usize {
        self.xs.len().saturating_sub(1)
    }
    /// The cell covering grid position (r, c).
    pub fn cell_at(&self, r: usize, c: usize) -> &Cell {
        &self.cells[self.index[r * self.n_cols() + c]]
    }
    /// The grid as rows of text, merged cells repeated in every position they cover.
    pub fn grid_text(&self) -> Vec<Vec<String>> {
        (0..self.n_rows())
            .map(|r| {
                (0..self.n_cols())
                    .map(|c| self.cell_at(r, c).text())
                    .collect()
            })
            .collect()
    }
}

/// Horizontal and vertical rulings after snapping and joining.
#[derive(Debug, Default, Clone)]
pub struct Rulings {
    /// (y, x0, x1)
    pub h: Vec<(f32, f32, f32)>,
    /// (x, y0, y1)
    pub v: Vec<(f32, f32, f32)>,
}

/// Snap and join raw segments into horizontal and vertical rulings.
pub fn normalize(segments: &[Segment], tol: &Tolerances) -> Rulings {
    let mut h = Vec::new();
    let mut v = Vec::new();
    for s in segments {
        let (dx, dy) = ((s.x1 - s.x0).abs(), (s.y1 - s.y0).abs());
        if dy <= tol.snap && dx >= tol.min_segment {
            h.push(((s.y0 + s.y1) / 2.0, s.x0.min(s.x1), s.x0.max(s.x1)));
        } else if dx <= tol.snap && dy >= tol.min_segment {
            v.push(((s.x0 + s.x1) / 2.0, s.y0.min(s.y1), s.y0.max(s.y1)));
        }
    }
    Rulings {
        h: join_collinear(h, tol),
        v: join_collinear(v, tol),
    }
}

/// Lines given as (position, start, end): cluster by position, then join overlapping spans.
fn join_collinear(mut lines: Vec<(f32, f32, f32)>, tol: &Tolerances) -> Vec<(f32, f32, f32)> {
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i + 1;
        while j < lines.len() && lines[j].0 - lines[j - 1].0 <= tol.snap {
            j += 1;
        }
        let group = &mut lines[i..j];
        let pos = group.iter().map(|l| l.0).sum::<f32>() / group.len() as f32;
        group.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (mut s, mut e) = (group[0].1, group[0].2);
        for l in group.iter().skip(1) {
            if l.1 <= e + tol.join {
                e = e.max(l.2);
            } else {
                out.push((pos, s, e));
                s = l.1;
                e = l.2;
            }
        }
        out.push((pos, s, e));
        i = j;
    }
    out
}

struct UnionFind(Vec<usize>);
impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Cluster sorted values: values closer than `tol` to the previous one join its cluster.
fn cluster(mut vals: Vec<f32>, tol: f32) -> Vec<f32> {
    vals.sort_by(|a, b| a.total_cmp(b));
    let mut out: Vec<f32> = Vec::new();
    let mut group: Vec<f32> = Vec::new();
    for v in vals {
        if let Some(&last) = group.last()
            && v - last > tol
        {
            out.push(group.iter().sum::<f32>() / group.len() as f32);
            group.clear();
        }
        group.push(v);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f32>() / group.len() as f32);
    }
    out
}

/// Fraction of [a, b] covered by the spans of the lines at `pos` (within `snap`).
fn coverage(lines: &[(f32, f32, f32)], pos: f32, a: f32, b: f32, snap: f32) -> f32 {
    if b <= a {
        return 1.0;
    }
    let mut spans: Vec<(f32, f32)> = lines
        .iter()
        .filter(|l| (l.0 - pos).abs() <= snap)
        .map(|l| (l.1.max(a), l.2.min(b)))
        .filter(|s| s.1 > s.0)
        .collect();
    spans.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut covered = 0.0;
    let mut end = a;
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            covered += e - s;
            end = e;
        }
    }
    covered / (b - a)
}

/// The grids (without text) the rulings of a page form, top to bottom.
pub fn find_grids(segments: &[Segment], page: u32, tol: &Tolerances) -> Vec<Table> {
    let r = normalize(segments, tol);
    let nh = r.h.len();
    let mut uf = UnionFind::new(nh + r.v.len());
    for (i, h) in r.h.iter().enumerate() {
        for (j, v) in r.v.iter().enumerate() {
            if v.0 >= h.1 - tol.intersect
                && v.0 <= h.2 + tol.intersect
                && h.0 >= v.1 - tol.intersect
                && h.0 <= v.2 + tol.intersect
            {
                uf.union(i, nh + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> =
        Default::default();
    for i in 0..nh {
        groups.entry(uf.find(i)).or_default().0.push(i);
    }
    for j in 0..r.v.len() {
        groups.entry(uf.find(nh + j)).or_default().1.push(j);
    }
    let mut tables = Vec::new();
    for (hs, vs) in groups.values() {
        if hs.len() < 2 || vs.len() < 2 {
            continue;
        }
        let h: Vec<_> = hs.iter().map(|&i| r.h[i]).collect();
        let v: Vec<_> = vs.iter().map(|&j| r.v[j]).collect();
        if let Some(t) = grid_from_lines(&h, &v, page, tol) {
            tables.push(t);
        }
    }
    tables.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    tables
}

fn drop_narrow(bounds: Vec<f32>, min: f32) -> Vec<f32> {
    let mut out: Vec<f32> = Vec::with_capacity(bounds.len());
    for b in bounds {
        match out.last_mut() {
            Some(last) if b - *last < min => *last = (*last + b) / 2.0,
            _ => out.push(b),
        }
    }
    out
}

fn grid_from_lines(
    h: &[(f32, f32, f32)],
    v: &[(f32, f32, f32)],
    page: u32,
    tol: &Tolerances,
) -> Option<Table> {
    let mut xv: Vec<f32> = v.iter().map(|l| l.0).collect();
    xv.push(h.iter().map(|l| l.1).fold(f32::MAX, f32::min));
    xv.push(h.iter().map(|l| l.2).fold(f32::MIN, f32::max));
    let mut yv: Vec<f32> = h.iter().map(|l| l.0).collect();
    yv.push(v.iter().map(|l| l.1).fold(f32::MAX, f32::min));
    yv.push(v.iter().map(|l| l.2).fold(f32::MIN, f32::max));
    let xs = drop_narrow(cluster(xv, tol.snap), tol.min_band);
    let ys = drop_narrow(cluster(yv, tol.snap), tol.min_band);
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let mut uf = UnionFind::new(nr * nc);
    for r in 0..nr {
        for c in 0..nc {
            // boundary to the right
            if c + 1 < nc
                && coverage(v, xs[c + 1], ys[r], ys[r + 1], tol.snap.max(tol.min_band))
                    < tol.edge_coverage
            {
                uf.union(r * nc + c, r * nc + c + 1);
            }
            // boundary below
            if r + 1 < nr
                && coverage(h, ys[r + 1], xs[c], xs[c + 1], tol.snap.max(tol.min_band))
                    < tol.edge_coverage
            {
                uf.union(r * nc + c, (r + 1) * nc + c);
            }
        }
    }
    let mut roots: std::collections::HashMap<usize, usize> = Default::default();
    let mut cells: Vec<Cell> = Vec::new();
    let mut index = vec![0usize; nr * nc];
    for r in 0..nr {
        for c in 0..nc {
            let root = uf.find(r * nc + c);
            let k = *roots.entry(root).or_insert_with(|| {
                cells.push(Cell {
                    r0: r,
                    r1: r + 1,
                    c0: c,
                    c1: c + 1,
                    bbox: BBox::default(),
                    words: vec![],
                    lines: vec![],
                    confidence: 1.0,
                    alternatives: vec![],
                });
                cells.len() - 1
            });
            let cell = &mut cells[k];
            cell.r0 = cell.r0.min(r);
            cell.r1 = cell.r1.max(r + 1);
            cell.c0 = cell.c0.min(c);
            cell.c1 = cell.c1.max(c + 1);
            index[r * nc + c] = k;
        }
    }
    split_non_rectangles(&mut cells, &mut index, nc);
    for cell in &mut cells {
        cell.bbox = BBox::new(xs[cell.c0], ys[cell.r0], xs[cell.c1], ys[cell.r1]);
    }
    let bbox = BBox::new(xs[0], ys[0], xs[nc], ys[nr]);
    Some(Table {
        page,
        bbox,
        xs,
        ys,
        cells,
        index,
        method: "lattice",
    })
}

/// A printed merged cell is a rectangle.  Grid positions that lost rulings join into a region
/// of another shape (an L, a comb: a seal took the rulings around it, a faint line vanished
/// over some columns); such a region is no cell: it is cut into rectangles, each grid row's
/// run of its positions one cell, runs over the same columns in consecutive rows one cell.  A
/// label cell over several rows (a rectangle) stays whole; the header row that a lost ruling
/// joined to the cells under it at one end keeps its own text.
fn split_non_rectangles(cells: &mut Vec<Cell>, index: &mut [usize], nc: usize) {
    for k in 0..cells.len() {
        let c = &cells[k];
        let area = (c.r1 - c.r0) * (c.c1 - c.c0);
        let (r0, r1, c0, c1) = (c.r0, c.r1, c.c0, c.c1);
        let covered = (r0..r1)
            .flat_map(|r| (c0..c1).map(move |cc| r * nc + cc))
            .filter(|&i| index[i] == k)
            .count();
        if covered == area {
            continue;
        }
        // runs of the region, row by row: (row, first column, end column)
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for r in r0..r1 {
            let mut cc = c0;
            while cc < c1 {
                if index[r * nc + cc] != k {
                    cc += 1;
                    continue;
                }
                let start = cc;
                while cc < c1 && index[r * nc + cc] == k {
                    cc += 1;
                }
                runs.push((r, start, cc));
            }
        }
        // (first column, end column, last row, cell) of the open rectangles
        let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut first = true;
        for (r, a, b) in runs {
            let id = match open
                .iter_mut()
                .find(|o| o.0 == a && o.1 == b && o.2 + 1 == r)
            {
                Some(o) => {
                    o.2 = r;
                    cells[o.3].r1 = r + 1;
                    o.3
                }
                None => {
                    let id = if first {
                        first = false;
                        k
                    } else {
                        cells.push(cells[k].clone());
                        cells.len() - 1
                    };
                    let cell = &mut cells[id];
                    (cell.r0, cell.r1, cell.c0, cell.c1) = (r, r + 1, a, b);
                    open.push((a, b, r, id));
                    id
                }
            };
            for i in a..b {
                index[r * nc + i] = id;
            }
        }
    }
    debug_assert!(index.iter().all(|&i| i < cells.len()));
}

/// Which band of `bounds` holds `v` (None outside).
fn band(bounds: &[f32], v: f32) -> Option<usize> {
    if bounds.len() < 2 || v < bounds[0] || v > bounds[bounds.len() - 1] {
        return None;
    }
    let i = bounds.partition_point(|&b| b <= v);
    Some(i.saturating_sub(1).min(bounds.len() - 2))
}

/// Place the page's words into the grid's cells and build each cell's lines.
/// Returns the indices of words that fell inside the table's box.
pub fn fill_cells(table: &mut Table, words: &[Word]) -> Vec<usize> {
    let nc = table.n_cols();
    let mut inside = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let (cx, cy) = (w.bbox.cx(), w.bbox.cy());
        if let (Some(r), Some(c)) = (band(&table.ys, cy), band(&table.xs, cx)) {
            let k = table.index[r * nc + c];
            table.cells[k].words.push(i);
            inside.push(i);
        }
    }
    for cell in &mut table.cells {
        let idx = std::mem::take(&mut cell.words);
        set_cell_words(cell, &idx, words);
    }
    inside
}

/// Give a cell these words: reading order, lines, confidence and alternative readings.
pub fn set_cell_words(cell: &mut Cell, idx: &[usize], words: &[Word]) {
    let (order, lines) = lines_of(idx, words);
    cell.confidence = order
        .iter()
        .map(|&i| words[i].confidence)
        .fold(1.0f32, f32::min);
    let mut alts: Vec<String> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        for alt in words[i].alternatives.iter().take(4) {
            // the cell text with word k read as `alt` (lines joined as Cell::text does)
            let mut texts: Vec<&str> = order.iter().map(|&j| words[j].text.trim()).collect();
            texts[k] = alt.trim();
            let mut s = String::new();
            for t in texts {
                if needs_space(&s, t) {
                    s.push(' ');
                }
                s.push_str(t);
            }
            if !alts.contains(&s) && alts.len() < 8 {
                alts.push(s);
            }
        }
    }
    cell.words = order;
    cell.lines = lines;
    cell.alternatives = alts;
}

impl Table {
    /// Rebuild `index` from the cells' spans (after cells were split or merged).
    pub(crate) fn reindex(&mut self) {
        let nc = self.n_cols();
        self.index = vec![0; self.n_rows() * nc];
        for (k, c) in self.cells.iter().enumerate() {
            for r in c.r0..c.r1 {
                for col in c.c0..c.c1 {
                    self.index[r * nc + col] = k;
                }
            }
        }
    }

    /// Split cell `k` at `x` into a left and a right cell, its words going by their centres.
    /// A new column boundary is added when none is near `x`; the cells it crosses span both
    /// halves.  Returns the index of the right cell, or None when `x` is not inside the cell.
    pub fn split_cell(&mut self, k: usize, x: f32, words: &[Word]) -> Option<usize> {
        let cell = self.cells.get(k)?;
        if x <= cell.bbox.x0 + 0.5 || x >= cell.bbox.x1 - 0.5 {
            return None;
        }
        // an existing boundary strictly inside the cell and close to x, or a new one
        let existing = (cell.c0 + 1..cell.c1).find(|&b| (self.xs[b] - x).abs() < 1.0);
        let b = match existing {
            Some(b) => b,
            None => {
                let b = self.xs.partition_point(|&v| v < x);
                if b == 0 || b >= self.xs.len() {
                    return None;
                }
                self.xs.insert(b, x);
                for c in &mut self.cells {
                    if c.c0 >= b {
                        c.c0 += 1;
                    }
                    if c.c1 >= b {
                        c.c1 += 1;
                    }
                }
                b
            }
        };
        Some(self.split_at(k, b, true, words))
    }

    /// Split cell `k` at its inner grid boundary `b` (a column boundary when `vertical`, else
    /// a row boundary) into two cells, its words going by their centres; returns the index of
    /// the second (right or lower) cell.  The caller checks that `b` lies inside the cell.
    fn split_at(&mut self, k: usize, b: usize, vertical: bool, words: &[Word]) -> usize {
        let pos = if vertical { self.xs[b] } else { self.ys[b] };
        let cell = &mut self.cells[k];
        let centre = |i: usize| {
            if vertical {
                words[i].bbox.cx()
            } else {
                words[i].bbox.cy()
            }
        };
        let (first, second): (Vec<usize>, Vec<usize>) =
            cell.words.iter().partition(|&&i| centre(i) < pos);
        let mut other = Cell {
            words: vec![],
            lines: vec![],
            confidence: 1.0,
            alternatives: vec![],
            ..cell.clone()
        };
        if vertical {
            (other.c0, other.bbox.x0) = (b, pos);
            (cell.c1, cell.bbox.x1) = (b, pos);
        } else {
            (other.r0, other.bbox.y0) = (b, pos);
            (cell.r1, cell.bbox.y1) = (b, pos);
        }
        set_cell_words(cell, &first, words);
        set_cell_words(&mut other, &second, words);
        self.cells.push(other);
        self.reindex();
        self.cells.len() - 1
    }

    /// Whether the row line at boundary `b` (between grid rows `b - 1` and `b`) is there in
    /// some column of `cols`: the cells above and below it differ.
    pub fn ruled_between(&self, b: usize, mut cols: std::ops::Range<usize>) -> bool {
        let nc = self.n_cols();
        cols.any(|c| self.index[(b - 1) * nc + c] != self.index[b * nc + c])
    }

    /// Whether cell `k` covers every grid position of its span (not an L-shaped region).
    pub fn is_rectangle(&self, k: usize) -> bool {
        let Some(c) = self.cells.get(k) else {
            return false;
        };
        let nc = self.n_cols();
        (c.r0..c.r1).all(|r| (c.c0..c.c1).all(|col| self.index.get(r * nc + col) == Some(&k)))
    }

    /// Split cell `k` at its inner row boundary `b` (`r0 < b < r1`) into an upper and a lower
    /// cell, its words going by their centres.  Returns the index of the lower cell, or None
    /// when `b` is not inside the cell or the cell is not a rectangle of the grid (an L-shaped
    /// region left by a lost ruling: its box overlaps other cells).
    pub fn split_cell_rows(&mut self, k: usize, b: usize, words: &[Word]) -> Option<usize> {
        let cell = self.cells.get(k)?;
        if b <= cell.r0 || b >= cell.r1 || b >= self.ys.len() || !self.is_rectangle(k) {
            return None;
        }
        Some(self.split_at(k, b, false, words))
    }

    /// Merge cells `a` and `b` (side by side, same rows, adjacent columns) into `a`.
    /// Returns false (and changes nothing) when they do not form a rectangle.
    pub fn merge_cells(&mut self, a: usize, b: usize, words: &[Word]) -> bool {
        if a == b || a >= self.cells.len() || b >= self.cells.len() {
            return false;
        }
        let (ca, cb) = (&self.cells[a], &self.cells[b]);
        if ca.r0 != cb.r0 || ca.r1 != cb.r1 || !(ca.c1 == cb.c0 || cb.c1 == ca.c0) {
            return false;
        }
        let mut idx = ca.words.clone();
        idx.extend_from_slice(&cb.words);
        let (c0, c1, bbox) = (ca.c0.min(cb.c0), ca.c1.max(cb.c1), ca.bbox.union(&cb.bbox));
        let cell = &mut self.cells[a];
        cell.c0 = c0;
        cell.c1 = c1;
        cell.bbox = bbox;
        set_cell_words(cell, &idx, words);
        self.cells.remove(b);
        self.reindex();
        true
    }
}

/// Order words into lines (top to bottom, left to right) and join each line's text.
pub fn lines_of(idx: &[usize], words: &[Word]) -> (Vec<usize>, Vec<String>) {
    let mut ws: Vec<usize> = idx.to_vec();
    ws.sort_by(|&a, &b| words[a].bbox.cy().total_cmp(&words[b].bbox.cy()));
    let mut lines: Vec<Vec<usize>> = Vec::new();
    for i in ws {
        let w = &words[i];
        let joined = lines.last().is_some_and(|line| {
            let last = &words[*line.last().unwrap_or(&i)];
            let tol = 0.5 * w.bbox.height().min(last.bbox.height()).max(1.0);
            (w.bbox.cy() - last.bbox.cy()).abs() <= tol
        });
        if joined {
            if let Some(line) = lines.last_mut() {
                line.push(i);
            }
        } else {
            lines.push(vec![i]);
        }
    }
    let mut order = Vec::new();
    let mut texts = Vec::new();
    for mut line in lines {
        line.sort_by(|&a, &b| words[a].bbox.x0.total_cmp(&words[b].bbox.x0));
        let mut s = String::new();
        for &i in &line {
            let t = words[i].text.trim();
            if needs_space(&s, t) {
                s.push(' ');
            }
            s.push_str(t);
        }
        order.extend_from_slice(&line);
        texts.push(s);
    }
    (order, texts)
}

/// A space between two runs only when both sides are Latin letters or digits.
fn needs_space(left: &str, right: &str) -> bool {
    match (left.chars().last(), right.chars().next()) {
        (Some(a), Some(b)) => a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// All tables of a page, with words placed: lattice tables from the rulings, then, for the
/// words outside them, tables found by text alignment (`stream_tables`).
pub fn find_tables(page: &Page, tol: &Tolerances) -> Vec<Table> {
    let mut tables = find_grids(&page.rulings, page.number, tol);
    let mut used = vec![false; page.words.len()];
    for t in &mut tables {
        for i in fill_cells(t, &page.words) {
            used[i] = true;
        }
    }
    tables.extend(stream_tables(page, &used));
    tables.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    tables
}

/// A word is taken at least this share of the median word height tall when lines are formed
/// (see [`stream_tables`]).
pub const FLAT_GLYPH: f32 = 0.6;

/// Tables without rulings, found by text alignment (pdfplumber's "stream" idea, simplified):
/// runs of lines that end in numbers form a block; the x-extents of the numbers, merged where
/// they overlap, are the value columns; everything left of them is the label column; each line
/// is a row.  Lines without numbers inside a block (headers, wrapped labels) are rows too.
pub fn stream_tables(page: &Page, used: &[bool]) -> Vec<Table> {
    let words = &page.words;
    let free: Vec<usize> = (0..words.len())
        .filter(|&i| !used.get(i).copied().unwrap_or(false))
        .collect();
    if free.len() < 4 {
        return vec![];
    }
    // lines: words whose vertical centres are close, left to right
    let mut order = free.clone();
    order.sort_by(|&a, &b| words[a].bbox.cy().total_cmp(&words[b].bbox.cy()));
    // (a word's height for this is at least FLAT_GLYPH of the words' median: OCR boxes its
    // ink, and a flat glyph — 一, a dash — first on a line would otherwise split it)
    let mut heights: Vec<f32> = free.iter().map(|&i| words[i].bbox.height()).collect();
    heights.sort_by(f32::total_cmp);
    let floor = FLAT_GLYPH * heights[heights.len() / 2];
    let height = |b: &crate::model::BBox| b.height().max(floor);
    let mut lines: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let b = &words[i].bbox;
        let joined = lines.last().is_some_and(|l| {
            let f = &words[l[0]].bbox;
            (b.cy() - f.cy()).abs() <= 0.5 * height(b).min(height(f)).max(1.0)
        });
        if joined {
            if let Some(l) = lines.last_mut() {
                l.push(i);
            }
        } else {
            lines.push(vec![i]);
        }
    }
    for l in &mut lines {
        l.sort_by(|&a, &b| words[a].bbox.x0.total_cmp(&words[b].bbox.x0));
    }
    let numeric = |l: &Vec<usize>| {
        let n = trailing_values(l, words).len();
        n >= 1 && (n < l.len() || n >= 3)
    };
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !numeric(&lines[i]) {
            i += 1;
            continue;
        }
        // extend the block over numeric lines, bridging up to 3 non-numeric lines, or more
        // that stand in the label column before a line of the same value columns
        // ([`label_column_bridge`])
        let mut end = i + 1;
        let mut j = i + 1;
        while j < lines.len() {
            if numeric(&lines[j]) {
                end = j + 1;
                j += 1;
            } else if j + 1 < lines.len()
                && (j < end + 3
                    || label_column_bridge(&lines[i..end], &lines[end..], words, &numeric))
            {
                j += 1;
            } else {
                break;
            }
        }
        // a header may stand right above the first numeric line
        let start = if i > 0 && !numeric(&lines[i - 1]) {
            i - 1
        } else {
            i
        };
        // OCR'd print: the last row's label may wrap onto lines below its values (label
        // lines stand around their values); those lines in the label column are the block's
        let ocr = lines[start..end]
            .iter()
            .flatten()
            .any(|&w| words[w].confidence < 1.0);
        if ocr && let Some(x0) = value_x0(&lines[start..end], words) {
            let mut extra = 0;
            while extra < TRAILING_LABEL_LINES
                && end < lines.len()
                && !numeric(&lines[end])
                && lines[end].iter().all(|&w| words[w].bbox.x1 <= x0)
            {
                end += 1;
                extra += 1;
            }
        }
        let block = &lines[start..end];
        let wide = block.iter().any(|l| {
            l.iter()
                .filter(|&&w| crate::values::is_value_like(&words[w].text))
                .count()
                >= 10
        });
        // OCR'd lines stay apart: their label lines are put back around their values by the
        // template's labels (`template::stream_rows`), which needs to see where each stands
        let block = if ocr {
            block.to_vec()
        } else {
            wrapped_labels(block, usize::from(start < i), &|w| {
                crate::values::is_value_like(&words[w].text)
            })
        };
        if (block.iter().filter(|l| numeric(l)).count() >= 2 || wide)
            && let Some(t) = stream_table(page, &block)
        {
            tables.push(t);
        }
        i = end;
    }
    tables
}

/// A word in a bridged line's value columns below this confidence is a mark OCR read there
/// (a ruling's remnant, a speck, a seal's stroke), no print of a value.
pub const BRIDGE_MARK_CONF: f32 = 0.7;
/// Label-only lines a block of value lines may bridge at most.
pub const LABEL_BRIDGE_MAX: usize = 24;
/// How far (in the value's height) a value's middle may stand outside the x-range of a value
/// above it and still be in the same column: centred numbers of different widths, a slight
/// residual skew.
pub const COLUMN_SLACK: f32 = 0.5;

/// Whether the lines `rest` (from the block's last line of values on, up to the next line of
/// values) continue the table `block` although they hold no value: rows whose zeros print blank leave only their
/// labels, two lines each when wrapped, and three such rows cut the table apart under the
/// plain three-line bridge (the rows after them a table of their own, or too short to be one).
/// They do when every one of them lies left of the block's value columns (in its label
/// column: prose and headings run across the page; marks read there in doubt aside,
/// [`BRIDGE_MARK_CONF`]), there are at most [`LABEL_BRIDGE_MAX`],
/// and the next line of values prints its values in the block's value columns (each value's
/// middle within [`COLUMN_SLACK`] of the x-range of a value of the block): the same table's next row, not the
/// next table's.
fn label_column_bridge(
    block: &[Vec<usize>],
    rest: &[Vec<usize>],
    words: &[Word],
    numeric: &dyn Fn(&Vec<usize>) -> bool,
) -> bool {
    let spans: Vec<(f32, f32)> = block
        .iter()
        .flat_map(|l| trailing_values(l, words))
        .map(|w| (words[w].bbox.x0, words[w].bbox.x1))
        .collect();
    let Some(value_x0) = value_x0(block, words) else {
        return false;
    };
    let in_label_column = |l: &Vec<usize>| {
        l.iter()
            .all(|&w| words[w].bbox.x1 <= value_x0 || words[w].confidence < BRIDGE_MARK_CONF)
    };
    for (k, l) in rest.iter().enumerate().take(LABEL_BRIDGE_MAX + 1) {
        if !numeric(l) {
            if !in_label_column(l) {
                return false;
            }
            continue;
        }
        // the next line of values: in the block's value columns
        return k > 0
            && trailing_values(l, words).iter().all(|&w| {
                let (cx, tol) = (words[w].bbox.cx(), COLUMN_SLACK * words[w].bbox.height());
                spans.iter().any(|&(a, b)| cx >= a - tol && cx <= b + tol)
            });
    }
    false
}

/// Lines of label text after a block's last line of values that still belong to it (OCR'd
/// print; see [`stream_tables`]).
pub const TRAILING_LABEL_LINES: usize = 2;

/// Where a block's value columns start: where its rows of several values start theirs (a
/// mark read as a number at a label's end is no column), else its leftmost trailing value.
fn value_x0(block: &[Vec<usize>], words: &[Word]) -> Option<f32> {
    let values: Vec<Vec<usize>> = block.iter().map(|l| trailing_values(l, words)).collect();
    let x0 = |v: &[usize]| v.iter().map(|&w| words[w].bbox.x0).fold(f32::MAX, f32::min);
    let start = |min: usize| {
        values
            .iter()
            .filter(|v| v.len() >= min)
            .map(|v| x0(v))
            .reduce(f32::min)
    };
    start(SUPPORT_VALUES).or_else(|| start(1))
}

/// The words at a line's end that read as values (its numbers, dashes, slashes), right to
/// left.
fn trailing_values(line: &[usize], words: &[Word]) -> Vec<usize> {
    line.iter()
        .rev()
        .take_while(|&&w| crate::values::is_value_like(&words[w].text))
        .copied()
        .collect()
}

/// A row whose label wraps over several lines prints its values on one of them, often a
/// line of its own between the label's lines (values centred in a tall row).  In a text
/// layer's block, a line of values alone is joined with the line of label text alone above
/// it, else below it, into one row, when the block's other rows are labelled (a table of
/// unlabelled value rows, the appeals table, keeps its lines).  Lines before `keep` (a header
/// taken above the block) join nothing.  OCR'd lines are put together by the template's
/// labels instead (`template::stream_rows`), which can tell whose a label line is.
fn wrapped_labels(
    block: &[Vec<usize>],
    keep: usize,
    is_val: &dyn Fn(usize) -> bool,
) -> Vec<Vec<usize>> {
    let values_only = |l: &Vec<usize>| !l.is_empty() && l.iter().all(|&w| is_val(w));
    let text_only = |l: &Vec<usize>| !l.is_empty() && l.iter().all(|&w| !is_val(w));
    let labelled = block
        .iter()
        .filter(|l| l.iter().any(|&w| is_val(w)) && l.iter().any(|&w| !is_val(w)))
        .count();
    let alone = block.iter().filter(|l| values_only(l)).count();
    if labelled < 2 || alone > labelled {
        return block.to_vec();
    }
    let mut out: Vec<Vec<usize>> = block.to_vec();
    let mut k = keep;
    while k < out.len() {
        if values_only(&out[k]) {
            if k > keep && text_only(&out[k - 1]) {
                let vals = out.remove(k);
                out[k - 1].extend(vals);
                continue;
            }
            if k + 1 < out.len() && text_only(&out[k + 1]) {
                let label = out.remove(k + 1);
                let vals = std::mem::replace(&mut out[k], label);
                out[k].extend(vals);
            }
        }
        k += 1;
    }
    out
}

/// Share of a block's lines that must hold a number in a column for it to be one, in a block
/// of at least [`SUPPORT_MIN_LINES`] lines: a number standing alone at x where no other line
/// has one (a stray mark read as 1 at the end of a wrapped label, a page number) makes no
/// column.  Every row of a template table prints all its values, so a true column has a
/// number on most lines.
pub const COLUMN_SUPPORT: f32 = 0.15;
/// Numbers a line without a label must hold to support columns (see [`COLUMN_SUPPORT`]).
pub const SUPPORT_VALUES: usize = 3;
/// Blocks shorter than this keep every column (a two-row table has one number per column).
pub const SUPPORT_MIN_LINES: usize = 6;

/// Lines of a block of `lines` lines that must hold a number in a column.
fn column_support(lines: usize) -> usize {
    if lines < SUPPORT_MIN_LINES {
        1
    } else {
        ((lines as f32 * COLUMN_SUPPORT).ceil() as usize).max(2)
    }
}

fn stream_table(page: &Page, block: &[Vec<usize>]) -> Option<Table> {
    let words = &page.words;
    // value columns: x-extents of the trailing numbers of numeric lines, merged where they overlap
    // (x0, x1, line) of every trailing number
    let mut spans: Vec<(f32, f32, usize)> = Vec::new();
    for (k, l) in block.iter().enumerate() {
        for w in trailing_values(l, words) {
            spans.push((words[w].bbox.x0, words[w].bbox.x1, k));
        }
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    // columns with the lines that hold a number in them
    let mut cols: Vec<(f32, f32, Vec<usize>)> = Vec::new();
    for (a, b, k) in spans {
        match cols.last_mut() {
            Some(c) if a <= c.1 + 1.0 => {
                c.1 = c.1.max(b);
                c.2.push(k);
            }
            _ => cols.push((a, b, vec![k])),
        }
    }
    // support is counted on lines of values with a label (a row of ruling remnants read as
    // dashes has none) or of three numbers at least (a row whose label wrapped onto lines of
    // its own), when there are enough of them; a line of label text alone (a wrapped label's
    // other line, a row whose zeros print blank) holds no value in any column
    let labelled: Vec<bool> = block
        .iter()
        .map(|l| {
            let vals = trailing_values(l, words);
            let digits = vals
                .iter()
                .filter(|&&w| words[w].text.chars().any(|c| c.is_ascii_digit()))
                .count();
            !vals.is_empty() && (vals.len() < l.len() || digits >= SUPPORT_VALUES)
        })
        .collect();
    let n_labelled = labelled.iter().filter(|&&b| b).count();
    let by_label = n_labelled >= SUPPORT_MIN_LINES;
    let need = column_support(if by_label { n_labelled } else { block.len() });
    let cols: Vec<(f32, f32)> = cols
        .into_iter()
        .filter(|c| {
            let mut lines: Vec<usize> =
                c.2.iter()
                    .copied()
                    .filter(|&k| !by_label || labelled[k])
                    .collect();
            lines.sort_unstable();
            lines.dedup();
            lines.len() >= need
        })
        .map(|c| (c.0, c.1))
        .collect();
    if cols.is_empty() {
        return None;
    }
    let all: Vec<usize> = block.iter().flatten().copied().collect();
    let x0 = all
        .iter()
        .map(|&i| words[i].bbox.x0)
        .fold(f32::MAX, f32::min)
        - 1.0;
    let x1 = all
        .iter()
        .map(|&i| words[i].bbox.x1)
        .fold(f32::MIN, f32::max)
        + 1.0;
    let mut xs = vec![x0, cols[0].0 - 1.0];
    for w in cols.windows(2) {
        xs.push((w[0].1 + w[1].0) / 2.0);
    }
    xs.push(x1.max(cols[cols.len() - 1].1 + 1.0));
    xs.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    let tops: Vec<f32> = block
        .iter()
        .map(|l| l.iter().map(|&i| words[i].bbox.y0).fold(f32::MAX, f32::min))
        .collect();
    let bots: Vec<f32> = block
        .iter()
        .map(|l| l.iter().map(|&i| words[i].bbox.y1).fold(f32::MIN, f32::max))
        .collect();
    let mut ys = vec![tops[0] - 1.0];
    for k in 1..block.len() {
        ys.push((bots[k - 1] + tops[k]) / 2.0);
    }
    ys.push(bots[block.len() - 1] + 1.0);
    if ys.windows(2).any(|w| w[1] <= w[0]) {
        // lines whose extents overlap (OCR'd print: a stray mark between two rows, a tall
        // bracket): rows split halfway between the lines' middles instead
        let mids: Vec<f32> = (0..block.len())
            .map(|k| (tops[k] + bots[k]) / 2.0)
            .collect();
        ys = vec![tops.iter().copied().fold(f32::MAX, f32::min) - 1.0];
        for k in 1..block.len() {
            ys.push((mids[k - 1] + mids[k]) / 2.0);
        }
        ys.push(bots.iter().copied().fold(f32::MIN, f32::max) + 1.0);
    }
    if xs.len() < 3 || ys.windows(2).any(|w| w[1] <= w[0]) {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let mut cells = Vec::with_capacity(nr * nc);
    for r in 0..nr {
        for c in 0..nc {
            cells.push(Cell {
                r0: r,
                r1: r + 1,
                c0: c,
                c1: c + 1,
                bbox: BBox::new(xs[c], ys[r], xs[c + 1], ys[r + 1]),
                words: vec![],
                lines: vec![],
                confidence: 1.0,
                alternatives: vec![],
            });
        }
    }
    let bbox = BBox::new(xs[0], ys[0], xs[nc], ys[nr]);
    let mut t = Table {
        page: page.number,
        bbox,
        xs,
        ys,
        cells,
        index: (0..nr * nc).collect(),
        method: "stream",
    };
    let sub: Vec<Word> = all.iter().map(|&i| words[i].clone()).collect();
    fill_cells(&mut t, &sub);
    // word indices must refer to the page's words
    for cell in &mut t.cells {
        for w in &mut cell.words {
            *w = all[*w];
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(x0: f32, y0: f32, x1: f32, y1: f32) -> Segment {
        Segment { x0, y0, x1, y1 }
    }

    /// A 3x3 grid whose top-left 2x1 block is merged (no ruling between its columns).
    fn grid() -> Vec<Segment> {
        let mut s = vec![];
        for y in [0.0, 10.0, 20.0, 30.0] {
            s.push(seg(0.0, y, 30.0, y));
        }
        s.push(seg(0.0, 0.0, 0.0, 30.0));
        s.push(seg(10.0, 10.0, 10.0, 30.0)); // missing in the first row: merge
        s.push(seg(20.0, 0.0, 20.0, 30.0));
        s.push(seg(30.0, 0.0, 30.0, 30.0));
        s
    }

    #[test]
    fn lattice_with_merged_cell() {
        let t = &find_grids(&grid(), 1, &Tolerances::default())[0];
        assert_eq!((t.n_rows(), t.n_cols()), (3, 3));
        assert_eq!(t.cells.len(), 8);
        let c = t.cell_at(0, 1);
        assert_eq!((c.r0, c.r1, c.c0, c.c1), (0, 1, 0, 2));
        assert_eq!(t.index[0], t.index[1]);
    }

    #[test]
    fn a_region_of_lost_rulings_that_is_no_rectangle_is_cut_into_rows() {
        // fires: the ruling under the first row and the one between the last two columns are
        // lost over the right column (a seal took them): positions (0,0..3), (1,2), (2,2)
        // join into an L; the header row keeps its own cell, the right column's two cells
        // under it are one (a rectangle)
        let s = vec![
            seg(0.0, 0.0, 30.0, 0.0),
            seg(0.0, 10.0, 20.0, 10.0),
            seg(0.0, 20.0, 20.0, 20.0),
            seg(0.0, 30.0, 30.0, 30.0),
            seg(0.0, 0.0, 0.0, 30.0),
            seg(10.0, 10.0, 10.0, 30.0),
            seg(20.0, 10.0, 20.0, 30.0),
            seg(30.0, 0.0, 30.0, 30.0),
        ];
        let t = &find_grids(&s, 1, &Tolerances::default())[0];
        assert_eq!((t.n_rows(), t.n_cols()), (3, 3));
        let top = t.cell_at(0, 0);
        assert_eq!((top.r0, top.r1, top.c0, top.c1), (0, 1, 0, 3));
        let right = t.cell_at(1, 2);
        assert_eq!((right.r0, right.r1, right.c0, right.c1), (1, 3, 2, 3));
        assert_eq!(t.index[2 * 3 + 2], t.index[3 + 2]);
        assert_ne!(t.index[2], t.index[3 + 2]);
        assert!((0..t.cells.len()).all(|k| t.is_rectangle(k)));
        assert_eq!(
            t.cells[t.index[3 + 2]].bbox,
            BBox::new(20.0, 10.0, 30.0, 30.0)
        );
        // must not: a merged rectangle (the grid's top-left 2x1 block) stays one cell
        let t = &find_grids(&grid(), 1, &Tolerances::default())[0];
        assert_eq!(t.cells.len(), 8);
    }

    #[test]
    fn broken_and_doubled_lines_are_joined() {
        let mut s = grid();
        // break the bottom line into two pieces with a 2pt gap, and double the left border
        s.retain(|x| !(x.y0 == 30.0 && x.y1 == 30.0));
        s.push(seg(0.0, 30.0, 14.0, 30.0));
        s.push(seg(16.0, 30.2, 30.0, 30.2));
        s.push(seg(0.8, 0.0, 0.8, 30.0));
        let t = &find_grids(&s, 1, &Tolerances::default())[0];
        assert_eq!((t.n_rows(), t.n_cols()), (3, 3));
    }

    #[test]
    fn words_go_to_cells_and_lines_rejoin() {
        let mut t = find_grids(&grid(), 1, &Tolerances::default()).remove(0);
        let words = vec![
            Word::text_layer("本年".into(), BBox::new(1.0, 11.0, 8.0, 14.0)),
            Word::text_layer("新收".into(), BBox::new(1.0, 15.0, 8.0, 18.0)),
            Word::text_layer("21".into(), BBox::new(22.0, 12.0, 28.0, 18.0)),
            Word::text_layer("outside".into(), BBox::new(50.0, 50.0, 60.0, 60.0)),
        ];
        let inside = fill_cells(&mut t, &words);
        assert_eq!(inside.len(), 3);
        assert_eq!(t.cell_at(1, 0).text(), "本年新收");
        assert_eq!(t.cell_at(1, 0).lines, vec!["本年", "新收"]);
        assert_eq!(t.cell_at(1, 2).text(), "21");
        assert_eq!(t.cell_at(2, 2).text(), "");
    }

    #[test]
    fn stream_table_from_alignment_alone() {
        let w = |t: &str, x: f32, y: f32| {
            Word::text_layer(
                t.into(),
                BBox::new(x, y, x + 8.0 * t.chars().count() as f32, y + 10.0),
            )
        };
        let page = Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            kind: crate::model::PageKind::Digital,
            words: vec![
                w("一、本年新收", 10.0, 100.0),
                w("21", 200.0, 100.0),
                w("0", 250.0, 100.0),
                w("21", 300.0, 100.0),
                w("二、上年结转", 10.0, 120.0),
                w("—", 202.0, 120.0),
                w("3", 252.0, 120.0),
                w("3", 302.0, 120.0),
                w("本报告中所列数据统计期限从1月1日起", 10.0, 200.0),
            ],
            rulings: vec![],
        };
        let t = stream_tables(&page, &vec![false; page.words.len()]);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.n_cols(), 4);
        assert_eq!(
            t.grid_text(),
            vec![
                vec!["一、本年新收", "21", "0", "21"],
                vec!["二、上年结转", "—", "3", "3"]
            ]
        );
    }

    /// Eight rows of a label and three numbers at x 200/250/300, `y` 20 apart from 100.
    fn eight_rows(w: &dyn Fn(&str, f32, f32) -> Word) -> Vec<Word> {
        let mut v = Vec::new();
        for k in 0..8 {
            let y = 100.0 + 20.0 * k as f32;
            v.push(w(&format!("第{k}行标签"), 10.0, y));
            for (i, x) in [200.0, 250.0, 300.0].iter().enumerate() {
                v.push(w(&format!("{}", k + i), *x, y));
            }
        }
        v
    }

    fn ocr_word(t: &str, x: f32, y: f32) -> Word {
        Word {
            confidence: 0.9,
            source: crate::model::Source::Ocr,
            ..Word::text_layer(
                t.into(),
                BBox::new(x, y, x + 8.0 * t.chars().count() as f32, y + 10.0),
            )
        }
    }

    /// The text-aligned tables of a page holding `words` alone (none of them used).
    fn streamed(words: Vec<Word>) -> Vec<Table> {
        let page = page_of(words);
        stream_tables(&page, &vec![false; page.words.len()])
    }

    fn page_of(words: Vec<Word>) -> Page {
        Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            kind: crate::model::PageKind::Scanned,
            words,
            rulings: vec![],
        }
    }

    /// A requests-like block: rows of a label and seven numbers at x 200..500, with rows whose
    /// zeros print blank (label lines only) between them; `mid` is what stands between the
    /// second and third rows of values.
    fn blank_rows_between(mid: &[(&str, f32)]) -> Page {
        let xs = [200.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0];
        let mut v = Vec::new();
        let mut y = 100.0;
        let values_row = |v: &mut Vec<Word>, label: &str, y: f32| {
            v.push(ocr_word(label, 10.0, y));
            for x in xs {
                v.push(ocr_word("0", x, y));
            }
        };
        values_row(&mut v, "1.属于国家秘密", y);
        y += 20.0;
        values_row(&mut v, "2.其他法律行政法规", y);
        for (t, x) in mid {
            y += 20.0;
            v.push(ocr_word(t, *x, y));
        }
        y += 20.0;
        values_row(&mut v, "5.属于三类内部事务", y);
        y += 20.0;
        values_row(&mut v, "6.属于四类过程性", y);
        page_of(v)
    }

    #[test]
    fn label_lines_of_rows_printed_blank_do_not_cut_the_table() {
        // where it fires: four lines of label text (two rows whose zeros print blank) between
        // rows of values in the same columns: one table, the label lines rows of it
        let page = blank_rows_between(&[
            ("3.危及三安全", 10.0),
            ("一稳定", 10.0),
            ("4.保护第三方", 10.0),
            ("合法权益", 10.0),
        ]);
        let t = stream_tables(&page, &vec![false; page.words.len()]);
        assert_eq!(
            t.len(),
            1,
            "{:?}",
            t.iter().map(|t| t.grid_text()).collect::<Vec<_>>()
        );
        assert_eq!(t[0].n_rows(), 8);
        assert_eq!(t[0].n_cols(), 8);
        // where it must not: a line of prose across the value columns ends the table there
        let page = blank_rows_between(&[
            ("3.危及三安全", 10.0),
            ("一稳定", 10.0),
            ("本报告中所列数据统计期限从1月1日起至12月31日止", 10.0),
            ("合法权益", 10.0),
        ]);
        let t = stream_tables(&page, &vec![false; page.words.len()]);
        assert_eq!(t.len(), 2);
        // (the two label lines under the values are the last row's wrapped label, for all
        // the block knows)
        assert_eq!(t[0].n_rows(), 4);
        assert!(!t[0].grid_text().iter().any(|r| r[0].starts_with("本报告")));
    }

    #[test]
    fn label_lines_bridge_only_to_values_in_the_same_columns() {
        // four label lines, then a row whose numbers stand where the block has none (another
        // table's columns): no bridge, two tables
        let mut page = blank_rows_between(&[
            ("3.危及三安全", 10.0),
            ("一稳定", 10.0),
            ("4.保护第三方", 10.0),
            ("合法权益", 10.0),
        ]);
        for w in page
            .words
            .iter_mut()
            .filter(|w| w.bbox.y0 >= 200.0 && w.bbox.x0 >= 200.0)
        {
            w.bbox.x0 += 22.0;
            w.bbox.x1 += 22.0;
        }
        let t = stream_tables(&page, &vec![false; page.words.len()]);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn a_flat_glyph_first_on_a_line_does_not_split_it() {
        // OCR boxes its ink: 一 is 2 points tall.  Sorted by their middles, it comes first on
        // its line; the line's other words stand 3 points lower and still belong to it.
        let mut v = eight_rows(&ocr_word);
        v.push(Word {
            bbox: BBox::new(90.0, 124.0, 98.0, 126.0),
            ..ocr_word("一", 90.0, 124.0)
        });
        for w in v.iter_mut().filter(|w| (w.bbox.y0 - 120.0).abs() < 0.1) {
            w.bbox.y0 += 3.0;
            w.bbox.y1 += 3.0;
        }
        let t = streamed(v);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].n_rows(), 8, "{:?}", t[0].grid_text());
    }

    #[test]
    fn a_stray_number_makes_no_column_of_a_long_block() {
        // where it fires: a mark read as 1 after one label, at x where no other row has a number
        let mut words = eight_rows(&ocr_word);
        words.push(ocr_word("1", 120.0, 140.0));
        let t = streamed(words);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].n_cols(), 4, "{:?}", t[0].grid_text());
        assert_eq!(t[0].grid_text()[2][0], "第2行标签1");
        // where it must not: a short block keeps every column (a two-row table has one number
        // per column)
        let mut words: Vec<Word> = eight_rows(&ocr_word).into_iter().take(8).collect();
        words.push(ocr_word("7", 120.0, 120.0));
        let t = streamed(words);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].n_cols(), 5, "{:?}", t[0].grid_text());
    }

    #[test]
    fn overlapping_lines_split_at_their_middles() {
        // a tall mark on the second row reaches below a speck that lies above the third: the
        // rows between the lines' extents would cross, the rows at their middles do not
        let mut words = eight_rows(&ocr_word);
        words.push(Word {
            bbox: BBox::new(150.0, 106.0, 156.0, 144.0),
            ..ocr_word("(", 150.0, 106.0)
        });
        words.push(Word {
            bbox: BBox::new(100.0, 136.0, 102.0, 138.0),
            ..ocr_word("、", 100.0, 136.0)
        });
        let t = streamed(words);
        assert_eq!(t.len(), 1);
        let g = t[0].grid_text();
        assert_eq!(t[0].n_rows(), 9, "{g:?}");
        assert_eq!(g[1][0], "第1行标签(");
        assert_eq!(g[3], vec!["第2行标签", "2", "3", "4"]);
        assert_eq!(g[8], vec!["第7行标签", "7", "8", "9"]);
    }

    #[test]
    fn a_wrapped_label_and_its_line_of_values_are_one_row() {
        // where it fires: a label over two lines of a text layer, its values on a line of
        // their own between
        let wrapped = |word: &dyn Fn(&str, f32, f32) -> Word| {
            let mut words = eight_rows(word);
            // row 3 (y 160) becomes: label line at 157, values at 163, label end at 169
            words.retain(|w| (w.bbox.y0 - 160.0).abs() > 1.0);
            words.push(word("部分公开（区分处理的", 10.0, 152.0));
            for (x, v) in [(200.0, "3"), (250.0, "4"), (300.0, "5")] {
                words.push(word(v, x, 162.0));
            }
            words.push(word("不计其他情形）", 10.0, 172.0));
            let t = streamed(words);
            assert_eq!(t.len(), 1);
            t[0].grid_text()
        };
        let text_layer = |t: &str, x: f32, y: f32| Word {
            confidence: 1.0,
            source: crate::model::Source::TextLayer,
            ..ocr_word(t, x, y)
        };
        let g = wrapped(&text_layer);
        let joined = |g: &Vec<Vec<String>>| {
            g.iter()
                .any(|r| r[0] == "部分公开（区分处理的" && r[1..] == ["3", "4", "5"])
        };
        assert!(joined(&g), "{g:?}");
        // OCR'd lines stay apart: the template's labels put them together
        // (`template::stream_rows`), seeing where each line stands
        let g = wrapped(&ocr_word);
        assert!(!joined(&g), "{g:?}");
        assert!(
            g.iter()
                .any(|r| r[0].is_empty() && r[1..] == ["3", "4", "5"]),
            "{g:?}"
        );
        // where it must not: rows of values without labels (an appeals table) keep their lines
        let is_val = |w: usize| w >= 10;
        let block = vec![vec![0, 1], vec![10, 11, 12], vec![13, 14, 15], vec![16, 17]];
        assert_eq!(wrapped_labels(&block, 1, &is_val), block);
    }

    #[test]
    fn lone_lines_make_no_table() {
        let s = vec![seg(0.0, 0.0, 100.0, 0.0), seg(0.0, 20.0, 100.0, 20.0)];
        assert!(find_grids(&s, 1, &Tolerances::default()).is_empty());
    }
}

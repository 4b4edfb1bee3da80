//! Tables from rules: lines clustered and joined, connected components of
//! crossing lines, a grid of slots from each component, and cells from
//! slots joined where the boundary between them is mostly unruled.

use super::interp::Seg;

/// Positions closer than this (points) are one line.
const CLUSTER: f32 = 2.0;
/// Pieces of one line with gaps up to this (points) are one piece.
const JOIN_GAP: f32 = 2.0;
/// Slack when testing whether lines cross (points).
const TOUCH: f32 = 2.0;
/// A boundary ruled over less than this share of its length is no
/// boundary: the slots on either side are one cell.
const RULED_SHARE: f32 = 0.5;

/// A horizontal line at `at` from `from` to `to` (or vertical, likewise).
#[derive(Clone, Copy, Debug)]
pub struct Line {
    pub at: f32,
    pub from: f32,
    pub to: f32,
}

/// One table's grid as drawn on one page.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Column boundaries, left to right.
    pub xs: Vec<f32>,
    /// Row boundaries, top to bottom.
    pub ys: Vec<f32>,
    pub cells: Vec<Region>,
    /// Share of each cell's top edge that is ruled, by cell.
    pub top_ruled: Vec<f32>,
    /// Whether some region is not a rectangle of slots: (row, col) of one.
    pub irregular: Vec<(usize, usize)>,
    /// Slot (row-major) -> cell index.
    pub slot_cell: Vec<usize>,
}

/// A cell: rows `r0..r1`, columns `c0..c1` of its grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
}

impl Grid {
    pub fn x0(&self) -> f32 {
        self.xs.first().copied().unwrap_or(0.0)
    }
    pub fn x1(&self) -> f32 {
        self.xs.last().copied().unwrap_or(0.0)
    }
    pub fn y0(&self) -> f32 {
        self.ys.first().copied().unwrap_or(0.0)
    }
    pub fn y1(&self) -> f32 {
        self.ys.last().copied().unwrap_or(0.0)
    }

    /// The cell holding a point, if the point is in the grid.
    pub fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        let c = slot_index(&self.xs, x)?;
        let r = slot_index(&self.ys, y)?;
        let cols = self.xs.len() - 1;
        self.slot_cell.get(r * cols + c).copied()
    }
}

fn slot_index(bounds: &[f32], v: f32) -> Option<usize> {
    if bounds.len() < 2 || v < bounds[0] || v > bounds[bounds.len() - 1] {
        return None;
    }
    let i = bounds.partition_point(|b| *b <= v);
    Some(i.saturating_sub(1).min(bounds.len() - 2))
}

/// Groups sorted values lying within [`CLUSTER`] of their neighbour; each
/// group becomes its mean.
fn cluster(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out = Vec::new();
    let mut group: Vec<f32> = Vec::new();
    for v in values {
        if let Some(&last) = group.last()
            && v - last > CLUSTER
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

fn snap(v: f32, to: &[f32]) -> f32 {
    to.iter()
        .copied()
        .min_by(|a, b| (a - v).abs().total_cmp(&(b - v).abs()))
        .unwrap_or(v)
}

/// Lines from segments: positions clustered, collinear pieces joined.
pub fn lines(segs: &[Seg]) -> (Vec<Line>, Vec<Line>) {
    let (hs, vs): (Vec<&Seg>, Vec<&Seg>) = segs.iter().partition(|s| s.horizontal());
    let make = |pieces: Vec<Line>| -> Vec<Line> {
        let at = cluster(pieces.iter().map(|l| l.at).collect());
        let mut snapped: Vec<Line> = pieces
            .into_iter()
            .map(|l| Line {
                at: snap(l.at, &at),
                ..l
            })
            .collect();
        snapped.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
        let mut out: Vec<Line> = Vec::new();
        for l in snapped {
            match out.last_mut() {
                Some(last) if last.at == l.at && l.from <= last.to + JOIN_GAP => {
                    last.to = last.to.max(l.to);
                }
                _ => out.push(l),
            }
        }
        out
    };
    let h = make(
        hs.iter()
            .map(|s| Line {
                at: s.y0,
                from: s.x0,
                to: s.x1,
            })
            .collect(),
    );
    let v = make(
        vs.iter()
            .map(|s| Line {
                at: s.x0,
                from: s.y0,
                to: s.y1,
            })
            .collect(),
    );
    (h, v)
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// Tables: connected components of crossing lines, each as a grid.
/// `h` and `v` are sorted by position, as [`lines`] gives them.
pub fn tables(h: &[Line], v: &[Line]) -> Vec<Grid> {
    let n = h.len() + v.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, hl) in h.iter().enumerate() {
        // Only the verticals within the horizontal's extent can cross it.
        let first = v.partition_point(|l| l.at < hl.from - TOUCH);
        for (j, vl) in v.iter().enumerate().skip(first) {
            if vl.at > hl.to + TOUCH {
                break;
            }
            if hl.at >= vl.from - TOUCH && hl.at <= vl.to + TOUCH {
                union(&mut parent, i, h.len() + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Line>, Vec<Line>)> =
        std::collections::BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = groups.entry(root).or_default();
        if i < h.len() {
            g.0.push(h[i]);
        } else {
            g.1.push(v[i - h.len()]);
        }
    }
    let mut grids: Vec<Grid> = groups
        .into_values()
        .filter(|(gh, gv)| !gh.is_empty() && !gv.is_empty() && gh.len() + gv.len() >= 3)
        .filter_map(|(gh, gv)| grid(&gh, &gv))
        .collect();
    grids.sort_by(|a, b| a.y0().total_cmp(&b.y0()));
    grids
}

/// Ruled length of `[from, to]` along the lines at `at` (`lines` sorted by
/// position).
fn ruled(lines: &[Line], at: f32, from: f32, to: f32) -> f32 {
    let first = lines.partition_point(|l| l.at < at - CLUSTER);
    let mut covered: Vec<(f32, f32)> = lines[first..]
        .iter()
        .take_while(|l| l.at <= at + CLUSTER)
        .map(|l| (l.from.max(from), l.to.min(to)))
        .filter(|(a, b)| b > a)
        .collect();
    covered.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut total, mut end) = (0.0, f32::MIN);
    for (a, b) in covered {
        let a = a.max(end);
        if b > a {
            total += b - a;
            end = b;
        }
    }
    total
}

fn grid(h: &[Line], v: &[Line]) -> Option<Grid> {
    let xs = cluster(
        v.iter()
            .map(|l| l.at)
            .chain(h.iter().flat_map(|l| [l.from, l.to]))
            .collect(),
    );
    let ys = cluster(
        h.iter()
            .map(|l| l.at)
            .chain(v.iter().flat_map(|l| [l.from, l.to]))
            .collect(),
    );
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    if rows.saturating_mul(cols) > super::MAX_TABLE_SLOTS {
        return None;
    }
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            let (top, bottom) = (ys[r], ys[r + 1]);
            if c + 1 < cols {
                let len = bottom - top;
                if ruled(v, xs[c + 1], top, bottom) < RULED_SHARE * len {
                    union(&mut parent, r * cols + c, r * cols + c + 1);
                }
            }
            if r + 1 < rows {
                let len = xs[c + 1] - xs[c];
                if ruled(h, ys[r + 1], xs[c], xs[c + 1]) < RULED_SHARE * len {
                    union(&mut parent, r * cols + c, (r + 1) * cols + c);
                }
            }
        }
    }
    let mut index = std::collections::HashMap::new();
    let mut cells: Vec<Region> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut slot_cell = vec![0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, r * cols + c);
            let k = *index.entry(root).or_insert_with(|| {
                cells.push(Region {
                    r0: r,
                    r1: r + 1,
                    c0: c,
                    c1: c + 1,
                });
                counts.push(0);
                cells.len() - 1
            });
            let cell = &mut cells[k];
            cell.r0 = cell.r0.min(r);
            cell.r1 = cell.r1.max(r + 1);
            cell.c0 = cell.c0.min(c);
            cell.c1 = cell.c1.max(c + 1);
            counts[k] += 1;
            slot_cell[r * cols + c] = k;
        }
    }
    let irregular = cells
        .iter()
        .zip(&counts)
        .filter(|(c, n)| (c.r1 - c.r0) * (c.c1 - c.c0) != **n)
        .map(|(c, _)| (c.r0, c.c0))
        .collect();
    let top_ruled = cells
        .iter()
        .map(|c| {
            let len = xs[c.c1] - xs[c.c0];
            if len <= 0.0 {
                1.0
            } else {
                ruled(h, ys[c.r0], xs[c.c0], xs[c.c1]) / len
            }
        })
        .collect();
    Some(Grid {
        xs,
        ys,
        cells,
        top_ruled,
        irregular,
        slot_cell,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(x0: f32, y0: f32, x1: f32, y1: f32) -> Seg {
        Seg { x0, y0, x1, y1 }
    }

    #[test]
    fn a_two_by_two_grid_with_a_merged_top_row() {
        // Outer box, middle horizontal, vertical only in the bottom half.
        let segs = [
            seg(0.0, 0.0, 100.0, 0.0),
            seg(0.0, 20.0, 60.0, 20.0),
            seg(61.0, 20.2, 100.0, 20.2),
            seg(0.0, 40.0, 100.0, 40.0),
            seg(0.0, 0.0, 0.0, 40.0),
            seg(100.0, 0.0, 100.0, 40.0),
            seg(50.0, 20.0, 50.0, 40.0),
        ];
        let (h, v) = lines(&segs);
        assert_eq!(h.len(), 3, "{h:?}");
        let grids = tables(&h, &v);
        assert_eq!(grids.len(), 1);
        let g = &grids[0];
        assert_eq!(g.cells.len(), 3);
        assert_eq!(
            g.cells[0],
            Region {
                r0: 0,
                r1: 1,
                c0: 0,
                c1: 2
            }
        );
        assert!(g.irregular.is_empty());
        assert_eq!(g.cell_at(75.0, 30.0), Some(2));
        assert_eq!(g.cell_at(175.0, 30.0), None);
    }
}
